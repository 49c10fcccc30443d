# The same input and options give the same bytes, from a file, from stdin or to stdout.
cp "$MAPS/names.map" .
"$SMCACHE" compile names.map -o a.smc
"$SMCACHE" compile - -o b.smc <names.map
"$SMCACHE" compile names.map -o - >c.smc
cat names.map | "$SMCACHE" compile - -o - | cat >d.smc
for f in b c d; do cmp a.smc $f.smc && echo "$f: same"; done
