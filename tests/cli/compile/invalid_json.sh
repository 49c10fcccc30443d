# Malformed JSON: exit 1; the message names the map and the byte offset (the '"' at byte 35
# where a ',' or ']' was expected).
cp "$MAPS/invalid_json.map" .
"$SMCACHE" compile invalid_json.map -o out.smc
