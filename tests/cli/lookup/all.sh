# --all (ECMA-426 GetOriginalPositions): every mapping at the greatest generated position
# <= the query, searching back across lines; [] when there is none.
cp "$MAPS/names.map" "$MAPS/simple.map" .
"$SMCACHE" compile names.map -o n.smc
"$SMCACHE" compile simple.map -o s.smc
"$SMCACHE" lookup --all n.smc 0 0    # two mappings at (0, 0)
"$SMCACHE" lookup --all n.smc 0 6
"$SMCACHE" lookup --all n.smc 1 2    # back to (0, 7) on the previous line
"$SMCACHE" lookup --all n.smc 9 0    # past the end: the last mapping
printf '2 0\n0 0\n' | "$SMCACHE" lookup --all s.smc -   # (1-field at (0, 10)), then (0, 0)
