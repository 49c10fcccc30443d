# N shards into one DIR give byte for byte the DIR of one run: with --shard K/N in any order,
# and with Kubernetes Indexed Job variables (JOB_COMPLETION_INDEX + SMCACHE_SHARD_COUNT).
. "$(dirname "$0")/tree.inc"
make_tree src
for i in $(seq 1 12); do
  mkdir -p src/gen/$i
  cp "$MAPS/simple.map" src/gen/$i/chunk.js.map
  printf 'c();\n//# sourceMappingURL=chunk.js.map\n' >src/gen/$i/chunk.js
done
"$SMCACHE" warm src -o one -q
echo "one run: exit $?"
for k in 2 0 1; do "$SMCACHE" warm src -o three -q --shard $k/3 || echo "shard $k failed"; done
diff -r one three && echo "--shard K/3: identical"
for k in 3 1 0 2; do
  JOB_COMPLETION_INDEX=$k SMCACHE_SHARD_COUNT=4 "$SMCACHE" warm src -o four -q || echo "pod $k failed"
done
diff -r one four && echo "Indexed Job, 4 pods: identical"
# Pods at the same time, into one directory.
pids=()
for k in 0 1 2 3 4; do
  JOB_COMPLETION_INDEX=$k SMCACHE_SHARD_COUNT=5 "$SMCACHE" warm src -o five -q -j 1 & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || echo "a pod failed"; done
diff -r one five && echo "5 concurrent pods: identical"
# Each shard says which part it does.
JOB_COMPLETION_INDEX=1 SMCACHE_SHARD_COUNT=3 "$SMCACHE" warm src -o three 2>err.txt
sed -nE 's/^smcache: warm: (shard 1\/3 \(JOB_COMPLETION_INDEX\)): [0-9]+ inputs of 16,.*/\1/p' err.txt
grep -Eq 'for other shards' err.txt && echo "summary counts the other shards' inputs"
