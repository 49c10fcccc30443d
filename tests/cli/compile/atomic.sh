# A failing compile leaves the previous output untouched and no temporary file behind.
cp "$MAPS/simple.map" "$MAPS/invalid_json.map" .
"$SMCACHE" compile simple.map -o out.smc
cp out.smc before.smc
"$SMCACHE" compile invalid_json.map -o out.smc 2>/dev/null
echo "exit $?"
cmp out.smc before.smc && echo "unchanged"
ls -A
"$SMCACHE" lookup out.smc 0 4
