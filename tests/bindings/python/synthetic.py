"""Synthetic source maps of any size, deterministic from a seed, for tests and benchmarks."""

import json
import random

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def vlq(value: int) -> str:
    v = ((-value) << 1) | 1 if value < 0 else value << 1
    out = []
    while True:
        digit = v & 31
        v >>= 5
        if v:
            digit |= 32
        out.append(_B64[digit])
        if not v:
            return "".join(out)


def make_map(lines: int = 2000, per_line: int = 100, sources: int = 20, names: int = 500,
             content_lines: int = 200, content_line_bytes: int = 40, seed: int = 1,
             with_content: bool = True) -> dict:
    """A map of ``lines`` generated lines with ``per_line`` 4- or 5-field segments each, columns
    strictly increasing, pointing at random (source, line, column), 30% with a name."""
    rnd = random.Random(seed)
    prev_source = prev_line = prev_column = prev_name = 0
    out_lines = []
    for _ in range(lines):
        column = prev_gen = 0
        segments = []
        for _ in range(per_line):
            column += rnd.randint(1, 30)
            s, l, c = rnd.randrange(sources), rnd.randrange(content_lines), rnd.randrange(80)
            seg = vlq(column - prev_gen) + vlq(s - prev_source) + vlq(l - prev_line) + vlq(
                c - prev_column)
            prev_gen, prev_source, prev_line, prev_column = column, s, l, c
            if rnd.random() < 0.3:
                n = rnd.randrange(names)
                seg += vlq(n - prev_name)
                prev_name = n
            segments.append(seg)
        out_lines.append(",".join(segments))
    m = {
        "version": 3,
        "file": "bundle.js",
        "sources": [f"src/file{i}.js" for i in range(sources)],
        "names": [f"name{i}" for i in range(names)],
        "mappings": ";".join(out_lines),
    }
    if with_content:
        pad = "x" * content_line_bytes
        m["sourcesContent"] = [
            "\n".join(f"// file {i} line {j} {pad}" for j in range(content_lines))
            for i in range(sources)
        ]
    return m


def make_map_bytes(**kwargs) -> bytes:
    return json.dumps(make_map(**kwargs), separators=(",", ":")).encode()


def queries(count: int, lines: int, max_column: int, seed: int = 2):
    """Random (line, column) pairs, a few past the last line."""
    rnd = random.Random(seed)
    return [(rnd.randrange(lines + 2), rnd.randrange(max_column)) for _ in range(count)]
