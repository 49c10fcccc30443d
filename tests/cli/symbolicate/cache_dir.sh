# --cache-dir DIR: each frame's cache found through DIR's by-url index (the layout 'smcache warm'
# writes), by the longest whole-segment suffix of its URL; scripts DIR does not index stay
# unresolved. The index is written here by hand; its file names are XXH3-64 hashes of the keys.
if ! command -v xxhsum >/dev/null 2>&1; then
  echo "SKIPPED: xxhsum not found (Debian package xxhash), needed to write the index by hand" >&2
  exit 77
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
mkdir -p dir/caches/ab dir/by-url
"$SMCACHE" compile "$root/examples/checkout/dist/app.min.js.map" -o dir/caches/ab/ab01.smc
index() { # index KEY CACHE_PATH
  local h
  h=$(printf '%s' "$1" | xxhsum -H3 | sed -E 's/.* = //; s/ .*//')
  printf '%s\n%s\n' "$2" "$1" >"dir/by-url/$h"
}
index "static/js/app.min.js" caches/ab/ab01.smc
cat >trace.txt <<'TRACE'
ValidationError: discounted line total must be a whole number of cents, got NaN
    at r (https://shop.example.com/static/js/app.min.js?v=3:1:152)
    at y (https://shop.example.com/static/js/app.min.js?v=3:1:610)
    at x (https://shop.example.com/static/js/vendor.min.js:1:10)
    at z (https://shop.example.com/app.min.js:1:610)
TRACE
"$SMCACHE" symbolicate --cache-dir dir trace.txt
echo "exit $?"
