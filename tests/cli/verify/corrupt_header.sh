# flip FILE OFFSET: inverts the byte at OFFSET in place.
flip() {
  local b
  b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  printf "$(printf '\\%03o' $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# section_offset FILE NAME: the offset of section NAME, from `smcache info`.
section_offset() {
  "$SMCACHE" info "$1" | sed -nE "s/.*\"name\": \"$2\", \"offset\": ([0-9]+).*/\1/p"
}

# A flipped header byte (token_count, offset 72) fails the header checksum at open: FAIL, exit 1,
# and the other commands refuse the file with exit 1.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o bad.smc
flip bad.smc 72
"$SMCACHE" verify bad.smc | sed -E 's/^(FAIL bad\.smc): .+/\1: <message>/'
echo "exit ${PIPESTATUS[0]}"
"$SMCACHE" lookup bad.smc 0 0 2>/dev/null; echo "lookup: $?"
"$SMCACHE" info bad.smc 2>/dev/null; echo "info: $?"
