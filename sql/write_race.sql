-- The race: six SQL sessions write the same few records at once, retrying
-- on 40001, while the proxy drops a tenth of all requests before DynamoDB
-- sees them and loses a tenth of all answers after it applied them (random,
-- from fixed seeds); then what DynamoDB holds, read from dynalite directly,
-- must be what the statements reported, in write_mode 'transaction' (a lost
-- answer is sent again under its token) and 'single' (a lost answer is
-- 40003, which the checks count as "may have applied").
--   counters: 6 x 40 increments of 4 counters; each counter went up by the
--     UPDATEs that reported success (plus at most those of unknown outcome),
--     its version with it, and no two successes reported the same version.
--   churn: 6 x 40 INSERTs and DELETEs of 4 shared keys, each INSERT with a
--     value of its own; successful INSERTs minus successful DELETEs is
--     whether the record exists, and every value reported deleted or left
--     was written by an INSERT that reported it.
-- test/race.js runs the writers (psql sessions) and the checks, and prints
-- the verdict; the numbers (statements, conflicts, unknown outcomes, faults)
-- and every statement's outcome go to results/write_race.log.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY

-- ten retries: in transaction mode an outcome stays unknown only when
-- eleven answers in a row are lost
CREATE SERVER race_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint', max_retries '10');
CREATE USER MAPPING FOR CURRENT_USER SERVER race_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
\! node "$DDB_TEST_DIR"/ddb.js create-table race_items
CREATE FOREIGN TABLE race_counters_txn (name text, version bigint, value text)
  SERVER race_srv OPTIONS (table 'race_items', partition 'counters_txn');
CREATE FOREIGN TABLE race_counters_single (name text, version bigint, value text)
  SERVER race_srv OPTIONS (table 'race_items', partition 'counters_single',
                           write_mode 'single');
CREATE FOREIGN TABLE race_churn_txn (name text, version bigint, value text)
  SERVER race_srv OPTIONS (table 'race_items', partition 'churn_txn');
CREATE FOREIGN TABLE race_churn_single (name text, version bigint, value text)
  SERVER race_srv OPTIONS (table 'race_items', partition 'churn_single',
                           write_mode 'single');
CREATE FOREIGN TABLE race_counters_commit (name text, version bigint, value text)
  SERVER race_srv OPTIONS (table 'race_items', partition 'counters_commit',
                           write_mode 'commit');
CREATE FOREIGN TABLE race_churn_commit (name text, version bigint, value text)
  SERVER race_srv OPTIONS (table 'race_items', partition 'churn_commit',
                           write_mode 'commit');
INSERT INTO race_counters_commit (name, value)
  SELECT 'c' || i, '0' FROM generate_series(1, 4) i;
CREATE FOREIGN TABLE race_transfers (name text, version bigint, value text)
  SERVER race_srv OPTIONS (table 'race_items', partition 'transfers',
                           write_mode 'commit');
INSERT INTO race_transfers (name, value)
  SELECT 'c' || i, '0' FROM generate_series(1, 4) i;
INSERT INTO race_counters_txn (name, value)
  SELECT 'c' || i, '0' FROM generate_series(1, 4) i;
INSERT INTO race_counters_single (name, value)
  SELECT 'c' || i, '0' FROM generate_series(1, 4) i;

-- the writers' sessions connect to this database
\setenv PGDATABASE :DBNAME
\! rm -f results/write_race.log

-- write_mode 'transaction'
\! "$DDB_TEST_DIR"/proxyctl drop '*' 0 --probability 0.1 --seed 1
\! "$DDB_TEST_DIR"/proxyctl lose '*' 0 --probability 0.1 --seed 2
\! node "$DDB_TEST_DIR"/race.js counters --table race_counters_txn --ddb-table race_items --partition counters_txn --seed 1 --log results/write_race.log
\! "$DDB_TEST_DIR"/proxyctl clear
\! "$DDB_TEST_DIR"/proxyctl drop '*' 0 --probability 0.1 --seed 3
\! "$DDB_TEST_DIR"/proxyctl lose '*' 0 --probability 0.1 --seed 4
\! node "$DDB_TEST_DIR"/race.js churn --table race_churn_txn --ddb-table race_items --partition churn_txn --seed 2 --log results/write_race.log
\! "$DDB_TEST_DIR"/proxyctl clear

