#!/usr/bin/env bash
# Runs the core benchmarks on the real and synthetic maps and writes bench/RESULTS.md.
#   1. scripts/fetch-maps.sh (cached; the real maps are skipped loudly if it fails)
#   2. smcache_sizes: sizes, compile time (median of 5), peak RSS of a compile, per real map
#   3. smcache_bench: lookup, batch lookup, open + first lookup, compile (medians of 5
#      repetitions), on synthetic and real maps, answers checked against a reference
#   4. bench/report.py: the Markdown
# The raw outputs stay in BUILD_DIR/bench-results/ (sizes.json, bench.json): re-render with
#   python3 bench/report.py --sizes .../sizes.json --bench .../bench.json --command "..."
# Usage: bench/run.sh [BUILD_DIR] [-- extra smcache_bench flags]   (BUILD_DIR default: build)
# Environment: SMCACHE_BENCH_REPS (5), SMCACHE_BENCH_OUT (default bench/RESULTS.md)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
[[ $# -gt 0 ]] && shift
[[ "${1:-}" == "--" ]] && shift
reps=${SMCACHE_BENCH_REPS:-5}
out_md=${SMCACHE_BENCH_OUT:-$root/bench/RESULTS.md}

for tool in smcache_bench smcache_sizes; do
  [[ -x "$build/bin/$tool" ]] || {
    echo "bench/run.sh: $build/bin/$tool not built (cmake --build $build --target $tool)" >&2
    exit 2
  }
done

if ! "$root/scripts/fetch-maps.sh"; then
  echo "bench/run.sh: WARNING: fetching the real maps failed; missing ones are skipped" >&2
fi

work="$build/bench-results"
mkdir -p "$work"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

"$build/bin/smcache_sizes" --runs=5 --json="$work/sizes.json"
bench_cmd=("$build/bin/smcache_bench" "--benchmark_repetitions=$reps"
  --benchmark_report_aggregates_only=true "--benchmark_out=$work/bench.json"
  --benchmark_out_format=json "$@")
"${bench_cmd[@]}"

python3 "$root/bench/report.py" --sizes "$work/sizes.json" --bench "$work/bench.json" \
  --load-before "$load_before" \
  --command "bench/run.sh ${build#"$root"/} (smcache_sizes --runs=5; smcache_bench --benchmark_repetitions=$reps --benchmark_report_aggregates_only=true${*:+ $*})" \
  >"$out_md.tmp"
mv "$out_md.tmp" "$out_md"
echo "bench/run.sh: wrote $out_md"
