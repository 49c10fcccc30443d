#!/usr/bin/env bash
# Issue 7's comparison, in one command: smcache against @jridgewell/trace-mapping, source-map 0.7
# (WASM), source-map-js, @parcel/source-map (native) and go-sourcemap (Go), on the pinned real
# maps of bench/maps.tsv and synthetic maps of 1 KB .. 30 MB, then the scaling runs. Writes the
# "Side by side with the peers" section of bench/RESULTS.md (between its markers; the rest of
# the file, bench/run.sh's section, is kept) and bench/compare/plot.png.
#
#   1. builds smcache, libsmcache.so and bench_c_lookup in BUILD_DIR (configured Release if
#      new), bench/compare/native/smcache_native.cpp and the Go peer (bench/compare/go) into
#      BUILD_DIR/compare/
#   2. npm ci in bench/compare (when node_modules is missing or older than the lockfile)
#   3. scripts/fetch-maps.sh (cached)
#   4. bench/compare/compare.py: measures, checks every answer, writes the Markdown and the plot
#      (raw results: BUILD_DIR/compare-results/results.json; re-render with
#      bench/compare/compare.py --render BUILD_DIR/compare-results/results.json)
#
# Needs bench/compare/setup.sh once (Go, go-sourcemap, matplotlib from Debian; the npm peers).
# Usage: bench/compare/run.sh [BUILD_DIR] [-- compare.py options]   (BUILD_DIR default: build)
#   e.g. bench/compare/run.sh build -- --maps hls-min,babylonjs --no-synthetic --no-scaling
# It takes ~30-60 minutes on 2 cores. Root is needed for cold page-cache runs (drop_caches);
# without it the cold run evicts each file with posix_fadvise instead (and says so).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
[[ $# -gt 0 ]] && shift
[[ "${1:-}" == "--" ]] && shift
[[ "$build" == /* ]] || build=$root/$build

die() {
  echo "bench/compare/run.sh: $*" >&2
  exit 2
}

for tool in node npm c++ cmake /usr/bin/time; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (bench/compare/setup.sh)"
done
python=/usr/bin/python3
[[ -x "$python" ]] || python=$(command -v python3)

# 1. builds
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
fi
targets=(smcache smcache_c)
grep -q "^SMCACHE_BUILD_BENCH:BOOL=ON" "$build/CMakeCache.txt" && targets+=(bench_c_lookup)
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

mkdir -p "$build/compare"
native_src=$here/native/smcache_native.cpp
native_bin=$build/compare/smcache_native
if [[ ! -x "$native_bin" ]] || [[ -n "$(find "$native_src" "$root/reader/include" \
  "$root/format/include" "$build/lib/libsmcache.so" -newer "$native_bin" -print -quit)" ]]; then
  echo "bench/compare/run.sh: building $native_bin"
  c++ -O3 -DNDEBUG -std=c++20 -Wall -Wextra -Wpedantic -I"$root/format/include" \
    -I"$root/reader/include" -I"$root/bindings/c/include" "$native_src" -o "$native_bin" \
    -L"$build/lib" -lsmcache -Wl,-rpath,"$build/lib" -lxxhash -pthread
fi

peers=trace-mapping,source-map,source-map-js,parcel
gosrc=/usr/share/gocode/src/github.com/go-sourcemap/sourcemap
if command -v go >/dev/null 2>&1 && [[ -d "$gosrc" ]]; then
  if [[ ! -x "$build/compare/gopeer" ]] || [[ "$here/go/main.go" -nt "$build/compare/gopeer" ]]; then
    echo "bench/compare/run.sh: building $build/compare/gopeer"
    # GOPATH mode over Debian's /usr/share/gocode: offline, no module download.
    (cd "$here/go" && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= \
      GOCACHE="$build/compare/gocache" go build -o "$build/compare/gopeer" main.go)
  fi
  peers+=,go
else
  echo "bench/compare/run.sh: WARNING: no Go or no golang-github-go-sourcemap-sourcemap-dev" \
    "(bench/compare/setup.sh): the Go peer is skipped" >&2
fi

# 2. the npm peers, exactly as locked
if [[ ! -f "$here/node_modules/.package-lock.json" ]] ||
  [[ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

# 3. the maps
if ! "$root/scripts/fetch-maps.sh"; then
  echo "bench/compare/run.sh: WARNING: fetching the real maps failed; missing ones are skipped" >&2
fi

# 4. measure, check, write
exec "$python" "$here/compare.py" --build "$build" --peers "$peers" \
  --command "bench/compare/run.sh ${build#"$root"/}${*:+ -- $*}" "$@"
