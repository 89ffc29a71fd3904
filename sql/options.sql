-- Options: every option of the server, user mapping, foreign table and
-- column is checked when CREATE or ALTER names it, not at the first query.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;

-- server options
CREATE SERVER opt_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (region 'eu-west-1');
ALTER SERVER opt_srv OPTIONS (ADD endpoint 'http://127.0.0.1:8000');
ALTER SERVER opt_srv OPTIONS (SET endpoint 'https://dynamodb.eu-west-1.amazonaws.com');
ALTER SERVER opt_srv OPTIONS (ADD connect_timeout '2s', ADD request_timeout '5000');
ALTER SERVER opt_srv OPTIONS (ADD max_retries '3', ADD consistent_read 'false', ADD page_size '100');
ALTER SERVER opt_srv OPTIONS (SET region 'us-gov-west-1');
-- misspelled, and bad values
ALTER SERVER opt_srv OPTIONS (ADD regoin 'us-east-1');
ALTER SERVER opt_srv OPTIONS (SET region 'Frankfurt');
ALTER SERVER opt_srv OPTIONS (SET region '');
ALTER SERVER opt_srv OPTIONS (SET endpoint 'ftp://example.com');
ALTER SERVER opt_srv OPTIONS (SET endpoint 'localhost:8000');
ALTER SERVER opt_srv OPTIONS (SET endpoint 'http://');
ALTER SERVER opt_srv OPTIONS (SET connect_timeout '0');
ALTER SERVER opt_srv OPTIONS (SET request_timeout 'soon');
ALTER SERVER opt_srv OPTIONS (SET max_retries '-1');
ALTER SERVER opt_srv OPTIONS (SET consistent_read 'maybe');
ALTER SERVER opt_srv OPTIONS (SET page_size 'ten');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (table 'CRMTable');
\echo :LAST_ERROR_SQLSTATE

-- user mapping options
CREATE USER MAPPING FOR CURRENT_USER SERVER opt_srv
  OPTIONS (access_key_id 'AKIDEXAMPLE');
\echo :LAST_ERROR_SQLSTATE
CREATE USER MAPPING FOR CURRENT_USER SERVER opt_srv
  OPTIONS (access_key_id 'AKIDEXAMPLE', secret_access_key '', session_token 'tok');
CREATE USER MAPPING FOR CURRENT_USER SERVER opt_srv
  OPTIONS (access_key_id 'AKIDEXAMPLE', secret_access_key 'not-a-real-secret', region 'us-east-1');
CREATE USER MAPPING FOR CURRENT_USER SERVER opt_srv
  OPTIONS (access_key_id 'AKIDEXAMPLE', secret_access_key 'not-a-real-secret');
ALTER USER MAPPING FOR CURRENT_USER SERVER opt_srv
  OPTIONS (ADD session_token 'not-a-real-token');
ALTER USER MAPPING FOR CURRENT_USER SERVER opt_srv
  OPTIONS (DROP secret_access_key);

-- foreign table options
CREATE FOREIGN TABLE opt_t (id text, name text) SERVER opt_srv;
\echo :LAST_ERROR_SQLSTATE
CREATE FOREIGN TABLE opt_t (id text, name text) SERVER opt_srv
  OPTIONS (table '');
CREATE FOREIGN TABLE opt_t (id text, name text) SERVER opt_srv
  OPTIONS (table 'no spaces allowed');
CREATE FOREIGN TABLE opt_t (id text, name text) SERVER opt_srv
  OPTIONS (table 'CRMTable', partiton 'customers');
CREATE FOREIGN TABLE opt_t (id text, name text) SERVER opt_srv
  OPTIONS (table 'CRMTable', partition '');
CREATE FOREIGN TABLE opt_t (id text, name text) SERVER opt_srv
  OPTIONS (table 'CRMTable', partition 'customers', consistent_read 'false', page_size '50');
ALTER FOREIGN TABLE opt_t OPTIONS (DROP table);
ALTER FOREIGN TABLE opt_t OPTIONS (SET table 'Other.Table-2');

-- column options
ALTER FOREIGN TABLE opt_t ADD COLUMN created text OPTIONS (attribute 'created_at');
ALTER FOREIGN TABLE opt_t ALTER COLUMN created OPTIONS (SET attribute '');
ALTER FOREIGN TABLE opt_t ALTER COLUMN created OPTIONS (ADD attr 'x');

-- the wrapper itself takes no options
ALTER FOREIGN DATA WRAPPER dynastore_fdw OPTIONS (ADD region 'us-east-1');

SELECT srvname, srvoptions FROM pg_foreign_server WHERE srvname = 'opt_srv';
SELECT ftoptions FROM pg_foreign_table WHERE ftrelid = 'opt_t'::regclass;

DROP SERVER opt_srv CASCADE;
