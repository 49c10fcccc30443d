# No command is a usage error.
"$SMCACHE"
