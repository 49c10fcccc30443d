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

# One byte flipped in string_data (a source name): verify fails with exit 1.
cp "$MAPS/names.map" .
"$SMCACHE" compile names.map -o bad.smc
flip bad.smc "$(section_offset bad.smc string_data)"
"$SMCACHE" verify bad.smc | sed -E 's/^(FAIL bad\.smc): .*checksum.*/\1: <checksum mismatch>/'
echo "exit ${PIPESTATUS[0]}"
