# `smcache verify --help` (and -h, also after other arguments) prints the usage and exits 0.
"$SMCACHE" verify --help >help.txt
echo "exit $?"
head -n 1 help.txt
grep -q 'Exit status' help.txt && echo "documents exit status"
"$SMCACHE" verify x.smc -h | cmp -s - help.txt && echo "-h: same"
