# Usage errors exit 2; a missing cache exits 1.
"$SMCACHE" dump; echo "nothing: $?"
"$SMCACHE" dump a.smc b.smc; echo "two caches: $?"
"$SMCACHE" dump --names a.smc; echo "unknown option: $?"
"$SMCACHE" dump no-such.smc; echo "missing cache: $?"
