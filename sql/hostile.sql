-- Answers that DynamoDB does not send (a buggy emulator, a proxy, someone
-- in the middle of plain http) are an error that names the operation
-- (SQLSTATE HV00K), never a crash, a read that never ends or a wrong row.
-- The hostile DynamoDB of the test kit (test/hostile.js) answers the
-- chosen operations with the chosen bodies and forwards the rest.
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
\getenv hostile DDB_HOSTILE_ENDPOINT
\! node "$DDB_TEST_DIR"/ddb.js create-table ho_items
\! node "$DDB_TEST_DIR"/ddb.js put ho_items '[{"id":{"S":"p"},"name":{"S":"a"},"version":{"N":"1"},"payload":{"S":"v-a"}}, {"id":{"S":"p"},"name":{"S":"b"},"version":{"N":"1"},"payload":{"S":"v-b"}}]'
CREATE SERVER ho_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint :'hostile', max_retries '2');
CREATE USER MAPPING FOR CURRENT_USER SERVER ho_srv
  OPTIONS (access_key_id 'AKIDHOSTILE', secret_access_key 'secret');
CREATE FOREIGN TABLE ho (name text, version bigint, value text, fields jsonb)
  SERVER ho_srv OPTIONS (table 'ho_items', partition 'p');
CREATE FOREIGN TABLE ho_all (id text, name text, value text)
  SERVER ho_srv OPTIONS (table 'ho_items');
-- the real answers, first
SELECT name, version, value, fields FROM ho ORDER BY name;
SELECT name, value FROM ho WHERE name = 'a';

---------------------------------------------------------------- shapes
-- a 200 of null, of an array, of Items that are not an array
\! "$DDB_TEST_DIR"/hostilectl answer Query 'null'
SELECT count(name) FROM ho;
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/hostilectl answer Query '[1,2,3]'
SELECT count(name) FROM ho;
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":"x"}'
SELECT count(name) FROM ho;
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Count":0}'
SELECT count(name) FROM ho;
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[1,2,3]}'
SELECT count(name) FROM ho;
\! "$DDB_TEST_DIR"/hostilectl answer Scan '{"Items":{"a":1}}'
SELECT count(name) FROM ho_all;
\! "$DDB_TEST_DIR"/hostilectl answer GetItem '{"Item":"a"}'
SELECT * FROM ho WHERE name = 'a';
\! "$DDB_TEST_DIR"/hostilectl answer BatchGetItem '{"Responses":[]}'
SELECT name FROM ho WHERE name IN ('a', 'b');
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[],"ConsumedCapacity":{"CapacityUnits":"lots"}}'
SELECT count(name) FROM ho;
-- not JSON at all
\! "$DDB_TEST_DIR"/hostilectl answer Query 'gateway timeout, try later'
SELECT count(name) FROM ho;
\echo :LAST_ERROR_SQLSTATE

---------------------------------------------------------------- attribute values
-- a number that would inject members into fields, a BOOL that is not a
-- boolean, an S that is not a string, a NULL that is false
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[{"id":{"S":"p"},"name":{"S":"a"},"n":{"N":"1,\"injected\":true"}}],"Count":1}'
SELECT name, fields FROM ho;
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[{"id":{"S":"p"},"name":{"S":"a"},"ok":{"BOOL":"yes"}}],"Count":1}'
SELECT name, fields FROM ho;
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[{"id":{"S":"p"},"name":{"S":"a"},"payload":{"S":5}}],"Count":1}'
SELECT name, value FROM ho;
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[{"id":{"S":"p"},"name":{"S":"a"},"payload":{"NULL":false}}],"Count":1}'
SELECT name, value FROM ho;
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[{"id":{"S":"p"},"name":{"S":"a"},"version":{"N":"1"},"expires":{"N":5}}],"Count":1}'
SELECT name FROM ho;
-- an item without dynastore's key, or with a key that is not a string
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[{"payload":{"S":"x"}}],"Count":1}'
SELECT count(name) FROM ho;
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[{"id":{"S":"p"},"name":{"N":"1"}}],"Count":1}'
SELECT count(name) FROM ho;

