# A second run compiles nothing and writes nothing; --force recompiles into the same bytes.
. "$(dirname "$0")/tree.inc"
make_tree src
"$SMCACHE" warm src -o out -q
echo "first: exit $?"
tree_sums out >before.txt
find out -type f -exec touch -d '2001-01-01' {} +
"$SMCACHE" warm src -o out 2>err.txt
echo "second: exit $?"
sed -nE 's/^smcache: warm: ([0-9]+ compiled, [0-9]+ up to date, [0-9]+ failed); .*; ([0-9]+ index entries written);.*/\1; \2/p' err.txt
tree_sums out | cmp -s - before.txt && echo "same files, same bytes"
# Nothing was rewritten: the old modification times are still there.
find out -type f -newermt '2002-01-01' | wc -l | sed 's/^/files rewritten: /'
"$SMCACHE" warm src -o out --force 2>err.txt
echo "force: exit $?"
sed -nE 's/^smcache: warm: ([0-9]+ compiled, [0-9]+ up to date, [0-9]+ failed); .*/\1/p' err.txt
tree_sums out | cmp -s - before.txt && echo "same files, same bytes"
