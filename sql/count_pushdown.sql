-- count(*) computed by DynamoDB: a bare count(*) or count(1) over a
-- partition (with key conditions or without), or over a whole table, is
-- one Query or Scan with Select COUNT per page, whose FilterExpression
-- keeps the live records (no expires, or a number no earlier than now);
-- no item is transferred.  Anything else is counted by PostgreSQL.  Each
-- count is compared with the count of the rows a plain scan returns.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv hostile DDB_HOSTILE_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY
CREATE SERVER cp_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER cp_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');

-- partition p: 30 live records, 3 that never expire in practice (one at
-- a fraction of a second), and 6 expired: in the past, at a string, at
-- NULL, at a list; partition q: 5 records
\! node "$DDB_TEST_DIR"/ddb.js create-table cp_items
\! node "$DDB_TEST_DIR"/ddb.js put cp_items "$(node -e 'const a = []; for (let i = 0; i < 30; i++) a.push({id: {S: "p"}, name: {S: (i % 2 ? "a/" : "b/") + String(i).padStart(2, "0")}, version: {N: "1"}, payload: {S: "v" + i}, pk1: {S: "g"}, sk1: {S: "s" + (i % 3)}}); a.push({id: {S: "p"}, name: {S: "future-1"}, expires: {N: "4102444800"}}, {id: {S: "p"}, name: {S: "future-2"}, expires: {N: "4102444800.5"}}, {id: {S: "p"}, name: {S: "future-3"}, expires: {N: "99999999999"}}, {id: {S: "p"}, name: {S: "gone-1"}, expires: {N: "1000000000"}}, {id: {S: "p"}, name: {S: "gone-2"}, expires: {N: "1700000000.9"}}, {id: {S: "p"}, name: {S: "gone-3"}, expires: {S: "4102444800"}}, {id: {S: "p"}, name: {S: "gone-4"}, expires: {NULL: true}}, {id: {S: "p"}, name: {S: "gone-5"}, expires: {L: []}}, {id: {S: "p"}, name: {S: "gone-6"}, expires: {N: "-1"}}); for (let i = 0; i < 5; i++) a.push({id: {S: "q"}, name: {S: "q" + i}, version: {N: "1"}}); console.log(JSON.stringify(a))')"

CREATE FOREIGN TABLE cp (name text, version bigint, value text, pk1 text, sk1 text)
  SERVER cp_srv OPTIONS (table 'cp_items', partition 'p');
CREATE FOREIGN TABLE cp_all (id text, name text, version bigint)
  SERVER cp_srv OPTIONS (table 'cp_items');

