# --no-sources-content keeps the sources (names, ignore list) but drops their content.
cp "$MAPS/sources_content.map" .
"$SMCACHE" compile sources_content.map -o with.smc
"$SMCACHE" compile --no-sources-content sources_content.map -o without.smc
"$SMCACHE" dump --sources with.smc
"$SMCACHE" dump --sources without.smc
test "$(stat -c %s without.smc)" -lt "$(stat -c %s with.smc)" && echo "smaller"
