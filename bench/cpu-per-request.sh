#!/usr/bin/env bash
# CPU per request: what a change to the request path costs or saves, measured
# so that other load on the machine moves it little (wall-clock rates move a
# lot). For each Gatehouse set-up (CPU_SERVERS) it starts a fresh server on
# 127.0.0.1, prepares it as bench/run.sh does (bench/lib.sh), and for each
# endpoint runs wrk CPU_REPEAT times: the utime and stime (/proc) of the
# server and, for a -pg variant, of its PostgreSQL server (postmaster and
# backends) before and after a run, divided by the requests wrk reports (for
# refresh and code_flow: by the rotations and flows completed), in
# microseconds. The load generator is not counted. Prints the medians of the
# runs (gatehouse user + system, the database's, and their total) and each
# run's total, and apart the CPU of the load generator (wrk) per request;
# writes them to OUT/cpu.tsv, and when both engines ran, a table of
# PostgreSQL's total per request beside SQLite's: their ratio, and the same
# with wrk's CPU added to each, which is what the throughput ratio of `make
# bench` tends to on a dedicated machine where the two cores, shared with
# wrk, are the limit. Exits non-zero when an answer was not 2xx.
#
#   bench/cpu-per-request.sh [ENDPOINT…]   (token_cc userinfo introspect discovery)
#   make bench-cpu                         (both engines, every database row)
#
# Endpoints: those of bench/lib.sh's measure_endpoints (token_cc userinfo
# userinfo_each_new introspect introspect_each_new refresh code_flow login
# discovery jwks).
# Env: CPU_SECONDS (5) per run, CPU_WARMUP (1), CPU_THREADS (1), CPU_CONNS (16;
# 4 with CPU_CALLGRIND), CPU_REPEAT (3), CPU_SERVERS ("gatehouse
# gatehouse-es256"; gatehouse-pg runs on a throw-away PostgreSQL cluster, as in
# bench/run.sh, with BENCH_PG_SETTINGS), GATEHOUSE_BIN, ACCESS_TOKENS (4096:
# the distinct tokens of the *_each_new rows), CPU_OUT (the output folder; a
# new temporary one by default), and:
#   CPU_PERF=1       after the measured runs, one more run under
#                    `perf record -e cpu-clock -g` and `perf stat`; the
#                    server's CPU time and context switches per request, and
#                    the shares by library and by symbol, go to
#                    OUT/SERVER-ENDPOINT.perf.txt
#   CPU_CALLGRIND=1  the server runs under callgrind instead, and each run
#                    counts the instructions it executed per request (user
#                    space only, but the same from run to run whatever else
#                    the machine does); the profile of the last run goes to
#                    OUT/SERVER-ENDPOINT.callgrind.txt
# shellcheck disable=SC2317 # the measurements are called through $MEASURE
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
CALLGRIND=${CPU_CALLGRIND:-0}
OUT=${CPU_OUT:-$(mktemp -d /tmp/gh-cpu.XXXXXX)}
WORK=$OUT/work
SKIPPED=$OUT/skipped.tsv
FAILED=0
mkdir -p "$WORK"
export REFRESH_BATCH=${REFRESH_BATCH:-$((CONNS * 2))} # refresh.lua's chains (bench/run.sh)
export ACCESS_TOKENS=${ACCESS_TOKENS:-4096}
CPU_TSV=$OUT/cpu.tsv
printf 'server\tendpoint\tgatehouse_us\tdb_us\ttotal_us\twrk_us\n' >"$CPU_TSV"

SRV_PID=""
trap '[ -n "$SRV_PID" ] && stop_pid "$SRV_PID"; pg_down' EXIT
trap 'exit 130' INT TERM

# run_wrk OUTPUT URL SECONDS VAR=VALUE…: one wrk run with $SCRIPT (refresh.lua
# gets a fresh list of refresh tokens first)
run_wrk() {
  local f=$1 url=$2 secs=$3
  shift 3
  fresh_tokens "$SRV" "$SCRIPT" || { FAILED=1; return 0; }
  local TIMEFORMAT='%U %S' # wrk's own CPU, in seconds, to $f.wrk
  { time env WRK_THREADS="$THREADS" WRK_TOKENS="$WORK/$SRV/refresh.txt" "$@" \
    wrk -t"$THREADS" -c"$CONNS" -d"${secs}s" --timeout 10s -s "$BENCH/lua/$SCRIPT" "$url" >"$f" 2>&1; } 2>"$f.wrk"
  grep -q 'Non-2xx' "$f" && { log "answers that are not 2xx, see $f"; FAILED=1; }
  grep -Eq '^(Flow|Refresh) failures: [1-9]' "$f" && { log "failed flows or rotations, see $f"; FAILED=1; }
  return 0
}

