#!/bin/sh
# Rebuilds every pipeline's committed outputs from src/ with the tools pinned in
# package-lock.json. For each pipeline P (esbuild, rollup-terser, webpack,
# esbuild-terser, esbuild-swc):
#
#   P/app.min.js, P/app.min.js.map  the minified bundle and its source map
#   P/trace.txt        error.stack as `node P/app.min.js` prints it: the input for
#                      `smcache symbolicate`
#   P/trace.node.txt   the same run under `node --enable-source-maps` (what node
#                      maps back by itself), used to check the frame alignment
#   P/expected.txt     the original function name of each frame of P/trace.txt,
#                      from trace.original.txt (see tools/expected.mjs)
#
# and, once, trace.original.txt: the trace of the unbundled sources (`node
# src/main.js`), the ground truth for the names.
#
# swc-scopes is the sixth pipeline: esbuild bundles (swc-scopes/app.js, committed,
# no map), swc minifies it with the map's ECMA-426 `scopes` (tools/swc-scopes.cjs).
# swc writes no scopes when it chains an input map, so this map's one source is the
# bundle, not src/; its ground truth is swc-scopes/trace.bundle.txt, the trace of
# `node swc-scopes/app.js`, and its expected.txt is made from that.
#
# Needs node (>= 20) and npm. Output is deterministic: running this again gives
# byte-identical files.
set -eu

cd "$(dirname "$0")"
# Node prints the real path of the script (symlinks resolved), so use pwd -P.
here=$(pwd -P)
bin=./node_modules/.bin
pipelines="esbuild rollup-terser webpack esbuild-terser esbuild-swc"

# Install exactly what package-lock.json says (integrity-checked).
npm ci --no-audit --no-fund --loglevel=error

rm -rf .work $pipelines swc-scopes
mkdir -p .work $pipelines

# esbuild alone (the pipeline of examples/checkout, here on this app).
$bin/esbuild src/main.js --bundle --minify --sourcemap --platform=node --format=cjs \
  --log-level=warning --outfile=esbuild/app.min.js

# rollup + @rollup/plugin-node-resolve + @rollup/plugin-terser (terser's defaults).
$bin/rollup --config tools/rollup.config.mjs --silent

# webpack, production mode: its default minimizer (terser) and devtool source-map.
node tools/webpack.cjs

# esbuild bundles without minifying (.work/app.js and its map, sourcesContent
# included); terser or swc then minifies that, chaining esbuild's map so that the
# final map points at src/ directly. Both mangle top-level names (--toplevel): the
# file is a CommonJS module, so they are module-local, as rollup's terser plugin
# assumes for its CommonJS output. .work/ is one level deep like the pipeline
# directories, so the sources' relative paths (../src/...) stay right.
$bin/esbuild src/main.js --bundle --sourcemap --platform=node --format=cjs \
  --log-level=warning --outfile=.work/app.js
$bin/terser .work/app.js --compress --mangle --toplevel \
  --source-map "content='.work/app.js.map',includeSources,url='app.min.js.map'" \
  --output esbuild-terser/app.min.js
node tools/swc-minify.cjs .work/app.js .work/app.js.map esbuild-swc/app.min.js

# esbuild bundles without a map; swc minifies with scopes (see the top of this file).
mkdir -p swc-scopes
$bin/esbuild src/main.js --bundle --platform=node --format=cjs --log-level=warning \
  --outfile=swc-scopes/app.js
node tools/swc-scopes.cjs swc-scopes/app.js swc-scopes/app.min.js

# Run a program: main.js catches the error and prints error.stack to stderr, then
# exits with status 1 (checked); stdout is discarded. Node prints frames with the
# absolute path of the script; that directory prefix (and file:// plus it, for the
# ES modules of the unbundled run) is replaced by "." so the committed traces do
# not depend on where the repository is checked out. Nothing else is changed.
esc=$(printf '%s\n' "$here" | sed 's/[][\.*^$|]/\\&/g')
run() { # run OUTFILE NODE_ARGS...
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

run trace.original.txt src/main.js
for p in $pipelines; do
  run "$p/trace.txt" "$p/app.min.js"
  run "$p/trace.node.txt" --enable-source-maps "$p/app.min.js"
  node tools/expected.mjs trace.original.txt "$p/trace.txt" "$p/trace.node.txt" >"$p/expected.txt"
done
run swc-scopes/trace.bundle.txt swc-scopes/app.js
run swc-scopes/trace.txt swc-scopes/app.min.js
run swc-scopes/trace.node.txt --enable-source-maps swc-scopes/app.min.js
node tools/expected.mjs swc-scopes/trace.bundle.txt swc-scopes/trace.txt \
  swc-scopes/trace.node.txt >swc-scopes/expected.txt
rm -rf .work

echo "== trace.original.txt"; cat trace.original.txt
for p in $pipelines swc-scopes; do
  echo "== $p/trace.txt ($(wc -c <"$p/app.min.js") bytes of code, $(wc -c <"$p/app.min.js.map") of map)"
  cat "$p/trace.txt"
done
