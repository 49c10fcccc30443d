# info prints header fields as JSON. Section offsets and checksums depend on the writer's
# packing and are masked; input_hash is XXH3-128 of simple.map, high half first, as
# `xxhsum -H2 simple.map` prints it (90a6ec34...).
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o simple.smc
"$SMCACHE" info simple.smc >info.txt
echo "exit $?"
sed -E 's/"offset": [0-9]+/"offset": N/; s/"checksum": "[0-9a-f]{16}"/"checksum": "H"/' info.txt
# file_size is the real size.
test "$(stat -c %s simple.smc)" = "$(sed -nE 's/.*"file_size": ([0-9]+).*/\1/p' info.txt)" && echo "file_size matches"
