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
  OUT valid boolean)
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
