-- README.md's quick start, word for word, on the test kit: after what the
-- demo does (its records, scripts/demo.sql), each SQL block of the quick
-- start goes to psql as typed and must print exactly what the README shows
-- after it (test/readme-quickstart.js; one line per block).
\setenv PGDATABASE :DBNAME
\! node "$DDB_TEST_DIR"/readme-quickstart.js
