# --debug-id URL=ID with --cache-dir: a script served under a URL that no index key matches (a
# CDN path with a content hash) is found by its debugId, as error trackers send it with an
# event. Without the option (or with another script's URL) the frame stays unresolved.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
id=8a1c4b2e-3f5d-4e6a-9b7c-0d1e2f3a4b5c
mkdir -p src
sed "s/^{/{\"debugId\":\"$id\",/" "$root/examples/checkout/dist/app.min.js.map" >src/build.js.map
"$SMCACHE" warm -q src -o dir
url=https://cdn.example.com/assets/app.3f9a1c.js
sed "s|\./dist/app\.min\.js|$url?v=3|" "$root/examples/checkout/trace.txt" | head -n 3 >trace.txt
echo "== without --debug-id"
"$SMCACHE" symbolicate --cache-dir dir trace.txt
echo "== --debug-id URL=ID (upper-case ID; the URL's query ignored)"
"$SMCACHE" symbolicate --cache-dir dir --debug-id "$url=${id^^}" trace.txt
echo "== the ID for another script"
"$SMCACHE" symbolicate --cache-dir dir --debug-id "https://cdn.example.com/other.js=$id" trace.txt
echo "== errors"
"$SMCACHE" symbolicate --cache-dir dir --debug-id "$url=not-a-uuid" trace.txt 2>&1
echo "exit $?"
"$SMCACHE" symbolicate --cache dir/x.smc --debug-id "$url=$id" trace.txt 2>&1
echo "exit $?"
