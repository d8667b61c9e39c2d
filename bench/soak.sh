#!/usr/bin/env bash
# The bounded soak (`make soak`; not part of `make test`): DURATION seconds
# (60) of CONNECTIONS (1000) keep-alive connections, half on the token
# endpoint (client_credentials), half on userinfo, driven by wrk against a
# fresh `gatehouse serve` on SQLite. Passes when there is no error (no
# non-2xx answer, no socket error or timeout) and memory is flat: VmRSS is
# sampled every second, and its least-squares trend over the last 40 s must
# stay under FLAT_KB (4096) over those 40 s. Writes a short report to
# REPORT (build/soak-report.txt) and stdout; exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${GATEHOUSE_BIN:-$PWD/build/gatehouse}
DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-1000}
FLAT_KB=${FLAT_KB:-4096}
REPORT=${REPORT:-build/soak-report.txt}
PORT=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
BASE=http://127.0.0.1:$PORT

ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((CONNECTIONS + 200)) ] || { echo "soak: ulimit -n is $(ulimit -n), too low for $CONNECTIONS connections" >&2; exit 1; }
command -v wrk >/dev/null || { echo "soak: wrk is missing (apt-get install wrk)" >&2; exit 1; }

dir=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
gh() { "$BIN" --db "sqlite:$dir/gh.db" "$@"; }
gh db migrate >/dev/null

gh client add --id soak-svc --secret soak-svc-secret-0123456789 --redirect-uri https://svc.example/cb \
  --scope profile --grant client_credentials >/dev/null
gh client add --id soak-rp --secret soak-rp-secret-0123456789 --redirect-uri https://rp.example/cb >/dev/null
gh user add --username soak --password soak-Pass-1234 --email soak@example.com --nickname soak >/dev/null
"$BIN" --db "sqlite:$dir/gh.db" serve --listen "127.0.0.1:$PORT" 2>"$dir/serve.log" &
server=$!
for _ in $(seq 100); do curl -fs "$BASE/readyz" >/dev/null && break; sleep 0.1; done
token=$(node bench/soak-token.mjs "$BASE" soak-rp soak-rp-secret-0123456789 https://rp.example/cb soak soak-Pass-1234)

# one VmRSS sample (kB) per second while wrk runs
(while kill -0 "$server" 2>/dev/null; do awk '/^VmRSS/ {print $2}' "/proc/$server/status"; sleep 1; done) >"$dir/rss" &
sampler=$!
half=$((CONNECTIONS / 2))
SOAK_FORM="grant_type=client_credentials&client_id=soak-svc&client_secret=soak-svc-secret-0123456789&scope=profile" \
  wrk -t1 -c"$half" -d"${DURATION}s" --timeout 10s -s bench/token.lua "$BASE/oauth2/v1/token" >"$dir/token.txt" &
w1=$!
wrk -t1 -c$((CONNECTIONS - half)) -d"${DURATION}s" --timeout 10s -H "Authorization: Bearer $token" \
  "$BASE/oauth2/v1/userinfo" >"$dir/userinfo.txt" &
w2=$!
wait "$w1" "$w2"
kill "$sampler"

# errors: wrk's "Non-2xx or 3xx responses" and "Socket errors" lines
errors() { awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$1"; }
requests() { awk '/requests in/ {print $1}' "$1"; }
# start, peak, end, and the trend of the last 40 samples in kB over 40 s
memory=$(awk '{rss[NR] = $1; if ($1 > peak) peak = $1}
  END {
    n = NR < 40 ? NR : 40; s = NR - n
    for (i = s + 1; i <= NR; i++) { x = i - s; sx += x; sy += rss[i]; sxx += x * x; sxy += x * rss[i] }
    slope = n > 1 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : 0
    printf "%d %d %d %d", rss[1], peak, rss[NR], slope * 40
  }' "$dir/rss")
read -r rss_start rss_peak rss_end trend <<<"$memory"
token_errors=$(errors "$dir/token.txt")
userinfo_errors=$(errors "$dir/userinfo.txt")
verdict=PASS
[ "$token_errors" -eq 0 ] && [ "$userinfo_errors" -eq 0 ] && [ "$trend" -le "$FLAT_KB" ] || verdict=FAIL

mkdir -p "$(dirname "$REPORT")"
{
  echo "soak: ${DURATION}s, $CONNECTIONS connections, $(nproc) cores, $(date -u +%FT%TZ)"
  echo "token (client_credentials): $(requests "$dir/token.txt") requests, $token_errors errors, $(awk '/Requests\/sec/ {print $2}' "$dir/token.txt") req/s, latency $(awk '/Latency/ {print $2 " avg, " $4 " max"}' "$dir/token.txt")"
  echo "userinfo: $(requests "$dir/userinfo.txt") requests, $userinfo_errors errors, $(awk '/Requests\/sec/ {print $2}' "$dir/userinfo.txt") req/s, latency $(awk '/Latency/ {print $2 " avg, " $4 " max"}' "$dir/userinfo.txt")"
  echo "VmRSS: start ${rss_start} kB, peak ${rss_peak} kB, end ${rss_end} kB; trend over the last 40 s: ${trend} kB (flat: <= ${FLAT_KB} kB)"
  echo "$verdict"
} | tee "$REPORT"
[ "$verdict" = PASS ]
