#!/usr/bin/env bash
# Bench: reads of one partition of N records of ~1 KB (20,000 by default),
# each with the DynamoDB request the wrapper pushes it down to, against the
# same query written so that nothing is pushed (a read of the whole
# partition, filtered, joined or sorted by PostgreSQL):
#   1. 200 lookups `name = $1` (GetItem each) against `name || '' = $1`;
#   2. a prefix, `name LIKE 'special/%'` (Query begins_with, 50 records);
#   3. a join of 200 local keys: the batched key join (BatchGetItem) against
#      a parameterized nested loop (GetItem a key) and a hash join;
#   4. `ORDER BY name COLLATE "C" DESC LIMIT 5` (Query, Limit 5) against
#      `ORDER BY name DESC LIMIT 5` under the default collation (ICU en-US).
# Prints requests and seconds of each and the ratios (not pushed / pushed),
# all measured in this one run.  Not a test: numbers vary with the machine.
#
#   bench/reads.sh [--rows N] [--latency MS] [--keep]
#
# dynalite answers in well under a millisecond, which DynamoDB never does, so
# every request is held --latency ms (default 5) by the test proxy first, as a
# network round trip to DynamoDB would; --latency 0 measures dynalite alone.
# Builds and installs the extension, starts dynalite, the proxy and a
# throw-away PostgreSQL (bench/lib.sh), and stops them at the end.
set -uo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROWS=20000
LATENCY_MS=5
bench_options "$@"
[ "$ROWS" -ge 250 ] || kit_die "--rows must be at least 250 (200 keys to look up, 50 'special/' records)"
LOOKUPS=200        # keys looked up, and joined
SPECIAL=50         # records of the prefix 'special/'
SCAN_SAMPLE=5      # lookups made without pushdown (each reads the partition), then scaled to LOOKUPS
PAYLOAD=1000       # characters of each record's value
REPEAT=10          # runs of each query of cases 2 to 4, for a mean
bench_start

kit_say "loading $ROWS records of ~1 KB into partition 'big' of bench_reads"
ddb create-table bench_reads || kit_die "create-table failed"
ddb fill bench_reads big $((ROWS - SPECIAL)) "$PAYLOAD" || kit_die "fill failed"
items=$(awk -v n="$SPECIAL" -v bytes="$PAYLOAD" 'BEGIN {
	pad = sprintf("%*s", bytes, ""); gsub(/ /, "s", pad)
	printf "["
	for (i = 1; i <= n; i++)
		printf "%s{\"id\":{\"S\":\"big\"},\"name\":{\"S\":\"special/%04d\"},\"version\":{\"N\":\"1\"},\"payload\":{\"S\":\"%s\"}}",
			(i > 1 ? "," : ""), i, pad
	printf "]"
}')
ddb put bench_reads "$items" || kit_die "put of the special records failed"
n=$(ddb scan-count bench_reads big)
[ "$n" = "$ROWS" ] || kit_die "partition big holds $n records, not $ROWS"

# The keys looked up and joined: LOOKUPS of them, spread over the partition.
step=$(((ROWS - SPECIAL) / LOOKUPS))
keys=()
for ((k = 1; k <= LOOKUPS; k++)); do keys+=("$(printf 'key-%06d' $((k * step)))"); done

psql_bench >/dev/null <<-EOF || kit_die "could not set up the tables"
	CREATE FOREIGN TABLE big (name text, version bigint, value text)
	  SERVER bench OPTIONS (table 'bench_reads', partition 'big');
	CREATE TABLE wanted (name text PRIMARY KEY);
	INSERT INTO wanted SELECT 'key-' || lpad((k * $step)::text, 6, '0')
	  FROM generate_series(1, $LOOKUPS) k;
	ANALYZE wanted;
	ANALYZE big;
EOF