# requests OUTPUT: what a run did: the rotations or flows completed where the
# script counts them (their rate times the run's seconds), else the requests
requests() {
  awk '/ requests in /{n=$1; d=$4; sub(/s,?$/, "", d)}
    /^(Flows|Refreshes)\/sec:/{r=$2}
    END{ if (r != "") printf "%.0f", r*d; else print n }' "$1"
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

# db_cpu SERVER: "ALL BACKENDS", the CPU ticks of its PostgreSQL server: all
# of it (the postmaster, its live processes, and those it reaped: an
# autovacuum worker that came and went), and of that the backends serving
# connections (the title "postgres: USER DB …", not a background process);
# "0 0" on SQLite
db_cpu() {
  case $1 in gatehouse-pg*) ;; *) echo "0 0" && return ;; esac
  local pm p all back=0 v kids
  pm=$(head -1 "$(pg_dir)/data/postmaster.pid")
  all=$(sed 's/.*) //' "/proc/$pm/stat" | awk '{print $12+$13+$14+$15}')
  kids=$(cat /proc/"$pm"/task/*/children 2>/dev/null)
  for p in $kids; do
    v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12+$13}')
    all=$((all + ${v:-0}))
    tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q '^postgres: postgres ' && back=$((back + ${v:-0}))
  done
  echo "$all $back"
}

# cpu_run OUTPUT URL VAR=VALUE…: one measured run; prints "total user system
# db wrk backends" in µs per request: the server's user and system time, the
# database server's (0 on SQLite), the sum of these three, apart the load
# generator's, and the part of db spent by the backends serving Gatehouse
# (the rest is PostgreSQL's background work: WAL writer, checkpointer,
# autovacuum)
cpu_run() {
  local f=$1 t0 t1 d0 d1
  t0=$(user_sys "$SRV_PID")
  d0=$(db_cpu "$SRV")
  run_wrk "$f" "$2" "$DUR" "${@:3}"
  t1=$(user_sys "$SRV_PID")
  d1=$(db_cpu "$SRV")
  awk -v a="$t0" -v b="$t1" -v c="$d0" -v d="$d1" -v n="$(requests "$f")" -v hz="$HZ" -v w="$(cat "$f.wrk")" 'BEGIN{
    split(a, x, " "); split(b, y, " "); u=(y[1]-x[1])/hz*1e6/n; s=(y[2]-x[2])/hz*1e6/n
    split(c, p, " "); split(d, q, " "); db=(q[1]-p[1])/hz*1e6/n; back=(q[2]-p[2])/hz*1e6/n
    split(w, g, " "); printf "%.1f %.1f %.1f %.1f %.1f %.1f", u+s+db, u, s, db, (g[1]+g[2])*1e6/n, back}'
}

# callgrind_run OUTPUT URL VAR=VALUE…: one measured run under callgrind (its
# counters zeroed before, dumped after); prints the instructions per request
callgrind_run() {
  local f=$1 dump d n=0
  callgrind_control -z "$SRV_PID" >/dev/null
  run_wrk "$f" "$2" "$DUR" "${@:3}"
  callgrind_control -d "$SRV_PID" >/dev/null
  for d in "$OUT/callgrind.out.$SRV_PID".*; do # the dumps are numbered from 1
    [ "${d##*.}" -gt "$n" ] && n=${d##*.}
  done
  dump=$OUT/callgrind.out.$SRV_PID.$n
  callgrind_annotate --inclusive=yes "$dump" 2>/dev/null | head -60 >"$OUT/$CUR.callgrind.txt"
  awk -v n="$(requests "$f")" '/^(summary|totals):/{t=$2} END{printf "%.0f", t/n}' "$dump"
}

median() { sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
column_median() { printf '%s\n' "${@:2}" | awk -v c="$1" '{print $c}' | median; }

# The measurement measure_endpoints runs.
load() {
  local srv=$1 ep=$2 url=$3 runs=() i rate
  SCRIPT=$4
  shift 4
  CUR=$srv-$ep
  [ "$WARM" = 0 ] || run_wrk "$OUT/$CUR-warmup.txt" "$url" "$WARM" "$@"
  for i in $(seq 1 "$REPEAT"); do
    runs+=("$("$MEASURE" "$OUT/$CUR-$i.txt" "$url" "$@")")
  done
  rate=$(awk '/^Requests\/sec:/{printf "%.0f", $2}' "$OUT/$CUR-$REPEAT.txt")
  if [ "$CALLGRIND" = 1 ]; then
    printf '%-16s %-10s %9s instructions/request (median; runs: %s)\n' "$srv" "$ep" \
      "$(column_median 1 "${runs[@]}")" "${runs[*]}"
  else
    local gh db total wrk
    total=$(column_median 1 "${runs[@]}")
    db=$(column_median 4 "${runs[@]}")
    wrk=$(column_median 5 "${runs[@]}")
    gh=$(awk -v t="$total" -v d="$db" 'BEGIN{printf "%.1f", t-d}')
    printf '%-16s %-19s %6s req/s %7s us/request = user %6s + system %6s + database %6s (backends %6s); wrk %6s (medians; runs: %s)\n' \
      "$srv" "$ep" "$rate" "$total" "$(column_median 2 "${runs[@]}")" \
      "$(column_median 3 "${runs[@]}")" "$db" "$(column_median 6 "${runs[@]}")" "$wrk" \
      "$(printf '%s\n' "${runs[@]}" | awk '{printf "%s ", $1}')"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$srv" "$ep" "$gh" "$db" "$total" "$wrk" >>"$CPU_TSV"
  fi
  [ "${CPU_PERF:-0}" = 1 ] && profile "$url" "$@"
  return 0
}

# profile URL VAR=VALUE…: one more run under perf, its report
profile() {
  local data=$OUT/$CUR.perf.data perf_pid stat_pid
  perf record -q -e cpu-clock -g -p "$SRV_PID" -o "$data" -- sleep "$DUR" 2>/dev/null &
  perf_pid=$!
  perf stat -e task-clock,context-switches,cpu-migrations -p "$SRV_PID" -o "$OUT/$CUR.perf-stat.txt" -- sleep "$DUR" 2>/dev/null &
  stat_pid=$!
  run_wrk "$OUT/$CUR-perf.txt" "$1" "$DUR" "${@:2}"
  wait "$perf_pid" "$stat_pid"
  {
    awk -v n="$(requests "$OUT/$CUR-perf.txt")" '{ gsub(",", "", $1) }
      $2 == "msec" && $3 == "task-clock" { printf "CPU time per request: %.1f us\n", $1 * 1000 / n }
      $2 ~ /^(context-switches|cpu-migrations)$/ { printf "%s per request: %.2f\n", $2, $1 / n }' "$OUT/$CUR.perf-stat.txt"
    perf report -i "$data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -v '^#' | grep . | head -12
    echo
    perf report -i "$data" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep -v '^#' | grep . | head -40
  } >"$OUT/$CUR.perf.txt"
}

MEASURE=cpu_run
if [ "$CALLGRIND" = 1 ]; then
  MEASURE=callgrind_run
  CONNS=${CPU_CONNS:-4} # more requests per connection: its set-up counts less
  GH_PREFIX=(valgrind --tool=callgrind "--callgrind-out-file=$OUT/callgrind.out.%p")
fi
for srv in $SERVERS; do
  SRV=$srv
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
# PostgreSQL beside SQLite, per endpoint measured on both
# (the last column adds each run's wrk CPU to both: what `make bench`, where
# wrk shares the two cores, tends to)
awk -F'\t' 'NR > 1 { v[$1 FS $2] = $5; w[$1 FS $2] = $6; if (!($2 in e)) o[++n] = $2; e[$2] = 1 }
  END { for (i = 1; i <= n; i++) { ep = o[i]; s = "gatehouse" FS ep; p = "gatehouse-pg" FS ep
    if (!((s in v) && (p in v))) continue
    if (!h++) printf "\n%-19s %10s %10s %12s %10s %10s %12s\n", "endpoint", "SQLite us", "PG us", "SQLite / PG", "wrk SQLite", "wrk PG", "with wrk"
    printf "%-19s %10.1f %10.1f %11.2fx %10.1f %10.1f %11.2fx\n", ep, v[s], v[p], v[s] / v[p], w[s], w[p], (v[s] + w[s]) / (v[p] + w[p]) } }' "$CPU_TSV"
rm -rf "$WORK"
gzip -f "$OUT"/*.log # the servers' request logs run to hundreds of MB
log "outputs in $OUT"
exit "$FAILED"
