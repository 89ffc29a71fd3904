-- The AWS credential chain: with credentials 'chain' on the server (a
-- superuser's choice), a user mapping without keys signs with the keys of the
-- database server's host, found where the AWS SDKs look, in their order:
-- environment, shared files, web identity, container endpoint, instance
-- metadata.  The chain reads the postmaster's environment, so this test runs
-- a second, short-lived cluster (test/credkit), restarted with the
-- environment of each case.  Instance metadata, the container endpoint and
-- STS are played by small servers on loopback (test/cred_servers.js); the
-- keys they give are those the kit's token proxy accepts.
\! "$DDB_TEST_DIR"/credkit servers-start
\! node "$DDB_TEST_DIR"/ddb.js create-table chain_items
\! node "$DDB_TEST_DIR"/ddb.js dynastore-put chain_items p k v
\set main_db :DBNAME
\set main_port :PORT
\set kit `"$DDB_TEST_DIR"/credkit dir`
\set cport `"$DDB_TEST_DIR"/credkit cluster-port 2>/dev/null || true`
\getenv token_endpoint DDB_TOKEN_ENDPOINT

-- 1. Nothing is set up: the metadata service answers no token (as off EC2).
\! "$DDB_TEST_DIR"/credkit config '{"imds": "off"}'
\! "$DDB_TEST_DIR"/credkit cluster-start AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$("$DDB_TEST_DIR"/credkit port imds)
\set cport `"$DDB_TEST_DIR"/credkit cluster-port`
\c postgres postgres 127.0.0.1 :cport
CREATE EXTENSION dynastore_fdw;
-- errors with their detail and hint, run directories and ports masked
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
    RETURN NEXT regexp_replace(regexp_replace(m,
      '127\.0\.0\.1:[0-9]+', '127.0.0.1:PORT', 'g'),
      '/tmp/dynastore-fdw\.[A-Za-z0-9]+', '$RUN', 'g');
  END LOOP;
END $$;
CREATE VIEW conn AS
  SELECT server_name, user_name, credential_source,
         credential_expiration > now() AS expires_later, valid
  FROM dynastore_fdw_get_connections() ORDER BY 1, 2;
CREATE SERVER chain FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'token_endpoint', credentials 'chain');
CREATE USER MAPPING FOR postgres SERVER chain;
CREATE FOREIGN TABLE chain_t (name text, value text)
  SERVER chain OPTIONS (table 'chain_items', partition 'p');
SELECT show_error('SELECT * FROM chain_t');
-- planned, not yet resolved
SELECT * FROM conn;

-- 2. EC2 instance metadata (IMDSv2): fetched once, then cached
\! "$DDB_TEST_DIR"/credkit config '{"imds": "on"}'
SELECT * FROM chain_t;
SELECT * FROM chain_t;
SELECT * FROM conn;
\! "$DDB_TEST_DIR"/credkit count imds

-- refreshed before they expire: keys living 6 seconds are fetched again
-- after 3 (half their life; 5 minutes before expiry for longer-lived ones)
SELECT dynastore_fdw_disconnect_all();
\! "$DDB_TEST_DIR"/credkit reset; "$DDB_TEST_DIR"/credkit config '{"lifetime": 6}'
SELECT * FROM chain_t;
SELECT * FROM chain_t;
\! "$DDB_TEST_DIR"/credkit count imds
\! sleep 3.5
SELECT * FROM chain_t;
\! "$DDB_TEST_DIR"/credkit count imds
SELECT * FROM conn;

-- a refresh that fails while the keys in hand still have a while to live
-- keeps them, and says so in the server log; once they are about to expire
-- it is an error
\! "$DDB_TEST_DIR"/credkit config '{"imds": "off"}'
\! sleep 3.5
SELECT * FROM chain_t;
\! grep -c 'could not refresh AWS credentials; keeping those from the instance metadata' "$HOME"/credkit/postgres.log
\! sleep 2
SELECT show_error('SELECT * FROM chain_t');
\! "$DDB_TEST_DIR"/credkit config '{"imds": "on"}'

