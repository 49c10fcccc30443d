# Missing, truncated, empty and non-cache files: one FAIL line each, exit 1.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o s.smc
head -c 200 s.smc >truncated.smc
: >empty.smc
"$SMCACHE" verify no-such.smc truncated.smc empty.smc simple.map s.smc >out.txt
echo "exit $?"
sed -E 's/^(FAIL [^:]+): .+/\1: <message>/' out.txt
