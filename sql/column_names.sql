-- A column whose attribute no record has reads NULL, which is also what a
-- misspelled column name does.  When a scan of 5 records or more finds the
-- attribute of a column in none of them, a WARNING says so, once per
-- session and column, with the attributes of a record in the hint.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY
CREATE SERVER cn_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER cn_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
\! node "$DDB_TEST_DIR"/ddb.js create-table cn_items
\! for i in 1 2 3 4 5 6; do node "$DDB_TEST_DIR"/ddb.js dynastore-put cn_items p "k$i" "{\"n\":$i}" $([ $i -le 2 ] && echo --field created=2024-0$i); done

-- "valeu" and "createdd" are typos; "created" is an attribute that some
-- records have
CREATE FOREIGN TABLE cn_typos (
  name text, version bigint, valeu jsonb, created text, createdd text, fields jsonb
) SERVER cn_srv OPTIONS (table 'cn_items', partition 'p');
SELECT name, valeu, created, createdd, fields FROM cn_typos ORDER BY name;
-- once per session and column
SELECT count(valeu) FROM cn_typos;
-- fewer than 5 records tell nothing
CREATE FOREIGN TABLE cn_few (name text, colour text)
  SERVER cn_srv OPTIONS (table 'cn_items', partition 'p');
SELECT name, colour FROM cn_few WHERE name = 'k3';
SELECT name, colour FROM cn_few WHERE name IN ('k1', 'k2', 'k3', 'k4') ORDER BY name;
-- a scan that reads no fields column asks DynamoDB only for the attributes
-- it needs, so the hint says how to see the others
SELECT count(colour) FROM cn_few;
-- named right, the column reads
ALTER FOREIGN TABLE cn_typos ALTER COLUMN valeu OPTIONS (attribute 'payload');
SELECT name, valeu FROM cn_typos WHERE name = 'k1';
