# Usage errors exit 2 and leave no output file.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map; echo "no -o: $?"
"$SMCACHE" compile -o x.smc; echo "no MAP: $?"
"$SMCACHE" compile simple.map other.map -o x.smc; echo "two maps: $?"
"$SMCACHE" compile simple.map -o; echo "-o without value: $?"
"$SMCACHE" compile simple.map -o x.smc --block-size 3; echo "block size 3: $?"
"$SMCACHE" compile simple.map -o x.smc --block-size 8192; echo "block size 8192: $?"
"$SMCACHE" compile simple.map -o x.smc --block-size=abc; echo "block size abc: $?"
"$SMCACHE" compile simple.map -o x.smc --no-sources-content=yes; echo "flag with value: $?"
"$SMCACHE" compile simple.map -o x.smc --frobnicate; echo "unknown option: $?"
ls
