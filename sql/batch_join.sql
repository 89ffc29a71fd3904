-- The batched key join (Custom Scan (DynamoDB Batched Key Join)) gives the
-- rows a plain join gives, whatever the query says of the foreign table:
-- its whole row and tableoid, in the output or in a condition; conditions
-- that depend on no row at all (pseudoconstants, checked once); and it
-- reads with the user mapping of the foreign table's own range-table
-- entry, as a plain scan does.  Each join is compared with the same join
-- of a local copy.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv hostile DDB_HOSTILE_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY
CREATE SERVER bj_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER bj_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
\! node "$DDB_TEST_DIR"/ddb.js create-table bj_items
\! node "$DDB_TEST_DIR"/ddb.js put bj_items '[{"id":{"S":"p"},"name":{"S":"a"},"version":{"N":"1"},"payload":{"S":"v-a"}}, {"id":{"S":"p"},"name":{"S":"b"},"version":{"N":"2"},"payload":{"S":"v-b"}}, {"id":{"S":"p"},"name":{"S":"é"},"version":{"N":"1"}}, {"id":{"S":"p"},"name":{"S":"gone"},"version":{"N":"1"},"expires":{"N":"1000000000"}}, {"id":{"S":"q"},"name":{"S":"c"},"version":{"N":"1"},"payload":{"S":"q-c"}}]'

-- planned as a large partition, so that joins read it by key
CREATE FOREIGN TABLE bj (id text, name text, version bigint, value text)
  SERVER bj_srv OPTIONS (table 'bj_items', partition 'p', estimated_rows '100000');
CREATE TABLE bj_local AS SELECT * FROM bj;
CREATE TABLE bj_keys (k text);
INSERT INTO bj_keys VALUES ('a'), ('b'), ('é'), ('c'), ('gone'), ('zz'), (NULL), ('a');
ANALYZE bj_keys;
SET enable_hashjoin = off;
SET enable_mergejoin = off;

-- How a join ({T}: the foreign table) ran, and whether it returns the
-- rows of the same join of the local copy.
CREATE FUNCTION bj_same(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  fq text := replace(q, '{T}', 'bj');
  lq text := replace(q, '{T}', 'bj_local');
  plan text := 'not batched';
  line text;
  f text[];
  l text[];
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || fq LOOP
    IF line ~ 'DynamoDB Batched Key Join' THEN
      plan := 'batched';
    END IF;
  END LOOP;
  EXECUTE format('SELECT coalesce(array_agg(r::text ORDER BY r::text COLLATE "C"), ''{}'') FROM (%s) r', fq) INTO f;
  EXECUTE format('SELECT coalesce(array_agg(r::text ORDER BY r::text COLLATE "C"), ''{}'') FROM (%s) r', lq) INTO l;
  RETURN format('%s, %s rows, %s', plan, cardinality(f),
                CASE WHEN f = l THEN 'same as local'
                     ELSE 'DIFFERENT: ' || f::text || ' local ' || l::text END);
END $$;

-- whole-row references, in a condition and in the output
SELECT bj_same($$SELECT k.k, t.value FROM bj_keys k JOIN {T} t ON t.name = k.k WHERE t::text <> ''$$);
SELECT bj_same($$SELECT k.k, t.value FROM bj_keys k JOIN {T} t ON t.name = k.k WHERE row_to_json(t)->>'name' = k.k$$);
SELECT bj_same($$SELECT k.k, t FROM bj_keys k JOIN {T} t ON t.name = k.k$$);
SELECT bj_same($$SELECT k.k, t FROM bj_keys k LEFT JOIN {T} t ON t.name = k.k$$);
SELECT bj_same($$SELECT k.k, (t).version FROM bj_keys k LEFT JOIN {T} t ON t.name = k.k WHERE t IS NULL$$);
SELECT k.k, t FROM bj_keys k JOIN bj t ON t.name = k.k ORDER BY 1, 2;
-- tableoid
SELECT bj_same($$SELECT k.k, t.name FROM bj_keys k JOIN {T} t ON t.name = k.k WHERE t.tableoid = '{T}'::regclass$$);
SELECT bj_same($$SELECT k.k, t.tableoid = '{T}'::regclass AS mine FROM bj_keys k LEFT JOIN {T} t ON t.name = k.k$$);
-- other system columns: no batched join, the plain join decides
EXPLAIN (COSTS OFF) SELECT k.k, t.xmin FROM bj_keys k JOIN bj t ON t.name = k.k;

-- pseudoconstant quals (PostgreSQL plans a join whose own quals have one
-- as a plain join)
SELECT bj_same($$SELECT k.k, t.value FROM bj_keys k JOIN {T} t ON t.name = k.k WHERE now() < '2000-01-01'$$);
SELECT bj_same($$SELECT k.k, t.value FROM bj_keys k JOIN {T} t ON t.name = k.k WHERE now() > '2000-01-01'$$);
SELECT bj_same($$SELECT k.k, t.value FROM bj_keys k JOIN {T} t ON t.name = k.k WHERE (SELECT count(*) FROM bj_keys) > 100$$);
-- ... of the foreign side, under an outer join: checked once, as a
-- one-time filter of the batched join
EXPLAIN (COSTS OFF) SELECT k2.k, k.k, s.value FROM bj_keys k2 LEFT JOIN
  (bj_keys k JOIN (SELECT * FROM bj WHERE now() < '2000-01-01') s ON s.name = k.k) ON k.k = k2.k;
SELECT bj_same($$SELECT k2.k, k.k, s.value FROM bj_keys k2 LEFT JOIN
  (bj_keys k JOIN (SELECT * FROM {T} WHERE now() < '2000-01-01') s ON s.name = k.k) ON k.k = k2.k$$);
SELECT bj_same($$SELECT k2.k, k.k, s.value FROM bj_keys k2 LEFT JOIN
  (bj_keys k JOIN (SELECT * FROM {T} WHERE now() > '2000-01-01') s ON s.name = k.k) ON k.k = k2.k$$);
-- ... and in a rescanned join, with a parameter of the outer query
SELECT bj_same($$SELECT k2.k, x.n FROM bj_keys k2, LATERAL (SELECT count(s.value) AS n FROM bj_keys k0
  LEFT JOIN (bj_keys k JOIN (SELECT * FROM {T} WHERE k2.k > 'a') s ON s.name = k.k) ON k.k = k0.k) x$$);

-- The user mapping of the foreign table's own range-table entry.  bj_alice
-- may read; the hostile DynamoDB refuses bj_bob's key.  bj_bob reads the
-- table himself, and through bj_alice's view: his own read must fail,
-- even when the view's reference of the same table comes along.
SET client_min_messages = warning;
DROP ROLE IF EXISTS bj_alice;
DROP ROLE IF EXISTS bj_bob;
RESET client_min_messages;
CREATE ROLE bj_alice;
CREATE ROLE bj_bob;
CREATE SERVER bj_hostile FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'hostile', max_retries '0');
GRANT USAGE ON FOREIGN SERVER bj_hostile TO bj_alice, bj_bob;
CREATE USER MAPPING FOR bj_alice SERVER bj_hostile
  OPTIONS (access_key_id 'AKIDBJALICE', secret_access_key 'alice-secret');
