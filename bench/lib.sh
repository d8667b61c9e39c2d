# Sourced by the benchmark scripts (bench/run.sh, bench/cpu-per-request.sh):
# the benchmark's client and user, how each server is set up, started,
# prepared (tokens, cookies, paths) and stopped, a process tree's CPU and RSS,
# and the endpoints with the requests wrk replays on them.
#
# The caller sets ROOT (the repository), BENCH (this folder), GH_BIN (the
# gatehouse binary; GH_BIN_B the other one of an A/B run), OUT (the
# run's output folder: logs and bench.log), WORK (servers' data), SKIPPED (a
# TSV of skipped measurements) and defines `load SERVER ENDPOINT URL SCRIPT
# [VAR=VALUE…]`, the measurement that measure_endpoints runs on each endpoint.
# GH_PREFIX (an array, empty by default) goes before the gatehouse command
# when a server is started, e.g. to run it under valgrind. A server whose name
# has -pg runs on the benchmark's own PostgreSQL cluster, which the caller
# stops with pg_down on exit.
# shellcheck shell=bash disable=SC2034,SC2153 # the variables set here are read by the sourcing scripts, GH_BIN is set by them
export CLIENT_ID=bench-client CLIENT_SECRET=bench-secret-0123456789 REDIRECT_URI=http://127.0.0.1:9/cb
export BENCH_USER=user1 BENCH_PASSWORD=Lantern-bench-pw-0123

BASIC="Basic $(printf %s "$CLIENT_ID:$CLIENT_SECRET" | base64 -w0)"
HZ=$(getconf CLK_TCK)
GH_PREFIX=()
GH_BIN_B=${GH_BIN_B:-}

stop_pid() { # stop_pid PID: SIGTERM, then SIGKILL after 5 s
  local pid=$1 _
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null
}

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$OUT/bench.log" >&2; }
skip() { # skip SERVER ENDPOINT REASON
  printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$SKIPPED"
  log "skip $1 $2: $3"
}
free_port() { node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# ---------------------------------------------------------------- a process tree's RSS and CPU
tree() { echo "$1" "$(cat /proc/"$1"/task/*/children 2>/dev/null)"; } # nginx: master + workers
rss_kb() { # summed VmRSS of the tree
  local p sum=0 v
  for p in $(tree "$1"); do
    v=$(awk '$1=="VmRSS:"{print $2}' "/proc/$p/status" 2>/dev/null)
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}
cpu_ticks() { # summed utime+stime of the tree
  local p sum=0 v
  for p in $(tree "$1"); do
    v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12+$13}')
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}

# ---------------------------------------------------------------- the servers
# Gatehouse runs in variants named gatehouse[-pg][-es256][-b]: -pg on a
# database of the benchmark's PostgreSQL cluster (else SQLite), -es256 with
# ES256 access tokens (else RS256), -b the binary GH_BIN_B (the A/B mode; else
# GH_BIN). Every other name is a peer.
declare -A PORT
declare -A DISC=([nginx]=/.well-known/openid-configuration [oidc-provider]=/.well-known/openid-configuration
  [glewlwyd]=/api/oidc/.well-known/openid-configuration)
for _v in gatehouse gatehouse-pg gatehouse-b gatehouse-pg-b gatehouse-es256; do
  DISC[$_v]=/.well-known/openid-configuration
done
declare -A GH_DB # a Gatehouse variant's database URL, set by setup_gatehouse
url_of() { echo "http://127.0.0.1:${PORT[$1]}"; }
kind_of() { case $1 in gatehouse*) echo gatehouse ;; *) echo "$1" ;; esac; } # for prepare.mjs
bin_of() { case $1 in gatehouse*-b) echo "$GH_BIN_B" ;; *) echo "$GH_BIN" ;; esac; }

command_of() { # command_of SERVER: the command line that starts it, in CMD
  local d=$WORK/$1 u
  u=$(url_of "$1")
  case $1 in
    gatehouse*) CMD=("${GH_PREFIX[@]}" "$(bin_of "$1")" --db "${GH_DB[$1]}" --config "$d/gatehouse.ini" serve --listen "${u#http://}" --issuer "$u") ;;
    nginx) CMD=(nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log" -g 'daemon off;') ;;
    oidc-provider) CMD=(env NODE_ENV=production PORT="${PORT[$1]}" KEY_FILE="$d/key.json" node "$BENCH/peers/oidc-provider/provider.mjs") ;;
    glewlwyd) CMD=(glewlwyd --config-file="$d/glewlwyd.conf") ;;
  esac
}

