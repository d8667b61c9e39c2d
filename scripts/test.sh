#!/usr/bin/env bash
# Runs every suite `make test` promises, after `make setup all`: unit tests
# (also under AddressSanitizer + UBSan), the CLI script, the end-to-end suite
# and the seed 004 partner check, on SQLite; then, on a throw-away PostgreSQL
# server (scripts/pg-test-cluster.sh, stopped on exit), the store conformance
# suite and the end-to-end suite again, scale-out included. The end-to-end
# suite also runs against the ASan+UBSan build (e2e-asan). The SQLite run
# (e2e) takes every file; the PostgreSQL and ASan runs take every file but
# those tests/e2e/opt-out.txt names for them, each with its reason (a new
# file runs in all three until someone lists it there). E2E_ASAN_FILES, when
# set, picks the ASan run's files instead. GH_TEST_VALGRIND=1 adds the unit
# tests under valgrind (scripts/unit-valgrind.sh; about ten minutes, so not
# by default). Prints one line per suite and a closing "N passed, N failed"
# line; exits non-zero when anything failed.
#
# To stay within ten minutes on two cores (tests/e2e/README.md, "In make
# test", has the figures), the suites run in three lanes side by side, all
# started at once: the SQLite lane (e2e, then the Debian package), the checks
# lane (format, unit, the CLI scripts, seed 004, then unit-pg and e2e-pg) and
# the sanitizer lane (the ASan build of the server, then its e2e run beside the
# build and run of its unit tests).
# An end-to-end file spends most of its time waiting (on timeouts it tests, its
# servers, chromium), so every run takes E2E_JOBS files at a time (default
# 2; 1 for one at a time), but for pg-reconnect.test.mjs, which restarts the
# cluster the PostgreSQL run's files share and so runs alone after them
# (e2e-pg-reconnect). The lanes share
# no port (each server takes a free one), no database (each test makes its
# own) and no file but their logs; `make all` has built build/ before, so
# the checks' `make install` finds nothing to rebuild under the running e2e.
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
BUILD_ASAN=${BUILD_ASAN:-build-asan}
JOBS=${JOBS:-$(nproc)}
LOGS=${LOGS:-$BUILD/test-logs}
E2E_ASAN_FILES=${E2E_ASAN_FILES:-}
E2E_JOBS=${E2E_JOBS:-2}
mkdir -p "$LOGS"
RESULTS="$LOGS/results"
: >"$RESULTS"

# suite NAME COMMAND…: runs one suite into its log and records "ok NAME" or
# "FAIL NAME" in $RESULTS (lanes run in subshells, so no shell variables).
suite() {
  local name=$1
  shift
  local log="$LOGS/${name//\//_}.log"
  local t0=$SECONDS
  if "$@" >"$log" 2>&1; then
    echo "ok $name" >>"$RESULTS"
    printf 'ok    %-22s (%ds)\n' "$name" $((SECONDS - t0))
  else
    echo "FAIL $name" >>"$RESULTS"
    printf 'FAIL  %-22s (%ds)  log: %s\n' "$name" $((SECONDS - t0)) "$log"
    tail -n 40 "$log" | sed 's/^/      /'
  fi
}

# The ASan+UBSan build: asan_build the server alone (the end-to-end run
# starts on it), asan_build all the unit tests and fuzz replays beside it.
asan_build() {
  cmake -S . -B "$BUILD_ASAN" -DGH_SANITIZE=ON >/dev/null &&
    cmake --build "$BUILD_ASAN" -j "$JOBS" "$@"
}

