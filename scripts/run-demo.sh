#!/usr/bin/env bash
# `make run`: the demo. Starts the authorization server on 127.0.0.1:8080 and
# the social-login gateway with its web page on 127.0.0.1:8081 (other ports:
# GATEHOUSE_DEMO_PORT and GATEHOUSE_DEMO_GATEWAY_PORT), SQLite under var/. On
# first start it writes the demo's credentials (var/demo.txt) and creates a
# demo client from them (registered for seed 004's example redirect URI; the
# gateway's callback on the chosen port is added on every start) and a demo
# user, and writes the gateway's configuration
# (var/gateway.ini: platform `ottm`, our own server as an OpenID provider).
# Prints how to use both once both answer; when either cannot start (its port
# is taken: the server says by what), prints no banner and exits 1. Ctrl-C
# stops both; if either stops on its own, the other is stopped too.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${GATEHOUSE_DEMO_PORT:-8080}
GATEWAY_PORT=${GATEHOUSE_DEMO_GATEWAY_PORT:-8081}
for p in "$PORT" "$GATEWAY_PORT"; do
  if ! [[ "$p" =~ ^[0-9]{1,5}$ ]] || [ "$p" -lt 1 ] || [ "$p" -gt 65535 ]; then
    echo "demo: '$p' is not a port (GATEHOUSE_DEMO_PORT, GATEHOUSE_DEMO_GATEWAY_PORT: 1-65535)" >&2
    exit 2
  fi
done
if [ "$PORT" = "$GATEWAY_PORT" ]; then
  echo "demo: GATEHOUSE_DEMO_PORT and GATEHOUSE_DEMO_GATEWAY_PORT must differ" >&2
  exit 2
fi

BIN=build/gatehouse
DB="sqlite:var/gatehouse.db"
GATEWAY_DB="sqlite:var/gateway.db"
ISSUER=http://127.0.0.1:$PORT
GATEWAY=http://127.0.0.1:$GATEWAY_PORT
CALLBACK="$GATEWAY/oauth2/callback?platform=ottm"
mkdir -p var
gh() { "$BIN" --db "$DB" "$@"; }
gh db migrate >/dev/null # the CLI makes no database by itself

# The demo client, registered for seed 004's example redirect URI and for the
# gateway's callback on this start's port.
add_demo_client() {
  gh client add --id demo --name "Gatehouse demo" --secret "$1" \
    --redirect-uri https://oauth2.example.com/code \
    --redirect-uri "$CALLBACK" \
    --post-logout-redirect-uri "$GATEWAY/" \
    --scope "openid profile email" >/dev/null
}

# The demo's credentials are written (var/demo.txt, owner only) before the
# client and the user are made from them, so a first start stopped half-way
# (Ctrl-C) leaves credentials the next start registers, never a client or a
# user whose secret no file keeps. Credentials written by this start (none
# yet, or the file was removed) replace the demo client's and user's.
fresh=0
if [ ! -s var/demo.txt ]; then
  secret=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  password=$(head -c 12 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  (
    umask 077
    printf 'client_id=demo\nclient_secret=%s\nusername=demo\npassword=%s\n' "$secret" "$password" >var/demo.txt.new
    mv var/demo.txt.new var/demo.txt
  )
  fresh=1
fi

# shellcheck disable=SC1091
. var/demo.txt

# The client again when the credentials are new, or when the gateway's port
# is not the one it was registered for.
registered=$(gh client show demo 2>/dev/null || true)
if [ "$fresh" = 1 ] || [[ "$registered" != *"\"$CALLBACK\""* ]] || [[ "$registered" != *"\"$GATEWAY/\""* ]]; then
  [ -z "$registered" ] || gh client remove demo >/dev/null
  add_demo_client "$client_secret"
fi
if ! gh user links demo >/dev/null 2>&1; then
  gh user add --username demo --password "$password" --email demo@example.com \
    --nickname demo --name "Demo User" >/dev/null
elif [ "$fresh" = 1 ]; then
  gh user passwd demo --password "$password" >/dev/null
fi

# The gateway's configuration, from the demo client (it holds the secret: owner only).
(
  umask 077
  cat >var/gateway.ini <<INI
; Written by scripts/run-demo.sh on every start: the demo gateway.
[gateway]
listen = 127.0.0.1:$GATEWAY_PORT
public_url = $GATEWAY

[platform.ottm]
kind = oidc
label = OTTM
issuer = $ISSUER
client_id = $client_id
client_secret = $client_secret
scope = openid profile email
single_sign_out = true
INI
)

pids=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

# Whether something already accepts connections on 127.0.0.1:PORT.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Runs a server (the command after PORT) in the background and waits until it
# answers /healthz on PORT. Fails when it exits first (it has said why on
# stderr) or does not answer within 15 s. When the port was taken before it
# started, an answer there is not its own: then only its exit is awaited (it
# cannot listen).
start_server() {
  local port=$1 taken=0 pid
  shift
  port_taken "$port" && taken=1
  "$@" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || return 1
    if [ "$taken" = 0 ] && curl -fs -o /dev/null "http://127.0.0.1:$port/healthz"; then
      return 0
    fi
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && curl -fs -o /dev/null "http://127.0.0.1:$port/healthz"
}

# No banner when either server cannot start: say how to choose other ports.
not_started() {
  echo "demo: not started. Stop what holds the port, or choose others:" >&2
  echo "  GATEHOUSE_DEMO_PORT=9080 GATEHOUSE_DEMO_GATEWAY_PORT=9081 make run" >&2
  stop_all
  exit 1
}

# The gateway reads the server's discovery document: start it once the server answers.
start_server "$PORT" "$BIN" --db "$DB" serve --listen "127.0.0.1:$PORT" --issuer "$ISSUER" ||
  not_started
start_server "$GATEWAY_PORT" "$BIN" --db "$GATEWAY_DB" --config var/gateway.ini \
  gateway --listen "127.0.0.1:$GATEWAY_PORT" || not_started

cat <<TXT

  Gatehouse demo

  Open  $GATEWAY/  and sign in with OTTM:
    username: $username   password: $password

  Gateway (social sign-in, its page and the seed 002 API)  $GATEWAY
  Authorization server (seed 004)                          $ISSUER
  demo client    client_id: $client_id   client_secret: $client_secret
                 (kept in var/demo.txt; the gateway's settings in var/gateway.ini)

  A partner's own flow against the authorization server:
  1. Open in a browser, sign in, allow:
     $ISSUER/auth/authorize?scope=openid%20profile&response_type=code&state=xyz&client_id=demo&redirect_uri=https%3A%2F%2Foauth2.example.com%2Fcode
  2. Take the code from the address bar you land on, then:
     curl -s $ISSUER/oauth2/v1/token -d grant_type=authorization_code -d code=CODE \\
          -d client_id=demo -d client_secret=$client_secret -d redirect_uri=https://oauth2.example.com/code
  3. curl -s $ISSUER/oauth2/v1/userinfo -H "Authorization: Bearer ACCESS_TOKEN"

  Discovery: $ISSUER/.well-known/openid-configuration      Ctrl-C stops both.

TXT

# Either one stopping (or Ctrl-C) ends the demo.
set +e
wait -n "${pids[@]}"
status=$?
stop_all
exit "$status"
