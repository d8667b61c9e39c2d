#!/usr/bin/env bash
# `make bench`: measures Gatehouse, on SQLite and on PostgreSQL, beside nginx
# serving the same discovery bytes (the ceiling of plain HTTP here),
# node-oidc-provider and Glewlwyd, on this machine, in one run, with identical
# wrk settings; then prints one table with the ratios and the targets
# (bench/report.mjs). See docs/performance.md.
#
# Servers (BENCH_SERVERS, in this order by default): gatehouse (SQLite),
# gatehouse-pg (the same binary on a database of a throw-away PostgreSQL
# cluster the run starts with scripts/pg-test-cluster.sh and stops on exit;
# BENCH_PG_PORT, a free one by default; BENCH_PG_SETTINGS="name=value …" set
# with ALTER SYSTEM, none by default), nginx, oidc-provider, glewlwyd,
# gatehouse-es256 (ES256 access tokens, SQLite).
#
# A/B mode, e.g. before and after a refactor: GATEHOUSE_BIN_B=/path/to/other/gatehouse
# adds gatehouse-b and gatehouse-pg-b (right after gatehouse-pg), the other
# binary measured the same way on both engines; the report puts each row of
# B beside A's with the ratio B ÷ A. BENCH_A_LABEL and BENCH_B_LABEL (A and
# B by default) name the two in the report, e.g. BENCH_A_LABEL=main
# BENCH_B_LABEL=refactor.
#
# Everything listens on 127.0.0.1, every load run is bounded by -d, and every
# server is stopped by the PID we started it with (also on Ctrl-C).
#
# Env: BENCH_SECONDS (10) and BENCH_WARMUP (3) per wrk run, BENCH_THREADS (2),
# BENCH_CONNS (64), BENCH_STARTS (3 timed starts per server), BENCH_SERVERS
# (which servers, in order), BENCH_SMOKE=1 (1 s runs, no warm-up, one start:
# the whole harness in well under a minute; writes no RESULTS.md),
# ACCESS_TOKENS (16384, 256 in the smoke run: the distinct user tokens of the
# "never presented before" runs).
# Output: bench/results/<UTC timestamp>/ (raw wrk outputs, logs, TSVs,
# summary.md); a full run (every server, not the smoke run, not A/B) also
# rewrites bench/RESULTS.md.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
BENCH=$ROOT/bench
GH_BIN=${GATEHOUSE_BIN:-$ROOT/build/gatehouse}
GH_BIN_B=${GATEHOUSE_BIN_B:-}
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"

if [ "${BENCH_SMOKE:-0}" = 1 ]; then
  : "${BENCH_SECONDS:=1}" "${BENCH_WARMUP:=0}" "${BENCH_STARTS:=1}"
fi
DUR=${BENCH_SECONDS:-10}
WARM=${BENCH_WARMUP:-3}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNS:-64}
STARTS=${BENCH_STARTS:-3}
SERVERS=${BENCH_SERVERS:-gatehouse gatehouse-pg${GH_BIN_B:+ gatehouse-b gatehouse-pg-b} nginx oidc-provider glewlwyd gatehouse-es256}
SPEED_SECONDS=$([ "$DUR" -ge 10 ] && echo 3 || echo 1)
# refresh.lua spends one list of fresh refresh tokens per wrk run: at least one
# token per connection and one more per thread (wrk asks one request ahead)
export REFRESH_BATCH=${REFRESH_BATCH:-$((CONNS * 2))}
# tokens.lua's list: long enough that no worker still remembers a token's
# signature when it comes round again (1,024 per worker, src/jose/verified.c);
# the smoke run's is too short for that and only tries the harness
export ACCESS_TOKENS=${ACCESS_TOKENS:-$([ "${BENCH_SMOKE:-0}" = 1 ] && echo 256 || echo 16384)}
# the members of the password + TOTP row (bench/tools/mfa-prepare.mjs): each
# signs in at most once per 30-second step, so the list must outlast the
# sign-ins of 30 s; the smoke run's only tries the harness
export BENCH_MFA_USERS=${BENCH_MFA_USERS:-$([ "${BENCH_SMOKE:-0}" = 1 ] && echo 64 || echo 4096)}

OUT=${BENCH_OUT:-$BENCH/results/$(date -u +%Y%m%dT%H%M%SZ)}
WORK=$OUT/work
mkdir -p "$WORK"
SUMMARY=$OUT/summary.tsv
SERVERS_TSV=$OUT/servers.tsv
SKIPPED=$OUT/skipped.tsv
printf 'server\tendpoint\treq_per_s\tp50\tp99\tnon2xx\tsocket_errors\trate\trate_failures\tpeak_rss_kB\tcpu_pct\tdb_cpu_pct\n' >"$SUMMARY"
printf 'server\tfirst_start_ms\tstart_ms\tidle_rss_kB\n' >"$SERVERS_TSV"
printf 'server\tendpoint\treason\n' >"$SKIPPED"

