#!/usr/bin/env bash
# Regenerates the reader's seed caches, tests/fuzz/corpus/fuzz_reader/*.smc, from the
# converter's seed maps with several block sizes and options. Run it after a format change.
# Usage: tests/fuzz/make_corpus.sh SMCACHE_BINARY     (e.g. build/bin/smcache)
set -euo pipefail
smcache=$(realpath "${1:?usage: make_corpus.sh SMCACHE_BINARY}")
here=$(cd "$(dirname "$0")" && pwd)
maps=$here/corpus/fuzz_converter
out=$here/corpus/fuzz_reader
mkdir -p "$out"
rm -f "$out"/*.smc

compile() {  # compile NAME MAP [options...]
  local name=$1 map=$2
  shift 2
  "$smcache" compile "$map" -o "$out/$name.smc" "$@"
}
for map in "$maps"/*.map "$here"/../data/maps/{simple,names,sources_content,index}.map; do
  compile "$(basename "$map" .map)" "$map"
done
compile many_tokens_b1 "$maps/many_tokens.map" --block-size 1
compile many_tokens_b4 "$maps/many_tokens.map" --block-size 4
compile many_tokens_b4096 "$maps/many_tokens.map" --block-size 4096
compile terminators_no_content "$maps/terminators.map" --no-sources-content
compile names_b1 "$here/../data/maps/names.map" --block-size 1
echo "make_corpus: $(ls "$out" | wc -l) seed caches in $out"