# ---------------------------------------------------------------- the PostgreSQL cluster
# One throw-away cluster for all -pg variants (scripts/pg-test-cluster.sh),
# started by the first of them on BENCH_PG_PORT (a free port by default),
# in its own directory under /tmp; each variant gets a new database in it.
# BENCH_PG_SETTINGS ("name=value …", none by default: PostgreSQL's defaults)
# are set with ALTER SYSTEM before the first variant starts, and with
# BENCH_PG_SOCKET=1 Gatehouse connects over the cluster's Unix socket (TCP on
# 127.0.0.1 by default, as to a database on another host). What it runs with
# goes to OUT/env.txt.
PG_UP=""
pg_cluster() {
  GH_PG_PORT=$BENCH_PG_PORT GH_PG_DIR=$(pg_dir) "$ROOT/scripts/pg-test-cluster.sh" "$@"
}
pg_dir() { echo "${TMPDIR:-/tmp}/gh-bench-pg-$BENCH_PG_PORT"; }
db_ticks() { # db_ticks SERVER: the CPU ticks of its PostgreSQL server (postmaster and backends), or -
  case $1 in
    gatehouse-pg*) cpu_ticks "$(head -1 "$(pg_dir)/data/postmaster.pid")" ;;
    *) echo - ;;
  esac
}
pg_up() {
  [ -n "$PG_UP" ] && return 0
  : "${BENCH_PG_PORT:=$(free_port)}"
  log "PostgreSQL cluster on 127.0.0.1:$BENCH_PG_PORT"
  PG_UP=1 # from here on pg_down stops it, even if the start fails half-way
  local url kv
  url=$(pg_cluster start 2>>"$OUT/bench.log") || return 1
  for kv in ${BENCH_PG_SETTINGS:-}; do
    psql -qAt -v ON_ERROR_STOP=1 "$url" -c "ALTER SYSTEM SET ${kv%%=*} = '${kv#*=}'" >>"$OUT/bench.log" 2>&1 || return 1
  done
  psql -qAt "$url" -c 'SELECT pg_reload_conf()' >/dev/null &&
    psql -qAt -F ' = ' "$url" -c "SELECT 'postgresql: ' || version()" -c "SELECT 'postgresql setting ' || name, setting || coalesce(unit, '')
      FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'max_connections')" >>"$OUT/env.txt"
}
pg_down() {
  [ -n "$PG_UP" ] && pg_cluster stop >>"$OUT/bench.log" 2>&1
  PG_UP=""
}

available() { # available SERVER: is it installed?
  case $1 in
    gatehouse-pg*) [ -x "$(bin_of "$1")" ] && command -v psql >/dev/null ;;
    gatehouse*) [ -x "$(bin_of "$1")" ] ;;
    nginx) command -v nginx >/dev/null ;;
    oidc-provider) [ -d "$BENCH/peers/oidc-provider/node_modules/oidc-provider" ] ;;
    glewlwyd) command -v glewlwyd >/dev/null && command -v sqlite3 >/dev/null ;;
  esac
}

setup_gatehouse() { # setup_gatehouse SERVER: its configuration, database, client and user
  local d=$WORK/$1 alg=RS256
  [[ $1 == *-es256* ]] && alg=ES256 # id_tokens stay RS256
  case $1 in
    gatehouse-pg*) pg_up && GH_DB[$1]=$(pg_cluster newdb) || return 1 ;;&
    gatehouse-pg*) # BENCH_PG_SOCKET=1: over the cluster's Unix socket rather than TCP
      [ "${BENCH_PG_SOCKET:-0}" = 1 ] && GH_DB[$1]="postgres://postgres@/${GH_DB[$1]##*/}?host=$(pg_dir)&port=$BENCH_PG_PORT" ;;
    *) GH_DB[$1]=sqlite:$d/gh.db ;;
  esac
  printf '[server]\naccess_token_alg = %s\n' "$alg" >"$d/gatehouse.ini"
  gh() { "$(bin_of "$1")" --db "${GH_DB[$1]}" "${@:2}"; }
  # a binary from before `db migrate` (an A/B run's B) makes its database itself
  { ! "$(bin_of "$1")" db --help >/dev/null 2>&1 || gh "$1" db migrate >/dev/null; } &&
    gh "$1" client add --id "$CLIENT_ID" --secret "$CLIENT_SECRET" --redirect-uri "$REDIRECT_URI" \
    --scope "openid profile email api" --grant authorization_code --grant refresh_token \
    --grant client_credentials >/dev/null &&
    gh "$1" user add --username "$BENCH_USER" --password "$BENCH_PASSWORD" --email "$BENCH_USER@example.invalid" \
      --nickname "$BENCH_USER" >/dev/null
}

# nginx serves the bytes Gatehouse served (keep_documents), as static files
setup_nginx() {
  local d=$WORK/nginx
  [ -s "$WORK/documents/.well-known/openid-configuration" ] || return 1
  cp -r "$WORK/documents" "$d/html"
  sed -e "s|@PORT@|${PORT[nginx]}|" -e "s|@DIR@|$d|g" "$BENCH/peers/nginx/nginx.conf.in" >"$d/nginx.conf"
}

