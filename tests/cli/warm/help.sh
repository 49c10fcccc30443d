# `smcache warm --help` prints the usage, documents sharding and the exit status.
"$SMCACHE" warm --help >help.txt
echo "exit $?"
head -n 2 help.txt
grep -q 'JOB_COMPLETION_INDEX' help.txt && echo "documents JOB_COMPLETION_INDEX"
grep -q 'SMCACHE_SHARD_COUNT' help.txt && echo "documents SMCACHE_SHARD_COUNT"
grep -q 'Exit status' help.txt && echo "documents exit status"
"$SMCACHE" --help | grep -Eq '^  warm +[a-z]' && echo "listed in smcache --help"
