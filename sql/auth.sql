-- Authentication: the proxy in front of the local DynamoDB checks SigV4 as
-- AWS does.  A wrong secret or an unknown key is a clear error that shows
-- no secret, token or signature.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY

\! node "$DDB_TEST_DIR"/ddb.js create-table auth_items
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put auth_items p k v

CREATE SERVER auth_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE FOREIGN TABLE auth_t (name text, value text)
  SERVER auth_srv OPTIONS (table 'auth_items', partition 'p');

-- no user mapping
SELECT * FROM auth_t;
\echo :LAST_ERROR_SQLSTATE

-- the right credentials
CREATE USER MAPPING FOR CURRENT_USER SERVER auth_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
SELECT * FROM auth_t;

-- a wrong secret: the signature does not match
ALTER USER MAPPING FOR CURRENT_USER SERVER auth_srv
  OPTIONS (SET secret_access_key 'wrong-secret-Zx9');
SELECT * FROM auth_t;
\echo :LAST_ERROR_SQLSTATE

-- an unknown key
ALTER USER MAPPING FOR CURRENT_USER SERVER auth_srv
  OPTIONS (SET access_key_id 'AKIDUNKNOWN', SET secret_access_key :'secret');
SELECT * FROM auth_t;
\echo :LAST_ERROR_SQLSTATE

-- ALTER USER MAPPING takes effect at the next statement
ALTER USER MAPPING FOR CURRENT_USER SERVER auth_srv
  OPTIONS (SET access_key_id :'key_id');
SELECT * FROM auth_t;

-- temporary credentials: a proxy that also requires the session token
\getenv token_endpoint DDB_TOKEN_ENDPOINT
\getenv token DDB_TEST_SESSION_TOKEN
CREATE SERVER auth_sts FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'token_endpoint');
CREATE FOREIGN TABLE auth_sts_t (name text, value text)
  SERVER auth_sts OPTIONS (table 'auth_items', partition 'p');
CREATE USER MAPPING FOR CURRENT_USER SERVER auth_sts
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
SELECT * FROM auth_sts_t;
\echo :LAST_ERROR_SQLSTATE
ALTER USER MAPPING FOR CURRENT_USER SERVER auth_sts
  OPTIONS (ADD session_token 'not-the-token');
SELECT * FROM auth_sts_t;
\echo :LAST_ERROR_SQLSTATE
ALTER USER MAPPING FOR CURRENT_USER SERVER auth_sts
  OPTIONS (SET session_token :'token');
SELECT * FROM auth_sts_t;

-- an endpoint where nothing listens
CREATE SERVER auth_nowhere FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint 'http://127.0.0.1:9', connect_timeout '1s', max_retries '1');
CREATE USER MAPPING FOR CURRENT_USER SERVER auth_nowhere
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
CREATE FOREIGN TABLE auth_nowhere_t (name text)
  SERVER auth_nowhere OPTIONS (table 'auth_items', partition 'p');
\set VERBOSITY terse
SELECT * FROM auth_nowhere_t;
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE

DROP SERVER auth_srv CASCADE;
DROP SERVER auth_nowhere CASCADE;
DROP SERVER auth_sts CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table auth_items
