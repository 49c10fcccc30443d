# `smcache --help` lists every command and exits 0; `smcache help` and `-h` print the same.
"$SMCACHE" --help >help.txt
echo "exit $?"
head -n 1 help.txt
for c in compile lookup dump info verify; do
  grep -Eq "^  $c +[a-z]" help.txt && echo "lists $c"
done
"$SMCACHE" help | cmp -s - help.txt && echo "help: same"
"$SMCACHE" -h | cmp -s - help.txt && echo "-h: same"
