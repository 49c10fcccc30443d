# --one-based: input lines and columns are 1-based (as in "s.js:3:9"), and so is the output.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o s.smc
"$SMCACHE" lookup --one-based s.smc 1 1      # 0-based (0, 0)
"$SMCACHE" lookup s.smc 3 9 --one-based      # 0-based (2, 8) -> a.js 2:0, printed 3:1
"$SMCACHE" lookup --one-based s.smc 3 2      # 0-based (2, 1): nothing before column 2
printf '1 5\n3 3\n' | "$SMCACHE" lookup --one-based s.smc -
"$SMCACHE" lookup --one-based s.smc 4294967296 1; echo "exit $?"   # 2^32 is 0-based 2^32-1: past the end
"$SMCACHE" lookup --one-based --all s.smc 2 1   # 0-based (1, 0): back to the 1-field segment
