# A field of the wrong type: exit 1, the message names the field.
cp "$MAPS/invalid_field.map" .
"$SMCACHE" compile invalid_field.map -o out.smc
