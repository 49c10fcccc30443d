# One TRACE at most.
"$SMCACHE" symbolicate --cache a.smc one.txt two.txt
