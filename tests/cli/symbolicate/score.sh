# examples/pipelines/score.sh, the per-rule score table of the issue 8 pipelines (each naming
# rule alone and all of them, with and without sourcesContent): run here so that it cannot rot,
# and its output is pinned in score.stdout.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
exec bash "$root/examples/pipelines/score.sh" "$SMCACHE"
