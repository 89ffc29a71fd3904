# shellcheck shell=bash
# Functions shared by scripts/test.sh and scripts/demo.sh: free loopback ports,
# dynalite (in memory) and the SigV4 proxy, a throw-away PostgreSQL cluster run
# by the postgres user, the extension build, and a cleanup trap that stops all
# of it by PID, whatever way the script ends.  Source it; it defines, runs nothing.

# runuser, useradd and friends live in sbin, which a bare PATH may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin:/sbin ;; esac
export PATH
KIT_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KIT_PGVERSION=15
# DDB_PG_ROOT=DIR runs against a private copy of the installed PostgreSQL
# (scripts/private-pg.sh DIR makes one), so that two checkouts can build,
# install and test at once without installing over each other.
KIT_PG_ROOT=${DDB_PG_ROOT:-}
KIT_PGBIN=$KIT_PG_ROOT/usr/lib/postgresql/$KIT_PGVERSION/bin
KIT_PGXS_DIR=$KIT_PG_ROOT/usr/lib/postgresql/$KIT_PGVERSION/lib/pgxs
KIT_PG_REGRESS=$KIT_PGXS_DIR/src/test/regress/pg_regress
KIT_PG_ISOLATION_REGRESS=$KIT_PGXS_DIR/src/test/isolation/pg_isolation_regress
KIT_REGION=us-east-1
# Fixed fake credentials: the proxy accepts exactly these.
KIT_ACCESS_KEY_ID=AKIDDYNASTOREFDWTEST
KIT_SECRET_ACCESS_KEY='dynastore/fdw+TestSecret/0123456789abcdefEXAMPLE'
# The second proxy (DDB_TOKEN_ENDPOINT) accepts the same keys plus this session token only.
KIT_SESSION_TOKEN='FwoGZXIvYXdzEDynastoreFdwTestSessionToken//////////wEaDEXAMPLE=='

KIT_PIDS=()          # processes to stop at exit
KIT_RUN_DIR=""       # temp dir of this run (owned by postgres)
KIT_PGDATA=""
KIT_PG_STARTED=0
KIT_KEEP=${KIT_KEEP:-0}
KIT_FG_PID=""        # the command kit_run waits for

kit_say() { printf '==> %s\n' "$*"; }
kit_warn() { printf '%s\n' "$*" >&2; }
kit_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Creates the run directory and installs the cleanup trap.
kit_init() {
	[ "$(id -u)" -eq 0 ] || kit_die "run as root (PostgreSQL and the build are driven through runuser/make install)"
	id postgres >/dev/null 2>&1 || kit_die "there is no postgres user; run scripts/setup.sh"
	KIT_RUN_DIR=$(mktemp -d /tmp/dynastore-fdw.XXXXXX)
	chmod 755 "$KIT_RUN_DIR"
	chown postgres: "$KIT_RUN_DIR"
	trap kit_cleanup EXIT
	trap 'kit_warn "interrupted"; exit 130' INT
	trap 'kit_warn "terminated"; exit 143' TERM
	trap 'exit 129' HUP
}

