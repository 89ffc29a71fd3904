#!/usr/bin/env bash
# Bench: dynastore_fdw against the AWS SDK for JavaScript and against the
# bounds that round trips set, all measured in this one run, each case
# RUNS times (5 by default, after one run to warm up), printed as the
# median, min and max:
#   1. a partition of N records of ~1.1 KB (20,000 and 50 more by default)
#      read whole, with no added latency, by the wrapper and by the SDK
#      (bench/sdk.js) on the same dynalite: every column (SELECT *, value
#      and fields jsonb), the value only (jsonb), and count(*);
#   2. reads with --latency ms (5 by default) held by the test proxy before
#      each request, each against its bound: requests / in flight x the
#      latency + the time of the same read at 0 ms (CPU, dynalite and the
#      proxy): 200 lookups name = $1, a prefix, ORDER BY ... LIMIT 5, joins
#      of 200 and 1,000 local keys, name = ANY (1,000 keys) and the whole
#      partition, whose Query pages follow one another;
#   3. canned answers (50 pages of 1,000 records, served as they are by
#      test/hostile.js, no DynamoDB) against file_fdw reading the same rows
#      from a CSV file and a heap table holding them: the backend's CPU for
#      the value as text, the value as jsonb, every column;
#   4. the same records as a Scan in 8 segments (scan_segments), every
#      column, each answer held 0 and then SCAN_LATENCY_MS (20) ms by
#      test/hostile.js: with read-ahead the segments' next pages travel
#      while the rows of the current ones are made, so that the held runs
#      take the CPU's time plus one round trip, not one a round.
# In flight is what the reads allow at best: the pages of a Query come one
# after the other (each names the next), BatchGetItem rounds are
# independent.  The wrapper's times are the executor's (EXPLAIN ANALYZE's
# Execution Time, TIMING OFF: every row produced, none sent to a client);
# the SDK's are measured in its process around the reads.  Not a test:
# numbers vary with the machine.
#
#   bench/compare.sh [--rows N] [--latency MS] [--runs N] [--keep]
#
# Builds and installs the extension, starts dynalite, the proxy and a
# throw-away PostgreSQL (bench/lib.sh), loads the records with the SDK, and
# stops everything at the end; about 4 minutes with the defaults.
set -uo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROWS=20000
LATENCY_MS=5
RUNS=5
args=()
while [ $# -gt 0 ]; do
	case $1 in
		--runs) [ $# -ge 2 ] || bench_usage; RUNS=$2; shift 2 ;;
		*) args+=("$1"); shift ;;
	esac
