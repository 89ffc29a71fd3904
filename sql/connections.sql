-- One DynamoDB client per server and user mapping in a backend: it keeps
-- its HTTP connections alive from one statement to the next, and its
-- credentials.  dynastore_fdw_get_connections() shows them,
-- dynastore_fdw_disconnect() and dynastore_fdw_disconnect_all() close them,
-- and ALTER or DROP of the server or the user mapping replaces them.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY
\! node "$DDB_TEST_DIR"/ddb.js create-table conn_items
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put conn_items p k v

CREATE SERVER conn_a FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE SERVER conn_b FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER conn_a
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
CREATE USER MAPPING FOR PUBLIC SERVER conn_b
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
CREATE FOREIGN TABLE conn_a_t (name text, value text)
  SERVER conn_a OPTIONS (table 'conn_items', partition 'p');
CREATE FOREIGN TABLE conn_b_t (name text, value text)
  SERVER conn_b OPTIONS (table 'conn_items', partition 'p');
CREATE FOREIGN TABLE conn_b_all (id text, name text, value text)
  SERVER conn_b OPTIONS (table 'conn_items', scan_segments '4');
CREATE VIEW conn AS
  SELECT server_name, user_name, endpoint = current_setting('ddb_test.endpoint')
           AS endpoint_is_the_proxy,
         region, credential_source, credential_expiration, requests,
         open_connections, valid
  FROM dynastore_fdw_get_connections() ORDER BY 1, 2;

-- none before the first statement
SELECT * FROM conn;
SELECT * FROM conn_a_t;
SELECT * FROM conn_b_t;
SELECT * FROM conn;
-- the next statement reuses the client and its connection
SELECT * FROM conn_a_t;
SELECT server_name, requests, open_connections FROM conn;
-- a Scan in 4 segments runs 4 requests at once, on connections kept alive
SELECT count(*) FROM conn_b_all;
SELECT server_name, requests, open_connections FROM conn;

-- ALTER SERVER: the server's client goes, the next statement makes another
ALTER SERVER conn_a OPTIONS (ADD max_retries '2');
SELECT server_name FROM conn;
SELECT * FROM conn_a_t;
SELECT server_name, requests FROM conn;
-- ALTER USER MAPPING, the same
ALTER USER MAPPING FOR CURRENT_USER SERVER conn_a
  OPTIONS (SET access_key_id :'key_id');
SELECT server_name FROM conn;
-- in a transaction that used the client: it stays valid for the statements
-- holding it, and the next statement gets a new one
BEGIN;
SELECT * FROM conn_a_t;
ALTER SERVER conn_a OPTIONS (SET max_retries '3');
SELECT server_name, valid FROM conn;
SELECT * FROM conn_a_t;
SELECT server_name, requests, valid FROM conn;
COMMIT;

-- disconnecting
SELECT dynastore_fdw_disconnect('conn_b');
SELECT dynastore_fdw_disconnect('conn_b');
SELECT server_name FROM conn;
SELECT dynastore_fdw_disconnect('no_such_server');
\echo :LAST_ERROR_SQLSTATE
-- not while this transaction used it: a scan may still hold it
BEGIN;
SELECT * FROM conn_a_t;
SELECT dynastore_fdw_disconnect('conn_a');
COMMIT;
SELECT server_name FROM conn;
SELECT * FROM conn_b_t;
SELECT dynastore_fdw_disconnect_all();
SELECT * FROM conn;
SELECT dynastore_fdw_disconnect_all();

-- DROP USER MAPPING and DROP SERVER take the client with them
SELECT * FROM conn_a_t;
SELECT * FROM conn_b_t;
DROP USER MAPPING FOR CURRENT_USER SERVER conn_a;
SELECT server_name FROM conn;
DROP SERVER conn_b CASCADE;
SELECT server_name FROM conn;

-- the default endpoint of a region, China's on amazonaws.com.cn; planning
-- makes the client and asks DescribeTable there (this machine reaches no
-- AWS host: the error names where it went)
CREATE SERVER conn_cn FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (region 'cn-northwest-1', max_retries '0', connect_timeout '2s');
CREATE SERVER conn_eu FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (region 'eu-central-2', max_retries '0', connect_timeout '2s');
CREATE USER MAPPING FOR CURRENT_USER SERVER conn_cn
  OPTIONS (access_key_id 'AKIDEXAMPLE', secret_access_key 'not-a-real-secret');
CREATE USER MAPPING FOR CURRENT_USER SERVER conn_eu
  OPTIONS (access_key_id 'AKIDEXAMPLE', secret_access_key 'not-a-real-secret');
CREATE FOREIGN TABLE conn_cn_t (name text) SERVER conn_cn
  OPTIONS (table 'conn_items', partition 'p');
CREATE FOREIGN TABLE conn_eu_t (name text) SERVER conn_eu
  OPTIONS (table 'conn_items', partition 'p');
CREATE FUNCTION where_planning_went(t text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('EXPLAIN SELECT * FROM %I', t);
  RETURN 'planned';
EXCEPTION WHEN OTHERS THEN
  RETURN substring(SQLERRM from 'https://[^ ]*');
END $$;
SELECT where_planning_went('conn_cn_t');
SELECT where_planning_went('conn_eu_t');
SELECT server_name, endpoint, region, requests > 0 AS asked
  FROM dynastore_fdw_get_connections() ORDER BY 1;

DROP SERVER conn_a CASCADE;
DROP SERVER conn_cn CASCADE;
DROP SERVER conn_eu CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table conn_items
