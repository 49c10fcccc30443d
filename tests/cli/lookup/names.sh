# names.map, line 0: col 0 -> a.ts 0:0 "foo" and, at the same column, dir/b"q.ts 5:6;
# col 7 -> dir/b"q.ts 1:1 "bar"; line 1: col 3 -> a.ts 2:4 named q"uo\te<U+0001>é.
# Strings are JSON-escaped; of two mappings at one column glb and lub take the last.
cp "$MAPS/names.map" .
"$SMCACHE" compile names.map -o n.smc
printf '0 0\n0 6\n0 7\n1 2\n1 3\n' | "$SMCACHE" lookup n.smc -
"$SMCACHE" lookup --bias lub n.smc 0 0
"$SMCACHE" lookup --bias lub n.smc 0 1
