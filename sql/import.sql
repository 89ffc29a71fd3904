-- IMPORT FOREIGN SCHEMA: a foreign table per DynamoDB table in dynastore's
-- layout (or per partition, with the option partitions), with the record's
-- columns and one typed column per index key; name and string sort keys
-- COLLATE "C", so that ranges and ORDER BY go to DynamoDB.  LIMIT TO and
-- EXCEPT name the foreign tables; tables of another shape are skipped with
-- a NOTICE.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY
CREATE SERVER imp_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER imp_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');

-- dynastore's test layout: local index idx_created (id, created), global
-- index idx_global_1 (pk1, sk1), all strings
\! node "$DDB_TEST_DIR"/ddb.js create-table imp_crm
\! node "$DDB_TEST_DIR"/ddb.js put imp_crm '[{"id":{"S":"customers"},"name":{"S":"a"},"version":{"N":"1"},"payload":{"S":"{\"plan\":\"pro\"}"},"created":{"S":"2024-01-05"},"pk1":{"S":"g1"},"sk1":{"S":"s1"}}, {"id":{"S":"customers"},"name":{"S":"b"},"version":{"N":"2"},"payload":{"S":"{\"plan\":\"team\"}"},"created":{"S":"2024-02-01"},"pk1":{"S":"g1"},"sk1":{"S":"s2"}}, {"id":{"S":"customers"},"name":{"S":"c"},"version":{"N":"1"},"payload":{"S":"{\"plan\":\"free\"}"}}, {"id":{"S":"orders"},"name":{"S":"o1"},"version":{"N":"1"},"payload":{"S":"{\"total\":12}"},"created":{"S":"2024-03-01"}}]'
-- (tables a run before this one may have left: make installcheck reuses
-- the services)
\! for t in imp_typed imp_kv imp_pk_sk imp_numbered; do node "$DDB_TEST_DIR"/ddb.js delete-table $t; done
-- index keys of other types: a number (N) and bytes (B)
\! "$DDB_TEST_DIR"/ddbcall CreateTable '{"TableName":"imp_typed","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"},{"AttributeName":"name","AttributeType":"S"},{"AttributeName":"score","AttributeType":"N"},{"AttributeName":"tag","AttributeType":"S"},{"AttributeName":"digest","AttributeType":"B"}],"KeySchema":[{"AttributeName":"id","KeyType":"HASH"},{"AttributeName":"name","KeyType":"RANGE"}],"LocalSecondaryIndexes":[{"IndexName":"idx_score","KeySchema":[{"AttributeName":"id","KeyType":"HASH"},{"AttributeName":"score","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}],"GlobalSecondaryIndexes":[{"IndexName":"idx_tag","KeySchema":[{"AttributeName":"tag","KeyType":"HASH"},{"AttributeName":"digest","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]}'
\! node "$DDB_TEST_DIR"/ddb.js put imp_typed '[{"id":{"S":"p"},"name":{"S":"k1"},"version":{"N":"1"},"payload":{"S":"v"},"score":{"N":"42.5"},"tag":{"S":"t"},"digest":{"B":"3q2+7w=="}}]'
-- tables that are not dynastore's
\! "$DDB_TEST_DIR"/ddbcall CreateTable '{"TableName":"imp_kv","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}'
\! "$DDB_TEST_DIR"/ddbcall CreateTable '{"TableName":"imp_pk_sk","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]}'
\! "$DDB_TEST_DIR"/ddbcall CreateTable '{"TableName":"imp_numbered","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"},{"AttributeName":"name","AttributeType":"N"}],"KeySchema":[{"AttributeName":"id","KeyType":"HASH"},{"AttributeName":"name","KeyType":"RANGE"}]}'

-- the columns of the foreign tables of a schema, as IMPORT declared them
CREATE FUNCTION imported(schema_name text)
RETURNS TABLE (foreign_table name, col name, type text, options text)
LANGUAGE sql AS $$
  SELECT c.relname, a.attname,
         format_type(a.atttypid, a.atttypmod) ||
           CASE WHEN a.attcollation NOT IN (0, 100)
                THEN ' COLLATE ' || quote_ident(co.collname) ELSE '' END,
         array_to_string(a.attfdwoptions, ', ')
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
    LEFT JOIN pg_collation co ON co.oid = a.attcollation
   WHERE n.nspname = schema_name AND c.relkind = 'f'
   ORDER BY c.relname, a.attnum
$$;
CREATE FUNCTION imported_tables(schema_name text)
RETURNS TABLE (foreign_table name, server name, options text)
LANGUAGE sql AS $$
  SELECT c.relname, s.srvname, array_to_string(ft.ftoptions, ', ')
    FROM pg_foreign_table ft
    JOIN pg_class c ON c.oid = ft.ftrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_foreign_server s ON s.oid = ft.ftserver
   WHERE n.nspname = schema_name
   ORDER BY c.relname