---------------------------------------------------------------- keys not asked for
-- GetItem answered with another key, or an item of another partition
\! "$DDB_TEST_DIR"/hostilectl answer GetItem '{"Item":{"id":{"S":"p"},"name":{"S":"b"},"payload":{"S":"v-b"}}}'
SELECT name, value FROM ho WHERE name = 'a';
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/hostilectl answer GetItem '{"Item":{"id":{"S":"other"},"name":{"S":"a"},"payload":{"S":"secret of other"}}}'
SELECT name, value FROM ho WHERE name = 'a';
-- a Query with items of another partition, or beyond its key condition
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[{"id":{"S":"other"},"name":{"S":"a"}}],"Count":1}'
SELECT count(name) FROM ho;
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[{"id":{"S":"p"},"name":{"S":"zzz"}}],"Count":1}'
SELECT name FROM ho WHERE name LIKE 'a%';
-- a BatchGetItem with an item it did not ask for, one twice, another table
\! "$DDB_TEST_DIR"/hostilectl answer BatchGetItem '{"Responses":{"ho_items":[{"id":{"S":"p"},"name":{"S":"c"}}]}}'
SELECT name FROM ho WHERE name IN ('a', 'b');
\! "$DDB_TEST_DIR"/hostilectl answer BatchGetItem '{"Responses":{"ho_items":[{"id":{"S":"p"},"name":{"S":"a"}},{"id":{"S":"p"},"name":{"S":"a"}}]}}'
SELECT name FROM ho WHERE name IN ('a', 'b');
\! "$DDB_TEST_DIR"/hostilectl answer BatchGetItem '{"Responses":{"ho_items":[],"other_table":[]}}'
SELECT name FROM ho WHERE name IN ('a', 'b');
-- ... and in the batched key join
CREATE TABLE ho_keys (k text);
INSERT INTO ho_keys VALUES ('a'), ('b');
ANALYZE ho_keys;
ALTER FOREIGN TABLE ho OPTIONS (ADD estimated_rows '100000');
SET enable_hashjoin = off;
SET enable_mergejoin = off;
\! "$DDB_TEST_DIR"/hostilectl answer BatchGetItem '{"Responses":{"ho_items":[{"id":{"S":"other"},"name":{"S":"a"},"payload":{"S":"secret of other"}}]}}'
SELECT k, value FROM ho_keys JOIN ho ON ho.name = ho_keys.k;
RESET enable_hashjoin;
RESET enable_mergejoin;

---------------------------------------------------------------- unprocessed keys
-- an unprocessed key that is not a string (this crashed the server), one
-- that was not asked for, one that is also answered
\! "$DDB_TEST_DIR"/hostilectl answer BatchGetItem '{"Responses":{"ho_items":[]},"UnprocessedKeys":{"ho_items":{"Keys":[{"id":{"S":"p"},"name":{"N":"1"}}]}}}'
SELECT name FROM ho WHERE name IN ('a', 'b');
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/hostilectl answer BatchGetItem '{"Responses":{"ho_items":[]},"UnprocessedKeys":{"ho_items":{"Keys":[{"id":{"S":"p"},"name":{"S":"zz"}}]}}}'
SELECT name FROM ho WHERE name IN ('a', 'b');
\! "$DDB_TEST_DIR"/hostilectl answer BatchGetItem '{"Responses":{"ho_items":[{"id":{"S":"p"},"name":{"S":"a"}}]},"UnprocessedKeys":{"ho_items":{"Keys":[{"id":{"S":"p"},"name":{"S":"a"}}]}}}'
SELECT name FROM ho WHERE name IN ('a', 'b');
-- keys that come back unprocessed every time: after max_retries (2)
-- rounds in which nothing was processed, the read stops
\! "$DDB_TEST_DIR"/hostilectl stats-reset
\! "$DDB_TEST_DIR"/hostilectl unprocessed BatchGetItem 0
SELECT name FROM ho WHERE name IN ('a', 'b');
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/hostilectl count BatchGetItem
\! "$DDB_TEST_DIR"/hostilectl clear
-- keys left unprocessed once, then answered: that is DynamoDB's way
\! "$DDB_TEST_DIR"/hostilectl unprocessed BatchGetItem 1
SELECT name FROM ho WHERE name IN ('a', 'b') ORDER BY name;

