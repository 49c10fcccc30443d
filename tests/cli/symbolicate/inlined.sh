# Frames that a minifier inlined, given back from the map's `scopes` (rule s): a hand-made map
# (tests/data/traces/inlined, see make_map.py) where square was inlined into compute, and
# compute into main. Text marks every inlined frame "[inlined]" and prints each call site that
# was inlined as its own frame; --json lists them under "inlined_callers".
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
data=$root/tests/data/traces/inlined
"$SMCACHE" compile "$data/inlined.min.js.map" -o inlined.smc
"$SMCACHE" symbolicate --cache inlined.smc "$data/trace.txt"
"$SMCACHE" symbolicate --cache inlined.smc --json "$data/trace.txt"
