# An output directory that does not exist: exit 1, the message names the output path.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o no-such-dir/out.smc
