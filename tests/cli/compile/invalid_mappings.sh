# A segment whose source index is out of range: exit 1, the message names line and segment.
cp "$MAPS/invalid_mappings.map" .
"$SMCACHE" compile invalid_mappings.map -o out.smc