setup_server() { # setup_server SERVER: what must exist before the first start
  mkdir -p "$WORK/$1"
  case $1 in
    gatehouse*) setup_gatehouse "$1" ;;
    nginx) setup_nginx ;;
    oidc-provider) : ;;
    glewlwyd) "$BENCH/peers/glewlwyd/setup.sh" "$WORK/glewlwyd" "${PORT[glewlwyd]}" >>"$OUT/glewlwyd-setup.log" 2>&1 ;;
  esac
}

start_server() { # start_server SERVER: sets SRV_PID and START_MS
  local r
  command_of "$1"
  r=$(node "$BENCH/tools/startup.mjs" "$(url_of "$1")${DISC[$1]}" "$OUT/$1.log" "${CMD[@]}") || return 1
  SRV_PID=${r% *}
  START_MS=${r#* }
}

# check SERVER ENDPOINT URL EXPECTED_STATUS [VAR=VALUE…]: one request as wrk
# will send it; CHECK_START=TEXT also wants the answer to start with TEXT
check() {
  local srv=$1 ep=$2 url=$3 want=$4 code
  shift 4
  local WRK_METHOD=GET WRK_BODY="" WRK_AUTH="" WRK_COOKIE="" CHECK_START="" kv
  for kv in "$@"; do local "${kv?}"; done
  code=$(curl -s -o "$OUT/.check" -w '%{http_code}' -X "$WRK_METHOD" ${WRK_AUTH:+-H "Authorization: $WRK_AUTH"} \
    ${WRK_COOKIE:+-H "Cookie: $WRK_COOKIE"} ${WRK_BODY:+--data-raw "$WRK_BODY"} "$url")
  [ "$code" = "$want" ] && [[ "$(cat "$OUT/.check")" == "$CHECK_START"* ]] && return 0
  skip "$srv" "$ep" "one request answered $code, not $want${CHECK_START:+ $CHECK_START…}: $(head -c 200 "$OUT/.check")"
  return 1
}

# mfa_login SERVER: password + TOTP sign-ins (mfalogin.lua); mfa-prepare.mjs
# makes the members once per server, and checks one whole sign-in first
mfa_login() {
  local srv=$1 vars
  vars=$(node "$BENCH/tools/mfa-prepare.mjs" "$(url_of "$srv")" "$(bin_of "$srv")" "${GH_DB[$srv]}" "$WORK/$srv" \
    2>>"$OUT/bench.log") || {
    skip "$srv" login_totp "set-up or check failed, see $OUT/bench.log"
    return
  }
  eval "$vars"
  load "$srv" login_totp "$(url_of "$srv")$MFA_PATH" mfalogin.lua WRK_COOKIE="$MFA_COOKIE" WRK_USERS="$MFA_USERS" \
    WRK_LOGIN_BODY="$MFA_LOGIN_BODY" WRK_OTP_BODY="$MFA_OTP_BODY" WRK_CODES="$MFA_CODES" WRK_STATE="$MFA_STATE"
}

simple() { # simple SERVER ENDPOINT URL EXPECTED [VAR=VALUE…]: check, then load with request.lua
  check "$@" && load "$1" "$2" "$3" request.lua "${@:5}"
}

# ---------------------------------------------------------------- token lists the wrk scripts spend
fresh_tokens() { # fresh_tokens SERVER SCRIPT: for refresh.lua, a new list of refresh tokens
  [ "$2" = refresh.lua ] || return 0
  SESSION_COOKIE=$SESSION_COOKIE node "$BENCH/tools/prepare.mjs" "$(kind_of "$1")" "$(url_of "$1")" "${DISC[$1]}" \
    --refresh "$WORK/$1/refresh.txt" 2>>"$OUT/bench.log" && return 0
  skip "$1" refresh "no refresh tokens, see $OUT/bench.log"
  return 1
}

access_tokens() { # access_tokens SERVER FILE: distinct user access tokens, for tokens.lua
  log "$1: $ACCESS_TOKENS user access tokens"
  SESSION_COOKIE=$SESSION_COOKIE node "$BENCH/tools/prepare.mjs" "$(kind_of "$1")" "$(url_of "$1")" "${DISC[$1]}" \
    --access "$2" 2>>"$OUT/bench.log" && return 0
  skip "$1" each_new "no access tokens, see $OUT/bench.log"
  return 1
}

# each_new SERVER ENDPOINT URL [VAR=VALUE…]: userinfo or introspection with a
# different user access token on every request (tokens.lua), so that every
# signature is checked; the list is made once per server
each_new() {
  local srv=$1 ep=$2 url=$3 list=$WORK/$1/access.txt first
  shift 3
  [ -s "$list" ] || access_tokens "$srv" "$list" || return
  first=$(head -1 "$list")
  case $ep in
    userinfo_each_new) check "$srv" "$ep" "$url" 200 WRK_AUTH="Bearer $first" ;;
    introspect_each_new) check "$srv" "$ep" "$url" 200 WRK_METHOD=POST WRK_AUTH="$BASIC" WRK_BODY="token=$first" \
      CHECK_START='{"active":true' ;;
  esac || return
  local before
  before=$(signature_checks "$srv")
  load "$srv" "$ep" "$url" tokens.lua WRK_TOKENS="$list" "$@"
  echo "$before $(signature_checks "$srv")" >"$OUT/$srv-$ep-signatures.txt"
}

