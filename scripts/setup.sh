#!/usr/bin/env bash
# Installs what building and testing dynastore_fdw needs on Debian 12, as root.
# Idempotent: installs only what is missing, runs `apt-get update` only when a
# package has to come from apt, and `npm ci` in test/ only when test/node_modules
# is missing or does not match test/package-lock.json.  Node.js: the version the
# lock file's packages need (apt's when new enough, else the official build from
# the npm registry, in /usr/local; see below).
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

# ---------------------------------------------------------------- Node.js

# The lock file's packages say which Node they need ("engines": ">=20" and
# the like); the highest of those minimums is what the kit needs.  Debian 12's
# own nodejs is 18: then Node.js comes from the npm registry instead, where
# the package node-linux-<arch> carries the official build (npm checks it
# against the registry's integrity hash), installed under /usr/local/lib and
# linked as /usr/local/bin/node, first on every PATH (the postgres user's
# too).  npm itself stays Debian's.
NODE_VERSION=22.23.5
node_needed=$(grep -o '"node": *">= *[0-9]*' "$REPO/test/package-lock.json" |
	grep -o '[0-9]*$' | sort -n | tail -n 1 || true)
node_needed=${node_needed:-18}
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
apt_node_major() {  # the major version apt would install, 0 if none
	apt-cache policy nodejs 2>/dev/null | sed -n 's/^ *Candidate: *\([0-9][0-9]*\).*/\1/p' | head -n 1 | grep . || echo 0
}
install_node_from_npm() {
	local arch dir=/usr/local/lib/dynastore-fdw-node
	case $(dpkg --print-architecture) in
		amd64) arch=x64 ;;
		arm64) arch=arm64 ;;
		*) die "no Node.js build on npm for $(dpkg --print-architecture): install Node.js $node_needed or newer yourself" ;;
	esac
	[ "$(id -u)" -eq 0 ] || die "Node.js $node_needed or newer is needed: run this script as root to install it"
	say "npm install node-linux-$arch@$NODE_VERSION into $dir (the lock file's packages need node >= $node_needed)"
	mkdir -p "$dir"
	npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error \
		"node-linux-$arch@$NODE_VERSION" >/tmp/dynastore-fdw-node.log 2>&1 ||
		{ tail -n 20 /tmp/dynastore-fdw-node.log >&2; die "could not install Node.js $NODE_VERSION from the npm registry"; }
	[ -x "$dir/node_modules/node-linux-$arch/bin/node" ] ||
		die "node-linux-$arch@$NODE_VERSION has no bin/node"
	ln -sf "$dir/node_modules/node-linux-$arch/bin/node" /usr/local/bin/node
	hash -r
}

if ! command -v node >/dev/null 2>&1 || [ "$(node_major)" -lt "$node_needed" ]; then
	if [ "$(apt_node_major)" -lt "$node_needed" ]; then
		apt_update_once
	fi
	if [ "$(apt_node_major)" -ge "$node_needed" ]; then
		apt_install nodejs
	else
		# Debian's node and npm, then a newer node through that npm
		command -v node >/dev/null 2>&1 || apt_install nodejs
		command -v npm >/dev/null 2>&1 || apt_install npm
		install_node_from_npm
	fi
fi
command -v npm >/dev/null 2>&1 || apt_install npm
[ "$(node_major)" -ge "$node_needed" ] ||
	die "node $(node_major) is older than the lock file's packages need (>= $node_needed): put Node.js $node_needed or newer first on PATH"

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
