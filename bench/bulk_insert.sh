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
# throw-away PostgreSQL (bench/lib.sh), and stops them at the end.
set -uo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROWS=10000
LATENCY_MS=5
bench_options "$@"
bench_start

ddb create-table bench_items || kit_die "create-table failed"
psql_bench >/dev/null <<-EOF || kit_die "could not set up the foreign tables"
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
	local secs reqs _
	read -r secs reqs _ < <(bench_run <<-EOF
		INSERT INTO $1 (name, value, fields)
		SELECT 'record/' || lpad(i::text, 6, '0'), repeat('v', 200),
		       jsonb_build_object('created', '2024-01-01')
		FROM generate_series(1, $ROWS) i;
	EOF
	)
	[ -n "$reqs" ] || kit_die "INSERT into $1 failed"
	printf '%.2f %s\n' "$secs" "$reqs"
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
