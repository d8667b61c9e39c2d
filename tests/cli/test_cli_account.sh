#!/usr/bin/env bash
# The password policy at the command line (issue 21): `user add` and `user
# passwd` refuse short and common passwords and passwords holding the
# username, with one line saying why (exit 2, as any value the rules refuse); [server] password_min_length
# moves the length; a strong password passes. `user add --email-verified`
# marks the address verified (user list --json shows it); `user invite`
# prints a single-use registration link and queues its mail when [smtp] is
# set.
set -euo pipefail
. "$(dirname "$0")/lib.sh" cli-account "$@"

db="sqlite:$tmp/p.db"
gh --db "$db" db migrate
check "a fresh database" status_is 0

for weak in password 12345678 qwertyuiop; do
    gh --db "$db" user add --username ann --password "$weak"
    check "user add refuses '$weak' (exit 2, one line)" eval 'usage_error'
done
gh --db "$db" user add --username ann --password 'password'
check "the line says the password is too short" err_has 'too short'
gh --db "$db" user add --username ann --password 'password1234'
check "a dictionary word with digits (password1234) is refused as common" \
    eval 'status_is 2 && err_has "common passwords"'
gh --db "$db" user add --username annabel --password 'x-annabel-77Q'
check "a password holding the username is refused" \
    eval 'status_is 2 && err_has "contains the username"'
gh --db "$db" user add --username ann --password 'Tr0ub4dor&3x'
check "a strong password is taken" status_is 0
gh --db "$db" user passwd ann --password '12345678'
check "user passwd refuses a weak password" eval 'status_is 2 && err_has "too short"'
gh --db "$db" user passwd ann --password 'violet-Kayak-93'
check "user passwd takes a strong one" status_is 0

printf '[server]\npassword_min_length = 16\n' >p.ini
gh --db "$db" --config p.ini user add --username bo --password 'violet-Kayak-93'
check "password_min_length = 16 refuses 15 characters" eval 'status_is 2 && err_has "too short"'
gh --db "$db" --config p.ini user add --username bo --password 'violet-Kayak-93-x'
check "and takes 17" status_is 0

gh --db "$db" user add --username cy --password 'violet-Kayak-93' --email cy@example.org \
    --email-verified
check "user add --email-verified exits 0" status_is 0
gh --db "$db" user list --json
verified() { # verified USERNAME true|false: user list --json says so
    python3 -c 'import json,sys; u={x["username"]: x for x in json.load(open("out"))}; sys.exit(u[sys.argv[1]]["email_verified"] is not (sys.argv[2] == "true"))' "$1" "$2"
}
check "user list --json shows email_verified true for cy, false for bo" \
    eval 'verified cy true && verified bo false'
gh --db "$db" user add --username di --password 'violet-Kayak-93' --email-verified
check "--email-verified without --email is a usage error" usage_error

printf '[server]\nissuer = https://id.example.org\nregistration = invite\n' >inv.ini
gh --db "$db" --config inv.ini user invite new@example.org
check "user invite prints a registration link under the issuer" \
    eval 'status_is 0 && out_has "^https://id\.example\.org/auth/register\?invite=[A-Za-z0-9_-]{43}$"'
check "the store keeps its digest, not the token" \
    eval '! grep -aqF -- "$(sed "s/.*invite=//" out)" "$tmp"/p.db*'
gh --db "$db" --config inv.ini user invite not-an-address
check "user invite of a non-address is a usage error" usage_error
printf '[smtp]\nurl = smtp://127.0.0.1:1\nfrom = noreply@example.org\n' >>inv.ini
gh --db "$db" --config inv.ini user invite --lang ko other@example.org
check "with [smtp] the invitation is queued in the outbox" \
    eval 'status_is 0 && [ "$(sqlite3 "$tmp/p.db" "SELECT count(*) FROM outbox WHERE recipient = '"'"'other@example.org'"'"'")" = 1 ]'

printf '[smtp]\nurl = smtp://127.0.0.1:25\n' >nofrom.ini
gh --config nofrom.ini config check
check "config check: [smtp] url without from is an error naming it" \
    eval 'status_is 1 && one_error_line && err_has "\[smtp\] from"'
printf '[smtp]\nurl = http://mail.example.org\n' >badurl.ini
gh --config badurl.ini config check
check "config check: an url that is not smtp(s) is refused" eval 'status_is 1 && err_has "url"'
printf '[smtp]\nurl = smtps://mail.example.org\nfrom = a@b.org\nuser = u\npassword = s3cret-smtp\n' >ok.ini
gh --config ok.ini config show
check "config show masks the SMTP password" \
    eval 'status_is 0 && out_has "^password = \*\*\*" && out_lacks s3cret-smtp'

finish
