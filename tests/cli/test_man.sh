#!/usr/bin/env bash
# The man pages (issue 24 item 1): scripts/gen-man.py writes gatehouse(8)
# and gatehouse.ini(5) from the binary; every command (found here by walking
# the --help of each group) has its section in gatehouse(8) with each of its
# options, every setting of `gatehouse config doc` has its entry in
# gatehouse.ini(5) with its environment variable, and groff reads both
# without a warning.
#
# usage: tests/cli/test_man.sh [path/to/gatehouse]   (default: build/gatehouse)
set -euo pipefail

. "$(dirname "$0")/lib.sh" test_man "$@"

check "gen-man.py writes both pages" "$root/scripts/gen-man.py" "$bin" "$tmp"
page8=$tmp/gatehouse.8
page5=$tmp/gatehouse.ini.5
touch "$page8" "$page5"
check "groff reads gatehouse.8 without a warning" eval '[ -z "$(groff -man -ww -z "$page8" 2>&1)" ]'
check "groff reads gatehouse.ini.5 without a warning" eval '[ -z "$(groff -man -ww -z "$page5" 2>&1)" ]'

# command_names HELP: the names a group's help lists under "Commands:"
command_names() { sed -n '/^Commands:$/,/^$/p' <<<"$1" | sed -n 's/^  \([a-z]\+\) .*/\1/p'; }
commands=0
walk() { # walk PATH...: checks each leaf command below PATH
    local help
    help=$("$bin" "$@" --help)
    local subs
    subs=$(command_names "$help")
    if [ -z "$subs" ]; then
        commands=$((commands + 1))
        check "gatehouse(8) has a section for 'gatehouse $*'" grep -qxF ".SS gatehouse $*" "$page8"
        for opt in $(sed '/^Global options/,$d' <<<"$help" | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
            check "gatehouse(8) names $opt of 'gatehouse $*'" \
                eval "sed -n '/^\.SS gatehouse $*\$/,/^\.SS /p' '$page8' | grep -qF -- '$opt'"
        done
        return
    fi
    local s
    for s in $subs; do walk "$@" "$s"; done
}
for top in $(command_names "$("$bin" --help)"); do walk "$top"; done
check "every command was walked (more than 15)" test "$commands" -gt 15
for opt in --db --config --create --version; do
    check "gatehouse(8) names the global option $opt" grep -qF -- "$opt" "$page8"
done
check "gatehouse(8) tells the signals" grep -qx '.B SIGHUP' "$page8"

keys=0
while IFS='|' read -r _ key _ _ env _; do
    key=$(tr -d '` ' <<<"$key")
    env=$(tr -d '` ' <<<"$env")
    keys=$((keys + 1))
    check "gatehouse.ini(5) has an entry for $key" grep -qxF "\\fB$key\\fR" "$page5"
    [ -n "$env" ] && check "gatehouse.ini(5) names $env" grep -qF "$env" "$page5"
done < <("$bin" config doc | grep -E '^\| `')
check "every setting was read (more than 40)" test "$keys" -gt 40
for section in '\[server\]' '\[gateway\]' '\[platform.NAME\]'; do
    check "gatehouse.ini(5) has the section $section" grep -qx ".SH $section" "$page5"
done

finish