# lookups PREDICATE N: SQL for the first N keys looked up one by one,
# through a prepared statement whose WHERE is PREDICATE (of $1).
lookups() {
	local k
	echo "PREPARE lookup(text) AS SELECT name, version, value FROM big WHERE $1;"
	for ((k = 0; k < $2; k++)); do echo "EXECUTE lookup('${keys[k]}');"; done
}

# explain SQL: sets PLAN to EXPLAIN (COSTS OFF) of SQL, with the statement
# SETS (if set) before it, and PLAN_TOP to the plan's top node.
explain() {
	PLAN=$(psql_bench -At -c "${SETS:-SELECT}" -c "EXPLAIN (COSTS OFF) $1" | sed '/^$/d') ||
		kit_die "EXPLAIN failed: $1"
	PLAN_TOP=$(head -n 1 <<<"$PLAN")
}

# plan_has TEXT SQL: dies unless the plan of SQL shows TEXT.
plan_has() {
	explain "$2"
	grep -qF -- "$1" <<<"$PLAN" || kit_die "the plan of [$2] has no \"$1\":
$PLAN"
}

# measure ID ROWS [TIMES]: bench_run of the SQL on stdin, TIMES times over
# (1 by default) in the one session; keeps the seconds, requests and
# operations of one time in SECS[ID], REQS[ID], OPS[ID] (the means), and the
# rows, sorted, in $KIT_RUN_DIR/ID.out.  Dies unless each time returned ROWS rows.
declare -A SECS REQS OPS
measure() {
	local id=$1 want=$2 times=${3:-1} sql secs reqs rows ops i
	sql=$(cat)
	read -r secs reqs rows ops < <(for ((i = 0; i < times; i++)); do echo "$sql"; done | bench_run)
	[ -n "$ops" ] || kit_die "case $id failed"
	[ "$rows" = $((want * times)) ] || kit_die "case $id returned $rows rows, not $((want * times))"
	sort "$KIT_RUN_DIR/bench.out" >"$KIT_RUN_DIR/$id.out"
	SECS[$id]=$secs REQS[$id]=$reqs OPS[$id]=$ops
	kit_say "$(printf '%-10s %3s time(s) %7s requests %9s s   %s' "$id" "$times" "$reqs" "$secs" "$ops")"
	scale "$id" "$(awk -v t="$times" 'BEGIN { print 1 / t }')"
}

# scale ID FACTOR: multiplies the seconds, requests and operations of case ID.
scale() {
	local id=$1 f=$2
	SECS[$id]=$(awk -v s="${SECS[$id]}" -v f="$f" 'BEGIN { printf "%.6f", s * f }')
	REQS[$id]=$(awk -v r="${REQS[$id]}" -v f="$f" 'BEGIN { printf "%.10g", r * f }')
	OPS[$id]=$(awk -v o="${OPS[$id]}" -v f="$f" 'BEGIN {
		n = split(o, a, ",")
		for (i = 1; i <= n; i++) { split(a[i], kv, ":"); printf "%s%s:%.10g", (i > 1 ? "," : ""), kv[1], kv[2] * f }
	}')
}

# same A B: dies unless cases A and B returned the same rows.
same() {
	cmp -s "$KIT_RUN_DIR/$1.out" "$KIT_RUN_DIR/$2.out" || kit_die "cases $1 and $2 returned different rows"
}

kit_say "measuring (each request held ${LATENCY_MS} ms)"

# 1. Lookups.  Without pushdown each one reads the whole partition: only
# SCAN_SAMPLE of them are made, and their requests and time scaled.
plan_has "DynamoDB Operation: GetItem" "SELECT * FROM big WHERE name = 'key-000001'"
measure lookup "$LOOKUPS" < <(lookups "name = \$1" "$LOOKUPS")
measure lookup_np "$SCAN_SAMPLE" < <(lookups "name || '' = \$1" "$SCAN_SAMPLE")
head -n "$SCAN_SAMPLE" "$KIT_RUN_DIR/lookup.out" | cmp -s - "$KIT_RUN_DIR/lookup_np.out" ||
	kit_die "the lookups with and without pushdown returned different rows"
