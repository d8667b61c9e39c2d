#!/usr/bin/env bash
# Drives the real `gatehouse` binary through its command line (CONTRACT.md,
# "The program"): --help everywhere, usage errors (exit 2), other errors
# (exit 1, one line), users, clients and their secrets, signing keys, and the
# precedence of --db over GATEHOUSE_DB over the config file. Each check prints
# one line; the last line counts them; the exit status is non-zero on failure.
#
# usage: tests/cli/test_cli.sh [path/to/gatehouse]   (default: build/gatehouse)
set -euo pipefail

. "$(dirname "$0")/lib.sh" test_cli "$@"
unset GATEHOUSE_DB GATEHOUSE_SIGNING_ALG GATEHOUSE_ACCESS_TOKEN_TTL
db="sqlite:$tmp/main.db"
loops=0
# in_db TEXT: the database files (with SQLite's -wal) hold TEXT byte for byte.
in_db() { grep -aqF -- "$1" "$tmp"/main.db*; }

# ---- --help everywhere ----
for cmd in "" serve client "client add" "client list" "client show" "client remove" "client initial-token" \
    user "user add" "user list" "user remove" "user passwd" "user invite" "user mfa" "user links" "user unlink" \
    group "group list" "group add" "group remove" keys "keys list" "keys rotate" \
    config "config show" "config check" "config doc" db "db status" "db migrate" backup; do
    # shellcheck disable=SC2086
    gh $cmd --help
    check "help: gatehouse $cmd --help exits 0 with usage on stdout" ok_with_usage
done
gh --db "$db" user add --help
check "help: wins over missing required options" ok_with_usage

# ---- --version: the version and the commit the binary was built from ----
gh --version
check "version: exits 0 with one line 'gatehouse X.Y.Z (commit ...)'" \
    eval 'status_is 0 && [ "$(wc -l <out)" = 1 ] && out_has "^gatehouse [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{12}(-dirty)?|unknown)\)$"'
if head=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null); then
    check "version: names the checkout's commit" out_has "\(commit $head(-dirty)?\)"
fi
gh --help
check "version: the top-level help lists --version" out_has '--version'

# ---- usage errors ----
gh
check "usage: no command exits 2" usage_error
gh frobnicate
check "usage: unknown command exits 2 with one line" usage_error
gh client frobnicate
check "usage: unknown client command exits 2" usage_error
gh --bogus user list
check "usage: unknown global option exits 2" usage_error
gh --db "$db" user list --bogus
check "usage: unknown command option exits 2" usage_error
gh user list --db
check "usage: missing option value exits 2" usage_error
gh --db "$db" user add --password 'pa55-Word!x'
check "usage: user add without --username exits 2" usage_error
gh --db "$db" user add --username bob
check "usage: user add without a password exits 2" usage_error
gh --db "$db" user add --username bob --password short
check "usage: short password exits 2" usage_error
gh --db "$db" user add --username 'bob smith' --password 'pa55-Word!x'
check "usage: bad username exits 2" usage_error
gh --db "$db" client add --redirect-uri https://oauth2.example.com/code
check "usage: client add without --id exits 2" usage_error
gh --db "$db" client add --id app --redirect-uri 'https://oauth2.example.com/code#frag'
check "usage: redirect URI with a fragment exits 2" usage_error
gh --db "$db" client add --id app --redirect-uri /relative
check "usage: relative redirect URI exits 2" usage_error
gh --db "$db" client add --id app --redirect-uri https://a.example/cb --grant password
check "usage: unknown grant exits 2" usage_error
gh --db "$db" client add --id app --redirect-uri https://a.example/cb --secret 1234567
check "usage: client secret under 8 characters exits 2" usage_error
gh --db "$db" client add --id app --redirect-uri https://a.example/cb --public --secret abcdefgh1
check "usage: --public with --secret exits 2" usage_error
gh --db "$db" client show
check "usage: client show without ID exits 2" usage_error
gh --db "$db" client show a b
check "usage: client show with two IDs exits 2" usage_error
gh --db "$db" keys rotate --alg HS256
check "usage: keys rotate --alg HS256 exits 2" usage_error
check "usage errors touch no database" test ! -e "$tmp/main.db"

