#!/usr/bin/python3
"""Python lookup latency over libsmcache.so: single lookups, lookup_many in batches, open +
lookup + close, and the bare FFI call, next to the same through the C ABI from C
(bench/c/bench_c_lookup.c) on the same cache and queries. With --api-mode it also builds a CFFI
API-mode (compiled) module and measures it, which is how bindings/python/README.md's choice of
ABI mode was made.

Every run checks that all implementations give the same answers (a hash of every answer) and
exits 1 on a difference. Times are medians (and minimums) over --repeats runs, in ns per lookup.

Usage (from the repository root, after building smcache_c and bench_c_lookup):
  PYTHONPATH=bindings/python /usr/bin/python3 bench/python/bench_lookup.py \
      [--map bench/.data/maps/hls-min.map] [--c-bench build/bin/bench_c_lookup] [--api-mode]
"""

import argparse
import json
import random
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "bindings" / "python"))  # synthetic.py

import smcache  # noqa: E402
import smcache._errors as _errors  # noqa: E402
import smcache.cache as _cache  # noqa: E402
from smcache._cdef import CDEF  # noqa: E402

MASK = (1 << 64) - 1


def fold(h, v):
    return ((h ^ v) * 1099511628211) & MASK


def answers_hash(tokens):
    """The hash bench_c_lookup.c prints: (found count, fold over every answer)."""
    h, hits = 14695981039346656037, 0
    for t in tokens:
        if t is None:
            h = fold(h, MASK)
            continue
        hits += 1
        h = fold(h, t.source_index + 1)
        h = fold(h, t.line)
        h = fold(h, t.column)
        h = fold(h, len(t.name.encode()) + 1 if t.name is not None else 0)
    return hits, h


def make_queries(cache, count, seed=7):
    """Half exactly on a random mapping's generated position, half random columns within the
    mapped width of a random line (as a stack trace would mix)."""
    rnd = random.Random(seed)
    tokens = [(t.generated_line, t.generated_column) for t in cache.tokens()]
    width = {}
    for line, column in tokens:
        width[line] = max(width.get(line, 0), column)
    lines = sorted(width)
    qs = []
    for i in range(count):
        if i % 2 == 0:
            qs.append(tokens[rnd.randrange(len(tokens))])
        else:
            line = lines[rnd.randrange(len(lines))]
            qs.append((line, rnd.randrange(width[line] + 16)))
    return qs


def measure(fn, ops, repeats):
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - t0) / ops)
    return statistics.median(samples), min(samples)


def bench_python(label, cache_path, qs, repeats, results):
    """Measures one implementation into results[f"{label}_..."] = (median, min); returns the
    answers' hash."""
    n = len(qs)
    with smcache.open(cache_path) as cache:
        lookup = cache.lookup
        results[f"{label}_lookup"] = measure(lambda: [lookup(l, c) for l, c in qs], n, repeats)
        for batch in (1, 10, 1000):
            chunks = [qs[i:i + batch] for i in range(0, n - n % batch, batch)]
            many = cache.lookup_many
            results[f"{label}_lookup_many_batch{batch}"] = measure(
                lambda: [many(chunk) for chunk in chunks], n - n % batch, repeats)
        # The bare FFI call: what is left when no Token is built.
        h, slot = cache._h, _cache._new_slot()
        raw, null = _cache.lib.smcache_cache_lookup, _cache.ffi.NULL
        results[f"{label}_raw_ffi_call"] = measure(
            lambda: [raw(h, l, c, 0, slot[0], null) for l, c in qs], n, repeats)
        answers = cache.lookup_many(qs)
        assert answers == [lookup(l, c) for l, c in qs], "lookup_many differs from lookup"
    opens = 200

    def open_lookup_close():
        for k in range(opens):
            with smcache.open(cache_path) as c:
                c.lookup(*qs[k % n])

    results[f"{label}_open_lookup_close"] = measure(open_lookup_close, opens, repeats)
    return answers_hash(answers)


def use_api_mode(tmp):
    """Builds an API-mode CFFI module over the same declarations and swaps it into the package
    (module globals), so the same Python code runs over compiled stubs instead of libffi."""
    from cffi import FFI

    lib_path = Path(smcache.library_path()).resolve()
    ffi = FFI()
    ffi.cdef(CDEF)
    ffi.set_source("_smcache_api_mode", '#include "smcache.h"',
                   include_dirs=[str(REPO / "bindings" / "c" / "include")],
                   extra_objects=[str(lib_path)],
                   extra_link_args=[f"-Wl,-rpath,{lib_path.parent}"])
    ffi.compile(tmpdir=tmp, verbose=False)
    sys.path.insert(0, tmp)
    import _smcache_api_mode as api

    _cache.ffi = _errors.ffi = api.ffi
    _cache.lib = _errors.lib = api.lib
    _cache._NULL = api.ffi.NULL
    _cache._lookup = api.lib.smcache_cache_lookup
    _cache._lookup_many = api.lib.smcache_cache_lookup_many
    _cache._new_uncleared = api.ffi.new_allocator(should_clear_after_alloc=False)
    _cache._slots.clear()


