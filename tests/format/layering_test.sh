#!/usr/bin/env bash
# Layering (STYLE.md §2): converter/ and reader/ meet only in format/; bindings use public
# headers only. Fails naming each include that crosses a boundary.
# Usage: layering_test.sh SOURCE_DIR
set -uo pipefail
cd "$1" || exit 2
fail=0
check() {  # check DIR REGEX WHY: no file under DIR may include a header matching REGEX
  local dir=$1 re=$2 why=$3 hits
  hits=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($re)" "$dir" 2>/dev/null)
  if [[ -n "$hits" ]]; then
    printf 'layering: %s\n%s\n' "$why" "$hits"
    fail=1
  fi
}
check format 'smcache/(reader|converter)|rapidjson|boost' "format/ depends only on std and xxhash"
check reader 'smcache/converter|rapidjson' "reader/ must not include the converter or RapidJSON"
check converter 'smcache/reader|boost/interprocess' "converter/ must not include the reader or Boost.Interprocess"
check bindings 'smcache/reader/detail|rapidjson|boost' "bindings use the public headers only"
checked=$(find format reader converter bindings -name '*.[ch]pp' -o -name '*.h' | wc -l)
if ((fail)); then echo "layering: FAILED"; exit 1; fi
echo "layering: ok ($checked files checked)"
