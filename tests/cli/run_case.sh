#!/usr/bin/env bash
# Runs one CLI test case, tests/cli/<command>/<case>.sh, the way zstd's tests/cli-tests do:
# the script runs in a fresh empty directory with $SMCACHE (the binary under test) and $MAPS
# (tests/data/maps) set and stdin from /dev/null, then
#   <case>.exit    expected exit status of the script (default 0);
#   <case>.stdout  expected standard output, byte for byte (not checked when absent);
#   <case>.stderr  extended regexes, one per line, each must match some line of standard error;
#                  when absent and the expected status is 0, standard error must be empty.
# A case that cannot run here exits 77 after saying why on stderr: ctest reports it skipped.
# Usage: SMCACHE=build/bin/smcache SMCACHE_TEST_MAPS=tests/data/maps run_case.sh CASE.sh
set -u

case_sh=$1
base=${case_sh%.sh}
: "${SMCACHE:?set SMCACHE to the smcache binary}"
: "${SMCACHE_TEST_MAPS:?set SMCACHE_TEST_MAPS to tests/data/maps}"
export SMCACHE MAPS=$SMCACHE_TEST_MAPS
export LC_ALL=C

tmp=$(mktemp -d "${TMPDIR:-/tmp}/smcache-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/work"

(cd "$tmp/work" && bash "$case_sh") >"$tmp/stdout" 2>"$tmp/stderr" </dev/null
status=$?

if [[ $status == 77 ]]; then  # the case skipped itself and said why on stderr
  cat "$tmp/stderr"
  exit 77
fi

failed=0
expected_status=0
if [[ -f $base.exit ]]; then expected_status=$(tr -d ' \n' <"$base.exit"); fi
if [[ $status != "$expected_status" ]]; then
  echo "FAIL: exit status $status, expected $expected_status"
  failed=1
fi
if [[ -f $base.stdout ]] && ! cmp -s "$base.stdout" "$tmp/stdout"; then
  echo "FAIL: standard output differs from $base.stdout:"
  diff -u "$base.stdout" "$tmp/stdout" | head -n 60
  failed=1
fi
if [[ -f $base.stderr ]]; then
  while IFS= read -r pattern || [[ -n $pattern ]]; do
    [[ -z $pattern ]] && continue
    if ! grep -Eq -- "$pattern" "$tmp/stderr"; then
      echo "FAIL: standard error does not match /$pattern/"
      failed=1
    fi
  done <"$base.stderr"
elif [[ $expected_status == 0 && -s $tmp/stderr ]]; then
  echo "FAIL: standard error should be empty"
  failed=1
fi

if [[ $failed != 0 ]]; then
  echo "--- standard output ---"
  head -c 4000 "$tmp/stdout"
  echo "--- standard error ---"
  head -c 4000 "$tmp/stderr"
  exit 1
fi
echo "ok: $case_sh"
