# `smcache verify DIR` checks every cache of a warm directory and its index; --sources SRC also
# checks that every map under SRC has its cache and its index entry.
. "$(dirname "$0")/tree.inc"
make_tree src
"$SMCACHE" warm src -o out -q
"$SMCACHE" verify out
echo "exit $?"
"$SMCACHE" verify out --sources src
echo "exit $?"
# Files and directories mix: one line each.
"$SMCACHE" verify "out/$(cat out/by-debug-id/85314830-023f-4cf1-a267-535f4e37bb17)" out |
  sed -E 's/^ok out\/caches\/.*/ok <cache>/'
