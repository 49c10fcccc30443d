#!/bin/sh
# Captures the node stack traces in this directory from the scripts in src/ (Node 20; the
# committed files come from v20.20.2). Each script throws; its stack trace (stderr) goes to
# <name>.txt. The only change to what node prints: the absolute path of src/ (and file:// plus
# that path) is replaced by /srv/app, so the files do not depend on where the repository is.
# Usage: sh tests/data/traces/node/capture.sh
set -eu
cd "$(dirname "$0")"
here=$(cd src && pwd -P)
esc=$(printf '%s\n' "$here" | sed 's/[][\.*^$|]/\\&/g')
run() { # run NAME SCRIPT
  NODE_OPTIONS= node --stack-trace-limit=50 "$2" 2>"$1.tmp" >/dev/null || true
  sed -e "s|file://$esc|file:///srv/app|g" -e "s|$esc|/srv/app|g" "$1.tmp" >"$1.txt"
  rm -f "$1.tmp"
}
run constructs src/constructs.js
run eval src/eval.js
run esm src/esm/main.mjs
run uncaught src/uncaught.js
for f in constructs eval esm uncaught; do echo "== $f.txt"; cat "$f.txt"; done
