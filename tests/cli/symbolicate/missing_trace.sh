# A TRACE file that does not exist: exit 1, the message names it.
"$SMCACHE" compile "$MAPS/simple.map" -o s.smc
"$SMCACHE" symbolicate --cache s.smc no-such-trace.txt
