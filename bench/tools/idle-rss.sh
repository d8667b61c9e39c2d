#!/usr/bin/env bash
# What `gatehouse serve` keeps resident when idle, measured the way
# bench/run.sh measures it: a fresh SQLite database, one untimed first start
# (schema and signing key), then a second start; 2 s after that start first
# answered the discovery document, VmRSS, RssAnon and RssFile from
# /proc/PID/status and the resident kB of every mapping from /proc/PID/smaps,
# summed per file (anonymous memory as [heap], [stack], [anon]). Prints one
# table, largest first. See docs/performance.md.
#
#   bench/tools/idle-rss.sh [GATEHOUSE_BIN]   (default build/gatehouse)
# Env: IDLE_RSS_RUNS (1): start and measure that many times, print each
# run's VmRSS and the breakdown of the last. Listens on 127.0.0.1 only; the
# server is stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${1:-build/gatehouse}")
RUNS=${IDLE_RSS_RUNS:-1}
DIR=$(mktemp -d)
PID=""
stop() { [ -z "$PID" ] || { kill "$PID" 2>/dev/null && while kill -0 "$PID" 2>/dev/null; do sleep 0.02; done; }; PID=""; }
trap 'stop; rm -rf "$DIR"' EXIT
PORT=$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
URL=http://127.0.0.1:$PORT

start() { # start: PID of a server that has answered once
  local r
  r=$(node bench/tools/startup.mjs "$URL/.well-known/openid-configuration" "$DIR/log" \
    "$BIN" --db "sqlite:$DIR/gh.db" serve --listen "127.0.0.1:$PORT" --issuer "$URL")
  PID=${r% *}
}

start
stop
for run in $(seq 1 "$RUNS"); do
  start
  sleep 2
  awk -v run="$run" 'BEGIN{printf "run %s:", run} /^(VmRSS|RssAnon|RssFile):/{printf "  %s %s kB", $1, $2} END{print ""}' \
    "/proc/$PID/status"
  [ "$run" = "$RUNS" ] || stop
done
awk '
  /^[0-9a-f]+-[0-9a-f]+ / { name = (NF >= 6 ? $6 : "[anon]"); sub(/.*\//, "", name); next }
  /^Rss:/ { rss[name] += $2; total += $2 }
  END {
    for (n in rss) if (rss[n] > 0) printf "%8d kB  %s\n", rss[n], n
    printf "%8d kB  total\n", total
  }' "/proc/$PID/smaps" | sort -rn
