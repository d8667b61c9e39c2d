#!/usr/bin/env bash
# Server CPU time per request on the API endpoints: what a change to the
# request path costs or saves, measured so that other load on the machine
# barely moves it (wall-clock rates do move). For each Gatehouse set-up
# (RS256 and ES256 signing) it starts a fresh server on 127.0.0.1, prepares it
# as bench/run.sh does (bench/lib.sh), and for each endpoint runs wrk
# CPU_REPEAT times: the server's utime + stime (/proc) before and after a run,
# divided by the requests wrk reports, in microseconds. Prints each run and
# the median, split into user and system time; exits non-zero when an
# answer was not 2xx.
#
#   bench/cpu-per-request.sh [ENDPOINT…]   (token_cc userinfo introspect discovery)
#
# Env: CPU_SECONDS (5) per run, CPU_WARMUP (1), CPU_THREADS (1), CPU_CONNS (16),
# CPU_REPEAT (3), CPU_SERVERS ("gatehouse gatehouse-es256"), GATEHOUSE_BIN,
# CPU_PERF=1 (after the measured runs, one more run under
# `perf record -e cpu-clock -g`; its shares by library and by symbol go to
# OUT/SERVER-ENDPOINT.perf.txt),
# CPU_OUT (the output folder; a new temporary one by default).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
BENCH=$ROOT/bench
GH_BIN=${GATEHOUSE_BIN:-$ROOT/build/gatehouse}
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"

DUR=${CPU_SECONDS:-5}
WARM=${CPU_WARMUP:-1}
THREADS=${CPU_THREADS:-1}
CONNS=${CPU_CONNS:-16}
REPEAT=${CPU_REPEAT:-3}
SERVERS=${CPU_SERVERS:-gatehouse gatehouse-es256}
ENDPOINTS=${*:-token_cc userinfo introspect discovery}
OUT=${CPU_OUT:-$(mktemp -d /tmp/gh-cpu.XXXXXX)}
WORK=$OUT/work
SKIPPED=$OUT/skipped.tsv
FAILED=0
mkdir -p "$WORK"

SRV_PID=""
trap '[ -n "$SRV_PID" ] && stop_pid "$SRV_PID"' EXIT
trap 'exit 130' INT TERM

# run_wrk OUTPUT URL VAR=VALUE…: one wrk run with request.lua
run_wrk() {
  local f=$1 url=$2 secs=$3
  shift 3
  env "$@" wrk -t"$THREADS" -c"$CONNS" -d"${secs}s" --timeout 10s -s "$BENCH/lua/request.lua" "$url" >"$f" 2>&1
}

# user_sys PID: the summed utime and stime (ticks) of the server's processes
user_sys() {
  local p u=0 s=0 a b
  for p in $(tree "$1"); do
    read -r a b < <(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12, $13}')
    u=$((u + ${a:-0}))
    s=$((s + ${b:-0}))
  done
  echo "$u $s"
}

# per_request "U0 S0" "U1 S1" WRK_OUTPUT: microseconds of CPU per request: "total user system"
per_request() {
  awk -v a="$1" -v b="$2" -v hz="$HZ" '/ requests in /{n=$1} END{
    split(a, x, " "); split(b, y, " "); u=(y[1]-x[1])/hz*1e6; s=(y[2]-x[2])/hz*1e6
    if (n) printf "%.1f %.1f %.1f", (u+s)/n, u/n, s/n; else print "-1 -1 -1"}' "$3"
}

median() { sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }

# The measurement measure_endpoints runs (only request.lua endpoints are measured).
load() {
  local srv=$1 ep=$2 url=$3 script=$4 f runs=() t0 t1 i
  shift 4
  [ "$script" = request.lua ] || return 0
  [ "$WARM" = 0 ] || run_wrk "$OUT/$srv-$ep-warmup.txt" "$url" "$WARM" "$@"
  for i in $(seq 1 "$REPEAT"); do
    f=$OUT/$srv-$ep-$i.txt
    t0=$(user_sys "$SRV_PID")
    run_wrk "$f" "$url" "$DUR" "$@"
    t1=$(user_sys "$SRV_PID")
    runs+=("$(per_request "$t0" "$t1" "$f")")
    grep -q 'Non-2xx' "$f" && { log "$srv $ep: answers that are not 2xx, see $f"; FAILED=1; }
  done
  printf '%-16s %-10s %6s req/s %7s us/request = user %6s + system %6s (medians; runs: %s)\n' \
    "$srv" "$ep" "$(awk '/^Requests\/sec:/{printf "%.0f", $2}' "$f")" \
    "$(printf '%s\n' "${runs[@]}" | awk '{print $1}' | median)" \
    "$(printf '%s\n' "${runs[@]}" | awk '{print $2}' | median)" \
    "$(printf '%s\n' "${runs[@]}" | awk '{print $3}' | median)" \
    "$(printf '%s\n' "${runs[@]}" | awk '{printf "%s ", $1}')"
  [ "${CPU_PERF:-0}" = 1 ] && profile "$srv" "$ep" "$url" "$@"
}

# profile SERVER ENDPOINT URL VAR=VALUE…: one more run under perf, its report
profile() {
  local data=$OUT/$1-$2.perf.data url=$3 srv=$1 ep=$2
  shift 3
  perf record -q -e cpu-clock -g -p "$SRV_PID" -o "$data" -- sleep "$DUR" 2>/dev/null &
  local perf_pid=$!
  run_wrk "$OUT/$srv-$ep-perf.txt" "$url" "$DUR" "$@"
  wait "$perf_pid"
  {
    perf report -i "$data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep . | head -12
    echo
    perf report -i "$data" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep -v '^#' | grep . | head -40
  } >"$OUT/$srv-$ep.perf.txt"
}

for srv in $SERVERS; do
  PORT[$srv]=$(free_port)
  if ! { setup_server "$srv" && start_server "$srv" && prepare "$srv"; }; then
    log "$srv: set-up failed, see $OUT"
    exit 1
  fi
  # shellcheck disable=SC2086
  measure_endpoints "$srv" $ENDPOINTS
  stop_pid "$SRV_PID"
  SRV_PID=""
done
rm -rf "$WORK"
log "outputs in $OUT"
exit "$FAILED"
