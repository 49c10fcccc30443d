#!/usr/bin/env bash
# Runs every test: installs what is missing (Debian packages), builds Release, runs ctest (the
# GoogleTest suites, the CLI cases and the pytest suite), then rebuilds the C++ tests with
# AddressSanitizer + UndefinedBehaviorSanitizer and runs them again, runs the concurrency test
# under ThreadSanitizer and each fuzz target for FUZZ_SECONDS (default 20; scripts/fuzz.sh).
# Usage: scripts/test.sh [--no-sanitize]      Environment: JOBS (default: nproc), FUZZ_SECONDS
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-$(nproc)}
sanitize=1
[[ "${1:-}" == "--no-sanitize" ]] && sanitize=0

bash scripts/install-deps.sh

start=$SECONDS
step() { printf '\n== %s (at %d s) ==\n' "$*" $((SECONDS - start)); }

step "build (Release) in build/"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$jobs"

step "ctest (Release)"
ctest --test-dir build --output-on-failure -j "$jobs" --timeout 600

# ctest shows the output of failing tests only: print the counts and skips that passing tests
# report, so a missing resource is visible here and not only in build/Testing/.
step "summary: official conformance suite, and every skip (a skip names what is missing)"
build/bin/conformance_test --gtest_filter='ConformanceSummary.*' |
  sed -n '/^==== conformance/,/failures by kind/p;/^SKIPPED:/p' | uniq
skips=$(grep -hE '^\[  SKIPPED \]|^SKIPPED \[|SKIPPED( part)?:' build/Testing/Temporary/LastTest.log |
  sort | uniq -c || true)
if [[ -n $skips ]]; then printf 'skipped:\n%s\n' "$skips"; else echo "skipped: nothing"; fi

if ((sanitize)); then
  step "build (ASan+UBSan) in build-asan/"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMCACHE_SANITIZE=address,undefined \
    -DSMCACHE_BUILD_BENCH=OFF >/dev/null
  cmake --build build-asan -j "$jobs"
  # The soak forks while threads run, which can deadlock in a sanitizer runtime: Release only.
  step "ctest (ASan+UBSan; the Python suite and the soak run in the Release build only)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 600 -LE "python|consumer|soak"

  step "ThreadSanitizer: many threads on one open cache, in build-tsan/"
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMCACHE_SANITIZE=thread \
    -DSMCACHE_BUILD_BENCH=OFF >/dev/null
  cmake --build build-tsan -j "$jobs" --target concurrent_lookup_test
  TSAN_OPTIONS=halt_on_error=1 timeout 900 build-tsan/bin/concurrent_lookup_test

  step "fuzzing (libFuzzer, ASan+UBSan) in build-fuzz/, ${FUZZ_SECONDS:-20} s per target"
  FUZZ_SECONDS=${FUZZ_SECONDS:-20} JOBS="$jobs" bash scripts/fuzz.sh
fi
step "all tests passed in $((SECONDS - start)) s"
