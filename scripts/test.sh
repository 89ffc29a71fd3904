#!/usr/bin/env bash
# THE test command of dynastore_fdw.
#
#   scripts/test.sh [--keep] [NAME ...]
#
# Installs what is missing (scripts/setup.sh), builds the extension with `make`
# (a compiler warning fails the run) and installs it, builds and runs the C unit
# tests, starts dynalite, the SigV4/fault proxy and a throw-away PostgreSQL
# cluster, then runs every pg_regress test in sql/ (sorted) and every isolation
# spec in specs/ (sorted).  NAMEs pick a subset: a test of sql/, a spec of specs/,
# `unit` for the unit tests, or `proxy_txn` for the proxy's transaction emulation.
# --keep leaves the services running afterwards.
# The unit tests that need a backend are the pg_regress test unit_backend; the
# test-only extension it runs (test/unit/backend/) is built, warning-free, and
# installed before pg_regress whenever that test is among those to run.
# test/proxy_txn.test.js (node:test) starts a dynalite and a proxy of its own.
#
# Each pg_regress test and each spec gets a fresh database and a proxy with no
# rule and zeroed counters.  Their psql sessions (and `\!` commands) see:
#   DDB_ENDPOINT, DDB_PROXY_URL   the proxy (verifies SigV4, injects faults)
#   DDB_DIRECT_ENDPOINT           dynalite itself (no signature check, no faults)
#   DDB_TOKEN_ENDPOINT            a second proxy that also demands DDB_TEST_SESSION_TOKEN
#   DDB_TEST_SESSION_TOKEN        the session token that one accepts
#   DDB_ACCESS_KEY_ID, DDB_SECRET_ACCESS_KEY   the fake credentials both proxies accept
#   DDB_REGION                    us-east-1
#   DDB_HOSTILE_ENDPOINT          a hostile DynamoDB (test/hostile.js, driven by
#                                 test/hostilectl): forwards to dynalite, checks no
#                                 signature, answers what a test asks it to
#   DDB_TEST_DIR                  absolute path of test/ (proxyctl, hostilectl, ddb.js)
# and the same values as database settings ddb_test.endpoint, ddb_test.proxy_url,
# ddb_test.direct_endpoint, ddb_test.token_endpoint, ddb_test.session_token,
# ddb_test.hostile_endpoint, ddb_test.access_key_id, ddb_test.secret_access_key,
# ddb_test.region, ddb_test.test_dir (current_setting('ddb_test.endpoint'), for
# isolation specs).
# The databases' default collation is ICU's en-US (see kit_pg_start).  The
# read tests of C_TOO run a second time, as NAME_c, in a database of libc's
# "C" collation, against expected/NAME_c.out.
# A spec may have a setup hook specs/NAME.sh, run by bash before the spec with
# that environment.  Results, diffs and logs land in results/ (gitignored); a
# test's own log, results/NAME.log from its directory, lands in results/results/.
# After the tests, scripts/secret-scan.sh looks for the kit's secrets in every
# log and output and in pg_stat_activity, sampled meanwhile (one more test).
# The last line is `N passed, N failed`; the exit status is non-zero on any failure.
set -uo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

names=()
while [ $# -gt 0 ]; do
	case $1 in
		--keep) KIT_KEEP=1 ;;
		-h|--help) usage ;;
		-*) kit_warn "unknown option $1"; usage ;;
		*) names+=("$1") ;;
	esac
	shift
done

REPO=$KIT_REPO
RESULTS=$REPO/results
# The SigV4 vectors (AWS's suite, Apache-2.0 with its LICENSE and NOTICE, and
# botocore's DynamoDB requests) are in test/sigv4, copied from the project's
# shared/testdata, so the tests need nothing outside the checkout;
# DDB_SIGV4_TESTDATA points elsewhere.  Without them the signer's unit test
# is skipped with a note, except in CI (CI=true), where that fails the run.
SIGV4_DATA=${DDB_SIGV4_TESTDATA:-$REPO/test/sigv4}
TEST_TIMEOUT=${DDB_TEST_TIMEOUT:-900}
PASS=0
FAIL=0
FAILED_WHAT=()

# ---------------------------------------------------------------- what to run

# The reads whose plans depend on the database's default collation run in
# a "C" database too (as NAME_c): text orders there as DynamoDB orders it.
C_TOO=(batch_join commit_random pushdown random_reads)

