-- Pushdown: each read becomes the cheapest DynamoDB request that answers
-- it exactly (GetItem, BatchGetItem, Query with a key condition, a Query
-- on an index), and the rows are always those PostgreSQL computes on a
-- local copy of the same records.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY
CREATE SERVER pd_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER pd_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');

\! node "$DDB_TEST_DIR"/ddb.js create-table pd_items
\! node "$DDB_TEST_DIR"/ddb.js put pd_items '[{"id":{"S":"p"},"name":{"S":"a"},"version":{"N":"1"},"payload":{"S":"v-a"},"created":{"S":"2024-01-05"},"pk1":{"S":"g1"},"sk1":{"S":"s1"}}, {"id":{"S":"p"},"name":{"S":"a/"},"version":{"N":"1"},"payload":{"S":"v-a/"},"created":{"S":"2024-02-01"},"pk1":{"S":"g1"},"sk1":{"S":"s2"}}, {"id":{"S":"p"},"name":{"S":"a/b"},"version":{"N":"1"},"payload":{"S":"v-a/b"},"created":{"S":"2024-02-15"},"pk1":{"S":"g2"},"sk1":{"S":"s1"}}, {"id":{"S":"p"},"name":{"S":"a/b/c"},"version":{"N":"2"},"payload":{"S":"v-a/b/c"},"created":{"S":"2023-12-31"},"pk1":{"S":"g1"}}, {"id":{"S":"p"},"name":{"S":"a%b"},"version":{"N":"1"},"payload":{"S":"v-a%b"}}, {"id":{"S":"p"},"name":{"S":"a%bc"},"version":{"N":"1"},"payload":{"S":"v-a%bc"}}, {"id":{"S":"p"},"name":{"S":"a_b"},"version":{"N":"1"},"payload":{"S":"v-a_b"}}, {"id":{"S":"p"},"name":{"S":"axb"},"version":{"N":"1"},"payload":{"S":"v-axb"}}, {"id":{"S":"p"},"name":{"S":"b"},"version":{"N":"1"},"payload":{"S":"v-b"},"created":{"S":"2024-03-01"}}, {"id":{"S":"p"},"name":{"S":"B"},"version":{"N":"1"},"payload":{"S":"v-B"}}, {"id":{"S":"p"},"name":{"S":"é"},"version":{"N":"1"},"payload":{"S":"v-é"}}, {"id":{"S":"p"},"name":{"S":"ß"},"version":{"N":"1"},"payload":{"S":"v-ß"}}, {"id":{"S":"p"},"name":{"S":"z"},"version":{"N":"1"},"payload":{"S":"v-z"}}, {"id":{"S":"p"},"name":{"S":"ключ/1"},"version":{"N":"1"},"payload":{"S":"v-ключ/1"}}, {"id":{"S":"p"},"name":{"S":"dir/"},"version":{"N":"1"},"payload":{"S":"v-dir/"}}, {"id":{"S":"p"},"name":{"S":"gone"},"version":{"N":"1"},"payload":{"S":"expired"},"expires":{"N":"1000000000"},"created":{"S":"2024-01-20"},"pk1":{"S":"g1"},"sk1":{"S":"s3"}}, {"id":{"S":"q"},"name":{"S":"a"},"version":{"N":"1"},"payload":{"S":"q-a"},"pk1":{"S":"g1"},"sk1":{"S":"s9"}}, {"id":{"S":"q"},"name":{"S":"b"},"version":{"N":"1"},"payload":{"S":"q-b"}}, {"id":{"S":"r"},"name":{"S":"a"},"version":{"N":"1"},"payload":{"S":"r-a"}}]'

CREATE FOREIGN TABLE pd (id text, name text, version bigint, value text,
  created text, pk1 text, sk1 text)
  SERVER pd_srv OPTIONS (table 'pd_items', partition 'p');
-- the same live records in a local table
CREATE TABLE pd_local AS SELECT * FROM pd;
SELECT count(*) FROM pd_local;

