# A failing stdout (a full disk) is reported with exit 1.
if [[ ! -w /dev/full ]]; then echo "SKIPPED: /dev/full not available" >&2; exit 77; fi
cp "$MAPS/simple.map" .
"$SMCACHE" compile simple.map -o s.smc
"$SMCACHE" dump s.smc >/dev/full
