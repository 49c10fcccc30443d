# -o - refuses to write binary data to a terminal (usage error, exit 2). Needs script(1).
if ! command -v script >/dev/null; then
  echo "SKIPPED: script(1) not found (util-linux), cannot give smcache a terminal" >&2
  exit 77
fi
cp "$MAPS/simple.map" .
script -qec "\"$SMCACHE\" compile simple.map -o -" /dev/null >tty.txt 2>&1
echo "exit $?"
grep -c 'refusing to write a binary cache to a terminal' tty.txt
