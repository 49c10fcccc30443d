# index.map: section 1 at (0, 0): one.js at columns 0 and 2; section 2 at (1, 5): its line 0
# shifts by 5 columns, its line 1 (generated line 2) does not.
cp "$MAPS/index.map" .
"$SMCACHE" compile index.map -o i.smc
printf '0 1\n0 2\n1 4\n1 5\n2 1\n2 2\n' | "$SMCACHE" lookup i.smc -
