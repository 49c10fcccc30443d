# --context must be a number 0..1000.
"$SMCACHE" symbolicate --cache a.smc --context 1001 trace.txt
echo "exit $?"
"$SMCACHE" symbolicate --cache a.smc --context -1 trace.txt
echo "exit $?"
"$SMCACHE" symbolicate --cache a.smc -C x trace.txt
echo "exit $?"