CREATE USER MAPPING FOR bj_bob SERVER bj_hostile
  OPTIONS (access_key_id 'AKIDBJBOB', secret_access_key 'bob-secret');
CREATE FOREIGN TABLE bj_h (name text, value text)
  SERVER bj_hostile OPTIONS (table 'bj_items', partition 'p', estimated_rows '100000');
GRANT SELECT ON bj_h, bj_keys TO bj_alice, bj_bob;
CREATE VIEW bj_alice_view AS SELECT name, value FROM bj_h;
ALTER VIEW bj_alice_view OWNER TO bj_alice;
GRANT SELECT ON bj_alice_view TO bj_bob;
\! "$DDB_TEST_DIR"/hostilectl answer '*' '{"__type":"com.amazonaws.dynamodb.v20120810#AccessDeniedException","message":"User: bob is not authorized"}' 0 --status 400 --key AKIDBJBOB
SET ROLE bj_bob;
SELECT count(*) FROM bj_alice_view;
SELECT count(*) FROM bj_h;
EXPLAIN (COSTS OFF)
  SELECT k.k, t.value FROM bj_keys k JOIN bj_h t ON t.name = k.k
  UNION ALL SELECT name, value FROM bj_alice_view;
SELECT k.k, t.value FROM bj_keys k JOIN bj_h t ON t.name = k.k
  UNION ALL SELECT name, value FROM bj_alice_view;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE bj_alice;
SELECT k.k, t.value FROM bj_keys k JOIN bj_h t ON t.name = k.k
  UNION ALL SELECT name, value FROM bj_alice_view ORDER BY 1, 2;
RESET ROLE;

RESET enable_hashjoin;
RESET enable_mergejoin;
DROP VIEW bj_alice_view;
DROP SERVER bj_hostile CASCADE;
DROP SERVER bj_srv CASCADE;
DROP TABLE bj_local, bj_keys;
DROP FUNCTION bj_same(text);
DROP ROLE bj_alice;
DROP ROLE bj_bob;
\! node "$DDB_TEST_DIR"/ddb.js delete-table bj_items
