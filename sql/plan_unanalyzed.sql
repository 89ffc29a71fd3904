-- Plans without ANALYZE.  Foreign tables are never analyzed by themselves,
-- so a partition without statistics is planned as a large one: at least
-- 100,000 rows, or DescribeTable's ItemCount when larger, its key (name)
-- unique.  A join of 200 local keys with a 20,050-record partition that
-- was never analyzed reads the 200 keys (two BatchGetItem), not the whole
-- partition.  estimated_rows and ANALYZE replace the guess.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv hostile DDB_HOSTILE_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY
CREATE SERVER pu_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER pu_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');

\! node "$DDB_TEST_DIR"/ddb.js create-table pu_items
\! node "$DDB_TEST_DIR"/ddb.js fill pu_items big 20000 1000
\! node "$DDB_TEST_DIR"/ddb.js put pu_items "$(node -e 'console.log(JSON.stringify(Array.from({length: 50}, (_, i) => ({id: {S: "big"}, name: {S: "special/" + String(i).padStart(2, "0")}, version: {N: "1"}, payload: {S: "s" + i}}))))')"
\! node "$DDB_TEST_DIR"/ddb.js put pu_items '[{"id":{"S":"small"},"name":{"S":"key-000001"},"version":{"N":"1"}}, {"id":{"S":"small"},"name":{"S":"key-000002"},"version":{"N":"1"}}, {"id":{"S":"small"},"name":{"S":"key-000003"},"version":{"N":"1"}}]'

CREATE FOREIGN TABLE pu_big (name text, version bigint, value text)
  SERVER pu_srv OPTIONS (table 'pu_items', partition 'big');
CREATE FOREIGN TABLE pu_small (name text, version bigint, value text)
  SERVER pu_srv OPTIONS (table 'pu_items', partition 'small');
-- never analyzed
SELECT relname, reltuples FROM pg_class WHERE relname IN ('pu_big', 'pu_small') ORDER BY 1;

CREATE TABLE pu_wanted AS
  SELECT 'key-' || lpad((i * 97 % 20000 + 1)::text, 6, '0') AS name, i
  FROM generate_series(1, 200) i;
ANALYZE pu_wanted;

