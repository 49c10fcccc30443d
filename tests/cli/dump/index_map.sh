# An index map is flattened: section 2's first line is shifted by its column offset 5.
cp "$MAPS/index.map" .
"$SMCACHE" compile index.map -o i.smc
"$SMCACHE" dump i.smc
"$SMCACHE" dump --sources i.smc
