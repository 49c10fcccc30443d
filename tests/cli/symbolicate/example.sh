# The bundled example (examples/checkout): the trace node printed for the minified bundle, with
# two lines of source context. Names come from the cache's original-function table (rule 1).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
"$SMCACHE" compile "$root/examples/checkout/dist/app.min.js.map" -o app.smc
"$SMCACHE" symbolicate --cache app.smc --context 2 "$root/examples/checkout/trace.txt"