---------------------------------------------------------------- paging
-- a LastEvaluatedKey that comes back for ever: each page the same
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[],"Count":0,"LastEvaluatedKey":{"id":{"S":"p"},"name":{"S":"a"}}}' 0
SELECT count(name) FROM ho;
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/hostilectl clear
-- ... or going round two pages
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[],"Count":0,"LastEvaluatedKey":{"id":{"S":"p"},"name":{"S":"a"}}}'
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[],"Count":0,"LastEvaluatedKey":{"id":{"S":"p"},"name":{"S":"b"}}}'
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[],"Count":0,"LastEvaluatedKey":{"id":{"S":"p"},"name":{"S":"a"}}}'
SELECT count(name) FROM ho;
\! "$DDB_TEST_DIR"/hostilectl clear
-- a LastEvaluatedKey of another partition, or not a key
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[],"Count":0,"LastEvaluatedKey":{"id":{"S":"q"},"name":{"S":"a"}}}'
SELECT count(name) FROM ho;
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[],"Count":0,"LastEvaluatedKey":"next"}'
SELECT count(name) FROM ho;
-- a Scan segment that repeats its key
\! "$DDB_TEST_DIR"/hostilectl answer Scan '{"Items":[],"Count":0,"LastEvaluatedKey":{"id":{"S":"p"},"name":{"S":"a"}}}' 0
SELECT count(name) FROM ho_all;
\! "$DDB_TEST_DIR"/hostilectl clear
-- items out of the order that the plan relies on
\! "$DDB_TEST_DIR"/hostilectl answer Query '{"Items":[{"id":{"S":"p"},"name":{"S":"b"}},{"id":{"S":"p"},"name":{"S":"a"}}],"Count":2}'
SELECT name FROM ho ORDER BY name COLLATE "C" LIMIT 5;

---------------------------------------------------------------- x-amz-crc32
-- a damaged answer is sent again, as the SDKs do
\! "$DDB_TEST_DIR"/hostilectl stats-reset
\! "$DDB_TEST_DIR"/hostilectl badcrc Query 1
SELECT count(name) FROM ho;
\! "$DDB_TEST_DIR"/hostilectl count Query
-- ... and every answer damaged fails after the retries
\! "$DDB_TEST_DIR"/hostilectl badcrc Query 0
SELECT count(name) FROM ho;
\echo :LAST_ERROR_SQLSTATE
\! "$DDB_TEST_DIR"/hostilectl clear
-- a body that another answer's CRC32 came with
\! "$DDB_TEST_DIR"/hostilectl answer GetItem '{"Item":{"id":{"S":"p"},"name":{"S":"a"},"payload":{"S":"forged"}}}' 0 --crc bad
SELECT name, value FROM ho WHERE name = 'a';
\! "$DDB_TEST_DIR"/hostilectl clear
-- no x-amz-crc32 at all is accepted (proxies drop it)
\! "$DDB_TEST_DIR"/hostilectl answer GetItem '{"Item":{"id":{"S":"p"},"name":{"S":"a"},"payload":{"S":"v-a"}}}' --crc none
SELECT name, value FROM ho WHERE name = 'a';

-- and after all that, the session reads on
SELECT name, version, value FROM ho ORDER BY name;

DROP TABLE ho_keys;
DROP SERVER ho_srv CASCADE;
\! node "$DDB_TEST_DIR"/ddb.js delete-table ho_items
