# "AAAA;AAAA": line 1's only segment repeats line 0's (the same source position): both lines
# answer; one-field segments are unmapped (not the previous segment); past the last segment of a
# line the last one answers; past the last line, nothing.
printf '%s' '{"version":3,"sources":["a.js"],"names":["f"],"mappings":"AAAA;AAAA;AAAAA,E;C"}' >m.map
"$SMCACHE" compile m.map -o m.smc
q() { echo -n "$1 $2: "; "$SMCACHE" lookup m.smc "$1" "$2"; }
q 0 0     # line 0, the segment at column 0
q 1 0     # line 1: the same segment again, still answers
q 1 100   # past line 1's last segment: it still answers
q 2 0     # a named segment
q 2 2     # a one-field segment at column 2: unmapped, not the segment before it
q 3 0     # line 3 starts at column 1: before it, nothing
q 3 1     # a one-field segment alone: nothing
q 4 0     # past the last line: nothing
