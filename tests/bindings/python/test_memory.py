"""Memory: N processes open the same large cache and look up over all of it; the cache's pages
are shared through the page cache, so each process's private memory stays small and flat as the
cache grows (the point of mmap for Python worker fleets).

Each worker reads /proc/self/smaps_rollup before opening and after its lookups, and the smaps
entry of the cache mapping itself, while all N workers still have the file mapped (a page is
"Shared" only while two or more processes map it). Numbers are printed as a table."""

import json
import os
import subprocess
import sys

import pytest

import smcache
import synthetic

PROCESSES = 8

# Collected and skipped (not a module-level skip, which would collect nothing: exit 5).
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("SMCACHE_SANITIZE")),
    reason="SKIPPED: memory accounting is meaningless under sanitizers "
           f"(SMCACHE_SANITIZE={os.environ.get('SMCACHE_SANITIZE')})")

WORKER = r"""
import json, sys
import smcache

def rollup():
    out = {}
    with open("/proc/self/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                out[parts[0].rstrip(":")] = int(parts[1])
    return out

def mapping(path):
    # Sums the smaps fields of every mapping of `path` (there is one).
    out, current = {}, False
    with open("/proc/self/smaps") as f:
        for line in f:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5 and ":" in parts[3]:  # a mapping header
                current = len(parts) >= 6 and " ".join(parts[5:]) == path
                continue
            if current and len(parts) == 3 and parts[2] == "kB":
                key = parts[0].rstrip(":")
                out[key] = out.get(key, 0) + int(parts[1])
    return out

path = sys.argv[1]
before = rollup()
cache = smcache.open(path)
info = cache.info()
cache.verify()  # every checksum: reads every byte of the file
found = 0
for line in range(info.generated_line_count + 1):
    for column in (0, 300, 900, 1500, 3000):
        found += cache.lookup(line, column) is not None
found += sum(t is not None for t in cache.lookup_many(
    [(line, 2000) for line in range(info.generated_line_count)]))
lines = 0
for source in cache.sources:
    for i in range(0, source.line_count, 7):  # every page of the content
        lines += cache.source_line(source.index, i) is not None
print("ready", flush=True)
sys.stdin.readline()  # every worker has the file mapped and touched now
after = rollup()
print(json.dumps({"before": before, "after": after, "mapping": mapping(path), "found": found,
                  "lines": lines}), flush=True)
sys.stdin.readline()  # stay mapped until every worker has measured
"""


def _private_kb(r):
    return r.get("Private_Clean", 0) + r.get("Private_Dirty", 0)


def _run_workers(path):
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True) for _ in range(PROCESSES)]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready"
        for p in procs:
            p.stdin.write("measure\n")
            p.stdin.flush()
        results = [json.loads(p.stdout.readline()) for p in procs]
        for p in procs:
            p.stdin.write("exit\n")
            p.stdin.flush()
        for p in procs:
            assert p.wait(timeout=120) == 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    return results


@pytest.fixture(scope="module")
def measurements(tmp_path_factory):
    d = tmp_path_factory.mktemp("memory")
    sizes = {
        # ~3 MB and ~40 MB caches: 100k and 900k mappings, 2.6 MB and 34 MB of sources.
        "small": dict(lines=1000, per_line=100, sources=20, content_lines=2000),
        "large": dict(lines=6000, per_line=150, sources=50, content_lines=8000,
                      content_line_bytes=60),
    }
    out = {}
    for label, params in sizes.items():
        map_path = d / f"{label}.js.map"
        map_path.write_bytes(synthetic.make_map_bytes(**params))
        cache_path = d / f"{label}.smcache"
        smcache.compile_file(map_path, cache_path)  # fsyncs: the page cache holds clean pages
        map_path.unlink()
        size = cache_path.stat().st_size
        out[label] = (size, _run_workers(cache_path))
    return out


def test_print_table(measurements, capsys):
    rows = [f"{'cache':>6} {'size MB':>8} {'proc':>4} {'map Rss':>8} {'map Shared':>10} "
            f"{'map Pss':>8} {'map Private':>11} {'proc private +':>14} {'proc Rss +':>10}"]
    for label, (size, results) in measurements.items():
        for i, r in enumerate(results):
            m = r["mapping"]
            rows.append(
                f"{label:>6} {size / 1e6:>8.1f} {i:>4} {m.get('Rss', 0) / 1024:>7.1f}M "
                f"{(m.get('Shared_Clean', 0) + m.get('Shared_Dirty', 0)) / 1024:>9.1f}M "
                f"{m.get('Pss', 0) / 1024:>7.1f}M "
                f"{(m.get('Private_Clean', 0) + m.get('Private_Dirty', 0)) / 1024:>10.1f}M "
                f"{(_private_kb(r['after']) - _private_kb(r['before'])) / 1024:>13.1f}M "
                f"{(r['after']['Rss'] - r['before']['Rss']) / 1024:>9.1f}M")
    with capsys.disabled():
        print(f"\n{PROCESSES} processes per cache (M = MiB):\n" + "\n".join(rows))


@pytest.mark.parametrize("label", ["small", "large"])
def test_each_process_maps_the_whole_cache_shared(measurements, label):
    size, results = measurements[label]
    size_kb = size / 1024
    for r in results:
        m = r["mapping"]
        assert r["found"] > 0 and r["lines"] > 0
        # The whole file was touched (verify reads every byte) ...
        assert m["Rss"] >= 0.9 * size_kb, m
        # ... and its pages are shared with the other workers, never copied or dirtied.
        assert m["Shared_Clean"] + m.get("Shared_Dirty", 0) >= 0.9 * size_kb, m
        assert m.get("Private_Dirty", 0) == 0, m
        assert m["Pss"] <= 0.5 * size_kb, m  # proportional share: about size / PROCESSES


@pytest.mark.parametrize("label", ["small", "large"])
def test_private_memory_per_process_is_far_below_cache_size(measurements, label):
    size, results = measurements[label]
    for r in results:
        private = (_private_kb(r["after"]) - _private_kb(r["before"])) * 1024
        assert private < 0.25 * size, (private, size)


def test_private_memory_stays_flat_as_the_cache_grows(measurements):
    (small_size, small), (large_size, large) = measurements["small"], measurements["large"]

    def median_private(results):
        values = sorted(_private_kb(r["after"]) - _private_kb(r["before"]) for r in results)
        return values[len(values) // 2] * 1024

    growth = median_private(large) - median_private(small)
    # The cache grows by ~37 MB; private memory grows by a small fraction of that (Python
    # objects for the extra lookups), not with the cache.
    assert growth < 0.1 * (large_size - small_size), (growth, large_size - small_size)
