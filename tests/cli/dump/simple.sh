# Every mapping in generated order; the 1-field segment has source, line and column null.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o s.smc
"$SMCACHE" dump s.smc
