# An unknown option before the command is a usage error.
"$SMCACHE" --frobnicate
