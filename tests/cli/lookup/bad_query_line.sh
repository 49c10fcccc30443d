# A malformed query line stops the batch with exit 1 and names the stdin line (blank lines
# count); the answers before it are printed.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o s.smc
printf '0 0\n\n0 4\n0 x\n2 2\n' | "$SMCACHE" lookup s.smc -
