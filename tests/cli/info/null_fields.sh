# A map without "file" and "debugId": both null.
cp "$MAPS/names.map" .
printf '{"version": 3, "sources": ["a.js"], "names": [], "mappings": "AAAA"}' >bare.map
"$SMCACHE" compile bare.map -o b.smc
"$SMCACHE" info b.smc | grep -E '"(file|debug_id|token_count|source_count|generated_line_count)"'
"$SMCACHE" compile names.map -o n.smc
"$SMCACHE" info n.smc | grep -E '"(file|debug_id|name_count|input_hash)"'
