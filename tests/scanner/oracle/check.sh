#!/usr/bin/env bash
# Checks the converter's JavaScript/TypeScript function scanner against the TypeScript compiler's
# parser on real source maps (by default the pinned maps of bench/.data/maps, fetched by
# scripts/fetch-maps.sh, and the checkout example). Needs node and npm; installs the pinned
# typescript package here (package-lock.json) on first use.
#
# usage: tests/scanner/oracle/check.sh BUILD_DIR [MAP...]
#   BUILD_DIR  a build tree with bin/scanner_dump (cmake --build BUILD_DIR --target scanner_dump)
# Exit status 1 if any function is missing or named differently.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
[[ $# -ge 1 ]] || { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
dump="$1/bin/scanner_dump"
shift
[[ -x "$dump" ]] || { echo "check.sh: $dump not found (build the scanner_dump target)" >&2; exit 2; }
[[ -d "$here/node_modules/typescript" ]] || (cd "$here" && npm ci --no-audit --no-fund >/dev/null)
maps=("$@")
if [[ ${#maps[@]} -eq 0 ]]; then
  shopt -s nullglob
  maps=("$root"/bench/.data/maps/*.map "$root/examples/checkout/dist/app.min.js.map")
fi
status=0
for map in "${maps[@]}"; do
  python3 "$here/compare.py" "$dump" "$map" || status=1
done
exit $status
