-- Retries never lie.  Conditional writes go out as TransactWriteItems with
-- a ClientRequestToken: a write whose answer is lost is sent again with the
-- same token, and DynamoDB (here the proxy's emulation) answers the resend
-- with success without applying it twice.  So a write applies at most once,
-- never to a record other than the one it was conditioned on, and the
-- statement reports exactly what happened.  Another writer acts in the gap
-- between the lost answer and the resend (a background process while the
-- proxy holds the resend).  With write_mode 'single', a write whose answer
-- is lost is never sent again: its outcome is unknown, 40003.
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

-- UPDATE: the answer is lost after the write applied; the resend is
-- answered from the token: sent twice, applied once, version 2
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl lose TransactWriteItems
UPDATE wf_t SET value = 'second', fields = '{"k": "v"}' WHERE name = 'rec'
  RETURNING name, version, value, fields;
\! "$DDB_TEST_DIR"/proxyctl count TransactWriteItems
\! "$DDB_TEST_DIR"/proxyctl txn applied
\! "$DDB_TEST_DIR"/proxyctl txn replayed
\! node "$DDB_TEST_DIR"/ddb.js get wf_items p rec

-- INSERT: the same
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl lose TransactWriteItems
INSERT INTO wf_t (name, value) VALUES ('new', 'created once') RETURNING *;
\! "$DDB_TEST_DIR"/proxyctl txn applied
\! "$DDB_TEST_DIR"/proxyctl txn replayed
\! node "$DDB_TEST_DIR"/ddb.js get wf_items p new

-- DELETE: the same
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl lose TransactWriteItems
DELETE FROM wf_t WHERE name = 'new' RETURNING name, version;
\! "$DDB_TEST_DIR"/proxyctl txn applied
\! "$DDB_TEST_DIR"/proxyctl txn replayed
\! node "$DDB_TEST_DIR"/ddb.js get wf_items p new

-- A write that never applied is not reported as done: the first attempt
-- is dropped before DynamoDB sees it; while the resend is held, another
-- writer makes the identical change (same value, same next version).  The
-- resend's condition fails: 40001, and the record went up once, not twice.
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put wf_items p same 'v1'
\! "$DDB_TEST_DIR"/proxyctl drop TransactWriteItems
\! "$DDB_TEST_DIR"/proxyctl hold TransactWriteItems 4 1
\! (sleep 0.3; node "$DDB_TEST_DIR"/ddb.js dynastore-put wf_items p same 'v2') >/dev/null 2>&1 &
UPDATE wf_t SET value = 'v2' WHERE name = 'same';
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT name, version, value FROM wf_t WHERE name = 'same';

-- A resend never lands on a newer record (ABA): the DELETE applies and
-- its answer is lost; another writer creates the key again, at version 1
-- again; the resend, conditioned on version 1, must not delete it.
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put wf_items p aba 'old'
\! "$DDB_TEST_DIR"/proxyctl lose TransactWriteItems
\! "$DDB_TEST_DIR"/proxyctl hold TransactWriteItems 4 1
\! (sleep 0.3; node "$DDB_TEST_DIR"/ddb.js dynastore-put wf_items p aba 'reborn') >/dev/null 2>&1 &
DELETE FROM wf_t WHERE name = 'aba';
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT name, version, value FROM wf_t WHERE name = 'aba';

-- A write that applied is not reported as a conflict: the answer is lost,
-- another writer changes the record before the resend; the resend is
-- answered from the token: UPDATE 1, and both changes count (version 3).
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put wf_items p both 'v1'
\! "$DDB_TEST_DIR"/proxyctl lose TransactWriteItems
\! "$DDB_TEST_DIR"/proxyctl hold TransactWriteItems 4 1
\! (sleep 0.3; node "$DDB_TEST_DIR"/ddb.js dynastore-put wf_items p both 'other') >/dev/null 2>&1 &
UPDATE wf_t SET value = 'mine' WHERE name = 'both';
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT name, version, value FROM wf_t WHERE name = 'both';

-- INSERT with another writer in the gap: the create applied and its answer
-- was lost, then the record changed: INSERT 1 all the same (version 2 is
-- the other writer's).  A create dropped before DynamoDB saw it, while
-- another writer created the key: 23505, the other record stands.
\! "$DDB_TEST_DIR"/proxyctl lose TransactWriteItems
\! "$DDB_TEST_DIR"/proxyctl hold TransactWriteItems 4 1
\! (sleep 0.3; node "$DDB_TEST_DIR"/ddb.js dynastore-put wf_items p ins1 'other') >/dev/null 2>&1 &
INSERT INTO wf_t (name, value) VALUES ('ins1', 'mine');
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT name, version, value FROM wf_t WHERE name = 'ins1';
\! "$DDB_TEST_DIR"/proxyctl drop TransactWriteItems
\! "$DDB_TEST_DIR"/proxyctl hold TransactWriteItems 4 1
\! (sleep 0.3; node "$DDB_TEST_DIR"/ddb.js dynastore-put wf_items p ins2 'other') >/dev/null 2>&1 &
INSERT INTO wf_t (name, value) VALUES ('ins2', 'mine');
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT name, version, value FROM wf_t WHERE name = 'ins2';

-- insert_mode 'put': a lost BatchWriteItem answer is sent again (a whole
-- item with no condition writes the same thing twice)
CREATE FOREIGN TABLE wf_put (name text, version bigint, value text)
  SERVER wf_srv OPTIONS (table 'wf_items', partition 'put', insert_mode 'put');
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl lose BatchWriteItem
INSERT INTO wf_put (name, value) SELECT 'p' || i, 'put' FROM generate_series(1, 30) i;
\! "$DDB_TEST_DIR"/proxyctl count BatchWriteItem
SELECT count(*), min(version), max(version) FROM wf_put;

-- a statement of 150 rows is two transactions, both answers lost: each is
-- sent again and applied once
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl lose TransactWriteItems 2
INSERT INTO wf_t (name, value) SELECT 'bat' || i, 'batched' FROM generate_series(1, 150) i;
\! "$DDB_TEST_DIR"/proxyctl count TransactWriteItems
\! "$DDB_TEST_DIR"/proxyctl txn applied
SELECT count(*), min(version), max(version) FROM wf_t WHERE name LIKE 'bat%';

-- a cancellation for a conflicting transaction applied nothing: sent again
-- under a new token, applied once
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl cancel TransactionConflict
UPDATE wf_t SET value = 'third' WHERE name = 'rec' RETURNING version, value;
\! "$DDB_TEST_DIR"/proxyctl txn cancelled
\! "$DDB_TEST_DIR"/proxyctl txn applied

-- a 500 and throttling: sent again, applied once
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl error TransactWriteItems 500 InternalServerError 1
\! "$DDB_TEST_DIR"/proxyctl error TransactWriteItems 400 ThrottlingException 1 --skip 1
UPDATE wf_t SET value = 'after faults' WHERE name = 'rec' RETURNING version, value;
\! "$DDB_TEST_DIR"/proxyctl faults error
\! "$DDB_TEST_DIR"/proxyctl txn applied
\! "$DDB_TEST_DIR"/proxyctl clear

-- throttled past max_retries: never ran, so nothing applied, and it says so
\! "$DDB_TEST_DIR"/proxyctl error TransactWriteItems 400 ThrottlingException 10
INSERT INTO wf_t (name, value) VALUES ('throttled', 'x');
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT count(*) FROM wf_t WHERE name = 'throttled';

-- every answer lost: the outcome is unknown, 40003 with the key to check;
-- here it did apply
\! "$DDB_TEST_DIR"/proxyctl lose TransactWriteItems 10
UPDATE wf_t SET value = 'unknown' WHERE name = 'rec';
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT name, version, value FROM wf_t WHERE name = 'rec';

-- the resend finds the first call still running (TransactionInProgress)
-- until retries run out: it may yet apply, so unknown, 40003, not 40001
ALTER SERVER wf_srv OPTIONS (SET max_retries '1');
\! "$DDB_TEST_DIR"/proxyctl lose TransactWriteItems 1
\! "$DDB_TEST_DIR"/proxyctl error TransactWriteItems 400 TransactionInProgressException 0 --skip 1
UPDATE wf_t SET value = 'in progress' WHERE name = 'rec';
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear
-- a lost answer, then only throttling: the first attempt may have
-- applied (here it did), so 40003, not "throttled, nothing written"
\! "$DDB_TEST_DIR"/proxyctl lose TransactWriteItems 1
\! "$DDB_TEST_DIR"/proxyctl error TransactWriteItems 400 ThrottlingException 0 --skip 1
UPDATE wf_t SET value = 'throttled after' WHERE name = 'rec';
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT name, version, value FROM wf_t WHERE name = 'rec';
ALTER SERVER wf_srv OPTIONS (SET max_retries '3');
-- a cancel while the writes are in flight: 40003, not 57014, since what
-- was sent may apply
\! "$DDB_TEST_DIR"/proxyctl hold TransactWriteItems 3 1
SET statement_timeout = '1s';
UPDATE wf_t SET value = 'cancelled' WHERE name = 'rec';
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
\! "$DDB_TEST_DIR"/proxyctl clear

-- write_mode 'single': one UpdateItem, never sent again once it may have
-- reached DynamoDB.  A lost answer is 40003 (here it applied);
-- throttling is retried (DynamoDB never ran it); a conflict is 40001.
ALTER FOREIGN TABLE wf_t OPTIONS (ADD write_mode 'single');
EXPLAIN (COSTS OFF) UPDATE wf_t SET value = 'x' WHERE name = 'rec';
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl lose UpdateItem
UPDATE wf_t SET value = 'single' WHERE name = 'rec';
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl count UpdateItem
SELECT name, version, value FROM wf_t WHERE name = 'rec';
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl error UpdateItem 400 ProvisionedThroughputExceededException 2
UPDATE wf_t SET value = 'after throttling' WHERE name = 'rec' RETURNING version, value;
\! "$DDB_TEST_DIR"/proxyctl count UpdateItem
-- an item in another session's transaction (TransactionConflictException):
-- never ran, so sent again
\! "$DDB_TEST_DIR"/proxyctl error UpdateItem 400 TransactionConflictException 1
UPDATE wf_t SET value = 'after a conflict' WHERE name = 'rec' RETURNING version, value;
\! "$DDB_TEST_DIR"/proxyctl error DeleteItem 500 InternalServerError 1
DELETE FROM wf_t WHERE name = 'rec';
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT name, version, value FROM wf_t WHERE name = 'rec';
CREATE FOREIGN TABLE wf_other (name text, version bigint, value text)
  SERVER wf_srv OPTIONS (table 'wf_items', partition 'p');
CREATE FUNCTION meddle(k text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  UPDATE wf_other SET value = 'meddled' WHERE name = k;
  RETURN 'mine';
END $$;
UPDATE wf_t SET value = meddle(name) WHERE name = 'both';
\echo :LAST_ERROR_SQLSTATE
SELECT name, version, value FROM wf_t WHERE name = 'both';
ALTER FOREIGN TABLE wf_t OPTIONS (DROP write_mode);

DROP SERVER wf_srv CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table wf_items
