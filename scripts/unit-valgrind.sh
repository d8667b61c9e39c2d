#!/usr/bin/env bash
# Runs every unit test executable that CTest knows (in the plain build, not
# the ASan one: the two instrumentations do not mix) under valgrind's
# memcheck: any invalid read or write, use of uninitialised memory, or
# definite or indirect leak fails the run. Prints one line per test and
# exits non-zero when any failed. Usage: scripts/unit-valgrind.sh [BUILD_DIR]
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-${BUILD:-build}}

command -v valgrind >/dev/null || { echo "unit-valgrind: valgrind is not installed (make setup)"; exit 1; }
tests=$(cd "$BUILD" && ctest --show-only=json-v1 | python3 -c '
import json, sys
for t in json.load(sys.stdin)["tests"]:
    wd = next((p["value"] for p in t.get("properties", []) if p["name"] == "WORKING_DIRECTORY"), ".")
    print(t["name"], wd, *t["command"], sep="\t")
') || exit 1

failed=0
while IFS=$'\t' read -r name wd cmd; do
  log="$BUILD/test-logs/valgrind-${name//\//_}.log"
  mkdir -p "$(dirname "$log")"
  if (cd "$wd" && valgrind --quiet --error-exitcode=1 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
    "$cmd") >"$log" 2>&1; then
    printf 'ok    %s\n' "$name"
  else
    failed=$((failed + 1))
    printf 'FAIL  %s  log: %s\n' "$name" "$log"
    grep -E '==[0-9]+==' "$log" | head -n 30 | sed 's/^/      /'
  fi
done <<<"$tests"
[ "$failed" -eq 0 ]
