# A control character in a path is escaped in the ok/FAIL line.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o $'a\tb.smc'
"$SMCACHE" verify $'a\tb.smc'
