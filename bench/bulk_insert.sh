#!/usr/bin/env bash
# Bench: a bulk INSERT of N records (10,000 by default) into a dynastore
# table, one conditional write at a time (batch_size 1) against batches whose
# writes go out at once (batch_size 100), and against insert_mode 'put'
# (BatchWriteItem).  Prints requests and time of each, and the ratios, all
# measured in this one run.  Not a test: numbers vary with the machine.
#
#   bench/bulk_insert.sh [--rows N] [--latency MS] [--keep]
#
# dynalite answers in well under a millisecond, which DynamoDB never does, so
# every request is held --latency ms (default 5) by the test proxy first, as a
# network round trip to DynamoDB would; --latency 0 measures dynalite alone.
# Builds and installs the extension, starts dynalite, the proxy and a
# throw-away PostgreSQL (scripts/lib.sh), and stops them at the end.
set -uo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

ROWS=10000
LATENCY_MS=5
while [ $# -gt 0 ]; do
	case $1 in
		--rows) ROWS=$2; shift 2 ;;
		--latency) LATENCY_MS=$2; shift 2 ;;
		--keep) KIT_KEEP=1; shift ;;
		*) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
[[ $ROWS =~ ^[0-9]+$ ]] && [ "$ROWS" -gt 0 ] || kit_die "--rows needs a positive number"
[[ $LATENCY_MS =~ ^[0-9]+$ ]] || kit_die "--latency needs a whole number of ms"

REPO=$KIT_REPO
if [ "${DDB_TEST_SKIP_SETUP:-0}" != 1 ]; then
	bash "$REPO/scripts/setup.sh" >/dev/null || kit_die "scripts/setup.sh failed"
fi
kit_init
cd "$REPO" || kit_die "cannot enter $REPO"

kit_say "build and install dynastore_fdw"
kit_build "$KIT_RUN_DIR/build.log" || kit_die "the extension did not build"

read -r DYNALITE_PORT PROXY_PORT PG_PORT < <(kit_free_ports 3) || kit_die "no free ports"
kit_start_dynalite "$DYNALITE_PORT" "$KIT_RUN_DIR/dynalite.log"
kit_start_proxy "$PROXY_PORT" "http://127.0.0.1:$DYNALITE_PORT" "$KIT_RUN_DIR/proxy.log"
kit_pg_start "$PG_PORT"

export DDB_DIRECT_ENDPOINT=http://127.0.0.1:$DYNALITE_PORT
export DDB_PROXY_URL=http://127.0.0.1:$PROXY_PORT
export DDB_ACCESS_KEY_ID=$KIT_ACCESS_KEY_ID
export DDB_SECRET_ACCESS_KEY=$KIT_SECRET_ACCESS_KEY
export DDB_REGION=$KIT_REGION
ddb() { node "$REPO/test/ddb.js" "$@"; }
proxyctl() { "$REPO/test/proxyctl" "$@"; }
psql_bench() {
	kit_as_postgres "$KIT_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" \
		-U postgres -d postgres "$@"
}

ddb create-table bench_items || kit_die "create-table failed"
psql_bench >/dev/null <<-EOF || kit_die "could not set up the foreign tables"
	CREATE EXTENSION dynastore_fdw;
	CREATE SERVER bench FOREIGN DATA WRAPPER dynastore_fdw
	  OPTIONS (endpoint 'http://127.0.0.1:$PROXY_PORT');
	CREATE USER MAPPING FOR CURRENT_USER SERVER bench
	  OPTIONS (access_key_id '$KIT_ACCESS_KEY_ID', secret_access_key '$KIT_SECRET_ACCESS_KEY');
	CREATE FOREIGN TABLE one_at_a_time (name text, version bigint, value text, fields jsonb)
	  SERVER bench OPTIONS (table 'bench_items', partition 'single', batch_size '1');
	CREATE FOREIGN TABLE batched (name text, version bigint, value text, fields jsonb)
	  SERVER bench OPTIONS (table 'bench_items', partition 'batched', batch_size '100');
	CREATE FOREIGN TABLE put_mode (name text, version bigint, value text, fields jsonb)
	  SERVER bench OPTIONS (table 'bench_items', partition 'put', batch_size '100',
	                        insert_mode 'put');
EOF

# run TABLE: insert ROWS records into TABLE; prints "seconds requests"
run() {
	local table=$1 start end
	proxyctl clear
	[ "$LATENCY_MS" -gt 0 ] && proxyctl hold '*' "$(awk "BEGIN{print $LATENCY_MS/1000}")" 0
	proxyctl stats-reset
	start=$(date +%s.%N)
	psql_bench -c "INSERT INTO $table (name, value, fields)
	               SELECT 'record/' || lpad(i::text, 6, '0'), repeat('v', 200),
	                      jsonb_build_object('created', '2024-01-01')
	               FROM generate_series(1, $ROWS) i" || kit_die "INSERT into $table failed"
	end=$(date +%s.%N)
	proxyctl clear
	printf '%s %s\n' "$(awk "BEGIN{printf \"%.2f\", $end - $start}")" "$(proxyctl count '*')"
}

kit_say "inserting $ROWS records three ways (each request held ${LATENCY_MS} ms)"
read -r single_s single_r < <(run one_at_a_time)
read -r batch_s batch_r < <(run batched)
read -r put_s put_r < <(run put_mode)

for t in single batched put; do
	n=$(ddb scan-count bench_items "$t")
	[ "$n" = "$ROWS" ] || kit_die "partition $t holds $n records, not $ROWS"
done

echo
printf '%-44s %10s %10s %12s\n' "bulk INSERT of $ROWS records" requests seconds records/s
printf '%-44s %10s %10s %12s\n' "one at a time (batch_size 1, PutItem)" "$single_r" "$single_s" \
	"$(awk "BEGIN{printf \"%.0f\", $ROWS / $single_s}")"
printf '%-44s %10s %10s %12s\n' "batched (batch_size 100, PutItem at once)" "$batch_r" "$batch_s" \
	"$(awk "BEGIN{printf \"%.0f\", $ROWS / $batch_s}")"
printf '%-44s %10s %10s %12s\n' "insert_mode 'put' (BatchWriteItem of 25)" "$put_r" "$put_s" \
	"$(awk "BEGIN{printf \"%.0f\", $ROWS / $put_s}")"
echo
printf 'batched vs one at a time:  %.1fx faster, %.2fx the requests\n' \
	"$(awk "BEGIN{print $single_s / $batch_s}")" "$(awk "BEGIN{print $batch_r / $single_r}")"
printf "put vs one at a time:      %.1fx faster, %.2fx the requests\n" \
	"$(awk "BEGIN{print $single_s / $put_s}")" "$(awk "BEGIN{print $put_r / $single_r}")"
