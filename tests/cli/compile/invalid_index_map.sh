# Index map sections out of order: exit 1, the message names the section.
cp "$MAPS/invalid_index_map.map" .
"$SMCACHE" compile invalid_index_map.map -o out.smc
