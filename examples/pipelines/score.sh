#!/usr/bin/env bash
# How many frames of each pipeline's trace each function-naming rule names right on its own
# (`smcache symbolicate --rules RULE`), and all rules in their default order. A frame counts as
# right when its name, spelled as expected.txt spells node's names (no "async ", no
# " [as alias]", no "Object.", "<anonymous>" for no name), is the name the unbundled run gives.
#
# Two caches per pipeline:
#   with content     `smcache compile app.min.js`: the map as built (with sourcesContent), so
#                    the original-function table and the generated-function table;
#   without content  the map stripped of sourcesContent, compiled with --generated app.min.js:
#                    the original-function table is empty, the generated-function table is
#                    named through the map alone, and the next-token rule has nothing to read.
#
# Usage: examples/pipelines/score.sh [SMCACHE]   (default: build/bin/smcache, or $SMCACHE)
# Run by ctest (tests/cli/symbolicate/score.sh) so that it cannot rot.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
smcache=${1:-${SMCACHE:-$here/../../build/bin/smcache}}
if ! command -v python3 >/dev/null; then
  echo "score.sh: python3 not found (it reads the --json output)" >&2
  exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/smcache-score.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

pipelines=(esbuild rollup-terser webpack esbuild-terser esbuild-swc swc-scopes)
rules=(scopes original-function generated-function caller-call-site caller-call-site-next-token
  minified)
for p in "${pipelines[@]}"; do
  "$smcache" compile "$here/$p/app.min.js" -o "$work/$p.content.smc" || exit 1
  python3 -c 'import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
m.pop("sourcesContent", None)
json.dump(m, open(sys.argv[2], "w", encoding="utf-8"))' "$here/$p/app.min.js.map" \
    "$work/$p.map" || exit 1
  "$smcache" compile "$work/$p.map" --generated "$here/$p/app.min.js" \
    -o "$work/$p.no-content.smc" || exit 1
  for cache in content no-content; do
    for rule in "${rules[@]}" all; do
      rule_option=()
      if [[ $rule != all ]]; then rule_option=(--rules "$rule"); fi
      "$smcache" symbolicate --cache "$work/$p.$cache.smc" --json "${rule_option[@]}" \
        "$here/$p/trace.txt" >"$work/$p.$cache.$rule.json" || exit 1
    done
  done
done

python3 - "$here" "$work" "${pipelines[@]}" -- "${rules[@]}" <<'PY'
import json, sys

here, work = sys.argv[1], sys.argv[2]
split = sys.argv.index("--")
pipelines, rules = sys.argv[3:split], sys.argv[split + 1:] + ["all"]


def spelled(name):  # as tools/expected.mjs's expectedName() spells node's names
    if name.startswith("async "):
        name = name[len("async "):]
    if name.endswith("]") and " [as " in name:
        name = name[:name.rindex(" [as ")]
    if name.startswith("Object."):
        name = name[len("Object."):]
    return name or "<anonymous>"


short = {"scopes": "scopes", "original-function": "original", "generated-function": "generated",
         "caller-call-site": "call-site", "caller-call-site-next-token": "next-token",
         "minified": "minified", "all": "all"}
titles = {"content": "with sourcesContent (smcache compile app.min.js)",
          "no-content": "without sourcesContent (map stripped, --generated app.min.js)"}
print("frames named right / frames, per pipeline: each rule alone (--rules RULE), and all")
for cache in ["content", "no-content"]:
    print(f"== {titles[cache]}")
    print(f"{'pipeline':<16}" + "".join(f"{short[r]:>11}" for r in rules))
    totals = {r: [0, 0] for r in rules}
    for p in pipelines:
        expected = [l.rstrip("\n").split("\t")[1]
                    for l in open(f"{here}/{p}/expected.txt", encoding="utf-8")
                    if not l.startswith("#")]
        cells = []
        for r in rules:
            doc = json.load(open(f"{work}/{p}.{cache}.{r}.json", encoding="utf-8"))
            frames = [l for l in doc["lines"] if l["kind"] == "frame"]
            right = sum(spelled(f["display_function"] or "") == want
                        for f, want in zip(frames, expected))
            totals[r][0] += right
            totals[r][1] += len(expected)
            cells.append(f"{right}/{len(expected)}")
        print(f"{p:<16}" + "".join(f"{c:>11}" for c in cells))
    print(f"{'all':<16}" + "".join(f"{f'{v[0]}/{v[1]}':>11}" for v in totals.values()))
PY
