# Names, two mappings at one position (kept in map order), and JSON escaping of a quote in a
# source name and of a quote, a backslash and U+0001 in a name (é kept as UTF-8).
cp "$MAPS/names.map" .
"$SMCACHE" compile names.map -o n.smc
"$SMCACHE" dump n.smc
"$SMCACHE" dump --sources n.smc
