# Function names on real bundles (issue 8): the app of examples/pipelines bundled by esbuild,
# rollup + terser, webpack (terser), esbuild -> terser, esbuild -> swc and, with the map's
# ECMA-426 scopes, esbuild then swc (swc-scopes, whose map points at esbuild's bundle: its
# expected.txt comes from that bundle's run), each trace as node printed it. Each pipeline is
# compiled four ways (modes):
#   table          the map, as `smcache compile MAP` does by default (original-function table);
#   no-table       the map with --no-function-table (only the caller rules and the trace's names);
#   js             the bundle, `smcache compile app.min.js` (both the original-function table and
#                  the generated-function table, SPEC.md 6.12);
#   js-no-content  a copy of the map without sourcesContent, with --generated app.min.js: the
#                  original-function table is empty, so the generated-function table, named
#                  through the map alone, has to carry the names.
# Every frame's name is compared with the name the unbundled run gives
# (P/expected.txt): `display_function` from --json, spelled the way expected.txt spells
# node's names (examples/pipelines/tools/expected.mjs): no "async " (a separate flag), no
# " [as alias]", no "Object." (V8's receiver type of an object-literal method), and
# "<anonymous>" for no name. Frames known to be named wrong are listed, with the
# reason, in pipelines.known-wrong: the case fails when a listed frame is named right (an
# improvement: remove its line) or when a frame not listed is named wrong (a regression).
# Standard output is the count of frames named right, per pipeline and per rule.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
examples=$root/examples/pipelines
known_wrong=$root/tests/cli/symbolicate/pipelines.known-wrong
if ! command -v python3 >/dev/null; then
  echo "SKIPPED: python3 not found (it reads the --json output)" >&2
  exit 77
fi
pipelines=(esbuild rollup-terser webpack esbuild-terser esbuild-swc swc-scopes)
for p in "${pipelines[@]}"; do
  "$SMCACHE" compile "$examples/$p/app.min.js.map" -o "$p.table.smc" || exit 1
  "$SMCACHE" compile --no-function-table "$examples/$p/app.min.js.map" -o "$p.no-table.smc" ||
    exit 1
  "$SMCACHE" compile "$examples/$p/app.min.js" -o "$p.js.smc" || exit 1
  python3 -c 'import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
m.pop("sourcesContent", None)
json.dump(m, open(sys.argv[2], "w", encoding="utf-8"))' "$examples/$p/app.min.js.map" \
    "$p.no-content.map" || exit 1
  "$SMCACHE" compile "$p.no-content.map" --generated "$examples/$p/app.min.js" \
    -o "$p.js-no-content.smc" || exit 1
  for mode in table no-table js js-no-content; do
    "$SMCACHE" symbolicate --cache "$p.$mode.smc" --json "$examples/$p/trace.txt" \
      >"$p.$mode.json" || exit 1
  done
done
python3 - "$examples" "$known_wrong" "${pipelines[@]}" <<'PY'
import json, sys

examples, known_wrong_path, pipelines = sys.argv[1], sys.argv[2], sys.argv[3:]
modes = ["table", "no-table", "js", "js-no-content"]


def spelled(name):  # as expected.mjs's expectedName() spells node's names
    if name.startswith("async "):
        name = name[len("async "):]
    if name.endswith("]") and " [as " in name:
        name = name[:name.rindex(" [as ")]
    if name.startswith("Object."):
        name = name[len("Object."):]
    return name or "<anonymous>"


rules = ["scopes", "original-function", "generated-function", "caller-call-site",
         "caller-call-site-next-token", "minified", "none", "as-printed"]

# pipelines.known-wrong: mode, pipeline, frame, the name smcache gives, why (tab-separated).
known = {}
for n, line in enumerate(open(known_wrong_path, encoding="utf-8"), 1):
    if not line.strip() or line.startswith("#"):
        continue
    mode, pipeline, frame, got, why = line.rstrip("\n").split("\t")
    known[(mode, pipeline, int(frame))] = got

failures = []
counts = {}  # (mode, pipeline) -> {rule: [right, used]}
inlined = {}  # (mode, pipeline) -> inlined callers given back (rule s), not compared
for mode in modes:
    for p in pipelines:
        expected = [l.rstrip("\n").split("\t")[1]
                    for l in open(f"{examples}/{p}/expected.txt", encoding="utf-8")
                    if not l.startswith("#")]
        doc = json.load(open(f"{p}.{mode}.json", encoding="utf-8"))
        frames = [l for l in doc["lines"] if l["kind"] == "frame"]
        if len(frames) != len(expected):
            failures.append(f"{mode} {p}: {len(frames)} frames, expected.txt has {len(expected)}")
            continue
        c = counts[(mode, p)] = {r: [0, 0] for r in rules}
        inlined[(mode, p)] = sum(len(f.get("inlined_callers", [])) for f in frames)
        for i, (f, want) in enumerate(zip(frames, expected)):
            got = spelled(f["display_function"] or "")
            rule = f["function_rule"]
            c.setdefault(rule, [0, 0])[1] += 1
            listed = known.pop((mode, p, i), None)
            if got == want:
                c[rule][0] += 1
                if listed is not None:
                    failures.append(f"{mode} {p} frame {i}: now named right ({want!r}, {rule}); "
                                    "remove it from pipelines.known-wrong")
            elif listed is None:
                failures.append(f"{mode} {p} frame {i}: {got!r} ({rule}), expected {want!r}")
            elif listed != got:
                failures.append(f"{mode} {p} frame {i}: {got!r} ({rule}), expected {want!r}; "
                                f"pipelines.known-wrong says {listed!r}")
for (mode, p, i) in known:
    failures.append(f"pipelines.known-wrong: {mode} {p} frame {i}: no such frame")

titles = {"table": "with the original-function table (smcache compile MAP)",
          "no-table": "without it (compile --no-function-table): caller rules and trace names",
          "js": "from the bundle (smcache compile app.min.js): both function tables",
          "js-no-content": "map without sourcesContent, --generated app.min.js: generated table"}
short = {"scopes": "scopes", "original-function": "original", "generated-function": "generated",
         "caller-call-site": "call-site",
         "caller-call-site-next-token": "next-token", "minified": "minified",
         "none": "none", "as-printed": "as-printed"}
print("frames named right / frames, per pipeline and per rule that named them")
for mode in modes:
    print(f"== {titles[mode]}")
    print(f"{'pipeline':<16}{'right':>8}" + "".join(f"{short[r]:>11}" for r in rules))
    total = [0, 0]
    by_rule = {r: [0, 0] for r in rules}
    for p in pipelines:
        c = counts.get((mode, p))
        if c is None:
            continue
        right = sum(v[0] for v in c.values())
        used = sum(v[1] for v in c.values())
        total[0] += right
        total[1] += used
        cells = []
        for r in rules:
            by_rule[r][0] += c[r][0]
            by_rule[r][1] += c[r][1]
            cells.append(f"{c[r][0]}/{c[r][1]}" if c[r][1] else "-")
        print(f"{p:<16}{f'{right}/{used}':>8}" + "".join(f"{x:>11}" for x in cells) +
              (f"  +{inlined[(mode, p)]} inlined" if inlined.get((mode, p)) else ""))
    print(f"{'all':<16}{f'{total[0]}/{total[1]}':>8}" +
          "".join(f"{(f'{v[0]}/{v[1]}' if v[1] else '-'):>11}" for v in by_rule.values()))

for f in failures:
    print("FAIL:", f, file=sys.stderr)
sys.exit(1 if failures else 0)
PY
