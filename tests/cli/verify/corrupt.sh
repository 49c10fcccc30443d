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

# One byte flipped in token_data: open still succeeds (it checks only header and directory),
# verify reports the checksum mismatch and exits 1; the good cache is still ok.
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o simple.smc
cp simple.smc bad.smc
flip bad.smc "$(section_offset bad.smc token_data)"
cmp -s simple.smc bad.smc || echo "bad.smc differs"
"$SMCACHE" verify simple.smc bad.smc >out.txt
echo "exit $?"
sed -E 's/^(FAIL bad\.smc): .*checksum.*/\1: <checksum mismatch>/' out.txt
# Lookups and dumps of the damaged cache do not crash (answers may be wrong or missing).
"$SMCACHE" lookup bad.smc 2 8 >/dev/null 2>&1; [[ $? -le 1 ]] && echo "lookup: no crash"
"$SMCACHE" dump bad.smc >/dev/null 2>&1; [[ $? -le 1 ]] && echo "dump: no crash"