-- The requests of a query and what they read, from EXPLAIN ANALYZE.
CREATE FUNCTION cp_counts(q text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q
  LOOP
    IF line ~ '(Scan|Aggregate|DynamoDB (Operation|Requests|Pages|Select)|Items (Read|Counted))' THEN
      RETURN NEXT regexp_replace(line, '^\s+(->  )?', '');
    END IF;
  END LOOP;
END $$;

-- How a count ran, and whether it agrees with PostgreSQL's count of the
-- rows of a plain scan: q names the foreign table t as {T}, which the
-- second time is (SELECT * FROM t OFFSET 0), a scan with nothing pushed
-- but its own quals.
CREATE FUNCTION cp_same(t text, q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  plan text := 'counted locally';
  line text;
  pushed text;
  plain text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || replace(q, '{T}', t) LOOP
    IF line ~ 'DynamoDB Select: COUNT' THEN
      plan := 'Select COUNT';
    END IF;
  END LOOP;
  EXECUTE 'SELECT array_agg(r::text)::text FROM (' || replace(q, '{T}', t) || ') r' INTO pushed;
  EXECUTE 'SELECT array_agg(r::text)::text FROM (' ||
    replace(q, '{T}', format('(SELECT * FROM %s OFFSET 0) %s', t, t)) || ') r' INTO plain;
  RETURN format('%s: %s%s', plan, pushed,
                CASE WHEN pushed = plain THEN '' ELSE ', DIFFERENT from ' || plain END);
END $$;

-- the whole partition: one Query, Select COUNT, the filter of live records
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM cp;
SELECT * FROM cp_counts($$SELECT count(*) FROM cp$$);
SELECT cp_same('cp', $$SELECT count(*) FROM {T}$$);
SELECT count(*), count(1), count(*) + 1 AS plus_one, count('x') FROM cp;
SELECT cp_same('cp', $$SELECT count(*), count(1), count(*) + 1 AS plus_one, count('x') FROM {T}$$);
SELECT cp_same('cp', $$SELECT count(1) FROM {T}$$);
-- a plain scan returns the same live records
SELECT name FROM cp WHERE name LIKE 'f%' OR name LIKE 'g%' ORDER BY name;
-- key conditions go along
SELECT cp_same('cp', $$SELECT count(*) FROM {T} WHERE name LIKE 'a/%'$$);
SELECT cp_same('cp', $$SELECT count(*) FROM {T} WHERE starts_with(name, 'future')$$);
SELECT cp_same('cp', $$SELECT count(*) FROM {T} WHERE name COLLATE "C" > 'b/20'$$);
SELECT cp_same('cp', $$SELECT count(*) FROM {T} WHERE name COLLATE "C" BETWEEN 'a' AND 'b'$$);
SELECT cp_same('cp', $$SELECT count(*) FROM {T} WHERE name LIKE 'nothing/%'$$);
-- a global index, with the partition as a filter
EXPLAIN (COSTS OFF) SELECT count(*) FROM cp WHERE pk1 = 'g' AND sk1 = 's1';
SELECT cp_same('cp', $$SELECT count(*) FROM {T} WHERE pk1 = 'g' AND sk1 = 's1'$$);
-- a condition that cannot match makes no request (the plain scans make 2)
\! "$DDB_TEST_DIR"/proxyctl stats-reset
SELECT cp_same('cp', $$SELECT count(*) FROM {T} WHERE name COLLATE "C" BETWEEN 'b' AND 'a'$$);
SELECT cp_same('cp', $$SELECT count(*) FROM {T} WHERE name COLLATE "C" < ''$$);
\! echo "requests: $("$DDB_TEST_DIR"/proxyctl count Query)"
-- parameters, and a count run again for each row of another relation
PREPARE cp_prefix(text) AS SELECT count(*) FROM cp WHERE name LIKE $1 || '%';
EXECUTE cp_prefix('a/');
EXECUTE cp_prefix('future');
DEALLOCATE cp_prefix;
SELECT k, (SELECT count(*) FROM cp WHERE starts_with(name, k)) FROM (VALUES ('a/'), ('b/'), ('gone'), ('zz')) v(k);

-- pages: each page's Count is summed, 4 items a page here
ALTER FOREIGN TABLE cp OPTIONS (ADD page_size '4');
SELECT * FROM cp_counts($$SELECT count(*) FROM cp$$);
ALTER FOREIGN TABLE cp OPTIONS (DROP page_size);

-- a whole table: a Scan, in segments too; one partition: a Query; a list
-- of partitions: a Query each
SELECT * FROM cp_counts($$SELECT count(*) FROM cp_all$$);
SELECT cp_same('cp_all', $$SELECT count(*) FROM {T}$$);
ALTER FOREIGN TABLE cp_all OPTIONS (ADD scan_segments '3');
SELECT * FROM cp_counts($$SELECT count(*) FROM cp_all$$);
ALTER FOREIGN TABLE cp_all OPTIONS (DROP scan_segments);
SELECT cp_same('cp_all', $$SELECT count(*) FROM {T} WHERE id = 'q'$$);
SELECT * FROM cp_counts($$SELECT count(*) FROM cp_all WHERE id IN ('p', 'q', 'r')$$);
SELECT cp_same('cp_all', $$SELECT count(*) FROM {T} WHERE id IN ('p', 'q', 'r')$$);
-- a Scan that allow_scan forbids is refused as before
ALTER FOREIGN TABLE cp_all OPTIONS (ADD allow_scan 'false');
SELECT count(*) FROM cp_all;
SELECT * FROM cp_counts($$SELECT count(*) FROM cp_all WHERE id = 'p'$$);
ALTER FOREIGN TABLE cp_all OPTIONS (DROP allow_scan);

-- counted by PostgreSQL: other aggregates, counts of a column, DISTINCT,
-- FILTER, GROUP BY, HAVING, a condition DynamoDB does not decide, a key
-- lookup, a list of keys, a join, a LIMIT or an ORDER BY below the count,
-- a pseudoconstant condition
SELECT cp_same('cp', $$SELECT count(version) FROM {T}$$);
SELECT cp_same('cp', $$SELECT count(DISTINCT 1) FROM {T}$$);
SELECT cp_same('cp', $$SELECT count(*) FILTER (WHERE version = 1) FROM {T}$$);
SELECT cp_same('cp', $$SELECT count(NULL::int) FROM {T}$$);
SELECT cp_same('cp', $$SELECT count(*) FROM {T} WHERE value LIKE 'v1%'$$);
SELECT cp_same('cp', $$SELECT count(*) FROM {T} WHERE name LIKE 'a/%' AND version = 1$$);
SELECT cp_same('cp', $$SELECT count(*) FROM {T} WHERE name = 'a/01'$$);
SELECT cp_same('cp', $$SELECT count(*) FROM {T} WHERE name IN ('a/01', 'b/02', 'gone-1')$$);
SELECT cp_same('cp', $$SELECT count(*) FROM {T} WHERE name LIKE 'a_0%'$$);
SELECT cp_same('cp', $$SELECT count(*) FROM {T} WHERE now() > '2000-01-01'$$);
SELECT cp_same('cp', $$SELECT count(*) FROM {T} WHERE now() < '2000-01-01'$$);
EXPLAIN (COSTS OFF) SELECT count(*), sum(version) FROM cp;
EXPLAIN (COSTS OFF) SELECT count(*) FROM cp GROUP BY version;
EXPLAIN (COSTS OFF) SELECT count(*) FROM cp HAVING count(*) > 1;
EXPLAIN (COSTS OFF) SELECT count(*) FROM (SELECT * FROM cp LIMIT 10) s;
EXPLAIN (COSTS OFF) SELECT count(*) FROM (SELECT * FROM cp ORDER BY version LIMIT 10) s;
EXPLAIN (COSTS OFF) SELECT count(*) FROM cp a JOIN cp b ON a.name = b.name;
SELECT count(*) FROM (SELECT * FROM cp LIMIT 10) s;
SELECT count(*) FROM cp GROUP BY version ORDER BY 1;
SELECT count(*) FROM cp HAVING count(*) > 100;
-- a LIMIT above the count leaves it pushed
SELECT * FROM cp_counts($$SELECT count(*) FROM cp LIMIT 1$$);

-- an answer to Select COUNT without a Count is refused
CREATE SERVER cp_hostile FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'hostile', max_retries '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER cp_hostile
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
CREATE FOREIGN TABLE cp_h (name text) SERVER cp_hostile
  OPTIONS (table 'cp_items', partition 'p');
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[],"ScannedCount":0}' 1
SELECT count(*) FROM cp_h;
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Count":-3,"ScannedCount":0}' 1
SELECT count(*) FROM cp_h;
-- ... and so is a page that names itself as the next one
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Count":1,"ScannedCount":1,"LastEvaluatedKey":{"id":{"S":"p"},"name":{"S":"a/01"}}}' 2
SELECT count(*) FROM cp_h;
\! "$DDB_TEST_DIR"/hostilectl clear
SELECT count(*) FROM cp_h;

DROP SERVER cp_srv CASCADE;
DROP SERVER cp_hostile CASCADE;
DROP FUNCTION cp_counts(text);
DROP FUNCTION cp_same(text, text);
\! node "$DDB_TEST_DIR"/ddb.js delete-table cp_items
