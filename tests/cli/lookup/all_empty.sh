# --all before the first mapping prints [].
printf '{"version": 3, "sources": ["a.js"], "names": [], "mappings": ";;EAAA"}' >late.map
"$SMCACHE" compile late.map -o l.smc
"$SMCACHE" lookup --all l.smc 0 0
"$SMCACHE" lookup --all l.smc 2 1
"$SMCACHE" lookup --all l.smc 2 2
