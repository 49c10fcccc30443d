# --version prints the tool version and the cache format version it reads.
"$SMCACHE" --version | sed -E 's/^smcache [0-9]+\.[0-9]+\.[0-9]+ /smcache X.Y.Z /'
"$SMCACHE" -V | grep -c 'cache format 1\.3'
