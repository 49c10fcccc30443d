# The generated-function table (SPEC.md 6.12): built from a JavaScript input, or from a map with
# --generated FILE; left out with --no-generated-function-table. --generated with a JavaScript
# input is a usage error (the input is its own generated file).
checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../examples/checkout/dist" && pwd)
cp "$checkout/app.min.js" "$checkout/app.min.js.map" .
count() { "$SMCACHE" info "$1" | grep -E '"(function_count|generated_function_count)"'; }
"$SMCACHE" compile app.min.js -o js.smc && count js.smc
"$SMCACHE" compile app.min.js.map --generated app.min.js -o map.smc && count map.smc
cmp -s js.smc map.smc && echo "same bytes"
"$SMCACHE" compile app.min.js --no-generated-function-table -o off.smc && count off.smc
"$SMCACHE" compile app.min.js.map -o plain.smc && cmp -s off.smc plain.smc && echo "same as the map"
"$SMCACHE" compile app.min.js --generated app.min.js -o x.smc 2>/dev/null
echo "exit $?"
"$SMCACHE" compile app.min.js.map --generated missing.js -o x.smc 2>/dev/null
echo "exit $?"
"$SMCACHE" symbolicate --cache map.smc --rules generated-function,nope - </dev/null 2>/dev/null
echo "exit $?"
