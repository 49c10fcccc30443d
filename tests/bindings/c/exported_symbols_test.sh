#!/usr/bin/env bash
# libsmcache.so exports exactly the functions declared SMCACHE_API in smcache.h: nothing from
# the static converter, the header-only reader or the C++ standard library leaks out.
# Usage: exported_symbols_test.sh <libsmcache.so> <smcache.h>
set -euo pipefail
lib=$1
header=$2

# Defined dynamic symbols, names only (nm -D prints "<addr> <type> <name>[@version]").
exported=$("${NM:-nm}" -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | sort -u)
declared=$(grep -oE '^SMCACHE_API [^(]*\b(smcache_[a-z0-9_]+)\(' "$header" |
           grep -oE 'smcache_[a-z0-9_]+\($' | tr -d '(' | sort -u)

if [[ -z "$exported" ]]; then echo "FAIL: no dynamic symbols in $lib"; exit 1; fi
if [[ -z "$declared" ]]; then echo "FAIL: no SMCACHE_API declarations found in $header"; exit 1; fi

status=0
extra=$(comm -23 <(echo "$exported") <(echo "$declared"))
missing=$(comm -13 <(echo "$exported") <(echo "$declared"))
if [[ -n "$extra" ]]; then
  echo "FAIL: exported but not declared in smcache.h:"; echo "$extra" | sed 's/^/  /'; status=1
fi
if [[ -n "$missing" ]]; then
  echo "FAIL: declared in smcache.h but not exported:"; echo "$missing" | sed 's/^/  /'; status=1
fi
echo "exported: $(echo "$exported" | wc -l) symbols, declared: $(echo "$declared" | wc -l)"
exit $status