kit_cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	if [ "$KIT_KEEP" = 1 ]; then
		kit_write_stop_script
		return $rc
	fi
	if [ -n "$KIT_FG_PID" ]; then
		# kit_run's command leads its own process group (timeout makes it so).
		kill -TERM -- "-$KIT_FG_PID" 2>/dev/null || kill -TERM "$KIT_FG_PID" 2>/dev/null || true
		wait "$KIT_FG_PID" 2>/dev/null || true
		KIT_FG_PID=""
	fi
	if [ "$KIT_PG_STARTED" = 1 ] && [ -n "$KIT_PGDATA" ]; then
		runuser -u postgres -- "$KIT_PGBIN/pg_ctl" -D "$KIT_PGDATA" stop -m immediate -w -t 30 >/dev/null 2>&1 || true
		KIT_PG_STARTED=0
	fi
	local pid d
	# what tests started themselves (test/credkit): clusters, then processes
	if [ -n "$KIT_RUN_DIR" ] && [ -f "$KIT_RUN_DIR/kit-extra.pgdata" ]; then
		while read -r d; do
			[ -f "$d/postmaster.pid" ] &&
				runuser -u postgres -- "$KIT_PGBIN/pg_ctl" -D "$d" stop -m immediate -w -t 30 >/dev/null 2>&1
		done <"$KIT_RUN_DIR/kit-extra.pgdata"
	fi
	if [ -n "$KIT_RUN_DIR" ] && [ -f "$KIT_RUN_DIR/kit-extra.pids" ]; then
		while read -r pid; do
			KIT_PIDS+=("$pid")
		done <"$KIT_RUN_DIR/kit-extra.pids"
	fi
	for pid in "${KIT_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${KIT_PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	KIT_PIDS=()
	if [ -n "$KIT_RUN_DIR" ] && [ -d "$KIT_RUN_DIR" ]; then
		rm -rf "$KIT_RUN_DIR"
	fi
	return $rc
}

# With KIT_KEEP=1 everything is left running; this writes what stops it.
kit_write_stop_script() {
	[ -n "$KIT_RUN_DIR" ] && [ -d "$KIT_RUN_DIR" ] || return 0
	{
		echo "#!/usr/bin/env bash"
		echo "# stops what a kept test run left running"
		[ "$KIT_PG_STARTED" = 1 ] && echo "runuser -u postgres -- '$KIT_PGBIN/pg_ctl' -D '$KIT_PGDATA' stop -m immediate -w >/dev/null 2>&1"
		echo "kill ${KIT_PIDS[*]} 2>/dev/null"
		echo "rm -rf '$KIT_RUN_DIR'"
	} >"$KIT_RUN_DIR/stop.sh"
	chmod +x "$KIT_RUN_DIR/stop.sh"
	kit_warn "kept running; source $KIT_RUN_DIR/env.sh to use it, stop it with: bash $KIT_RUN_DIR/stop.sh"
}

# kit_run LOGFILE SECONDS CMD...: runs CMD under `timeout` (which kills its whole
# process group on expiry), output to LOGFILE, stdin from /dev/null, and waits
# for it in a way that Ctrl-C interrupts at once, so the cleanup trap runs
# without waiting for the command.  Returns CMD's status (124 on timeout).
kit_run() {
	local log=$1 secs=$2
	shift 2
	timeout --kill-after=10 "$secs" "$@" >"$log" 2>&1 </dev/null &
	KIT_FG_PID=$!
	local rc=0
	wait "$KIT_FG_PID" || rc=$?
	KIT_FG_PID=""
	return $rc
}

# Prints N distinct loopback ports that are free right now (the kernel picks them).
kit_free_ports() {
	node -e '
		const net = require("net");
		const n = Number(process.argv[1]);
		const servers = [];
		(async () => {
			for (let i = 0; i < n; i++) {
				const s = net.createServer();
				await new Promise((res, rej) => { s.once("error", rej); s.listen(0, "127.0.0.1", res); });
				servers.push(s);
			}
			console.log(servers.map((s) => s.address().port).join(" "));
			servers.forEach((s) => s.close());
		})().catch((e) => { console.error(e.message); process.exit(1); });
	' "$1"
}

# Waits until an HTTP endpoint answers anything.  kit_wait_http URL PID WHAT [curl args...]
kit_wait_http() {
	local url=$1 pid=$2 what=$3
	shift 3
	local i
	for i in $(seq 1 200); do
		if curl -s -o /dev/null --max-time 1 "$@" "$url"; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || kit_die "$what exited while starting (see its log)"
		sleep 0.05
	done
	kit_die "$what did not answer at $url"
}

