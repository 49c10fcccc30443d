# --cache and --cache-dir together: usage error.
"$SMCACHE" symbolicate --cache a.smc --cache-dir d trace.txt
