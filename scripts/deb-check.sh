#!/usr/bin/env bash
# The Debian package as an operator meets it (issue 24 item 2), on this
# machine, as root: installs BUILD/gatehouse_*.deb with apt-get, checks what
# it installed (binary, man pages, conffile, units, the system user), starts
# the installed binary with the installed configuration as the gatehouse user
# (as gatehouse.service would; systemd itself is used when it runs here),
# runs the seed 004 partner check (../shared/checks/seed004-flow) against the
# installed binary and configuration, then purges the package and checks
# that nothing it installed is left outside the state directory
# /var/lib/gatehouse (kept on purge: it holds the accounts and keys).
#
# usage: scripts/deb-check.sh [BUILD]   (after `make deb`; needs root)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/${1:-build}
deb=$(ls "$build"/gatehouse_*.deb 2>/dev/null | tail -1)
[ -n "$deb" ] || { echo "deb-check: no package in $build (make deb)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "deb-check: needs root (apt-get install)" >&2; exit 2; }
dpkg -s gatehouse >/dev/null 2>&1 && { echo "deb-check: gatehouse is installed already; purge it first" >&2; exit 2; }
# the partner checks beside the checkout (or beside the worktrees' directory)
seed=${GH_SEED_CHECK:-}
for s in "$root/../shared/checks/seed004-flow" "$root/../../shared/checks/seed004-flow"; do
    [ -z "$seed" ] && [ -x "$s" ] && seed=$s
done

tmp=$(mktemp -d /tmp/gh-deb-check.XXXXXX)
chmod 0755 "$tmp"
server=
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    dpkg -s gatehouse >/dev/null 2>&1 && apt-get purge -y -qq gatehouse >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT

passed=0
failed=0
check() {
    local name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
    fi
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---- install ----
check "apt-get install ./$(basename "$deb")" eval 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$tmp/apt.log" 2>&1'
dpkg -L gatehouse | sort >"$tmp/files"
for f in /usr/sbin/gatehouse /usr/share/man/man8/gatehouse.8.gz /usr/share/man/man5/gatehouse.ini.5.gz \
    /etc/gatehouse/gatehouse.ini /lib/systemd/system/gatehouse.service /lib/systemd/system/gatehouse-gateway.service; do
    check "installs $f" test -s "$f"
done
check "/etc/gatehouse/gatehouse.ini is a conffile" eval 'dpkg-query -W -f="\${Conffiles}" gatehouse | grep -q "/etc/gatehouse/gatehouse.ini"'
check "a system user gatehouse owns /var/lib/gatehouse" \
    eval 'id -u gatehouse >/dev/null && [ "$(stat -c %U "/var/lib/gatehouse")" = gatehouse ]'
check "man finds gatehouse(8) and gatehouse.ini(5)" \
    eval 'man -w gatehouse >/dev/null && man -w 5 gatehouse.ini >/dev/null'
if command -v systemd-analyze >/dev/null; then
    for unit in gatehouse gatehouse-gateway; do
        check "systemd-analyze verify $unit.service (installed) is clean" \
            eval '[ -z "$(systemd-analyze verify /lib/systemd/system/$unit.service 2>&1)" ]'
    done
fi
check "the installed configuration is valid" \
    eval '/usr/sbin/gatehouse --config /etc/gatehouse/gatehouse.ini config check >/dev/null'

# ---- the installed binary with the installed configuration, as the service would run ----
port=$(free_port)
as_gatehouse() { setpriv --reuid gatehouse --regid gatehouse --init-groups -- "$@"; }
setpriv --reuid gatehouse --regid gatehouse --init-groups -- \
    /usr/sbin/gatehouse --config /etc/gatehouse/gatehouse.ini serve \
    --listen "127.0.0.1:$port" 2>"$tmp/serve.log" &
server=$!
up=false
for _ in $(seq 100); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/.well-known/openid-configuration" && { up=true; break; }
    sleep 0.1
done
check "the installed service answers discovery" $up
check "its database is in the state directory, owned by gatehouse" \
    eval '[ "$(stat -c %U /var/lib/gatehouse/gatehouse.db)" = gatehouse ]'
as_gatehouse /usr/sbin/gatehouse --config /etc/gatehouse/gatehouse.ini db status | tail -n +2 >"$tmp/status" || true
check "db status: every migration applied" eval '[ -s "$tmp/status" ] && ! grep -qv "	applied$" "$tmp/status"'
check "backup of the live database" eval \
    'as_gatehouse /usr/sbin/gatehouse --config /etc/gatehouse/gatehouse.ini backup /var/lib/gatehouse/check-backup.db >/dev/null &&
     rm /var/lib/gatehouse/check-backup.db'
kill -TERM "$server"
check "SIGTERM stops it with status 0" wait "$server"
server=

# ---- the seed 004 partner check, against the installed binary and configuration ----
if [ -n "$seed" ]; then
    mkdir -p "$tmp/checkout/build"
    cat >"$tmp/checkout/build/gatehouse" <<'SH'
#!/bin/sh
exec /usr/sbin/gatehouse --config /etc/gatehouse/gatehouse.ini "$@"
SH
    chmod 0755 "$tmp/checkout/build/gatehouse"
    check "seed004-flow passes against the installed package" \
        eval '(cd "$tmp/checkout" && GH_NO_BUILD=1 "$seed") >"$tmp/seed.log" 2>&1 || { tail -5 "$tmp/seed.log"; false; }'
else
    echo "skip seed004-flow: not found beside the checkout (set GH_SEED_CHECK)"
fi

# ---- purge ----
check "apt-get purge gatehouse" eval 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq gatehouse >"$tmp/purge.log" 2>&1'
left=$(while read -r f; do
    [ -d "$f" ] && continue # directories the package shares with others (/lib, /usr/share)
    if [ -e "$f" ] || [ -L "$f" ]; then echo "$f"; fi
done <"$tmp/files")
check "purge leaves none of the package's files${left:+ (left: $left)}" test -z "$left"
check "purge removes /etc/gatehouse" test ! -e /etc/gatehouse
check "only the state directory stays" test -d /var/lib/gatehouse
rm -rf /var/lib/gatehouse

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
