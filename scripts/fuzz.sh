#!/usr/bin/env bash
# Runs the libFuzzer targets that `make fuzz` built (GH_FUZZ=ON, clang) in
# $BUILD_FUZZ, one after another, FUZZ_SECONDS each (default 60). Arguments
# name targets (form, jwt, …); none means every tests/fuzz/fuzz_*.c.
#
# Each target starts from its seed corpus tests/fuzz/corpus/NAME (only read)
# and keeps the inputs it finds interesting in $BUILD_FUZZ/corpus/NAME, so a
# second run goes on where the first stopped. A crash, a sanitizer report, a
# leak or a slow input is saved as $BUILD_FUZZ/findings/NAME/crash-… (or
# leak-…, timeout-…) and the log kept in $BUILD_FUZZ/logs/NAME.log. Prints
# one line per target; exits non-zero when any target found something.
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD_FUZZ=${BUILD_FUZZ:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in tests/fuzz/fuzz_*.c; do
    n=${f##*/fuzz_}
    targets+=("${n%.c}")
  done
fi

found=()
for name in "${targets[@]}"; do
  bin="$BUILD_FUZZ/fuzz_$name"
  if [ ! -x "$bin" ]; then
    echo "fuzz: no fuzzer $bin (run make fuzz)" >&2
    exit 2
  fi
  work="$BUILD_FUZZ/corpus/$name" findings="$BUILD_FUZZ/findings/$name" log="$BUILD_FUZZ/logs/$name.log"
  mkdir -p "$work" "$findings" "$(dirname "$log")"
  if "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$findings/" "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
    printf 'ok    %-16s %s\n' "$name" "$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') runs"
  else
    found+=("$name")
    printf 'FOUND %-16s see %s and %s\n' "$name" "$findings" "$log"
    grep -m1 -E 'ERROR: |FUZZ_CHECK failed|runtime error' "$log" | sed 's/^/      /'
  fi
done

if [ "${#found[@]}" -gt 0 ]; then
  echo "fuzz: findings in: ${found[*]}"
  exit 1
fi
echo "fuzz: nothing found in ${#targets[@]} targets, ${FUZZ_SECONDS}s each"
