# --cache that is not a cache: exit 1, the message names the file.
echo "hello" >not.smc
printf '    at f (a.js:1:1)\n' | "$SMCACHE" symbolicate --cache not.smc