# ---- the database: made by db migrate (test_cli_db.sh tests the rest) ----
gh --db "$db" db migrate
check "db migrate creates the database" eval 'status_is 0 && [ -s "$tmp/main.db" ]'

# ---- users ----
gh --db "$db" user add --username test --password 'pa55-Word!x' --email test@flask.global \
    --nickname test
check "user add exits 0" status_is 0
check "user add prints a 32-hex-digit sub" grep -qxE '[0-9a-f]{32}' out
sub=$(cat out)
check "user add does not echo the password" out_lacks 'pa55-Word!x'
gh --db "$db" user add --username test --password 'other-Pass1'
check "user add: duplicate exits 1" status_is 1
check "user add: duplicate gives one line" one_error_line
check "user add: duplicate says so" err_has "user 'test' already exists"
printf 'stdin-Pass1\n' >pw
rc=0
"$bin" user add --db "$db" --username alice --password-stdin <pw >out 2>err || rc=$?
check "user add --password-stdin (options after the command) exits 0" status_is 0
gh --db "$db" user list
check "user list shows both users" eval 'out_has "^test	$sub	test@flask.global	test	-$" && out_has "^alice	"'
check "user list shows no password hash" out_lacks 'argon2'
check "password hashes are argon2id" in_db '$argon2id$'
check "no password in the database" eval "! in_db 'pa55-Word!x'"
rc=0
printf 'new-Kayak-123\n' | "$bin" --db "$db" user passwd alice --password-stdin >out 2>err || rc=$?
check "user passwd --password-stdin exits 0" status_is 0
rc=0
"$bin" --db "$db" user passwd alice </dev/null >out 2>err || rc=$?
check "user passwd without a password off a terminal exits 2" usage_error
gh --db "$db" user passwd nobody --password 'new-Kayak-123'
check "user passwd of an unknown user exits 1" eval 'status_is 1 && one_error_line'
# platform links (federated sign-in; the linking itself: e2e federation.test.mjs)
gh --db "$db" user links alice
check "user links of a member without links: the header alone" eval 'status_is 0 && [ "$(cat out)" = "PLATFORM	SUBJECT	EMAIL	LINKED_AT" ]'
gh --db "$db" user links nobody
check "user links of an unknown user exits 1 with one line" eval 'status_is 1 && one_error_line'
gh --db "$db" user unlink alice kakao
check "user unlink of a link the member lacks exits 1 naming it" eval "status_is 1 && one_error_line && err_has \"no link to 'kakao'\""
gh --db "$db" user unlink alice
check "usage: user unlink without the platform exits 2" usage_error
gh --db "$db" user remove alice
check "user remove exits 0" status_is 0
gh --db "$db" user list
check "user list no longer shows the removed user" eval '! out_has "^alice	"'
gh --db "$db" user remove alice
check "user remove of an unknown user exits 1 with one line" eval 'status_is 1 && one_error_line'

# ---- clients ----
gh --db "$db" client add --id game1 --redirect-uri https://oauth2.example.com/code \
    --scope "openid profile email" --name "Game One"
check "client add (generated secret) exits 0" status_is 0
check "client add prints the secret exactly once" \
    eval '[ "$(grep -c "^client_secret: " out)" = 1 ]'
secret=$(sed -n 's/^client_secret: //p' out)
check "the generated secret is 256 bits of base64url" eval '[[ "$secret" =~ ^[A-Za-z0-9_-]{43}$ ]]'
check "the secret is not stored in the clear" eval '! in_db "$secret"'
check "its digest is stored" in_db 'hmac-sha256$'
gh --db "$db" client show game1
check "client show exits 0 with JSON" eval 'status_is 0 && out_has "\"client_id\": \"game1\""'
check "client show lists the redirect URI and grants" \
    eval 'out_has "https://oauth2.example.com/code" && out_has "authorization_code" && out_has "refresh_token"'
