#!/usr/bin/env bash
# The administration commands on the admin API's operations (issue 22 item
# 2): `client update`, `user update`, `user disable|enable`, their checks and
# messages (the API's: the field first), and the audit rows they write.
# Usage: test_cli_admin.sh [path/to/gatehouse]
set -euo pipefail
. "$(dirname "$0")/lib.sh" cli-admin "$@"

db="sqlite:$tmp/admin.db"
events() { sqlite3 "$tmp/admin.db" "SELECT actor || ' ' || action || ' ' || coalesce(target, '') FROM events ORDER BY id"; }

for cmd in "client update" "user update" "user disable" "user enable"; do
    # shellcheck disable=SC2086
    gh $cmd --help
    check "help: gatehouse $cmd --help exits 0 with usage on stdout" ok_with_usage
done

gh --db "$db" client update web --scope openid
check "client update before any database: exits 1, creates none" \
    eval 'status_is 1 && one_error_line && test ! -e "$tmp/admin.db"'
gh --db "$db" --create db migrate
gh --db "$db" client add --id web --secret 's3cret-web-0123' --redirect-uri https://rp.example/cb
gh --db "$db" client add --id spa --public --redirect-uri http://127.0.0.1:3000/cb
gh --db "$db" user add --username alice --password 'Tr0ub4dor&3x-a' --email alice@example.test
gh --db "$db" user add --username bob --password 'violet-Kayak-93'

# ---- client update ----
gh --db "$db" client update web
check "client update without a change exits 2" usage_error
gh --db "$db" client update nobody --scope openid
check "client update of an unknown client exits 1" eval 'status_is 1 && one_error_line && err_has "no client .nobody."'
gh --db "$db" client update web --redirect-uri http://rp.example/cb
check "client update: an http redirect URI off loopback exits 2, naming redirect_uris" \
    eval 'usage_error && err_has "redirect_uris: .http://rp.example/cb.: http is allowed only for 127.0.0.1"'
gh --db "$db" client update spa --grant client_credentials
check "client update: a public client with client_credentials exits 2" \
    eval 'usage_error && err_has "grant_types: a public client cannot use client_credentials"'
gh --db "$db" client show spa
check "a refused update changes nothing" eval 'out_has "\"authorization_code\"" && ! out_has client_credentials'
gh --db "$db" client update web --id other
check "client update --id exits 2" usage_error
gh --db "$db" client update web --scope 'openid email' --name 'The Web' \
    --redirect-uri https://rp.example/cb --redirect-uri https://rp.example/cb2
check "client update exits 0" eval 'status_is 0 && [ ! -s out ]'
gh --db "$db" client show web
check "client update: the fields given are replaced" \
    eval 'out_has "\"scope\": \"openid email\"" && out_has "\"client_name\": \"The Web\"" && out_has "rp.example/cb2"'
gh --db "$db" client update spa --confidential
check "client update --confidential prints a generated secret once" \
    eval 'status_is 0 && [ "$(grep -c "^client_secret: " out)" = 1 ]'
gh --db "$db" client show spa
check "the client is confidential now" out_has '"token_endpoint_auth_method": "client_secret_basic"'

# ---- user update, disable, enable ----
gh --db "$db" user update alice --email not-mail
check "user update: a bad e-mail exits 2, naming email" eval 'usage_error && err_has "^gatehouse user update: email: "'
gh --db "$db" user update alice --username bob
check "user update: a username taken exits 1" eval 'status_is 1 && one_error_line && err_has "already exists"'
gh --db "$db" user update alice --password 'x'
check "user update --password exits 2 (user passwd does that)" usage_error
gh --db "$db" user update nobody --nickname n
check "user update of an unknown user exits 1" eval 'status_is 1 && err_has "no user .nobody."'
gh --db "$db" user update alice --nickname ally --name 'Alice Liddell'
check "user update exits 0" status_is 0
gh --db "$db" user list --json
check "user update: the fields given changed, the rest stayed" \
    eval 'out_has "\"nickname\": \"ally\"" && out_has "\"name\": \"Alice Liddell\"" && out_has "alice@example.test"'
gh --db "$db" user disable alice
check "user disable exits 0" status_is 0
gh --db "$db" user list --json
check "user list shows alice disabled" eval 'python3 -c "import json,sys; u={x[\"username\"]: x for x in json.load(open(\"out\"))}; sys.exit(not (u[\"alice\"][\"disabled\"] and not u[\"bob\"][\"disabled\"]))"'
gh --db "$db" user disable nobody
check "user disable of an unknown user exits 1" eval 'status_is 1 && one_error_line'
gh --db "$db" user enable alice
gh --db "$db" user list --json
check "user enable: alice is enabled again" eval 'status_is 0 && ! out_has "\"disabled\": true"'
gh --db "$db" user disable
check "user disable without USERNAME exits 2" usage_error

# ---- the admin role (the console, docs/admin.md "Console") ----
admin_of() { python3 -c "import json,sys; u={x['username']: x for x in json.load(open('out'))}; print(u['$1']['admin'])"; }
gh --db "$db" user list --json
check "a new member has no admin role" eval '[ "$(admin_of alice)" = False ]'
gh --db "$db" user update alice --admin
check "user update --admin exits 0" status_is 0
gh --db "$db" user list --json
check "user update --admin: alice has the role, bob not" \
    eval '[ "$(admin_of alice)" = True ] && [ "$(admin_of bob)" = False ]'
gh --db "$db" user update alice --no-admin
gh --db "$db" user list --json
check "user update --no-admin removes the role" eval '[ "$(admin_of alice)" = False ]'
gh --db "$db" user update alice --admin --no-admin
gh --db "$db" user list --json
check "the last of --admin / --no-admin wins" eval '[ "$(admin_of alice)" = False ]'
gh --db "$db" user add --username root2 --password 'Lantern-first-pw-123' --admin
gh --db "$db" user list --json
check "user add --admin creates a member with the role" eval '[ "$(admin_of root2)" = True ]'
gh user update --help
check "user update --help names --admin and --no-admin" eval 'out_has "--admin" && out_has "--no-admin"'

# ---- the audit trail ----
events >out
check "each change is an audit row, actor cli" eval '
    grep -qx "cli client.create web" out && grep -qx "cli client.update web" out &&
    grep -q "^cli user.update " out && grep -q "^cli user.disable " out &&
    grep -q "^cli user.enable " out && ! grep -v "^cli " out'
check "refused changes leave no audit row" eval '[ "$(grep -c "client.update" out)" = 2 ]'
sqlite3 "$tmp/admin.db" "SELECT action || ' ' || details FROM events WHERE action = 'user.update'" >out
check "a role change is audited with its new value" eval 'out_has "\"admin\":\"true\"" && out_has "\"admin\":\"false\""'

finish
