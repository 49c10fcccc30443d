# A map without mappings dumps nothing.
printf '{"version": 3, "sources": [], "names": [], "mappings": ""}' >empty.map
"$SMCACHE" compile empty.map -o e.smc
"$SMCACHE" dump e.smc
echo "exit $?"
