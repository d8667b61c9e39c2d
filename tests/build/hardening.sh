#!/usr/bin/env bash
# Checks that a built binary carries the hardening CMakeLists.txt promises:
# a position-independent executable, full RELRO (a GNU_RELRO segment and
# BIND_NOW), the stack protector, and _FORTIFY_SOURCE's checked calls (only
# for builds with the optimiser and without sanitizers: pass "nofortify" as
# the second argument to skip that check). One line per check; non-zero exit
# on any failure.
#
# usage: tests/build/hardening.sh path/to/gatehouse [nofortify]
set -uo pipefail
bin=$1
failed=0
check() { # NAME COMMAND...
    if "${@:2}" >/dev/null 2>&1; then echo "ok   $1"; else echo "FAIL $1"; failed=1; fi
}
check "PIE: ELF type DYN with the PIE flag" grep -q 'PIE' <(readelf -d "$bin")
check "RELRO: a GNU_RELRO segment" grep -q 'GNU_RELRO' <(readelf -lW "$bin")
check "full RELRO: BIND_NOW" grep -q 'BIND_NOW' <(readelf -d "$bin")
check "stack protector: __stack_chk_fail imported" grep -q '__stack_chk_fail' <(readelf --dyn-syms -W "$bin")
if [ "${2:-}" != nofortify ]; then
    check "_FORTIFY_SOURCE: checked calls (__*_chk) imported" \
        grep -qE '__(memcpy|snprintf|printf|fprintf|vsnprintf)_chk' <(readelf --dyn-syms -W "$bin")
fi
exit $failed
