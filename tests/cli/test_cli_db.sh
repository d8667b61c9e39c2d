#!/usr/bin/env bash
# The database as an operator meets it (issue 25 item 2, issue 24 item 3):
# administrative commands never make a database by accident (exit 1, one line
# naming it; only serve, gateway, db migrate and --create make one); lists
# have a header line and --json; `db status` and `db migrate [--dry-run]` name
# the migrations and apply none twice; `backup FILE` copies a SQLite database
# and refuses PostgreSQL and an existing FILE. The copy under load is
# tests/e2e/operations.test.mjs's.
#
# usage: tests/cli/test_cli_db.sh [path/to/gatehouse]   (default: build/gatehouse)
set -euo pipefail

. "$(dirname "$0")/lib.sh" test_cli_db "$@"
command -v sqlite3 >/dev/null || { echo "test_cli_db: needs the sqlite3 program" >&2; exit 2; }
unset GATEHOUSE_DB
json_ok() { python3 -c 'import json, sys; v = json.load(open("out")); sys.exit(0 if '"$1"' else 1)' 2>/dev/null; }

# ---- no database is made by accident ----
for cmd in "user list" "client list" "keys list" "client show x" "user remove x" "keys rotate" \
    "user add --username u1 --password pa55-Word!x" \
    "client add --id c1 --redirect-uri https://rp.example/cb" "db status" "db migrate --dry-run" \
    "backup $tmp/copy.db"; do
    # shellcheck disable=SC2086
    gh --db "sqlite:$tmp/nested/dir/gh.db" $cmd
    check "missing database: '$cmd' exits 1 with one line naming it" \
        eval 'status_is 1 && one_error_line && err_has "no database at sqlite:$tmp/nested/dir/gh.db"'
done
check "missing database: no file and no directory was made" test ! -e "$tmp/nested"
gh user list # in $tmp, without --db
check "the default database (var/gatehouse.db) is not made by user list" \
    eval 'status_is 1 && ! [ -e "$tmp/var" ] && err_has "no database at sqlite:var/gatehouse.db"'

# ---- --create and db migrate make one ----
gh --db "sqlite:$tmp/made/by/create.db" --create user add --username u1 --password 'pa55-Word!x'
check "--create: user add makes the database and its directories" \
    eval 'status_is 0 && [ -s "$tmp/made/by/create.db" ]'
gh --db "sqlite:$tmp/made/by/create.db" user list
check "the database made with --create is used without it" eval 'status_is 0 && out_has "^u1	"'
gh --help
check "--create is documented in the help" out_has '--create'

# ---- lists: a header line, and --json ----
db="sqlite:$tmp/made/by/create.db"
gh --db "$db" client add --id app1 --secret 's3cret-app1' --redirect-uri https://rp.example/cb \
    --name 'App One'
gh --db "$db" keys rotate --now
kid=$(cat out)
gh --db "$db" user list
check "user list: header line first" eval '[ "$(head -1 out)" = "USERNAME	SUB	EMAIL	NICKNAME	NAME" ]'
gh --db "$db" client list
check "client list: header line first" \
    eval '[ "$(head -1 out)" = "CLIENT_ID	NAME	GRANT_TYPES	REDIRECT_URIS	REGISTERED_BY" ] && [ "$(wc -l <out)" = 2 ]'
gh --db "$db" keys list
check "keys list: header line first" eval '[ "$(head -1 out)" = "KID	ALG	CREATED	STATE" ]'
gh --db "$db" user list --json
check "user list --json: an array of objects" \
    json_ok 'len(v) == 1 and v[0]["username"] == "u1" and len(v[0]["sub"]) == 32 and v[0]["email"] is None'
gh --db "$db" client list --json
check "client list --json: the clients as client show prints them, no secret" \
    json_ok 'v == [dict(v[0], client_id="app1", client_name="App One", redirect_uris=["https://rp.example/cb"])] and "s3cret" not in open("out").read()'
gh --db "$db" keys list --json
check "keys list --json: kid, alg, created, state" \
    json_ok "[(k['kid'], k['alg'], k['state']) for k in v] == [('$kid', 'RS256', 'signing')]"
