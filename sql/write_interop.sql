-- Interop with dynastore: a record written with SQL has exactly the
-- attributes and types that dynastore writes for the same data (its wire
-- shapes, as the AWS SDK for JavaScript sends them in test/ddb.js), and
-- records written in dynastore's shapes (UpdateItem with ADD version) read,
-- update and delete correctly with SQL, in any order of writers.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY

CREATE SERVER io_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER io_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
\! node "$DDB_TEST_DIR"/ddb.js create-table io_items

CREATE FOREIGN TABLE io_text (
  id text, name text, version bigint, expires bigint, value text, fields jsonb
) SERVER io_srv OPTIONS (table 'io_items', partition 'text');
CREATE FOREIGN TABLE io_bytes (name text, version bigint, value bytea)
  SERVER io_srv OPTIONS (table 'io_items', partition 'bytes');

-- each pair: the items of the record dynastore wrote and of the one SQL
-- wrote, their names left out, compared byte for byte

-- text value, fields and expires (dynastore: WriteWithString, fields, TTL)
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put io_items text dyn1 'hello' --field created=2024-01-02 --field pk1=gpk --field sk1=s1 --expires 4102444800
INSERT INTO io_text (name, value, fields, expires)
  VALUES ('sql1', 'hello', '{"created": "2024-01-02", "pk1": "gpk", "sk1": "s1"}', 4102444800);
\! node "$DDB_TEST_DIR"/ddb.js get io_items text dyn1 | sed 's/"name":{"S":"[^"]*"},//' > /tmp/io_dyn.$PPID
\! node "$DDB_TEST_DIR"/ddb.js get io_items text sql1 | sed 's/"name":{"S":"[^"]*"},//' > /tmp/io_sql.$PPID
\! cmp -s /tmp/io_dyn.$PPID /tmp/io_sql.$PPID && echo "same attributes and types" || echo DIFFERENT; cat /tmp/io_sql.$PPID
-- no value, no fields (dynastore: Put with no options but an empty value)
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put io_items text dyn2 ''
INSERT INTO io_text (name, value) VALUES ('sql2', '');
\! node "$DDB_TEST_DIR"/ddb.js get io_items text dyn2 | sed 's/"name":{"S":"[^"]*"},//' > /tmp/io_dyn.$PPID
\! node "$DDB_TEST_DIR"/ddb.js get io_items text sql2 | sed 's/"name":{"S":"[^"]*"},//' > /tmp/io_sql.$PPID
\! cmp -s /tmp/io_dyn.$PPID /tmp/io_sql.$PPID && echo "same attributes and types" || echo DIFFERENT; cat /tmp/io_sql.$PPID
-- bytes, as standard base64 text (dynastore: WriteWithBytes)
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put io_items bytes dyn3 000102fffe --bytes-hex
INSERT INTO io_bytes (name, value) VALUES ('sql3', '\x000102fffe');
\! node "$DDB_TEST_DIR"/ddb.js get io_items bytes dyn3 | sed 's/"name":{"S":"[^"]*"},//' > /tmp/io_dyn.$PPID
\! node "$DDB_TEST_DIR"/ddb.js get io_items bytes sql3 | sed 's/"name":{"S":"[^"]*"},//' > /tmp/io_sql.$PPID
\! cmp -s /tmp/io_dyn.$PPID /tmp/io_sql.$PPID && echo "same attributes and types" || echo DIFFERENT; cat /tmp/io_sql.$PPID
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put io_items bytes dyn4 '' --bytes-hex
INSERT INTO io_bytes (name, value) VALUES ('sql4', '');
\! node "$DDB_TEST_DIR"/ddb.js get io_items bytes dyn4 | sed 's/"name":{"S":"[^"]*"},//' > /tmp/io_dyn.$PPID
\! node "$DDB_TEST_DIR"/ddb.js get io_items bytes sql4 | sed 's/"name":{"S":"[^"]*"},//' > /tmp/io_sql.$PPID
\! cmp -s /tmp/io_dyn.$PPID /tmp/io_sql.$PPID && echo "same attributes and types" || echo DIFFERENT; cat /tmp/io_sql.$PPID

-- what SQL wrote reads back the same in SQL
SELECT name, version, expires, value, fields FROM io_text ORDER BY name;
SELECT name, version, value FROM io_bytes ORDER BY name;

-- dynastore and SQL take turns on one record; each write is one version
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put io_items text turns 'dynastore 1' --field created=2020
UPDATE io_text SET value = 'sql 2' WHERE name = 'turns' RETURNING version, value, fields;
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put io_items text turns 'dynastore 3' --print
UPDATE io_text SET fields = fields || '{"pk1": "p"}' WHERE name = 'turns' RETURNING version, value, fields;
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put io_items text turns 'dynastore 5' --ttl 100000 --print | sed 's/"expires":{"N":"[0-9]*"}/"expires":{"N":"(in a day)"}/'
UPDATE io_text SET expires = NULL WHERE name = 'turns' RETURNING version, expires, value;
\! node "$DDB_TEST_DIR"/ddb.js get io_items text turns

-- dynastore's AtomicPut on a version SQL wrote: its condition holds
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put io_items text created-by-sql 'x' --print
DELETE FROM io_text WHERE name = 'created-by-sql' RETURNING name, version;
\! node "$DDB_TEST_DIR"/ddb.js get io_items text created-by-sql
-- a record that dynastore deleted is gone for SQL too
INSERT INTO io_text (name, value) VALUES ('short', 'lived');
\! node "$DDB_TEST_DIR"/ddb.js delete io_items text short
SELECT count(*) FROM io_text WHERE name = 'short';
-- and SQL can create it again, at version 1
INSERT INTO io_text (name, value) VALUES ('short', 'again') RETURNING name, version, value;

-- a dynastore record whose payload is JSON text, updated as jsonb
CREATE FOREIGN TABLE io_json (name text, version bigint, value jsonb)
  SERVER io_srv OPTIONS (table 'io_items', partition 'json');
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put io_items json j1 '{"plan": "free", "seats": 1}'
UPDATE io_json SET value = jsonb_set(value, '{plan}', '"pro"') WHERE name = 'j1'
  RETURNING name, version, value;
\! node "$DDB_TEST_DIR"/ddb.js get io_items json j1

\! rm -f /tmp/io_dyn.$PPID /tmp/io_sql.$PPID
DROP SERVER io_srv CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table io_items
