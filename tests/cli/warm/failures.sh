# Failures do not stop the run: every good input is compiled, every failure is listed at the
# end (sorted, one line each), the exit status is 1, and nothing temporary is left behind.
. "$(dirname "$0")/tree.inc"
make_tree src
mkdir -p src/broken
cp "$MAPS/invalid_json.map" "$MAPS/invalid_mappings.map" src/broken/
printf 'm();\n//# sourceMappingURL=missing.js.map\n' >src/broken/missing.js
printf 'r();\n//# sourceMappingURL=https://cdn.example.com/r.js.map\n' >src/broken/remote.js
printf 'e();\n//# sourceMappingURL=../../../etc/passwd\n' >src/broken/escape.js
"$SMCACHE" warm src -o out 2>err.txt
echo "exit $?"
grep 'FAIL' err.txt | sed -E 's/(invalid_json\.map: invalid json at byte [0-9]+).*/\1/; s/(invalid_mappings\.map: mappings: line [0-9]+, segment [0-9]+).*/\1/; s/(escape\.js: sourceMappingURL .*\.\.\/etc\/passwd. resolves to ).*/\1.../'
sed -nE 's/^smcache: warm: ([0-9]+ compiled, [0-9]+ up to date, [0-9]+ failed);.*/\1/p' err.txt
echo "caches: $(find out/caches -name '*.smc' | wc -l)"
find out -name '.*' | wc -l | sed 's/^/temporary files left: /'
# --quiet still prints the failures (and only them).
"$SMCACHE" warm src -o out -q 2>quiet.txt
echo "quiet: exit $?"
grep -vc '^smcache: warm: FAIL ' quiet.txt
grep -c '^smcache: warm: FAIL ' quiet.txt
