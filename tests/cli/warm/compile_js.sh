# `smcache compile JS`: the map is found from the JavaScript file's sourceMappingURL comment (a
# relative path or an inline data: URL); the result is the cache of that map, with the file's
# //# debugId= when the map has none.
mkdir -p dist/maps
cp "$MAPS/names.map" dist/maps/app.js.map
printf 'f();\n//# sourceMappingURL=maps/app.js.map\n' >dist/app.js
"$SMCACHE" compile "$MAPS/names.map" -o alone.smc
"$SMCACHE" compile dist/app.js -o from-js.smc
echo "relative: exit $?"
cmp alone.smc from-js.smc && echo "same bytes as compiling the map"
# Inline map; a .mjs name; no extension at all (detected: it does not start with '{').
printf 'g();\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,%s\n' \
  "$(base64 -w0 <"$MAPS/names.map")" >inline.mjs
"$SMCACHE" compile inline.mjs -o inline.smc && cmp alone.smc inline.smc && echo "inline: same bytes"
cp inline.mjs bundle
"$SMCACHE" compile bundle -o sniffed.smc && cmp alone.smc sniffed.smc && echo "sniffed: same bytes"
"$SMCACHE" compile - -o stdin.smc <inline.mjs && cmp alone.smc stdin.smc && echo "stdin: same bytes"
# A debugId comment fills in the map's missing debugId.
printf 'f();\n//# debugId=0b7f3fd2-41ab-4e8a-9c3e-6a1d2b4c5e6f\n//# sourceMappingURL=maps/app.js.map\n' \
  >dist/app2.js
"$SMCACHE" compile dist/app2.js -o with-id.smc
"$SMCACHE" info with-id.smc | grep -E '"(debug_id|input_hash)"'
"$SMCACHE" info alone.smc | grep -E '"input_hash"'
# -v says where the map came from.
"$SMCACHE" compile -v dist/app2.js -o v.smc 2>&1 | sed -n 's/^smcache: compile: map: /map: /p'
# --root: the map must lie inside it; '/...' URLs are relative to it.
printf 'f();\n//# sourceMappingURL=/maps/app.js.map\n' >dist/rooted.js
"$SMCACHE" compile dist/rooted.js --root dist -o rooted.smc && cmp alone.smc rooted.smc &&
  echo "--root: site-root URL resolved"
