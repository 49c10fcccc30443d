# A `scopes` field that does not decode is left out with a warning; the map still compiles.
printf '%s' '{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA","scopes":"BAAA,CA!"}' >m.map
"$SMCACHE" compile m.map -o out.smc
echo "exit $?"
"$SMCACHE" lookup out.smc 0 0 >/dev/null && echo "lookup ok"
