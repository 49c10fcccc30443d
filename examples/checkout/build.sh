#!/bin/sh
# Rebuilds the committed example outputs from src/:
#
#   dist/app.min.js, dist/app.min.js.map   the minified bundle and its source map
#   trace.txt                              the stack trace the bundle prints under node
#   trace.expected-node.txt                the same trace as node itself maps it back
#                                          (node --enable-source-maps), for comparison
#   trace.original.txt                     the trace of the unbundled sources (node
#                                          src/main.js): the ground truth, i.e. the
#                                          frames a symbolicator should recover
#
# Needs node (>= 18) and npm; esbuild comes pinned from package-lock.json.
# Output is deterministic: running this again gives byte-identical files.
set -eu

cd "$(dirname "$0")"
# Node prints the real path of the script (symlinks resolved), so use pwd -P.
here=$(pwd -P)

# Install exactly what package-lock.json says (esbuild, pinned, integrity-checked).
npm ci --no-audit --no-fund --loglevel=error

# Bundle src/main.js and its imports into one minified CommonJS file plus an
# external source map (dist/app.min.js.map, with sourcesContent, the default;
# the bundle ends with a //# sourceMappingURL=app.min.js.map comment).
rm -rf dist
./node_modules/.bin/esbuild src/main.js \
  --bundle --minify --sourcemap --platform=node --format=cjs \
  --log-level=warning --outfile=dist/app.min.js

# Run the bundle. main.js catches the error and prints error.stack to stderr,
# then exits with status 1 (the build checks that); receipts go to stdout (discarded).
# Frames are printed as "<absolute path of this directory>/dist/app.min.js:L:C"
# (1-based line and column, as V8 prints them). To keep the committed traces
# independent of where the repository is checked out, that absolute directory
# prefix is replaced by "." (so frames read "./dist/app.min.js:1:1234").
# The unbundled run (ES modules) prints file:// URLs instead; there the prefix
# "file://<absolute directory>" is replaced by "." as well. Nothing else in the
# text is changed.
esc=$(printf '%s\n' "$here" | sed 's/[][\.*^$|]/\\&/g')

run() { # run OUTFILE NODE_ARGS...: run node, keep its stderr in OUTFILE
  out=$1; shift
  status=0
  NODE_OPTIONS= node "$@" 2>"$out.tmp" >/dev/null || status=$?
  if [ "$status" -ne 1 ]; then
    echo "build.sh: expected node $* to fail with status 1, got $status" >&2
    cat "$out.tmp" >&2; rm -f "$out.tmp"
    exit 1
  fi
  sed -e "s|file://$esc|.|g" -e "s|$esc|.|g" "$out.tmp" >"$out"
  rm -f "$out.tmp"
}

# 1. The raw trace: minified names and positions in dist/app.min.js.
run trace.txt dist/app.min.js
# 2. What node resolves by itself with its built-in source map support.
run trace.expected-node.txt --enable-source-maps dist/app.min.js
# 3. The same program run from its sources, unbundled (the ground truth).
run trace.original.txt src/main.js

echo "== trace.txt"; cat trace.txt
echo "== trace.expected-node.txt"; cat trace.expected-node.txt
echo "== trace.original.txt"; cat trace.original.txt
