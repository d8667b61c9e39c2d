#!/usr/bin/env bash
# `make run`: the demo. Starts the authorization server on 127.0.0.1:8080 with
# SQLite under var/, creating a demo client and a demo user on first start and
# printing how to use them. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=build/gatehouse
DB="sqlite:var/gatehouse.db"
ISSUER=http://127.0.0.1:8080
mkdir -p var
gh() { "$BIN" --db "$DB" "$@"; }

if ! gh client show demo >/dev/null 2>&1; then
  secret=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  password=$(head -c 12 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  gh client add --id demo --name "Gatehouse demo" --secret "$secret" \
    --redirect-uri https://oauth2.example.com/code \
    --redirect-uri "http://127.0.0.1:8081/oauth2/callback?platform=ottm" \
    --scope "openid profile email" >/dev/null
  gh user add --username demo --password "$password" --email demo@example.com \
    --nickname demo --name "Demo User" >/dev/null
  umask 077
  printf 'client_id=demo\nclient_secret=%s\nusername=demo\npassword=%s\n' "$secret" "$password" >var/demo.txt
fi

# shellcheck disable=SC1091
. var/demo.txt
cat <<TXT

  Gatehouse demo — authorization server on $ISSUER

  demo user      username: $username   password: $password
  demo client    client_id: $client_id   client_secret: $client_secret
                 (kept in var/demo.txt)

  1. Open in a browser, sign in, allow:
     $ISSUER/auth/authorize?scope=openid%20profile&response_type=code&state=xyz&client_id=demo&redirect_uri=https%3A%2F%2Foauth2.example.com%2Fcode
  2. Take the code from the address bar you land on, then:
     curl -s $ISSUER/oauth2/v1/token -d grant_type=authorization_code -d code=CODE \\
          -d client_id=demo -d client_secret=$client_secret -d redirect_uri=https://oauth2.example.com/code
  3. curl -s $ISSUER/oauth2/v1/userinfo -H "Authorization: Bearer ACCESS_TOKEN"

  Discovery: $ISSUER/.well-known/openid-configuration      Ctrl-C stops.

TXT
exec "$BIN" --db "$DB" serve --listen 127.0.0.1:8080 --issuer "$ISSUER"
