#!/usr/bin/env bash
# The test kit's services alone, for `make installcheck` against a PostgreSQL
# you run yourself: dynalite (in memory), the SigV4/fault proxy in front of it
# and the second proxy that demands a session token, on free loopback ports.
#
#   scripts/services.sh            runs them until Ctrl-C
#   scripts/services.sh --detach   leaves them running and prints how to stop them
#
# Either way it writes an env file (the DDB_* variables the tests read) and
# prints its path:  source it, then  make installcheck  (see README.md).
# Needs the npm packages of test/ (scripts/setup.sh installs them); not root.
set -uo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

detach=0
case ${1:-} in
	--detach) detach=1 ;;
	"") ;;
	*) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
[ -f "$KIT_REPO/test/node_modules/dynalite/cli.js" ] ||
	kit_die "the npm packages of test/ are missing: run scripts/setup.sh (as root) or npm ci in test/"

KIT_RUN_DIR=$(mktemp -d /tmp/dynastore-fdw-services.XXXXXX)
chmod 755 "$KIT_RUN_DIR"
trap kit_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
[ $detach = 1 ] && KIT_KEEP=1

read -r DYNALITE_PORT PROXY_PORT TOKEN_PROXY_PORT < <(kit_free_ports 3) ||
	kit_die "could not find free ports"
kit_start_dynalite "$DYNALITE_PORT" "$KIT_RUN_DIR/dynalite.log"
kit_start_proxy "$PROXY_PORT" "http://127.0.0.1:$DYNALITE_PORT" "$KIT_RUN_DIR/proxy.log"
kit_start_proxy "$TOKEN_PROXY_PORT" "http://127.0.0.1:$DYNALITE_PORT" "$KIT_RUN_DIR/token-proxy.log" "$KIT_SESSION_TOKEN"

env_file=$KIT_RUN_DIR/env.sh
{
	printf 'export %q\n' \
		"DDB_ENDPOINT=http://127.0.0.1:$PROXY_PORT" \
		"DDB_PROXY_URL=http://127.0.0.1:$PROXY_PORT" \
		"DDB_DIRECT_ENDPOINT=http://127.0.0.1:$DYNALITE_PORT" \
		"DDB_TOKEN_ENDPOINT=http://127.0.0.1:$TOKEN_PROXY_PORT" \
		"DDB_TEST_SESSION_TOKEN=$KIT_SESSION_TOKEN" \
		"DDB_ACCESS_KEY_ID=$KIT_ACCESS_KEY_ID" \
		"DDB_SECRET_ACCESS_KEY=$KIT_SECRET_ACCESS_KEY" \
		"DDB_REGION=$KIT_REGION" \
		"DDB_TEST_DIR=$KIT_REPO/test" \
		"AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true"
} >"$env_file"
kit_say "dynalite :$DYNALITE_PORT, proxy :$PROXY_PORT, token proxy :$TOKEN_PROXY_PORT"
kit_say "source $env_file, then: make installcheck"
if [ $detach = 1 ]; then
	exit 0		# kit_cleanup writes the stop script
fi
kit_say "running; Ctrl-C stops them"
while :; do sleep 3600 & wait $!; done
