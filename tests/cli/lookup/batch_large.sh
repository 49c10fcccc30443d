# Many queries (1.2 MB, more than one 1 MiB read buffer, so one line straddles two reads):
# answers stay in order, one per query.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o s.smc
{ echo "  0 3"; yes $'0 3\n2 9\n1 0' | head -n 300000; } >q.txt
"$SMCACHE" lookup s.smc - <q.txt >a.txt
echo "exit $?"
wc -l <a.txt
sort a.txt | uniq -c | sed -E 's/^ +//'
sed -n '1,3p' a.txt
