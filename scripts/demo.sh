#!/usr/bin/env bash
# The README's first command: installs what is missing, builds smcache (Release, in build/),
# compiles the bundled example's source map into a cache, and symbolicates the stack trace that
# the minified bundle threw under node (examples/checkout/: see its README.md).
# Usage: bash scripts/demo.sh        (from anywhere; as root, or with sudo for missing packages)
set -euo pipefail

cd "$(dirname "$0")/.."
example=examples/checkout
demo=build/demo

if [[ -t 1 ]]; then
  heading() { printf '\n\033[1m== %s\033[0m\n' "$*"; }  # bold on a terminal
else
  heading() { printf '\n== %s\n' "$*"; }
fi

# Runs a step quietly; on failure shows the end of its log and stops.
quietly() { # quietly LOG COMMAND...
  local log=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    echo "failed: $*" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
}

heading "1. Dependencies (Debian packages; nothing is installed when all are present)"
bash scripts/install-deps.sh

heading "2. Build (cmake, Release, build/)"
mkdir -p build
quietly build/demo-configure.log cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
# The command-line tool and the C library under the Python package (scripts/test.sh builds the
# rest: tests and benchmarks).
quietly build/demo-build.log cmake --build build -j"$(nproc 2>/dev/null || echo 2)" \
  --target smcache smcache_c
echo "built build/bin/smcache ($(build/bin/smcache --version)) and build/lib/libsmcache.so"

heading "3. Compile the source map into a cache (once, e.g. at artifact upload)"
mkdir -p "$demo"
echo "\$ smcache compile $example/dist/app.min.js.map -o $demo/app.min.js.smc"
build/bin/smcache compile "$example/dist/app.min.js.map" -o "$demo/app.min.js.smc"
printf '%s: %s bytes of JSON -> %s: %s bytes\n' \
  "app.min.js.map" "$(wc -c <"$example/dist/app.min.js.map")" \
  "app.min.js.smc" "$(wc -c <"$demo/app.min.js.smc")"

heading "4. The stack trace node printed for the minified bundle ($example/trace.txt)"
cat "$example/trace.txt"

heading "5. Symbolicated: original functions, files, lines and source"
echo "\$ smcache symbolicate --cache $demo/app.min.js.smc --context 2 $example/trace.txt"
echo
build/bin/smcache symbolicate --cache "$demo/app.min.js.smc" --context 2 "$example/trace.txt"

heading "6. The same from Python (bindings/python over build/lib/libsmcache.so)"
cat >"$demo/demo.py" <<'PY'
import smcache
with smcache.open("build/demo/app.min.js.smc") as cache:
    print(cache.lookup(0, 151))
    for f in smcache.symbolicate(open("examples/checkout/trace.txt").read(), cache).frames[:3]:
        print(f.function, f.source, f.line + 1, f.column + 1)
PY
echo "\$ PYTHONPATH=bindings/python /usr/bin/python3 $demo/demo.py"
cat "$demo/demo.py"
PYTHONPATH=bindings/python /usr/bin/python3 "$demo/demo.py"

cat <<EOF

Each frame is named by the map's own ECMA-426 scopes when it has them; else by the innermost
function around its original position in the original source (scanned from sourcesContent when
the cache was compiled); else, when the cache was compiled from the bundle (compile app.min.js),
by the innermost function of the minified code, named through the map; else by the caller's call
site in the source map, and failing that by the trace's own name, marked [minified]. For
comparison, the same program run unbundled printed $example/trace.original.txt. Also try:
  build/bin/smcache symbolicate --cache $demo/app.min.js.smc --json $example/trace.txt
  build/bin/smcache symbolicate --help
EOF
