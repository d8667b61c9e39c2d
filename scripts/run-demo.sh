#!/usr/bin/env bash
# `make run`: the demo. Starts the authorization server on 127.0.0.1:8080 and
# the social-login gateway with its web page on 127.0.0.1:8081, SQLite under
# var/. On first start it creates a demo client (registered for the gateway's
# callback and for seed 004's example redirect URI) and a demo user, and
# writes the gateway's configuration (var/gateway.ini: platform `ottm`, our
# own server as an OpenID provider). Prints how to use both. Ctrl-C stops
# both; if either stops on its own, the other is stopped too.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=build/gatehouse
DB="sqlite:var/gatehouse.db"
GATEWAY_DB="sqlite:var/gateway.db"
ISSUER=http://127.0.0.1:8080
GATEWAY=http://127.0.0.1:8081
CALLBACK="$GATEWAY/oauth2/callback?platform=ottm"
mkdir -p var
gh() { "$BIN" --db "$DB" "$@"; }
gh db migrate >/dev/null # the CLI makes no database by itself

if ! gh client show demo >/dev/null 2>&1; then
  secret=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  password=$(head -c 12 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  gh client add --id demo --name "Gatehouse demo" --secret "$secret" \
    --redirect-uri https://oauth2.example.com/code \
    --redirect-uri "$CALLBACK" \
    --scope "openid profile email" >/dev/null
  gh user add --username demo --password "$password" --email demo@example.com \
    --nickname demo --name "Demo User" >/dev/null
  (
    umask 077
    printf 'client_id=demo\nclient_secret=%s\nusername=demo\npassword=%s\n' "$secret" "$password" >var/demo.txt
  )
fi

# shellcheck disable=SC1091
. var/demo.txt

# The gateway's configuration, from the demo client (it holds the secret: owner only).
(
  umask 077
  cat >var/gateway.ini <<INI
; Written by scripts/run-demo.sh on every start: the demo gateway.
[gateway]
listen = 127.0.0.1:8081
public_url = $GATEWAY

[platform.ottm]
kind = oidc
label = OTTM
issuer = $ISSUER
client_id = $client_id
client_secret = $client_secret
scope = openid profile email
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

"$BIN" --db "$DB" serve --listen 127.0.0.1:8080 --issuer "$ISSUER" &
pids+=($!)

# The gateway reads the server's discovery document: start it once the server answers.
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "$ISSUER/healthz" && break
  kill -0 "${pids[0]}" 2>/dev/null || exit 1
  sleep 0.1
done

"$BIN" --db "$GATEWAY_DB" --config var/gateway.ini gateway --listen 127.0.0.1:8081 &
pids+=($!)

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
