-- UPDATE is dynastore's AtomicPut with a previous version: ADD version 1,
-- SET of what the statement assigned, REMOVE of what it set to NULL or
-- dropped from fields, conditioned on the version the statement read and
-- on the record not having expired.  A failed condition is 40001.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY

CREATE SERVER upd_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER upd_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
\! node "$DDB_TEST_DIR"/ddb.js create-table upd_items

CREATE FOREIGN TABLE upd_t (
  id text, name text, version bigint, expires bigint, value text, fields jsonb
) SERVER upd_srv OPTIONS (table 'upd_items', partition 'p');

-- a record as dynastore writes it
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put upd_items p rec 'first' --expires 4102444800 --field created=2024-01-02 --field pk1=x
SELECT name, version, expires, value, fields FROM upd_t;

-- the value: version 2, nothing else touched; RETURNING shows the new version
UPDATE upd_t SET value = 'second' WHERE name = 'rec' RETURNING name, version, value;
\! node "$DDB_TEST_DIR"/ddb.js get upd_items p rec

-- fields: members changed are set, members dropped are removed
UPDATE upd_t SET fields = '{"created": "2024-02-03", "sk1": "new"}' WHERE name = 'rec'
  RETURNING name, version, fields;
\! node "$DDB_TEST_DIR"/ddb.js get upd_items p rec
-- jsonb operators work as usual
UPDATE upd_t SET fields = fields - 'sk1' || '{"pk1": "y"}' WHERE name = 'rec'
  RETURNING version, fields;

-- expires set to NULL is removed; an empty value is stored as NULL
UPDATE upd_t SET expires = NULL, value = '' WHERE name = 'rec'
  RETURNING version, expires, value;
\! node "$DDB_TEST_DIR"/ddb.js get upd_items p rec

-- several records at once, each on its own version
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put upd_items p other 'o'
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put upd_items p other 'o2'
WITH done AS (UPDATE upd_t SET value = value || '!' RETURNING name, version, value)
  SELECT * FROM done ORDER BY name;

-- attributes that another tool stored and the statement does not change
-- survive, even when they are not strings
\! node "$DDB_TEST_DIR"/ddb.js put upd_items '{"id":{"S":"p"},"name":{"S":"tool"},"version":{"N":"3"},"payload":{"S":"t"},"count":{"N":"5"},"on":{"BOOL":true}}'
UPDATE upd_t SET fields = fields || '{"note": "hi"}' WHERE name = 'tool'
  RETURNING version, fields;
\! node "$DDB_TEST_DIR"/ddb.js get upd_items p tool
-- but a member written must be a string, as dynastore keeps fields
UPDATE upd_t SET fields = fields || '{"count": 6}' WHERE name = 'tool';
\echo :LAST_ERROR_SQLSTATE

-- a record without a version (written by another tool) is updated when it
-- still has none, and gets version 1
\! node "$DDB_TEST_DIR"/ddb.js put upd_items '{"id":{"S":"p"},"name":{"S":"nov"},"payload":{"S":"hello"}}'
SELECT name, version, value FROM upd_t WHERE name = 'nov';
UPDATE upd_t SET value = 'adopted' WHERE name = 'nov' RETURNING name, version, value;
\! node "$DDB_TEST_DIR"/ddb.js get upd_items p nov

-- other columns, by attribute: NULL removes the attribute
CREATE FOREIGN TABLE upd_attrs (name text, version bigint, created text, n numeric)
  SERVER upd_srv OPTIONS (table 'upd_items', partition 'p');
UPDATE upd_attrs SET created = NULL, n = 1.50 WHERE name = 'rec' RETURNING *;
\! node "$DDB_TEST_DIR"/ddb.js get upd_items p rec

-- a whole-table foreign table updates by (id, name)
CREATE FOREIGN TABLE upd_all (id text, name text, version bigint, value text)
  SERVER upd_srv OPTIONS (table 'upd_items');
UPDATE upd_all SET value = 'via the whole table' WHERE id = 'p' AND name = 'other'
  RETURNING *;

-- the record changed after this statement read it: 40001, nothing written.
-- meddle() changes it through another foreign table while the UPDATE runs.
CREATE FOREIGN TABLE upd_other (name text, version bigint, value text)
  SERVER upd_srv OPTIONS (table 'upd_items', partition 'p');
CREATE FUNCTION meddle(k text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  UPDATE upd_other SET value = 'meddled' WHERE name = k;
  RETURN 'mine';
END $$;
SELECT name, version, value FROM upd_t WHERE name = 'other';
UPDATE upd_t SET value = meddle(name) WHERE name = 'other';
\echo :LAST_ERROR_SQLSTATE
SELECT name, version, value FROM upd_t WHERE name = 'other';
-- the same when dynastore itself wrote in between
CREATE FUNCTION dynastore_put(k text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('COPY (SELECT 1) TO PROGRAM %L',
                 format('node %s/ddb.js --endpoint %s dynastore-put upd_items p %s %s',
                        current_setting('ddb_test.test_dir'),
                        current_setting('ddb_test.direct_endpoint'), k, 'by-dynastore'));
  RETURN 'mine';
END $$;
UPDATE upd_t SET value = dynastore_put(name) WHERE name = 'other';
\echo :LAST_ERROR_SQLSTATE
SELECT name, version, value FROM upd_t WHERE name = 'other';

-- the record expired after this statement read it: 40001 as well (it
-- lives 2 to 3 seconds; the update comes 4 seconds after the read)
CREATE FUNCTION slowly(t text) RETURNS text LANGUAGE sql AS
  $$ SELECT t FROM pg_sleep(4) $$;
INSERT INTO upd_t (name, value, expires)
  VALUES ('soon', 'short-lived', floor(extract(epoch FROM now()))::bigint + 2);
UPDATE upd_t SET value = slowly('too late') WHERE name = 'soon';
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM upd_t WHERE name = 'soon';

-- what cannot be assigned, and what is refused before anything is sent
\! "$DDB_TEST_DIR"/proxyctl stats-reset
UPDATE upd_t SET version = 10;
\echo :LAST_ERROR_SQLSTATE
UPDATE upd_t SET version = version + 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE upd_t SET name = 'renamed' WHERE name = 'rec';
\echo :LAST_ERROR_SQLSTATE
UPDATE upd_all SET id = 'q' WHERE name = 'rec';
\echo :LAST_ERROR_SQLSTATE
UPDATE upd_t SET fields = '{"expires": "1"}' WHERE name = 'rec';
\echo :LAST_ERROR_SQLSTATE
UPDATE upd_t SET fields = '{"": "x"}' WHERE name = 'rec';
\echo :LAST_ERROR_SQLSTATE
UPDATE upd_t SET value = repeat('x', 409600) WHERE name = 'rec';
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl count UpdateItem
-- without a version column there is nothing to condition on
CREATE FOREIGN TABLE upd_noversion (name text, value text)
  SERVER upd_srv OPTIONS (table 'upd_items', partition 'p');
UPDATE upd_noversion SET value = 'x';
\echo :LAST_ERROR_SQLSTATE
SELECT name, version, value FROM upd_t WHERE name = 'rec';

DROP SERVER upd_srv CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table upd_items
