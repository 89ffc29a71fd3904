-- SELECT over a partition: every live record of the partition, columns
-- converted per the dynastore format, expired records hidden.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY

CREATE SERVER sel_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (region 'us-east-1', endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER sel_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');

\! node "$DDB_TEST_DIR"/ddb.js create-table sel_items
-- records as dynastore writes them, and as other tools may leave them
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put sel_items texts plain hello --field created=2024-01-02 --field pk1=x
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put sel_items texts later 'lives on' --expires 4102444800
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put sel_items texts gone 'expired' --expires 1000000000
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put sel_items texts 'dir/' 'a key ending in a slash'
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put sel_items texts 'ключ/é' 'ünïcode ✓'
\! node "$DDB_TEST_DIR"/ddb.js put sel_items '[{"id":{"S":"texts"},"name":{"S":"empty"},"version":{"N":"3"},"payload":{"NULL":true}}, {"id":{"S":"texts"},"name":{"S":"noversion"},"payload":{"S":"hello"}}, {"id":{"S":"texts"},"name":{"S":"strexpires"},"version":{"N":"1"},"expires":{"S":"9999999999"}}, {"id":{"S":"texts"},"name":{"S":"typed"},"version":{"N":"1"},"payload":{"S":"t"},"n":{"N":"12.5"},"flag":{"BOOL":true},"at":{"S":"2024-05-01T10:00:00Z"},"cnt":{"N":"7"},"tags":{"SS":["a","b"]},"doc":{"M":{"k":{"L":[{"N":"1"},{"S":"two"},{"NULL":true}]}}}}, {"id":{"S":"texts"},"name":{"S":"mapped"},"version":{"N":"1"},"payload":{"M":{"a":{"S":"b"}}}}, {"id":{"S":"other"},"name":{"S":"elsewhere"},"version":{"N":"1"},"payload":{"S":"not in texts"}}]'

CREATE FOREIGN TABLE sel_texts (
  id text, name text, version bigint, expires bigint, value text, fields jsonb
) SERVER sel_srv OPTIONS (table 'sel_items', partition 'texts');

-- every live record; the expired, the one whose expires is not a number
-- and the other partition's record are not there
SELECT id, name, version, expires, value, fields FROM sel_texts ORDER BY name COLLATE "C";
SELECT count(*) FROM sel_texts;

-- expires as timestamptz
CREATE FOREIGN TABLE sel_ttl (name text, expires timestamptz)
  SERVER sel_srv OPTIONS (table 'sel_items', partition 'texts');
SELECT name, expires FROM sel_ttl WHERE expires IS NOT NULL;

-- other columns map to top-level attributes by name, or by the attribute option
CREATE FOREIGN TABLE sel_attrs (
  name text, created text, n numeric, flag boolean, at timestamptz,
  cnt integer, tags jsonb, doc jsonb, created_day date OPTIONS (attribute 'created'),
  fields jsonb
) SERVER sel_srv OPTIONS (table 'sel_items', partition 'texts');
SELECT name, created, n, flag, at, cnt, tags, doc, created_day, fields
  FROM sel_attrs WHERE name IN ('plain', 'typed') ORDER BY name;

-- jsonb payloads: dynastore apps keep JSON text in the payload
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put sel_items jsons j1 '{"plan": "pro", "seats": 3}'
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put sel_items jsons j2 '[1, 2, {"x": null}]'
\! node "$DDB_TEST_DIR"/ddb.js put sel_items '[{"id":{"S":"jsons"},"name":{"S":"j3"},"version":{"N":"1"},"payload":{"M":{"a":{"S":"b"},"n":{"N":"1"}}}}, {"id":{"S":"jsons"},"name":{"S":"j4"},"version":{"N":"1"},"payload":{"NULL":true}}, {"id":{"S":"jsons"},"name":{"S":"j5"},"version":{"N":"1"},"payload":{"B":"eyJiaW4iOiB0cnVlfQ=="}}]'
CREATE FOREIGN TABLE sel_jsons (name text, version bigint, value jsonb)
  SERVER sel_srv OPTIONS (table 'sel_items', partition 'jsons');
SELECT name, version, value, value->>'plan' AS plan FROM sel_jsons ORDER BY name;

-- bytea payloads: dynastore keeps bytes as base64 text; B holds raw bytes
\! node "$DDB_TEST_DIR"/ddb.js put sel_items '[{"id":{"S":"bytes"},"name":{"S":"b1"},"version":{"N":"1"},"payload":{"S":"AAEC//4="}}, {"id":{"S":"bytes"},"name":{"S":"b2"},"version":{"N":"7"},"payload":{"B":"cmF3Ynl0ZXM="}}, {"id":{"S":"bytes"},"name":{"S":"b3"},"version":{"N":"1"},"payload":{"NULL":true}}]'
CREATE FOREIGN TABLE sel_bytes (name text, version bigint, value bytea)
  SERVER sel_srv OPTIONS (table 'sel_items', partition 'bytes');
SELECT name, version, value FROM sel_bytes ORDER BY name;

-- reading a payload with the wrong type is an error naming the record
CREATE FOREIGN TABLE sel_texts_as_json (name text, value jsonb)
  SERVER sel_srv OPTIONS (table 'sel_items', partition 'texts');
SELECT name, value FROM sel_texts_as_json;
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN TABLE sel_texts_as_bytes (name text, value bytea)
  SERVER sel_srv OPTIONS (table 'sel_items', partition 'texts');
SELECT name, value FROM sel_texts_as_bytes;
\echo :LAST_ERROR_SQLSTATE
-- raw bytes that are not UTF-8 cannot be text
\! node "$DDB_TEST_DIR"/ddb.js put sel_items '{"id":{"S":"badtext"},"name":{"S":"x"},"version":{"N":"1"},"payload":{"B":"//79"}}'
CREATE FOREIGN TABLE sel_badtext (name text, value text)
  SERVER sel_srv OPTIONS (table 'sel_items', partition 'badtext');
SELECT name, value FROM sel_badtext;
\echo :LAST_ERROR_SQLSTATE

-- a column type that cannot hold its part of the record
CREATE FOREIGN TABLE sel_badtype (name text, version text, value integer)
  SERVER sel_srv OPTIONS (table 'sel_items', partition 'texts');
SELECT value FROM sel_badtype;
\echo :LAST_ERROR_SQLSTATE

-- an empty partition, and a partition that was never written
\! node "$DDB_TEST_DIR"/ddb.js create-table sel_empty
CREATE FOREIGN TABLE sel_none (name text, value text)
  SERVER sel_srv OPTIONS (table 'sel_empty', partition 'nobody');
SELECT count(*) FROM sel_none;
SELECT * FROM sel_none;

-- a table that does not exist
CREATE FOREIGN TABLE sel_missing (name text)
  SERVER sel_srv OPTIONS (table 'no_such_table', partition 'p');
\set VERBOSITY terse
SELECT * FROM sel_missing;
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE

-- only the attributes the query uses are requested
EXPLAIN (COSTS OFF) SELECT name, value FROM sel_texts;
EXPLAIN (COSTS OFF) SELECT name FROM sel_texts WHERE version > 1;
EXPLAIN (COSTS OFF) SELECT * FROM sel_texts;
EXPLAIN (COSTS OFF) SELECT 1 FROM sel_texts;

-- joins with local tables
CREATE TEMP TABLE plans (name text PRIMARY KEY, price int);
INSERT INTO plans VALUES ('pro', 30), ('free', 0);
SELECT j.name, p.price FROM sel_jsons j JOIN plans p ON p.name = j.value->>'plan';

DROP SERVER sel_srv CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table sel_items
\! node "$DDB_TEST_DIR"/ddb.js delete-table sel_empty
