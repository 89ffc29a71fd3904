-- Retries never lie.  A write whose answer is lost (the proxy forwards it,
-- DynamoDB applies it, the answer never arrives) is sent again; the retry's
-- condition then fails, and a strongly consistent read decides: the record
-- is what the write made of it, so the statement succeeds, and the version
-- went up by exactly one.  A write that did not apply, where the record
-- changed meanwhile, is still 40001.  Throttled writes are retried.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY

CREATE SERVER wf_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint', max_retries '3');
CREATE USER MAPPING FOR CURRENT_USER SERVER wf_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
\! node "$DDB_TEST_DIR"/ddb.js create-table wf_items
CREATE FOREIGN TABLE wf_t (name text, version bigint, value text, fields jsonb)
  SERVER wf_srv OPTIONS (table 'wf_items', partition 'p');
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put wf_items p rec 'first'

-- UPDATE: the answer is lost after the write applied
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl lose UpdateItem
UPDATE wf_t SET value = 'second', fields = '{"k": "v"}' WHERE name = 'rec'
  RETURNING name, version, value, fields;
-- sent twice, applied once: version 2
\! "$DDB_TEST_DIR"/proxyctl count UpdateItem
\! "$DDB_TEST_DIR"/proxyctl faults lose
\! node "$DDB_TEST_DIR"/ddb.js get wf_items p rec

-- INSERT: the same
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl lose PutItem
INSERT INTO wf_t (name, value) VALUES ('new', 'created once') RETURNING *;
\! "$DDB_TEST_DIR"/proxyctl count PutItem
\! node "$DDB_TEST_DIR"/ddb.js get wf_items p new

-- DELETE: the same
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl lose DeleteItem
DELETE FROM wf_t WHERE name = 'new' RETURNING name, version;
\! "$DDB_TEST_DIR"/proxyctl count DeleteItem
\! node "$DDB_TEST_DIR"/ddb.js get wf_items p new

-- several lost answers in one batch of inserts
ALTER FOREIGN TABLE wf_t OPTIONS (ADD batch_size '10');
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl lose PutItem 3
INSERT INTO wf_t (name, value) SELECT 'b' || i, 'batched' FROM generate_series(1, 10) i;
\! "$DDB_TEST_DIR"/proxyctl count PutItem
SELECT count(*), min(version), max(version) FROM wf_t WHERE name LIKE 'b%';
ALTER FOREIGN TABLE wf_t OPTIONS (DROP batch_size);

-- a connection dropped before the write reached DynamoDB: sent again,
-- applied once
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl drop UpdateItem
UPDATE wf_t SET value = 'third' WHERE name = 'rec' RETURNING version, value;
\! "$DDB_TEST_DIR"/proxyctl count UpdateItem

-- a 500 leaves the outcome unknown; when the record then changed (here
-- while the statement ran), the read shows it is not this write's doing:
-- 40001, and the other writer's change stands
CREATE FOREIGN TABLE wf_other (name text, version bigint, value text)
  SERVER wf_srv OPTIONS (table 'wf_items', partition 'p');
CREATE FUNCTION meddle(k text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  UPDATE wf_other SET value = 'meddled' WHERE name = k;
  RETURN 'mine';
END $$;
\! "$DDB_TEST_DIR"/proxyctl error UpdateItem 500 InternalServerError 1 --skip 1
UPDATE wf_t SET value = meddle(name) WHERE name = 'rec';
\echo :LAST_ERROR_SQLSTATE
SELECT name, version, value FROM wf_t WHERE name = 'rec';

-- throttled writes are retried (DynamoDB never ran them)
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl error UpdateItem 400 ProvisionedThroughputExceededException 2
UPDATE wf_t SET value = 'after throttling' WHERE name = 'rec' RETURNING version, value;
\! "$DDB_TEST_DIR"/proxyctl count UpdateItem
\! "$DDB_TEST_DIR"/proxyctl faults error
-- more than max_retries: 53000, nothing applied
\! "$DDB_TEST_DIR"/proxyctl error PutItem 400 ThrottlingException 10
INSERT INTO wf_t (name, value) VALUES ('throttled', 'x');
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT count(*) FROM wf_t WHERE name = 'throttled';
-- 5xx every time: the error says the write may have taken effect
\! "$DDB_TEST_DIR"/proxyctl error DeleteItem 500 InternalServerError 10
DELETE FROM wf_t WHERE name = 'rec';
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT name, version, value FROM wf_t WHERE name = 'rec';

DROP SERVER wf_srv CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table wf_items
