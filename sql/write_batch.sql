-- Bulk INSERT: a statement's creates go out when it has produced them all,
-- as TransactWriteItems of up to 100 records, several at once: up to 100
-- records, a statement applies all or nothing.  batch_size is how many
-- rows PostgreSQL hands over at once (it matters for ON CONFLICT DO
-- NOTHING, whose rows go out batch by batch).  The table option
-- insert_mode 'put' is dynastore's plain Put instead: an upsert with no
-- condition, through BatchWriteItem, 25 items a request.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY

CREATE SERVER bat_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER bat_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
\! node "$DDB_TEST_DIR"/ddb.js create-table bat_items

-- the options
CREATE FOREIGN TABLE bat_t (name text, version bigint, value text)
  SERVER bat_srv OPTIONS (table 'bat_items', partition 'p', batch_size '0');
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN TABLE bat_t (name text, version bigint, value text)
  SERVER bat_srv OPTIONS (table 'bat_items', partition 'p', insert_mode 'upsert');
\echo :LAST_ERROR_SQLSTATE
ALTER SERVER bat_srv OPTIONS (ADD batch_size '25');
CREATE FOREIGN TABLE bat_t (name text, version bigint, value text)
  SERVER bat_srv OPTIONS (table 'bat_items', partition 'p', batch_size '50');

-- 120 rows: two transactions, of 100 and 20 records
EXPLAIN (COSTS OFF)
  INSERT INTO bat_t (name, value) SELECT 'k' || i, 'v' FROM generate_series(1, 120) i;
\! "$DDB_TEST_DIR"/proxyctl stats-reset
INSERT INTO bat_t (name, value) SELECT 'k' || i, 'v' FROM generate_series(1, 120) i;
\! "$DDB_TEST_DIR"/proxyctl count TransactWriteItems
\! "$DDB_TEST_DIR"/proxyctl count PutItem
SELECT count(*), min(version), max(version) FROM bat_t;
-- the table's option overrides the server's
CREATE FOREIGN TABLE bat_s (name text, version bigint, value text)
  SERVER bat_srv OPTIONS (table 'bat_items', partition 's');
EXPLAIN (COSTS OFF) INSERT INTO bat_s (name) VALUES ('x');
-- RETURNING, like row triggers, takes rows one at a time
EXPLAIN (COSTS OFF) INSERT INTO bat_t (name) VALUES ('x') RETURNING version;

-- a batch with a bad row: none of the batch is sent
\! "$DDB_TEST_DIR"/proxyctl stats-reset
INSERT INTO bat_t (name, value) SELECT 'n' || i, 'v' FROM generate_series(1, 9) i
  UNION ALL SELECT '', 'bad';
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl count TransactWriteItems
-- keys that exist: 23505 for the first of them, and nothing of the
-- statement is written (one transaction)
INSERT INTO bat_t (name, value) SELECT 'k' || i, 'again' FROM generate_series(115, 124) i;
\echo :LAST_ERROR_SQLSTATE
SELECT name, version, value FROM bat_t WHERE name >= 'k115' AND name < 'k125' ORDER BY name;
-- a key twice in one statement: the second row is the duplicate, and
-- nothing is sent
\! "$DDB_TEST_DIR"/proxyctl stats-reset
INSERT INTO bat_t (name, value) VALUES ('twice', 'first'), ('other', 'x'), ('twice', 'second');
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl count TransactWriteItems
-- 250 rows, one of which exists: three transactions; the one with the
-- duplicate applies nothing, and the error says what the others wrote
INSERT INTO bat_t (name, value) SELECT 'm' || i, 'v' FROM generate_series(1, 250) i
  UNION ALL SELECT 'k1', 'dup';
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM bat_t WHERE name LIKE 'm%';
-- ON CONFLICT DO NOTHING skips them and counts only the rows written
INSERT INTO bat_t (name, value) SELECT 'k' || i, 'again' FROM generate_series(120, 130) i
  ON CONFLICT DO NOTHING;
\echo :ROW_COUNT
SELECT count(*) FROM bat_t;
-- COPY uses the batches too
\! "$DDB_TEST_DIR"/proxyctl stats-reset
COPY bat_t (name, value) FROM stdin;
c1	copied
c2	copied
c3	copied
\.
\! "$DDB_TEST_DIR"/proxyctl count TransactWriteItems
SELECT name, version, value FROM bat_t WHERE name LIKE 'c%' ORDER BY name;

-- insert_mode 'put': BatchWriteItem, 25 items a request, all at once; no condition, whole items replaced, version 1 (which
-- is why it is for loading, not for records that apps update meanwhile)
CREATE FOREIGN TABLE bat_put (name text, version bigint, value text, fields jsonb)
  SERVER bat_srv OPTIONS (table 'bat_items', partition 'put', batch_size '100',
                          insert_mode 'put');
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put bat_items put k1 'old' --field created=2001
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put bat_items put k1 'older'
\! "$DDB_TEST_DIR"/proxyctl stats-reset
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
  INSERT INTO bat_put (name, value) SELECT 'k' || i, 'v' || i FROM generate_series(1, 120) i;
\! "$DDB_TEST_DIR"/proxyctl count BatchWriteItem
\! "$DDB_TEST_DIR"/proxyctl count PutItem
SELECT count(*), min(version), max(version) FROM bat_put;
\! node "$DDB_TEST_DIR"/ddb.js get bat_items put k1
-- a key twice in one batch: the last row wins, as one at a time
INSERT INTO bat_put (name, value) VALUES ('d', 'first'), ('e', 'e'), ('d', 'second');
SELECT name, value FROM bat_put WHERE name IN ('d', 'e') ORDER BY name;
-- ON CONFLICT has no meaning there
INSERT INTO bat_put (name, value) VALUES ('d', 'x') ON CONFLICT DO NOTHING;
\echo :LAST_ERROR_SQLSTATE
-- items DynamoDB leaves unprocessed are sent again after a backoff: 25
-- items answered 13 processed, then 6 of the 12 left, then the rest
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl unprocessed BatchWriteItem 2
INSERT INTO bat_put (name, value) SELECT 'u' || i, 'unprocessed ' || i FROM generate_series(1, 25) i;
\! "$DDB_TEST_DIR"/proxyctl count BatchWriteItem
SELECT count(*), min(value), max(value) FROM bat_put WHERE name LIKE 'u%';

DROP SERVER bat_srv CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table bat_items
