-- DELETE is dynastore's AtomicDelete: a DeleteItem conditioned on the
-- version the statement read.  A failed condition is 40001.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY

CREATE SERVER del_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER del_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
\! node "$DDB_TEST_DIR"/ddb.js create-table del_items

CREATE FOREIGN TABLE del_t (
  id text, name text, version bigint, expires bigint, value text, fields jsonb
) SERVER del_srv OPTIONS (table 'del_items', partition 'p');

\! node "$DDB_TEST_DIR"/ddb.js dynastore-put del_items p a 'one' --field created=2024
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put del_items p b 'two'
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put del_items p b 'two, again'
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put del_items p c 'three'
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put del_items p 'dir/' 'slash'

-- RETURNING shows the record as it was read, which is what was deleted
DELETE FROM del_t WHERE name = 'a' RETURNING *;
\! node "$DDB_TEST_DIR"/ddb.js get del_items p a
-- several records at once
WITH gone AS (DELETE FROM del_t WHERE name IN ('b', 'dir/') RETURNING name, version)
  SELECT * FROM gone ORDER BY name;
SELECT name, version, value FROM del_t;

-- the record changed after this statement read it: 40001, nothing deleted
CREATE FOREIGN TABLE del_other (name text, version bigint, value text)
  SERVER del_srv OPTIONS (table 'del_items', partition 'p');
CREATE FUNCTION meddle(k text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  UPDATE del_other SET value = 'meddled' WHERE name = k;
  RETURN true;
END $$;
DELETE FROM del_t WHERE name = 'c' AND meddle(name);
\echo :LAST_ERROR_SQLSTATE
SELECT name, version, value FROM del_t;
-- deleted by someone else in between: 40001 too, as in dynastore
CREATE FUNCTION snatch(k text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM del_other WHERE name = k;
  RETURN true;
END $$;
DELETE FROM del_t WHERE name = 'c' AND snatch(name);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM del_t;

-- a record without a version is deleted while it still has none
\! node "$DDB_TEST_DIR"/ddb.js put del_items '{"id":{"S":"p"},"name":{"S":"nov"},"payload":{"S":"hello"}}'
DELETE FROM del_t WHERE name = 'nov' RETURNING name, version, value;
\! node "$DDB_TEST_DIR"/ddb.js get del_items p nov
-- and one that gained a version meanwhile is not
\! node "$DDB_TEST_DIR"/ddb.js put del_items '{"id":{"S":"p"},"name":{"S":"nov"},"payload":{"S":"hello"}}'
CREATE FUNCTION version_it(k text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  UPDATE del_other SET value = 'versioned' WHERE name = k;
  RETURN true;
END $$;
DELETE FROM del_t WHERE name = 'nov' AND version_it(name);
\echo :LAST_ERROR_SQLSTATE
SELECT name, version, value FROM del_t WHERE name = 'nov';

-- a whole-table foreign table deletes by (id, name)
CREATE FOREIGN TABLE del_all (id text, name text, version bigint, value text)
  SERVER del_srv OPTIONS (table 'del_items');
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put del_items q x 'elsewhere'
DELETE FROM del_all WHERE id = 'q' RETURNING *;
SELECT id, name FROM del_all ORDER BY id, name;

-- without a version column there is nothing to condition on
CREATE FOREIGN TABLE del_noversion (name text, value text)
  SERVER del_srv OPTIONS (table 'del_items', partition 'p');
DELETE FROM del_noversion;
\echo :LAST_ERROR_SQLSTATE
-- nor without the key
CREATE FOREIGN TABLE del_nokey (version bigint, value text)
  SERVER del_srv OPTIONS (table 'del_items', partition 'p');
DELETE FROM del_nokey;
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN TABLE del_noid (name text, version bigint)
  SERVER del_srv OPTIONS (table 'del_items');
DELETE FROM del_noid;
\echo :LAST_ERROR_SQLSTATE

DROP SERVER del_srv CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table del_items