done
bench_options "${args[@]+"${args[@]}"}"
[[ $RUNS =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] || kit_die "--runs needs a positive number"
[ "$ROWS" -ge 1000 ] || kit_die "--rows must be at least 1000 (1,000 keys are joined)"
SPECIAL=50
bench_start

kit_say "loading $ROWS records of ~1.1 KB and $SPECIAL more into partition 'big' of bench_cmp (the SDK)"
ddb create-table bench_cmp || kit_die "create-table failed"
node "$KIT_REPO/bench/sdk.js" fill bench_cmp big "$ROWS" || kit_die "fill failed"
specials=$(node -e '
	const n = Number(process.argv[1]);
	console.log(JSON.stringify(Array.from({ length: n }, (_, i) => ({
		id: { S: "big" }, name: { S: "special/" + String(i + 1).padStart(4, "0") },
		version: { N: "1" }, payload: { S: JSON.stringify({ special: i, note: "s".repeat(1000) }) } }))));
' "$SPECIAL")
ddb put bench_cmp "$specials" || kit_die "put of the special records failed"
TOTAL=$((ROWS + SPECIAL))
n=$(ddb scan-count bench_cmp big)
[ "$n" = "$TOTAL" ] || kit_die "partition big holds $n records, not $TOTAL"

# big: through the proxy (which holds requests); big_direct: to dynalite
# itself, as the SDK reads.  Neither is analyzed: the plans are those a
# new user gets.
psql_bench >/dev/null <<-EOF || kit_die "could not set up the tables"
	CREATE SERVER direct FOREIGN DATA WRAPPER dynastore_fdw
	  OPTIONS (endpoint '$DDB_DIRECT_ENDPOINT');
	CREATE USER MAPPING FOR CURRENT_USER SERVER direct
	  OPTIONS (access_key_id '$KIT_ACCESS_KEY_ID', secret_access_key '$KIT_SECRET_ACCESS_KEY');
	CREATE FOREIGN TABLE big (id text, name text, version bigint, expires timestamptz,
	                          value jsonb, fields jsonb)
	  SERVER bench OPTIONS (table 'bench_cmp', partition 'big');
	CREATE FOREIGN TABLE big_direct (id text, name text, version bigint, expires timestamptz,
	                                 value jsonb, fields jsonb)
	  SERVER direct OPTIONS (table 'bench_cmp', partition 'big');
	CREATE TABLE wanted200 AS
	  SELECT 'key-' || lpad((k * ($ROWS / 200))::text, 6, '0') AS name FROM generate_series(1, 200) k;
	CREATE TABLE wanted1000 AS
	  SELECT 'key-' || lpad((k * ($ROWS / 1000))::text, 6, '0') AS name FROM generate_series(1, 1000) k;
	ANALYZE wanted200;
	ANALYZE wanted1000;

	-- The CPU this backend has used (user and system), in ms.
	CREATE FUNCTION bench_cpu_ms() RETURNS float8
	LANGUAGE sql AS \$\$
	  SELECT (f[12]::float8 + f[13]::float8) * 1000 / $(getconf CLK_TCK)
	  FROM regexp_split_to_array(regexp_replace(pg_read_file('/proc/self/stat'), '^.*\) ', ''), ' ') f
	\$\$;

	-- One execution of q: its Execution Time (ms), the backend's CPU over
	-- it (ms, in steps of 10) and the rows of its top node.
	CREATE FUNCTION bench_exec(q text, OUT ms float8, OUT cpu_ms float8, OUT nrows bigint)
	LANGUAGE plpgsql AS \$\$
	DECLARE
	  plan json;
	BEGIN
	  cpu_ms := bench_cpu_ms();
	  EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF, FORMAT JSON) ' || q INTO plan;
	  cpu_ms := bench_cpu_ms() - cpu_ms;
	  ms := (plan->0->>'Execution Time')::float8;
	  nrows := (plan->0->'Plan'->>'Actual Rows')::bigint;
	END \$\$;

	-- keys looked up one by one with a prepared plan (name = \$1, GetItem).
	CREATE FUNCTION bench_lookups(OUT ms float8, OUT cpu_ms float8, OUT nrows bigint)
	LANGUAGE plpgsql AS \$\$
	DECLARE
	  t0 timestamptz := clock_timestamp();
	  k text;
	  v bigint;
	BEGIN
	  cpu_ms := bench_cpu_ms();
	  nrows := 0;
	  FOR k IN SELECT name FROM wanted200 LOOP
	    SELECT version INTO v FROM big WHERE name = k;
	    IF FOUND THEN
	      nrows := nrows + 1;
	    END IF;
	  END LOOP;
	  ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
	  cpu_ms := bench_cpu_ms() - cpu_ms;
	END \$\$;
EOF

# plan_has TEXT SQL: dies unless EXPLAIN of SQL shows TEXT.
plan_has() {
	local plan
	plan=$(psql_bench -At -c "EXPLAIN (COSTS OFF) $2") || kit_die "EXPLAIN failed: $2"
	grep -qF -- "$1" <<<"$plan" || kit_die "the plan of [$2] has no \"$1\":
$plan"
}

# stats FILE [COLUMN]: "median min max" of the numbers in COLUMN (1) of FILE.
stats() {
	awk -v c="${2:-1}" '{ print $c }' "$1" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "- - -"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.6g %.6g %.6g\n", m, v[1], v[NR] }'
}

# session ROWS CALL [RULE]: one psql session that runs "SELECT * FROM CALL"
# once to warm up, then RUNS times; with RULE (0 or the ms to hold each
# request), each run twice, first at 0 ms, then held RULE ms, the proxy's
# rule set in between.  Prints "ms cpu_ms" a run (two lines a run with
# RULE); dies unless each returned ROWS rows.
session() {
	local want=$1 call=$2 rule=${3:-} out i
	out=$( {
		echo "SELECT * FROM $call;"
		for ((i = 0; i < RUNS; i++)); do
			if [ -n "$rule" ]; then
				echo "\\! \"\$DDB_TEST_BIN\"/proxyctl clear"
				echo "SELECT * FROM $call;"
				echo "\\! \"\$DDB_TEST_BIN\"/proxyctl hold '*' $(awk "BEGIN{print $rule / 1000}") 0"
			fi
			echo "SELECT * FROM $call;"
		done
		[ -z "$rule" ] || echo "\\! \"\$DDB_TEST_BIN\"/proxyctl clear"
	} | DDB_TEST_BIN=$KIT_REPO/test psql_bench -At -F ' ') || kit_die "psql failed on $call"
	awk -v want="$want" 'NR > 1 && $3 != want { print "a run returned " $3 " rows, not " want > "/dev/stderr"; bad = 1 }
		NR > 1 { print $1, $2 } END { exit bad }' <<<"$out" || kit_die "wrong rows from $call"
}

# exec_call SQL: the bench_exec call of SQL, quoted.
exec_call() { printf "bench_exec(%s)" "$(printf '%s' "$1" | sed "s/'/''/g; s/^/'/; s/\$/'/")"; }

# --------------------------------------------------------------- 1. the SDK

# The three reads: the wrapper's query and the SDK's mode, each run once by
# each side in turn, RUNS times, each in a process of its own that warms up
# first.
kit_say "1. the whole partition, no added latency: dynastore_fdw and the SDK in turn, $RUNS runs each"
proxyctl clear
plan_has "DynamoDB Operation: Query" "SELECT * FROM big_direct"
plan_has "DynamoDB Select: COUNT" "SELECT count(*) FROM big_direct"
cnt=$(psql_bench -At -c "SELECT count(*) FROM big_direct") || kit_die "count(*) failed"
[ "$cnt" = "$TOTAL" ] || kit_die "count(*) says $cnt, not $TOTAL"
declare -A SDK_SQL=([all]="SELECT * FROM big_direct" [value]="SELECT value FROM big_direct"
	[count]="SELECT count(*) FROM big_direct")
declare -A SDK_ROWS=([all]=$TOTAL [value]=$TOTAL [count]=1)
for m in all value count; do : >"$KIT_RUN_DIR/fdw_$m.ms"; : >"$KIT_RUN_DIR/sdk_$m.ms"; done
saved_runs=$RUNS
for ((r = 0; r < saved_runs; r++)); do
	for m in all value count; do
		RUNS=1 session "${SDK_ROWS[$m]}" "$(exec_call "${SDK_SQL[$m]}")" >>"$KIT_RUN_DIR/fdw_$m.ms"
		node "$KIT_REPO/bench/sdk.js" read bench_cmp big "$m" 1 >"$KIT_RUN_DIR/sdk.out" ||
			kit_die "the SDK's read ($m) failed"
		awk -v want="$TOTAL" '$1 != want { exit 1 }' "$KIT_RUN_DIR/sdk.out" ||
			kit_die "the SDK's read ($m) did not return $TOTAL records"
		awk '{ printf "%.6f %.6f\n", $2 * 1000, $3 * 1000 }' "$KIT_RUN_DIR/sdk.out" >>"$KIT_RUN_DIR/sdk_$m.ms"
	done
	kit_say "run $((r + 1)) of $saved_runs done"
done
RUNS=$saved_runs

# --------------------------------------------------------------- 2. bounds

kit_say "2. reads at 0 and $LATENCY_MS ms a request (the proxy holds each), $RUNS runs each, in turn"
plan_has "DynamoDB Operation: GetItem" "SELECT version FROM big WHERE name = 'key-000001'"
plan_has "begins_with(name, 'special/')" "SELECT * FROM big WHERE name LIKE 'special/%'"
plan_has "Order: descending" "SELECT * FROM big ORDER BY name COLLATE \"C\" DESC LIMIT 5"
plan_has "DynamoDB Batched Key Join" "SELECT w.name, b.version, b.value FROM wanted200 w JOIN big b ON b.name = w.name"
plan_has "DynamoDB Batched Key Join" "SELECT w.name, b.version, b.value FROM wanted1000 w JOIN big b ON b.name = w.name"
plan_has "DynamoDB Operation: BatchGetItem" "SELECT name, version, value FROM big WHERE name = ANY (ARRAY(SELECT name FROM wanted1000))"

# The cases: id, label, rows, in flight at best, the call.
CASES=(
	"lookups|200 lookups name = \$1 (GetItem)|200|1|bench_lookups()"
	"prefix|prefix LIKE 'special/%' ($SPECIAL rows, Query)|$SPECIAL|1|$(exec_call "SELECT name, version, value FROM big WHERE name LIKE 'special/%'")"
	"order|ORDER BY name COLLATE \"C\" DESC LIMIT 5|5|1|$(exec_call "SELECT name, version, value FROM big ORDER BY name COLLATE \"C\" DESC LIMIT 5")"
	"join200|join of 200 local keys (batched)|200|2|$(exec_call "SELECT w.name, b.version, b.value FROM wanted200 w JOIN big b ON b.name = w.name")"
	"join1000|join of 1,000 local keys (batched)|1000|10|$(exec_call "SELECT w.name, b.version, b.value FROM wanted1000 w JOIN big b ON b.name = w.name")"
	"any1000|name = ANY (1,000 keys) (BatchGetItem)|1000|10|$(exec_call "SELECT name, version, value FROM big WHERE name = ANY (ARRAY(SELECT name FROM wanted1000))")"
	"whole|whole partition, every column (Query pages)|$TOTAL|1|$(exec_call "SELECT * FROM big")"
)
declare -A REQS
for c in "${CASES[@]}"; do
	IFS='|' read -r id _ rows _ call <<<"$c"
	proxyctl clear
	proxyctl stats-reset
	RUNS=1 session "$rows" "$call" >/dev/null
	REQS[$id]=$(( $(proxyctl count '*') / 2 ))
	session "$rows" "$call" "$LATENCY_MS" >"$KIT_RUN_DIR/$id.both"
	awk 'NR % 2 == 1' "$KIT_RUN_DIR/$id.both" >"$KIT_RUN_DIR/${id}_0.ms"
	awk 'NR % 2 == 0' "$KIT_RUN_DIR/$id.both" >"$KIT_RUN_DIR/${id}_l.ms"
	kit_say "$(printf '%-10s %5s requests, at 0 ms %s, at %s ms %s (median min max)' "$id" "${REQS[$id]}" \
		"$(stats "$KIT_RUN_DIR/${id}_0.ms")" "$LATENCY_MS" "$(stats "$KIT_RUN_DIR/${id}_l.ms")")"
done

# --------------------------------------------------------------- 3. canned

CANNED_PAGES=50
CANNED_ITEMS=1000
CANNED_ROWS=$((CANNED_PAGES * CANNED_ITEMS))
kit_say "3. canned answers ($CANNED_PAGES pages of $CANNED_ITEMS records) against file_fdw and a heap table, $RUNS runs each"
read -r hostile_port < <(kit_free_ports 1) || kit_die "no free port"
kit_start_hostile "$hostile_port" "$DDB_DIRECT_ENDPOINT" "$KIT_RUN_DIR/hostile.log"
HOSTILE_URL=http://127.0.0.1:$hostile_port
ddb create-table bench_canned || kit_die "create-table failed"
node "$KIT_REPO/bench/canned.js" "$KIT_RUN_DIR/canned-rules.json" "$KIT_RUN_DIR/canned.csv" \
	"$CANNED_PAGES" "$CANNED_ITEMS" AKIDBENCHCANNED || kit_die "canned.js failed"
chown postgres: "$KIT_RUN_DIR/canned-rules.json" "$KIT_RUN_DIR/canned.csv"
psql_bench >/dev/null <<-EOF || kit_die "could not set up the canned tables"
	CREATE SERVER canned FOREIGN DATA WRAPPER dynastore_fdw
	  OPTIONS (endpoint '$HOSTILE_URL', max_retries '0');
	CREATE USER MAPPING FOR CURRENT_USER SERVER canned
	  OPTIONS (access_key_id 'AKIDBENCHCANNED', secret_access_key 'canned');
	CREATE FOREIGN TABLE c_all (id text, name text, version bigint, expires timestamptz,
	                            value jsonb, fields jsonb)
	  SERVER canned OPTIONS (table 'bench_canned', partition 'big');
	CREATE FOREIGN TABLE c_text (id text, name text, version bigint, expires timestamptz,
	                             value text, fields jsonb)
	  SERVER canned OPTIONS (table 'bench_canned', partition 'big');
	CREATE EXTENSION file_fdw;
	CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
	CREATE FOREIGN TABLE f_all (id text, name text, version bigint, expires timestamptz,
	                            value jsonb, fields jsonb)
	  SERVER files OPTIONS (filename '$KIT_RUN_DIR/canned.csv', format 'csv');
	CREATE FOREIGN TABLE f_text (id text, name text, version bigint, expires timestamptz,
	                             value text, fields jsonb)
	  SERVER files OPTIONS (filename '$KIT_RUN_DIR/canned.csv', format 'csv');
	CREATE TABLE h_all AS SELECT * FROM f_all;
	CREATE TABLE h_text AS SELECT * FROM f_text;
	VACUUM ANALYZE h_all, h_text;
EOF

# canned_session SQL [RULES]: as session, each run of SQL after the
# hostile DynamoDB was given the pages again (each answers once), those of
# RULES (canned-rules.json of the run directory by default).
canned_session() {
	local call out i post rules=${2:-$KIT_RUN_DIR/canned-rules.json}
	call=$(exec_call "$1")
	post="\\! curl -sS -o /dev/null -H 'content-type: application/json' --data-binary @'$rules' '$HOSTILE_URL/__hostile/rules'"
	out=$( {
		for ((i = 0; i <= RUNS; i++)); do
			echo "$post"
			echo "SELECT * FROM $call;"
		done
	} | psql_bench -At -F ' ') || kit_die "psql failed on $1"
	awk -v want="$CANNED_ROWS" 'NR > 1 && $3 != want { print "a run returned " $3 " rows, not " want > "/dev/stderr"; bad = 1 }
		NR > 1 { print $1, $2 } END { exit bad }' <<<"$out" || kit_die "wrong rows from $1"
}

# id, label, the columns, the tables: the wrapper's, file_fdw's, the heap
CANNED=(
	"text|value as text|value|c_text|f_text|h_text"
	"jsonb|value as jsonb|value|c_all|f_all|h_all"
	"every|every column (SELECT *)|*|c_all|f_all|h_all"
)
for c in "${CANNED[@]}"; do
	IFS='|' read -r id _ cols ct ft ht <<<"$c"
	canned_session "SELECT $cols FROM $ct" >"$KIT_RUN_DIR/canned_${id}_fdw.ms"
	session "$CANNED_ROWS" "$(exec_call "SELECT $cols FROM $ft")" >"$KIT_RUN_DIR/canned_${id}_file.ms"
	session "$CANNED_ROWS" "$(exec_call "SELECT $cols FROM $ht")" >"$KIT_RUN_DIR/canned_${id}_heap.ms"
	kit_say "$(printf '%-8s CPU ms: dynastore_fdw %s, file_fdw %s, heap %s (median min max)' "$id" \
		"$(stats "$KIT_RUN_DIR/canned_${id}_fdw.ms" 2)" "$(stats "$KIT_RUN_DIR/canned_${id}_file.ms" 2)" \
		"$(stats "$KIT_RUN_DIR/canned_${id}_heap.ms" 2)")"
done

# --------------------------------------------------------------- 4. segments

SCAN_SEGMENTS=8
SCAN_LATENCY_MS=20
SCAN_ROUNDS=$(( (CANNED_PAGES + SCAN_SEGMENTS - 1) / SCAN_SEGMENTS ))
kit_say "4. a Scan in $SCAN_SEGMENTS segments of canned answers, held 0 and $SCAN_LATENCY_MS ms, $RUNS runs each"
for d in 0 "$SCAN_LATENCY_MS"; do
	node "$KIT_REPO/bench/canned.js" "$KIT_RUN_DIR/scan-rules-$d.json" "$KIT_RUN_DIR/scan.csv" \
		"$CANNED_PAGES" "$CANNED_ITEMS" AKIDBENCHCANNED "$SCAN_SEGMENTS" "$d" || kit_die "canned.js failed"
	chown postgres: "$KIT_RUN_DIR/scan-rules-$d.json"
done
psql_bench >/dev/null <<-EOF || kit_die "could not set up the segmented table"
	CREATE FOREIGN TABLE c_scan (id text, name text, version bigint, expires timestamptz,
	                             value jsonb, fields jsonb)
	  SERVER canned OPTIONS (table 'bench_canned', scan_segments '$SCAN_SEGMENTS');
EOF
plan_has "Scan Segments: $SCAN_SEGMENTS" "SELECT * FROM c_scan"
for d in 0 "$SCAN_LATENCY_MS"; do
	canned_session "SELECT * FROM c_scan" "$KIT_RUN_DIR/scan-rules-$d.json" >"$KIT_RUN_DIR/scan_$d.ms"
	kit_say "$(printf 'held %3s ms: ms %s, CPU ms %s (median min max)' "$d" \
		"$(stats "$KIT_RUN_DIR/scan_$d.ms")" "$(stats "$KIT_RUN_DIR/scan_$d.ms" 2)")"
done

# --------------------------------------------------------------- the tables

# ratio_stats A B [COLUMN]: "median min max" of run i of A / run i of B, in
# COLUMN (1: ms, 2: CPU ms) of their files.
ratio_stats() {
	paste -d ' ' "$KIT_RUN_DIR/$1.ms" "$KIT_RUN_DIR/$2.ms" |
		awk -v c="${3:-1}" '$(c + 2) > 0 { printf "%.6f\n", $c / $(c + 2) }' >"$KIT_RUN_DIR/ratio.tmp"
	stats "$KIT_RUN_DIR/ratio.tmp"
}
fmt_ms() { awk -v m="$1" -v lo="$2" -v hi="$3" 'BEGIN { printf "%7.0f (%.0f-%.0f)", m, lo, hi }'; }
fmt_x() { awk -v m="$1" -v lo="$2" -v hi="$3" 'BEGIN { printf "%5.2fx (%.2f-%.2f)", m, lo, hi }'; }

echo
echo "1. the whole partition ($TOTAL records of ~1.1 KB), no added latency, $RUNS runs each, in turn:"
echo "   dynastore_fdw against the AWS SDK for JavaScript v3 (bench/sdk.js) on the same dynalite"
printf '%-26s %-20s %-20s %-20s %-20s %-20s %s\n' "read" "fdw ms" "SDK ms" "fdw / SDK" \
	"fdw CPU ms" "SDK CPU ms" "CPU fdw / SDK"
for m in all value count; do
	case $m in
		all) label="every column (SELECT *)" ;;
		value) label="value only (jsonb)" ;;
		count) label="count(*)" ;;
	esac
	printf '%-26s %-20s %-20s %-20s %-20s %-20s %s\n' "$label" \
		"$(fmt_ms $(stats "$KIT_RUN_DIR/fdw_$m.ms"))" "$(fmt_ms $(stats "$KIT_RUN_DIR/sdk_$m.ms"))" \
		"$(fmt_x $(ratio_stats "fdw_$m" "sdk_$m"))" \
		"$(fmt_ms $(stats "$KIT_RUN_DIR/fdw_$m.ms" 2))" "$(fmt_ms $(stats "$KIT_RUN_DIR/sdk_$m.ms" 2))" \
		"$(fmt_x $(ratio_stats "fdw_$m" "sdk_$m" 2))"