SRV_PID=""
SAMPLER_PID=""
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
  [ -n "$SRV_PID" ] && stop_pid "$SRV_PID"
  SRV_PID=""
  pg_down
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# ---------------------------------------------------------------- one wrk measurement
# load SERVER ENDPOINT URL SCRIPT [VAR=VALUE…]: warm-up, then the measured run.
# The variables are passed to the wrk script, and WRK_TOKENS names the list of
# refresh tokens refresh.lua spends, made anew before each wrk run (or, given,
# the list tokens.lua walks).
load() {
  local srv=$1 ep=$2 url=$3 script=$4 f=$OUT/$1-$2.txt t0 t1 d0 d1 w0 w1 vars
  shift 4
  vars=(WRK_THREADS="$THREADS" WRK_TOKENS="$WORK/$srv/refresh.txt" "$@")
  if [ "$WARM" != 0 ]; then
    log "$srv $ep: warm-up ${WARM}s"
    fresh_tokens "$srv" "$script" || return
    env "${vars[@]}" wrk -t"$THREADS" -c"$CONNS" -d"${WARM}s" \
      --timeout 10s -s "$BENCH/lua/$script" "$url" >"$OUT/$srv-$ep-warmup.txt" 2>&1
  fi
  log "$srv $ep: ${DUR}s"
  fresh_tokens "$srv" "$script" || return
  (while kill -0 "$SRV_PID" 2>/dev/null; do
    rss_kb "$SRV_PID"
    sleep 0.1
  done) >"$OUT/.rss" 2>/dev/null &
  SAMPLER_PID=$!
  t0=$(cpu_ticks "$SRV_PID")
  d0=$(db_ticks "$srv")
  w0=$(date +%s%N)
  env "${vars[@]}" wrk -t"$THREADS" -c"$CONNS" -d"${DUR}s" \
    --timeout 10s --latency -s "$BENCH/lua/$script" "$url" >"$f" 2>&1
  t1=$(cpu_ticks "$SRV_PID")
  d1=$(db_ticks "$srv")
  w1=$(date +%s%N)
  kill "$SAMPLER_PID" 2>/dev/null
  wait "$SAMPLER_PID" 2>/dev/null
  SAMPLER_PID=""
  record "$srv" "$ep" "$f" "$(sort -n "$OUT/.rss" | tail -1)" "$(cpu_pct "$t0" "$t1" $((w1 - w0)))" \
    "$([ "$d0" = - ] && echo - || cpu_pct "$d0" "$d1" $((w1 - w0)))"
}

cpu_pct() { awk -v a="$1" -v b="$2" -v hz="$HZ" -v w="$3" 'BEGIN{printf "%.0f", (b-a)/hz/(w/1e9)*100}'; } # TICKS0 TICKS1 NS

record() { # record SERVER ENDPOINT WRK_OUTPUT PEAK_RSS CPU DB_CPU: one line of summary.tsv
  local f=$3 rps p50 p99 non2xx serr rate fails
  rps=$(awk '/^Requests\/sec:/{print $2}' "$f")
  p50=$(awk '$1=="50%"{print $2}' "$f")
  p99=$(awk '$1=="99%"{print $2}' "$f")
  non2xx=$(awk '/Non-2xx or 3xx responses:/{print $NF}' "$f")
  serr=$(awk -F'Socket errors: ' '/Socket errors:/{print $2}' "$f" | tr -d ' ')
  rate=$(awk '/^(Flows|Refreshes)\/sec:/{print $2}' "$f")
  fails=$(awk '/^(Flow|Refresh) failures:/{print $NF}' "$f")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "${rps:-0}" "${p50:--}" "${p99:--}" \
    "${non2xx:-0}" "${serr:-none}" "${rate:--}" "${fails:--}" "${4:-0}" "$5" "${6:--}" | tee -a "$SUMMARY" >&2
}

endpoints_of() {
  case $1 in
    gatehouse) echo discovery jwks token_cc userinfo userinfo_each_new introspect introspect_each_new refresh code_flow login login_totp ;;
    gatehouse-es256) echo token_cc token_cc_refused userinfo refresh code_flow ;;
    gatehouse*) endpoints_of gatehouse ;; # the same rows on PostgreSQL and for B
    nginx) echo discovery jwks ;;
    *) echo discovery jwks token_cc userinfo introspect refresh code_flow ;;
  esac
}

