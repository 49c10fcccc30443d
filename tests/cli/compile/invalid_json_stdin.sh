# The same from stdin: the message says <stdin>.
"$SMCACHE" compile - -o out.smc <"$MAPS/invalid_json.map"
