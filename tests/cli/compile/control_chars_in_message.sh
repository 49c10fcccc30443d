# Control characters in a message (here from the file name) are escaped on stderr.
"$SMCACHE" compile $'evil\e[2Jname\a.map' -o out.smc 2>err.txt
echo "exit $?"
grep -c $'\e' err.txt
grep -c $'\a' err.txt
grep -o 'evil\\x1b\[2Jname\\x07\.map' err.txt