signature_checks() { # signature_checks SERVER: "COMPUTED REMEMBERED" from its /metrics
  curl -s "$(url_of "$1")/metrics" | awk -F'[{} ]+' '$1 == "gatehouse_signature_checks_total" {
    v[$2] = $3 } END { printf "%d %d", v["result=\"computed\""], v["result=\"remembered\""] }'
}

# ---------------------------------------------------------------- the endpoints of each server
measure_endpoints() { # measure_endpoints SERVER ENDPOINT…  (after prepare: TOKEN_PATH etc.)
  local srv=$1 b ep
  b=$(url_of "$srv")
  shift
  for ep in "$@"; do
    case $ep in
      discovery) simple "$srv" discovery "$b${DISC[$srv]}" 200 ;;
      jwks) simple "$srv" jwks "$b$JWKS_PATH" 200 ;;
      token_cc) simple "$srv" token_cc "$b$TOKEN_PATH" 200 WRK_METHOD=POST WRK_AUTH="$BASIC" WRK_BODY="$CC_BODY" ;;
      userinfo) simple "$srv" userinfo "$b$USERINFO_PATH" 200 WRK_AUTH="Bearer $USER_TOKEN" ;;
      introspect)
        if [ -z "$INTROSPECT_PATH" ]; then
          skip "$srv" introspect "no introspection_endpoint in its discovery document"
        else
          simple "$srv" introspect "$b$INTROSPECT_PATH" 200 WRK_METHOD=POST WRK_AUTH="$BASIC" WRK_BODY="token=$CC_TOKEN"
        fi
        ;;
      refresh) load "$srv" refresh "$b$TOKEN_PATH" refresh.lua WRK_AUTH="$BASIC" ;;
      code_flow)
        load "$srv" code_flow "$b$TOKEN_PATH" codeflow.lua WRK_AUTHZ="$AUTHZ_PATH" WRK_COOKIE="$SESSION_COOKIE" \
          WRK_TOKEN_PATH="$TOKEN_PATH" WRK_AUTH="$BASIC" WRK_REDIRECT_URI="$REDIRECT_URI"
        ;;
      login) simple "$srv" login "$b$LOGIN_PATH" 302 WRK_METHOD=POST WRK_COOKIE="$LOGIN_COOKIE" WRK_BODY="$LOGIN_BODY" ;;
      login_totp) mfa_login "$srv" ;;
      # a token never presented before on every request (docs/performance.md)
      userinfo_each_new) each_new "$srv" "$ep" "$b$USERINFO_PATH" WRK_AS=bearer ;;
      introspect_each_new) each_new "$srv" "$ep" "$b$INTROSPECT_PATH" WRK_AS=form WRK_AUTH="$BASIC" ;;
      # the least work of the ES256 token (docs/performance.md)
      token_cc_refused)
        simple "$srv" token_cc_refused "$b$TOKEN_PATH" 400 WRK_METHOD=POST WRK_AUTH="$BASIC" \
          WRK_BODY="grant_type=client_credentials&scope=not-granted"
        ;;
    esac
  done
}

keep_documents() { # Gatehouse's discovery document and JWKS, for nginx
  local d=$WORK/documents g
  g=$(url_of gatehouse)
  mkdir -p "$d/.well-known"
  curl -sf -o "$d/.well-known/openid-configuration" "$g/.well-known/openid-configuration" &&
    curl -sf -o "$d/jwks.json" "$g/oauth2/v1/keys"
}

prepare() { # prepare SERVER: the tokens, cookies and paths the endpoints need
  local vars
  case $1 in
    nginx)
      JWKS_PATH=/jwks.json
      return 0
      ;;
    gatehouse) keep_documents || return 1 ;;&
    oidc-provider) CC_BODY="grant_type=client_credentials&scope=api&resource=urn%3Abench%3Aapi" ;; # RS256 JWT, not opaque
    *) CC_BODY="grant_type=client_credentials&scope=api" ;;
  esac
  vars=$(node "$BENCH/tools/prepare.mjs" "$(kind_of "$1")" "$(url_of "$1")" "${DISC[$1]}" 2>>"$OUT/bench.log") || return 1
  eval "$vars"
}
