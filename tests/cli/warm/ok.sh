# Warming a tree: one content-addressed cache per map, the by-url index for every path suffix
# of each generated file, the by-debug-id index; stdout empty, a summary on stderr.
. "$(dirname "$0")/tree.inc"
make_tree src
"$SMCACHE" warm src -o out --threads 2 2>err.txt >out.txt
status=$?
cat err.txt >&2
echo "exit $status"
[[ -s out.txt ]] || echo "stdout empty"
sed -nE 's/^smcache: warm: ([0-9]+ inputs).*(\(1 JavaScript file without sourceMappingURL ignored\))$/\1 \2/p' err.txt
sed -nE 's/^(smcache: warm: [0-9]+ compiled, [0-9]+ up to date, [0-9]+ failed).*$/\1/p' err.txt
(cd out && find . -type d -name '??' -prune -o -type d -print | sort)
echo "caches: $(find out/caches -name '*.smc' | wc -l)"
# Each cache is named by the input hash in its header.
for c in out/caches/*/*.smc; do
  h=$("$SMCACHE" info "$c" | sed -nE 's/.*"input_hash": "([0-9a-f]+)".*/\1/p')
  [[ $(basename "$c" .smc) == "$h" && $(basename "$(dirname "$c")") == "${h:0:2}" ]] ||
    echo "MISNAMED $c"
done
# by-url entries: line 1 the cache, line 2 the key.
for e in out/by-url/*; do sed -n 2p "$e"; done | sort
entry() { for e in out/by-url/*; do [[ $(sed -n 2p "$e") == "$1" ]] && sed -n 1p "$e"; done; }
ls out/by-debug-id
[[ $(cat out/by-debug-id/0b7f3fd2-41ab-4e8a-9c3e-6a1d2b4c5e6f) == "$(entry static/js/app.js)" ]] &&
  echo "app.js's debugId and path name one cache"
[[ $(entry static/js/app.js) == "$(entry app.js)" && $(entry app.js) == "$(entry js/app.js)" ]] &&
  echo "every suffix of static/js/app.js names it"
[[ $(cat out/by-debug-id/85314830-023f-4cf1-a267-535f4e37bb17) == "$(entry maps/simple)" ]] &&
  echo "simple.map's debugId and name agree"
# The debugId of the JS comment went into the cache (names.map has none).
"$SMCACHE" info "out/$(entry app.js)" | grep '"debug_id"'
# Lookups through the index answer as the map compiled alone does.
"$SMCACHE" compile "$MAPS/names.map" -o alone.smc
cmp <("$SMCACHE" dump alone.smc) <("$SMCACHE" dump "out/$(entry app.js)") && echo "same mappings"
find out -name '.*' | wc -l | sed 's/^/temporary files left: /'
