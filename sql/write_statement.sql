-- Statement semantics as PostgreSQL has them: a statement's writes go out
-- when it has produced them all, so its reads never see them; each record
-- is written at most once per statement; BEFORE triggers' changes are
-- written, AFTER triggers see the version that is stored, a check option
-- is checked before anything is sent; up to 100 records a statement
-- applies all or nothing, and a larger one that fails says what it wrote.
-- Versions are checked before anything is sent.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY

CREATE SERVER st_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint', page_size '7');
CREATE USER MAPPING FOR CURRENT_USER SERVER st_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
\! node "$DDB_TEST_DIR"/ddb.js create-table st_items
CREATE FOREIGN TABLE st_t (name text COLLATE "C", version bigint, value text,
                           created text COLLATE "C")
  SERVER st_srv OPTIONS (table 'st_items', partition 'p');
INSERT INTO st_t (name, value, created)
  SELECT 'r' || lpad(i::text, 3, '0'), 'v' || i, 'c' || lpad(i::text, 3, '0')
  FROM generate_series(1, 120) i;
SELECT count(*), min(version), max(version) FROM st_t;

-- INSERT ... SELECT from itself reads none of the rows it inserts (small
-- pages, so the scan runs while rows are produced): 120 more, not more
INSERT INTO st_t (name, value) SELECT name || '+', value FROM st_t;
SELECT count(*) FILTER (WHERE name LIKE '%+') AS copies,
       count(*) FILTER (WHERE name LIKE '%++') AS copies_of_copies
FROM st_t;

-- an UPDATE that moves records along the index it reads by: each record
-- once (version 2), none chased along the index
EXPLAIN (COSTS OFF) UPDATE st_t SET created = created || 'z' WHERE created >= 'c';
UPDATE st_t SET created = created || 'z' WHERE created >= 'c';
SELECT count(*), min(version), max(version), max(length(created)) FROM st_t
WHERE created IS NOT NULL;

-- a writable CTE: the outer query sees the record as it was
WITH u AS (UPDATE st_t SET value = 'new' WHERE name = 'r001' RETURNING name)
SELECT t.name, t.value FROM st_t t JOIN u USING (name);
SELECT name, version, value FROM st_t WHERE name = 'r001';

-- a record reached twice by one UPDATE (a duplicate join row) is updated
-- once, as PostgreSQL leaves a row it already updated; through a merge
-- join on name COLLATE "C" (st_t) and through a hash join (st_j)
CREATE FOREIGN TABLE st_j (name text, version bigint, value text)
  SERVER st_srv OPTIONS (table 'st_items', partition 'p');
CREATE TABLE src (k text, v text);
INSERT INTO src VALUES ('r002', 'a'), ('r002', 'b'), ('r003', 'c');
SET enable_hashjoin = off;
SET enable_nestloop = off;
ALTER FOREIGN TABLE st_t OPTIONS (ADD estimated_rows '10');
EXPLAIN (COSTS OFF) UPDATE st_t SET value = src.v FROM src WHERE st_t.name = src.k;
UPDATE st_t SET value = src.v FROM src WHERE st_t.name = src.k;
RESET enable_hashjoin;
RESET enable_nestloop;
ALTER FOREIGN TABLE st_t OPTIONS (DROP estimated_rows);
UPDATE st_j SET value = src.v FROM src WHERE st_j.name = src.k;
SELECT name, version FROM st_t WHERE name IN ('r002', 'r003') ORDER BY name;
-- and by one DELETE
DELETE FROM st_j USING src WHERE st_j.name = src.k;
SELECT count(*) FROM st_t WHERE name IN ('r002', 'r003');

-- a BEFORE UPDATE trigger's change to a column the statement does not
-- assign is written
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.created := 'stamped';
  RETURN NEW;
END $$;
CREATE TRIGGER st_stamp BEFORE UPDATE ON st_t FOR EACH ROW EXECUTE FUNCTION stamp();
UPDATE st_t SET value = 'touched' WHERE name = 'r004';
DROP TRIGGER st_stamp ON st_t;
SELECT name, version, value, created FROM st_t WHERE name = 'r004';

-- AFTER triggers see the version that is stored, for INSERT, COPY and
-- UPDATE alike
CREATE FUNCTION show_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE NOTICE '% %: version %', TG_OP, NEW.name, NEW.version;
  RETURN NULL;