# ---------------------------------------------------------------- one server, start to stop
bench_server() {
  local srv=$1 _ first starts=() idle
  if ! available "$srv"; then
    skip "$srv" all "not installed (scripts/setup.sh bench)"
    return
  fi
  PORT[$srv]=$(free_port)
  log "=== $srv on 127.0.0.1:${PORT[$srv]}"
  setup_server "$srv" || { skip "$srv" all "set-up failed, see $OUT/bench.log and $WORK/$srv"; return; }
  # the first start creates what a new installation lacks (Gatehouse: schema and keys)
  start_server "$srv" || { skip "$srv" all "did not start, see $OUT/$srv.log"; return; }
  first=$START_MS
  for _ in $(seq 1 "$STARTS"); do
    stop_pid "$SRV_PID"
    SRV_PID=""
    start_server "$srv" || { skip "$srv" all "did not start, see $OUT/$srv.log"; return; }
    starts+=("$START_MS")
  done
  sleep 2
  idle=$(rss_kb "$SRV_PID")
  log "$srv: start-up ${starts[*]} ms (first $first ms), idle RSS $idle kB"
  if prepare "$srv"; then
    # shellcheck disable=SC2046
    measure_endpoints "$srv" $(endpoints_of "$srv")
  else
    skip "$srv" all "preparation failed, see $OUT/bench.log"
  fi
  printf '%s\t%s\t%s\t%s\n' "$srv" "$first" "$(
    IFS=/
    echo "${starts[*]}"
  )" "$idle" >>"$SERVERS_TSV"
  stop_pid "$SRV_PID"
  SRV_PID=""
}

# ---------------------------------------------------------------- the machine
environment() {
  {
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "machine: $(nproc) cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
    echo "load before: $(uptime)"
    echo "settings: wrk -t$THREADS -c$CONNS -d${DUR}s --timeout 10s --latency, warm-up ${WARM}s, $STARTS timed starts"
    echo "access tokens: $ACCESS_TOKENS distinct, for the runs that present a different one on every request"
    echo "gatehouse ${BENCH_A_LABEL:-A}: $GH_BIN, $("$GH_BIN" --version 2>/dev/null); $(git -C "$ROOT" describe --always --dirty 2>/dev/null) (build type $(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$(dirname "$GH_BIN")/CMakeCache.txt" 2>/dev/null | grep . || echo 'RelWithDebInfo, the default'); libmicrohttpd $(dpkg-query -W -f='${Version}' libmicrohttpd12 2>/dev/null), sqlite $(dpkg-query -W -f='${Version}' libsqlite3-0 2>/dev/null))"
    [ -n "$GH_BIN_B" ] && echo "gatehouse ${BENCH_B_LABEL:-B}: $GH_BIN_B, $("$GH_BIN_B" --version 2>/dev/null)"
    echo "wrk: $(dpkg-query -W -f='${Version}' wrk 2>/dev/null)"
    echo "nginx: $(dpkg-query -W -f='${Version}' nginx 2>/dev/null)"
    echo "oidc-provider: $(node -p 'require("./bench/peers/oidc-provider/node_modules/oidc-provider/package.json").version' 2>/dev/null) on Node.js $(node --version)"
    echo "glewlwyd: $(dpkg-query -W -f='${Version}' glewlwyd 2>/dev/null)"
    echo "openssl: $(openssl version)"
  } >"$OUT/env.txt"
}

speed() { # openssl speed, one process = one core: the signing limit
  log "openssl speed rsa2048 ecdsap256 (${SPEED_SECONDS}s each)"
  openssl speed -seconds "$SPEED_SECONDS" rsa2048 ecdsap256 >"$OUT/speed.txt" 2>/dev/null
}

environment
command -v wrk >/dev/null || {
  echo "bench: wrk is missing; run scripts/setup.sh bench" >&2
  exit 1
}
speed
for srv in $SERVERS; do
  bench_server "$srv"
done
pg_down
echo "load after: $(uptime)" >>"$OUT/env.txt"
rm -rf "$WORK" "$OUT/.rss" "$OUT/.check"
gzip -f "$OUT"/*.log # the servers' request logs run to hundreds of MB
RESULTS=$([ "${BENCH_SMOKE:-0}" = 1 ] || [ -n "${BENCH_SERVERS:-}" ] || [ -n "$GH_BIN_B" ] || echo "$BENCH/RESULTS.md")
node "$BENCH/report.mjs" "$OUT" $RESULTS
