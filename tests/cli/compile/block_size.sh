# --block-size changes the packing, not the answers: dumps of block sizes 1, 64 (default) and
# 4096 are identical, and info reports the block size.
cp "$MAPS/names.map" .
for n in 1 4096; do
  "$SMCACHE" compile --block-size $n names.map -o b$n.smc || echo "compile $n failed"
  "$SMCACHE" info b$n.smc | grep '"block_token_count"'
  "$SMCACHE" dump b$n.smc >b$n.txt
done
"$SMCACHE" compile names.map -o default.smc
"$SMCACHE" info default.smc | grep '"block_token_count"'
"$SMCACHE" dump default.smc >default.txt
cmp default.txt b1.txt && cmp default.txt b4096.txt && echo "same dumps"
wc -l <default.txt
