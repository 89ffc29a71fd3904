#!/usr/bin/env bash
# The demo: builds and installs dynastore_fdw, starts dynalite and a throw-away
# PostgreSQL, writes sample customer records into the dynastore table CRMTable
# exactly as dynastore's Put writes them, runs scripts/demo.sql with psql and
# prints what it shows, then stops everything.
#
#   scripts/demo.sh [--keep]     --keep leaves dynalite and PostgreSQL running
set -uo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in
	--keep) KIT_KEEP=1 ;;
	"") ;;
	*) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

REPO=$KIT_REPO
TABLE=CRMTable
PARTITION=customers

if [ "${DDB_TEST_SKIP_SETUP:-0}" != 1 ]; then
	bash "$REPO/scripts/setup.sh" || kit_die "scripts/setup.sh failed"
fi
kit_init
cd "$REPO" || kit_die "cannot enter $REPO"

kit_say "build and install dynastore_fdw"
kit_build "$KIT_RUN_DIR/build.log" || kit_die "the extension did not build (log above)"

read -r DYNALITE_PORT PROXY_PORT PG_PORT < <(kit_free_ports 3) || kit_die "could not find free ports"
kit_say "dynalite on 127.0.0.1:$DYNALITE_PORT, PostgreSQL on 127.0.0.1:$PG_PORT"
kit_start_dynalite "$DYNALITE_PORT" "$KIT_RUN_DIR/dynalite.log"
# dynalite has no TransactWriteItems, which the FDW's writes use: the test
# kit's proxy in front of it checks signatures and plays the transactions.
kit_say "the test kit's proxy on 127.0.0.1:$PROXY_PORT, in front of dynalite (it adds TransactWriteItems)"
kit_start_proxy "$PROXY_PORT" "http://127.0.0.1:$DYNALITE_PORT" "$KIT_RUN_DIR/proxy.log"
kit_pg_start "$PG_PORT"

export DDB_DIRECT_ENDPOINT=http://127.0.0.1:$DYNALITE_PORT
export DDB_ENDPOINT=http://127.0.0.1:$PROXY_PORT
export DDB_ACCESS_KEY_ID=$KIT_ACCESS_KEY_ID
export DDB_SECRET_ACCESS_KEY=$KIT_SECRET_ACCESS_KEY
export DDB_REGION=$KIT_REGION
ddb() { node "$REPO/test/ddb.js" "$@"; }

kit_say "create $TABLE and write sample records with dynastore's Put (scripts/demo-data.sh)"
bash "$REPO/scripts/demo-data.sh" || kit_die "writing the sample records failed"
kit_say "$(ddb scan-count "$TABLE" "$PARTITION") records in partition '$PARTITION' (one of them expired)"

kit_say "psql -f scripts/demo.sql"
echo
# psql echoes each statement before its result (-a).  What only steers psql
# (backslash commands) is left out of the transcript, and so is the
# "psql:<stdin>:N:" that psql puts before messages read from a file.
kit_as_postgres "$KIT_PGBIN/psql" -X -a -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
	-v ON_ERROR_STOP=1 \
	-v endpoint="$DDB_ENDPOINT" -v region="$KIT_REGION" \
	-v access_key_id="$KIT_ACCESS_KEY_ID" -v secret_access_key="$KIT_SECRET_ACCESS_KEY" \
	-f - <"$REPO/scripts/demo.sql" 2>&1 |
	sed -u -e '/^\\/d' -e 's/^psql:<stdin>:[0-9]*: //'
rc=${PIPESTATUS[0]}
echo
if [ $rc -ne 0 ]; then
	kit_warn "demo.sql failed (psql exit $rc); last lines of the PostgreSQL log:"
	tail -n 20 "$KIT_RUN_DIR/postgres.log" >&2
	exit 1
fi
if [ "$KIT_KEEP" = 1 ]; then
	{
		printf 'export %q\n' "PGHOST=127.0.0.1" "PGPORT=$PG_PORT" "PGUSER=postgres" \
			"PATH=$KIT_PGBIN:$PATH" \
			"DDB_DIRECT_ENDPOINT=$DDB_DIRECT_ENDPOINT" "DDB_ENDPOINT=$DDB_ENDPOINT" \
			"DDB_ACCESS_KEY_ID=$DDB_ACCESS_KEY_ID" \
			"DDB_SECRET_ACCESS_KEY=$DDB_SECRET_ACCESS_KEY" "DDB_REGION=$DDB_REGION"
	} >"$KIT_RUN_DIR/env.sh"
	kit_say "still running: dynalite on $DDB_DIRECT_ENDPOINT behind the proxy on $DDB_ENDPOINT, PostgreSQL on 127.0.0.1:$PG_PORT"
	cat <<-EOF
	    Go on by hand (README.md, "Quick start"):
	      source $KIT_RUN_DIR/env.sh
	      psql          # database postgres: server dynamo, foreign table customers
	EOF
fi
kit_say "demo done"
