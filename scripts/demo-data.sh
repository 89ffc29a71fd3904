#!/usr/bin/env bash
# The demo's sample records: creates the dynastore table CRMTable (dynastore's
# test layout: local index idx_created, global index idx_global_1) and writes
# customer records into its partition 'customers' exactly as dynastore's Put
# writes them.  scripts/demo.sh runs it, and so does the README test (so the
# quick start starts from what the demo leaves).
#
# Environment: DDB_DIRECT_ENDPOINT (the DynamoDB to write to), and optionally
# DDB_ACCESS_KEY_ID, DDB_SECRET_ACCESS_KEY, DDB_REGION (see test/ddb.js).
set -uo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TABLE=CRMTable
PARTITION=customers
ddb() { node "$REPO/test/ddb.js" "$@"; }
die() { printf 'demo-data: %s\n' "$*" >&2; exit 1; }

ddb create-table "$TABLE" || die "create-table failed"

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
	wait "$p" || die "writing a sample record failed"
done
# Ada upgrades: a second Put of the same key makes version 2.
ddb dynastore-put "$TABLE" "$PARTITION" cust-001 '{"name":"Ada Lovelace","plan":"enterprise"}' \
	--field created=2024-01-05 || die "writing a sample record failed"
