# Queries from stdin, one "LINE COLUMN" per line: blank lines skipped, spaces and tabs around
# and between the numbers, CRLF line ends and a missing final newline accepted.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o s.smc
printf '0 0\n\n0 9\n   \n\t2  7 \r\n1 0\n0 10\n2\t8\n3 0\n2 2' | "$SMCACHE" lookup s.smc -
echo "exit $?"
# An empty stdin prints nothing.
"$SMCACHE" lookup s.smc - </dev/null
echo "exit $?"
