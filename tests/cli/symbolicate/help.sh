# --help documents the position base, the naming rules and the exit status.
"$SMCACHE" symbolicate --help >help.txt
echo "exit $?"
head -n 1 help.txt
grep -q '1-based' help.txt && echo "says 1-based"
grep -q 'Exit status' help.txt && echo "documents exit status"
grep -q 'minified' help.txt && echo "documents [minified]"
"$SMCACHE" help symbolicate | cmp -s - help.txt && echo "help symbolicate: same"
