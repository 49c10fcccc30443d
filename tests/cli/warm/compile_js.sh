# `smcache compile JS`: the map is found from the JavaScript file's sourceMappingURL comment (a
# relative path or an inline data: URL); the result is the cache of that map, with the file's
# //# debugId= when the map has none. Without the generated-function table (N), exactly the
# map's cache; with it, the map's cache compiled with the file as --generated.
N=--no-generated-function-table
mkdir -p dist/maps
cp "$MAPS/names.map" dist/maps/app.js.map
printf 'f();\n//# sourceMappingURL=maps/app.js.map\n' >dist/app.js
"$SMCACHE" compile "$MAPS/names.map" -o alone.smc
"$SMCACHE" compile $N dist/app.js -o from-js.smc
echo "relative: exit $?"
cmp alone.smc from-js.smc && echo "same bytes as compiling the map"
"$SMCACHE" compile dist/app.js -o table.smc
"$SMCACHE" compile "$MAPS/names.map" --generated dist/app.js -o generated.smc
cmp table.smc generated.smc && echo "with the table: same bytes as compiling the map --generated"
# Inline map; a .mjs name; no extension at all (detected: it does not start with '{').
printf 'g();\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,%s\n' \
  "$(base64 -w0 <"$MAPS/names.map")" >inline.mjs
"$SMCACHE" compile $N inline.mjs -o inline.smc && cmp alone.smc inline.smc && echo "inline: same bytes"
cp inline.mjs bundle
"$SMCACHE" compile $N bundle -o sniffed.smc && cmp alone.smc sniffed.smc &&
  echo "sniffed: same bytes"
"$SMCACHE" compile $N - -o stdin.smc <inline.mjs && cmp alone.smc stdin.smc &&
  echo "stdin: same bytes"
# A debugId comment fills in the map's missing debugId; the input hash is the map's.
printf 'f();\n//# debugId=0b7f3fd2-41ab-4e8a-9c3e-6a1d2b4c5e6f\n//# sourceMappingURL=maps/app.js.map\n' \
  >dist/app2.js
"$SMCACHE" compile $N dist/app2.js -o with-id.smc
"$SMCACHE" info with-id.smc | grep -E '"(debug_id|input_hash)"'
"$SMCACHE" info alone.smc | grep -E '"input_hash"'
# With the table, the file is part of the input hash (SPEC §4.9): another hash.
"$SMCACHE" compile dist/app2.js -o with-id-table.smc
"$SMCACHE" info with-id-table.smc | grep -E '"input_hash"' | cmp -s - <("$SMCACHE" info alone.smc |
  grep -E '"input_hash"') || echo "with the table: the input hash covers the file too"
# -v says where the map came from.
"$SMCACHE" compile -v dist/app2.js -o v.smc 2>&1 | sed -n 's/^smcache: compile: map: /map: /p'
# --root: the map must lie inside it; '/...' URLs are relative to it.
printf 'f();\n//# sourceMappingURL=/maps/app.js.map\n' >dist/rooted.js
"$SMCACHE" compile $N dist/rooted.js --root dist -o rooted.smc && cmp alone.smc rooted.smc &&
  echo "--root: site-root URL resolved"
