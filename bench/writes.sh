#!/usr/bin/env bash
# Bench: writes against their bound.  An UPDATE and a DELETE of every record
# of a partition of N records (500 by default) and an INSERT of 4N (2,000),
# each in write_mode 'transaction' (TransactWriteItems of 100 records) and
# 'single' (an UpdateItem, DeleteItem or PutItem a record), and the INSERT
# also with insert_mode 'put' (BatchWriteItem of 25).  For each: the
# requests, the seconds, and the bound: each operation's requests divided
# by the requests the wrapper keeps in flight at once (as many as there are,
# up to 32, for the writes; one for the read of an UPDATE or DELETE), times
# the round trip, --latency ms; and the ratio seconds / bound.  Then what
# the proxy saw (its log): the writes in flight at once on average, the mean
# time of one, and the ratio to the bound with that time as the round trip,
# which tells whether the wrapper or the server behind the proxy set the
# pace.  All measured in this one run.  Not a test: numbers vary with the
# machine, and with what else it runs.
#
#   bench/writes.sh [--rows N] [--latency MS] [--keep]
#
# Every request is held --latency ms (default 5) by the test proxy first, as
# a network round trip to DynamoDB would; --latency 0 measures dynalite and
# the proxy alone.  The proxy answers TransactWriteItems itself, one
# transaction at a time, with two dynalite requests an action, so the
# transactions a statement sends at once finish one after the other there
# (bench/README.md).  Builds and installs the extension, starts dynalite,
# the proxy and a throw-away PostgreSQL (bench/lib.sh), and stops them at
# the end.
set -uo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROWS=500
LATENCY_MS=5
bench_options "$@"
INSERTS=$((ROWS * 4))
PAYLOAD=200          # characters of each record's value
IN_FLIGHT=32         # AWS_MAX_CONCURRENCY: requests the wrapper keeps going at once
bench_start

ddb create-table bench_writes || kit_die "create-table failed"
psql_bench >/dev/null <<-EOF || kit_die "could not set up the foreign tables"
	CREATE FOREIGN TABLE update_txn (name text, version bigint, value text)
	  SERVER bench OPTIONS (table 'bench_writes', partition 'update_txn');
	CREATE FOREIGN TABLE update_single (name text, version bigint, value text)
	  SERVER bench OPTIONS (table 'bench_writes', partition 'update_single', write_mode 'single');
	CREATE FOREIGN TABLE delete_txn (name text, version bigint, value text)
	  SERVER bench OPTIONS (table 'bench_writes', partition 'delete_txn');
	CREATE FOREIGN TABLE delete_single (name text, version bigint, value text)
	  SERVER bench OPTIONS (table 'bench_writes', partition 'delete_single', write_mode 'single');
	CREATE FOREIGN TABLE insert_txn (name text, version bigint, value text)
	  SERVER bench OPTIONS (table 'bench_writes', partition 'insert_txn');
	CREATE FOREIGN TABLE insert_single (name text, version bigint, value text)
	  SERVER bench OPTIONS (table 'bench_writes', partition 'insert_single', write_mode 'single');
	CREATE FOREIGN TABLE insert_put (name text, version bigint, value text)
	  SERVER bench OPTIONS (table 'bench_writes', partition 'insert_put', insert_mode 'put');
EOF
for p in update_txn update_single delete_txn delete_single; do
	ddb fill bench_writes "$p" "$ROWS" "$PAYLOAD" || kit_die "fill of $p failed"
done

# bound OPS: the seconds that the requests of OPS ("Query:1,UpdateItem:500")
# take at best: an operation's requests divided by the requests in flight at
# once (reads one at a time, writes all at once up to IN_FLIGHT), times the
# round trip.  Prints "bound in-flight" (in flight of the writes).
bound() {
	awk -v ops="$1" -v rtt="$LATENCY_MS" -v max="$IN_FLIGHT" 'BEGIN {
		n = split(ops, a, ",")
		for (i = 1; i <= n; i++) {
			split(a[i], kv, ":")
			flight = 1
			if (kv[1] ~ /^(TransactWriteItems|UpdateItem|DeleteItem|PutItem|BatchWriteItem)$/) {
				flight = kv[2] < max ? kv[2] : max
				writes = flight
			}
			b += kv[2] / flight * rtt / 1000
		}
		printf "%.4f %d\n", b, writes
	}'
}

# seen_by_proxy FIRST: what the proxy logged of the requests from line FIRST
# of its log on.  Prints "write-ms seen-in-flight measured-bound": the mean
# time of a write request at the proxy, from its arrival to its answer (the
# hold, the proxy, dynalite); how many writes were in flight at once, on
# average while any was (the sum of their times over the time from the
# first arrival to the last answer); and the bound computed as bound() does,
# with each operation's mean time at the proxy as its round trip.
seen_by_proxy() {
	sleep 0.2    # the proxy's log is written asynchronously
	tail -n +"$1" "$KIT_RUN_DIR/proxy.log" | awk -v max="$IN_FLIGHT" '
		function secs(ts,   t) {   # 2026-12-01T11:41:46.020Z: seconds since the day began
			split(substr(ts, 12, 12), t, ":")
			return t[1] * 3600 + t[2] * 60 + t[3]
		}
		/ op=[A-Za-z]+ / {
			op = ""; ms = 0
			for (i = 2; i <= NF; i++) {
				if ($i ~ /^op=/) op = substr($i, 4)
				if ($i ~ /^ms=/) ms = substr($i, 4) + 0
			}
			n[op]++; busy[op] += ms / 1000
			if (op !~ /^(TransactWriteItems|UpdateItem|DeleteItem|PutItem|BatchWriteItem)$/) next
			end = secs($1); start = end - ms / 1000
			if (w == 0 || start < first) first = start
			if (w == 0 || end > last) last = end
			wbusy += ms / 1000; w++
		}
		END {
			for (op in n) {
				flight = 1
				if (op ~ /^(TransactWriteItems|UpdateItem|DeleteItem|PutItem|BatchWriteItem)$/)
					flight = n[op] < max ? n[op] : max
				b += n[op] / flight * (busy[op] / n[op])
			}
			if (w == 0 || last <= first) { print "- - -"; exit }
			printf "%.0f %.1f %.4f\n", wbusy / w * 1000, wbusy / (last - first), b
		}'
}

