#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang (ASan + UBSan) in build-fuzz/ and runs
# each for a bounded time, at most JOBS at once. Fails if any target finds a crash, a sanitizer
# report, a failed check, a timeout or an out-of-memory; prints executions per target.
# Usage: scripts/fuzz.sh [TARGET...]   (default: fuzz_converter fuzz_reader fuzz_vlq
#                        fuzz_stack_trace fuzz_scopes, and fuzz_scanner of tests/scanner/ when
#                        present)
# Environment: FUZZ_SECONDS  seconds per target (default 60)
#              JOBS          targets fuzzed at once (default: nproc)
#              FUZZ_ARGS     extra libFuzzer flags, e.g. "-max_len=65536"
# New inputs accumulate in build-fuzz/fuzz-corpus/<target>/ from run to run; findings are
# written to build-fuzz/fuzz-findings/<target>/ (replay one: build-fuzz/bin/<target> FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${FUZZ_SECONDS:-60}
jobs=${JOBS:-$(nproc)}
build=build-fuzz
if (($# > 0)); then
  targets=("$@")
else
  targets=(fuzz_converter fuzz_reader fuzz_vlq fuzz_stack_trace fuzz_scopes)
  [[ -f tests/scanner/fuzz_scanner.cpp ]] && targets+=(fuzz_scanner)
fi

for tool in clang clang++; do
  command -v "$tool" >/dev/null || { echo "fuzz.sh: $tool not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
done

echo "fuzz.sh: building ${targets[*]} in $build/ (clang, libFuzzer, ASan + UBSan)"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DSMCACHE_FUZZ=ON -DSMCACHE_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

# Seeds per target: the committed corpus and regressions, and the test data (read only).
seeds() {
  local t=$1
  local d
  for d in "$root/tests/fuzz/corpus/$t" "$root/tests/fuzz/regressions/$t"; do
    [[ -d "$d" ]] && echo "$d"
  done
  case "$t" in
    fuzz_converter)
      echo "$root/tests/data/maps" "$root/tests/data/golden"
      # The official source map test suite, when present (not committed here).
      local suite=${SMCACHE_CONFORMANCE_DIR:-$root/../shared/conformance/source-map-tests}
      [[ -d "$suite/resources" ]] && echo "$suite/resources"
      # decoding/: debug-id and scopes fixtures (.map files; the .golden files are JSON too).
      [[ -d "$suite/decoding" ]] && echo "$suite/decoding"
      ;;
    fuzz_reader) echo "$root/tests/data/golden" "$root/tests/data/bad" ;;
    fuzz_stack_trace) echo "$root/tests/data/traces" ;;
    fuzz_scanner) echo "$root/tests/scanner/corpus" "$root/examples/checkout/src" ;;
  esac
  return 0
}
max_len() {
  case "$1" in
    fuzz_vlq | fuzz_stack_trace | fuzz_scopes) echo 4096 ;;
    *) echo 16384 ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
logs=$build/fuzz-logs
mkdir -p "$logs"

run_one() {
  local t=$1
  local corpus=$build/fuzz-corpus/$t findings=$build/fuzz-findings/$t
  mkdir -p "$corpus" "$findings"
  local dict=()
  [[ -f tests/fuzz/$t.dict ]] && dict=(-dict="tests/fuzz/$t.dict")
  # shellcheck disable=SC2046,SC2086
  "$build/bin/$t" -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=10 \
    -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/" \
    "${dict[@]}" ${FUZZ_ARGS:-} "$corpus" $(seeds "$t") >"$logs/$t.log" 2>&1
}

echo "fuzz.sh: ${#targets[@]} targets x ${seconds} s, $jobs at once (logs in $logs/)"
declare -A pid_of
running=0
for t in "${targets[@]}"; do
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
  run_one "$t" &
  pid_of[$t]=$!
  running=$((running + 1))
done

failed=0
printf '\n%-16s %12s %10s %8s  %s\n' target executions exec/s corpus result
for t in "${targets[@]}"; do
  status=0
  wait "${pid_of[$t]}" || status=$?
  log=$logs/$t.log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  corpus=$(find "$build/fuzz-corpus/$t" -type f | wc -l)
  if ((status == 0)); then
    result="no finding"
  else
    result="FINDING (exit $status)"
    failed=1
  fi
  printf '%-16s %12s %10s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$corpus" "$result"
done

if ((failed)); then
  for t in "${targets[@]}"; do
    log=$logs/$t.log
    if grep -qE 'ERROR: (libFuzzer|AddressSanitizer|UndefinedBehaviorSanitizer)|fuzz check failed|runtime error|SUMMARY' "$log"; then
      printf '\n== %s: %s ==\n' "$t" "$log"
      grep -nE 'fuzz check failed|runtime error|ERROR:|SUMMARY|Test unit written' "$log" | head -20
    fi
  done
  echo
  echo "fuzz.sh: findings in $build/fuzz-findings/; reproduce with $build/bin/<target> FILE," >&2
  echo "then add the file to tests/fuzz/regressions/<target>/ with the fix" >&2
  exit 1
fi
echo "fuzz.sh: no finding"
