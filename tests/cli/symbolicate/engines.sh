# The same positions written as Firefox and Safari print frames ("fn@url:line:col", anonymous
# frames as "@url" or the bare URL, "async*" callers, "[native code]"), with query strings and
# fragments in the URLs: the frames resolve and are named the same way.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
"$SMCACHE" compile "$root/examples/checkout/dist/app.min.js.map" -o app.smc
cat >firefox.txt <<'TRACE'
r@https://shop.example.com/dist/app.min.js?v=7#x:1:152
y@https://shop.example.com/dist/app.min.js?v=7#x:1:610
apply@https://shop.example.com/dist/app.min.js?v=7#x:1:753
f@https://shop.example.com/dist/app.min.js?v=7#x:1:1112
@https://shop.example.com/dist/app.min.js?v=7#x:1:1513
TRACE
cat >safari.txt <<'TRACE'
f@https://shop.example.com/dist/app.min.js:1:1112
https://shop.example.com/dist/app.min.js:1:1513
map@[native code]
pricedLines@https://shop.example.com/dist/app.min.js:1:1506
TRACE
"$SMCACHE" symbolicate --cache app.smc firefox.txt
echo "--"
"$SMCACHE" symbolicate --cache app.smc safari.txt