check "client show never shows the secret" out_lacks "$secret"
check "client show never shows the digest" eval 'out_lacks hmac-sha256 && out_lacks digest'
gh --db "$db" client list
check "client list: one tab-separated line" \
    eval 'out_has "^game1	Game One	authorization_code,refresh_token	https://oauth2.example.com/code	operator$"'
check "client list never shows the secret" out_lacks "$secret"
gh --db "$db" client initial-token --ttl 600 --uses 2
check "client initial-token prints a token once, with its expiry and uses" \
    eval 'status_is 0 && out_has "^initial_access_token: [A-Za-z0-9_-]{43}$" && out_has "^uses: 2$"'
iat=$(sed -n 's/^initial_access_token: //p' out)
check "client initial-token: only a digest is stored" \
    eval '[ -n "$iat" ] && ! in_db "$iat"'
gh --db "$db" client initial-token --uses 0
check "client initial-token --uses 0 is a usage error" eval 'status_is 2 && one_error_line' 
gh --db "$db" client add --id game1 --redirect-uri https://oauth2.example.com/code
check "client add: duplicate exits 1 with one line" eval 'status_is 1 && one_error_line'
check "client add: duplicate prints no secret" eval '! grep -q client_secret out'
gh --db "$db" client add --id svc --secret 's3cret-service' --grant client_credentials
check "client add with --secret and client_credentials only" \
    eval 'status_is 0 && ! grep -q "^client_secret:" out'
gh --db "$db" client add --id spa --public --redirect-uri http://127.0.0.1:3000/cb
check "client add --public prints no secret" eval 'status_is 0 && ! grep -q "^client_secret:" out'
gh --db "$db" client show spa
check "a public client authenticates with 'none'" out_has '"token_endpoint_auth_method": "none"'
# ---- redirect URI rules: https; http only on loopback; private-use for native apps ----
for uri in http://rp.example/cb http://localhost.evil.example/cb http://127.0.0.2/cb; do
    gh --db "$db" client add --id web-http --secret 's3cret-web-http' --redirect-uri "$uri"
    check "client add: http redirect URI $uri off loopback exits 2" \
        eval 'usage_error && err_has "only for 127.0.0.1, \[::1\] and localhost"'
done
gh --db "$db" client add --id web-http --secret 's3cret-web-http' \
    --redirect-uri https://rp.example/cb --post-logout-redirect-uri http://rp.example/bye
check "client add: http post-logout URI off loopback exits 2" \
    eval 'usage_error && err_has "post_logout_redirect_uris"'
# ---- logout URIs (Back-Channel / Front-Channel Logout 1.0) ----
gh --db "$db" client add --id rp-logout --secret 's3cret-rp-logout' --redirect-uri https://rp.example/cb \
    --backchannel-logout-uri https://rp.example/bc --backchannel-logout-session-required \
    --frontchannel-logout-uri 'https://rp.example/fc?a=1'
check "client add: back- and front-channel logout URIs accepted" status_is 0
gh --db "$db" client show rp-logout
check "client show: the logout URIs and session_required as registered" eval \
    'out_has "\"backchannel_logout_uri\": \"https://rp.example/bc\"" &&
     out_has "\"backchannel_logout_session_required\": true" &&
     grep -qF "\"frontchannel_logout_uri\": \"https://rp.example/fc?a=1\"" out &&
     out_has "\"frontchannel_logout_session_required\": false"'
for uri in 'https://rp.example/bc#x' /bc 'ftp://rp.example/bc'; do
    gh --db "$db" client add --id rp-logout2 --secret 's3cret-rp-logout' \
        --redirect-uri https://rp.example/cb --backchannel-logout-uri "$uri"
    check "client add: backchannel logout URI '$uri' exits 2" \
        eval 'usage_error && err_has "backchannel_logout_uri"'
done
printf '[server]\nissuer = https://id.example\n' >"$tmp/https-issuer.ini"
gh --db "$db" --config "$tmp/https-issuer.ini" client add --id rp-logout2 \
    --secret 's3cret-rp-logout' --redirect-uri https://rp.example/cb \
    --frontchannel-logout-uri http://rp.example/fc