-- the DynamoDB request of a query, from EXPLAIN
CREATE FUNCTION ddb_plan(q text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q
  LOOP
    IF line ~ '(Foreign Scan|Custom Scan|Foreign Update|Foreign Delete|DynamoDB|Key Condition|Filter|Order|Limit|Sort|Consistent|Segments|Loop)' THEN
      RETURN NEXT regexp_replace(line, '^\s+(->  )?', '');
    END IF;
  END LOOP;
END $$;
-- the rows of a condition on the foreign table and on the local copy
CREATE FUNCTION same(cond text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  f bigint;
  l bigint;
  d bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM pd WHERE %s', cond) INTO f;
  EXECUTE format('SELECT count(*) FROM pd_local WHERE %s', cond) INTO l;
  EXECUTE format('SELECT count(*) FROM ((SELECT name, value FROM pd WHERE %1$s
                  EXCEPT ALL SELECT name, value FROM pd_local WHERE %1$s)
                  UNION ALL (SELECT name, value FROM pd_local WHERE %1$s
                  EXCEPT ALL SELECT name, value FROM pd WHERE %1$s)) x', cond) INTO d;
  RETURN format('%s rows, %s', f,
                CASE WHEN f = l AND d = 0 THEN 'same as local'
                     ELSE 'DIFFERENT: local has ' || l END);
END $$;

-- name = value: one GetItem
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE name = 'a/b'$$);
SELECT name, version, value FROM pd WHERE name = 'a/b';
SELECT same($$name = 'a/b'$$), same($$name = 'dir/'$$), same($$name = 'ключ/1'$$),
       same($$name = 'missing'$$), same($$name = 'gone'$$), same($$name = ''$$);
-- no key is empty or longer than 1,024 bytes: nothing is asked for those
SELECT same($$name = repeat('x', 1025)$$), same($$name IN ('a', repeat('x', 1025))$$),
       same($$name LIKE repeat('x', 1025) || '%'$$);
-- a parameter
PREPARE by_name(text) AS SELECT name, value FROM pd WHERE name = $1;
EXPLAIN (COSTS OFF) EXECUTE by_name('a');
EXECUTE by_name('a');
EXECUTE by_name('é');
EXECUTE by_name(NULL);

-- name = ANY(array): BatchGetItem
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE name IN ('a', 'b', 'zz', 'gone')$$);
SELECT name, value FROM pd WHERE name IN ('a', 'b', 'zz', 'gone') ORDER BY name;
SELECT same($$name IN ('a', 'b', 'zz', 'gone', 'a')$$), same($$name = ANY('{}')$$),
       same($$name = ANY(ARRAY['a', NULL, ''])$$);
-- keys DynamoDB leaves unprocessed are asked for again, after a backoff:
-- four keys, answered two, then one, then one
\! "$DDB_TEST_DIR"/proxyctl stats-reset
\! "$DDB_TEST_DIR"/proxyctl unprocessed BatchGetItem 2
SELECT name, value FROM pd WHERE name IN ('a', 'b', 'z', 'dir/') ORDER BY name COLLATE "C";
\! "$DDB_TEST_DIR"/proxyctl count BatchGetItem

-- LIKE 'prefix%', starts_with, ^@: a Query with begins_with
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE name LIKE 'a/%'$$);
SELECT name FROM pd WHERE name LIKE 'a/%' ORDER BY name;
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE starts_with(name, 'a/')$$);
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE name ^@ 'a/'$$);
SELECT same($$name LIKE 'a/%'$$), same($$starts_with(name, 'a/')$$),
       same($$name ^@ 'a'$$), same($$name LIKE 'ключ%'$$), same($$name LIKE 'dir/%'$$);
-- escaped % is part of the prefix; _ stops it and stays a local filter
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE name LIKE 'a\%b%'$$);
SELECT name FROM pd WHERE name LIKE 'a\%b%' ORDER BY name;
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE name LIKE 'a_b%'$$);
SELECT name FROM pd WHERE name LIKE 'a_b%' ORDER BY name COLLATE "C";
SELECT same($$name LIKE 'a\%b%'$$), same($$name LIKE 'a_b%'$$), same($$name LIKE 'a_b'$$),
       same($$name LIKE '%b'$$), same($$name LIKE 'a/b'$$);

