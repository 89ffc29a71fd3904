-- The README's walk-through, run by scripts/demo.sh against dynalite.
-- psql variables (pass them with -v): endpoint, region, access_key_id, secret_access_key.
\set ON_ERROR_STOP on
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
