"""smcache.compile and smcache.compile_file (bindings/python/smcache/cache.py)."""

import smcache
from conftest import SAMPLE_MAP


def test_compile_is_deterministic_and_accepts_text(sample_map_bytes):
    a = smcache.compile(sample_map_bytes)
    assert isinstance(a, bytes) and len(a) % 8 == 0
    assert a == smcache.compile(sample_map_bytes)
    assert a == smcache.compile(sample_map_bytes.decode())  # str is encoded as UTF-8
    assert a == smcache.compile(bytearray(sample_map_bytes))
    assert a == smcache.compile(memoryview(sample_map_bytes))


def test_compile_file_writes_the_same_bytes(tmp_path, sample_map_bytes):
    map_path = tmp_path / "min.js.map"
    map_path.write_bytes(sample_map_bytes)
    out = tmp_path / "min.js.smcache"
    assert smcache.compile_file(map_path, out) is None
    assert out.read_bytes() == smcache.compile(sample_map_bytes)
    smcache.compile_file(str(map_path), str(out))  # str paths, overwriting
    assert out.read_bytes() == smcache.compile(sample_map_bytes)
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers == ["min.js.map", "min.js.smcache"]  # no temporary file left behind


def test_compile_options(sample_map_bytes):
    names_only = smcache.compile(sample_map_bytes, include_sources_content=False)
    with smcache.Cache.from_bytes(names_only) as c:
        assert [s.has_content for s in c.sources] == [False, False, False]
        assert c.source_line(0, 0) is None
        assert c.lookup(0, 100).name == "foo"  # lookups unaffected
    small_blocks = smcache.compile(sample_map_bytes, block_token_count=1)
    with smcache.Cache.from_bytes(small_blocks) as c, smcache.Cache.from_bytes(
            smcache.compile(sample_map_bytes)) as ref:
        assert c.info().block_token_count == 1
        assert list(c.tokens()) == list(ref.tokens())


def test_compile_index_map():
    inner = {k: SAMPLE_MAP[k] for k in ("version", "sources", "names", "mappings")}
    index_map = {"version": 3, "sections": [{"offset": {"line": 10, "column": 0}, "map": inner}]}
    import json

    with smcache.Cache.from_bytes(smcache.compile(json.dumps(index_map))) as c:
        assert c.lookup(10, 100).name == "foo"  # line 0 of the section, shifted by 10
        assert c.lookup(0, 0) is None
