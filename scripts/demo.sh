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

read -r DYNALITE_PORT PG_PORT < <(kit_free_ports 2) || kit_die "could not find free ports"
kit_say "dynalite on 127.0.0.1:$DYNALITE_PORT, PostgreSQL on 127.0.0.1:$PG_PORT"
kit_start_dynalite "$DYNALITE_PORT" "$KIT_RUN_DIR/dynalite.log"
kit_pg_start "$PG_PORT"

export DDB_DIRECT_ENDPOINT=http://127.0.0.1:$DYNALITE_PORT
export DDB_ACCESS_KEY_ID=$KIT_ACCESS_KEY_ID
export DDB_SECRET_ACCESS_KEY=$KIT_SECRET_ACCESS_KEY
export DDB_REGION=$KIT_REGION
ddb() { node "$REPO/test/ddb.js" "$@"; }

kit_say "create $TABLE and write sample records with dynastore's Put"
ddb create-table "$TABLE" || kit_die "create-table failed"

# name|customer|plan|created (empty: no created field)
records=(
	"cust-001|Ada Lovelace|pro|2024-01-05"
	"cust-002|Alan Turing|team|2024-01-19"
	"cust-003|Grace Hopper|pro|2024-02-02"
	"cust-004|Edsger Dijkstra|free|"
	"cust-005|Barbara Liskov|team|2024-02-27"
	"cust-006|Donald Knuth|pro|2024-03-08"
	"cust-007|Margaret Hamilton|enterprise|2024-03-14"
	"cust-008|John McCarthy|free|"
	"cust-009|Frances Allen|pro|2024-04-01"
	"cust-010|Ken Thompson|team|2024-04-22"
	"cust-011|Dennis Ritchie|team|"
	"cust-012|Radia Perlman|enterprise|2024-05-09"
	"cust-013|Leslie Lamport|pro|2024-05-30"
	"cust-014|Tony Hoare|free|"
	"cust-015|Niklaus Wirth|pro|2024-06-11"
	"cust-016|Katherine Johnson|enterprise|2024-06-24"
	"cust-017|Claude Shannon|team|2024-07-03"
	"cust-018|Hedy Lamarr|free|"
)
pids=()
for r in "${records[@]}"; do
	IFS='|' read -r name customer plan created <<<"$r"
	args=(dynastore-put "$TABLE" "$PARTITION" "$name" "{\"name\":\"$customer\",\"plan\":\"$plan\"}")
	[ -n "$created" ] && args+=(--field "created=$created")
	ddb "${args[@]}" &
	pids+=($!)
done
# A trial that lasts one more day (TTL in the future) ...
ddb dynastore-put "$TABLE" "$PARTITION" cust-019 '{"name":"Tim Berners-Lee","plan":"trial"}' \
	--ttl 86400 --field created=2024-07-15 &
pids+=($!)
# ... and one that ran out an hour ago: dynastore's Get no longer sees it, nor does SQL.
ddb dynastore-put "$TABLE" "$PARTITION" cust-020 '{"name":"Linus Torvalds","plan":"trial"}' \
	--expires "$(($(date +%s) - 3600))" --field created=2024-07-20 &
pids+=($!)
for p in "${pids[@]}"; do
	wait "$p" || kit_die "writing a sample record failed"
done
# Ada upgrades: a second Put of the same key makes version 2.
ddb dynastore-put "$TABLE" "$PARTITION" cust-001 '{"name":"Ada Lovelace","plan":"enterprise"}' \
	--field created=2024-01-05 || kit_die "writing a sample record failed"
kit_say "$(ddb scan-count "$TABLE" "$PARTITION") records in partition '$PARTITION' (one of them expired)"

kit_say "psql -f scripts/demo.sql"
echo
kit_as_postgres "$KIT_PGBIN/psql" -X -a -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
	-v ON_ERROR_STOP=1 \
	-v endpoint="$DDB_DIRECT_ENDPOINT" -v region="$KIT_REGION" \
	-v access_key_id="$KIT_ACCESS_KEY_ID" -v secret_access_key="$KIT_SECRET_ACCESS_KEY" \
	-f - <"$REPO/scripts/demo.sql"
rc=$?
echo
if [ $rc -ne 0 ]; then
	kit_warn "demo.sql failed (psql exit $rc); last lines of the PostgreSQL log:"
	tail -n 20 "$KIT_RUN_DIR/postgres.log" >&2
	exit 1
fi
if [ "$KIT_KEEP" = 1 ]; then
	{
		printf 'export %q\n' "PGHOST=127.0.0.1" "PGPORT=$PG_PORT" "PGUSER=postgres" \
			"DDB_DIRECT_ENDPOINT=$DDB_DIRECT_ENDPOINT" "DDB_ACCESS_KEY_ID=$DDB_ACCESS_KEY_ID" \
			"DDB_SECRET_ACCESS_KEY=$DDB_SECRET_ACCESS_KEY" "DDB_REGION=$DDB_REGION"
	} >"$KIT_RUN_DIR/env.sh"
	kit_say "still running: psql -h 127.0.0.1 -p $PG_PORT -U postgres"
fi
kit_say "demo done"
