# A cache that does not exist: exit 1, the message names the path.
"$SMCACHE" lookup no-such.smc 0 0