# run ID SQL: runs SQL (one statement) as a bench_run; keeps its seconds,
# requests, operations, in-flight writes, bound, and what the proxy saw of
# the writes in SECS[ID], REQS[ID], OPS[ID], FLIGHT[ID], BOUND[ID], RTT[ID],
# SEEN[ID] and MBOUND[ID].
declare -A SECS REQS OPS FLIGHT BOUND RTT SEEN MBOUND
run() {
	local id=$1 sql=$2 secs reqs _rows ops b f first rtt seen mb
	first=$(($(wc -l <"$KIT_RUN_DIR/proxy.log") + 1))
	read -r secs reqs _rows ops < <(bench_run <<<"$sql")
	[ -n "${ops:-}" ] || kit_die "case $id failed"
	read -r b f < <(bound "$ops")
	read -r rtt seen mb < <(seen_by_proxy "$first")
	SECS[$id]=$secs REQS[$id]=$reqs OPS[$id]=$ops BOUND[$id]=$b FLIGHT[$id]=$f RTT[$id]=$rtt SEEN[$id]=$seen MBOUND[$id]=$mb
	kit_say "$(printf '%-14s %6s requests %8s s   %s' "$id" "$reqs" "$secs" "$ops")"
}

kit_say "measuring (each request held ${LATENCY_MS} ms)"
for m in txn single; do
	run "update_$m" "UPDATE update_$m SET value = 'updated';"
	run "delete_$m" "DELETE FROM delete_$m;"
done
for m in txn single put; do
	run "insert_$m" "INSERT INTO insert_$m (name, value)
		SELECT 'record/' || lpad(i::text, 6, '0'), repeat('v', $PAYLOAD) FROM generate_series(1, $INSERTS) i;"
done

# what each statement did
n=$(psql_bench -At -c "SELECT count(*) FROM update_txn WHERE version = 2 AND value = 'updated'") &&
	[ "$n" = "$ROWS" ] || kit_die "update_txn: $n records updated, not $ROWS"
n=$(psql_bench -At -c "SELECT count(*) FROM update_single WHERE version = 2 AND value = 'updated'") &&
	[ "$n" = "$ROWS" ] || kit_die "update_single: $n records updated, not $ROWS"
for p in delete_txn delete_single; do
	n=$(ddb scan-count bench_writes "$p")
	[ "$n" = 0 ] || kit_die "$p still holds $n records"
done
for p in insert_txn insert_single insert_put; do
	n=$(ddb scan-count bench_writes "$p")
	[ "$n" = "$INSERTS" ] || kit_die "$p holds $n records, not $INSERTS"
done

row() {  # ID LABEL
	local id=$1
	printf '%-36s %8s %6s %8.3f %8.3f %7sx %6s %8s %7sx   %s\n' "$2" "${REQS[$id]}" "${FLIGHT[$id]}" "${BOUND[$id]}" \
		"${SECS[$id]}" "$(bench_ratio "${SECS[$id]}" "${BOUND[$id]}")" "${SEEN[$id]}" "${RTT[$id]}" \
		"$(bench_ratio "${SECS[$id]}" "${MBOUND[$id]}")" "${OPS[$id]//,/ }"
}

echo
printf '%-36s %8s %6s %8s %8s %8s %6s %8s %8s   %s\n' "writes, each request held ${LATENCY_MS} ms" requests flight "bound s" seconds "x bound" seen "write ms" "x at ms" operations
row update_txn "UPDATE of $ROWS, transaction"
row update_single "UPDATE of $ROWS, single"
row delete_txn "DELETE of $ROWS, transaction"
row delete_single "DELETE of $ROWS, single"
row insert_txn "INSERT of $INSERTS, transaction"
row insert_single "INSERT of $INSERTS, single"
row insert_put "INSERT of $INSERTS, insert_mode 'put'"
echo
echo "flight: the write requests the wrapper keeps going at once (all of them, up to $IN_FLIGHT).  bound: per"
echo "operation, requests / in flight x ${LATENCY_MS} ms (the read of an UPDATE or DELETE: one at a time)."
echo "seen: the write requests in flight at once as the proxy saw them, on average.  write ms: the mean time"
echo "of one at the proxy (held ${LATENCY_MS} ms, then the proxy and dynalite: it grows with what is in flight)."
echo "x at ms: seconds / the bound computed with each operation's mean time at the proxy as its round trip."
