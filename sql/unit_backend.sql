-- C unit tests that need a backend: the attribute codec (AttributeValue
-- <-> Datum, per column role and type), LIKE prefixes, and the JSON of
-- every DynamoDB read and write.  They live in the test-only extension
-- dynastore_fdw_unit (test/unit/backend/), which scripts/test.sh builds
-- and installs.  Each suite returns a line per case; only failures are
-- shown, then the number of cases of each suite, so that a failing case,
-- a crash or a vanished case changes this output.
SET timezone = 'UTC';
SET datestyle = 'ISO, MDY';
SET bytea_output = 'hex';
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
CREATE EXTENSION dynastore_fdw_unit;

-- no request is ever sent: the codec only reads the table's definition
CREATE SERVER unit_srv FOREIGN DATA WRAPPER dynastore_fdw
  OPTIONS (endpoint 'http://127.0.0.1:9');

-- a column for each role and type; attr_column_init works out each role
-- from the column's name, type and "attribute" option
CREATE FOREIGN TABLE unit_items (
  id text,
  name text,
  version bigint,
  expires timestamptz,
  value text,
  fields jsonb,
  value_jsonb jsonb OPTIONS (attribute 'payload'),
  value_json json OPTIONS (attribute 'payload'),
  value_bytea bytea OPTIONS (attribute 'payload'),
  version_num numeric OPTIONS (attribute 'version'),
  expires_secs bigint OPTIONS (attribute 'expires'),
  expires_ts timestamp OPTIONS (attribute 'expires'),
  a_text text,
  a_varchar varchar(3),
  a_jsonb jsonb,
  a_bytea bytea,
  a_bigint bigint,
  a_numeric numeric,
  a_boolean boolean,
  a_timestamptz timestamptz,
  a_date date,
  a_renamed text OPTIONS (attribute 'created'),
  a_value text OPTIONS (attribute 'value'),
  a_fields text OPTIONS (attribute 'fields')
) SERVER unit_srv OPTIONS (table 'unit_items', partition 'p');

CREATE TEMP TABLE unit_results AS
  SELECT 'codec' AS suite, r.n, r.line
    FROM dsu_run_codec_tests('unit_items') WITH ORDINALITY AS r(line, n)
  UNION ALL
  SELECT 'write', r.n, r.line
    FROM dsu_run_write_tests('unit_items') WITH ORDINALITY AS r(line, n)
  UNION ALL
  SELECT 'request', r.n, r.line
    FROM dsu_run_request_tests() WITH ORDINALITY AS r(line, n)
  UNION ALL
  SELECT 'pushdown', r.n, r.line
    FROM dsu_run_pushdown_tests() WITH ORDINALITY AS r(line, n);

-- the failing cases: none
SELECT suite, line FROM unit_results WHERE line NOT LIKE 'ok %'
  ORDER BY suite, n;
-- the cases of each suite
SELECT suite, count(*) AS cases,
       count(*) FILTER (WHERE line NOT LIKE 'ok %') AS failed
  FROM unit_results GROUP BY suite ORDER BY suite;

-- The fast JSON path (ddb_json.c) builds what jsonb_in builds, byte for
-- byte, or leaves the text to jsonb_in: escapes other than of non-NUL
-- ASCII, control characters and anything malformed.
SELECT t AS json, dsu_json_fast(t) FROM (VALUES
  ('{}'), ('[]'), ('{"a":1}'), ('{"b":1,"a":2}'), ('{"a":1,"a":2}'),
  ('{"aa":1,"b":2,"a":{"y":1,"x":[]}}'), ('[1,2,[3,{"x":null}]]'),
  ('"text"'), ('123'), ('-0'), ('0.5'), ('1e10'), ('1.5E-3'), ('-12.34e+5'),
  ('12345678901234567890123456789012345678901234567890.5'), ('1e999'), ('1e1000'),
  ('true'), ('false'), ('null'), (E' {\n "a" :\t[ true , false ] }\r\n'),
  ('"esc \" \\ \/ \b \f \n \r \t"'), ('"\u0041\u007f\u0020"'),
  ('"abcdefghijklmnop\"qrstuvwxyz"'), ('"0123456789abcdef0123456789abcdef"'),
  ('"é and ü, 日本"'), ('{"é":"ü","e":"u"}'),
  ('"\u00e9"'), ('"\ud83d\ude00"'), ('"\u0000"'), ('"\x"'), (E'"tab\there"'),
  ('{'), ('[1,]'), ('{"a" 1}'), ('{"a":1,}'), ('01'), ('1.'), ('.5'), ('+1'),
  ('-'), ('1e'), ('tru'), ('truex'), ('nul'), ('"abc'), ('{"a":1}x'), (''),
  ('[1 2]'), ('NaN'), ('{1:2}')
) v(t);

DROP EXTENSION dynastore_fdw_unit;
DROP SERVER unit_srv CASCADE;
