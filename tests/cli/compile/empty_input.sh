# An empty map file is invalid JSON, not a crash.
: >empty.map
"$SMCACHE" compile empty.map -o out.smc
