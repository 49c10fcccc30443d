# A cache in DIR that cannot be opened: its frames are marked, the whole output is printed, then
# the error goes to standard error and the exit status is 1.
if ! command -v xxhsum >/dev/null 2>&1; then
  echo "SKIPPED: xxhsum not found (Debian package xxhash), needed to write the index by hand" >&2
  exit 77
fi
mkdir -p dir/caches/cd dir/by-url
echo "not a cache" >dir/caches/cd/cd02.smc
h=$(printf '%s' "app.min.js" | xxhsum -H3 | sed -E 's/.* = //; s/ .*//')
printf 'caches/cd/cd02.smc\napp.min.js\n' >"dir/by-url/$h"
printf 'Error: x\n    at r (https://h/app.min.js:1:152)\n' >trace.txt
"$SMCACHE" symbolicate --cache-dir dir trace.txt
