# shellcheck shell=bash
# Functions shared by the benches of bench/: their options, the services
# (dynalite, the test proxy and a throw-away PostgreSQL, through scripts/lib.sh)
# and a measured run, whose DynamoDB requests the proxy counts and holds
# --latency ms each, as a network round trip to DynamoDB would.  Source it;
# it defines, runs nothing.

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

# The header comment of the bench being run, on stderr; exits 2.
bench_usage() {
	awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0" >&2
	exit 2
}

# bench_options "$@": --rows N, --latency MS and --keep.  Sets ROWS and
# LATENCY_MS (set their defaults before) and KIT_KEEP.
bench_options() {
	while [ $# -gt 0 ]; do
		case $1 in
			--rows) [ $# -ge 2 ] || bench_usage; ROWS=$2; shift 2 ;;
			--latency) [ $# -ge 2 ] || bench_usage; LATENCY_MS=$2; shift 2 ;;
			--keep) KIT_KEEP=1; shift ;;
			*) bench_usage ;;
		esac
	done
	if ! [[ $ROWS =~ ^[0-9]+$ ]] || [ "$ROWS" -eq 0 ]; then kit_die "--rows needs a positive number"; fi
	[[ $LATENCY_MS =~ ^[0-9]+$ ]] || kit_die "--latency needs a whole number of ms"
}

# bench_start: installs what is missing (scripts/setup.sh), builds and installs
# the extension, starts dynalite, the proxy and PostgreSQL, exports the DDB_*
# variables test/ddb.js and test/proxyctl read, and creates the extension, the
# server `bench` (through the proxy) and the user mapping.  Everything stops at
# exit, unless --keep.
bench_start() {
	if [ "${DDB_TEST_SKIP_SETUP:-0}" != 1 ]; then
		bash "$KIT_REPO/scripts/setup.sh" >/dev/null || kit_die "scripts/setup.sh failed"
	fi
	kit_init
	cd "$KIT_REPO" || kit_die "cannot enter $KIT_REPO"

	kit_say "build and install dynastore_fdw"
	kit_build "$KIT_RUN_DIR/build.log" || kit_die "the extension did not build"

	local dynalite_port proxy_port
	read -r dynalite_port proxy_port PG_PORT < <(kit_free_ports 3) || kit_die "no free ports"
	kit_start_dynalite "$dynalite_port" "$KIT_RUN_DIR/dynalite.log"
	kit_start_proxy "$proxy_port" "http://127.0.0.1:$dynalite_port" "$KIT_RUN_DIR/proxy.log"
	kit_pg_start "$PG_PORT"

	export DDB_DIRECT_ENDPOINT=http://127.0.0.1:$dynalite_port
	export DDB_PROXY_URL=http://127.0.0.1:$proxy_port
	export DDB_ACCESS_KEY_ID=$KIT_ACCESS_KEY_ID
	export DDB_SECRET_ACCESS_KEY=$KIT_SECRET_ACCESS_KEY
	export DDB_REGION=$KIT_REGION
	if [ "$KIT_KEEP" = 1 ]; then
		printf 'export %q\n' "PGHOST=$PGHOST" "PGPORT=$PGPORT" "PGUSER=$PGUSER" \
			"DDB_DIRECT_ENDPOINT=$DDB_DIRECT_ENDPOINT" "DDB_PROXY_URL=$DDB_PROXY_URL" \
			"DDB_ACCESS_KEY_ID=$DDB_ACCESS_KEY_ID" "DDB_SECRET_ACCESS_KEY=$DDB_SECRET_ACCESS_KEY" \
			"DDB_REGION=$DDB_REGION" >"$KIT_RUN_DIR/env.sh"
	fi

	psql_bench >/dev/null <<-EOF || kit_die "could not create the server"
		CREATE EXTENSION dynastore_fdw;
		CREATE SERVER bench FOREIGN DATA WRAPPER dynastore_fdw
		  OPTIONS (endpoint '$DDB_PROXY_URL');
		CREATE USER MAPPING FOR CURRENT_USER SERVER bench
		  OPTIONS (access_key_id '$KIT_ACCESS_KEY_ID', secret_access_key '$KIT_SECRET_ACCESS_KEY');
	EOF
}

ddb() { node "$KIT_REPO/test/ddb.js" "$@"; }
proxyctl() { "$KIT_REPO/test/proxyctl" "$@"; }
psql_bench() {
	kit_as_postgres "$KIT_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" \
		-U postgres -d postgres "$@"
}

# bench_run: runs the SQL on stdin in one psql session, each DynamoDB request
# held LATENCY_MS by the proxy.  Prints "seconds requests rows operations":
# the time from the first statement to the end of the last (as the server's
# clock says: connecting is not counted), the requests the proxy forwarded,
# the rows the statements printed (unaligned, one a line; kept in
# $KIT_RUN_DIR/bench.out) and the requests of each operation ("GetItem:200",
# comma-separated).  Dies when psql fails.
bench_run() {
	local sql secs
	sql=$(cat)
	proxyctl clear
	if [ "$LATENCY_MS" -gt 0 ]; then
		proxyctl hold '*' "$(awk "BEGIN{print $LATENCY_MS / 1000}")" 0
	fi
	proxyctl stats-reset
	secs=$(psql_bench -At <<-EOF
		SELECT extract(epoch FROM clock_timestamp()) AS bench_t0 \gset
		\o bench.out
		$sql
		\o
		SELECT to_char(extract(epoch FROM clock_timestamp()) - :bench_t0, 'FM999990.000');
	EOF
	) || kit_die "psql failed on: $sql"
	proxyctl clear
	printf '%s %s %s %s\n' "$secs" "$(proxyctl count '*')" "$(wc -l <"$KIT_RUN_DIR/bench.out")" \
		"$(proxyctl stats | node -e '
			let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
				const f = JSON.parse(s).forwarded;
				console.log(Object.keys(f).sort().map((k) => k + ":" + f[k]).join(",") || "-");
			});')"
}

# bench_ratio A B: A / B, to one decimal ("-" when B is 0).
bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.1f\n", a / b }'; }
