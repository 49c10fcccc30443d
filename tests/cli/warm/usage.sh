# Usage errors exit 2 and write nothing.
mkdir src
"$SMCACHE" warm src; echo "no -o: $?"
"$SMCACHE" warm -o out; echo "no SRC: $?"
"$SMCACHE" warm src -o out --shard 3/3; echo "shard 3/3: $?"
"$SMCACHE" warm src -o out --shard 1; echo "shard 1: $?"
"$SMCACHE" warm src -o out --threads 0; echo "threads 0: $?"
"$SMCACHE" warm src src -o out --manifest m.txt; echo "manifest, two SRC: $?"
JOB_COMPLETION_INDEX=0 "$SMCACHE" warm src -o out; echo "index without count: $?"
SMCACHE_SHARD_COUNT=2 "$SMCACHE" warm src -o out; echo "count without index: $?"
JOB_COMPLETION_INDEX=2 SMCACHE_SHARD_COUNT=2 "$SMCACHE" warm src -o out; echo "index 2 of 2: $?"
ls
# Not a usage error: a SRC that does not exist is bad input (exit 1).
"$SMCACHE" warm nope -o out 2>/dev/null; echo "missing SRC: $?"