-- ranges go to DynamoDB only under a collation that orders as it does
-- (bytes of UTF-8): "C" or "POSIX"
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE name >= 'a/' COLLATE "C" AND name <= 'b' COLLATE "C"$$);
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE name COLLATE "C" BETWEEN 'a/' AND 'b'$$);
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE name BETWEEN 'a/' AND 'b'$$);
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE name > 'b' COLLATE "C"$$);
SELECT same($$name COLLATE "C" BETWEEN 'a/' AND 'b'$$), same($$name BETWEEN 'a/' AND 'b'$$),
       same($$name > 'b' COLLATE "C"$$), same($$name > 'b'$$), same($$name < 'B' COLLATE "C"$$),
       same($$name < 'B'$$), same($$name >= 'z' COLLATE "POSIX"$$), same($$name > 'é' COLLATE "C"$$),
       same($$name COLLATE "C" BETWEEN 'b' AND 'a'$$), same($$name > '' COLLATE "C"$$),
       same($$name < '' COLLATE "C"$$);

-- ORDER BY name under "C": DynamoDB's own order, no local sort
SELECT * FROM ddb_plan($$SELECT name FROM pd ORDER BY name COLLATE "C" DESC LIMIT 3$$);
SELECT name FROM pd ORDER BY name COLLATE "C" DESC LIMIT 3;
SELECT * FROM ddb_plan($$SELECT name FROM pd WHERE name LIKE 'a%' ORDER BY name COLLATE "C"$$);
SELECT name FROM pd WHERE name LIKE 'a%' ORDER BY name COLLATE "C";
-- under the default collation the order differs, so PostgreSQL sorts
SELECT * FROM ddb_plan($$SELECT name FROM pd ORDER BY name LIMIT 3$$);
SELECT name FROM pd ORDER BY name LIMIT 3;

-- a local index on another sort key: created
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE created LIKE '2024-02%'$$);
SELECT name, created FROM pd WHERE created LIKE '2024-02%' ORDER BY name;
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE created = '2024-01-05'$$);
SELECT same($$created LIKE '2024-02%'$$), same($$created = '2024-01-05'$$),
       same($$created >= '2024-02-01' COLLATE "C"$$), same($$created = '2024-01-20'$$);
-- a global index: equality on its hash key, and a condition on its range
-- key (an item without one is not in the index, so without such a
-- condition the index cannot answer); it cannot be read consistently, and
-- the partition is kept by a filter
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE pk1 = 'g1'$$);
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE pk1 = 'g1' AND sk1 >= 's' COLLATE "C"$$);
SELECT name, pk1, sk1 FROM pd WHERE pk1 = 'g1' ORDER BY name;
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE pk1 = 'g1' AND sk1 LIKE 's%'$$);
SELECT same($$pk1 = 'g1'$$), same($$pk1 = 'g1' AND sk1 > 's1' COLLATE "C"$$), same($$pk1 = 'none'$$);

-- what is not pushed stays a local filter
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE name = 'a' AND value LIKE 'v%'$$);
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE lower(name) = 'b'$$);
SELECT same($$lower(name) = 'b'$$), same($$name = 'a' OR name = 'b'$$), same($$name <> 'a'$$),
       same($$name ILIKE 'A%'$$), same($$name = 'a' AND name = 'b'$$);

-- a whole-table foreign table: id is a real column
CREATE FOREIGN TABLE pd_all (id text, name text, value text, pk1 text, sk1 text)
  SERVER pd_srv OPTIONS (table 'pd_items');
SELECT * FROM ddb_plan($$SELECT * FROM pd_all WHERE id = 'q'$$);
SELECT id, name, value FROM pd_all WHERE id = 'q' ORDER BY name;
SELECT * FROM ddb_plan($$SELECT * FROM pd_all WHERE id = 'q' AND name = 'b'$$);
SELECT id, name, value FROM pd_all WHERE id = 'q' AND name = 'b';
SELECT * FROM ddb_plan($$SELECT * FROM pd_all WHERE id IN ('q', 'r') AND name = 'a'$$);
SELECT id, name, value FROM pd_all WHERE id IN ('q', 'r') AND name = 'a' ORDER BY id;
SELECT * FROM ddb_plan($$SELECT * FROM pd_all WHERE pk1 = 'g1' AND sk1 LIKE 's%'$$);
SELECT id, name FROM pd_all WHERE pk1 = 'g1' AND sk1 LIKE 's%' ORDER BY id, name;
SELECT * FROM ddb_plan($$SELECT * FROM pd_all WHERE value = 'q-b'$$);
SELECT id, name FROM pd_all WHERE value = 'q-b';
SELECT count(*) FROM pd_all;
-- Scan in parallel segments
ALTER FOREIGN TABLE pd_all OPTIONS (ADD scan_segments '4');
SELECT * FROM ddb_plan($$SELECT * FROM pd_all$$);
SELECT count(*), count(DISTINCT (id, name)) FROM pd_all;
-- allow_scan false refuses a Scan, but not a Query
ALTER FOREIGN TABLE pd_all OPTIONS (ADD allow_scan 'false');
SELECT count(*) FROM pd_all;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM pd_all WHERE id = 'p';

