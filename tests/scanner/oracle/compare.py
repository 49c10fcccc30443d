#!/usr/bin/env python3
"""Compares the converter's scanner (scanner_dump) with the TypeScript parser (oracle.js).

usage: compare.py SCANNER_DUMP MAP [EXAMPLES]

Prints one line of counts per map and up to EXAMPLES (default 10) differences:
  missing    a function the parser found and the scanner did not (or with another range)
  extra      a range the scanner found that is not a function for the parser
  type_extra an extra range that is a function type node (no runtime position falls in it)
  name       same range, different name
Sources the parser reports syntax errors in are counted, not compared. Exit status 1 when a
function is missing or has another name, else 0.
"""
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))


def lines(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return {d["source"]: d for d in map(json.loads, out.splitlines())}


def main():
    dump, map_path = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    mine = lines([dump, map_path])
    theirs = lines(["node", "--max-old-space-size=4096", os.path.join(here, "oracle.js"), map_path])
    with open(map_path, encoding="utf-8") as f:
        names = json.load(f)["sources"]
    stats = dict(sources=0, parse_errors=0, skipped=0, exact=0, functions=0, missing=0,
                 extra=0, type_extra=0, name=0)
    examples = []
    for s, t in theirs.items():
        stats["sources"] += 1
        if t["errors"]:
            stats["parse_errors"] += 1
            continue
        me = mine.get(s)
        if me is None or me["status"] != 0:
            stats["skipped"] += 1
            continue
        a = set(map(tuple, t["functions"]))
        b = set(map(tuple, me["functions"]))
        types = set(map(tuple, t["types"]))
        stats["functions"] += len(a)
        missing, extra = a - b, b - a
        type_extra = {x for x in extra if x[:4] in types}
        extra -= type_extra
        by_range_a = {x[:4]: x[4] for x in missing}
        by_range_b = {x[:4]: x[4] for x in extra}
        renamed = set(by_range_a) & set(by_range_b)
        missing = {x for x in missing if x[:4] not in renamed}
        extra = {x for x in extra if x[:4] not in renamed}
        for key, found in (("missing", missing), ("extra", extra), ("type_extra", type_extra)):
            stats[key] += len(found)
        stats["name"] += len(renamed)
        if not missing and not extra and not renamed:
            stats["exact"] += 1
        for r in sorted(renamed):
            examples.append(("name", names[s], r, "parser:", by_range_a[r], "scanner:", by_range_b[r]))
        examples += [("missing", names[s], x) for x in sorted(missing)]
        examples += [("extra", names[s], x) for x in sorted(extra)]
    print(os.path.basename(map_path), json.dumps(stats))
    for e in examples[:limit]:
        print("  ", e)
    return 1 if stats["missing"] or stats["name"] else 0


if __name__ == "__main__":
    sys.exit(main())
