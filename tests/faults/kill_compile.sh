#!/usr/bin/env bash
# Atomic writes under SIGKILL and a full disk (issue 6), against the smcache CLI.
# 1. `smcache compile` of a ~20 MB synthetic map is killed with SIGKILL after seeded random
#    delays, ROUNDS times (default 30): after each kill the target holds either the old complete
#    cache (byte-identical, verifies) or the new complete one, never a partial file. Killed runs
#    may leave their temporary file (.NAME.tmp-XXXXXX: nothing can clean up after SIGKILL); a
#    clean run leaves none of its own.
# 2. Disk full: into a 1 MiB tmpfs when mount is permitted, else to /dev/full through
#    `-o -` (standard output): a clear "No space left on device" error, exit 1, old file intact.
# Env: SMCACHE, SMCACHE_SOURCE_DIR, ROUNDS, SEED.
set -u
: "${SMCACHE:?set SMCACHE to the smcache binary}"
S=$SMCACHE
rounds=${ROUNDS:-30}
RANDOM=${SEED:-6}
work=$(mktemp -d "${TMPDIR:-/tmp}/smcache-faults.XXXXXX") || exit 1
cleanup() {
  mountpoint -q "$work/small" 2>/dev/null && umount -l "$work/small"
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1
fail() {
  echo "FAIL: $*"
  exit 1
}

# A ~20 MB map (new) and a small one (old), different caches.
python3 - <<'PY' || fail "python3 needed to generate the map"
import json
segs = ",".join(["CAAC"] * 60)
lines = ";".join(["AACA," + segs] * 60000)
json.dump({"version": 3, "sources": ["big.js"], "names": [], "mappings": "AAAA;" + lines},
          open("new.map", "w"))
json.dump({"version": 3, "sources": ["old.js"], "names": [], "mappings": "AAAA;AACA"},
          open("old.map", "w"))
PY
"$S" compile old.map -o old.smc || fail "compile old"
"$S" compile new.map -o new.smc || fail "compile new"
start=$(date +%s%N)
"$S" compile new.map -o timing.smc
ms=$((($(date +%s%N) - start) / 1000000))
echo "new map: $(stat -c %s new.map) bytes -> $(stat -c %s new.smc) bytes in ${ms} ms"
rm -f timing.smc
ls -a | grep -q '\.tmp-' && fail "a clean run left a temporary file: $(ls -a)"

old_kept=0 new_written=0 killed=0
for ((i = 0; i < rounds; i++)); do
  cp old.smc target.smc
  # A delay spread over the whole compile (read, parse, build, write, fsync, rename).
  delay_ms=$((RANDOM % (ms + ms / 4 + 5)))
  "$S" compile new.map -o target.smc &
  pid=$!
  sleep "$(printf '0.%03d' "$delay_ms")"
  kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
  wait "$pid" 2>/dev/null
  if cmp -s target.smc old.smc; then
    old_kept=$((old_kept + 1))
  elif cmp -s target.smc new.smc; then
    new_written=$((new_written + 1))
  else
    fail "round $i (kill after ${delay_ms} ms): target.smc is neither the old nor the new cache"
  fi
  "$S" verify target.smc >/dev/null || fail "round $i: target.smc does not verify"
  rm -f .target.smc.tmp-*  # what a SIGKILLed writer leaves behind (documented)
done
echo "sigkill: $rounds rounds, $killed kills landed: $old_kept old file kept, $new_written new file complete, 0 partial"
# A clean run after all that: no temporary file of its own.
"$S" compile new.map -o target.smc || fail "clean compile"
ls -a | grep -q '\.tmp-' && fail "a clean run left a temporary file: $(ls -a)"
cmp -s target.smc new.smc || fail "clean compile differs"

# --- disk full ---
mkdir small
if mount -t tmpfs -o size=1m tmpfs small 2>/dev/null; then
  cp old.smc small/target.smc
  before=$(stat -c %i small/target.smc)
  "$S" compile new.map -o small/target.smc 2>err.txt
  status=$?
  [[ $status == 1 ]] || fail "disk full: exit $status, expected 1"
  grep -q 'No space left on device' err.txt || fail "disk full: unclear error: $(cat err.txt)"
  grep -q 'small/target.smc' err.txt || fail "disk full: the error does not name the target"
  cmp -s small/target.smc old.smc || fail "disk full: the old file changed"
  [[ $(stat -c %i small/target.smc) == "$before" ]] || fail "disk full: the old file was replaced"
  [[ $(ls -A small) == target.smc ]] || fail "disk full: left behind: $(ls -A small)"
  echo "disk full (1 MiB tmpfs): $(cat err.txt)"
  umount small
else
  echo "NOTE: mount -t tmpfs not permitted here; disk full tested with /dev/full only"
fi
"$S" compile new.map -o - >/dev/full 2>err.txt
status=$?
[[ $status == 1 ]] || fail "/dev/full: exit $status, expected 1"
grep -q 'No space left on device' err.txt || fail "/dev/full: unclear error: $(cat err.txt)"
echo "disk full (/dev/full, -o -): $(cat err.txt)"
echo "ok"