check "client add: http front-channel logout URI off loopback under an https issuer exits 2" \
    eval 'usage_error && err_has "frontchannel_logout_uri"'
gh --db "$db" client add --id rp-logout3 --secret 's3cret-rp-logout' \
    --redirect-uri https://rp.example/cb --frontchannel-logout-uri http://rp.example/fc
check "client add: http front-channel logout URI off loopback exits 2 under an http issuer too" \
    eval 'usage_error && err_has "frontchannel_logout_uri"'
gh --db "$db" client update rp-logout --backchannel-logout-uri http://127.0.0.1:9/bc
check "client update: a new back-channel logout URI (http on loopback)" status_is 0
gh --db "$db" client show rp-logout
check "client update: kept the front-channel URI it did not name" eval \
    'out_has "\"backchannel_logout_uri\": \"http://127.0.0.1:9/bc\"" &&
     grep -qF "\"frontchannel_logout_uri\": \"https://rp.example/fc?a=1\"" out'
for uri in http://localhost:8000/cb 'http://[::1]:8000/cb'; do
    gh --db "$db" client add --id "loop$((++loops))" --public --redirect-uri "$uri"
    check "client add: loopback http redirect URI $uri accepted" status_is 0
done
gh --db "$db" client add --id native --public --redirect-uri com.example.app:/oauth2redirect
check "client add --public: private-use scheme redirect URI accepted" status_is 0
gh --db "$db" client show native
check "client show: the private-use redirect URI as registered" \
    out_has '"com.example.app:/oauth2redirect"'
gh --db "$db" client add --id native2 --secret 's3cret-native2' \
    --redirect-uri com.example.app:/oauth2redirect
check "client add: private-use scheme for a confidential client exits 2" \
    eval 'usage_error && err_has "native apps"'
for uri in myapp:/cb javascript:/x 'com.example.app:cb' 'com.example.app:/cb#x'; do
    gh --db "$db" client add --id native3 --public --redirect-uri "$uri"
    check "client add --public: '$uri' exits 2" usage_error
done
gh --db "$db" client show native2
check "a refused client is not registered" eval 'status_is 1 && one_error_line'

