# `smcache info --help` (and -h, also after other arguments) prints the usage and exits 0.
"$SMCACHE" info --help >help.txt
echo "exit $?"
head -n 1 help.txt
grep -q 'Exit status' help.txt && echo "documents exit status"
"$SMCACHE" info x.smc -h | cmp -s - help.txt && echo "-h: same"