-- The plan's nodes and their estimated rows, without costs.
CREATE FUNCTION pu_plan(q text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN ' || q LOOP
    IF line ~ '(Scan|Join|Loop|Hash|DynamoDB Operation)' THEN
      RETURN NEXT regexp_replace(regexp_replace(line, '^\s+(->  )?', ''),
                                 '\(cost=[0-9.]+ rows=([0-9]+) width=[0-9]+\)',
                                 '(rows=\1)');
    END IF;
  END LOOP;
END $$;

-- the partition is assumed to hold 100,000 rows, one per name
SELECT * FROM pu_plan($$SELECT * FROM pu_big$$);
SELECT * FROM pu_plan($$SELECT * FROM pu_big WHERE name = 'key-000001'$$);
-- the join of 200 keys: the batched key join, 200 rows expected
SELECT * FROM pu_plan($$SELECT w.i, b.version FROM pu_wanted w JOIN pu_big b ON b.name = w.name$$);
-- ... which makes two requests (DescribeTable was asked by the EXPLAIN)
\! "$DDB_TEST_DIR"/proxyctl stats-reset
SELECT count(*), sum(w.i), sum(length(b.value)) FROM pu_wanted w JOIN pu_big b ON b.name = w.name;
\! echo "requests: $("$DDB_TEST_DIR"/proxyctl count '*'), BatchGetItem: $("$DDB_TEST_DIR"/proxyctl count BatchGetItem), Query: $("$DDB_TEST_DIR"/proxyctl count Query)"
-- ... as in a new session, where DescribeTable comes first
\c
\! "$DDB_TEST_DIR"/proxyctl stats-reset
SELECT count(*), sum(w.i) FROM pu_wanted w JOIN pu_big b ON b.name = w.name;
\! echo "requests: $("$DDB_TEST_DIR"/proxyctl count '*'), DescribeTable: $("$DDB_TEST_DIR"/proxyctl count DescribeTable), BatchGetItem: $("$DDB_TEST_DIR"/proxyctl count BatchGetItem)"
-- a list of keys: BatchGetItem rather than reading the partition
SELECT * FROM pu_plan($$SELECT name FROM pu_big WHERE name = ANY (ARRAY(SELECT name FROM pu_wanted))$$);
SELECT * FROM pu_plan($$SELECT name FROM pu_big WHERE name IN ('key-000001', 'key-000002', 'key-000003')$$);
-- a small partition never analyzed is planned as large too: its join also
-- reads by key
SELECT * FROM pu_plan($$SELECT w.i, s.version FROM pu_wanted w JOIN pu_small s ON s.name = w.name$$);
SELECT count(*) FROM pu_wanted w JOIN pu_small s ON s.name = w.name;

-- estimated_rows wins over the guess
ALTER FOREIGN TABLE pu_small OPTIONS (ADD estimated_rows '3');
SELECT * FROM pu_plan($$SELECT w.i, s.version FROM pu_wanted w JOIN pu_small s ON s.name = w.name$$);
ALTER FOREIGN TABLE pu_small OPTIONS (DROP estimated_rows);
-- and so does ANALYZE: the small partition is read in one request
ANALYZE pu_small;
SELECT relname, reltuples FROM pg_class WHERE relname = 'pu_small';
SELECT * FROM pu_plan($$SELECT w.i, s.version FROM pu_wanted w JOIN pu_small s ON s.name = w.name$$);
\! "$DDB_TEST_DIR"/proxyctl stats-reset
SELECT count(*) FROM pu_wanted w JOIN pu_small s ON s.name = w.name;
\! echo "requests: $("$DDB_TEST_DIR"/proxyctl count '*'), Query: $("$DDB_TEST_DIR"/proxyctl count Query)"
-- ANALYZE of the large partition keeps the batched key join
ANALYZE pu_big;
SELECT relname, reltuples FROM pg_class WHERE relname = 'pu_big';
SELECT * FROM pu_plan($$SELECT w.i, b.version FROM pu_wanted w JOIN pu_big b ON b.name = w.name$$);

-- DescribeTable's ItemCount, when larger than the guess, is the estimate,
-- and TableSizeBytes / ItemCount the size of an item: 5,000,000 items of
-- 100 bytes fill 10,485 items a 1 MB page.
CREATE SERVER pu_hostile FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'hostile', max_retries '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER pu_hostile
  OPTIONS (access_key_id 'AKIDPLANUNANALYZED', secret_access_key 'secret');
\! "$DDB_TEST_DIR"/hostilectl answer DescribeTable '{"Table":{"TableName":"pu_items","TableStatus":"ACTIVE","ItemCount":5000000,"TableSizeBytes":500000000,"KeySchema":[{"AttributeName":"id","KeyType":"HASH"},{"AttributeName":"name","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"},{"AttributeName":"name","AttributeType":"S"}]}}' 0 --key AKIDPLANUNANALYZED
CREATE FOREIGN TABLE pu_counted (name text, version bigint)
  SERVER pu_hostile OPTIONS (table 'pu_items', partition 'big');
CREATE FOREIGN TABLE pu_counted_all (id text, name text, version bigint)
  SERVER pu_hostile OPTIONS (table 'pu_items');
SELECT * FROM pu_plan($$SELECT * FROM pu_counted$$);
SELECT * FROM pu_plan($$SELECT * FROM pu_counted_all$$);
-- 5,000,000 rows take 477 requests: reading 10,000 keys in 100 is cheaper
CREATE TABLE pu_many AS
  SELECT 'key-' || lpad(g::text, 6, '0') AS name FROM generate_series(1, 10000) g;
ANALYZE pu_many;
SELECT * FROM pu_plan($$SELECT m.name, c.version FROM pu_many m JOIN pu_counted c ON c.name = m.name$$);
\! "$DDB_TEST_DIR"/hostilectl clear

DROP SERVER pu_srv CASCADE;
DROP SERVER pu_hostile CASCADE;
DROP TABLE pu_wanted, pu_many;
DROP FUNCTION pu_plan(text);
\! node "$DDB_TEST_DIR"/ddb.js delete-table pu_items
