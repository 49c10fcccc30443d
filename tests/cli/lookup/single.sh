# simple.map, generated line 0: col 0 -> a.js 0:0, col 4 -> a.js 0:4, col 10 -> no source;
# line 1 empty; line 2: col 2 -> a.js 1:2, col 8 -> a.js 2:0. Default bias glb, same line only.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o s.smc
q() { echo -n "$1 $2: "; "$SMCACHE" lookup s.smc "$1" "$2"; }
q 0 0     # exact
q 0 3     # between: the mapping at column 0
q 0 4
q 0 9
q 0 10    # a 1-field segment answers: no source, null
q 0 100   # still that 1-field segment
q 1 0     # an empty line
q 2 0     # before the first mapping of line 2: glb does not look at earlier lines
q 2 2
q 2 7
q 2 8
q 2 4294967295
q 3 0     # past the last line
q 4294967295 4294967295
