# Usage errors exit 2 before the cache is opened.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o s.smc
"$SMCACHE" lookup; echo "nothing: $?"
"$SMCACHE" lookup s.smc; echo "no position: $?"
"$SMCACHE" lookup s.smc 1; echo "no column: $?"
"$SMCACHE" lookup s.smc 1 2 3; echo "extra: $?"
"$SMCACHE" lookup s.smc - 3; echo "stdin and column: $?"
"$SMCACHE" lookup s.smc x 0; echo "line x: $?"
"$SMCACHE" lookup s.smc 0 4294967296; echo "column 2^32: $?"
"$SMCACHE" lookup s.smc -1 0; echo "negative: $?"
"$SMCACHE" lookup --bias nearest s.smc 0 0; echo "bias nearest: $?"
"$SMCACHE" lookup --bias; echo "bias without value: $?"
"$SMCACHE" lookup --all --bias lub s.smc 0 0; echo "all and bias: $?"
"$SMCACHE" lookup no-such.smc x 0; echo "bad line before open: $?"
