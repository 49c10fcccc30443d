# No file: usage error.
"$SMCACHE" verify
