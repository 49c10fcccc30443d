# `smcache compile JS` failures exit 1 with the reason: no comment, missing map, absolute URL,
# a path leaving --root, map and file from different builds (debugIds differ), invalid map.
mkdir -p dist secret
cp "$MAPS/simple.map" secret/s.map
printf 'f();\n' >dist/none.js
printf 'f();\n//# sourceMappingURL=gone.js.map\n' >dist/missing.js
printf 'f();\n//# sourceMappingURL=https://cdn.example.com/a.js.map\n' >dist/remote.js
printf 'f();\n//# sourceMappingURL=../secret/s.map\n' >dist/escape.js
printf 'f();\n//# debugId=0b7f3fd2-41ab-4e8a-9c3e-6a1d2b4c5e6f\n//# sourceMappingURL=../secret/s.map\n' \
  >dist/other-build.js
cp "$MAPS/invalid_json.map" dist/bad.js.map
printf 'f();\n//# sourceMappingURL=bad.js.map\n' >dist/bad.js
for f in none missing remote escape bad; do
  "$SMCACHE" compile dist/$f.js --root dist -o out.smc
  echo "$f: $?"
done
# Without --root, '..' may leave the directory (the user chose the file)...
"$SMCACHE" compile dist/escape.js -o ok.smc; echo "escape without --root: $?"
# ... but a map whose debugId differs from the file's is from another build.
"$SMCACHE" compile dist/other-build.js -o out.smc; echo "other build: $?"
"$SMCACHE" compile "$MAPS/simple.map" --root dist -o x.smc; echo "--root with a map: $?"
ls
