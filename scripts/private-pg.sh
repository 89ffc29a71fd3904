#!/usr/bin/env bash
# scripts/private-pg.sh DIR: copies the installed PostgreSQL 15 (binaries,
# libraries, headers, PGXS and share files) into DIR.  PostgreSQL finds its files
# relative to its binaries, so `DDB_PG_ROOT=DIR scripts/test.sh` then builds,
# installs and tests the extension there, leaving the system's copy alone.
set -euo pipefail
dir=${1:?usage: scripts/private-pg.sh DIR}
v=15
[ -x /usr/lib/postgresql/$v/bin/pg_config ] || { echo "error: run scripts/setup.sh first" >&2; exit 1; }
mkdir -p "$dir/usr/lib/postgresql" "$dir/usr/share/postgresql" "$dir/usr/include"
rm -rf "$dir/usr/lib/postgresql/$v" "$dir/usr/share/postgresql/$v" "$dir/usr/include/postgresql"
cp -a /usr/lib/postgresql/$v "$dir/usr/lib/postgresql/"
cp -a /usr/share/postgresql/$v "$dir/usr/share/postgresql/"
cp -a /usr/include/postgresql "$dir/usr/include/"
chmod 755 "$dir" "$dir/usr" "$dir/usr/lib" "$dir/usr/share" "$dir/usr/include"
echo "private PostgreSQL in $dir: DDB_PG_ROOT=$dir bash scripts/test.sh"
