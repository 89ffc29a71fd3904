-- The SQL helpers: dynastore_fdw_create_table makes a DynamoDB table in
-- dynastore's layout and waits until it is ACTIVE; dynastore_fdw_partitions
-- lists a table's partitions with a Scan of keys only; dynastore_fdw_version
-- names the library's version.  Clear errors for what they refuse.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY
CREATE SERVER hlp_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER hlp_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');

-- (tables a run before this one may have left: make installcheck reuses
-- the services)
\! for t in hlp_notes hlp_full hlp_gsi_hash hlp_slow hlp_kv; do node "$DDB_TEST_DIR"/ddb.js delete-table $t; done

SELECT dynastore_fdw_version();
SELECT extversion FROM pg_extension WHERE extname = 'dynastore_fdw';

-- the key alone, on demand; dynalite has no TTL API, which is said, and
-- the table is made all the same
SELECT * FROM dynastore_fdw_create_table('hlp_srv', 'hlp_notes');
\! "$DDB_TEST_DIR"/proxyctl count CreateTable
\! "$DDB_TEST_DIR"/proxyctl count UpdateTimeToLive

-- with dynastore's two indexes, provisioned, without TTL
SELECT * FROM dynastore_fdw_create_table('hlp_srv', 'hlp_full',
  local_index_field => 'created',
  global_index_partition_key => 'pk1', global_index_sort_key => 'sk1',
  billing_mode => 'provisioned', read_capacity => 2, write_capacity => 3,
  ttl => false);
-- what DynamoDB made of it
\! "$DDB_TEST_DIR"/ddbcall --print DescribeTable '{"TableName":"hlp_full"}' | node -e 'const t = JSON.parse(require("fs").readFileSync(0)).Table; const keys = (k) => k.map((e) => e.AttributeName + " " + e.KeyType).join(", "); console.log("status " + t.TableStatus + ", billing " + (t.BillingModeSummary ? t.BillingModeSummary.BillingMode : "PROVISIONED") + ", capacity " + t.ProvisionedThroughput.ReadCapacityUnits + "/" + t.ProvisionedThroughput.WriteCapacityUnits); console.log("key: " + keys(t.KeySchema)); console.log("attributes: " + t.AttributeDefinitions.map((a) => a.AttributeName + " " + a.AttributeType).join(", ")); for (const i of (t.LocalSecondaryIndexes || [])) console.log("local " + i.IndexName + ": " + keys(i.KeySchema) + ", " + i.Projection.ProjectionType); for (const i of (t.GlobalSecondaryIndexes || [])) console.log("global " + i.IndexName + ": " + keys(i.KeySchema) + ", " + i.Projection.ProjectionType + ", capacity " + i.ProvisionedThroughput.ReadCapacityUnits + "/" + i.ProvisionedThroughput.WriteCapacityUnits);'
-- a global index without a sort key
SELECT * FROM dynastore_fdw_create_table('hlp_srv', 'hlp_gsi_hash',
  global_index_partition_key => 'owner');

-- the new table in use: a foreign table, a write, a read by the index
CREATE FOREIGN TABLE hlp_docs (
  id text, name text COLLATE "C", version bigint, expires timestamptz,
  value jsonb, fields jsonb, created text COLLATE "C", pk1 text, sk1 text COLLATE "C"
) SERVER hlp_srv OPTIONS (table 'hlp_full', partition 'docs');
INSERT INTO hlp_docs (name, value, created, pk1, sk1) VALUES
  ('d1', '{"t": 1}', '2024-01-01', 'g', 'a'),
  ('d2', '{"t": 2}', '2024-02-01', 'g', 'b')
  RETURNING name, version;
SELECT name, created FROM hlp_docs WHERE created >= '2024-02' ORDER BY created;
SELECT name FROM hlp_docs WHERE pk1 = 'g' AND sk1 > 'a';