# kit_start_dynalite PORT LOGFILE: DynamoDB in memory on 127.0.0.1:PORT.
kit_start_dynalite() {
	local port=$1 log=$2
	node "$KIT_REPO/test/node_modules/dynalite/cli.js" --host 127.0.0.1 --port "$port" \
		--createTableMs 10 --deleteTableMs 10 --updateTableMs 10 >"$log" 2>&1 </dev/null &
	local pid=$!
	KIT_PIDS+=("$pid")
	kit_wait_http "http://127.0.0.1:$port/" "$pid" "dynalite" -X POST \
		-H 'x-amz-target: DynamoDB_20120810.ListTables' -H 'content-type: application/x-amz-json-1.0' \
		-H "authorization: AWS4-HMAC-SHA256 Credential=$KIT_ACCESS_KEY_ID/20200101/$KIT_REGION/dynamodb/aws4_request, SignedHeaders=host, Signature=0" \
		-H 'x-amz-date: 20200101T000000Z' -d '{}'
}

# kit_start_proxy PORT UPSTREAM_URL LOGFILE [SESSION_TOKEN]
kit_start_proxy() {
	local port=$1 upstream=$2 log=$3 token=${4:-}
	DDB_ACCESS_KEY_ID=$KIT_ACCESS_KEY_ID DDB_SECRET_ACCESS_KEY=$KIT_SECRET_ACCESS_KEY \
		DDB_SESSION_TOKEN=$token \
		node "$KIT_REPO/test/proxy.js" --host 127.0.0.1 --port "$port" --upstream "$upstream" \
		--region "$KIT_REGION" --log "$log" >>"$log" 2>&1 </dev/null &
	local pid=$!
	KIT_PIDS+=("$pid")
	kit_wait_http "http://127.0.0.1:$port/__proxy/health" "$pid" "proxy"
}

# kit_start_hostile PORT UPSTREAM_URL LOGFILE: the hostile DynamoDB of
# test/hostile.js, which answers what a test asks it to and forwards the rest.
kit_start_hostile() {
	local port=$1 upstream=$2 log=$3
	node "$KIT_REPO/test/hostile.js" --host 127.0.0.1 --port "$port" --upstream "$upstream" \
		--log "$log" >>"$log" 2>&1 </dev/null &
	local pid=$!
	KIT_PIDS+=("$pid")
	kit_wait_http "http://127.0.0.1:$port/__hostile/health" "$pid" "hostile DynamoDB"
}

# Runs a command as the postgres user with the given environment (NAME=VALUE words first).
# (From the run directory: the postgres user may not be able to enter the current one.)
kit_as_postgres() {
	(cd "$KIT_RUN_DIR" && runuser -u postgres -- env PATH="$KIT_PGBIN:/usr/local/bin:/usr/bin:/bin" HOME="$KIT_RUN_DIR" "$@")
}

# kit_pg_start PORT: initdb + start a cluster in the run dir, listening on
# 127.0.0.1:PORT and a unix socket in the run dir.  Sets PGHOST/PGPORT/PGUSER.
# The default collation is ICU's en-US, as on most production servers: it
# orders text differently from DynamoDB, which the pushdown tests rely on.
kit_pg_start() {
	local port=$1
	KIT_PGDATA=$KIT_RUN_DIR/pgdata
	local sock=$KIT_RUN_DIR/sock
	install -d -o postgres -g postgres -m 700 "$KIT_PGDATA"
	install -d -o postgres -g postgres -m 755 "$sock"
	kit_as_postgres "$KIT_PGBIN/initdb" -D "$KIT_PGDATA" -U postgres --auth=trust --no-sync \
		-E UTF8 --locale=C.UTF-8 --locale-provider=icu --icu-locale=en-US \
		>"$KIT_RUN_DIR/initdb.log" 2>&1 ||
		{ cat "$KIT_RUN_DIR/initdb.log" >&2; kit_die "initdb failed"; }
	cat >>"$KIT_PGDATA/postgresql.conf" <<-EOF

		# dynastore_fdw test cluster
		listen_addresses = '127.0.0.1'
		port = $port
		unix_socket_directories = '$sock'
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		max_connections = 40
		max_prepared_transactions = 10
		shared_buffers = 64MB
		log_min_messages = warning
		log_line_prefix = '%m [%p] %q%a '
		lc_messages = 'C'
		datestyle = 'ISO, MDY'
		timezone = 'UTC'
	EOF
	kit_as_postgres "$KIT_PGBIN/pg_ctl" -D "$KIT_PGDATA" -l "$KIT_RUN_DIR/postgres.log" -w -t 60 start >/dev/null ||
		{ tail -n 30 "$KIT_RUN_DIR/postgres.log" >&2; kit_die "PostgreSQL did not start"; }
	KIT_PG_STARTED=1
	export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres
}

