-- Read-ahead: the page after the current one (of a Query, the next
-- partition of an id IN list, an undivided Scan, each Scan segment) is asked
-- for as soon as the answer naming it has come, and travels while the rows
-- of the current page are made; the BatchGetItem rounds after a page's go
-- out with it.  The request sent ahead is the same request as before: a
-- fault on it is retried or raised as on any read, with the same SQLSTATE;
-- a LIMIT that stops early or a rescan drops it, a cancel stops it, and the
-- session stays usable.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY
CREATE SERVER ra_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint', max_retries '2');
CREATE USER MAPPING FOR CURRENT_USER SERVER ra_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');

-- 60 records in pages of 10 (page_size), and 25 in another partition
\! node "$DDB_TEST_DIR"/ddb.js create-table ra_items
\! node "$DDB_TEST_DIR"/ddb.js fill ra_items p 60 20
\! node "$DDB_TEST_DIR"/ddb.js fill ra_items q 25 20
CREATE FOREIGN TABLE ra (name text, version bigint, value text)
  SERVER ra_srv OPTIONS (table 'ra_items', partition 'p', page_size '10');
CREATE FOREIGN TABLE ra_q (name text, version bigint, value text)
  SERVER ra_srv OPTIONS (table 'ra_items', partition 'q', page_size '10');
-- the whole table: a Query per partition of an id IN list, or a Scan in
-- 4 segments of pages of 5
CREATE FOREIGN TABLE ra_all (id text, name text, value text)
  SERVER ra_srv OPTIONS (table 'ra_items', page_size '5', scan_segments '4');

