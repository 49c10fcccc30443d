# 0 is not a 1-based line or column: usage error on the command line, exit 1 on stdin.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o s.smc
"$SMCACHE" lookup --one-based s.smc 0 1; echo "argv line 0: $?"
"$SMCACHE" lookup --one-based s.smc 1 0; echo "argv column 0: $?"
printf '1 1\n1 0\n' | "$SMCACHE" lookup --one-based s.smc -; echo "stdin column 0: $?"
