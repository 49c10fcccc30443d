# Frames that cannot be mapped stay where they were, as printed, with the reason: native code,
# scripts the cache is not for (node:internal), positions without a mapping, no column (old
# engines, Firefox eval frames), no position (Safari's "eval code"). Text lines are unchanged.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
"$SMCACHE" compile "$root/examples/checkout/dist/app.min.js.map" -o app.smc
cat >trace.txt <<'TRACE'
TypeError: something broke
  and the message goes on
    at r (./dist/app.min.js:1:152)
    at new Promise (<anonymous>)
    at Module._compile (node:internal/modules/cjs/loader:1521:14)
    at far (./dist/app.min.js:9:1)
    at old (./dist/app.min.js:1)
    ... 3 lines matching cause stack trace ...
@https://shop.example.com/dist/app.min.js line 2 > eval:1:5
eval code
    at y (./dist/app.min.js:1:610)
TRACE
"$SMCACHE" symbolicate --cache app.smc trace.txt
echo "exit $?"
