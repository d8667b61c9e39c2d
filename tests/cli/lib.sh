# The helpers every CLI test script shares; sourced after `set -euo pipefail`
# with the script's name: `. "$(dirname "$0")/lib.sh" NAME "$@"`.
#
# Sets root (the checkout), bin (the gatehouse binary: the first argument, or
# build/gatehouse) and tmp (a directory removed on exit, also the working
# directory). check NAME COMMAND... counts and prints one line per check;
# gh ARGS... runs the binary with stdout in ./out, stderr in ./err and the
# status in $rc; finish prints the count and gives the exit status.

cli_name=$1
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=$(realpath "${1:-$root/build/gatehouse}")
[ -x "$bin" ] || { echo "$cli_name: no executable at $bin" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gh-$cli_name.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

passed=0
failed=0
check() { # check NAME COMMAND... : passes when the command succeeds
    local name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
        [ -s err ] && sed 's/^/     stderr: /' err | head -3
    fi
    return 0
}

gh() {
    rc=0
    "$bin" "$@" >out 2>err || rc=$?
}
status_is() { [ "$rc" = "$1" ]; }
one_error_line() { [ "$(wc -l <err)" = 1 ] && [ ! -s out ]; }
out_has() { grep -qE -- "$1" out; }
err_has() { grep -qE -- "$1" err; }
out_lacks() { ! grep -qF -- "$1" out; }
ok_with_usage() { status_is 0 && out_has '^usage: ' && [ ! -s err ]; }
usage_error() { status_is 2 && one_error_line && err_has -- '--help'; }

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
}
