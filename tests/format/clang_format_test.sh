#!/usr/bin/env bash
# Every C and C++ file of the repository is formatted with the repo's .clang-format.
# Usage: clang_format_test.sh SOURCE_DIR CLANG_FORMAT
set -u
root=$1
clang_format=$2
cd "$root" || exit 1
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "SKIPPED: $root is not a git checkout (the file list comes from git ls-files)" >&2
  exit 77
fi
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.c' '*.cc')
bad=()
for f in "${files[@]}"; do
  [[ -f $f ]] || continue
  "$clang_format" --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if ((${#bad[@]})); then
  echo "not formatted (run: $clang_format -i FILE):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "clang-format: ${#files[@]} files formatted"
