-- The table's schema and who may learn it.  DescribeTable tells the key
-- schema (checked to be dynastore's, once) and the indexes, with their
-- attribute types: an index keyed by a number or by binary does not answer
-- text conditions.  What it says is kept per backend, table and
-- credentials.  A role denied DescribeTable still reads, without indexes,
-- and is told so once.  Privileges come first: a role that may not read
-- the foreign table sends nothing and learns nothing else.  ANALYZE reads
-- with the table owner's user mapping.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv hostile DDB_HOSTILE_ENDPOINT
-- the hostile DynamoDB forwards to dynalite and checks no signature: each
-- role has keys of its own, and a rule can answer one of them otherwise
CREATE SERVER sc_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'hostile', max_retries '0');
CREATE USER MAPPING FOR CURRENT_USER SERVER sc_srv
  OPTIONS (access_key_id 'AKIDSCHEMAADMIN', secret_access_key 'secret');

-- the DynamoDB request of a query, from EXPLAIN
CREATE FUNCTION sc_plan(q text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q
  LOOP
    IF line ~ '(DynamoDB|Key Condition|Filter)' THEN
      RETURN NEXT regexp_replace(line, '^\s+(->  )?', '');
    END IF;
  END LOOP;
END $$;

---------------------------------------------------------------- index key types
-- a local index sorted by a number, another by binary, a global index
-- whose sort key is a number: none can answer a condition on text
\! "$DDB_TEST_DIR"/hostilectl call CreateTable '{"TableName":"sc_typed","KeySchema":[{"AttributeName":"id","KeyType":"HASH"},{"AttributeName":"name","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"},{"AttributeName":"name","AttributeType":"S"},{"AttributeName":"score","AttributeType":"N"},{"AttributeName":"bin","AttributeType":"B"},{"AttributeName":"pk1","AttributeType":"S"},{"AttributeName":"num","AttributeType":"N"}],"LocalSecondaryIndexes":[{"IndexName":"idx_score","KeySchema":[{"AttributeName":"id","KeyType":"HASH"},{"AttributeName":"score","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}},{"IndexName":"idx_bin","KeySchema":[{"AttributeName":"id","KeyType":"HASH"},{"AttributeName":"bin","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}],"GlobalSecondaryIndexes":[{"IndexName":"idx_num","KeySchema":[{"AttributeName":"pk1","KeyType":"HASH"},{"AttributeName":"num","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"},"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}}],"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}}'
\! "$DDB_TEST_DIR"/hostilectl wait-active sc_typed
\! node "$DDB_TEST_DIR"/ddb.js put sc_typed '[{"id":{"S":"p"},"name":{"S":"a"},"score":{"N":"5"},"bin":{"B":"eA=="},"pk1":{"S":"g"},"num":{"N":"5"}}, {"id":{"S":"p"},"name":{"S":"b"},"score":{"N":"10"},"bin":{"B":"eQ=="},"pk1":{"S":"g"},"num":{"N":"10"}}, {"id":{"S":"p"},"name":{"S":"c"},"score":{"N":"5.0"}}]'
CREATE FOREIGN TABLE sc_t (name text, score text, bin text, pk1 text, num text)
  SERVER sc_srv OPTIONS (table 'sc_typed', partition 'p');
SELECT * FROM sc_plan($$SELECT name FROM sc_t WHERE score = '5'$$);
SELECT name, score FROM sc_t WHERE score = '5' ORDER BY name;
-- as text, '10' sorts before '5'
SELECT name, score FROM sc_t WHERE score >= '10' COLLATE "C" ORDER BY name;
SELECT * FROM sc_plan($$SELECT name FROM sc_t WHERE bin = 'x'$$);
SELECT name, bin FROM sc_t WHERE bin = 'x';
SELECT * FROM sc_plan($$SELECT name FROM sc_t WHERE pk1 = 'g' AND num >= '1' COLLATE "C"$$);
SELECT name, num FROM sc_t WHERE pk1 = 'g' AND num >= '1' COLLATE "C" ORDER BY name;

---------------------------------------------------------------- dynastore's key
-- a table keyed otherwise is one clear error, whatever the query
\! "$DDB_TEST_DIR"/hostilectl call CreateTable '{"TableName":"sc_other_key","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}}'
\! "$DDB_TEST_DIR"/hostilectl call CreateTable '{"TableName":"sc_name_n","KeySchema":[{"AttributeName":"id","KeyType":"HASH"},{"AttributeName":"name","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"},{"AttributeName":"name","AttributeType":"N"}],"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}}'
\! "$DDB_TEST_DIR"/hostilectl wait-active sc_other_key
\! "$DDB_TEST_DIR"/hostilectl wait-active sc_name_n
\! node "$DDB_TEST_DIR"/ddb.js put sc_other_key '{"pk":{"S":"p"},"sk":{"N":"1"},"id":{"S":"p"},"name":{"S":"a"}}'
\! node "$DDB_TEST_DIR"/ddb.js put sc_name_n '{"id":{"S":"p"},"name":{"N":"1"}}'
CREATE FOREIGN TABLE sc_other (name text, value text)
  SERVER sc_srv OPTIONS (table 'sc_other_key', partition 'p');
CREATE FOREIGN TABLE sc_other_all (id text, name text)
  SERVER sc_srv OPTIONS (table 'sc_other_key');
CREATE FOREIGN TABLE sc_numbered (name text)
  SERVER sc_srv OPTIONS (table 'sc_name_n', partition 'p');
SELECT * FROM sc_other;
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM sc_other WHERE name = 'a';
SELECT * FROM sc_other_all;
SELECT * FROM sc_numbered;

---------------------------------------------------------------- roles
SET client_min_messages = warning;
DROP ROLE IF EXISTS sc_ann;
DROP ROLE IF EXISTS sc_ben;
DROP ROLE IF EXISTS sc_cat;
DROP ROLE IF EXISTS sc_dan;
RESET client_min_messages;
CREATE ROLE sc_ann;
CREATE ROLE sc_ben;
CREATE ROLE sc_cat;
CREATE ROLE sc_dan;
GRANT USAGE ON FOREIGN SERVER sc_srv TO sc_ann, sc_ben, sc_cat, sc_dan;
CREATE USER MAPPING FOR sc_ann SERVER sc_srv
  OPTIONS (access_key_id 'AKIDSCHEMAANN', secret_access_key 'ann');
CREATE USER MAPPING FOR sc_ben SERVER sc_srv
  OPTIONS (access_key_id 'AKIDSCHEMABEN', secret_access_key 'ben');
CREATE USER MAPPING FOR sc_cat SERVER sc_srv
  OPTIONS (access_key_id 'AKIDSCHEMACAT', secret_access_key 'cat');
\! node "$DDB_TEST_DIR"/ddb.js create-table sc_items
\! node "$DDB_TEST_DIR"/ddb.js put sc_items '[{"id":{"S":"p"},"name":{"S":"a"},"created":{"S":"2024-01"}}, {"id":{"S":"p"},"name":{"S":"b"},"created":{"S":"2024-02"}}]'
CREATE FOREIGN TABLE sc_i (name text, created text)
  SERVER sc_srv OPTIONS (table 'sc_items', partition 'p');
GRANT SELECT ON sc_i TO sc_ann, sc_ben, sc_cat;

-- the indexes are known per credentials: behind the same endpoint,
-- sc_ben's account has a table sc_items without indexes
\! "$DDB_TEST_DIR"/hostilectl answer DescribeTable '{"Table":{"TableName":"sc_items","TableStatus":"ACTIVE","KeySchema":[{"AttributeName":"id","KeyType":"HASH"},{"AttributeName":"name","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"},{"AttributeName":"name","AttributeType":"S"}]}}' 0 --key AKIDSCHEMABEN
\! "$DDB_TEST_DIR"/hostilectl stats-reset
SET ROLE sc_ann;
SELECT * FROM sc_plan($$SELECT name FROM sc_i WHERE created = '2024-02'$$);
RESET ROLE;
SET ROLE sc_ben;
SELECT * FROM sc_plan($$SELECT name FROM sc_i WHERE created = '2024-02'$$);
SELECT name FROM sc_i WHERE created = '2024-02';
RESET ROLE;
\! "$DDB_TEST_DIR"/hostilectl count DescribeTable

-- a role denied DescribeTable reads without indexes, and is told once
\! "$DDB_TEST_DIR"/hostilectl answer DescribeTable '{"__type":"com.amazon.coral.service#AccessDeniedException","message":"User: cat is not authorized to perform: dynamodb:DescribeTable"}' 0 --status 400 --key AKIDSCHEMACAT
SET ROLE sc_cat;
SELECT name FROM sc_i WHERE name = 'a';
SELECT name FROM sc_i WHERE created = '2024-02';
SELECT name FROM sc_i WHERE created LIKE '2024%' ORDER BY name;
SELECT * FROM sc_plan($$SELECT name FROM sc_i WHERE created = '2024-02'$$);
RESET ROLE;

-- privileges first: sc_dan may not read sc_i; without a user mapping, he
-- is told that, not that he has no mapping; with one, nothing is sent
\! "$DDB_TEST_DIR"/hostilectl stats-reset
SET ROLE sc_dan;
SELECT name FROM sc_i WHERE created = '2024-02';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
CREATE USER MAPPING FOR sc_dan SERVER sc_srv
  OPTIONS (access_key_id 'AKIDSCHEMADAN', secret_access_key 'dan');
SET ROLE sc_dan;
SELECT name FROM sc_i WHERE created = '2024-02';
\echo :LAST_ERROR_SQLSTATE
EXPLAIN (COSTS OFF) SELECT name FROM sc_i WHERE created = '2024-02';
RESET ROLE;
\! "$DDB_TEST_DIR"/hostilectl count '*'

-- ANALYZE reads with the owner's user mapping: the current user (a
-- superuser) has none on a server of sc_ann's
CREATE SERVER sc_ann_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'hostile', max_retries '0');
CREATE USER MAPPING FOR sc_ann SERVER sc_ann_srv
  OPTIONS (access_key_id 'AKIDSCHEMAANN', secret_access_key 'ann');
CREATE FOREIGN TABLE sc_owned (name text, created text)
  SERVER sc_ann_srv OPTIONS (table 'sc_items', partition 'p');
ALTER FOREIGN TABLE sc_owned OWNER TO sc_ann;
ANALYZE sc_owned;
SELECT reltuples FROM pg_class WHERE relname = 'sc_owned';

DROP SERVER sc_srv CASCADE;
DROP SERVER sc_ann_srv CASCADE;
DROP FUNCTION sc_plan(text);
DROP ROLE sc_ann;
DROP ROLE sc_ben;
DROP ROLE sc_cat;
DROP ROLE sc_dan;
\! node "$DDB_TEST_DIR"/ddb.js delete-table sc_typed
\! node "$DDB_TEST_DIR"/ddb.js delete-table sc_other_key
\! node "$DDB_TEST_DIR"/ddb.js delete-table sc_name_n
\! node "$DDB_TEST_DIR"/ddb.js delete-table sc_items
