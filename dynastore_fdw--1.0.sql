/* dynastore_fdw--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION dynastore_fdw" to load this file. \quit

CREATE FUNCTION dynastore_fdw_handler()
RETURNS fdw_handler
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FUNCTION dynastore_fdw_validator(text[], oid)
RETURNS void
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FOREIGN DATA WRAPPER dynastore_fdw
  HANDLER dynastore_fdw_handler
  VALIDATOR dynastore_fdw_validator;

-- ---------------------------------------------------------------- helpers
-- SQL functions for getting started (src/helpers.c).  They use the
-- server's options and the caller's user mapping, and need USAGE on the
-- server.  A NULL argument means its default.

-- Creates a DynamoDB table in dynastore's layout (key: id, name; strings)
-- and waits until it and its indexes are ACTIVE; then turns TTL on for
-- "expires" (a server without the TTL API gets a WARNING).  The local index
-- idx_<field> is (id, <field>), the global index idx_global_1 is
-- (<partition key>, <sort key>), both projecting all attributes.
CREATE FUNCTION dynastore_fdw_create_table(
  server text,
  table_name text,
  local_index_field text DEFAULT NULL,
  global_index_partition_key text DEFAULT NULL,
  global_index_sort_key text DEFAULT NULL,
  billing_mode text DEFAULT 'PAY_PER_REQUEST',
  read_capacity integer DEFAULT NULL,
  write_capacity integer DEFAULT NULL,
  ttl boolean DEFAULT true,
  timeout interval DEFAULT '5 minutes',
  OUT status text,
  OUT indexes text[],
  OUT time_to_live text)
RETURNS record
AS 'MODULE_PATHNAME'
LANGUAGE C VOLATILE;

-- The partitions (distinct ids) of a DynamoDB table, sorted, from a Scan
-- that projects the key: at most max_partitions, the Scan stopping there.
CREATE FUNCTION dynastore_fdw_partitions(
  server text,
  table_name text,
  max_partitions integer DEFAULT 1000)
RETURNS SETOF text
AS 'MODULE_PATHNAME'
LANGUAGE C VOLATILE;

-- The version of the loaded library (META.json's).
CREATE FUNCTION dynastore_fdw_version()
RETURNS text
AS 'MODULE_PATHNAME'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The backend's DynamoDB clients, one per server and user mapping used.
CREATE FUNCTION dynastore_fdw_get_connections (
  OUT server_name text,
  OUT user_name text,
  OUT endpoint text,
  OUT region text,
  OUT credential_source text,
  OUT credential_expiration timestamptz,
  OUT requests bigint,
  OUT open_connections integer,
  OUT valid boolean,
  OUT pending_writes integer)
RETURNS SETOF record
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT PARALLEL RESTRICTED;

-- Close the clients of one server, or of all; true if any was closed.
CREATE FUNCTION dynastore_fdw_disconnect (text)
RETURNS bool
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT PARALLEL RESTRICTED;

CREATE FUNCTION dynastore_fdw_disconnect_all ()
RETURNS bool
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT PARALLEL RESTRICTED;
