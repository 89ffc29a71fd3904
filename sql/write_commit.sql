-- write_mode 'commit': a transaction's writes kept until COMMIT and sent
-- as one TransactWriteItems; ROLLBACK and ROLLBACK TO SAVEPOINT undo by
-- never sending; reads of the transaction see its writes, statements not
-- their own; conditions of every write are checked at COMMIT.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY

CREATE SERVER wc_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint', write_mode 'commit');
CREATE USER MAPPING FOR CURRENT_USER SERVER wc_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
\! node "$DDB_TEST_DIR"/ddb.js create-table wc_items
\! node "$DDB_TEST_DIR"/ddb.js create-table wc_other
CREATE FOREIGN TABLE wc_a (name text COLLATE "C", version bigint, value text)
  SERVER wc_srv OPTIONS (table 'wc_items', partition 'a');
CREATE FOREIGN TABLE wc_b (name text COLLATE "C", version bigint, value text)
  SERVER wc_srv OPTIONS (table 'wc_items', partition 'b');
CREATE FOREIGN TABLE wc_o (name text COLLATE "C", version bigint, value text)
  SERVER wc_srv OPTIONS (table 'wc_other', partition 'o');
CREATE FOREIGN TABLE wc_all (id text, name text COLLATE "C", version bigint, value text)
  SERVER wc_srv OPTIONS (table 'wc_items');

-- nothing reaches DynamoDB before COMMIT
\! "$DDB_TEST_DIR"/proxyctl stats-reset
BEGIN;
INSERT INTO wc_a (name, value) VALUES ('k1', 'one'), ('k2', 'two');
INSERT INTO wc_b (name, value) VALUES ('k1', 'b-one');
INSERT INTO wc_o (name, value) VALUES ('x', 'other table');
\! "$DDB_TEST_DIR"/proxyctl count TransactWriteItems
-- the transaction reads its own writes on every path
SELECT name, version, value FROM wc_a WHERE name = 'k1';
SELECT name, version, value FROM wc_a WHERE name IN ('k1', 'k2', 'k3') ORDER BY name;
SELECT name, version, value FROM wc_a WHERE name LIKE 'k%' ORDER BY name;
SELECT id, name, version, value FROM wc_all ORDER BY id, name;
SELECT count(*) FROM wc_a;
COMMIT;
\! "$DDB_TEST_DIR"/proxyctl count TransactWriteItems
\! "$DDB_TEST_DIR"/proxyctl txn applied
SELECT id, name, version, value FROM wc_all ORDER BY id, name;
SELECT name, version, value FROM wc_o;

-- ROLLBACK undoes: nothing is sent
\! "$DDB_TEST_DIR"/proxyctl stats-reset
BEGIN;
UPDATE wc_a SET value = 'changed' WHERE name = 'k1';
DELETE FROM wc_b WHERE name = 'k1';
INSERT INTO wc_a (name, value) VALUES ('k3', 'three');
SELECT name, version, value FROM wc_a ORDER BY name;
SELECT count(*) FROM wc_b;
ROLLBACK;
\! "$DDB_TEST_DIR"/proxyctl count TransactWriteItems
SELECT id, name, version, value FROM wc_all ORDER BY id, name;

-- several writes to one record are one action: version counts each
BEGIN;
UPDATE wc_a SET value = 'first' WHERE name = 'k1';
UPDATE wc_a SET value = value || ', second' WHERE name = 'k1';
SELECT name, version, value FROM wc_a WHERE name = 'k1';
INSERT INTO wc_a (name, value) VALUES ('k4', 'new');
UPDATE wc_a SET value = 'new, updated' WHERE name = 'k4';
DELETE FROM wc_a WHERE name = 'k2';
INSERT INTO wc_a (name, value) VALUES ('k2', 'created again');
SELECT name, version, value FROM wc_a ORDER BY name;
COMMIT;
SELECT name, version, value FROM wc_a ORDER BY name;

-- a statement does not see its own writes
BEGIN;
INSERT INTO wc_a (name, value) SELECT name || '+', value FROM wc_a;
SELECT count(*) FROM wc_a;
ROLLBACK;