$$;
-- the DynamoDB request of a query, from EXPLAIN
CREATE FUNCTION ddb_plan(q text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q
  LOOP
    IF line ~ '(Foreign Scan|DynamoDB|Key Condition|Filter|Order|Limit|Sort)' THEN
      RETURN NEXT regexp_replace(line, '^\s+(->  )?', '');
    END IF;
  END LOOP;
END $$;

-- LIMIT TO: the whole tables (id a column); a non-dynastore one is skipped.
-- The remote schema name is not used: DynamoDB has none.
CREATE SCHEMA imp_a;
IMPORT FOREIGN SCHEMA dynamodb LIMIT TO (imp_crm, imp_typed, imp_kv, imp_pk_sk, imp_numbered)
  FROM SERVER imp_srv INTO imp_a;
SELECT * FROM imported_tables('imp_a');
SELECT * FROM imported('imp_a');

-- they read, and their keys, ranges and order reach DynamoDB
SELECT id, name, version, value, created, pk1, sk1, fields
  FROM imp_a.imp_crm ORDER BY id, name;
SELECT * FROM ddb_plan($$SELECT name FROM imp_a.imp_crm
  WHERE id = 'customers' AND name > 'a' ORDER BY name DESC LIMIT 1$$);
SELECT name FROM imp_a.imp_crm
  WHERE id = 'customers' AND name > 'a' ORDER BY name DESC LIMIT 1;
SELECT * FROM ddb_plan($$SELECT name FROM imp_a.imp_crm
  WHERE id = 'customers' AND created >= '2024-02' ORDER BY created$$);
SELECT name, created FROM imp_a.imp_crm
  WHERE id = 'customers' AND created >= '2024-02' ORDER BY created;
SELECT * FROM ddb_plan($$SELECT name FROM imp_a.imp_crm
  WHERE pk1 = 'g1' AND sk1 BETWEEN 's1' AND 's2'$$);
SELECT id, name FROM imp_a.imp_crm
  WHERE pk1 = 'g1' AND sk1 BETWEEN 's1' AND 's2' ORDER BY name;
-- a number index key reads as numeric, a binary one as bytea
SELECT id, name, score, tag, digest FROM imp_a.imp_typed;

-- one foreign table per partition, named after it, value as jsonb; a
-- partition without records is an empty table
CREATE SCHEMA imp_p;
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_srv INTO imp_p
  OPTIONS (table 'imp_crm', partitions 'customers, orders, nobody',
           value_type 'jsonb');
SELECT * FROM imported_tables('imp_p');
SELECT col, type FROM imported('imp_p') WHERE foreign_table = 'orders';
SELECT name, version, value->>'plan' AS plan, created FROM imp_p.customers ORDER BY name;
SELECT name, value FROM imp_p.orders;
SELECT count(*) FROM imp_p.nobody;
SELECT * FROM ddb_plan($$SELECT name FROM imp_p.customers
  WHERE created LIKE '2024-0%' ORDER BY created LIMIT 1$$);
INSERT INTO imp_p.nobody (name, value, created) VALUES ('n1', '{"x": 1}', '2024-04-01')
  RETURNING id, name, version;
SELECT id, name, value FROM imp_a.imp_crm WHERE id = 'nobody';

-- with partitions, LIMIT TO and EXCEPT name partitions (the foreign tables);
-- "nobody" is not among the partitions asked for, so nothing is made for it
CREATE SCHEMA imp_q;
IMPORT FOREIGN SCHEMA dynamodb LIMIT TO (orders, nobody) FROM SERVER imp_srv INTO imp_q
  OPTIONS (table 'imp_crm', partitions 'customers, orders');
IMPORT FOREIGN SCHEMA dynamodb EXCEPT (orders) FROM SERVER imp_srv INTO imp_q
  OPTIONS (table 'imp_crm', partitions 'customers, orders, archive', value_type 'bytea');
SELECT * FROM imported_tables('imp_q');
SELECT foreign_table, type FROM imported('imp_q') WHERE col = 'value';

-- EXCEPT on whole tables: every table of the account but those named.
-- (Other tests' tables are there too, so only ours are listed.)
CREATE SCHEMA imp_e;
SET client_min_messages = warning;
IMPORT FOREIGN SCHEMA dynamodb EXCEPT (imp_crm, imp_kv) FROM SERVER imp_srv INTO imp_e;
RESET client_min_messages;
SELECT foreign_table FROM imported_tables('imp_e') WHERE foreign_table LIKE 'imp%';

-- the option table alone: that DynamoDB table only
CREATE SCHEMA imp_t;
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_srv INTO imp_t OPTIONS (table 'imp_typed');
SELECT * FROM imported_tables('imp_t');

-- errors
\set VERBOSITY default
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_srv INTO imp_t OPTIONS (partitions 'customers');
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_srv INTO imp_t OPTIONS (value_type 'json');
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_srv INTO imp_t OPTIONS (partition 'customers');
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_srv INTO imp_t
  OPTIONS (table 'imp_crm', partitions 'customers,,orders');
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_srv INTO imp_t
  OPTIONS (table 'imp_missing', partitions 'customers');
\set VERBOSITY terse
CREATE SERVER imp_nobody FOREIGN DATA WRAPPER dynastore_fdw OPTIONS (endpoint :'endpoint');
IMPORT FOREIGN SCHEMA dynamodb FROM SERVER imp_nobody INTO imp_t;
-- the foreign table exists already: PostgreSQL says so
IMPORT FOREIGN SCHEMA dynamodb LIMIT TO (imp_typed) FROM SERVER imp_srv INTO imp_t;
\set VERBOSITY default
