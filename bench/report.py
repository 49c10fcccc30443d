#!/usr/bin/env python3
"""Writes bench/RESULTS.md from smcache_sizes --json and smcache_bench --benchmark_out (JSON).

Usage: report.py --sizes SIZES.json --bench BENCH.json --command "CMD" [--machine-note TEXT]
Prints Markdown on stdout. Figures are medians; times are CPU time (user + system of the
process) with wall time beside where it matters, because the machine is shared and noisy.
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_total_gib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / (1024 * 1024)
    except OSError:
        pass
    return 0.0


def load_bench(path):
    """{(benchmark, input): {"cpu_ns", "real_ns", "counters"...}} from the median aggregates."""
    with open(path) as f:
        data = json.load(f)
    out, errors = {}, {}
    for b in data.get("benchmarks", []):
        run_name = b.get("run_name", b["name"])
        bench, _, inp = run_name.partition("/")
        if b.get("error_occurred"):
            errors[(bench, inp)] = b.get("error_message", "error")
            continue
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        scale = UNIT_NS[b.get("time_unit", "ns")]
        out[(bench, inp)] = {
            "cpu_ns": b["cpu_time"] * scale,
            "real_ns": b["real_time"] * scale,
            "per_iter": b.get("lookups_per_iteration", 1.0),
            "tokens": b.get("tokens"),
            "json_bytes": b.get("json_bytes"),
            "cache_bytes": b.get("cache_bytes"),
        }
    return data.get("context", {}), out, errors


def fmt_mb(n):
    return f"{n / (1024 * 1024):.2f}"


def fmt_size(n):
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.2f} MB"


def cell(results, errors, bench, inp, kind):
    key = (bench, inp)
    if key in errors:
        return "FAIL"
    r = results.get(key)
    if r is None:
        return "-"
    per = r["per_iter"]
    if kind == "ns":
        return f"{r['cpu_ns'] / per:.0f} ({r['real_ns'] / per:.0f})"
    if kind == "us":
        return f"{r['cpu_ns'] / 1e3:.1f} ({r['real_ns'] / 1e3:.1f})"
    if kind == "ms":
        return f"{r['cpu_ns'] / 1e6:.2f} ({r['real_ns'] / 1e6:.2f})"
    raise ValueError(kind)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", required=True)
    ap.add_argument("--bench", required=True)
    ap.add_argument("--command", required=True)
    ap.add_argument("--load-before", default="")
    args = ap.parse_args()

    with open(args.sizes) as f:
        sizes = json.load(f)
    context, results, errors = load_bench(args.bench)
    maps = sizes["maps"]
    runs = sizes.get("runs", 5)

    commit = sh("git", "rev-parse", "HEAD") or "unknown"
    dirty = " (plus uncommitted changes in the work tree)" if sh("git", "status", "--porcelain") else ""
    gxx = sh("c++", "--version").splitlines()[:1]
    libbench = sh("dpkg-query", "-W", "-f=${Version}", "libbenchmark-dev")
    reps = context.get("library_build_type", "")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    p = print
    p("# Benchmark results")
    p()
    p("Core benchmarks of smcache (issue 3's measurements; the side-by-side peer comparison of")
    p("issue 7 will live in `bench/compare/`). Regenerate with the command below; every figure is")
    p("a median, and every benchmark checked its answers against an independent reference decoder")
    p("(`bench/bench_common.cpp`) before and during timing: a wrong answer fails the run, it is")
    p("never timed.")
    p()
    p(f"- Date: {now}")
    p(f"- Commit: `{commit}`{dirty}")
    p(f"- Machine: {os.cpu_count()} cores (`nproc`), {cpu_model()}, {mem_total_gib():.0f} GiB RAM, "
      f"Linux {platform.release()}")
    if args.load_before:
        p(f"- Load average before the run: {args.load_before}")
    p(f"- Compiler: {gxx[0] if gxx else 'unknown'}; Google Benchmark {libbench or '?'} (Debian's "
      f"package; it reports itself as a `{reps or '?'}` build, which affects only its own bookkeeping)")
    p(f"- Command: `{args.command}`")
    p()
    p("**The machine is shared and noisy**: 2 cores used by several jobs at once (other builds ran")
    p("during this run). Times are therefore given as **CPU time** (user + system time of the")
    p("benchmarking thread, which being descheduled does not inflate; the code under test is")
    p("single-threaded) with **wall time in parentheses**; treat")
    p("differences under ~20% as noise. Callgrind instruction counts are the tool for small changes.")
    p()

    ok = [m for m in maps if not m.get("error")]
    baseline = min((m["baseline_rss_mb"] for m in ok), default=0.0)
    bad = [m for m in maps if m.get("error")]

    def row(m):
        text = m["mappings_bytes"] + m["names_bytes"] + m["sources_bytes"]
        ratio = m["cache_no_content_bytes"] / text if text else 0.0
        rss_x = (m["peak_rss_mb"] * 1024 * 1024) / m["json_bytes"] if m["json_bytes"] else 0.0
        return (f"| {m['id']} | {fmt_size(m['json_bytes'])} | {m['tokens']:,} | "
                f"{m['compile_cpu_ms_median']:.1f} ({m['compile_ms_median']:.1f}) | "
                f"{m['peak_rss_mb']:.1f} ({rss_x:.1f}x) | {fmt_size(m['cache_bytes'])} | "
                f"{fmt_size(m['cache_no_content_bytes'])} | {fmt_size(text)} | {ratio:.3f} | "
                f"{cell(results, errors, 'BM_Lookup', m['id'], 'ns')} | "
                f"{cell(results, errors, 'BM_LookupBatch', m['id'], 'ns')} | "
                f"{cell(results, errors, 'BM_OpenFirstLookup', m['id'], 'us')} |")

    header = (
        f"| map | JSON | tokens | compile ms (median of {runs}) | peak RSS MB (x JSON) | "
        "cache | cache, no content | m+n+s | no content / m+n+s | lookup ns | "
        "batch lookup ns | open + first lookup us |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")

    big = [m for m in ok if m["json_bytes"] >= 1024 * 1024]
    if ok:
        ratios = [(m["cache_no_content_bytes"] / (m["mappings_bytes"] + m["names_bytes"] +
                                                   m["sources_bytes"]), m["id"]) for m in ok]
        p("## Summary")
        p()
        worst = max(ratios)
        p(f"- Size: cache without sourcesContent / (`mappings` + `names` + `sources` text) is "
          f"{min(ratios)[0]:.3f} .. {worst[0]:.3f} over {len(ok)} real maps (largest: "
          f"{worst[1]}); target <= 1.0: {'met' if worst[0] <= 1.0 else 'NOT met'}.")
        if big:
            rss = [(m["peak_rss_mb"] * 1024 * 1024 / m["json_bytes"], m["id"]) for m in big]
            p(f"- Peak RSS of a compile, maps >= 1 MB: {min(rss)[0]:.1f}x .. {max(rss)[0]:.1f}x "
              f"the JSON size (issue 7's target is <= 2x).")
        lk = [(results[("BM_Lookup", m["id"])]["cpu_ns"], m["id"]) for m in ok
              if ("BM_Lookup", m["id"]) in results]
        if lk:
            p(f"- Lookup (CPU, median): {min(lk)[0]:.0f} .. {max(lk)[0]:.0f} ns per lookup "
              f"(slowest: {max(lk)[1]}).")
        op = [(results[("BM_OpenFirstLookup", m["id"])]["cpu_ns"], m["id"]) for m in ok
              if ("BM_OpenFirstLookup", m["id"]) in results]
        if op:
            p(f"- Open + first lookup (CPU, median): {min(op)[0] / 1e3:.1f} .. "
              f"{max(op)[0] / 1e3:.1f} us.")
        p(f"- Failed checks: {len(errors)}" + (" (see Failures)" if errors else "") + ".")
        p()

    p("## The three largest real maps")
    p()
    p(header)
    for m in sorted(ok, key=lambda m: -m["json_bytes"])[:3]:
        p(row(m))
    p()
    p("## All real maps")
    p()
    p("Columns: *compile* is `smcache::compile` from bytes in-process (CPU, wall in parentheses),")
    p(f"median of {runs}; *peak RSS* is the VmHWM of a fresh process that runs `compile_file` (read")
    p("the map, compile, write the cache atomically), with its ratio to the JSON size (the process")
    p(f"alone, before compiling, is ~{baseline:.1f} MB: small maps' ratios are that); *cache* is")
    p("with `sourcesContent` (the default), *no content* without it; *m+n+s* is the compact JSON")
    p("text of the map's `mappings`, `names` and `sources` values (RapidJSON); *lookup* is one GLB")
    p("lookup at a random position (half exactly on a token, half between), *batch* is the same")
    p("per lookup within batches of 32 stack traces x 24 frames; *open + first lookup* is")
    p("`Cache::open` of the cache file plus one lookup, page cache warm. Lookup and open figures")
    p("are Google Benchmark medians of the repetitions (CPU, wall in parentheses).")
    p()
    p(header)
    for m in sorted(ok, key=lambda m: m["json_bytes"]):
        p(row(m))
    for m in bad:
        p(f"| {m['id']} | FAILED: {m['error']} |||||||||||")
    p()
    p("## Synthetic maps")
    p()
    p("Generated in code (`make_synthetic`): minified-bundle shape (a few long generated lines,")
    p("many segments per line, ~40% named, 2% 1-field segments, 1% repeated positions), no")
    p("`sourcesContent`. Compile is Google Benchmark's `BM_Compile` median.")
    p()
    p("| input | JSON | tokens | cache | compile ms | lookup ns | batch lookup ns | "
      "open + first lookup us |")
    p("|---|---:|---:|---:|---:|---:|---:|---:|")
    synth = sorted({inp for (_, inp) in list(results) + list(errors) if inp.startswith("synth_")},
                   key=lambda s: results.get(("BM_Lookup", s), {}).get("json_bytes") or 0)
    for s in synth:
        r = results.get(("BM_Lookup", s)) or results.get(("BM_Compile", s)) or {}
        jb, tk, cb = r.get("json_bytes"), r.get("tokens"), r.get("cache_bytes")
        p(f"| {s} | {fmt_size(jb) if jb else '-'} | {int(tk):,} | {fmt_size(cb) if cb else '-'} | "
          f"{cell(results, errors, 'BM_Compile', s, 'ms')} | "
          f"{cell(results, errors, 'BM_Lookup', s, 'ns')} | "
          f"{cell(results, errors, 'BM_LookupBatch', s, 'ns')} | "
          f"{cell(results, errors, 'BM_OpenFirstLookup', s, 'us')} |" if tk else f"| {s} | FAILED |||||||")
    p()
    if errors:
        p("## Failures")
        p()
        for (b, inp), msg in sorted(errors.items()):
            p(f"- `{b}/{inp}`: {msg}")
        p()
    p("## The maps")
    p()
    p("Pinned in `bench/maps.tsv` (package, exact version, path in the tarball, sha256 of the map);")
    p("`scripts/fetch-maps.sh` fetches them with `npm pack` into `bench/.data/` (not committed).")
    p()
    p("| id | package@version | path | producer | sourcesContent | sha256 (prefix) | tokens | "
      "generated lines | sources | names |")
    p("|---|---|---|---|---|---|---:|---:|---:|---:|")
    for m in sorted(maps, key=lambda m: m["json_bytes"]):
        p(f"| {m['id']} | {m['package']}@{m['version']} | `{m['path'].removeprefix('package/')}` | "
          f"{m['producer']} | {m['sources_content']} | `{m['sha256'][:12]}` | {m['tokens']:,} | "
          f"{m['generated_lines']:,} | {m['source_count']:,} | {m['name_count']:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
