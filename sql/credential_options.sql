-- Who may choose where credentials come from, and values that would break
-- the HTTP request.  Only a superuser sets credentials 'chain' (which lends
-- the host's AWS identity) or ca_file (a file the server reads); without the
-- chain every user mapping brings keys.  A control character in any option
-- is refused (a line break in a key or token would add an HTTP header), and
-- the message never echoes the value.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY

CREATE ROLE cred_owner;
GRANT USAGE ON FOREIGN DATA WRAPPER dynastore_fdw TO cred_owner;
GRANT CREATE ON SCHEMA public TO cred_owner;
SET ROLE cred_owner;
CREATE SERVER cred_mine FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint', credentials 'chain');
\echo :LAST_ERROR_SQLSTATE
CREATE SERVER cred_mine FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
ALTER SERVER cred_mine OPTIONS (ADD credentials 'chain');
\echo :LAST_ERROR_SQLSTATE
ALTER SERVER cred_mine OPTIONS (ADD credentials 'user_mapping');
ALTER SERVER cred_mine OPTIONS (ADD ca_file '/etc/ssl/certs/ca-certificates.crt');
\echo :LAST_ERROR_SQLSTATE
-- without keys in the mapping: the error says how to get some
CREATE USER MAPPING FOR cred_owner SERVER cred_mine;
CREATE FOREIGN TABLE cred_t (name text) SERVER cred_mine
  OPTIONS (table 'cred_items', partition 'p');
SELECT * FROM cred_t;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- a superuser may turn the chain on; then only a superuser alters the server
ALTER SERVER cred_mine OPTIONS (SET credentials 'chain');
SET ROLE cred_owner;
ALTER SERVER cred_mine OPTIONS (ADD region 'eu-west-1');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- values
ALTER SERVER cred_mine OPTIONS (SET credentials 'host');
ALTER SERVER cred_mine OPTIONS (ADD ca_file 'certs/ca.pem');
ALTER SERVER cred_mine OPTIONS (ADD profile 'my profile');
ALTER SERVER cred_mine OPTIONS (ADD profile 'reports');
ALTER SERVER cred_mine OPTIONS (ADD proxy 'ftp://proxy.example.com:21');
ALTER SERVER cred_mine OPTIONS (ADD proxy 'http://user:pw@proxy.example.com:3128');
ALTER SERVER cred_mine OPTIONS (ADD proxy 'http://proxy.example.com:3128/path');
ALTER SERVER cred_mine OPTIONS (ADD proxy 'http://proxy.example.com:0');
ALTER SERVER cred_mine OPTIONS (ADD proxy 'socks5h://proxy.example.com:1080');
ALTER SERVER cred_mine OPTIONS (SET proxy 'environment');
ALTER SERVER cred_mine OPTIONS (SET proxy 'http://[fd00::1]:3128');

-- control characters, in every kind of option
CREATE USER MAPPING FOR CURRENT_USER SERVER cred_mine
  OPTIONS (access_key_id E'AKIDEXAMPLE\r\nX-Injected: 1', secret_access_key 'not-a-real-secret');
\echo :LAST_ERROR_SQLSTATE
CREATE USER MAPPING FOR CURRENT_USER SERVER cred_mine
  OPTIONS (access_key_id 'AKIDEXAMPLE', secret_access_key 'not-a-real-secret',
           session_token E'token\nX-Injected: 1');
CREATE USER MAPPING FOR CURRENT_USER SERVER cred_mine
  OPTIONS (access_key_id 'AKID EXAMPLE', secret_access_key E'not-a-real-secr\u00e9t');
ALTER SERVER cred_mine OPTIONS (ADD region E'us-east-1\r\n');
ALTER SERVER cred_mine OPTIONS (SET endpoint E'http://127.0.0.1:8000/\x7f');
ALTER SERVER cred_mine OPTIONS (SET profile E'reports\t');
CREATE FOREIGN TABLE cred_bad (name text) SERVER cred_mine
  OPTIONS (table 'cred_items', partition E'p\n');
CREATE FOREIGN TABLE cred_bad (name text OPTIONS (attribute E'x\ry'))
  SERVER cred_mine OPTIONS (table 'cred_items');

-- a mapping that holds one anyway (written before these checks; here into
-- the catalog) is refused before anything is sent
CREATE SERVER cred_keys FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER cred_keys
  OPTIONS (access_key_id 'AKIDEXAMPLE', secret_access_key 'not-a-real-secret');
UPDATE pg_user_mapping SET umoptions = ARRAY['access_key_id=AKIDEXAMPLE',
  'secret_access_key=not-a-real-secret', E'session_token=a\r\nX-Injected: 1']
  WHERE umserver = (SELECT oid FROM pg_foreign_server WHERE srvname = 'cred_keys');
CREATE FOREIGN TABLE cred_keys_t (name text) SERVER cred_keys
  OPTIONS (table 'cred_items', partition 'p');
SELECT * FROM cred_keys_t;
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl count '*'

-- keys of a user mapping cannot be refreshed: an expired token is an error
-- at once, with a hint to put fresh ones there
\! node "$DDB_TEST_DIR"/ddb.js create-table cred_items
ALTER USER MAPPING FOR CURRENT_USER SERVER cred_keys
  OPTIONS (SET access_key_id :'key_id', SET secret_access_key :'secret',
           DROP session_token);
\! "$DDB_TEST_DIR"/proxyctl error Query 400 ExpiredTokenException --message 'The security token included in the request is expired'
SELECT * FROM cred_keys_t;
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/proxyctl faults error
SELECT * FROM cred_keys_t;

DROP SERVER cred_keys CASCADE;
DROP OWNED BY cred_owner CASCADE;
DROP ROLE cred_owner;
\! node "$DDB_TEST_DIR"/ddb.js delete-table cred_items