-- savepoints
BEGIN;
UPDATE wc_a SET value = 'kept' WHERE name = 'k1';
SAVEPOINT s1;
UPDATE wc_a SET value = 'undone' WHERE name = 'k1';
DELETE FROM wc_a WHERE name = 'k2';
INSERT INTO wc_a (name, value) VALUES ('k5', 'undone');
ROLLBACK TO SAVEPOINT s1;
SELECT name, version, value FROM wc_a ORDER BY name;
SAVEPOINT s2;
INSERT INTO wc_a (name, value) VALUES ('k6', 'released');
RELEASE SAVEPOINT s2;
-- a failing statement inside a savepoint leaves the rest
SAVEPOINT s3;
INSERT INTO wc_a (name, value) VALUES ('k1', 'duplicate');
ROLLBACK TO SAVEPOINT s3;
COMMIT;
SELECT name, version, value FROM wc_a ORDER BY name;

-- a conflict at commit from another writer: nothing applied
BEGIN;
UPDATE wc_a SET value = 'mine' WHERE name = 'k1';
INSERT INTO wc_a (name, value) VALUES ('k7', 'mine too');
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put wc_items a k1 theirs
COMMIT;
\echo :LAST_ERROR_SQLSTATE
SELECT name, version, value FROM wc_a ORDER BY name;

-- a create that meets a record at commit is 23505
BEGIN;
INSERT INTO wc_b (name, value) VALUES ('k9', 'mine');
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put wc_items b k9 theirs
COMMIT;
SELECT name, version, value FROM wc_b ORDER BY name;

-- a lost answer to the commit is sent again with the same token: once
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl lose TransactWriteItems
BEGIN;
UPDATE wc_a SET value = 'after a lost answer' WHERE name = 'k6';
UPDATE wc_b SET value = 'also' WHERE name = 'k1';
COMMIT;
\! "$DDB_TEST_DIR"/proxyctl txn applied
\! "$DDB_TEST_DIR"/proxyctl txn replayed
SELECT id, name, version, value FROM wc_all WHERE name IN ('k6', 'k1') ORDER BY id, name;

-- COMMIT with a writer in the gap.  The first attempt is dropped before
-- DynamoDB sees it; while the resend is held, dynastore changes k6: the
-- resend's condition fails, 40001, and only dynastore's change is there.
\! "$DDB_TEST_DIR"/proxyctl drop TransactWriteItems
\! "$DDB_TEST_DIR"/proxyctl hold TransactWriteItems 4 1
BEGIN;
UPDATE wc_a SET value = 'dropped, then too late' WHERE name = 'k6';
\! (sleep 0.3; node "$DDB_TEST_DIR"/ddb.js dynastore-put wc_items a k6 'dynastore in the gap') >/dev/null 2>&1 &
COMMIT;
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT name, version, value FROM wc_a WHERE name = 'k6';
-- The COMMIT applies and its answer is lost; dynastore changes k6 before
-- the resend, which is answered from the token: COMMIT succeeds and both
-- changes count, once each.
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl lose TransactWriteItems
\! "$DDB_TEST_DIR"/proxyctl hold TransactWriteItems 4 1
BEGIN;
UPDATE wc_a SET value = 'applied, answer lost' WHERE name = 'k6';
\! (sleep 0.3; node "$DDB_TEST_DIR"/ddb.js dynastore-put wc_items a k6 'dynastore after it') >/dev/null 2>&1 &
COMMIT;
\! "$DDB_TEST_DIR"/proxyctl clear
\! "$DDB_TEST_DIR"/proxyctl txn applied
\! "$DDB_TEST_DIR"/proxyctl txn replayed
SELECT name, version, value FROM wc_a WHERE name = 'k6';

-- no answer at all: 40003, nothing said to be written
\! "$DDB_TEST_DIR"/proxyctl drop TransactWriteItems 0
BEGIN;
UPDATE wc_a SET value = 'unknown' WHERE name = 'k6';
COMMIT;
\! "$DDB_TEST_DIR"/proxyctl clear

-- FOR SHARE: a record only read is a condition of the commit
BEGIN;
SELECT name, value FROM wc_b WHERE name = 'k1' FOR SHARE;
UPDATE wc_a SET value = 'decided on b/k1' WHERE name = 'k1';
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put wc_items b k1 changed-meanwhile
COMMIT;
SELECT name, version, value FROM wc_a WHERE name = 'k1';

-- the 100-record limit is an error at the statement that crosses it
BEGIN;
INSERT INTO wc_o (name, value) SELECT 'n' || i, 'v' FROM generate_series(1, 100) i;
INSERT INTO wc_o (name, value) VALUES ('one too many', 'v');
ROLLBACK;

-- and so is the 4 MB one
BEGIN;
INSERT INTO wc_o (name, value)
  SELECT 'big' || i, repeat('x', 390000) FROM generate_series(1, 10) i;
INSERT INTO wc_o (name, value) VALUES ('big11', repeat('x', 390000));
ROLLBACK;