-- write_mode 'single'
\! "$DDB_TEST_DIR"/proxyctl drop '*' 0 --probability 0.1 --seed 5
\! "$DDB_TEST_DIR"/proxyctl lose '*' 0 --probability 0.1 --seed 6
\! node "$DDB_TEST_DIR"/race.js counters --table race_counters_single --ddb-table race_items --partition counters_single --seed 3 --log results/write_race.log
\! "$DDB_TEST_DIR"/proxyctl clear
\! "$DDB_TEST_DIR"/proxyctl drop '*' 0 --probability 0.1 --seed 7
\! "$DDB_TEST_DIR"/proxyctl lose '*' 0 --probability 0.1 --seed 8
\! node "$DDB_TEST_DIR"/race.js churn --table race_churn_single --ddb-table race_items --partition churn_single --seed 4 --log results/write_race.log
\! "$DDB_TEST_DIR"/proxyctl clear

-- write_mode 'commit': each statement its own transaction, sent at COMMIT
\! "$DDB_TEST_DIR"/proxyctl drop '*' 0 --probability 0.1 --seed 9
\! "$DDB_TEST_DIR"/proxyctl lose '*' 0 --probability 0.1 --seed 10
\! node "$DDB_TEST_DIR"/race.js counters --table race_counters_commit --ddb-table race_items --partition counters_commit --seed 5 --log results/write_race.log
\! "$DDB_TEST_DIR"/proxyctl clear
\! "$DDB_TEST_DIR"/proxyctl drop '*' 0 --probability 0.1 --seed 11
\! "$DDB_TEST_DIR"/proxyctl lose '*' 0 --probability 0.1 --seed 12
\! node "$DDB_TEST_DIR"/race.js churn --table race_churn_commit --ddb-table race_items --partition churn_commit --seed 6 --log results/write_race.log
\! "$DDB_TEST_DIR"/proxyctl clear
-- transfers: two UPDATEs and a COMMIT, whole or not at all
\! "$DDB_TEST_DIR"/proxyctl drop '*' 0 --probability 0.1 --seed 13
\! "$DDB_TEST_DIR"/proxyctl lose '*' 0 --probability 0.1 --seed 14
\! node "$DDB_TEST_DIR"/race.js transfers --table race_transfers --ddb-table race_items --partition transfers --seed 7 --log results/write_race.log
\! "$DDB_TEST_DIR"/proxyctl clear

-- read back through SQL: each counter's value is its version less one, and
-- every record left from the churn is at version 1
SELECT 'txn' AS mode, count(*), bool_and(value::int = version - 1) AS in_step,
       sum(value::int) > 0 AS counted FROM race_counters_txn
UNION ALL
SELECT 'single', count(*), bool_and(value::int = version - 1),
       sum(value::int) > 0 FROM race_counters_single
UNION ALL
SELECT 'commit', count(*), bool_and(value::int = version - 1),
       sum(value::int) > 0 FROM race_counters_commit;
SELECT count(*), sum(value::int) AS sum_moved, sum(version - 1) % 2 = 0 AS in_pairs
FROM race_transfers;
SELECT count(*) <= 12 AS at_most_one_a_key, coalesce(bool_and(version = 1), true) AS version_1
FROM (SELECT version FROM race_churn_txn UNION ALL SELECT version FROM race_churn_single
      UNION ALL SELECT version FROM race_churn_commit) r;

DROP SERVER race_srv CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table race_items
