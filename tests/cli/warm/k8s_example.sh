# examples/k8s/warm-job.yaml is consistent (SMCACHE_SHARD_COUNT = completions) and its command,
# run once per completion index as the Job's pods would, fills the same DIR as one run.
. "$(dirname "$0")/tree.inc"
job=$(dirname "$0")/../../../examples/k8s/warm-job.yaml
[[ -f $job ]] || { echo "SKIPPED: $job not found" >&2; exit 77; }
completions=$(sed -nE 's/^  completions: *([0-9]+).*/\1/p' "$job")
count=$(grep -A1 'name: SMCACHE_SHARD_COUNT' "$job" | sed -nE 's/.*value: *"([0-9]+)".*/\1/p')
grep -q '^  completionMode: Indexed' "$job" && echo "Indexed Job"
[[ -n $completions && $completions == "$count" ]] && echo "SMCACHE_SHARD_COUNT = completions"
# The container's command, one word per "- " line, with the volumes mapped to local directories.
mapfile -t cmd < <(sed -n '/^ *command:/,/^ *env:/p' "$job" | sed -nE 's/^ *- *"?([^" #]+)"?.*/\1/p')
cmd=("${cmd[@]/#\/srv\/artifacts/src}")
cmd=("${cmd[@]/#\/srv\/smcache/pods}")
echo "${cmd[@]}"
make_tree src
[[ ${cmd[0]} == smcache ]] && cmd[0]=$SMCACHE
for ((k = 0; k < completions; k++)); do
  JOB_COMPLETION_INDEX=$k SMCACHE_SHARD_COUNT=$count "${cmd[@]}" 2>/dev/null || echo "pod $k failed"
done
"$SMCACHE" warm src -o one -q
diff -r one pods && echo "pods = one run"