END $$;
CREATE TRIGGER st_show AFTER INSERT OR UPDATE ON st_t FOR EACH ROW EXECUTE FUNCTION show_version();
INSERT INTO st_t (name, value) VALUES ('trig', 'x');
COPY st_t (name, value) FROM stdin;
copied	y
\.
UPDATE st_t SET value = 'z' WHERE name = 'trig';
-- an AFTER trigger that fails leaves nothing written
CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'refused by trigger';
END $$;
CREATE TRIGGER st_refuse AFTER UPDATE ON st_t FOR EACH ROW EXECUTE FUNCTION refuse();
UPDATE st_t SET value = 'never' WHERE name >= 'r1';
DROP TRIGGER st_refuse ON st_t;
DROP TRIGGER st_show ON st_t;
SELECT count(*) FROM st_t WHERE value = 'never';

-- a view's check option is checked before anything is sent
CREATE VIEW st_v AS SELECT * FROM st_t WHERE value LIKE 'v%' WITH CHECK OPTION;
UPDATE st_v SET value = 'outside' WHERE name = 'r010';
\echo :LAST_ERROR_SQLSTATE
INSERT INTO st_v (name, value) VALUES ('viewed', 'outside');
\echo :LAST_ERROR_SQLSTATE
SELECT name, version, value FROM st_t WHERE name IN ('r010', 'viewed');

-- an UPDATE that fails at its 50th row leaves nothing written
CREATE FUNCTION fail_at(n text, v text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  IF n = 'r050' THEN RAISE EXCEPTION 'failing at %', n; END IF;
  RETURN v;
END $$;
UPDATE st_t SET value = fail_at(name, 'half') WHERE name LIKE 'r0%' AND name NOT LIKE '%+';
SELECT count(*) FROM st_t WHERE value = 'half';

-- a conflict in a statement of 116 records: one transaction of 100 and one
-- of 16; the one with the conflict writes nothing, and the error says which
-- key failed and how many records were written.  Another writer changes
-- r110 while the statement runs (a function, its own statement).
CREATE FOREIGN TABLE st_other (name text, version bigint, value text)
  SERVER st_srv OPTIONS (table 'st_items', partition 'p');
CREATE FUNCTION meddle(n text, v text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  IF n = 'r110' THEN UPDATE st_other SET value = 'meddled' WHERE name = n; END IF;
  RETURN v;
END $$;
SELECT count(*) FROM st_t WHERE name LIKE 'r%' AND name NOT LIKE '%+' AND name >= 'r005';
UPDATE st_t SET value = meddle(name, 'bulk')
  WHERE name LIKE 'r%' AND name NOT LIKE '%+' AND name >= 'r005';
\echo :LAST_ERROR_SQLSTATE
SELECT value, count(*) FROM st_t WHERE name >= 'r005' AND name NOT LIKE '%+'
  AND name LIKE 'r%' GROUP BY value ORDER BY value;

-- versions: one that is not a number is an error naming the attribute,
-- not a conflict; one that cannot go up is refused before anything is sent
\! node "$DDB_TEST_DIR"/ddb.js put st_items '{"id":{"S":"q"},"name":{"S":"strver"},"version":{"S":"5"},"payload":{"S":"x"}}'
\! node "$DDB_TEST_DIR"/ddb.js put st_items '{"id":{"S":"q"},"name":{"S":"maxver"},"version":{"N":"9223372036854775807"},"payload":{"S":"x"}}'
\! node "$DDB_TEST_DIR"/ddb.js put st_items '{"id":{"S":"q"},"name":{"S":"intmax"},"version":{"N":"2147483647"},"payload":{"S":"x"}}'
CREATE FOREIGN TABLE st_q (name text, version bigint, value text)
  SERVER st_srv OPTIONS (table 'st_items', partition 'q');
UPDATE st_q SET value = 'y' WHERE name = 'strver';
\echo :LAST_ERROR_SQLSTATE
UPDATE st_q SET value = 'y' WHERE name = 'maxver';
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN TABLE st_q4 (name text, version integer, value text)
  SERVER st_srv OPTIONS (table 'st_items', partition 'q');
UPDATE st_q4 SET value = 'y' WHERE name = 'intmax';
\echo :LAST_ERROR_SQLSTATE
\! node "$DDB_TEST_DIR"/ddb.js get st_items q maxver
\! node "$DDB_TEST_DIR"/ddb.js get st_items q intmax

DROP SERVER st_srv CASCADE;
DROP TABLE src;
\! node "$DDB_TEST_DIR"/ddb.js delete-table st_items
