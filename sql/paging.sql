-- Paging: a partition larger than one DynamoDB page (1 MB) is read whole,
-- following LastEvaluatedKey from page to page.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY

CREATE SERVER page_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER page_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');

-- 2,500 records of about 1 KB, and a few in neighbouring partitions
\! node "$DDB_TEST_DIR"/ddb.js create-table page_items
\! node "$DDB_TEST_DIR"/ddb.js fill page_items big 2500 1000
\! node "$DDB_TEST_DIR"/ddb.js fill page_items bif 3 10
\! node "$DDB_TEST_DIR"/ddb.js fill page_items bih 3 10

CREATE FOREIGN TABLE page_big (id text, name text, version bigint, value text)
  SERVER page_srv OPTIONS (table 'page_items', partition 'big');

SELECT count(*), count(DISTINCT name), min(name), max(name),
       sum(length(value)) AS payload_chars, min(version), max(version)
  FROM page_big;
SELECT DISTINCT id FROM page_big;

-- the pages it took: 2.5 MB is at least three pages of 1 MB
CREATE FUNCTION explain_numbers(q text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q
  LOOP
    IF line ~ 'DynamoDB (Operation|Pages|Requests)|Items Read' THEN
      RETURN NEXT regexp_replace(line, '^\s+', '');
    END IF;
  END LOOP;
END $$;
SELECT * FROM explain_numbers('SELECT name FROM page_big');

-- page_size caps each request: 2,500 items in pages of 400
ALTER FOREIGN TABLE page_big OPTIONS (ADD page_size '400');
SELECT * FROM explain_numbers('SELECT name FROM page_big');
SELECT count(*) FROM page_big;

-- a LIMIT stops early; a rescan (the inner side of a nested loop) starts over
SELECT name FROM page_big ORDER BY name LIMIT 3;
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_material = off;
CREATE TEMP TABLE wanted (name text);
INSERT INTO wanted VALUES ('key-000001'), ('key-002500');
SELECT w.name, length(b.value) FROM wanted w JOIN page_big b ON b.name = w.name ORDER BY 1;
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_material;

-- memory: the scan holds one page at a time, so the backend's memory does
-- not grow while it reads 1 MB between row 500 and row 1,500
ALTER FOREIGN TABLE page_big OPTIONS (DROP page_size);
CREATE TEMP TABLE mem (at text, bytes bigint);
CREATE FUNCTION note_memory(n text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF n IN ('key-000500', 'key-001500') THEN
    INSERT INTO mem SELECT n, sum(total_bytes) FROM pg_backend_memory_contexts;
  END IF;
  RETURN true;
END $$;
SELECT count(*) FROM page_big WHERE note_memory(name) AND length(value) > 0;
SELECT count(*) AS samples, max(bytes) - min(bytes) < 1024 * 1024 AS no_growth FROM mem;

DROP SERVER page_srv CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table page_items