done

echo
echo "2. each request held $LATENCY_MS ms by the proxy, $RUNS runs, each after the same run at 0 ms:"
echo "   against the bound, requests / in flight x $LATENCY_MS ms + the median at 0 ms"
printf '%-46s %8s %9s %8s %-20s %8s %s\n' "read" "requests" "in flight" "0 ms" "$LATENCY_MS ms" "bound" "x bound"
for c in "${CASES[@]}"; do
	IFS='|' read -r id label _ inflight _ <<<"$c"
	read -r zm _ _ < <(stats "$KIT_RUN_DIR/${id}_0.ms")
	reqs=${REQS[$id]}
	bound=$(awk -v r="$reqs" -v f="$inflight" -v l="$LATENCY_MS" -v z="$zm" 'BEGIN { printf "%.6f", (r / f > 1 ? r / f : 1) * l + z }')
	awk -v b="$bound" '{ printf "%.6f\n", $1 / b }' "$KIT_RUN_DIR/${id}_l.ms" >"$KIT_RUN_DIR/${id}_x.ms"
	printf '%-46s %8s %9s %8.1f %-20s %8.1f %s\n' "$label" "$reqs" "$inflight" "$zm" \
		"$(awk -v m="$(stats "$KIT_RUN_DIR/${id}_l.ms")" 'BEGIN { split(m, a, " "); printf "%7.1f (%.1f-%.1f)", a[1], a[2], a[3] }')" \
		"$bound" "$(fmt_x $(stats "$KIT_RUN_DIR/${id}_x.ms"))"
