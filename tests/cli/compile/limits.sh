# --max-input-bytes and --max-tokens: exceeding either is a clear error (exit 1) that names the
# value and the limit, and writes nothing; a bad value is a usage error (exit 2). From a file, the
# size is checked before reading; from standard input, reading stops one byte past the limit.
cp "$MAPS/simple.map" .
run() { "$SMCACHE" compile "$@" 2>err.txt; echo "exit $?: $(sed 's/(see .*//' err.txt)"; }
run --max-input-bytes 10 simple.map -o a.smc
run --max-tokens 4 simple.map -o a.smc
[[ -e a.smc ]] && echo "a.smc written" || echo "a.smc not written"
run --max-input-bytes 1K --max-tokens 5 simple.map -o a.smc
[[ -s a.smc ]] && echo "a.smc written"
run --max-input-bytes 100 - -o b.smc <simple.map
run --max-input-bytes 0 simple.map -o c.smc
run --max-tokens 12x simple.map -o c.smc
run --max-input-bytes 99999999999999999999G simple.map -o c.smc
