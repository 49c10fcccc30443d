# The real swc bundle with the map's ECMA-426 scopes (examples/pipelines/swc-scopes): swc 1.16.22
# inlined unitsOf into restock (frame 1) but wrote no call sites, so no inlined frame comes back;
# its unnamed function scopes fall through to the function table, and the two it names wrongly
# (s for memoized, constructor for new _Inventory) contradict the table, which names them instead
# (rule s must fit the source; without a table they stay wrong: pipelines.known-wrong). --json.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
p=$root/examples/pipelines/swc-scopes
if ! command -v python3 >/dev/null; then
  echo "SKIPPED: python3 not found (it reads the --json output)" >&2
  exit 77
fi
"$SMCACHE" compile "$p/app.min.js.map" -o app.smc
"$SMCACHE" symbolicate --cache app.smc "$p/trace.txt"
"$SMCACHE" symbolicate --cache app.smc --json "$p/trace.txt" |
  python3 -c 'import json, sys
for l in json.load(sys.stdin)["lines"]:
    if l["kind"] == "frame":
        print(l["function_rule"], l["display_function"], len(l.get("inlined_callers", [])))'
