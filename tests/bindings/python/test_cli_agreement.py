"""The Python package gives the same answers as the smcache CLI (bindings/cli, C++ reader and
converter directly) on the same maps: compile bytes, lookups (both biases), GetOriginalPositions,
every token, the sources and the header info. Maps: the sample map, a synthetic one, and every
map of the source-map-tests suite that compiles."""

import json
import os
import subprocess
from pathlib import Path

import pytest

import smcache
import synthetic
from conftest import REPO, SAMPLE_MAP, cli_path

CLI = cli_path()
pytestmark = pytest.mark.skipif(
    CLI is None, reason="SKIPPED: smcache CLI not found (build target smcache or set SMCACHE_CLI)")


def conformance_maps():
    root = Path(os.environ.get("SMCACHE_CONFORMANCE_DIR",
                               REPO.parent / "shared" / "conformance" / "source-map-tests"))
    resources = root / "resources"
    if not resources.is_dir():
        return []
    return sorted(resources.glob("*.map"))


def run(*args, stdin=None) -> str:
    p = subprocess.run([CLI, *map(str, args)], input=stdin, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p.stdout


def original(t):
    return None if t is None or t.source_index is None else {
        "source": t.source, "line": t.line, "column": t.column, "name": t.name}


def queries_for(cache):
    # Every mapped column, one before and after it, column 0, on every line and one past.
    qs = set()
    for t in cache.tokens():
        for c in (t.generated_column, t.generated_column + 1, max(t.generated_column - 1, 0)):
            qs.add((t.generated_line, c))
    for line in range(cache.info().generated_line_count + 2):
        qs.add((line, 0))
    return sorted(qs)


def check_agreement(map_bytes: bytes, tmp_path: Path):
    map_path = tmp_path / "in.map"
    map_path.write_bytes(map_bytes)
    cache_path = tmp_path / "out.smcache"
    run("compile", map_path, "-o", cache_path)
    assert cache_path.read_bytes() == smcache.compile(map_bytes)

    with smcache.open(cache_path) as cache:
        qs = queries_for(cache)
        stdin = "".join(f"{l} {c}\n" for l, c in qs)
        for bias, flag in ((smcache.GREATEST_LOWER_BOUND, "glb"),
                           (smcache.LEAST_UPPER_BOUND, "lub")):
            cli = [json.loads(x) for x in run("lookup", "--bias", flag, cache_path, "-",
                                              stdin=stdin).splitlines()]
            assert cli == [original(t) for t in cache.lookup_many(qs, bias=bias)], flag
        cli_all = [json.loads(x) for x in run("lookup", "--all", cache_path, "-",
                                              stdin=stdin).splitlines()]
        assert cli_all == [[original(t) for t in cache.original_positions(l, c)] for l, c in qs]

        dump = [json.loads(x) for x in run("dump", cache_path).splitlines()]
        assert dump == [{
            "generated_line": t.generated_line, "generated_column": t.generated_column,
            "source": t.source, "line": None if t.source_index is None else t.line,
            "column": None if t.source_index is None else t.column, "name": t.name}
            for t in cache.tokens()]

        sources = [json.loads(x) for x in run("dump", "--sources", cache_path).splitlines()]
        assert sources == [{"index": s.index, "name": s.name, "ignored": s.ignored,
                            "has_content": s.has_content, "line_count": s.line_count}
                           for s in cache.sources]

        info = json.loads(run("info", cache_path))
        mine = cache.info()
        for field in ("file_size", "generated_line_count", "token_count", "source_count",
                      "string_count", "name_count", "block_token_count", "file", "debug_id",
                      "input_hash", "semantics_version"):
            assert info[field] == getattr(mine, field), field
        assert info["format_version"] == "%d.%d" % mine.format_version


def test_sample_map(tmp_path):
    check_agreement(json.dumps(SAMPLE_MAP).encode(), tmp_path)


def test_synthetic_map(tmp_path):
    check_agreement(synthetic.make_map_bytes(lines=40, per_line=30, sources=5, content_lines=50),
                    tmp_path)


def test_compile_options_agree(tmp_path):
    map_bytes = synthetic.make_map_bytes(lines=10, per_line=10, sources=3, content_lines=5)
    map_path = tmp_path / "in.map"
    map_path.write_bytes(map_bytes)
    out = tmp_path / "out.smcache"
    run("compile", map_path, "-o", out, "--no-sources-content", "--block-size", "4")
    assert out.read_bytes() == smcache.compile(map_bytes, include_sources_content=False,
                                               block_token_count=4)


MAPS = conformance_maps()


@pytest.mark.skipif(not MAPS, reason="SKIPPED: source-map-tests not found "
                    "(set SMCACHE_CONFORMANCE_DIR)")
def test_conformance_suite_maps(tmp_path):
    compiled = 0
    for path in MAPS:
        data = path.read_bytes()
        try:
            smcache.compile(data)
        except smcache.InvalidSourceMap:
            # The CLI must refuse it too (exit 1), with the same code's message.
            p = subprocess.run([CLI, "compile", str(path), "-o", str(tmp_path / "x")],
                               capture_output=True, text=True)
            assert p.returncode == 1, path.name
            continue
        sub = tmp_path / path.name
        sub.mkdir()
        check_agreement(data, sub)
        compiled += 1
    assert compiled >= 10
