#!/usr/bin/env bash
# Installs what building and testing dynastore_fdw needs on Debian 12, as root.
# Idempotent: installs only what is missing, runs `apt-get update` only when a
# package has to come from apt, and `npm ci` in test/ only when test/node_modules
# is missing or does not match test/package-lock.json.
set -euo pipefail

# runuser, useradd and friends live in sbin, which a bare PATH may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin:/sbin ;; esac
export PATH
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PGVERSION=15
export DEBIAN_FRONTEND=noninteractive

say() { printf '==> %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

installed() {  # package is installed (any version)
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}
installed_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }

APT_UPDATED=0
apt_update_once() {
	[ "$APT_UPDATED" = 1 ] && return 0
	say "apt-get update"
	apt-get update -qq >/dev/null || die "apt-get update failed"
	APT_UPDATED=1
}
apt_install() {  # packages (name or name=version)
	[ $# -gt 0 ] || return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages ($*): run this script as root"
	say "apt-get install $*"
	# The lists may be missing or stale: update once and retry before giving up.
	if ! apt-get install -y -qq --no-install-recommends "$@" >/tmp/dynastore-fdw-apt.log 2>&1; then
		apt_update_once
		apt-get install -y -qq --no-install-recommends "$@" >/tmp/dynastore-fdw-apt.log 2>&1 ||
			{ tail -n 20 /tmp/dynastore-fdw-apt.log >&2; die "apt-get install $* failed"; }
	fi
}

# ---------------------------------------------------------------- system packages

missing=()
for pkg in build-essential libcurl4-openssl-dev libssl-dev curl ca-certificates; do
	installed "$pkg" || missing+=("$pkg")
done
# The server first: the headers must match its exact version.
installed "postgresql-$PGVERSION" || missing+=("postgresql-$PGVERSION")
apt_install "${missing[@]}"

server_version=$(installed_version "postgresql-$PGVERSION")
[ -n "$server_version" ] || die "postgresql-$PGVERSION is not installed"
dev_version=$(installed_version "postgresql-server-dev-$PGVERSION" || true)
if ! installed "postgresql-server-dev-$PGVERSION" || [ "$dev_version" != "$server_version" ]; then
	# Pinned: an unpinned install would pull a newer server along with the headers.
	apt_install "postgresql-server-dev-$PGVERSION=$server_version"
fi
[ "$(installed_version "postgresql-$PGVERSION")" = "$server_version" ] ||
	die "postgresql-$PGVERSION changed version during setup"

[ -x "/usr/lib/postgresql/$PGVERSION/lib/pgxs/src/test/regress/pg_regress" ] ||
	die "pg_regress is missing from postgresql-server-dev-$PGVERSION"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	apt_install nodejs npm
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] || die "node $node_major is too old (need 18 or newer, 20 preferred)"

# ---------------------------------------------------------------- npm packages of the test kit

lock="$REPO/test/package-lock.json"
stamp="$REPO/test/node_modules/.dynastore-fdw-lock.sha256"
want=$(sha256sum "$lock" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] ||
	[ ! -f "$REPO/test/node_modules/dynalite/cli.js" ] ||
	[ ! -d "$REPO/test/node_modules/@aws-sdk/client-dynamodb" ]; then
	say "npm ci (test/)"
	(cd "$REPO/test" && npm ci --no-audit --no-fund --loglevel=error) >/tmp/dynastore-fdw-npm.log 2>&1 ||
		{ tail -n 30 /tmp/dynastore-fdw-npm.log >&2; die "npm ci failed"; }
	echo "$want" >"$stamp"
fi
