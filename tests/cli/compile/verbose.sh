# -v reports sizes, counts and time on stderr; stdout stays empty.
cp "$MAPS/simple.map" .
"$SMCACHE" compile -v simple.map -o simple.smc
