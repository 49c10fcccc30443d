# On a terminal, progress is a bar redrawn in place (\r, erase line) with count, rate and ETA.
if ! command -v script >/dev/null; then
  echo "SKIPPED: script(1) not found (util-linux), no way to fake a terminal" >&2
  exit 77
fi
. "$(dirname "$0")/tree.inc"
make_tree src
export SMCACHE
TERM=xterm script -qec '"$SMCACHE" warm src -o out 2>&1 >/dev/null' /dev/null >tty.txt
echo "exit $?"
grep -q $'\r\033\[K\[' tty.txt && echo "bar redrawn in place"
grep -aEq '4/4 100% [0-9.]+ maps/s, [0-9.]+ MB/s, eta [0-9?:]+' tty.txt && echo "count, rate, ETA"
grep -aq '4 compiled, 0 up to date, 0 failed' tty.txt && echo "summary"
# Not a terminal (this case's stderr): no escape sequences at all.
"$SMCACHE" warm src -o out2 2>plain.txt
grep -q $'\033' plain.txt || echo "plain log: no escapes"
