-- INSERT creates records as dynastore's AtomicPut does: version 1, the
-- payload, expires and fields exactly as dynastore writes them, and only
-- where no live record has the key (23505 otherwise).  An expired record
-- does not block the key; it is replaced by a fresh one.  Invalid rows are
-- refused before anything is sent.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY

CREATE SERVER ins_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER ins_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
\! node "$DDB_TEST_DIR"/ddb.js create-table ins_items

CREATE FOREIGN TABLE ins_t (
  id text, name text, version bigint, expires bigint, value text, fields jsonb
) SERVER ins_srv OPTIONS (table 'ins_items', partition 'p');

-- a record: version 1, payload S, fields as S attributes, expires N
INSERT INTO ins_t (name, value, fields, expires)
  VALUES ('user/1', 'hello', '{"created": "2024-01-02", "pk1": "x"}', 4102444800)
  RETURNING *;
\! node "$DDB_TEST_DIR"/ddb.js get ins_items p user/1
-- what the key's partition comes from: the table's partition option
SELECT id, name, version, expires, value, fields FROM ins_t;

-- the same key again: 23505, and the record is untouched
INSERT INTO ins_t (name, value) VALUES ('user/1', 'again');
\echo :LAST_ERROR_SQLSTATE
SELECT name, version, value FROM ins_t WHERE name = 'user/1';
-- ON CONFLICT DO NOTHING skips it
INSERT INTO ins_t (name, value) VALUES ('user/1', 'again'), ('user/2', 'two')
  ON CONFLICT DO NOTHING RETURNING name, version, value;
SELECT name, version, value FROM ins_t ORDER BY name;

-- an empty value and NULL are stored as NULL, as dynastore does
INSERT INTO ins_t (name, value) VALUES ('empty', ''), ('null', NULL);
\! node "$DDB_TEST_DIR"/ddb.js get ins_items p empty
\! node "$DDB_TEST_DIR"/ddb.js get ins_items p null
-- a name ending in a slash, and one that is not ASCII
INSERT INTO ins_t (name, value) VALUES ('dir/', 'slash'), ('ключ/é', 'ünïcode ✓');
\! node "$DDB_TEST_DIR"/ddb.js get ins_items p 'ключ/é'

-- an expired record does not block the key: the new record replaces it
-- whole, at version 1, without the old fields or expiry
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put ins_items p stale 'old value' --expires 1000000000 --field created=2001 --field pk1=old
\! node "$DDB_TEST_DIR"/ddb.js get ins_items p stale
SELECT count(*) FROM ins_t WHERE name = 'stale';
INSERT INTO ins_t (name, value) VALUES ('stale', 'fresh') RETURNING name, version, value, fields;
\! node "$DDB_TEST_DIR"/ddb.js get ins_items p stale
-- so does one whose expires is not a number (reads treat it as expired)
\! node "$DDB_TEST_DIR"/ddb.js put ins_items '{"id":{"S":"p"},"name":{"S":"strexp"},"version":{"N":"4"},"expires":{"S":"9999999999"}}'
INSERT INTO ins_t (name, value) VALUES ('strexp', 'fresh') RETURNING name, version, value;
-- a live record with expires in the future does block it
INSERT INTO ins_t (name, value, expires) VALUES ('later', 'v', 4102444800);
INSERT INTO ins_t (name, value) VALUES ('later', 'w');
\echo :LAST_ERROR_SQLSTATE

-- value as jsonb (S with the JSON text) and bytea (S standard base64)
CREATE FOREIGN TABLE ins_json (name text, version bigint, value jsonb)
  SERVER ins_srv OPTIONS (table 'ins_items', partition 'json');
INSERT INTO ins_json (name, value)
  VALUES ('j1', '{"plan": "pro", "seats": 3}'), ('j2', '"just a string"'), ('j3', NULL)
  RETURNING *;
\! node "$DDB_TEST_DIR"/ddb.js get ins_items json j1
CREATE FOREIGN TABLE ins_bytes (name text, version bigint, value bytea)
  SERVER ins_srv OPTIONS (table 'ins_items', partition 'bytes');
INSERT INTO ins_bytes (name, value)
  VALUES ('b1', '\x000102fffe'), ('b2', ''), ('b3', 'b')
  RETURNING *;
\! node "$DDB_TEST_DIR"/ddb.js get ins_items bytes b1
\! node "$DDB_TEST_DIR"/ddb.js get ins_items bytes b2

-- expires as timestamptz: epoch seconds, rounded down
CREATE FOREIGN TABLE ins_ttl (name text, version bigint, expires timestamptz)
  SERVER ins_srv OPTIONS (table 'ins_items', partition 'ttl');
INSERT INTO ins_ttl VALUES ('t1', NULL, '2100-01-01 00:00:00.9+00'), ('t2', NULL, NULL)
  RETURNING *;
\! node "$DDB_TEST_DIR"/ddb.js get ins_items ttl t1
\! node "$DDB_TEST_DIR"/ddb.js get ins_items ttl t2