# kit_make_checked WHAT LOGFILE MAKE-COMMAND...: runs the make command, fails
# when it fails or prints a compiler warning (none is allowed), then runs it
# again with `install`.  Returns non-zero, with the reason on stderr.
kit_make_checked() {
	local what=$1 log=$2
	shift 2
	if ! "$@" -j"$(nproc)" >>"$log" 2>&1; then
		kit_warn "$what FAILED: make exited non-zero. Last lines of $log:"
		tail -n 40 "$log" | sed 's/^/    /' >&2
		return 1
	fi
	if grep -q 'warning:' "$log"; then
		kit_warn "$what FAILED: the compiler printed warnings (no warning is allowed):"
		grep -B2 -A3 'warning:' "$log" | head -n 60 | sed 's/^/    /' >&2
		return 1
	fi
	if ! "$@" install >>"$log" 2>&1; then
		kit_warn "$what FAILED: make install failed. Last lines of $log:"
		tail -n 20 "$log" | sed 's/^/    /' >&2
		return 1
	fi
	return 0
}

# kit_build LOGFILE: the extension, from clean, as root (kit_make_checked).
kit_build() {
	local log=$1
	make -C "$KIT_REPO" PG_CONFIG="$KIT_PGBIN/pg_config" clean >"$log" 2>&1 || true
	kit_make_checked BUILD "$log" make -C "$KIT_REPO" PG_CONFIG="$KIT_PGBIN/pg_config"
}

# Makes sure the postgres user can read the repository's tests and run the kit;
# otherwise stages a copy in the run directory.  Sets KIT_INPUT_DIR and KIT_TEST_DIR.
kit_stage_inputs() {
	if runuser -u postgres -- test -r "$KIT_REPO/test/proxyctl" -a -r "$KIT_REPO/test/hostilectl" -a -x "$KIT_REPO/test" \
		-a -r "$KIT_REPO/test/node_modules/@aws-sdk/client-dynamodb/package.json" 2>/dev/null &&
		{ [ ! -d "$KIT_REPO/sql" ] || runuser -u postgres -- test -r "$KIT_REPO/sql" -a -x "$KIT_REPO/sql"; }; then
		KIT_INPUT_DIR=$KIT_REPO
		KIT_TEST_DIR=$KIT_REPO/test
		return
	fi
	kit_say "the postgres user cannot read $KIT_REPO: staging a copy of the tests in $KIT_RUN_DIR/inputs"
	local d
	install -d -o postgres -g postgres "$KIT_RUN_DIR/inputs"
	# (and what the packaging and README tests read: META.json, the control
	# and SQL files, README.md, scripts/)
	for d in sql expected specs input output data test META.json dynastore_fdw.control \
		README.md scripts; do
		[ -e "$KIT_REPO/$d" ] && cp -a "$KIT_REPO/$d" "$KIT_RUN_DIR/inputs/"
	done
	cp -a "$KIT_REPO"/dynastore_fdw--*.sql "$KIT_RUN_DIR/inputs/"
	chown -R postgres: "$KIT_RUN_DIR/inputs"
	KIT_INPUT_DIR=$KIT_RUN_DIR/inputs
	KIT_TEST_DIR=$KIT_RUN_DIR/inputs/test
}