-- partitions: distinct, sorted, expired records counted too
\! node "$DDB_TEST_DIR"/ddb.js put hlp_notes '[{"id":{"S":"b"},"name":{"S":"1"}}, {"id":{"S":"b"},"name":{"S":"2"}}, {"id":{"S":"a"},"name":{"S":"1"}}, {"id":{"S":"c/x"},"name":{"S":"1"}}, {"id":{"S":"B"},"name":{"S":"1"}}, {"id":{"S":"gone"},"name":{"S":"1"},"expires":{"N":"1000000000"}}]'
\! "$DDB_TEST_DIR"/proxyctl stats-reset
SELECT * FROM dynastore_fdw_partitions('hlp_srv', 'hlp_notes');
\! "$DDB_TEST_DIR"/proxyctl count Scan
-- at most max_partitions
SELECT count(*) FROM dynastore_fdw_partitions('hlp_srv', 'hlp_notes', 2);
-- the Scan stops once it has found them: a table of two 1 MB pages, whose
-- first page holds a partition, is read in one request for one partition
\! node "$DDB_TEST_DIR"/ddb.js create-table --no-indexes hlp_big
\! node "$DDB_TEST_DIR"/ddb.js fill hlp_big big 300 4000
\! "$DDB_TEST_DIR"/proxyctl stats-reset
SELECT * FROM dynastore_fdw_partitions('hlp_srv', 'hlp_big');
\! "$DDB_TEST_DIR"/proxyctl count Scan
\! "$DDB_TEST_DIR"/proxyctl stats-reset
SELECT * FROM dynastore_fdw_partitions('hlp_srv', 'hlp_big', max_partitions => 1);
\! "$DDB_TEST_DIR"/proxyctl count Scan
SELECT * FROM dynastore_fdw_partitions('hlp_srv', 'hlp_full');
SELECT * FROM dynastore_fdw_partitions('hlp_srv', 'hlp_gsi_hash');

-- errors
\set VERBOSITY default
SELECT * FROM dynastore_fdw_create_table('hlp_srv', 'hlp_notes');
SELECT * FROM dynastore_fdw_create_table('hlp_srv', 'no');
SELECT * FROM dynastore_fdw_create_table('hlp_srv', 'hlp_x', local_index_field => 'version');
SELECT * FROM dynastore_fdw_create_table('hlp_srv', 'hlp_x', local_index_field => 'a b');
SELECT * FROM dynastore_fdw_create_table('hlp_srv', 'hlp_x', global_index_sort_key => 'sk1');
SELECT * FROM dynastore_fdw_create_table('hlp_srv', 'hlp_x',
  global_index_partition_key => 'pk1', global_index_sort_key => 'pk1');
SELECT * FROM dynastore_fdw_create_table('hlp_srv', 'hlp_x', billing_mode => 'on demand');
SELECT * FROM dynastore_fdw_create_table('hlp_srv', 'hlp_x', read_capacity => 5);
SELECT * FROM dynastore_fdw_create_table('hlp_srv', 'hlp_x', billing_mode => 'PROVISIONED',
  read_capacity => 0);
SELECT * FROM dynastore_fdw_create_table('hlp_srv', 'hlp_x', timeout => '-1 s');
SELECT * FROM dynastore_fdw_create_table('hlp_srv', NULL);
SELECT * FROM dynastore_fdw_create_table('hlp_nowhere', 'hlp_x');
-- a table that does not become ACTIVE in time (DescribeTable keeps
-- answering "not found"): the error says so, and the table exists
\! "$DDB_TEST_DIR"/proxyctl error DescribeTable 400 ResourceNotFoundException 0
SELECT * FROM dynastore_fdw_create_table('hlp_srv', 'hlp_slow', timeout => '300 ms');
\! "$DDB_TEST_DIR"/proxyctl clear
SELECT * FROM dynastore_fdw_partitions('hlp_srv', 'hlp_slow');
-- DynamoDB's own refusal, with its message
\! "$DDB_TEST_DIR"/proxyctl error CreateTable 400 LimitExceededException --message 'Subscriber limit exceeded: too many tables are being created'
SELECT * FROM dynastore_fdw_create_table('hlp_srv', 'hlp_x');
SELECT * FROM dynastore_fdw_partitions('hlp_srv', 'hlp_notes', 0);
SELECT * FROM dynastore_fdw_partitions('hlp_srv', 'hlp_missing');
\! "$DDB_TEST_DIR"/ddbcall CreateTable '{"TableName":"hlp_kv","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}'
SELECT * FROM dynastore_fdw_partitions('hlp_srv', 'hlp_kv');

-- the caller needs USAGE on the server
CREATE ROLE hlp_user;
SET ROLE hlp_user;
SELECT * FROM dynastore_fdw_partitions('hlp_srv', 'hlp_notes');
SELECT * FROM dynastore_fdw_create_table('hlp_srv', 'hlp_x');
RESET ROLE;
GRANT USAGE ON FOREIGN SERVER hlp_srv TO hlp_user;
SET ROLE hlp_user;
SELECT * FROM dynastore_fdw_partitions('hlp_srv', 'hlp_notes');
RESET ROLE;
DROP OWNED BY hlp_user;
DROP ROLE hlp_user;
