"""Writes inlined.min.js.map: a hand-made map whose ECMA-426 `scopes` (the combined 2025
encoding, as swc writes it) have two levels of inlined calls, the fixture of the inlined-frame
tests (C++, C, Python, CLI). Run: python3 make_map.py > inlined.min.js.map

Sources: src/main.js (main calls compute at 5:14) and src/math.js (compute calls square at
5:16, inside a block). Generated line 0 of inlined.min.js, ranges by column:
  [0, 200) main.js's root      [10, 100) main
  [20, 80) compute, inlined: call site main.js 5:14 (0-based 4:13)
  [30, 60) compute's block      [40, 50) square, inlined: call site math.js 5:15 (4:14)
  [110, 120) square, inlined into top-level code: call site main.js 16:1 (15:0)
"""
import json

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def vlq(v, signed=False):
    if signed:
        v = (-v << 1) | 1 if v < 0 else v << 1
    out = ""
    while True:
        d = v & 31
        v >>= 5
        out += B64[d | (32 if v else 0)]
        if not v:
            return out


def s(v):
    return vlq(v, True)


main_js = "\n".join([
    "// main.js",
    "function main() {",
    "  const n = 3;",
    "  // compute is inlined here",
    "  return 1 + compute(n);",
    "}",
] + [""] * 9 + ["square(2); // top-level call, inlined", ""])
math_js = "\n".join([
    "// math.js",
    "",
    "function compute(n) {",
    "  {",
    "    const r = square(n);",
    "    return r;",
    "  }",
    "}",
    "",
    "",
    "function square(x) {",
    "  if (x > 2) throw new Error(\"x\");",
    "  return x * x;",
    "}",
    "",
])
names = ["main", "compute", "square", "function", "block"]

# Original scopes: B flags line-delta column [name delta] [kind delta]; C line-delta column.
# Flags: 1 name, 2 kind, 4 stack frame. Each source's tree starts at (0, 0).
items = []
# main.js: root [0:0, 20:0) { main [1:0, 10:0) }
items += ["B" + vlq(0) + vlq(0) + vlq(0),
          "B" + vlq(7) + vlq(1) + vlq(0) + s(0) + s(3),  # main, kind function (name 0, kind 3)
          "C" + vlq(9) + vlq(0),
          "C" + vlq(10) + vlq(0)]
# math.js: root [0:0, 30:0) { compute [2:0, 9:0) { block [3:2, 6:0) } square [10:0, 12:0) }
items += ["B" + vlq(0) + vlq(0) + vlq(0),
          "B" + vlq(7) + vlq(2) + vlq(0) + s(1) + s(0),   # compute (name 1), kind function
          "B" + vlq(2) + vlq(1) + vlq(2) + s(1),          # block: kind 4
          "C" + vlq(3) + vlq(0),
          "C" + vlq(3) + vlq(0),
          "B" + vlq(7) + vlq(1) + vlq(0) + s(1) + s(-1),  # square (name 2), kind function (3)
          "C" + vlq(2) + vlq(0),
          "C" + vlq(18) + vlq(0)]
# Scope indices (pre-order, all sources): 0 main.js root, 1 main, 2 math.js root, 3 compute,
# 4 block, 5 square.
# Generated ranges: E flags [line] column [definition delta]; F column; I source line column.
# Flags: 1 line, 2 definition, 4 stack frame. Columns are deltas on the same line.
col = 0
defn = 0


def E(start, definition, frame=False):
    global col, defn
    item = "E" + vlq(2 | (4 if frame else 0)) + vlq(start - col) + s(definition - defn)
    col, defn = start, definition
    return item


def F(end):
    global col
    item = "F" + vlq(end - col)
    col = end
    return item


def I(source, line, column):
    return "I" + vlq(source) + vlq(line) + vlq(column)


items += [E(0, 0), E(10, 1, True), E(20, 3, True), I(0, 4, 13), E(30, 4), E(40, 5, True),
          I(1, 4, 14), F(50), F(60), F(80), F(100), E(110, 5, True), I(0, 15, 0), F(120),
          F(200)]

# Mappings on generated line 0: column -> (source, line, column).
segments = [(0, 0, 0, 0), (10, 0, 2, 2), (20, 1, 3, 2), (30, 1, 4, 4), (40, 1, 11, 13),
            (50, 1, 5, 2), (60, 1, 7, 2), (80, 0, 5, 2), (100, 0, 12, 0), (110, 1, 10, 4),
            (120, 0, 16, 0)]
prev = [0, 0, 0, 0]
out = []
for seg in segments:
    out.append("".join(s(v - p) for v, p in zip(seg, prev)))
    prev = list(seg)

print(json.dumps({
    "version": 3,
    "file": "inlined.min.js",
    "sources": ["src/main.js", "src/math.js"],
    "sourcesContent": [main_js, math_js],
    "names": names,
    "mappings": ",".join(out),
    "scopes": ",".join(items),
}, indent=1))
