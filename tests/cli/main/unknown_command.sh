# An unknown command is a usage error that names it.
"$SMCACHE" frobnicate x.smc
