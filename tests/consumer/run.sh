#!/usr/bin/env bash
# Builds tests/consumer/app against smcache: MODE=install (cmake --install, then find_package) or
# MODE=subdir (add_subdirectory of the source tree), then runs it.
# Usage: run.sh MODE SOURCE_DIR BUILD_DIR WORK_DIR
set -euo pipefail
mode=$1 src=$2 build=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
case "$mode" in
  install)
    cmake --install "$build" --prefix "$work/prefix" >/dev/null
    cmake -S "$src/tests/consumer/app" -B "$work/app" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
    ;;
  subdir)
    cmake -S "$src/tests/consumer/app" -B "$work/app" -DSMCACHE_SOURCE_DIR="$src" >/dev/null
    ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
cmake --build "$work/app" -j 2 >/dev/null
"$work/app/consumer"