# ---- modern clients (issue 23): keys, resources, PAR ----
cat >pub.jwks <<'JWKS'
{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","kid":"k1","alg":"ES256","use":"sig"}]}
JWKS
gh --db "$db" client add --id keyed --jwks pub.jwks --grant client_credentials \
    --resource https://api.example/ --resource urn:example:files --require-par
check "client add --jwks --resource --require-par exits 0 without a secret" \
    eval 'status_is 0 && out_has "^client_id: keyed$" && ! grep -q client_secret out'
gh --db "$db" client show keyed
check "client show: private_key_jwt, the keys, the resources and require-par" eval 'status_is 0 &&
    out_has "\"token_endpoint_auth_method\": \"private_key_jwt\"" && out_has "\"kid\": \"k1\"" &&
    out_has "\"urn:example:files\"" && out_has "\"require_pushed_authorization_requests\": true"'
gh --db "$db" client add --id dpop-only --public --redirect-uri https://spa.example/cb --dpop-bound
check "client add --dpop-bound exits 0" status_is 0
gh --db "$db" client show dpop-only
check "client show: dpop_bound_access_tokens (RFC 9449)" out_has "\"dpop_bound_access_tokens\": true"
gh --db "$db" client show keyed
check "client show: dpop_bound_access_tokens false by default" out_has "\"dpop_bound_access_tokens\": false"
gh --db "$db" client add --id keyed-uri --jwks-uri https://rp.example/jwks.json \
    --grant urn:ietf:params:oauth:grant-type:token-exchange
check "client add --jwks-uri and the token-exchange grant exit 0" status_is 0
gh --db "$db" client show keyed-uri
check "client show: jwks_uri and the token-exchange grant" eval 'out_has "\"jwks_uri\": \"https://rp.example/jwks.json\"" &&
    out_has "grant-type:token-exchange"'
sed 's/"kty":"EC"/"kty":"EC","d":"secret"/' pub.jwks >priv.jwks
echo '{"keys":[{"kty":"oct","k":"AAAA"}]}' >oct.jwks
for args in "--jwks priv.jwks" "--jwks oct.jwks" "--jwks missing.jwks" "--jwks-uri http://rp.example/jwks" \
    "--jwks pub.jwks --secret s3cret-abcdef" "--jwks pub.jwks --jwks-uri https://rp.example/j" \
    "--resource api" "--resource https://api.example/#f"; do
    # shellcheck disable=SC2086
    gh --db "$db" client add --id refused-modern --grant client_credentials $args
    check "client add $args is refused with one line" eval '[ "$rc" != 0 ] && one_error_line'
done
gh --db "$db" client show refused-modern
check "a refused key-bound client is not registered" eval 'status_is 1'

gh --db "$db" client remove spa
check "client remove exits 0" status_is 0
gh --db "$db" client show spa
check "client show of a removed client exits 1 with one line" \
    eval 'status_is 1 && one_error_line && err_has "spa"'

# ---- signing keys ----
gh --db "$db" keys list
check "keys list on a new database is its header alone" eval 'status_is 0 && [ "$(cat out)" = "KID	ALG	CREATED	STATE" ]'
gh --db "$db" keys rotate --now
check "keys rotate --now exits 0 and prints the kid" eval 'status_is 0 && [ "$(wc -l <out)" = 1 ]'
kid1=$(cat out)
gh --db "$db" keys rotate --now
kid2=$(cat out)
gh --db "$db" keys list
check "after two rotations there are 2 keys" eval '[ "$(wc -l <out)" = 3 ]'
check "keys rotate --now: the new key signs at once" out_has "^$kid2	RS256	[0-9T:-]+Z	signing$"
check "the previous key is retiring" out_has "^$kid1	RS256	[0-9T:-]+Z	retiring until [0-9T:-]+Z$"
check "keys list shows no private key material" eval 'out_lacks "\"d\"" && out_lacks "{"'
GATEHOUSE_SIGNING_ALG=ES256 gh --db "$db" keys rotate --now
kid3=$(cat out)
gh --db "$db" keys list
check "keys rotate follows signing_alg (ES256)" out_has "^$kid3	ES256	.*	signing$"
check "three keys after three rotations, one signing" \
    eval '[ "$(wc -l <out)" = 4 ] && [ "$(grep -c "	signing$" out)" = 1 ]'
GATEHOUSE_ACCESS_TOKEN_ALG=ES256 gh --db "$db" keys rotate --now
check "keys rotate with access_token_alg = ES256 prints a kid per algorithm" \
    eval 'status_is 0 && [ "$(wc -l <out)" = 2 ]'
kid4=$(sed -n 1p out)
kid5=$(sed -n 2p out)
gh --db "$db" keys list
check "the id tokens' key (signing_alg) signs RS256" out_has "^$kid4	RS256	.*	signing$"
check "the access tokens' key signs ES256" out_has "^$kid5	ES256	.*	signing$"
check "every older key is retiring" eval '[ "$(grep -c "	signing$" out)" = 2 ] &&
    [ "$(grep -c "	retiring until" out)" = 3 ]'
GATEHOUSE_ACCESS_TOKEN_ALG=HS256 gh --db "$db" keys rotate --now
check "access_token_alg = HS256 is refused with one line" eval 'status_is 1 && one_error_line'

gh --create --db "sqlite:$tmp/keys.db" keys rotate --now
gh --db "sqlite:$tmp/keys.db" keys rotate
kid6=$(cat out)
gh --db "sqlite:$tmp/keys.db" keys list
check "keys rotate: the new key is published first and signs later" \
    out_has "^$kid6	RS256	[0-9T:-]+Z	next, signing from [0-9T:-]+Z$"
check "keys rotate: the old key signs until then" eval '[ "$(grep -c "	signing$" out)" = 1 ]'

# ---- precedence: --db flag > GATEHOUSE_DB > config file ----
printf '[server]\ndb = sqlite:%s/file.db\n' "$tmp" >gh.ini
gh --create --config gh.ini user add --username from-file --password 'pa55-Word!x'
GATEHOUSE_DB="sqlite:$tmp/env.db" gh --config gh.ini --create user add --username from-env \
    --password 'pa55-Word!x'
GATEHOUSE_DB="sqlite:$tmp/env.db" gh --config gh.ini --db "sqlite:$tmp/flag.db" \
    user add --create --username from-flag --password 'pa55-Word!x'
listed() { "$bin" --db "sqlite:$tmp/$1" user list | tail -n +2 | cut -f1 | sort | tr '\n' ' '; }
check "the config file's db is used without env or flag" eval '[ "$(listed file.db)" = "from-file " ]'
check "GATEHOUSE_DB overrides the config file" eval '[ "$(listed env.db)" = "from-env " ]'
check "--db overrides GATEHOUSE_DB and the file" eval '[ "$(listed flag.db)" = "from-flag " ]'
gh --config missing.ini user list
check "a missing config file exits 1 with one line" eval 'status_is 1 && one_error_line'

# ---- config show | check | doc: the table of keys ----
printf '[server]\ncode_ttl = 30\n[gateway]\njwt_secret = %s\n[platform.ottm]\nkind = oidc\nclient_id = gw\nclient_secret = hush-hush\nissuer = http://127.0.0.1:9\n' \
    "0123456789abcdef0123456789abcdef" >conf.ini
GATEHOUSE_DB='postgres://gh:pg-pass@127.0.0.1/gh' GATEHOUSE_ACCESS_TOKEN_TTL=120 \
    gh --config conf.ini config show
check "config show: each value with where it came from" eval 'status_is 0 &&
    out_has "^code_ttl = 30  ; file conf.ini$" && out_has "^access_token_ttl = 120  ; env GATEHOUSE_ACCESS_TOKEN_TTL$" &&
    out_has "^session_ttl = 28800  ; default$" && out_has "^\[platform.ottm\]$"'
check "config show: secrets and the database password masked" eval 'out_lacks pg-pass &&
    out_lacks hush-hush && out_lacks 0123456789abcdef &&
    out_has "^db = postgres://gh:\*+@127.0.0.1/gh  ; env GATEHOUSE_DB$"'
gh --config conf.ini config check
check "config check: a usable configuration exits 0" eval 'status_is 0 && out_has "configuration OK"'
printf '[gateway]\nstate_ttl = 0\n' >bad.ini
gh --config bad.ini config check
check "config check: a value out of bounds exits 1 naming the key" eval 'status_is 1 &&
    one_error_line && err_has "\[gateway\] state_ttl: expected a whole number of seconds from 1 to 3600"'
printf '[server]\nacess_token_ttl = 5\n' >bad.ini
gh --config bad.ini config check
check "config check: a misspelt key exits 1 naming it" eval 'status_is 1 && one_error_line &&
    err_has "unknown key .acess_token_ttl. in \[server\]"'
printf '[platform.x]\nkind = oidc\nclient_id = a\n' >bad.ini
gh --config bad.ini config check
check "config check: a platform section missing its issuer exits 1" eval 'status_is 1 &&
    one_error_line && err_has "\[platform.x\]"'
printf '[server]\npasskey_rp_id = evil.example\n' >bad.ini
gh --db "sqlite:$tmp/rp.db" --config bad.ini serve --create --listen 127.0.0.1:1 --issuer http://login.example.com
check "serve: a passkey_rp_id that is not the issuer's domain stops the start, naming it" eval 'status_is 1 &&
    err_has "passkey_rp_id must be the issuer.s host or a parent domain of it"'
GATEHOUSE_GATEWAY_STATE_TTL=x gh config check
check "config check: a bad environment variable is named" eval 'status_is 1 && one_error_line &&
    err_has "^gatehouse: GATEHOUSE_GATEWAY_STATE_TTL: "'
# ---- scopes the consent page has no words for (issue 25 item 6) ----
gh --db "$db" client add --id scoped --redirect-uri https://rp.example/cb \
    --scope "openid profile email offline_access photos:read"
check "client add: a scope without words is added, with one warning naming it" eval 'status_is 0 &&
    out_has "^client_id: scoped$" && [ "$(wc -l <err)" = 1 ] &&
    err_has "warning: scope .photos:read. has no words" && err_has "\[scope.photos:read\]"'
printf '[scope.photos:read]\nlabel_en = See your photos\nlabel_ko = 사진 보기\n' >scopes.ini
gh --config scopes.ini --db "$db" client add --id scoped2 --redirect-uri https://rp.example/cb \
    --scope "openid photos:read"
check "client add: a scope labelled in [scope.NAME], and the standard ones, give no warning" \
    eval 'status_is 0 && [ ! -s err ]'
gh --config scopes.ini config check
check "config check: [scope.NAME] takes label_en and label_ko" eval 'status_is 0'
printf '[scope.photos:read]\nlabel = x\n' >bad.ini
gh --config bad.ini config check
check "config check: [scope.NAME] refuses other keys" eval 'status_is 1 && one_error_line &&
    err_has "label"'

# ---- claims and scopes (docs/claims.md) ----
gh --db "$db" user add --username claimer --password 'Lantern-first-pw-123'
gh --db "$db" user update claimer --attribute department=Sales --attribute level=3 --group staff \
    --group ops
check "user update: --attribute and --group are kept" eval 'status_is 0 &&
    in_db "{\"department\":\"Sales\",\"level\":3}" && in_db "[\"staff\",\"ops\"]"'
gh --db "$db" user update claimer --remove-attribute level --remove-group ops
check "user update: --remove-attribute and --remove-group take them away" eval 'status_is 0 &&
    in_db "{\"department\":\"Sales\"}" && in_db "[\"staff\"]"'
gh --db "$db" group add readers claimer
gh --db "$db" group list
check "group list: each group with its number of members" eval 'status_is 0 && out_has "^readers\s1$" &&
    out_has "^staff\s1$"'
gh --db "$db" user update claimer --attribute sub=forged
check "user update: a reserved attribute name exits 2 naming it" eval 'status_is 2 && one_error_line &&
    err_has "attributes\.sub: "'
gh --db "$db" user update claimer --attribute novalue
check "user update: --attribute without = exits 2" usage_error
gh --db "$db" group add 'bad group' claimer
check "group add: a bad group name exits 2 naming groups" eval 'status_is 2 && err_has "groups: "'
gh --db "$db" group add readers
check "group add: without a user exits 2" usage_error
gh --db "$db" client add --id pw --redirect-uri https://a.example/cb --redirect-uri \
    https://b.example/cb --subject-type pairwise
check "client add: pairwise over two hosts exits 2 naming redirect_uris" eval 'status_is 2 &&
    one_error_line && err_has "redirect_uris: .*one host"'
gh --db "$db" client add --id pw --redirect-uri https://a.example/cb --subject-type pairwise \
    --id-token-claim groups --id-token-claim department
gh --db "$db" client show pw
check "client add: --subject-type and --id-token-claim are shown" eval 'status_is 0 &&
    out_has "\"subject_type\": *\"pairwise\"" && out_has "\"department\""'
gh --db "$db" client update pw --id-token-claim nonce
check "client update: a protocol claim in id_token_claims exits 2" eval 'status_is 2 &&
    err_has "id_token_claims: "'
printf '[scope.work]\nlabel_en = Work\nclaims = department sub\n' >bad.ini
gh --config bad.ini config check
check "config check: [scope.NAME] claims refuses a protocol claim, naming the key" eval 'status_is 1 &&
    one_error_line && err_has "scope\.work\.claims: .sub."'
printf '[scope.work]\nlabel_en = Work\nclaims = department level\n' >good.ini
gh --config good.ini config check
check "config check: [scope.NAME] takes claims" eval 'status_is 0'

gh config doc
check "config doc: docs/settings.md is what the table says (every key documented)" \
    cmp -s out "$root/docs/settings.md"

finish