-- a PL/pgSQL exception block is a subtransaction: its writes go with it
BEGIN;
UPDATE wc_a SET value = 'before the block' WHERE name = 'k2';
DO $$
BEGIN
  UPDATE wc_a SET value = 'inside the block' WHERE name = 'k2';
  INSERT INTO wc_a (name, value) VALUES ('k2', 'duplicate');
EXCEPTION WHEN unique_violation THEN
  RAISE NOTICE 'caught %', SQLSTATE;
END $$;
SELECT name, version, value FROM wc_a WHERE name = 'k2';
COMMIT;
SELECT name, version, value FROM wc_a WHERE name = 'k2';

-- PREPARE TRANSACTION is refused
BEGIN;
UPDATE wc_a SET value = 'prepared?' WHERE name = 'k1';
PREPARE TRANSACTION 'wc';
SELECT name, value FROM wc_a WHERE name = 'k1';

-- the GUC turns commit mode on for tables of another mode
ALTER SERVER wc_srv OPTIONS (SET write_mode 'transaction');
BEGIN;
SET LOCAL dynastore_fdw.write_at_commit = on;
UPDATE wc_a SET value = 'by the GUC' WHERE name = 'k1';
\! "$DDB_TEST_DIR"/proxyctl stats-reset
SELECT name, value FROM wc_a WHERE name = 'k1';
ROLLBACK;
SELECT name, value FROM wc_a WHERE name = 'k1';

-- every read path of a table with an index: the local secondary index
-- on created, ORDER BY ... LIMIT pushed down, the batched key join
ALTER SERVER wc_srv OPTIONS (SET write_mode 'commit');
CREATE FOREIGN TABLE wc_i (name text COLLATE "C", version bigint, value text,
                           created text COLLATE "C")
  SERVER wc_srv OPTIONS (table 'wc_other', partition 'i');
INSERT INTO wc_i (name, value, created)
  SELECT 'r' || i, 'v' || i, 'c' || i FROM generate_series(1, 6) i;
CREATE TABLE wc_keys (k text COLLATE "C");
INSERT INTO wc_keys VALUES ('r1'), ('r2'), ('r7'), ('r9');
ANALYZE wc_keys;
BEGIN;
UPDATE wc_i SET created = 'c9' WHERE name = 'r2';
DELETE FROM wc_i WHERE name = 'r3';
INSERT INTO wc_i (name, value, created) VALUES ('r7', 'new', 'c0');
UPDATE wc_i SET value = NULL WHERE name = 'r1';
EXPLAIN (COSTS OFF) SELECT name, created FROM wc_i WHERE created >= 'c' ORDER BY created;
SELECT name, created FROM wc_i WHERE created >= 'c' ORDER BY created;
SELECT name, created FROM wc_i WHERE created BETWEEN 'c0' AND 'c4' ORDER BY created;
EXPLAIN (COSTS OFF) SELECT name FROM wc_i ORDER BY name DESC LIMIT 3;
SELECT name FROM wc_i ORDER BY name DESC LIMIT 3;
SELECT name FROM wc_i ORDER BY name LIMIT 3;
SET enable_hashjoin = off; SET enable_mergejoin = off;
EXPLAIN (COSTS OFF) SELECT k, version, value FROM wc_keys JOIN wc_i ON name = k;
SELECT k, version, value FROM wc_keys JOIN wc_i ON name = k ORDER BY k;
RESET enable_hashjoin; RESET enable_mergejoin;
SELECT count(*), count(value) FROM wc_i;
-- EXPLAIN and dynastore_fdw_get_connections() show what is pending
EXPLAIN (COSTS OFF) UPDATE wc_i SET value = 'x' WHERE name = 'r4';
SELECT server_name, pending_writes FROM dynastore_fdw_get_connections();
-- RETURNING shows the record as it will be
UPDATE wc_i SET value = 'returned' WHERE name = 'r7' RETURNING name, version, value;
-- ON CONFLICT DO NOTHING decides on the records as the transaction sees them
INSERT INTO wc_i (name, value) VALUES ('r3', 'deleted before'), ('r4', 'there'),
  ('r7', 'mine'), ('r8', 'new') ON CONFLICT DO NOTHING RETURNING name, value;
COMMIT;
SELECT server_name, pending_writes FROM dynastore_fdw_get_connections();
SELECT name, version, value, created FROM wc_i ORDER BY name;

