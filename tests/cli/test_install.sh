#!/usr/bin/env bash
# `make install` (issue 24 item 1): PREFIX and DESTDIR; the binary, the man
# pages, the example configurations (the configuration itself only where
# there is none), the systemd units pointing at the installed binary and
# configuration, `systemd-analyze verify` clean and `systemd-analyze
# security` scoring them OK or better (where systemd-analyze exists).
#
# usage: tests/cli/test_install.sh [path/to/gatehouse]   (default: build/gatehouse;
#        its directory is the build directory make install takes it from)
set -euo pipefail

. "$(dirname "$0")/lib.sh" test_install "$@"
install_to() { make -s -C "$root" install BUILD="$(dirname "$bin")" "$@" >"$tmp/make.log" 2>&1; }

# ---- PREFIX=/usr under DESTDIR: Debian's places ----
check "make install PREFIX=/usr DESTDIR=... exits 0" install_to PREFIX=/usr DESTDIR="$tmp/dest"
for f in usr/sbin/gatehouse usr/share/man/man8/gatehouse.8 usr/share/man/man5/gatehouse.ini.5 \
    etc/gatehouse/gatehouse.ini lib/systemd/system/gatehouse.service \
    lib/systemd/system/gatehouse-gateway.service usr/share/doc/gatehouse/examples/gatehouse.ini \
    usr/share/doc/gatehouse/examples/gateway.ini usr/share/doc/gatehouse/examples/nginx-gatehouse.conf; do
    check "installs /$f" test -s "$tmp/dest/$f"
done
check "the binary is executable and runs" eval '"$tmp/dest/usr/sbin/gatehouse" --version >/dev/null'
check "the unit runs the installed binary with the installed configuration" \
    grep -qx 'ExecStart=/usr/sbin/gatehouse --config /etc/gatehouse/gatehouse.ini serve' \
    "$tmp/dest/lib/systemd/system/gatehouse.service"
check "the gateway unit runs the gateway with its own configuration" \
    grep -qx 'ExecStart=/usr/sbin/gatehouse --config /etc/gatehouse/gateway.ini gateway' \
    "$tmp/dest/lib/systemd/system/gatehouse-gateway.service"
for unit in gatehouse gatehouse-gateway; do
    for line in Type=notify ProtectSystem=strict StateDirectory=gatehouse NoNewPrivileges=yes \
        PrivateTmp=yes CapabilityBoundingSet= SystemCallFilter=@system-service; do
        check "$unit.service has $line" grep -qx "$line" "$tmp/dest/lib/systemd/system/$unit.service"
    done
done
check "the installed configuration is valid, its database in the state directory" eval \
    '"$bin" --config "$tmp/dest/etc/gatehouse/gatehouse.ini" config check >/dev/null &&
     grep -qx "db = sqlite:/var/lib/gatehouse/gatehouse.db" "$tmp/dest/etc/gatehouse/gatehouse.ini"'
check "the example gateway configuration is valid" \
    eval '"$bin" --config "$tmp/dest/usr/share/doc/gatehouse/examples/gateway.ini" config check >/dev/null'
echo '; edited' >>"$tmp/dest/etc/gatehouse/gatehouse.ini"
install_to PREFIX=/usr DESTDIR="$tmp/dest"
check "a second install keeps an edited configuration" grep -qx '; edited' "$tmp/dest/etc/gatehouse/gatehouse.ini"

# ---- another PREFIX keeps everything under it; systemd checks its units ----
prefix=$tmp/prefix
check "make install PREFIX=... exits 0" install_to PREFIX="$prefix"
check "PREFIX: the configuration under it" test -s "$prefix/etc/gatehouse/gatehouse.ini"
check "PREFIX: the unit names the binary under it" \
    grep -qx "ExecStart=$prefix/sbin/gatehouse --config $prefix/etc/gatehouse/gatehouse.ini serve" \
    "$prefix/lib/systemd/system/gatehouse.service"
if command -v systemd-analyze >/dev/null; then
    for unit in gatehouse gatehouse-gateway; do
        f=$prefix/lib/systemd/system/$unit.service
        check "systemd-analyze verify $unit.service is clean" \
            eval '[ -z "$(systemd-analyze verify --man=no "$f" 2>&1)" ]'
        level=$(systemd-analyze security --offline=yes "$f" 2>/dev/null | sed -n 's/.*Overall exposure level for .*: [0-9.]* \([A-Z]*\).*/\1/p')
        check "systemd-analyze security rates $unit.service OK or better (got $level)" \
            eval '[ "$level" = OK ] || [ "$level" = SAFE ]'
    done
else
    echo "skip systemd-analyze checks: not installed"
fi

finish
