# `smcache help CMD` prints CMD's help, like `smcache CMD --help`.
"$SMCACHE" help lookup >a.txt
echo "exit $?"
"$SMCACHE" lookup --help | cmp -s - a.txt && echo same
head -n 1 a.txt
