# --json: one document, lines in order, 1-based positions, function_rule per frame, context.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
"$SMCACHE" compile "$root/examples/checkout/dist/app.min.js.map" -o app.smc
"$SMCACHE" symbolicate --cache app.smc --json -C 1 "$root/examples/checkout/trace.txt"
