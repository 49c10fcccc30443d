# The trace from standard input: no TRACE operand and '-' read it the same way.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
"$SMCACHE" compile "$root/examples/checkout/dist/app.min.js.map" -o app.smc
head -n 3 "$root/examples/checkout/trace.txt" >trace.txt
"$SMCACHE" symbolicate --cache app.smc <trace.txt >a.txt
"$SMCACHE" symbolicate --cache app.smc - <trace.txt >b.txt
"$SMCACHE" symbolicate --cache app.smc trace.txt >c.txt
cmp a.txt b.txt && cmp a.txt c.txt && echo "same output"
cat a.txt