-- DynamoDB says the token expired: fetched again, the request sent once more
SELECT dynastore_fdw_disconnect_all();
\! "$DDB_TEST_DIR"/credkit reset; "$DDB_TEST_DIR"/credkit config '{"lifetime": 3600}'
SELECT * FROM chain_t;
\! "$DDB_TEST_DIR"/credkit count imds
\! DDB_PROXY_URL="$DDB_TOKEN_ENDPOINT" "$DDB_TEST_DIR"/proxyctl error Query 400 ExpiredTokenException --message 'The security token included in the request is expired'
SELECT * FROM chain_t;
\! "$DDB_TEST_DIR"/credkit count imds
\! DDB_PROXY_URL="$DDB_TOKEN_ENDPOINT" "$DDB_TEST_DIR"/proxyctl faults error
-- only once: a second refusal is an error that says where the keys came from
\! DDB_PROXY_URL="$DDB_TOKEN_ENDPOINT" "$DDB_TEST_DIR"/proxyctl error Query 400 ExpiredTokenException 2 --message 'The security token included in the request is expired'
SELECT * FROM chain_t;
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/credkit count imds
\! DDB_PROXY_URL="$DDB_TOKEN_ENDPOINT" "$DDB_TEST_DIR"/proxyctl clear

-- 3. the shared files in the server's home directory come before the metadata
\! mkdir -p "$HOME"/credkit/home/.aws
\! printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n' "$DDB_ACCESS_KEY_ID" "$DDB_SECRET_ACCESS_KEY" "$DDB_TEST_SESSION_TOKEN" > "$HOME"/credkit/home/.aws/credentials
SELECT dynastore_fdw_disconnect_all();
SELECT * FROM chain_t;
SELECT * FROM conn;
-- a profile of the config file, named by the server option profile
\! printf '[profile reports]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n[profile assumed]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = default\n' "$DDB_ACCESS_KEY_ID" "$DDB_SECRET_ACCESS_KEY" "$DDB_TEST_SESSION_TOKEN" > "$HOME"/credkit/home/.aws/config
ALTER SERVER chain OPTIONS (ADD profile 'reports');
SELECT * FROM chain_t;
SELECT * FROM conn;
-- a profile that is not there, one that needs what the chain does not do
ALTER SERVER chain OPTIONS (SET profile 'nope');
SELECT show_error('SELECT * FROM chain_t');
ALTER SERVER chain OPTIONS (SET profile 'assumed');
SELECT show_error('SELECT * FROM chain_t');
ALTER SERVER chain OPTIONS (DROP profile);
-- keys DynamoDB refuses: the error says where they came from
\! printf '[default]\naws_access_key_id = %s\naws_secret_access_key = wrong-secret\n' "$DDB_ACCESS_KEY_ID" > "$HOME"/credkit/home/.aws/credentials
SELECT * FROM chain_t;
\echo :LAST_ERROR_SQLSTATE

-- 4. the environment comes first (the wrong keys of the file are not used)
\c :main_db postgres 127.0.0.1 :main_port
\! "$DDB_TEST_DIR"/credkit cluster-start AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$("$DDB_TEST_DIR"/credkit port imds) AWS_ACCESS_KEY_ID="$DDB_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$DDB_SECRET_ACCESS_KEY" AWS_SESSION_TOKEN="$DDB_TEST_SESSION_TOKEN"
\c postgres postgres 127.0.0.1 :cport
SELECT * FROM chain_t;
SELECT * FROM conn;
\! rm -f "$HOME"/credkit/home/.aws/credentials "$HOME"/credkit/home/.aws/config

