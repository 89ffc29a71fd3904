#!/usr/bin/env bash
# pg_regress --launcher for `make installcheck`: pg_regress runs each test's
# psql through this, which first gives the test what scripts/test.sh gives
# it: a fresh database with the ddb_test.* settings and the collation the
# tests expect (ICU en-US, which orders text unlike DynamoDB), and proxies
# with no rule and zeroed counters.  Then it runs the psql command.
#
# It needs the DDB_* variables of scripts/services.sh's env file.  Its own
# output would land in the test's output, so it prints only on failure.
set -u
for v in DDB_ENDPOINT DDB_PROXY_URL DDB_DIRECT_ENDPOINT DDB_TOKEN_ENDPOINT \
	DDB_TEST_SESSION_TOKEN DDB_ACCESS_KEY_ID DDB_SECRET_ACCESS_KEY DDB_REGION DDB_TEST_DIR; do
	[ -n "${!v:-}" ] || { echo "regress-launcher: $v is not set: start scripts/services.sh and source its env file" >&2; exit 1; }
done

# the database: the argument after -d
db="" prev=""
for a in "$@"; do
	[ "$prev" = -d ] && db=$a
	prev=$a
done
[ -n "$db" ] || { echo "regress-launcher: no -d DATABASE in: $*" >&2; exit 1; }
psql_bin=$1

for u in "$DDB_PROXY_URL" "$DDB_TOKEN_ENDPOINT"; do
	curl -sf -o /dev/null -X DELETE "$u/__proxy/rules" &&
		curl -sf -o /dev/null -X POST "$u/__proxy/stats/reset" ||
		{ echo "regress-launcher: the proxy at $u does not answer" >&2; exit 1; }
done

"$psql_bin" -X -q -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL || { echo "regress-launcher: could not create database $db" >&2; exit 1; }
SET client_min_messages = warning;
DROP DATABASE IF EXISTS "$db" WITH (FORCE);
CREATE DATABASE "$db" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LC_COLLATE 'C' LC_CTYPE 'C';
ALTER DATABASE "$db" SET lc_messages = 'C';
ALTER DATABASE "$db" SET ddb_test.endpoint = '$DDB_ENDPOINT';
ALTER DATABASE "$db" SET ddb_test.proxy_url = '$DDB_PROXY_URL';
ALTER DATABASE "$db" SET ddb_test.direct_endpoint = '$DDB_DIRECT_ENDPOINT';
ALTER DATABASE "$db" SET ddb_test.token_endpoint = '$DDB_TOKEN_ENDPOINT';
ALTER DATABASE "$db" SET ddb_test.session_token = '$DDB_TEST_SESSION_TOKEN';
ALTER DATABASE "$db" SET ddb_test.access_key_id = '$DDB_ACCESS_KEY_ID';
ALTER DATABASE "$db" SET ddb_test.secret_access_key = '$DDB_SECRET_ACCESS_KEY';
ALTER DATABASE "$db" SET ddb_test.region = '$DDB_REGION';
ALTER DATABASE "$db" SET ddb_test.test_dir = '$DDB_TEST_DIR';
SQL
exec "$@"
