# The service path: 'smcache warm' indexes a release's bundles once, then symbolicate finds each
# frame's cache in DIR by its URL (scheme, host, query and fragment dropped, the longest indexed
# suffix wins). Frames of scripts DIR does not know stay unresolved.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
mkdir -p release/static/js
cp "$root/examples/checkout/dist/app.min.js" "$root/examples/checkout/dist/app.min.js.map" \
  release/static/js/
"$SMCACHE" warm release -o caches --quiet >/dev/null 2>&1 || echo "warm failed"
sed -e 's|\./dist/app\.min\.js|https://shop.example.com/static/js/app.min.js?v=3#main|' \
  "$root/examples/checkout/trace.txt" >trace.txt
printf '    at x (https://shop.example.com/static/js/vendor.min.js:1:10)\n' >>trace.txt
"$SMCACHE" symbolicate --cache-dir caches trace.txt
echo "exit $?"