-- 5. web identity (EKS IAM roles for service accounts): STS
-- AssumeRoleWithWebIdentity at AWS_ENDPOINT_URL_STS
\c :main_db postgres 127.0.0.1 :main_port
\! "$DDB_TEST_DIR"/credkit reset
\! "$DDB_TEST_DIR"/credkit cluster-start AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$("$DDB_TEST_DIR"/credkit port imds) AWS_WEB_IDENTITY_TOKEN_FILE="$HOME"/credkit/web-identity-token AWS_ROLE_ARN=arn:aws:iam::123456789012:role/dynastore-fdw-test-role AWS_ENDPOINT_URL_STS=http://127.0.0.1:$("$DDB_TEST_DIR"/credkit port sts)
\c postgres postgres 127.0.0.1 :cport
SELECT * FROM chain_t;
SELECT * FROM conn;
\! "$DDB_TEST_DIR"/credkit count sts
-- a token STS refuses
\! cp "$HOME"/credkit/web-identity-token "$HOME"/credkit/web-identity-token.good; echo eyJub3QiOiJ2YWxpZCJ9.e30.x > "$HOME"/credkit/web-identity-token
SELECT dynastore_fdw_disconnect_all();
SELECT show_error('SELECT * FROM chain_t');
\! mv "$HOME"/credkit/web-identity-token.good "$HOME"/credkit/web-identity-token
-- a credential endpoint that does not answer: statement_timeout stops the wait
\! "$DDB_TEST_DIR"/credkit config '{"sts_delay": 30}'
SELECT dynastore_fdw_disconnect_all();
SET statement_timeout = '1s';
SELECT * FROM chain_t;
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
\! "$DDB_TEST_DIR"/credkit config '{"sts_delay": 0}'
SELECT * FROM chain_t;

-- a profile's web identity, in files and a profile named by the environment
-- (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_PROFILE); the server
-- option profile wins over AWS_PROFILE
\c :main_db postgres 127.0.0.1 :main_port
\! printf '[profile irsa]\nweb_identity_token_file = %s\nrole_arn = arn:aws:iam::123456789012:role/dynastore-fdw-test-role\n' "$HOME"/credkit/web-identity-token > "$HOME"/credkit/custom-config
\! printf '[keys]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n' "$DDB_ACCESS_KEY_ID" "$DDB_SECRET_ACCESS_KEY" "$DDB_TEST_SESSION_TOKEN" > "$HOME"/credkit/custom-credentials
\! "$DDB_TEST_DIR"/credkit cluster-start AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$("$DDB_TEST_DIR"/credkit port imds) AWS_CONFIG_FILE="$HOME"/credkit/custom-config AWS_SHARED_CREDENTIALS_FILE="$HOME"/credkit/custom-credentials AWS_PROFILE=irsa AWS_ENDPOINT_URL_STS=http://127.0.0.1:$("$DDB_TEST_DIR"/credkit port sts)
\c postgres postgres 127.0.0.1 :cport
SELECT * FROM chain_t;
SELECT * FROM conn;
ALTER SERVER chain OPTIONS (ADD profile 'keys');
SELECT * FROM chain_t;
SELECT * FROM conn;
ALTER SERVER chain OPTIONS (DROP profile);
\! rm -f "$HOME"/credkit/custom-config "$HOME"/credkit/custom-credentials

-- 6. the container endpoint, relative URI (ECS), its host moved to loopback
-- by DYNASTORE_FDW_CONTAINER_ENDPOINT, with a token file
\c :main_db postgres 127.0.0.1 :main_port
\! "$DDB_TEST_DIR"/credkit reset
\! "$DDB_TEST_DIR"/credkit cluster-start AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$("$DDB_TEST_DIR"/credkit port imds) AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/task-1 DYNASTORE_FDW_CONTAINER_ENDPOINT=http://127.0.0.1:$("$DDB_TEST_DIR"/credkit port container) AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$HOME"/credkit/container-token
\c postgres postgres 127.0.0.1 :cport
SELECT * FROM chain_t;
SELECT * FROM conn;
\! "$DDB_TEST_DIR"/credkit count 'container /v2/credentials/task-1'
-- a token the endpoint refuses
\! cp "$HOME"/credkit/container-token "$HOME"/credkit/container-token.good; echo wrong-token > "$HOME"/credkit/container-token
SELECT dynastore_fdw_disconnect_all();
SELECT show_error('SELECT * FROM chain_t');
\! mv "$HOME"/credkit/container-token.good "$HOME"/credkit/container-token

