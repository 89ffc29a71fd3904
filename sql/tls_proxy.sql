-- TLS and proxies.  https is always verified: the certificate must chain to
-- a CA the system trusts, or to one of the server option ca_file (which then
-- replaces the system's), and must name the endpoint's host; each failure is
-- an error that says which.  The option proxy sends requests through a
-- proxy; without it none is used, whatever the environment of the server
-- says (credential_chain shows proxy 'environment').  The https endpoints
-- are test/cred_servers.js in front of the kit's token proxy.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\! "$DDB_TEST_DIR"/credkit servers-start
\! node "$DDB_TEST_DIR"/ddb.js create-table tls_items
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put tls_items p k v
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY
\getenv token DDB_TEST_SESSION_TOKEN
\set kit `"$DDB_TEST_DIR"/credkit dir`
\set ca :kit '/tls/ca.crt'
\set port `"$DDB_TEST_DIR"/credkit port tls`
\set tls_url 'https://127.0.0.1:' :port
\set localhost_url 'https://localhost:' :port
\set port `"$DDB_TEST_DIR"/credkit port tlswrong`
\set wrong_url 'https://127.0.0.1:' :port
\set port `"$DDB_TEST_DIR"/credkit port fwdproxy`
\set fwd_url 'http://127.0.0.1:' :port
SELECT replace(:'endpoint', 'http://', 'https://') AS https_to_http \gset
-- errors with their detail and hint, ports and run directories masked;
-- with_detail false leaves out libcurl's own words, which vary
CREATE FUNCTION show_error(q text, with_detail bool DEFAULT true)
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  m text; d text; h text; s text;
BEGIN
  EXECUTE q;
  RETURN NEXT 'no error';
EXCEPTION WHEN others THEN
  GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL,
    h = PG_EXCEPTION_HINT, s = RETURNED_SQLSTATE;
  IF NOT with_detail THEN d := ''; END IF;
  FOREACH m IN ARRAY ARRAY[s || ': ' || m, 'DETAIL: ' || d, 'HINT: ' || h] LOOP
    CONTINUE WHEN m IN ('DETAIL: ', 'HINT: ');
    RETURN NEXT regexp_replace(regexp_replace(m,
      '(127\.0\.0\.1|localhost):[0-9]+', '\1:PORT', 'g'),
      '/tmp/dynastore-fdw\.[A-Za-z0-9]+', '$RUN', 'g');
  END LOOP;
END $$;

CREATE SERVER tls_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'tls_url', max_retries '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER tls_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret', session_token :'token');
CREATE FOREIGN TABLE tls_t (name text, value text)
  SERVER tls_srv OPTIONS (table 'tls_items', partition 'p');

-- a certificate of a CA the system does not know
SELECT show_error('SELECT * FROM tls_t');
-- the test CA in ca_file: verified, by address and by name
ALTER SERVER tls_srv OPTIONS (ADD ca_file :'ca');
SELECT * FROM tls_t;
ALTER SERVER tls_srv OPTIONS (SET endpoint :'localhost_url');
SELECT * FROM tls_t;
-- a certificate of the right CA for another host name
ALTER SERVER tls_srv OPTIONS (SET endpoint :'wrong_url');
SELECT show_error('SELECT * FROM tls_t');
-- a CA file that is not there
ALTER SERVER tls_srv OPTIONS (SET endpoint :'tls_url', SET ca_file '/nonexistent/ca.pem');
SELECT show_error('SELECT * FROM tls_t');
-- https to a port that speaks plain http
ALTER SERVER tls_srv OPTIONS (SET endpoint :'https_to_http', DROP ca_file);
SELECT show_error('SELECT * FROM tls_t', false);

-- an explicit proxy: every request goes through it
CREATE SERVER px_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint', proxy :'fwd_url');
CREATE USER MAPPING FOR CURRENT_USER SERVER px_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
CREATE FOREIGN TABLE px_t (name text, value text)
  SERVER px_srv OPTIONS (table 'tls_items', partition 'p');
SELECT * FROM px_t;
\! "$DDB_TEST_DIR"/credkit count fwdproxy
-- a proxy where nothing listens
ALTER SERVER px_srv OPTIONS (SET proxy 'http://127.0.0.1:9', ADD max_retries '0');
SELECT show_error('SELECT * FROM px_t', false);
\! "$DDB_TEST_DIR"/credkit count fwdproxy

DROP SERVER tls_srv CASCADE;
DROP SERVER px_srv CASCADE;
\! "$DDB_TEST_DIR"/credkit servers-stop
\! node "$DDB_TEST_DIR"/ddb.js delete-table tls_items
