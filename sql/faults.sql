-- Faults: throttling and 5xx answers are retried with backoff; a request
-- held by the server is cancelled by statement_timeout (57014) and the
-- session stays usable.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY

\! node "$DDB_TEST_DIR"/ddb.js create-table fault_items
\! node "$DDB_TEST_DIR"/ddb.js fill fault_items p 5 10

CREATE SERVER fault_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint', max_retries '3');
CREATE USER MAPPING FOR CURRENT_USER SERVER fault_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
CREATE FOREIGN TABLE fault_t (name text, value text)
  SERVER fault_srv OPTIONS (table 'fault_items', partition 'p');

CREATE FUNCTION explain_requests(q text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q
  LOOP
    IF line ~ 'DynamoDB Requests' THEN
      RETURN NEXT regexp_replace(line, '^\s+', '');
    END IF;
  END LOOP;
END $$;

-- two throttled answers, then success: three requests
\! "$DDB_TEST_DIR"/proxyctl error Query 400 ProvisionedThroughputExceededException 2
SELECT * FROM explain_requests('SELECT * FROM fault_t');
SELECT count(*) FROM fault_t;
\! "$DDB_TEST_DIR"/proxyctl error Query 500 InternalServerError 1
SELECT * FROM explain_requests('SELECT * FROM fault_t');

-- a reset connection and a dropped one are retried too
\! "$DDB_TEST_DIR"/proxyctl reset Query
\! "$DDB_TEST_DIR"/proxyctl drop Query
SELECT count(*) FROM fault_t;

-- more failures than retries: the error says what DynamoDB said
\! "$DDB_TEST_DIR"/proxyctl error Query 400 ThrottlingException 10
SELECT count(*) FROM fault_t;
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear

-- a request held for 30 s is cancelled within a moment by statement_timeout
\! "$DDB_TEST_DIR"/proxyctl hold Query 30
SET statement_timeout = '1s';
SELECT clock_timestamp() AS before \gset
SELECT count(*) FROM fault_t;
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
SELECT clock_timestamp() - :'before'::timestamptz < interval '5 seconds' AS stopped_quickly;
-- the same session goes on
SELECT count(*) FROM fault_t;

-- Ctrl-C too: another session cancels the statement once its request is
-- in flight (waiting on the network: wait event "Extension")
\! "$DDB_TEST_DIR"/proxyctl hold Query 30
\! (for i in $(seq 20); do sleep 0.5; r=$(psql -X -At -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'Extension' AND query LIKE 'SELECT count(*) AS cancelled%' AND pg_cancel_backend(pid)" 2>/dev/null); [ "$r" = 1 ] && break; done) &
SELECT clock_timestamp() AS before \gset
SELECT count(*) AS cancelled FROM fault_t;
\echo :LAST_ERROR_SQLSTATE
SELECT clock_timestamp() - :'before'::timestamptz < interval '5 seconds' AS stopped_quickly;
SELECT count(*) FROM fault_t;

-- request_timeout bounds one request: a hold longer than it fails
ALTER SERVER fault_srv OPTIONS (ADD request_timeout '1s', SET max_retries '0');
\! "$DDB_TEST_DIR"/proxyctl hold Query 5
\set VERBOSITY terse
SELECT count(*) FROM fault_t;
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT count(*) FROM fault_t;

DROP SERVER fault_srv CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table fault_items
