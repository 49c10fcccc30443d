# Usage errors exit 2; a file that is not a cache exits 1.
cp "$MAPS/simple.map" .
"$SMCACHE" info; echo "nothing: $?"
"$SMCACHE" info a.smc b.smc; echo "two caches: $?"
"$SMCACHE" info simple.map; echo "not a cache: $?"