-- what is committed reads in dynastore's shapes, as a single write's does
\! node "$DDB_TEST_DIR"/ddb.js get wc_other i r7
\! node "$DDB_TEST_DIR"/ddb.js get wc_other i r2
\! node "$DDB_TEST_DIR"/ddb.js get wc_other i r3
ALTER SERVER wc_srv OPTIONS (SET write_mode 'transaction');
INSERT INTO wc_i (name, value) VALUES ('s7', 'new');
UPDATE wc_i SET value = 'returned' WHERE name = 's7';
\! node "$DDB_TEST_DIR"/ddb.js get wc_other i s7
ALTER SERVER wc_srv OPTIONS (SET write_mode 'commit');

-- an UPDATE that moves a record into an index range shows it there; a
-- record the transaction expired is no record, to reads and to INSERT; a
-- read that can match nothing shows nothing
ALTER FOREIGN TABLE wc_i ADD COLUMN expires timestamptz;
BEGIN;
UPDATE wc_i SET created = 'c55' WHERE name = 'r8';
SELECT name, created FROM wc_i WHERE created BETWEEN 'c5' AND 'c6' ORDER BY created;
SELECT count(*) FROM wc_i WHERE created BETWEEN 'c5' AND 'c6';
UPDATE wc_i SET expires = now() - interval '1 hour' WHERE name = 'r5';
SELECT name FROM wc_i WHERE name IN ('r5', 'r6') ORDER BY name;
INSERT INTO wc_i (name, value) VALUES ('r5', 'after its expiry');
SELECT name, version, value, expires FROM wc_i WHERE name = 'r5';
SELECT name FROM wc_i WHERE name >= 'z' AND name <= 'b';
ROLLBACK;
ALTER FOREIGN TABLE wc_i DROP COLUMN expires;

-- a commit cancelled for a conflicting transaction applied nothing: it
-- goes again under a new token, and applies once
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl cancel TransactionConflict 2
BEGIN;
UPDATE wc_i SET value = 'after two cancels' WHERE name = 'r4';
COMMIT;
\! "$DDB_TEST_DIR"/proxyctl txn cancelled
\! "$DDB_TEST_DIR"/proxyctl txn applied
SELECT name, version, value FROM wc_i WHERE name = 'r4';

-- rows locked FOR SHARE are read by the foreign scan, never the batched
-- join, so each is checked at COMMIT
CREATE TABLE wc_keys2 (k text COLLATE "C");
INSERT INTO wc_keys2 VALUES ('r1'), ('r2');
ANALYZE wc_keys2;
SET enable_hashjoin = off; SET enable_mergejoin = off;
BEGIN;
SELECT k FROM wc_keys2 JOIN wc_i ON name = k ORDER BY k FOR SHARE OF wc_i;
SELECT server_name, pending_writes FROM dynastore_fdw_get_connections();
ROLLBACK;
RESET enable_hashjoin; RESET enable_mergejoin;
DROP TABLE wc_keys2;

-- COPY in commit mode: kept until COMMIT, unseen by a cursor opened before
BEGIN;
DECLARE c CURSOR FOR SELECT name FROM wc_i WHERE name LIKE 'copy%';
COPY wc_i (name, value) FROM STDIN;
copy1	from copy
\.
SELECT name, value FROM wc_i WHERE name LIKE 'copy%';
FETCH ALL FROM c;
COMMIT;
SELECT name, version, value FROM wc_i WHERE name LIKE 'copy%';

-- a record the transaction keeps a write to cannot be written another way
BEGIN;
UPDATE wc_i SET value = 'kept' WHERE name = 'r6';
SET LOCAL dynastore_fdw.write_at_commit = off;
ALTER FOREIGN TABLE wc_i OPTIONS (ADD write_mode 'transaction');
UPDATE wc_i SET value = 'sent now' WHERE name = 'r6';
ROLLBACK;

-- the transaction's writes go to one server and user mapping
CREATE SERVER wc_srv2 FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint', write_mode 'commit');
CREATE USER MAPPING FOR CURRENT_USER SERVER wc_srv2
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
CREATE FOREIGN TABLE wc_i2 (name text, version bigint, value text)
  SERVER wc_srv2 OPTIONS (table 'wc_other', partition 'i');
BEGIN;
UPDATE wc_i SET value = 'one server' WHERE name = 'r4';
UPDATE wc_i2 SET value = 'another' WHERE name = 'r5';
ROLLBACK;
DROP SERVER wc_srv2 CASCADE;
DROP TABLE wc_keys;

DROP SERVER wc_srv CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table wc_items
\! node "$DDB_TEST_DIR"/ddb.js delete-table wc_other
