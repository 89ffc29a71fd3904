-- Packaging: META.json, the PGXN metadata, is valid (the keys and formats
-- PGXN's Meta Spec requires) and names the version of the control file and
-- of the library (test/check-meta.js checks; one line per check).
CREATE EXTENSION IF NOT EXISTS dynastore_fdw;
SELECT dynastore_fdw_version() AS lib_version \gset
\setenv LIB_VERSION :lib_version
\! node "$DDB_TEST_DIR"/check-meta.js "$LIB_VERSION"