-- consistent_read: off for a table that allows eventually consistent reads
ALTER FOREIGN TABLE pd OPTIONS (ADD consistent_read 'false');
SELECT * FROM ddb_plan($$SELECT * FROM pd WHERE name = 'a'$$);
ALTER FOREIGN TABLE pd OPTIONS (DROP consistent_read);
-- but the rows an UPDATE or DELETE reads are read consistently, since the
-- write is conditioned on the version read
CREATE FOREIGN TABLE pd_w (name text, version bigint, value text)
  SERVER pd_srv OPTIONS (table 'pd_items', partition 'p', consistent_read 'false');
SELECT * FROM ddb_plan($$SELECT * FROM pd_w WHERE name = 'a'$$);
SELECT * FROM ddb_plan($$UPDATE pd_w SET value = 'x' WHERE name = 'a'$$);
SELECT * FROM ddb_plan($$DELETE FROM pd_w WHERE name LIKE 'a%'$$);

-- joins with a local table, when the partition is large (estimated_rows
-- stands in for ANALYZE here): the outer keys a hundred at a time in a
-- BatchGetItem, or a parameterized GetItem per outer row
ALTER FOREIGN TABLE pd OPTIONS (ADD estimated_rows '100000');
CREATE TABLE wanted (name text);
INSERT INTO wanted VALUES ('a'), ('a/b'), ('zz'), ('gone');
ANALYZE wanted;
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SELECT * FROM ddb_plan($$SELECT w.name, p.value FROM wanted w JOIN pd p ON p.name = w.name$$);
SELECT w.name, p.value FROM wanted w JOIN pd p ON p.name = w.name ORDER BY 1;
SELECT w.name, p.value FROM wanted w LEFT JOIN pd p ON p.name = w.name ORDER BY 1;
SELECT * FROM ddb_plan($$SELECT w.name, p.value FROM wanted w,
  LATERAL (SELECT value FROM pd WHERE pd.name = w.name OFFSET 0) p$$);
SELECT w.name, p.value FROM wanted w,
  LATERAL (SELECT value FROM pd WHERE pd.name = w.name OFFSET 0) p ORDER BY 1;
RESET enable_hashjoin;
RESET enable_mergejoin;

-- an index that vanished: the statement fails and says so, and the next
-- one, planned anew from DescribeTable, reads without it
\! node "$DDB_TEST_DIR"/ddb.js create-table pd_idx_items
\! node "$DDB_TEST_DIR"/ddb.js put pd_idx_items '{"id":{"S":"p"},"name":{"S":"a"},"created":{"S":"2024"}}'
CREATE FOREIGN TABLE pd_idx (name text, created text)
  SERVER pd_srv OPTIONS (table 'pd_idx_items', partition 'p');
SELECT * FROM ddb_plan($$SELECT name FROM pd_idx WHERE created = '2024'$$);
SELECT name FROM pd_idx WHERE created = '2024';
\! node "$DDB_TEST_DIR"/ddb.js create-table --no-indexes pd_idx_items
\! node "$DDB_TEST_DIR"/ddb.js put pd_idx_items '{"id":{"S":"p"},"name":{"S":"a"},"created":{"S":"2024"}}'
SELECT name FROM pd_idx WHERE created = '2024';
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ddb_plan($$SELECT name FROM pd_idx WHERE created = '2024'$$);
SELECT name FROM pd_idx WHERE created = '2024';

DROP SERVER pd_srv CASCADE;
DROP TABLE pd_local, wanted;
\! node "$DDB_TEST_DIR"/ddb.js delete-table pd_items
\! node "$DDB_TEST_DIR"/ddb.js delete-table pd_idx_items