# e2e_files RUN: the end-to-end files of one run (pg or asan): every
# *.test.mjs but those tests/e2e/opt-out.txt lists for RUN. A listed file
# that does not exist fails the run (a renamed file must not slip back in
# unnoticed).
e2e_files() {
  local run=$1 f
  local -A out=()
  while read -r r f _; do
    [ "$r" = "$run" ] || continue
    [ -e "tests/e2e/$f" ] || { echo "tests/e2e/opt-out.txt: no such file: $f" >&2; return 1; }
    out[$f]=1
  done < <(grep -v '^[[:space:]]*\(#\|$\)' tests/e2e/opt-out.txt)
  for f in tests/e2e/*.test.mjs; do
    f=${f#tests/e2e/}
    [ -n "${out[$f]:-}" ] || printf '%s ' "$f"
  done
}

# e2e_run NAME BINARY JOBS FILES [VAR=VALUE…]: the end-to-end files against
# a binary, JOBS files at a time.
e2e_run() {
  local name=$1 bin=$2 jobs=$3 files=$4
  shift 4
  [ -n "$files" ] || { suite "$name" bash -c 'echo "no files (see tests/e2e/opt-out.txt)" >&2; exit 1'; return; }
  suite "$name" bash -c "cd tests/e2e && env $* GATEHOUSE_BIN='$PWD/$bin' node --test --test-concurrency=$jobs --test-reporter=spec $files"
}

# The sanitizer lane: the ASan+UBSan build, its unit tests, and the e2e suite
# against its binary (the harness fails a file whose server logged a
# sanitizer report).
lane_sanitizers() {
  local build
  build="$(declare -f asan_build); BUILD_ASAN='$BUILD_ASAN' JOBS='$JOBS' asan_build"
  suite asan-build bash -c "$build --target gatehouse"
  # the unit tests (built, then run) beside the e2e run, which mostly waits:
  # the lane was the longest
  suite unit-asan bash -c "$build && cd '$BUILD_ASAN' && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure" &
  local unit=$!
  e2e_run e2e-asan "$BUILD_ASAN/gatehouse" "$E2E_JOBS" "${E2E_ASAN_FILES:-$(e2e_files asan)}" \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  wait "$unit"
  if [ "${GH_TEST_VALGRIND:-0}" = 1 ]; then
    suite unit-valgrind scripts/unit-valgrind.sh "$BUILD"
  fi
}
# The SQLite lane: every end-to-end file, then the Debian package: built,
# installed with apt-get, checked, purged (root only).
lane_sqlite() {
  e2e_run e2e "$BUILD/gatehouse" "$E2E_JOBS" "$(cd tests/e2e && echo *.test.mjs)"
  if [ "$(id -u)" = 0 ] && command -v dpkg-buildpackage >/dev/null; then
    suite package bash -c "scripts/deb.sh '$BUILD' && scripts/deb-check.sh '$BUILD'"
  fi
}

# PostgreSQL: a free port unless one is given, a cluster stopped on exit.
GH_PG_PORT=${GH_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
export GH_PG_PORT
trap 'scripts/pg-test-cluster.sh stop >/dev/null 2>&1' EXIT
store_on_pg() {
  GH_TEST_DB=$(scripts/pg-test-cluster.sh newdb) && GH_TEST_DB_FRESH=$(scripts/pg-test-cluster.sh newdb) &&
    export GH_TEST_DB GH_TEST_DB_FRESH && cd "$BUILD" && ctest --output-on-failure -R '^store/'
}

# The checks lane: the quick checks on build/, then everything on PostgreSQL:
# E2E_JOBS files at a time, but for pg-reconnect.test.mjs, which restarts the
# cluster every file of the run shares and so runs alone, last. unit and
# unit-pg share build/'s ctest, so they stay in this one lane.
lane_checks_pg() {
  if command -v clang-format >/dev/null; then
    suite format bash -c "clang-format --dry-run --Werror \$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h')"
  fi
  suite unit bash -c "cd '$BUILD' && ctest -j '$JOBS' --output-on-failure"
  suite cli env GATEHOUSE_BIN="$PWD/$BUILD/gatehouse" bash tests/cli/test_cli.sh
  suite cli-db bash tests/cli/test_cli_db.sh "$PWD/$BUILD/gatehouse"
  suite cli-admin bash tests/cli/test_cli_admin.sh "$PWD/$BUILD/gatehouse"
  suite cli-account bash tests/cli/test_cli_account.sh "$PWD/$BUILD/gatehouse"
  suite man bash tests/cli/test_man.sh "$PWD/$BUILD/gatehouse"
  suite install bash tests/cli/test_install.sh "$PWD/$BUILD/gatehouse"
  if [ -x ../shared/checks/seed004-flow ]; then
    suite seed004-flow env GH_NO_BUILD=1 ../shared/checks/seed004-flow
  fi
  suite postgresql scripts/pg-test-cluster.sh start
  suite unit-pg bash -c "$(declare -f store_on_pg); BUILD='$BUILD' store_on_pg"
  local files pg_env
  files=$(e2e_files pg)
  pg_env=(GATEHOUSE_E2E_PG="'$(scripts/pg-test-cluster.sh url)'" GATEHOUSE_E2E_PG_CLUSTER="'$PWD/scripts/pg-test-cluster.sh'")
  e2e_run e2e-pg "$BUILD/gatehouse" "$E2E_JOBS" "${files//pg-reconnect.test.mjs/}" "${pg_env[@]}"
  case " $files " in
  *" pg-reconnect.test.mjs "*) e2e_run e2e-pg-reconnect "$BUILD/gatehouse" 1 pg-reconnect.test.mjs "${pg_env[@]}" ;;
  esac
}

lane_sanitizers &
sanitizers=$!
lane_sqlite &
sqlite=$!
lane_checks_pg &
checks=$!
wait "$sanitizers" "$sqlite" "$checks"

passed=$(grep -c '^ok ' "$RESULTS")
failed=$(grep -c '^FAIL ' "$RESULTS")
if [ "$failed" -gt 0 ]; then
  echo "failed suites: $(sed -n 's/^FAIL //p' "$RESULTS" | tr '\n' ' ')"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