def read_queries(path):
    data = Path(path).read_bytes()
    return [struct.unpack_from("<II", data, i) for i in range(0, len(data), 8)]


def child(args):
    """One measurement round in a fresh interpreter: --child abi|api."""
    qs = read_queries(args.queries_file)
    with tempfile.TemporaryDirectory() as tmp:
        if args.child == "api":
            use_api_mode(tmp)
        results = {}
        h = bench_python(args.child, args.cache, qs, args.repeats, results)
    print(json.dumps({"results": results, "hash": h}))
    return 0


def main():
    default_map = REPO / "bench" / ".data" / "maps" / "hls-min.map"
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--map", type=Path, default=default_map if default_map.exists() else None,
                   help="source map to compile (default: hls-min from bench/.data, else "
                        "a synthetic 200k-mapping map)")
    p.add_argument("--queries", type=int, default=20000)
    p.add_argument("--repeats", type=int, default=11, help="timed runs per round")
    p.add_argument("--rounds", type=int, default=3,
                   help="rounds, each in fresh processes, alternating the implementations so "
                        "that load on a shared machine hits them alike; medians over rounds")
    p.add_argument("--c-bench", type=Path,
                   default=next((c for c in (REPO / "build" / "bin" / "bench_c_lookup",)
                                 if c.exists()), None))
    p.add_argument("--api-mode", action="store_true",
                   help="also build and measure a CFFI API-mode module (needs cc, python3-dev)")
    p.add_argument("--child", choices=("abi", "api"), help=argparse.SUPPRESS)
    p.add_argument("--cache", help=argparse.SUPPRESS)
    p.add_argument("--queries-file", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        return child(args)

    with tempfile.TemporaryDirectory() as tmp:
        cache_path = Path(tmp) / "bench.smcache"
        if args.map:
            smcache.compile_file(args.map, cache_path)
            label = args.map.name
        else:
            import synthetic

            cache_path.write_bytes(smcache.compile(synthetic.make_map_bytes()))
            label = "synthetic 2000 lines x 100 mappings"
        with smcache.open(cache_path) as cache:
            info = cache.info()
            qs = make_queries(cache, args.queries)
        queries_path = Path(tmp) / "queries.bin"
        queries_path.write_bytes(b"".join(struct.pack("<II", l, c) for l, c in qs))
        print(f"map: {label}; cache {info.file_size} bytes, {info.token_count} mappings, "
              f"{info.generated_line_count} lines; {len(qs)} queries; {args.rounds} rounds x "
              f"{args.repeats} repeats; library {smcache.library_path()}")
        if not args.c_bench:
            print("note: no C benchmark (build target bench_c_lookup or pass --c-bench)")

        rounds = {}  # measurement -> [per-round (median, min)]
        hashes = {}
        modes = ["abi"] + (["api"] if args.api_mode else [])
        for r in range(args.rounds):
            order = modes + (["c"] if args.c_bench else [])
            if r % 2:
                order.reverse()
            for who in order:
                if who == "c":
                    out = subprocess.run([str(args.c_bench), str(cache_path), str(queries_path),
                                          "--repeats", str(args.repeats)], check=True,
                                         capture_output=True, text=True).stdout
                    for line in out.splitlines():
                        parts = line.split()
                        if parts[0] == "answers":
                            hashes["c"] = (int(parts[1]), int(parts[2]))
                        else:
                            rounds.setdefault(parts[0], []).append(
                                (float(parts[1]), float(parts[2])))
                    continue
                out = subprocess.run(
                    [sys.executable, __file__, "--child", who, "--cache", str(cache_path),
                     "--queries-file", str(queries_path), "--repeats", str(args.repeats)],
                    check=True, capture_output=True, text=True).stdout
                got = json.loads(out)
                hashes[f"python ({who.upper()} mode)"] = tuple(got["hash"])
                for name, value in got["results"].items():
                    rounds.setdefault(name, []).append(tuple(value))

    print(f"\n{'measurement':<30} {'median ns/op':>12} {'min ns/op':>10}")
    for name, values in rounds.items():
        median = statistics.median(v[0] for v in values)
        best = min(v[1] for v in values)
        print(f"{name:<30} {median:>12.1f} {best:>10.1f}")
    print("\nanswers (found, hash):")
    for who, h in hashes.items():
        print(f"  {who:<20} {h[0]} {h[1]}")
    if len(set(hashes.values())) != 1:
        print("FAIL: implementations disagree", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