-- other columns: their attribute by name or by the attribute option,
-- typed S, N, BOOL, or the AttributeValue of a jsonb's shape
CREATE FOREIGN TABLE ins_attrs (
  name text, version bigint, created text, n numeric, cnt integer,
  flag boolean, at timestamptz, day date OPTIONS (attribute 'sk1'),
  doc jsonb, fields jsonb
) SERVER ins_srv OPTIONS (table 'ins_items', partition 'attrs');
INSERT INTO ins_attrs
  VALUES ('a1', NULL, '2024-01-02', 12.50, 7, true, '2024-05-01 10:00:00+00',
          '2024-05-01', '{"k": [1, "two", null, false]}', '{"other": "x"}'),
         ('a2', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
  RETURNING *;
\! node "$DDB_TEST_DIR"/ddb.js get ins_items attrs a1
\! node "$DDB_TEST_DIR"/ddb.js get ins_items attrs a2

-- a table over the whole DynamoDB table: id is part of the key
CREATE FOREIGN TABLE ins_all (id text, name text, version bigint, value text)
  SERVER ins_srv OPTIONS (table 'ins_items');
INSERT INTO ins_all VALUES ('other', 'x', NULL, 'in another partition') RETURNING *;
\! node "$DDB_TEST_DIR"/ddb.js get ins_items other x

-- rows that cannot be written are refused, and nothing is sent: the
-- counter of PutItem requests does not move
\! "$DDB_TEST_DIR"/proxyctl stats-reset
INSERT INTO ins_t (name) VALUES (NULL);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_t (name) VALUES ('');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_all (id, name) VALUES ('', 'x');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_all (id, name) VALUES (NULL, 'x');
\echo :LAST_ERROR_SQLSTATE
-- a name of 1,024 bytes is the most DynamoDB takes, an id of 2,048
INSERT INTO ins_t (name) VALUES (repeat('n', 1025));
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_all (id, name) VALUES (repeat('i', 2049), 'x');
\echo :LAST_ERROR_SQLSTATE
-- 1,025 bytes in 513 characters
INSERT INTO ins_t (name) VALUES (repeat('é', 512) || 'x');
\echo :LAST_ERROR_SQLSTATE
-- an item over 400 KB
INSERT INTO ins_t (name, value) VALUES ('big', repeat('x', 409600));
\echo :LAST_ERROR_SQLSTATE
-- reserved attribute names inside fields, as dynastore refuses them
INSERT INTO ins_t (name, fields) VALUES ('f', '{"version": "9"}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_t (name, fields) VALUES ('f', '{"payload": "x"}');
\echo :LAST_ERROR_SQLSTATE
-- a member that a column holds, a member that is not a string, not an object
INSERT INTO ins_attrs (name, fields) VALUES ('f', '{"created": "x"}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_t (name, fields) VALUES ('f', '{"n": 1}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ins_t (name, fields) VALUES ('f', '["a"]');
\echo :LAST_ERROR_SQLSTATE
-- the version is the wrapper's
INSERT INTO ins_t (name, version) VALUES ('f', 7);
\echo :LAST_ERROR_SQLSTATE
-- the partition is the table's
INSERT INTO ins_t (id, name) VALUES ('elsewhere', 'f');
\echo :LAST_ERROR_SQLSTATE
-- numbers DynamoDB cannot hold
INSERT INTO ins_attrs (name, n) VALUES ('f', 'NaN');
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl count PutItem
SELECT count(*) FROM ins_t WHERE name IN ('f', 'big');
-- a statement's rows go out together once all are checked: a bad row
-- means nothing of the statement is written
INSERT INTO ins_t (name, value) VALUES ('ok1', 'fine'), ('', 'bad');
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl count TransactWriteItems
SELECT name, version, value FROM ins_t WHERE name = 'ok1';
-- a table without a name column cannot be inserted into
CREATE FOREIGN TABLE ins_noname (value text)
  SERVER ins_srv OPTIONS (table 'ins_items', partition 'p');
INSERT INTO ins_noname VALUES ('x');
\echo :LAST_ERROR_SQLSTATE

-- COPY inserts too
COPY ins_t (name, value) FROM stdin;
copy/1	first
copy/2	second
\.
SELECT name, version, value FROM ins_t WHERE name LIKE 'copy/%' ORDER BY name;

-- rows routed into a foreign partition of a partitioned table
CREATE TABLE ins_parted (name text, version bigint, value text) PARTITION BY LIST (value);
CREATE FOREIGN TABLE ins_parted_ddb PARTITION OF ins_parted FOR VALUES IN ('remote')
  SERVER ins_srv OPTIONS (table 'ins_items', partition 'routed');
CREATE TABLE ins_parted_local PARTITION OF ins_parted FOR VALUES IN ('local');
INSERT INTO ins_parted VALUES ('r1', NULL, 'remote'), ('l1', NULL, 'local') RETURNING *;
\! node "$DDB_TEST_DIR"/ddb.js get ins_items routed r1
-- but not by an UPDATE that also updates the foreign partition (as in
-- postgres_fdw)
UPDATE ins_parted SET value = 'remote' WHERE name = 'l1';
\echo :LAST_ERROR_SQLSTATE
DROP TABLE ins_parted;

-- EXPLAIN names the operation and its condition
EXPLAIN (COSTS OFF) INSERT INTO ins_t (name, value) VALUES ('e', 'x');

-- an endpoint without TransactWriteItems (dynalite itself, without the
-- kit's proxy): a clear error and nothing written; write_mode 'single'
-- works there
\getenv direct DDB_DIRECT_ENDPOINT
CREATE SERVER ins_direct FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'direct');
CREATE USER MAPPING FOR CURRENT_USER SERVER ins_direct
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
CREATE FOREIGN TABLE ins_d (name text, version bigint, value text)
  SERVER ins_direct OPTIONS (table 'ins_items', partition 'direct');
\set VERBOSITY terse
INSERT INTO ins_d (name, value) VALUES ('d1', 'x');
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE
ALTER SERVER ins_direct OPTIONS (ADD write_mode 'single');
INSERT INTO ins_d (name, value) VALUES ('d1', 'x') RETURNING name, version;
DROP SERVER ins_direct CASCADE;

DROP SERVER ins_srv CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table ins_items
