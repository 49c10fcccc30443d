# --max-input-bytes and --max-tokens bound every input: a map over either limit is a failure
# (listed, exit 1), the others are compiled; a bad value is a usage error.
. "$(dirname "$0")/tree.inc"
make_tree src
"$SMCACHE" warm src -o out --max-tokens 1 -q 2>err.txt
echo "tokens: exit $?, $(grep -c 'FAIL' err.txt) failures, $(grep -c 'more than the limit of 1$' err.txt) over the limit"
"$SMCACHE" warm src -o out2 --max-input-bytes 1 -q 2>err.txt
echo "bytes: exit $?, $(grep -c 'FAIL' err.txt) failures, $(grep -c 'more than the limit of 1$' err.txt) over the limit"
echo "caches: $(find out out2 -name '*.smc' | wc -l)"
"$SMCACHE" warm src -o out3 --max-input-bytes 1M --max-tokens 1000000 -q
echo "generous limits: exit $?, caches: $(find out3 -name '*.smc' | wc -l)"
"$SMCACHE" warm src -o out4 --max-tokens -3 2>/dev/null
echo "bad value: exit $?"
