#!/usr/bin/env python3
"""Writes a release-like tree of generated bundles and source maps, to measure `smcache warm`.

Each bundle is `<dir>/static/js/chunk-<i>.js` (a //# sourceMappingURL= comment, and a
//# debugId= comment on every other file) beside `chunk-<i>.js.map`: a minified-shaped map (few
long generated lines) with 2-40 sources with sourcesContent, names and 1- to 5-field segments.
Sizes spread from a few kB to about 1 MB (log-uniform), like the chunks of a real web app.
Deterministic: the same arguments give the same bytes.

Usage: gen_maps.py DIR [COUNT=300] [SEED=1]
"""
import json
import math
import os
import random
import sys
import uuid

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def vlq(value):
    v = (-value << 1) | 1 if value < 0 else value << 1
    out = ""
    while True:
        digit = v & 31
        v >>= 5
        if v:
            digit |= 32
        out += B64[digit]
        if not v:
            return out


def make_map(rng, index, target_bytes):
    source_count = rng.randint(2, 40)
    sources = [f"webpack://app/src/module{index}_{s}.ts" for s in range(source_count)]
    names = [f"name{n}" for n in range(rng.randint(20, 400))]
    # sourcesContent takes about 40% of a real map's bytes; mappings most of the rest.
    contents = []
    content_budget = int(target_bytes * 0.4)
    for s in range(source_count):
        lines = []
        size = 0
        while size < content_budget // source_count:
            a, b = rng.choice(names), rng.choice(names)
            line = "  const %s = %s(%d);" % (a, b, rng.randint(0, 999))
            lines.append(line)
            size += len(line) + 1
        contents.append("\n".join(lines) + "\n")
    line_lengths = [c.count("\n") for c in contents]
    mappings = []
    size = 0
    prev = [0, 0, 0, 0]  # source, line, column, name (generated column resets per line)
    mapping_budget = target_bytes - content_budget
    while size < mapping_budget:
        segments = []
        col = 0
        for _ in range(rng.randint(200, 2000)):
            step = rng.randint(1, 40)
            col += step
            kind = rng.random()
            if kind < 0.05:
                seg = vlq(step)
            else:
                src = rng.randrange(source_count)
                line = rng.randrange(max(1, line_lengths[src]))
                column = rng.randint(0, 60)
                seg = vlq(step) + vlq(src - prev[0]) + vlq(line - prev[1]) + vlq(column - prev[2])
                prev[0], prev[1], prev[2] = src, line, column
                if kind < 0.5:
                    n = rng.randrange(len(names))
                    seg += vlq(n - prev[3])
                    prev[3] = n
            segments.append(seg)
        # The first segment's column delta is its absolute column: valid as written.
        text = ",".join(segments)
        mappings.append(text)
        size += len(text) + 1
    return {
        "version": 3,
        "file": f"chunk-{index}.js",
        "sources": sources,
        "sourcesContent": contents,
        "names": names,
        "mappings": ";".join(mappings),
    }


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    out = os.path.join(root, "static", "js")
    os.makedirs(out, exist_ok=True)
    total = 0
    for i in range(count):
        target = int(math.exp(rng.uniform(math.log(4_000), math.log(1_000_000))))
        m = make_map(rng, i, target)
        js = f"chunk{i}();\n"
        if i % 2 == 0:
            debug_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            m["debugId"] = debug_id
            js += f"//# debugId={debug_id}\n"
        js += f"//# sourceMappingURL=chunk-{i}.js.map\n"
        text = json.dumps(m, separators=(",", ":"))
        total += len(text)
        with open(os.path.join(out, f"chunk-{i}.js.map"), "w") as f:
            f.write(text)
        with open(os.path.join(out, f"chunk-{i}.js"), "w") as f:
            f.write(js)
    print(f"{count} maps, {total} bytes of JSON in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
