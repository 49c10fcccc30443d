# --bias lub: the mapping at the smallest column >= the query column, same line only.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o s.smc
q() { echo -n "$1 $2: "; "$SMCACHE" lookup --bias lub s.smc "$1" "$2"; }
q 0 0     # exact
q 0 1     # next mapping: column 4
q 0 5     # next is the 1-field segment at column 10: null
q 0 11    # nothing after: null
q 2 0     # line 2's first mapping
q 2 8
q 2 9
"$SMCACHE" lookup --bias glb s.smc 0 5   # glb spelled out
