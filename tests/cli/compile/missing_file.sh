# A map that does not exist: exit 1, the message names the path, no output file appears.
"$SMCACHE" compile no-such.map -o out.smc
status=$?
ls
exit $status
