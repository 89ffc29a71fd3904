-- The README's walk-through, run by scripts/demo.sh against dynalite.
-- psql variables (pass them with -v): endpoint, region, access_key_id,
-- secret_access_key; and ON_ERROR_STOP=1.  The demo's transcript leaves out
-- the lines that start with a backslash (they only steer psql).
SET timezone = 'UTC';

CREATE EXTENSION dynastore_fdw;

CREATE SERVER dynamo FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (region :'region', endpoint :'endpoint');

CREATE USER MAPPING FOR CURRENT_USER SERVER dynamo
  OPTIONS (access_key_id :'access_key_id', secret_access_key :'secret_access_key');

CREATE FOREIGN TABLE customers (
  id text, name text, version bigint, expires timestamptz, value jsonb, fields jsonb
) SERVER dynamo OPTIONS (table 'CRMTable', partition 'customers');

-- Every live record of the partition (the expired one is not returned).
SELECT name, version, value->>'name' AS customer, value->>'plan' AS plan, expires
  FROM customers
 ORDER BY name;

SELECT count(*) AS live_customers FROM customers;

SELECT value->>'plan' AS plan, count(*) AS customers
  FROM customers
 GROUP BY 1
 ORDER BY 1;

-- Extra attributes such as the `created` index key arrive in `fields`.
SELECT name, fields->>'created' AS created, value->>'name' AS customer
  FROM customers
 WHERE fields->>'created' >= '2024-03-01'
 ORDER BY fields->>'created', name;

-- One record by key; EXPLAIN names the DynamoDB request it makes.
EXPLAIN (COSTS OFF) SELECT value FROM customers WHERE name = 'cust-007';
SELECT name, version, value FROM customers WHERE name = 'cust-007';

-- A prefix of keys is one Query with begins_with; EXPLAIN ANALYZE counts
-- the requests and items it took.
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
  SELECT name FROM customers WHERE name LIKE 'cust-01%';

-- A report joining the partition with a local table.
CREATE TEMP TABLE plans (plan text PRIMARY KEY, monthly_eur int);
INSERT INTO plans VALUES ('free', 0), ('trial', 0), ('pro', 29), ('team', 99),
  ('enterprise', 499);
SELECT p.plan, count(*) AS customers, sum(p.monthly_eur) AS revenue_eur
  FROM customers c JOIN plans p ON p.plan = c.value->>'plan'
 GROUP BY p.plan
 ORDER BY revenue_eur DESC;

-- Writes use dynastore's optimistic locking: INSERT creates version 1 and
-- fails on a live key (23505); UPDATE adds one to the version it read.
INSERT INTO customers (name, value)
  VALUES ('cust-100', '{"name": "Grace Hopper", "plan": "pro"}')
  RETURNING name, version;
\set ON_ERROR_STOP off
INSERT INTO customers (name, value) VALUES ('cust-100', '{"name": "someone else"}');
\echo SQLSTATE: :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP on
UPDATE customers SET value = jsonb_set(value, '{plan}', '"team"')
 WHERE name = 'cust-100'
 RETURNING name, version, value->>'plan' AS plan;
DELETE FROM customers WHERE name = 'cust-100' RETURNING name, version;
