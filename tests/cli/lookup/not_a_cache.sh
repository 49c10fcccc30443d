# A file that is not a cache (here the JSON map itself): exit 1, the message names the path.
cp "$MAPS/simple.map" .
"$SMCACHE" lookup simple.map 0 0
