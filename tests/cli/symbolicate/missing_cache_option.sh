# Neither --cache nor --cache-dir: usage error.
printf '    at f (a.js:1:1)\n' | "$SMCACHE" symbolicate
