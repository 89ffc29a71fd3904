/* dynastore_fdw_unit--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION dynastore_fdw_unit" to load this file. \quit

-- Each returns one line per case: "ok <case>" or "FAILED <case>: ...".

-- The read side of the attribute codec, over a dynastore_fdw foreign table
-- with the columns that sql/unit_backend.sql gives it.
CREATE FUNCTION dsu_run_codec_tests(regclass)
RETURNS SETOF text
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

-- The write side: Datum -> AttributeValue, and the JSON of writes.
CREATE FUNCTION dsu_run_write_tests(regclass)
RETURNS SETOF text
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

-- The JSON of reads, and the JSON helpers.
CREATE FUNCTION dsu_run_request_tests()
RETURNS SETOF text
AS 'MODULE_PATHNAME'
LANGUAGE C;

-- LIKE patterns and the prefixes pushed down as begins_with.
CREATE FUNCTION dsu_run_pushdown_tests()
RETURNS SETOF text
AS 'MODULE_PATHNAME'
LANGUAGE C;

-- The fast JSON path of ddb_json.c against jsonb_in, for one text.
CREATE FUNCTION dsu_json_fast(text)
RETURNS text
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;