gh --db "$db" user list --bogus
check "user list --bogus is a usage error" status_is 2

# ---- db status | migrate [--dry-run] ----
# A database as an older version left it: every migration but the last.
# SQLite's series: its own files and common/'s, by number.
migrations=$(ls "$root"/src/store/schema/{sqlite,common}/*.sql | awk -F/ '{print $NF "\t" $0}' | sort | cut -f2)
last=$(basename "$(echo "$migrations" | tail -1)" .sql)
old="$tmp/old.db"
sqlite3 "$old" 'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)'
for f in $migrations; do
    [ "$(basename "$f" .sql)" = "$last" ] && continue
    sqlite3 "$old" <"$f"
    sqlite3 "$old" "INSERT INTO schema_migrations VALUES ($((10#$(basename "$f" | cut -c1-3))))"
done
count=$(echo "$migrations" | wc -l)
gh --db "sqlite:$old" db status
check "db status: a header and one line per migration" \
    eval 'status_is 0 && [ "$(head -1 out)" = "VERSION	NAME	STATE" ] && [ "$(wc -l <out)" = $((count + 1)) ]'
check "db status: the last migration is pending, by number and name" \
    eval 'out_has "^${last%%_*}	${last#*_}	pending$" && [ "$(grep -c "	applied$" out)" = $((count - 1)) ]'
gh --db "sqlite:$old" db status --json
check "db status --json" json_ok "sum(not m['applied'] for m in v) == 1 and v[-1]['name'] == '${last#*_}'"
gh --db "sqlite:$old" db migrate --dry-run
check "db migrate --dry-run names what it would apply" \
    eval 'status_is 0 && [ "$(cat out)" = "would apply $last" ]'
gh --db "sqlite:$old" db status
check "db migrate --dry-run changed nothing" out_has "	pending$"
gh --db "sqlite:$old" db migrate
check "db migrate applies the pending one and names it" eval 'status_is 0 && [ "$(cat out)" = "applied $last" ]'
gh --db "sqlite:$old" db migrate
check "db migrate again applies nothing" eval 'status_is 0 && out_has "^up to date: $count migrations applied$"'
check "each migration is recorded once" \
    eval '[ "$(sqlite3 "$old" "SELECT count(*), count(DISTINCT version) FROM schema_migrations")" = "$count|$count" ]'
sqlite3 "$old" 'INSERT INTO schema_migrations VALUES (999)'
gh --db "sqlite:$old" db status
check "db status: a migration of a newer version is shown as unknown" \
    out_has '^999	\(unknown to this version of gatehouse\)	applied$'
gh --db "sqlite:$tmp/fresh.db" db migrate
check "db migrate makes a new database with every migration" \
    eval 'status_is 0 && [ "$(grep -c "^applied " out)" = $count ]'

# ---- backup ----
gh --db "$db" backup "$tmp/copy.db"
check "backup exits 0 and says where" eval 'status_is 0 && out_has "copy.db"'
check "the copy is owner-only" eval '[ "$(stat -c %a "$tmp/copy.db")" = 600 ]'
check "the copy is one self-contained file (no WAL)" \
    eval '[ "$(sqlite3 "$tmp/copy.db" "PRAGMA journal_mode")" = delete ] && [ ! -e "$tmp/copy.db-wal" ]'
gh --db "sqlite:$tmp/copy.db" user list
check "the copy opens as a Gatehouse database with the same users" out_has '^u1	'
check "no partial file is left" test ! -e "$tmp/copy.db.partial"
gh --db "$db" backup "$tmp/copy.db"
check "backup onto an existing file exits 1 with one line" \
    eval 'status_is 1 && one_error_line && err_has "already exists"'
gh --db 'postgres://gh@127.0.0.1:1/gh' backup "$tmp/pg.db"
check "backup of PostgreSQL is refused, pointing to pg_dump" \
    eval 'status_is 1 && one_error_line && err_has pg_dump && [ ! -e "$tmp/pg.db" ]'
gh --db "$db" backup
check "backup without FILE is a usage error" status_is 2

finish
