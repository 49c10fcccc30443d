# --quiet: nothing on stderr when all goes well (and nothing on stdout ever).
. "$(dirname "$0")/tree.inc"
make_tree src
"$SMCACHE" warm src -o out --quiet
echo "exit $?"
"$SMCACHE" warm src -o out -q
echo "exit $?"
