#!/usr/bin/env bash
# Sets up the Glewlwyd peer of `make bench` (the Debian package) in DIR, for
# 127.0.0.1:PORT: a fresh SQLite database from the schema the package ships,
# a config file of our own (glewlwyd.conf), an RS256 key, and through the
# admin API an OIDC plugin "oidc", the scope "api", the confidential client
# and the user of the benchmark, who has granted "openid api" to the client.
# The server runs only while it is configured, and is stopped by its PID.
#
# Usage: setup.sh DIR PORT   (env CLIENT_ID, CLIENT_SECRET, REDIRECT_URI,
#        BENCH_USER, BENCH_PASSWORD; see bench/run.sh)
#
# Three things Glewlwyd 2.7 needs that its documentation does not make
# obvious: client_credentials answers a bare 403 unless the plugin has
# "allow-non-oidc"; the admin API wants a password login younger than ten
# minutes (so we log in right before configuring); and the user's grant takes
# its scopes space-separated.
set -euo pipefail
DIR=$1
PORT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
B=http://127.0.0.1:$PORT
mkdir -p "$DIR"
cd "$DIR"

rm -f glewlwyd.db
zcat /usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz | sqlite3 glewlwyd.db
sed -e "s|@PORT@|$PORT|g" -e "s|@DIR@|$DIR|g" "$HERE/glewlwyd.conf.in" >glewlwyd.conf

# The plugin's parameters with a fresh RS256 key (a private JWKS, as a string).
node -e '
  const c = require("crypto"), fs = require("fs");
  const p = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const { privateKey } = c.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: "rs256-1", alg: "RS256", use: "sig" };
  p.parameters["jwks-private"] = JSON.stringify({ keys: [jwk] });
  p.parameters.iss = process.argv[2];
  fs.writeFileSync("oidc-plugin.json", JSON.stringify(p), { mode: 0o600 });
' "$HERE/oidc-plugin.json" "$B/api/oidc"

glewlwyd --config-file="$DIR/glewlwyd.conf" >setup.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 1 400); do
  curl -s -o /dev/null "$B/config" && break
  sleep 0.05
done

ADMIN=$(mktemp)
USERJAR=$(mktemp)
api() { # api METHOD PATH [JSON | @FILE]: one admin call that must answer 200
  local code
  code=$(curl -s -o api.out -w '%{http_code}' -b "$ADMIN" -X "$1" -H 'Content-Type: application/json' \
    ${3:+--data-binary "$3"} "$B$2")
  [ "$code" = 200 ] || { echo "glewlwyd setup: $1 $2 answered $code: $(cat api.out)" >&2; exit 1; }
}
login() { # login JAR USER PASSWORD
  curl -sf -c "$1" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$2\",\"password\":\"$3\"}" "$B/api/auth/" >/dev/null
}

login "$ADMIN" admin password
api POST /api/mod/plugin/ @oidc-plugin.json
api POST /api/scope/ '{"name":"api","display_name":"API","description":"bench","password_required":false,"password_max_age":0,"scheme":{}}'
api POST /api/client/ "{\"client_id\":\"$CLIENT_ID\",\"name\":\"bench\",\"enabled\":true,\"confidential\":true,
  \"password\":\"$CLIENT_SECRET\",\"scope\":[\"api\"],\"redirect_uri\":[\"$REDIRECT_URI\"],
  \"authorization_type\":[\"code\",\"client_credentials\",\"refresh_token\",\"delete_token\"],
  \"token_endpoint_auth_method\":[\"client_secret_basic\"]}"
api POST /api/user/ "{\"username\":\"$BENCH_USER\",\"name\":\"Bench User\",\"email\":\"$BENCH_USER@example.invalid\",
  \"enabled\":true,\"password\":\"$BENCH_PASSWORD\",\"scope\":[\"openid\",\"api\",\"g_profile\"]}"

login "$USERJAR" "$BENCH_USER" "$BENCH_PASSWORD"
ADMIN=$USERJAR api PUT "/api/auth/grant/$CLIENT_ID/" '{"scope":"openid api"}'
rm -f "$ADMIN" "$USERJAR" api.out
