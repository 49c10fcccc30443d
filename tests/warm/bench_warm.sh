#!/usr/bin/env bash
# Warming throughput: `smcache warm` over a source tree with 1 and 2 threads, each run into a
# fresh DIR (full compile), plus a second run over the same DIR (everything up to date). Prints
# the median and the best of RUNS runs of each: maps/s and MB/s of map JSON, from warm's summary
# line. On a machine shared with other jobs the best run is the one least disturbed.
#
# Usage: tests/warm/bench_warm.sh SMCACHE SRC OUT_PARENT [RUNS=5]
#   SRC         e.g. a tree from tests/warm/gen_maps.py, or bench/.data/maps
#   OUT_PARENT  where the DIRs go (its file system's fsync cost is part of the result)
set -euo pipefail
smcache=$1 src=$2 parent=$3 runs=${4:-5}
out=$(mktemp -d "$parent/smcache-bench-warm.XXXXXX")
trap 'rm -rf "$out"' EXIT

median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
best() { sort -g | tail -n 1; }

# run THREADS [fresh|again]: prints "maps/s MB/s" of one run.
run() {
  local dir=$out/dir
  [[ ${2:-fresh} == fresh ]] && rm -rf "$dir"
  "$smcache" warm "$src" -o "$dir" -j "$1" 2>&1 >/dev/null |
    sed -nE 's/.* ([0-9.]+) maps\/s, ([0-9.]+) MB\/s$/\1 \2/p' || true  # failed inputs: exit 1
}

for threads in 1 2; do
  for mode in fresh again; do
    rates=()
    for ((i = 0; i < runs; i++)); do
      [[ $mode == again ]] && run "$threads" fresh >/dev/null
      rates+=("$(run "$threads" "$mode")")
    done
    col() { printf '%s\n' "${rates[@]}" | cut -d' ' -f"$1"; }
    label=$([[ $mode == fresh ]] && echo "compile" || echo "up to date")
    printf '%d thread(s), %-10s  median %8s maps/s %7s MB/s   best %8s maps/s %7s MB/s\n' \
      "$threads" "$label" "$(col 1 | median)" "$(col 2 | median)" "$(col 1 | best)" \
      "$(col 2 | best)"
  done
done