-- 7. the container endpoint, full URI (EKS Pod Identity), token in the environment
\c :main_db postgres 127.0.0.1 :main_port
\! "$DDB_TEST_DIR"/credkit cluster-start AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$("$DDB_TEST_DIR"/credkit port imds) AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:$("$DDB_TEST_DIR"/credkit port container)/pod-identity AWS_CONTAINER_AUTHORIZATION_TOKEN="$(cat "$HOME"/credkit/container-token)"
\c postgres postgres 127.0.0.1 :cport
SELECT * FROM chain_t;
SELECT * FROM conn;
\! "$DDB_TEST_DIR"/credkit count 'container /pod-identity'
-- over plain http only loopback and the link-local addresses of ECS and EKS
\c :main_db postgres 127.0.0.1 :main_port
\! "$DDB_TEST_DIR"/credkit cluster-start AWS_EC2_METADATA_DISABLED=true AWS_CONTAINER_CREDENTIALS_FULL_URI=http://192.0.2.10/credentials
\c postgres postgres 127.0.0.1 :cport
SELECT show_error('SELECT * FROM chain_t');

-- 8. who may use the chain: a server without credentials 'chain' wants keys
-- in every user mapping, superuser or not; a non-superuser cannot turn the
-- chain on; a role granted a chain server uses the host's keys (a superuser
-- chose to lend them)
\c :main_db postgres 127.0.0.1 :main_port
\! "$DDB_TEST_DIR"/credkit cluster-start AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$("$DDB_TEST_DIR"/credkit port imds)
\c postgres postgres 127.0.0.1 :cport
CREATE SERVER keys_only FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'token_endpoint');
CREATE USER MAPPING FOR postgres SERVER keys_only;
CREATE FOREIGN TABLE keys_only_t (name text, value text)
  SERVER keys_only OPTIONS (table 'chain_items', partition 'p');
SELECT * FROM keys_only_t;
\echo :LAST_ERROR_SQLSTATE
CREATE ROLE chain_app;
GRANT USAGE ON FOREIGN DATA WRAPPER dynastore_fdw TO chain_app;
GRANT USAGE ON FOREIGN SERVER chain TO chain_app;
GRANT SELECT ON chain_t TO chain_app;
CREATE USER MAPPING FOR chain_app SERVER chain;
SET ROLE chain_app;
SELECT * FROM chain_t;
CREATE SERVER app_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'token_endpoint', credentials 'chain');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT * FROM conn;

-- 9. proxies: the postmaster's http_proxy is ignored unless the server
-- option proxy says 'environment'; then no_proxy counts too.  An explicit
-- proxy URL is used whatever the environment says.
\c :main_db postgres 127.0.0.1 :main_port
\! "$DDB_TEST_DIR"/credkit reset
\! "$DDB_TEST_DIR"/credkit cluster-start AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID="$DDB_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$DDB_SECRET_ACCESS_KEY" AWS_SESSION_TOKEN="$DDB_TEST_SESSION_TOKEN" http_proxy=http://127.0.0.1:$("$DDB_TEST_DIR"/credkit port fwdproxy)
\c postgres postgres 127.0.0.1 :cport
SELECT * FROM chain_t;
\! "$DDB_TEST_DIR"/credkit count fwdproxy
ALTER SERVER chain OPTIONS (ADD proxy 'environment');
SELECT * FROM chain_t;
\! "$DDB_TEST_DIR"/credkit count fwdproxy
\c :main_db postgres 127.0.0.1 :main_port
\! "$DDB_TEST_DIR"/credkit reset
\! "$DDB_TEST_DIR"/credkit cluster-start AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID="$DDB_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$DDB_SECRET_ACCESS_KEY" AWS_SESSION_TOKEN="$DDB_TEST_SESSION_TOKEN" http_proxy=http://127.0.0.1:$("$DDB_TEST_DIR"/credkit port fwdproxy) no_proxy=127.0.0.1
\c postgres postgres 127.0.0.1 :cport
SELECT * FROM chain_t;
\! "$DDB_TEST_DIR"/credkit count fwdproxy
\set fwd `"$DDB_TEST_DIR"/credkit port fwdproxy`
\set fwd_url 'http://127.0.0.1:' :fwd
ALTER SERVER chain OPTIONS (SET proxy :'fwd_url');
SELECT * FROM chain_t;
\! "$DDB_TEST_DIR"/credkit count fwdproxy

\c :main_db postgres 127.0.0.1 :main_port
\! "$DDB_TEST_DIR"/credkit stop-all
\! node "$DDB_TEST_DIR"/ddb.js delete-table chain_items
