"""Exceptions (bindings/python/smcache/_errors.py): each is raised by the input that should raise
it, with its code, message and position; file problems are OSError subclasses."""

import errno
import json

import pytest

import smcache


def test_hierarchy():
    for cls in (smcache.InvalidSourceMap, smcache.CorruptCache, smcache.UnsupportedVersion):
        assert issubclass(cls, smcache.Error)
    assert issubclass(smcache.Error, Exception)
    assert not issubclass(smcache.Error, OSError)


# Each row: map text, exception class, code, field (None: no field), position (byte offset,
# line, segment; None where unknown or not checked).
BAD_MAPS = [
    (b"", smcache.InvalidSourceMap, 100, None, (0, None, None)),  # empty input
    (b"{", smcache.InvalidSourceMap, 100, None, (1, None, None)),  # truncated JSON
    (b"\xff\xfe", smcache.InvalidSourceMap, 100, None, (0, None, None)),  # not text
    (b"[]", smcache.InvalidSourceMap, 101, None, None),  # not an object
    (b'{"version":2,"sources":[],"names":[],"mappings":""}',
     smcache.InvalidSourceMap, 101, "version", None),
    (b'{"version":3,"sources":[1],"names":[],"mappings":""}',
     smcache.InvalidSourceMap, 101, "sources[0]", None),
    (b'{"version":3,"sources":["a"],"names":[],"mappings":"AAAA,!"}',
     smcache.InvalidSourceMap, 102, "mappings", (57, 0, 1)),  # bad base64 in segment 1
    (b'{"version":3,"sources":["a"],"names":[],"mappings":"AAAA;AAAA,AEAA"}',
     smcache.InvalidSourceMap, 102, "mappings", (None, 1, 1)),  # source index 2 of 1
    (json.dumps({"version": 3, "sections": [
        {"offset": {"line": 1, "column": 0},
         "map": {"version": 3, "sources": [], "names": [], "mappings": ""}},
        {"offset": {"line": 0, "column": 0},
         "map": {"version": 3, "sources": [], "names": [], "mappings": ""}}]}).encode(),
     smcache.InvalidSourceMap, 103, "sections[1]", None),  # sections out of order
]


@pytest.mark.parametrize("text,cls,code,field,position", BAD_MAPS)
def test_compile_errors(text, cls, code, field, position):
    with pytest.raises(cls) as info:
        smcache.compile(text)
    e = info.value
    assert e.code == code
    assert e.message == str(e) and e.message and e.message == e.message.strip()
    assert not e.message.endswith(".")
    assert e.field == field
    assert isinstance(e.position, smcache.Position)
    if position is not None:
        for got, want in zip(e.position, position):
            if want is not None:
                assert got == want, (e.position, position)
    assert repr(e).startswith(f"InvalidSourceMap(code={code} (")


def test_limits_exceeded_are_invalid_source_map(sample_map_bytes):
    # Caps below the map's size and segment count: fix the map (or raise the limit).
    with pytest.raises(smcache.InvalidSourceMap) as info:
        smcache.compile(sample_map_bytes, max_input_bytes=10)
    assert info.value.code == 104
    assert info.value.code_name == "limit_exceeded"
    with pytest.raises(smcache.InvalidSourceMap) as info:
        smcache.compile(sample_map_bytes, max_tokens=3)
    assert info.value.code == 104


def test_bad_compile_options_are_value_errors():
    with pytest.raises(ValueError, match="block_token_count"):
        smcache.compile(b'{"version":3,"sources":[],"names":[],"mappings":""}',
                        block_token_count=3)


def test_not_a_cache(tmp_path):
    with pytest.raises(smcache.CorruptCache) as info:
        smcache.Cache.from_bytes(b"{" + b" " * 255)
    assert info.value.code == 200 and info.value.code_name == "not_a_cache"


def test_truncated(sample_cache_bytes, tmp_path):
    with pytest.raises(smcache.CorruptCache) as info:
        smcache.Cache.from_bytes(sample_cache_bytes[:-8])
    assert info.value.code == 201
    with pytest.raises(smcache.CorruptCache) as info:
        smcache.Cache.from_bytes(b"")
    assert info.value.code == 201
    empty = tmp_path / "empty.smcache"
    empty.write_bytes(b"")
    with pytest.raises(smcache.CorruptCache) as info:
        smcache.open(empty)
    assert info.value.code == 201


def test_unsupported_version(sample_cache_bytes):
    data = bytearray(sample_cache_bytes)
    data[8:10] = (2).to_bytes(2, "little")  # format_major 2
    with pytest.raises(smcache.UnsupportedVersion) as info:
        smcache.Cache.from_bytes(data)
    assert info.value.code == 300
    assert "2" in info.value.message


def test_verify_finds_corruption(sample_cache_bytes):
    data = bytearray(sample_cache_bytes)
    data[-16] ^= 0x40  # inside token_data; open checks only header and directory
    with smcache.Cache.from_bytes(data) as c:
        with pytest.raises(smcache.CorruptCache) as info:
            c.verify()
        assert info.value.code in (202, 203)


def test_corrupt_data_never_crashes(sample_cache_bytes):
    # Flip every byte past the header and directory in turn; whatever opens must answer or
    # raise, never crash the interpreter.
    import smcache as s

    n = len(sample_cache_bytes)
    for i in range(128, n):
        data = bytearray(sample_cache_bytes)
        data[i] ^= 0xFF
        try:
            c = s.Cache.from_bytes(data)
        except s.CorruptCache:
            continue
        with c:
            for line in range(6):
                for col in (0, 3, 100):
                    c.lookup(line, col)
            try:
                list(c.tokens())
                for src in c.sources:
                    src.content
                    c.source_line(src.index, 0)
            except s.CorruptCache:
                pass
            with pytest.raises(s.CorruptCache):
                c.verify()


# Each row: how to fail, the OSError subclass and errno.
def test_open_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        smcache.open(tmp_path / "missing.smcache")
    assert info.value.errno == errno.ENOENT
    assert "missing.smcache" in str(info.value)
    assert info.value.code == 400


def test_open_directory_is_is_a_directory(tmp_path):
    with pytest.raises(IsADirectoryError):
        smcache.open(tmp_path)


def test_compile_file_errors(tmp_path, sample_map_bytes):
    with pytest.raises(FileNotFoundError):
        smcache.compile_file(tmp_path / "missing.map", tmp_path / "out.smcache")
    good = tmp_path / "a.map"
    good.write_bytes(sample_map_bytes)
    with pytest.raises(FileNotFoundError):
        smcache.compile_file(good, tmp_path / "no" / "dir" / "out.smcache")
    with pytest.raises(IsADirectoryError):
        smcache.compile_file(good, tmp_path)
    bad = tmp_path / "bad.map"
    bad.write_bytes(b'{"version":3,"sources":["a"],"names":[],"mappings":"AAAA,!"}')
    with pytest.raises(smcache.InvalidSourceMap) as info:
        smcache.compile_file(bad, tmp_path / "out.smcache")
    assert info.value.position.segment == 1
    assert not (tmp_path / "out.smcache").exists()  # nothing partial written
