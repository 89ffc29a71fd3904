-- Errors that tell what to do, met as a new user meets them: a region that
-- is not the endpoint's, a table that is not there, an endpoint that is a
-- web server, an endpoint that cannot be right, a missing user mapping.  And
-- error bodies that quote our credentials: scrubbed first, then shortened,
-- so that no part of a token survives the cut.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\! "$DDB_TEST_DIR"/credkit servers-start
\! node "$DDB_TEST_DIR"/ddb.js create-table eg_items
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY
\getenv token DDB_TEST_SESSION_TOKEN
\set port `"$DDB_TEST_DIR"/credkit port html`
\set html_url 'http://127.0.0.1:' :port
\set html_404_url 'http://127.0.0.1:' :port '/missing'
\set port `"$DDB_TEST_DIR"/credkit port echo`
\set echo_url 'http://127.0.0.1:' :port
-- errors with their detail and hint, ports masked
CREATE FUNCTION show_error(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  m text; d text; h text; s text;
BEGIN
  EXECUTE q;
  RETURN NEXT 'no error';
EXCEPTION WHEN others THEN
  GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL,
    h = PG_EXCEPTION_HINT, s = RETURNED_SQLSTATE;
  FOREACH m IN ARRAY ARRAY[s || ': ' || m, 'DETAIL: ' || d, 'HINT: ' || h] LOOP
    CONTINUE WHEN m IN ('DETAIL: ', 'HINT: ');
    RETURN NEXT regexp_replace(m, '127\.0\.0\.1:[0-9]+', '127.0.0.1:PORT', 'g');
  END LOOP;
END $$;
-- the detail of the error a query raises
CREATE FUNCTION error_detail(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  d text;
BEGIN
  EXECUTE q;
  RETURN NULL;
EXCEPTION WHEN others THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
  RETURN d;
END $$;

CREATE SERVER eg_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER eg_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
CREATE FOREIGN TABLE eg_t (name text, value text)
  SERVER eg_srv OPTIONS (table 'eg_items', partition 'p');

-- a valid region that is not the endpoint's (the kit's DynamoDB is in
-- us-east-1): DynamoDB refuses the signature, but the keys are fine
ALTER SERVER eg_srv OPTIONS (ADD region 'eu-west-1');
SELECT show_error('SELECT * FROM eg_t');
ALTER SERVER eg_srv OPTIONS (DROP region);

-- a table that is not there: the error names it, the region and the endpoint
CREATE FOREIGN TABLE eg_missing (name text)
  SERVER eg_srv OPTIONS (table 'eg_no_such_table', partition 'p');
SELECT show_error('SELECT * FROM eg_missing');

-- an endpoint that is a web server, answering 200 or 404 with a page
CREATE SERVER eg_web FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'html_url', max_retries '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER eg_web
  OPTIONS (access_key_id 'AKIDEXAMPLE', secret_access_key 'not-a-real-secret');
CREATE FOREIGN TABLE eg_web_t (name text)
  SERVER eg_web OPTIONS (table 'eg_items', partition 'p');
SELECT show_error('SELECT * FROM eg_web_t');
ALTER SERVER eg_web OPTIONS (SET endpoint :'html_404_url');
SELECT show_error('SELECT * FROM eg_web_t');

-- endpoints that cannot be right fail at CREATE or ALTER, not at the query
ALTER SERVER eg_web OPTIONS (SET endpoint 'http://127.0.0.1:99999');
\echo :LAST_ERROR_SQLSTATE
ALTER SERVER eg_web OPTIONS (SET endpoint 'http://127.0.0.1:0');
ALTER SERVER eg_web OPTIONS (SET endpoint 'http://127.0.0.1:');
ALTER SERVER eg_web OPTIONS (SET endpoint 'http://127.0.0.1:80a');
ALTER SERVER eg_web OPTIONS (SET endpoint 'http://dynamodb!.example.com');
ALTER SERVER eg_web OPTIONS (SET endpoint 'http://[zz::1]:8000');
ALTER SERVER eg_web OPTIONS (SET endpoint 'http://user:pw@127.0.0.1:8000');
ALTER SERVER eg_web OPTIONS (SET endpoint 'http://a..b:8000');
CREATE SERVER eg_bad FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint 'https://dynamodb.us-east-1.amazonaws.com:65536/');
-- and these are fine
ALTER SERVER eg_web OPTIONS (SET endpoint 'http://[::1]:8000');
ALTER SERVER eg_web OPTIONS (SET endpoint 'https://dynamodb.us-east-1.amazonaws.com:443/');
ALTER SERVER eg_web OPTIONS (SET endpoint 'http://localhost:65535');

-- no user mapping: the hint says what to create, and the credentials choice
CREATE SERVER eg_nomap FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE FOREIGN TABLE eg_nomap_t (name text)
  SERVER eg_nomap OPTIONS (table 'eg_items', partition 'p');
SELECT * FROM eg_nomap_t;
\echo :LAST_ERROR_SQLSTATE

-- an endpoint that answers with our token just before the 1,000 bytes an
-- error quotes at most (then the Authorization header with the key id and
-- signature): scrubbed, then cut, nothing of the token left
CREATE SERVER eg_echo FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'echo_url', max_retries '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER eg_echo
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret', session_token :'token');
CREATE FOREIGN TABLE eg_echo_t (name text)
  SERVER eg_echo OPTIONS (table 'eg_items', partition 'p');
SELECT length(d) <= 1100 AS bounded,
       d LIKE 'DynamoDB returned HTTP status 400: AAAA%' AS quoted,
       d LIKE '%token=***%' AS token_scrubbed,
       strpos(d, substr(current_setting('ddb_test.session_token'), 1, 6)) = 0 AS no_token_piece,
       strpos(d, current_setting('ddb_test.access_key_id')) = 0 AS no_key_id
  FROM error_detail('SELECT * FROM eg_echo_t') AS d;
\! "$DDB_TEST_DIR"/credkit count echo

DROP SERVER eg_srv CASCADE;
DROP SERVER eg_web CASCADE;
DROP SERVER eg_nomap CASCADE;
DROP SERVER eg_echo CASCADE;
\! "$DDB_TEST_DIR"/credkit servers-stop
\! node "$DDB_TEST_DIR"/ddb.js delete-table eg_items
