#!/usr/bin/env bash
# Runs the randomized read test (sql/random_reads.sql) alone, with a seed.
#
#   scripts/random-reads.sh [SEED] [test.sh option ...]
#
# SEED is a number in [-1, 1] (PostgreSQL's setseed); without it the test
# uses its fixed seed, as CI does.  The test passes when every generated
# query returns on the foreign tables what it returns on the local copy;
# otherwise results/regression.diffs lists the failing statements.
set -uo pipefail

if [ $# -gt 0 ] && [[ $1 != --* ]]; then
	if ! [[ $1 =~ ^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$ ]] ||
		! awk -v s="$1" 'BEGIN { exit !(s + 0 >= -1 && s + 0 <= 1) }'; then
		echo "random-reads.sh: the seed must be a number in [-1, 1], got '$1'" >&2
		exit 2
	fi
	export DDB_RANDOM_SEED=$1
	shift
fi
exec bash "$(dirname "${BASH_SOURCE[0]}")/test.sh" "$@" random_reads
