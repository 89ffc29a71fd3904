-- Pushdown on a partition of 20,000 records: each read asks DynamoDB for
-- no more than it needs, counted with EXPLAIN ANALYZE.  ANALYZE gives the
-- planner the partition's size.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY
CREATE SERVER big_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER big_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');

\! node "$DDB_TEST_DIR"/ddb.js create-table big_items
\! node "$DDB_TEST_DIR"/ddb.js fill big_items big 20000 1000
\! node "$DDB_TEST_DIR"/ddb.js put big_items "$(node -e 'console.log(JSON.stringify(Array.from({length: 50}, (_, i) => ({id: {S: "big"}, name: {S: "special/" + String(i).padStart(2, "0")}, version: {N: "1"}, payload: {S: "s" + i}}))))')"

CREATE FOREIGN TABLE big (id text, name text, version bigint, value text)
  SERVER big_srv OPTIONS (table 'big_items', partition 'big');
ANALYZE big;
SELECT reltuples FROM pg_class WHERE oid = 'big'::regclass;

-- the requests and items of a query, from EXPLAIN ANALYZE
CREATE FUNCTION ddb_counts(q text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q
  LOOP
    IF line ~ '(Scan|Join|DynamoDB (Operation|Requests)|Items Read|Key Condition)' THEN
      RETURN NEXT regexp_replace(line, '^\s+(->  )?', '');
    END IF;
  END LOOP;
END $$;

-- one key: one GetItem
SELECT * FROM ddb_counts($$SELECT * FROM big WHERE name = 'key-010000'$$);
-- a prefix that matches 50 records reads those 50 items
SELECT * FROM ddb_counts($$SELECT * FROM big WHERE name LIKE 'special/%'$$);
SELECT count(*) FROM big WHERE name LIKE 'special/%';
-- the last five names: one page of five items, no sort
SELECT * FROM ddb_counts($$SELECT name FROM big ORDER BY name COLLATE "C" DESC LIMIT 5$$);
SELECT name FROM big ORDER BY name COLLATE "C" DESC LIMIT 5;
-- a join of 200 local keys: BatchGetItem, a hundred keys a request
CREATE TABLE big_wanted AS
  SELECT 'key-' || lpad((i * 97 % 20000 + 1)::text, 6, '0') AS name, i
  FROM generate_series(1, 200) i;
INSERT INTO big_wanted VALUES ('missing', 201), (NULL, 202);
ANALYZE big_wanted;
SELECT * FROM ddb_counts($$SELECT w.i, b.version FROM big_wanted w JOIN big b ON b.name = w.name$$);
SELECT count(*), sum(w.i), sum(length(b.value)) FROM big_wanted w JOIN big b ON b.name = w.name;
-- a left join keeps the rows without a record
SELECT * FROM ddb_counts($$SELECT w.i, b.version FROM big_wanted w LEFT JOIN big b ON b.name = w.name$$);
SELECT count(*), count(b.name) FROM big_wanted w LEFT JOIN big b ON b.name = w.name;
-- the same joins on a local copy of the partition agree
CREATE TABLE big_local AS SELECT name, version, value FROM big;
SELECT count(*), sum(w.i), sum(length(b.value)) FROM big_wanted w JOIN big_local b ON b.name = w.name;
SELECT count(*), count(b.name) FROM big_wanted w LEFT JOIN big_local b ON b.name = w.name;
-- with another condition on the joined rows
SELECT count(*), sum(w.i) FROM big_wanted w JOIN big b ON b.name = w.name AND w.i % 2 = 0;
SELECT count(*), sum(w.i) FROM big_wanted w JOIN big_local b ON b.name = w.name AND w.i % 2 = 0;

DROP SERVER big_srv CASCADE;
DROP TABLE big_wanted, big_local;
\! node "$DDB_TEST_DIR"/ddb.js delete-table big_items