done
echo
echo "3. canned answers: $CANNED_ROWS records in $CANNED_PAGES pages served as they are (no DynamoDB),"
echo "   against file_fdw (CSV) and a heap table on the same rows: the backend's CPU, $RUNS runs"
printf '%-26s %-20s %-20s %-20s %-20s %s\n' "read" "fdw CPU ms" "file_fdw CPU ms" "heap CPU ms" "fdw / file_fdw" "fdw / heap"
for c in "${CANNED[@]}"; do
	IFS='|' read -r id label _ <<<"$c"
	printf '%-26s %-20s %-20s %-20s %-20s %s\n' "$label" \
		"$(fmt_ms $(stats "$KIT_RUN_DIR/canned_${id}_fdw.ms" 2))" \
		"$(fmt_ms $(stats "$KIT_RUN_DIR/canned_${id}_file.ms" 2))" \
		"$(fmt_ms $(stats "$KIT_RUN_DIR/canned_${id}_heap.ms" 2))" \
		"$(fmt_x $(ratio_stats "canned_${id}_fdw" "canned_${id}_file" 2))" \
		"$(fmt_x $(ratio_stats "canned_${id}_fdw" "canned_${id}_heap" 2))"
done

echo
echo "4. a Scan in $SCAN_SEGMENTS segments: the same $CANNED_ROWS records, every column, in $CANNED_PAGES canned pages"
echo "   ($SCAN_ROUNDS rounds of $SCAN_SEGMENTS), each answer held 0 or $SCAN_LATENCY_MS ms, $RUNS runs; bound: one round trip"
echo "   + the median at 0 ms; in lock-step a round trip a round would add $((SCAN_ROUNDS * SCAN_LATENCY_MS)) ms"
printf '%-26s %-20s %-20s %-20s %8s %s\n' "held" "ms" "CPU ms" "ms / CPU" "bound" "x bound"
read -r scan_zm _ _ < <(stats "$KIT_RUN_DIR/scan_0.ms")
for d in 0 "$SCAN_LATENCY_MS"; do
	awk '$2 > 0 { printf "%.6f\n", $1 / $2 }' "$KIT_RUN_DIR/scan_$d.ms" >"$KIT_RUN_DIR/scan_cpu_x.tmp"
	bound=$(awk -v d="$d" -v z="$scan_zm" 'BEGIN { printf "%.6f", d + z }')
	awk -v b="$bound" '{ printf "%.6f\n", $1 / b }' "$KIT_RUN_DIR/scan_$d.ms" >"$KIT_RUN_DIR/scan_b_x.tmp"
	printf '%-26s %-20s %-20s %-20s %8.1f %s\n' "$d ms a request" \
		"$(fmt_ms $(stats "$KIT_RUN_DIR/scan_$d.ms"))" "$(fmt_ms $(stats "$KIT_RUN_DIR/scan_$d.ms" 2))" \
		"$(fmt_x $(stats "$KIT_RUN_DIR/scan_cpu_x.tmp"))" "$bound" "$(fmt_x $(stats "$KIT_RUN_DIR/scan_b_x.tmp"))"
done

echo
echo "ms: the executor's time (EXPLAIN ANALYZE, TIMING OFF), median (min-max) of the runs;"
echo "CPU: the backend's (from /proc, in steps of 10 ms) and the SDK process's; x: the"
echo "median (min-max) of the runs' ratios.  Load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg)"