all_sql=()
all_specs=()
if [ -d "$REPO/sql" ]; then
	while IFS= read -r f; do
		all_sql+=("$(basename "$f" .sql)")
		for c in "${C_TOO[@]}"; do
			[ "$(basename "$f" .sql)" = "$c" ] && all_sql+=("${c}_c")
		done
	done < <(find "$REPO/sql" -maxdepth 1 -name '*.sql' -type f | LC_ALL=C sort)
fi
if [ -d "$REPO/specs" ]; then
	while IFS= read -r f; do all_specs+=("$(basename "$f" .spec)"); done < <(find "$REPO/specs" -maxdepth 1 -name '*.spec' -type f | LC_ALL=C sort)
fi

run_unit=0
run_proxy_txn=0
sql_tests=()
specs=()
if [ ${#names[@]} -eq 0 ]; then
	run_unit=1
	run_proxy_txn=1
	sql_tests=("${all_sql[@]}")
	specs=("${all_specs[@]}")
else
	for n in "${names[@]}"; do
		n=${n##*/}
		n=${n%.sql}
		n=${n%.spec}
		if [ "$n" = unit ]; then
			run_unit=1
		elif [ "$n" = proxy_txn ]; then
			run_proxy_txn=1
		elif [ -f "$REPO/sql/$n.sql" ] || [[ " ${C_TOO[*]/%/_c} " == *" $n "* ]]; then
			sql_tests+=("$n")
		elif [ -f "$REPO/specs/$n.spec" ]; then
			specs+=("$n")
		else
			kit_die "no test named '$n' (not sql/$n.sql, specs/$n.spec, 'unit' or 'proxy_txn')"
		fi
	done
fi

fail() {  # what
	FAIL=$((FAIL + 1))
	FAILED_WHAT+=("$1")
}

# ---------------------------------------------------------------- setup and build

if [ "${DDB_TEST_SKIP_SETUP:-0}" != 1 ]; then
	bash "$REPO/scripts/setup.sh" || kit_die "scripts/setup.sh failed"
fi

kit_init
cd "$REPO" || kit_die "cannot enter $REPO"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

kit_say "build (make, make install)"
BUILD_OK=0
# (`make clean` removes results/ too: the log goes there afterwards.)
if kit_build "$KIT_RUN_DIR/build.log"; then
	BUILD_OK=1
else
	fail "build"
fi
mkdir -p "$RESULTS"
cp "$KIT_RUN_DIR/build.log" "$RESULTS/build.log"

# unit_backend_build LOGFILE: builds the test-only extension dynastore_fdw_unit
# (test/unit/backend/) out of tree, in this run's directory, so that runs sharing
# the checkout share none of its objects; no warning allowed; installs it.
unit_backend_build() {
	local log=$1 dir=$KIT_RUN_DIR/unit-backend src=$REPO/test/unit/backend
	mkdir -p "$dir"
	: >"$log"
	kit_make_checked "UNIT BACKEND BUILD" "$log" \
		make -C "$dir" -f "$src/Makefile" VPATH="$src" PG_CONFIG="$KIT_PGBIN/pg_config"
}

if [ $BUILD_OK = 1 ] && [[ " ${sql_tests[*]-} " == *" unit_backend "* ]]; then
	kit_say "build the backend unit tests (test/unit/backend, make install)"
	unit_backend_build "$KIT_RUN_DIR/unit-backend-build.log" || fail "build unit-backend"
	cp "$KIT_RUN_DIR/unit-backend-build.log" "$RESULTS/unit-backend-build.log"
fi

# ---------------------------------------------------------------- unit tests

if [ $run_unit = 1 ]; then
	kit_say "unit tests (make unit)"
	mkdir -p "$RESULTS/unit"
	if ! make PG_CONFIG="$KIT_PGBIN/pg_config" unit >"$RESULTS/unit/build.log" 2>&1; then
		kit_warn "UNIT BUILD FAILED: make unit. Last lines of results/unit/build.log:"
		tail -n 30 "$RESULTS/unit/build.log" | sed 's/^/    /' >&2
		fail "make unit"
	else
		if grep -q 'warning:' "$RESULTS/unit/build.log"; then
			kit_warn "UNIT BUILD FAILED: the compiler printed warnings:"
			grep -B2 -A3 'warning:' "$RESULTS/unit/build.log" | head -n 40 | sed 's/^/    /' >&2
			fail "make unit (warnings)"
		fi
		for src in "$REPO"/test/unit/test_*.c; do
			[ -f "$src" ] || continue
			bin=${src%.c}
			name=$(basename "$bin")
			if [ ! -x "$bin" ]; then
				kit_warn "unit $name: not built by make unit"
				fail "unit $name (not built)"
				continue
			fi
			log=$RESULTS/unit/$name.log
			if [ "$name" = test_sigv4 ] && [ ! -d "$SIGV4_DATA/aws-v4" ]; then
				if [ "${CI:-}" = true ]; then
					kit_warn "unit $name: no SigV4 vectors in $SIGV4_DATA"
					fail "unit $name (no vectors)"
				else
					printf 'unit %-30s SKIPPED: no SigV4 vectors in %s (put shared/testdata beside the checkout, or set DDB_SIGV4_TESTDATA=DIR)\n' "$name" "$SIGV4_DATA"
				fi
				continue
			fi
			rc=0
			kit_run "$log" "$TEST_TIMEOUT" "$bin" "$SIGV4_DATA" || rc=$?
			summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
			if [ -z "$summary" ]; then
				kit_warn "unit $name: exited with $rc without a 'N passed, N failed' line. Last lines:"
				tail -n 20 "$log" | sed 's/^/    /' >&2
				fail "unit $name (crashed, rc $rc)"
				continue
			fi
			p=$(echo "$summary" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\1/')
			f=$(echo "$summary" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed.*/\2/')
			PASS=$((PASS + p))
			FAIL=$((FAIL + f))
			printf 'unit %-30s %s\n' "$name" "$summary"
			if [ "$f" -gt 0 ] || [ $rc -ne 0 ]; then
				FAILED_WHAT+=("unit $name")
				grep -iE 'fail' "$log" | grep -vE '^[0-9]+ passed, [0-9]+ failed' | head -n 40 | sed 's/^/    /' >&2
				if [ "$f" -eq 0 ]; then
					kit_warn "unit $name: exit status $rc although it reports no failure"
					FAIL=$((FAIL + 1))
				fi
			fi
		done
	fi
fi

# ---------------------------------------------------------------- the proxy's transactions

# test/proxy_txn.test.js: one test, whatever its node:test cases number.
if [ $run_proxy_txn = 1 ]; then
	kit_say "proxy transaction emulation (test/proxy_txn.test.js)"
	rc=0
	kit_run "$RESULTS/proxy_txn.log" "$TEST_TIMEOUT" env DDB_ACCESS_KEY_ID="$KIT_ACCESS_KEY_ID" \
		DDB_SECRET_ACCESS_KEY="$KIT_SECRET_ACCESS_KEY" node "$REPO/test/proxy_txn.test.js" || rc=$?
	if [ $rc -eq 0 ] && grep -q '^# fail 0$' "$RESULTS/proxy_txn.log"; then
		PASS=$((PASS + 1))
		printf '%-40s ... ok (%s node:test cases)\n' proxy_txn "$(sed -n 's/^# pass //p' "$RESULTS/proxy_txn.log")"
	else
		printf '%-40s ... FAILED (results/proxy_txn.log)\n' proxy_txn
		sed -n '/^not ok/,/^ *stack:/p' "$RESULTS/proxy_txn.log" | grep -v '^ *stack:' | head -n 40 | sed 's/^/    /' >&2
		[ $rc -eq 124 ] && kit_warn "proxy_txn: timed out after ${TEST_TIMEOUT}s"
		fail "proxy_txn"
	fi
fi

# ---------------------------------------------------------------- services and SQL tests

psql_admin() {  # runs SQL as postgres in database postgres, quietly
	kit_as_postgres "$KIT_PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres "$@"
}

# NAME [C]: drop and create it, with the ddb_test.* settings.  Its default
# collation is the cluster's (ICU en-US), or with C, libc's "C".
fresh_database() {
	local db=$1 locale="LC_COLLATE 'C' LC_CTYPE 'C'"
	[ "${2:-}" = C ] && locale="LOCALE_PROVIDER libc LOCALE 'C'"
	psql_admin >/dev/null <<-EOF || kit_die "could not create database $db"
		SET client_min_messages = warning;
		DROP DATABASE IF EXISTS $db WITH (FORCE);
		CREATE DATABASE $db TEMPLATE template0 ENCODING 'UTF8' $locale;
		ALTER DATABASE $db SET ddb_test.endpoint = '$DDB_ENDPOINT';
		ALTER DATABASE $db SET ddb_test.proxy_url = '$DDB_PROXY_URL';
		ALTER DATABASE $db SET ddb_test.direct_endpoint = '$DDB_DIRECT_ENDPOINT';
		ALTER DATABASE $db SET ddb_test.token_endpoint = '$DDB_TOKEN_ENDPOINT';
		ALTER DATABASE $db SET ddb_test.session_token = '$DDB_TEST_SESSION_TOKEN';
		ALTER DATABASE $db SET ddb_test.hostile_endpoint = '$DDB_HOSTILE_ENDPOINT';
		ALTER DATABASE $db SET ddb_test.access_key_id = '$DDB_ACCESS_KEY_ID';
		ALTER DATABASE $db SET ddb_test.secret_access_key = '$DDB_SECRET_ACCESS_KEY';
		ALTER DATABASE $db SET ddb_test.region = '$DDB_REGION';
		ALTER DATABASE $db SET ddb_test.test_dir = '$DDB_TEST_DIR';
	EOF
}

reset_proxies() {
	local u
	for u in "$DDB_PROXY_URL" "$DDB_TOKEN_ENDPOINT"; do
		curl -sf -o /dev/null -X DELETE "$u/__proxy/rules" &&
			curl -sf -o /dev/null -X POST "$u/__proxy/stats/reset" ||
			kit_die "proxy at $u does not answer"
	done
	curl -sf -o /dev/null -X DELETE "$DDB_HOSTILE_ENDPOINT/__hostile/rules" &&
		curl -sf -o /dev/null -X POST "$DDB_HOSTILE_ENDPOINT/__hostile/stats/reset" ||
		kit_die "hostile DynamoDB at $DDB_HOSTILE_ENDPOINT does not answer"
}

# run_one KIND NAME: one pg_regress test (KIND=sql) or isolation spec (KIND=spec).
run_one() {
	local kind=$1 name=$2 tool db outdir log rc ok_lines failed_lines inputdir=$KIT_INPUT_DIR
	if [ "$kind" = sql ]; then
		tool=$KIT_PG_REGRESS db=contrib_regression outdir=$KIT_RUN_DIR/out-regress
	else
		tool=$KIT_PG_ISOLATION_REGRESS db=isolation_regression outdir=$KIT_RUN_DIR/out-isolation
	fi
	install -d -o postgres -g postgres "$outdir"
	rm -f "$outdir/regression.diffs" "$outdir/regression.out"
	reset_proxies
	if [ "$kind" = sql ] && [ ! -f "$KIT_INPUT_DIR/sql/$name.sql" ]; then
		# NAME_c of C_TOO: sql/NAME.sql, in a "C" database
		inputdir=$KIT_RUN_DIR/c-inputs
		install -d -o postgres -g postgres "$inputdir" "$inputdir/sql" "$inputdir/expected"
		install -o postgres -g postgres -m 644 "$KIT_INPUT_DIR/sql/${name%_c}.sql" "$inputdir/sql/$name.sql"
		rm -f "$inputdir/expected/$name.out"
		[ -f "$KIT_INPUT_DIR/expected/$name.out" ] &&
			install -o postgres -g postgres -m 644 "$KIT_INPUT_DIR/expected/$name.out" "$inputdir/expected/$name.out"
		fresh_database "$db" C
	else
		fresh_database "$db"
	fi
	if [ "$kind" = spec ] && [ -f "$KIT_INPUT_DIR/specs/$name.sh" ]; then
		if ! kit_as_postgres "${SESSION_ENV[@]}" bash "$KIT_INPUT_DIR/specs/$name.sh" >"$RESULTS/$name.setup.log" 2>&1; then
			printf 'spec %-30s ... FAILED (setup hook specs/%s.sh, see results/%s.setup.log)\n' "$name" "$name" "$name"
			tail -n 20 "$RESULTS/$name.setup.log" | sed 's/^/    /' >&2
			fail "spec $name (setup hook)"
			return
		fi
	fi
	# the log is written in this run's own directory: results/ is shared
	# with anything else running in the checkout
	log=$KIT_RUN_DIR/$kind-$name.log
	rc=0
	cd "$outdir" || kit_die "cannot enter $outdir"
	kit_run "$log" "$TEST_TIMEOUT" runuser -u postgres -- env PATH="$KIT_PGBIN:/usr/local/bin:/usr/bin:/bin" \
		HOME="$KIT_RUN_DIR" "${SESSION_ENV[@]}" \
		"$tool" --inputdir="$inputdir" --outputdir="$outdir" --bindir="$KIT_PGBIN" \
		--use-existing --host=127.0.0.1 --port="$PGPORT" --user=postgres --dbname="$db" \
		"$name" || rc=$?
	cd "$REPO" || true
	ok_lines=$(grep -cE '\.\.\. ok( |$)' "$log" 2>/dev/null)
	failed_lines=$(grep -cE '\.\.\. (FAILED|failed)' "$log" 2>/dev/null)
	ok_lines=${ok_lines:-0} failed_lines=${failed_lines:-0}
	mkdir -p "$RESULTS"
	[ -f "$log" ] && cp "$log" "$RESULTS/"
	grep -E '\.\.\. ' "$log"
	PASS=$((PASS + ok_lines))
	if [ "$failed_lines" -gt 0 ]; then
		FAIL=$((FAIL + failed_lines))
		FAILED_WHAT+=("$kind $name")
	elif [ $rc -ne 0 ] || [ "$ok_lines" -eq 0 ]; then
		[ $rc -eq 124 ] && kit_warn "$kind $name: timed out after ${TEST_TIMEOUT}s"
		[ -f "$KIT_INPUT_DIR/expected/$name.out" ] ||
			kit_warn "$kind $name: expected/$name.out is missing; this run's output is in results/results/$name.out"
		kit_warn "$kind $name: $(basename "$tool") exited with $rc:"
		tail -n 20 "$log" | sed 's/^/    /' >&2
		fail "$kind $name"
	fi
	if [ -f "$outdir/regression.diffs" ]; then
		cat "$outdir/regression.diffs" >>"$RESULTS/regression.diffs"
	fi
	mkdir -p "$RESULTS/results"
	[ -f "$outdir/results/$name.out" ] && cp "$outdir/results/$name.out" "$RESULTS/results/"
	[ -f "$outdir/results/$name.log" ] && cp "$outdir/results/$name.log" "$RESULTS/results/"
	return 0
}

if [ ${#sql_tests[@]} -gt 0 ] || [ ${#specs[@]} -gt 0 ]; then
	if [ $BUILD_OK = 1 ]; then
		[ -x "$KIT_PG_REGRESS" ] || kit_die "$KIT_PG_REGRESS is missing (postgresql-server-dev-$KIT_PGVERSION)"
		read -r DYNALITE_PORT PROXY_PORT TOKEN_PROXY_PORT HOSTILE_PORT PG_PORT < <(kit_free_ports 5) ||
			kit_die "could not find free ports"
		kit_say "dynalite :$DYNALITE_PORT, proxy :$PROXY_PORT, token proxy :$TOKEN_PROXY_PORT, hostile :$HOSTILE_PORT, postgres :$PG_PORT"
		kit_start_dynalite "$DYNALITE_PORT" "$KIT_RUN_DIR/dynalite.log"
		kit_start_proxy "$PROXY_PORT" "http://127.0.0.1:$DYNALITE_PORT" "$KIT_RUN_DIR/proxy.log"
		kit_start_proxy "$TOKEN_PROXY_PORT" "http://127.0.0.1:$DYNALITE_PORT" "$KIT_RUN_DIR/token-proxy.log" "$KIT_SESSION_TOKEN"
		kit_start_hostile "$HOSTILE_PORT" "http://127.0.0.1:$DYNALITE_PORT" "$KIT_RUN_DIR/hostile.log"
		kit_pg_start "$PG_PORT"
		kit_stage_inputs

		export DDB_ENDPOINT=http://127.0.0.1:$PROXY_PORT
		export DDB_PROXY_URL=$DDB_ENDPOINT
		export DDB_DIRECT_ENDPOINT=http://127.0.0.1:$DYNALITE_PORT
		export DDB_TOKEN_ENDPOINT=http://127.0.0.1:$TOKEN_PROXY_PORT
		export DDB_TEST_SESSION_TOKEN=$KIT_SESSION_TOKEN
		export DDB_ACCESS_KEY_ID=$KIT_ACCESS_KEY_ID
		export DDB_SECRET_ACCESS_KEY=$KIT_SECRET_ACCESS_KEY
		export DDB_REGION=$KIT_REGION
		export DDB_HOSTILE_ENDPOINT=http://127.0.0.1:$HOSTILE_PORT
		export DDB_TEST_DIR=$KIT_TEST_DIR
		export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
		SESSION_ENV=()
		for v in DDB_ENDPOINT DDB_PROXY_URL DDB_DIRECT_ENDPOINT DDB_TOKEN_ENDPOINT DDB_TEST_SESSION_TOKEN \
			DDB_HOSTILE_ENDPOINT DDB_ACCESS_KEY_ID DDB_SECRET_ACCESS_KEY DDB_REGION DDB_TEST_DIR \
			AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED PGHOST PGPORT PGUSER; do
			SESSION_ENV+=("$v=${!v}")
		done
		{
			for kv in "${SESSION_ENV[@]}"; do printf 'export %q\n' "$kv"; done
		} >"$KIT_RUN_DIR/env.sh"

		# pg_stat_activity, sampled while the tests run, for the secret scan
		printf '%s\n' "SELECT format('%s|%s|%s', application_name, state, regexp_replace(query, '\s+', ' ', 'g')) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend' AND query <> '' \watch 0.2" >"$KIT_RUN_DIR/activity.sql"
		(cd "$KIT_RUN_DIR" && exec runuser -u postgres -- "$KIT_PGBIN/psql" -X -At -h 127.0.0.1 -p "$PGPORT" \
			-U postgres -d postgres -f "$KIT_RUN_DIR/activity.sql" >"$KIT_RUN_DIR/activity.txt" 2>&1 </dev/null) &
		SAMPLER_PID=$!
		KIT_PIDS+=("$SAMPLER_PID")

		if [ ${#sql_tests[@]} -gt 0 ]; then
			kit_say "pg_regress: ${#sql_tests[@]} test(s)"
			for t in "${sql_tests[@]}"; do run_one sql "$t"; done
		fi
		if [ ${#specs[@]} -gt 0 ]; then
			if [ -x "$KIT_PG_ISOLATION_REGRESS" ]; then
				kit_say "isolation: ${#specs[@]} spec(s)"
				for s in "${specs[@]}"; do run_one spec "$s"; done
			else
				kit_warn "$KIT_PG_ISOLATION_REGRESS is missing"
				fail "isolation tester missing"
			fi
		fi
		for f in dynalite.log proxy.log token-proxy.log hostile.log postgres.log; do
			[ -f "$KIT_RUN_DIR/$f" ] && cp "$KIT_RUN_DIR/$f" "$RESULTS/"
		done

		# No secret of the kit in any log, output or pg_stat_activity sample.
		kill "$SAMPLER_PID" 2>/dev/null
		wait "$SAMPLER_PID" 2>/dev/null
		if bash "$REPO/scripts/secret-scan.sh" --activity "$KIT_RUN_DIR/activity.txt" "$KIT_RUN_DIR" "$RESULTS" >"$RESULTS/secret-scan.log" 2>&1; then
			printf 'test %-28s ... ok\n' "secret scan"
			PASS=$((PASS + 1))
		else
			printf 'test %-28s ... FAILED (results/secret-scan.log)\n' "secret scan"
			sed 's/^/    /' "$RESULTS/secret-scan.log" | head -n 40 >&2
			fail "secret scan"
		fi
	else
		kit_warn "skipping ${#sql_tests[@]} pg_regress test(s) and ${#specs[@]} spec(s): the extension did not build"
	fi
fi

# ---------------------------------------------------------------- report

if [ -s "$RESULTS/regression.diffs" ]; then
	echo
	echo "======== results/regression.diffs ========"
	limit=${DDB_TEST_DIFF_LINES:-3000}
	head -n "$limit" "$RESULTS/regression.diffs"
	lines=$(wc -l <"$RESULTS/regression.diffs")
	[ "$lines" -gt "$limit" ] && echo "... ($lines lines in all: see results/regression.diffs)"
	echo "=========================================="
fi
if [ $FAIL -gt 0 ]; then
	if [ "${CI:-}" = true ] && [ -f "$RESULTS/postgres.log" ]; then
		echo "---- last lines of the PostgreSQL log ----"
		tail -n 60 "$RESULTS/postgres.log"
	fi
	echo "failed: ${FAILED_WHAT[*]}"
fi
echo "$PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