-- The requests a query made, as EXPLAIN ANALYZE counts them.
CREATE FUNCTION ra_requests(q text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q
  LOOP
    IF line ~ 'DynamoDB (Operation|Requests|Pages)|Items Read' THEN
      RETURN NEXT regexp_replace(line, '^\s+', '');
    END IF;
  END LOOP;
END $$;

-- 6 full pages and the empty seventh: 7 requests, as without read-ahead
SELECT * FROM ra_requests($$SELECT name, value FROM ra$$);
SELECT count(value), min(name), max(name) FROM ra;

-- The page asked for ahead really is on its way while the rows of the
-- current one are used: the second page is held a second by the proxy,
-- during which the cursor's reader does something else; then the next
-- rows come at once, within a statement_timeout far below that second.
-- (Without read-ahead the page would be asked for only now, and time out.)
\! "$DDB_TEST_DIR"/proxyctl hold Query 1 1 --skip 1
BEGIN;
DECLARE ra_cur CURSOR FOR SELECT name FROM ra;
FETCH 10 FROM ra_cur;
SELECT pg_sleep(2);
SET LOCAL statement_timeout = '500ms';
FETCH 3 FROM ra_cur;
FETCH 47 FROM ra_cur \g /dev/null
FETCH 1 FROM ra_cur;
COMMIT;
\! "$DDB_TEST_DIR"/proxyctl clear

-- faults on the page asked for ahead (the second Query): throttling, a
-- 5xx, a dropped connection, a reset, a lost answer are asked again, and
-- the rows are the same
\! "$DDB_TEST_DIR"/proxyctl error Query 400 ProvisionedThroughputExceededException 1 --skip 1
SELECT count(value), min(name), max(name) FROM ra;
\! "$DDB_TEST_DIR"/proxyctl error Query 500 InternalServerError 1 --skip 2
SELECT count(value), min(name), max(name) FROM ra;
\! "$DDB_TEST_DIR"/proxyctl drop Query 1 --skip 3
SELECT count(value), min(name), max(name) FROM ra;
\! "$DDB_TEST_DIR"/proxyctl reset Query 1 --skip 1
SELECT count(value), min(name), max(name) FROM ra;
\! "$DDB_TEST_DIR"/proxyctl lose Query 1 --skip 4
SELECT count(value), min(name), max(name) FROM ra;
-- two faults and an answer: three attempts, two of them retries
\! "$DDB_TEST_DIR"/proxyctl error Query 500 InternalServerError 2 --skip 1
SELECT * FROM ra_requests($$SELECT name, value FROM ra$$);
-- ... and errors are raised as without read-ahead: one that no retry
-- clears, and faults that outlast max_retries (three attempts)
\! "$DDB_TEST_DIR"/proxyctl error Query 400 AccessDeniedException 0 --skip 1 --message 'User: ra is not authorized to perform: dynamodb:Query'
SELECT count(value) FROM ra;
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear
\! "$DDB_TEST_DIR"/proxyctl error Query 400 ProvisionedThroughputExceededException 0 --skip 2
SELECT count(value) FROM ra;
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear
\! "$DDB_TEST_DIR"/proxyctl error Query 503 ServiceUnavailable 0 --skip 3
SELECT count(value) FROM ra;
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT count(value) FROM ra;

-- a LIMIT decided locally stops after the first page: the page asked for
-- ahead was sent (2 requests) and is dropped unread, and the next
-- statements go on as usual
SELECT * FROM ra_requests($$SELECT name FROM ra WHERE value LIKE '%' LIMIT 3$$);
SELECT name FROM ra WHERE value LIKE '%' ORDER BY name LIMIT 3;
SELECT count(value) FROM ra;
-- a LIMIT pushed to DynamoDB reads nothing ahead: one request
SELECT * FROM ra_requests($$SELECT name FROM ra ORDER BY name COLLATE "C" LIMIT 3$$);

-- two paged reads at once, and a paged read run again for each row of
-- another relation
SELECT count(*), count(DISTINCT a.name) FROM ra a JOIN ra b ON a.value || '' = b.value;
SELECT count(a.value), count(q.value) FROM ra a FULL JOIN ra_q q ON a.name = q.name || '';
SELECT k, (SELECT count(value) FROM ra WHERE k > 0) FROM generate_series(1, 3) k;
-- two cursors on the same client read in turns, each with its page ahead:
-- every answer goes to the scan that asked for it
BEGIN;
DECLARE ra_c1 CURSOR FOR SELECT name FROM ra;
DECLARE ra_c2 CURSOR FOR SELECT name FROM ra_all WHERE id = 'q';
FETCH 12 FROM ra_c1 \g /dev/null
FETCH 7 FROM ra_c2 \g /dev/null
FETCH 1 FROM ra_c1;
FETCH 1 FROM ra_c2;
FETCH 30 FROM ra_c2 \g /dev/null
FETCH 1 FROM ra_c1;
CLOSE ra_c1;
FETCH 1 FROM ra_c2;
COMMIT;

-- the partitions of an id IN list: the first page of the next partition
-- goes ahead too
SELECT * FROM ra_requests($$SELECT id, name FROM ra_all WHERE id IN ('p', 'q', 'none')$$);
SELECT id, count(*), min(name), max(name) FROM ra_all WHERE id IN ('p', 'q', 'none') GROUP BY id ORDER BY id;
\! "$DDB_TEST_DIR"/proxyctl error Query 500 InternalServerError 1 --skip 12
SELECT id, count(*) FROM ra_all WHERE id IN ('p', 'q') GROUP BY id ORDER BY id;

-- a Scan in 4 segments: each segment's next page goes ahead; faults on
-- those are retried, errors raised as ever
SELECT * FROM ra_requests($$SELECT id, name FROM ra_all$$);
SELECT id, count(*), min(name), max(name) FROM ra_all GROUP BY id ORDER BY id;
\! "$DDB_TEST_DIR"/proxyctl error Scan 400 ThrottlingException 2 --skip 4
\! "$DDB_TEST_DIR"/proxyctl drop Scan 1 --skip 9
SELECT id, count(*) FROM ra_all GROUP BY id ORDER BY id;
\! "$DDB_TEST_DIR"/proxyctl clear
\! "$DDB_TEST_DIR"/proxyctl error Scan 400 AccessDeniedException 0 --skip 6 --message 'User: ra is not authorized to perform: dynamodb:Scan'
SELECT count(*) FROM ra_all WHERE name LIKE '%';
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear
-- a LIMIT stops it early: what went ahead is dropped
SELECT * FROM ra_requests($$SELECT name FROM ra_all WHERE value LIKE '%' LIMIT 2$$);
SELECT count(*) FROM ra_all;

-- 1,000 keys are 10 BatchGetItem rounds of 100: 8 rounds make the first
-- page, and the other 2 go out at the same time, ahead
CREATE TEMP TABLE ra_keys AS
  SELECT array_agg(format('key-%s', lpad(k::text, 6, '0')) ORDER BY k) AS names
  FROM generate_series(1, 1000) k;
SELECT * FROM ra_requests($$SELECT name FROM ra WHERE name = ANY ((SELECT names FROM ra_keys)::text[]) LIMIT 1$$);
SELECT count(*), min(name), max(name) FROM ra WHERE name = ANY ((SELECT names FROM ra_keys)::text[]);
-- a round sent ahead that is throttled, fails or comes back half
-- unprocessed is asked again; one that is refused raises the usual error
\! "$DDB_TEST_DIR"/proxyctl error BatchGetItem 400 ProvisionedThroughputExceededException 1 --skip 8
\! "$DDB_TEST_DIR"/proxyctl error BatchGetItem 500 InternalServerError 1 --skip 8
SELECT count(*), min(name), max(name) FROM ra WHERE name = ANY ((SELECT names FROM ra_keys)::text[]);
\! "$DDB_TEST_DIR"/proxyctl unprocessed BatchGetItem 1 --skip 9
SELECT count(*), min(name), max(name) FROM ra WHERE name = ANY ((SELECT names FROM ra_keys)::text[]);
\! "$DDB_TEST_DIR"/proxyctl error BatchGetItem 400 AccessDeniedException 1 --skip 9 --message 'User: ra is not authorized to perform: dynamodb:BatchGetItem'
SELECT count(*) FROM ra WHERE name = ANY ((SELECT names FROM ra_keys)::text[]);
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl clear

-- a cancel while the page asked for ahead is held stops the statement
-- (57014); the transfer is cut with its connection, and none is left over
\! "$DDB_TEST_DIR"/proxyctl hold Query 5 1 --skip 1
SET statement_timeout = '500ms';
SELECT count(value) FROM ra;
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT count(value), min(name), max(name) FROM ra;
SELECT count(value) FROM ra_q;
-- ... and the same with a cursor left holding its page ahead
\! "$DDB_TEST_DIR"/proxyctl hold Scan 5 0 --skip 4
BEGIN;
DECLARE ra_cur CURSOR FOR SELECT name FROM ra_all;
FETCH 1 FROM ra_cur;
SET LOCAL statement_timeout = '500ms';
FETCH 100 FROM ra_cur;
ROLLBACK;
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT id, count(*) FROM ra_all GROUP BY id ORDER BY id;
SELECT open_connections <= 8 AS few_connections
  FROM dynastore_fdw_get_connections() WHERE server_name = 'ra_srv';

DROP SERVER ra_srv CASCADE;
DROP FUNCTION ra_requests(text);
\! node "$DDB_TEST_DIR"/ddb.js delete-table ra_items
