# Input without a single stack frame is an error (exit 1), not an empty success.
printf 'Error: just a message\nand nothing else\n' >trace.txt
"$SMCACHE" compile "$MAPS/simple.map" -o s.smc
"$SMCACHE" symbolicate --cache s.smc trace.txt
