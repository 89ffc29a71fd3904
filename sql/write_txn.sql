-- Transactions: DynamoDB has no part in PostgreSQL's.  Each statement's
-- writes are applied as the statement runs; ROLLBACK, a failed statement
-- later in the transaction, or a rolled-back savepoint do not undo them.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY

CREATE SERVER txn_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER txn_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
\! node "$DDB_TEST_DIR"/ddb.js create-table txn_items
CREATE FOREIGN TABLE txn_t (name text, version bigint, value text)
  SERVER txn_srv OPTIONS (table 'txn_items', partition 'p');
CREATE TABLE orders (id int PRIMARY KEY, customer text);

-- ROLLBACK undoes the local row, not the record
BEGIN;
INSERT INTO orders VALUES (1, 'alice');
INSERT INTO txn_t (name, value) VALUES ('alice', 'has order 1');
ROLLBACK;
SELECT count(*) AS local_orders FROM orders;
SELECT name, version, value FROM txn_t;

-- nor UPDATE or DELETE
BEGIN;
UPDATE txn_t SET value = 'changed in a rolled-back transaction' WHERE name = 'alice';
ROLLBACK;
SELECT name, version, value FROM txn_t;
BEGIN;
SAVEPOINT s;
DELETE FROM txn_t WHERE name = 'alice';
ROLLBACK TO SAVEPOINT s;
COMMIT;
SELECT count(*) FROM txn_t;

-- a failing statement later in the transaction leaves earlier writes
INSERT INTO txn_t (name, value) VALUES ('bob', 'first');
BEGIN;
UPDATE txn_t SET value = 'second' WHERE name = 'bob';
INSERT INTO txn_t (name, value) VALUES ('bob', 'duplicate');
ROLLBACK;
SELECT name, version, value FROM txn_t ORDER BY name;

-- The pattern: make the local work and the DynamoDB write each safe to
-- repeat, local first, DynamoDB write last, and commit right after it.
-- If the transaction fails before the write, nothing is in DynamoDB; if
-- it fails after, retrying the whole transaction finds the record there
-- and goes on.
BEGIN;
INSERT INTO orders VALUES (2, 'carol') ON CONFLICT (id) DO NOTHING;
INSERT INTO txn_t (name, value) VALUES ('carol', 'has order 2') ON CONFLICT DO NOTHING;
COMMIT;
-- the same transaction again, as a retry would run it: nothing doubles
BEGIN;
INSERT INTO orders VALUES (2, 'carol') ON CONFLICT (id) DO NOTHING;
INSERT INTO txn_t (name, value) VALUES ('carol', 'has order 2') ON CONFLICT DO NOTHING;
COMMIT;
SELECT * FROM orders;
SELECT name, version, value FROM txn_t WHERE name = 'carol';

DROP TABLE orders;
DROP SERVER txn_srv CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table txn_items
