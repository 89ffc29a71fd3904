#!/usr/bin/env bash
# scripts/secret-scan.sh [--activity FILE] DIR...
#
# Looks for the test kit's secrets (the secret access key and session token of
# scripts/lib.sh, the tokens of test/cred_tokens.sh) in every log and output
# under the DIRs (*.log, *.out, *.diffs: server logs of both clusters, proxy
# and dynalite logs, pg_regress and isolation outputs) and in FILE, samples of
# pg_stat_activity taken while the tests ran (one "application|state|query"
# line each).  Prints where each one is found, with the secret itself
# replaced by its name; exits 1 if any is.
#
# One kind of sample is not counted: the CREATE or ALTER USER MAPPING (and
# the kit's ALTER DATABASE ... SET ddb_test.*) statements that carry the keys
# themselves.  PostgreSQL shows a role its own last statement in
# pg_stat_activity (and to members of pg_read_all_stats); that is the case
# the credential chain removes, and the README says so.  They are counted
# and reported apart.
#
# Before scanning, it plants each secret in a file of its own and checks that
# it finds it there, so that a scan that finds nothing has proved it can.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
source "$here/lib.sh"
# shellcheck source=test/cred_tokens.sh
source "$here/../test/cred_tokens.sh"

activity=""
if [ "${1:-}" = --activity ]; then
	activity=$2
	shift 2
fi
[ $# -ge 1 ] || { echo "usage: scripts/secret-scan.sh [--activity FILE] DIR..." >&2; exit 2; }

names=(secret_access_key session_token web_identity_token container_token)
values=("$KIT_SECRET_ACCESS_KEY" "$KIT_SESSION_TOKEN" "$CRED_WEB_IDENTITY_TOKEN" "$CRED_CONTAINER_TOKEN")

# files_with SECRET FILE...: the files holding SECRET, a fixed string
files_with() {
	local s=$1
	shift
	[ $# -gt 0 ] || return 0
	grep -lF -- "$s" "$@" 2>/dev/null
}

# show FILE: its lines holding a secret, each secret replaced by its name
show() {
	local f=$1 i
	grep -nF -f <(printf '%s\n' "${values[@]}") -- "$f" | head -n 5 | while IFS= read -r line; do
		for i in "${!values[@]}"; do
			line=${line//"${values[$i]}"/<${names[$i]}>}
		done
		printf '    %s: %s\n' "$f" "${line:0:300}"
	done
}

# the self-check
plant=$(mktemp -d)
trap 'rm -rf "$plant"' EXIT
for i in "${!values[@]}"; do
	printf 'before %s after\n' "${values[$i]}" >"$plant/planted-$i.log"
	if [ "$(files_with "${values[$i]}" "$plant/planted-$i.log")" != "$plant/planted-$i.log" ]; then
		echo "secret-scan: the self-check could not find the planted ${names[$i]}" >&2
		exit 1
	fi
done
rm -f "$plant"/planted-*.log

mapfile -t files < <(find "$@" -type f \( -name '*.log' -o -name '*.out' -o -name '*.diffs' \) 2>/dev/null | sort -u)
found=0
for i in "${!values[@]}"; do
	while IFS= read -r f; do
		[ -n "$f" ] || continue
		echo "found the ${names[$i]} in $f"
		show "$f"
		found=1
	done < <(files_with "${values[$i]}" "${files[@]}")
done

own=0
if [ -n "$activity" ] && [ -f "$activity" ]; then
	while IFS= read -r line; do
		query=${line#*|}
		query=${query#*|}
		if [[ $query =~ ^[[:space:]]*(CREATE|ALTER)[[:space:]]+USER[[:space:]]+MAPPING ]] ||
			[[ $query =~ ^[[:space:]]*ALTER[[:space:]]+DATABASE[[:space:]].*SET[[:space:]]+ddb_test\. ]]; then
			own=$((own + 1))
			continue
		fi
		for i in "${!values[@]}"; do
			line=${line//"${values[$i]}"/<${names[$i]}>}
		done
		echo "found a secret in pg_stat_activity: ${line:0:300}"
		found=1
	done < <(grep -F -f <(printf '%s\n' "${values[@]}") -- "$activity")
	echo "pg_stat_activity: $(grep -c '' "$activity") sampled rows; $own showed a CREATE/ALTER USER MAPPING (or the kit's ALTER DATABASE) carrying the keys itself"
fi

echo "scanned ${#files[@]} files for ${#values[@]} secrets"
[ $found = 0 ]
