-- Encodings: DynamoDB speaks UTF-8.  In a database of another encoding,
-- text is converted both ways, range conditions stay local (the order of
-- bytes differs), and a character the database encoding lacks is an error,
-- not a silent substitute.
\getenv endpoint DDB_ENDPOINT
\getenv key_id DDB_ACCESS_KEY_ID
\getenv secret DDB_SECRET_ACCESS_KEY
\! node "$DDB_TEST_DIR"/ddb.js create-table enc_items
\! node "$DDB_TEST_DIR"/ddb.js put enc_items '[{"id":{"S":"p"},"name":{"S":"café"},"version":{"N":"1"},"payload":{"S":"crème brûlée"}}, {"id":{"S":"p"},"name":{"S":"plain"},"version":{"N":"1"},"payload":{"S":"ascii"}}, {"id":{"S":"q"},"name":{"S":"check"},"version":{"N":"1"},"payload":{"S":"done ✓"}}]'

CREATE DATABASE enc_latin1 ENCODING 'LATIN1' LOCALE_PROVIDER libc LOCALE 'C'
  TEMPLATE template0;
\c enc_latin1
\encoding UTF8
SHOW server_encoding;
CREATE EXTENSION dynastore_fdw;
CREATE SERVER enc_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'endpoint');
CREATE USER MAPPING FOR CURRENT_USER SERVER enc_srv
  OPTIONS (access_key_id :'key_id', secret_access_key :'secret');
CREATE FOREIGN TABLE enc_p (name text, version bigint, value text)
  SERVER enc_srv OPTIONS (table 'enc_items', partition 'p');
CREATE FOREIGN TABLE enc_q (name text, version bigint, value text)
  SERVER enc_srv OPTIONS (table 'enc_items', partition 'q');

-- reads are converted from UTF-8
SELECT name, value, octet_length(value) FROM enc_p ORDER BY name;
-- keys too, in GetItem, BatchGetItem and begins_with
SELECT name, value FROM enc_p WHERE name = 'café';
SELECT name FROM enc_p WHERE name IN ('café', 'plain') ORDER BY name;
SELECT name FROM enc_p WHERE name LIKE 'caf%';
-- DynamoDB's key limits count bytes of UTF-8: 600 é are 600 bytes here,
-- 1200 on the wire, longer than any name (1024) or id (2048) can be, so
-- nothing is asked for them
SELECT octet_length(repeat('é', 600)) AS here,
       octet_length(convert_to(repeat('é', 600), 'UTF8')) AS in_utf8;
SELECT name FROM enc_p WHERE name = repeat('é', 600);
SELECT name FROM enc_p WHERE name IN ('café', repeat('é', 600));
SELECT name FROM enc_p WHERE name LIKE repeat('é', 600) || '%';
CREATE FOREIGN TABLE enc_all (id text, name text)
  SERVER enc_srv OPTIONS (table 'enc_items');
SELECT id, name FROM enc_all WHERE id = repeat('é', 1100);
SELECT id, name FROM enc_all WHERE id = 'p' AND name = repeat('é', 600);
-- a range under "C" orders LATIN1 bytes, not UTF-8 bytes: it stays local
EXPLAIN (COSTS OFF) SELECT name FROM enc_p WHERE name > 'c' COLLATE "C";
SELECT name FROM enc_p WHERE name > 'c' COLLATE "C" ORDER BY name;
-- a character LATIN1 does not have
SELECT name, value FROM enc_q;
\echo :LAST_ERROR_SQLSTATE

-- writes are converted to UTF-8, and read back by dynastore as such
INSERT INTO enc_p (name, value) VALUES ('über', 'naïve') RETURNING version;
UPDATE enc_p SET value = 'déjà vu' WHERE name = 'café' RETURNING version;
\! node "$DDB_TEST_DIR"/ddb.js get enc_items p über
\! node "$DDB_TEST_DIR"/ddb.js get enc_items p café
-- items BatchWriteItem leaves unprocessed are sent again as they first
-- went, in UTF-8 (insert_mode 'put'), and a key's length limit counts
-- UTF-8 bytes: 512 é are 1,024 bytes, 513 are too many
CREATE FOREIGN TABLE enc_put (name text, version bigint, value text)
  SERVER enc_srv OPTIONS (table 'enc_items', partition 'put', insert_mode 'put');
\! "$DDB_TEST_DIR"/proxyctl unprocessed BatchWriteItem 1
INSERT INTO enc_put (name, value) SELECT 'café' || i, 'crème ' || i FROM generate_series(1, 4) i;
\! "$DDB_TEST_DIR"/proxyctl faults unprocessed
\! node "$DDB_TEST_DIR"/ddb.js get enc_items put café1
\! node "$DDB_TEST_DIR"/ddb.js get enc_items put café4
SELECT name, value FROM enc_put ORDER BY name;
INSERT INTO enc_p (name, value) VALUES (repeat('é', 512), 'fits');
INSERT INTO enc_p (name, value) VALUES (repeat('é', 513), 'too long');
\echo :LAST_ERROR_SQLSTATE

\c contrib_regression
DROP DATABASE enc_latin1;
\! node "$DDB_TEST_DIR"/ddb.js delete-table enc_items