sample_scale=$(awk -v a="$LOOKUPS" -v b="$SCAN_SAMPLE" 'BEGIN { print a / b }')
scale lookup_np "$sample_scale"

# 2. A prefix.
q="SELECT name, version, value FROM big WHERE name LIKE 'special/%'"
plan_has "begins_with(name, 'special/')" "$q"
measure prefix "$SPECIAL" "$REPEAT" <<<"$q;"
q="SELECT name, version, value FROM big WHERE name || '' LIKE 'special/%'"
measure prefix_np "$SPECIAL" "$REPEAT" <<<"$q;"
same prefix prefix_np

# 3. A join of the local keys with the partition.
q="SELECT w.name, p.version, p.value FROM wanted w JOIN big p ON p.name = w.name"
explain "$q"    # the batched key join when the partition is large enough
join_plan=$(sed -E 's/^Custom Scan \((.*)\)$/\1/' <<<"$PLAN_TOP")
measure join "$LOOKUPS" "$REPEAT" <<<"$q;"
q="SELECT w.name, p.version, p.value FROM wanted w
   CROSS JOIN LATERAL (SELECT * FROM big p WHERE p.name = w.name OFFSET 0) p"
plan_has "Nested Loop" "$q"
measure join_nl "$LOOKUPS" "$REPEAT" <<<"$q;"
same join join_nl
q="SELECT w.name, p.version, p.value FROM wanted w JOIN big p ON p.name || '' = w.name"
SETS="SET enable_nestloop = off" plan_has "Hash Join" "$q"
measure join_hash "$LOOKUPS" "$REPEAT" <<<"SET enable_nestloop = off; $q;"
same join join_hash

# 4. The last records in key order.
q="SELECT name, version, value FROM big ORDER BY name COLLATE \"C\" DESC LIMIT 5"
plan_has "Order: descending" "$q"
measure order 5 "$REPEAT" <<<"$q;"
q="SELECT name, version, value FROM big ORDER BY name DESC LIMIT 5"
plan_has "Sort" "$q"
measure order_np 5 "$REPEAT" <<<"$q;"

# row ID LABEL [BASE]: a line of the table; with BASE, the ratios ID / BASE.
row() {
	local id=$1 label=$2 base=${3:-} rt="" rr=""
	if [ -n "$base" ]; then
		rt="$(bench_ratio "${SECS[$id]}" "${SECS[$base]}")x"
		rr="$(bench_ratio "${REQS[$id]}" "${REQS[$base]}")x"
	fi
	printf '%-54s %9s %9.3f %8s %8s   %s\n' "$label" "${REQS[$id]}" "${SECS[$id]}" "$rt" "$rr" "${OPS[$id]//,/ }"
}

echo
printf '%-54s %9s %9s %8s %8s   %s\n' "reads of a partition of $ROWS records (~1 KB)" requests seconds "x time" "x reqs" operations
row lookup "$LOOKUPS lookups name = \$1 (GetItem)"
row lookup_np "  not pushed: name || '' = \$1 (*)" lookup
row prefix "prefix name LIKE 'special/%' ($SPECIAL rows, Query)"
row prefix_np "  not pushed: name || '' LIKE 'special/%'" prefix
row join "join of $LOOKUPS local keys: $join_plan"
row join_nl "  parameterized nested loop (GetItem a key)" join
row join_hash "  hash join over the whole partition" join
row order "ORDER BY name COLLATE \"C\" DESC LIMIT 5 (Query)"
row order_np "  ORDER BY name DESC LIMIT 5 (en-US: local sort)" order
echo
echo "(*) $SCAN_SAMPLE of the $LOOKUPS lookups made, each reading the whole partition;"
echo "    their requests and seconds multiplied by $sample_scale."
echo "prefix, join and ORDER BY: one query, the mean of its $REPEAT runs in one session."
echo "x time, x reqs: the seconds and requests of the line divided by those of the first line of its case."
