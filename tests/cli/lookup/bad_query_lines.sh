# Each kind of malformed query line: exit 1 with the line number.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o s.smc
for input in '1' '1 2 3' '-1 2' '1,2' '4294967296 0' '99999999999999999999 0' '0 0x10'; do
  printf '0 0\n%s\n' "$input" | "$SMCACHE" lookup s.smc - >/dev/null 2>err.txt
  echo "$? $(cat err.txt)"
done
