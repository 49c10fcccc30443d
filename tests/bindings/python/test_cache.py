"""smcache.Cache (bindings/python/smcache/cache.py): lookups, sources, context, info, iteration,
closed-cache behaviour, on the sample map whose answers are worked out in conftest.py."""

import pickle

import pytest

import smcache
from smcache import Token


def tok(source, line, column, name, source_index, ignored, gl, gc):
    return Token(source, line, column, name, source_index, ignored, gl, gc)


# Each row: (line, column, bias, expected Token or None).
LOOKUPS = [
    (0, 0, smcache.GREATEST_LOWER_BOUND, tok("a.js", 0, 0, None, 0, False, 0, 0)),  # exact
    (0, 1, smcache.GREATEST_LOWER_BOUND, tok("a.js", 0, 0, None, 0, False, 0, 0)),  # between
    (0, 2, smcache.GREATEST_LOWER_BOUND, tok("a.js", 0, 1, None, 0, False, 0, 2)),
    (0, 100, smcache.GREATEST_LOWER_BOUND, tok("a.js", 0, 2, "foo", 0, False, 0, 3)),  # named
    (1, 3, smcache.GREATEST_LOWER_BOUND, tok("b.js", 0, 2, None, 1, True, 1, 0)),  # ignored
    (1, 4, smcache.GREATEST_LOWER_BOUND, tok("b.js", 1, 3, None, 1, True, 1, 4)),
    (2, 5, smcache.GREATEST_LOWER_BOUND, None),  # the answering segment has no source
    (3, 0, smcache.GREATEST_LOWER_BOUND, None),  # empty line
    (4, 7, smcache.GREATEST_LOWER_BOUND, tok(None, 1, 3, None, 2, False, 4, 0)),  # null source
    (5, 0, smcache.GREATEST_LOWER_BOUND, None),  # past the last line
    (2**32 - 1, 2**32 - 1, smcache.GREATEST_LOWER_BOUND, None),  # largest position
    (0, 1, smcache.LEAST_UPPER_BOUND, tok("a.js", 0, 1, None, 0, False, 0, 2)),
    (1, 1, smcache.LEAST_UPPER_BOUND, tok("b.js", 1, 3, None, 1, True, 1, 4)),
    (0, 4, smcache.LEAST_UPPER_BOUND, None),  # nothing at or after the column
]


@pytest.mark.parametrize("line,column,bias,expected", LOOKUPS)
def test_lookup_known_answers(cache, line, column, bias, expected):
    assert cache.lookup(line, column, bias=bias) == expected


def test_lookup_default_bias_is_greatest_lower_bound(cache):
    assert cache.lookup(0, 1) == cache.lookup(0, 1, smcache.Bias.GREATEST_LOWER_BOUND)
    assert cache.lookup(0, 1, 0) == cache.lookup(0, 1)  # plain ints work too


def test_lookup_many_equals_lookup(cache):
    positions = [(line, column) for line, column, bias, _ in LOOKUPS
                 if bias == smcache.GREATEST_LOWER_BOUND]
    assert cache.lookup_many(positions) == [cache.lookup(l, c) for l, c in positions]
    lub = [(0, 1), (1, 1), (0, 4)]
    assert cache.lookup_many(lub, bias=smcache.LEAST_UPPER_BOUND) == [
        cache.lookup(l, c, smcache.LEAST_UPPER_BOUND) for l, c in lub]
    assert cache.lookup_many([]) == []
    assert cache.lookup_many(iter([(0, 0)])) == [cache.lookup(0, 0)]  # any iterable


def test_token_is_small_immutable_and_readable(cache):
    t = cache.lookup(0, 100)
    assert isinstance(t, tuple)
    assert (t.source, t.line, t.column, t.name) == ("a.js", 0, 2, "foo")
    assert (t.source_index, t.ignored, t.generated_line, t.generated_column) == (0, False, 0, 3)
    with pytest.raises(AttributeError):
        t.line = 5
    assert not hasattr(t, "__dict__")
    assert repr(t) == ("Token(source='a.js', line=0, column=2, name='foo', source_index=0, "
                       "ignored=False, generated_line=0, generated_column=3)")
    assert type(t.ignored) is bool


def test_bad_arguments_raise_python_errors(cache):
    with pytest.raises(ValueError, match="line must be in 0..4294967295, got -1"):
        cache.lookup(-1, 0)
    with pytest.raises(ValueError, match="column"):
        cache.lookup(0, 2**32)
    with pytest.raises(ValueError, match="bias"):
        cache.lookup(0, 0, bias=7)
    with pytest.raises(TypeError):
        cache.lookup("0", 0)
    with pytest.raises(ValueError, match="line"):
        cache.lookup_many([(0, 0), (-5, 0)])
    with pytest.raises(ValueError):
        cache.lookup_many([(0, 0)], bias=9)
    with pytest.raises(IndexError, match="source index 3 out of range"):
        cache.source_line(3, 0)
    with pytest.raises(ValueError):
        cache.context(cache.lookup(0, 0), lines=-1)


def test_original_positions(cache):
    # Exactly at a mapping, then searching back across the empty line 3 to line 2's segment.
    assert cache.original_positions(0, 2) == [tok("a.js", 0, 1, None, 0, False, 0, 2)]
    assert cache.original_positions(3, 10) == [tok(None, 0, 0, None, None, False, 2, 0)]
    assert cache.original_positions(1, 2) == [cache.lookup(1, 0)]


def test_tokens_iterates_every_segment_in_order(cache):
    tokens = list(cache.tokens())
    assert cache.token_count == 7
    assert [(t.generated_line, t.generated_column, t.source_index) for t in tokens] == [
        (0, 0, 0), (0, 2, 0), (0, 3, 0), (1, 0, 1), (1, 4, 1), (2, 0, None), (4, 0, 2)]
    assert tokens[5] == tok(None, 0, 0, None, None, False, 2, 0)  # the 1-field segment


def test_sources(cache):
    sources = cache.sources
    assert [(s.index, s.name, s.ignored, s.line_count, s.has_content) for s in sources] == [
        (0, "a.js", False, 3, True), (1, "b.js", True, 1, True), (2, None, False, 0, False)]
    assert sources[0].content == "line0\nline1\r\nline2"
    assert sources[1].content == "x"
    assert sources[2].content is None
    assert sources[0].line(1) == "line1"
    assert repr(sources[1]) == ("Source(index=1, name='b.js', ignored=True, line_count=1, "
                                "has_content=True)")
    with pytest.raises(AttributeError):
        sources[0].name = "x"
    sources.clear()  # the property returns a fresh list; the cache is unaffected
    assert len(cache.sources) == 3


# Each row: (source index, line, expected text or None).
SOURCE_LINES = [
    (0, 0, "line0"),  # ends in \n
    (0, 1, "line1"),  # ends in \r\n: the terminator is not part of the line
    (0, 2, "line2"),  # last line, no terminator
    (0, 3, None),  # past the end
    (0, -1, None),  # before the start
    (0, 2**40, None),  # far past the end
    (1, 0, "x"),
    (2, 0, None),  # no content
]


@pytest.mark.parametrize("index,line,expected", SOURCE_LINES)
def test_source_line(cache, index, line, expected):
    assert cache.source_line(index, line) == expected


def test_context_like_an_error_tracker(cache):
    t = cache.lookup(0, 2)  # a.js line 0
    assert cache.context(t) == ([], "line0", ["line1", "line2"])
    middle = cache.original_positions(0, 0)[0]._replace(line=1)
    assert cache.context(middle, lines=1) == (["line0"], "line1", ["line2"])
    assert cache.context(middle, lines=0) == ([], "line1", [])
    assert cache.context(cache.lookup(1, 4)) == ([], None, [])  # b.js has no line 1
    assert cache.context(cache.lookup(4, 0)) == ([], None, [])  # no content
    assert cache.context(cache.original_positions(2, 0)[0]) == ([], None, [])  # no source


def test_info(cache, sample_cache_bytes):
    info = cache.info()
    # The sample has no original functions: a 1.0 file (SPEC 4.2), read by a 1.2 library.
    assert info.format_version == (1, 0)
    assert smcache.FORMAT_VERSION == (1, 3)
    assert info.file_size == len(sample_cache_bytes)
    assert (info.generated_line_count, info.token_count, info.source_count) == (5, 7, 3)
    assert info.name_count == 2
    assert info.block_token_count == 64
    assert info.file == "min.js"
    assert info.debug_id == "85314830-023f-4cf1-a267-535f4e37bb17"
    assert len(info.input_hash) == 32 and int(info.input_hash, 16) != 0
    assert info.semantics_version >= 1
    with pytest.raises(Exception):
        info.file = "x"  # frozen


def test_info_without_file_and_debug_id():
    with smcache.Cache.from_bytes(
            smcache.compile(b'{"version":3,"sources":[],"names":[],"mappings":""}')) as c:
        info = c.info()
        assert info.file is None and info.debug_id is None and info.token_count == 0
        assert c.lookup(0, 0) is None
        assert list(c.tokens()) == [] and c.sources == []


def test_verify_accepts_a_sound_cache(cache):
    assert cache.verify() is None


def test_from_bytes_and_open_agree(cache, sample_cache_bytes):
    for data in (sample_cache_bytes, bytearray(sample_cache_bytes), memoryview(sample_cache_bytes)):
        with smcache.Cache.from_bytes(data) as c:
            assert list(c.tokens()) == list(cache.tokens())
            assert c.info() == cache.info()


def test_from_bytes_copies_mutable_buffers(cache, sample_cache_bytes):
    data = bytearray(sample_cache_bytes)
    c = smcache.Cache.from_bytes(data)
    data[:] = b"\0" * len(data)  # the caller scribbles over its buffer
    assert c.lookup(0, 100) == cache.lookup(0, 100)
    c.close()


def test_from_bytes_keeps_bytes_alive(sample_cache_bytes):
    c = smcache.Cache.from_bytes(bytes(sample_cache_bytes))  # the only reference
    import gc

    gc.collect()
    assert c.lookup(0, 100).name == "foo"


def test_closed_cache_raises_value_error_everywhere(sample_cache_path):
    c = smcache.open(sample_cache_path)
    source = c.sources[0]
    it = c.tokens()
    next(it)
    c.close()
    c.close()  # idempotent
    assert c.closed
    calls = [
        lambda: c.lookup(0, 0),
        lambda: c.lookup_many([(0, 0)]),
        lambda: c.original_positions(0, 0),
        lambda: c.sources,
        lambda: c.source_line(0, 0),
        lambda: c.context(Token("a.js", 0, 0, None, 0, False, 0, 0)),
        lambda: c.info(),
        lambda: c.verify(),
        lambda: c.token_count,
        lambda: list(c.tokens()),
        lambda: next(it),  # an iterator started before close
        lambda: source.content,  # a Source taken before close
        lambda: source.line(0),
        lambda: c.__enter__(),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="^cache is closed$"):
            call()
    assert "closed" in repr(c)


def test_context_manager_closes(sample_cache_path):
    with smcache.open(sample_cache_path) as c:
        assert not c.closed
    assert c.closed


def test_repr(cache, sample_cache_path):
    assert repr(cache) == f"<smcache.Cache path={str(sample_cache_path)!r} tokens=7 sources=3>"


def test_open_accepts_path_like_str_and_bytes(sample_cache_path):
    import os

    for p in (sample_cache_path, str(sample_cache_path), os.fsencode(sample_cache_path)):
        with smcache.open(p) as c:
            assert c.token_count == 7


def test_cache_cannot_be_constructed_or_pickled(cache):
    with pytest.raises(TypeError):
        smcache.Cache("x")
    with pytest.raises(TypeError, match="pickled"):
        pickle.dumps(cache)


def test_name_memo_is_exact_for_each_name():
    # Many distinct names, each decoded once and then served from the memo: answers must not
    # mix names up (they are keyed by their address in the mapping).
    names = [f"n{i}" for i in range(300)] + ["", "é", "\u2028"]
    mappings = "AAAAA" + ",CAAAC" * (len(names) - 1)  # segment i: column i, name i
    import json

    m = {"version": 3, "sources": ["s"], "names": names, "mappings": mappings}
    with smcache.Cache.from_bytes(smcache.compile(json.dumps(m).encode())) as c:
        for _ in range(2):  # second round from the memo
            for i, name in enumerate(names):
                assert c.lookup(0, i).name == name


def test_dropping_an_unclosed_cache_unmaps_at_once(sample_cache_path):
    # No reference cycle through sources, tokens or the name memo: reference counting alone
    # frees the handle and unmaps the file, without the cyclic garbage collector.
    import gc

    def mapped():
        with open("/proc/self/maps") as f:
            return any(line.rstrip().endswith(str(sample_cache_path)) for line in f)

    gc.disable()
    try:
        c = smcache.open(sample_cache_path)
        c.sources[0].content
        c.lookup(0, 100)
        c.lookup_many([(0, 0), (1, 4)])
        list(c.tokens())
        c.context(c.lookup(0, 0))
        assert mapped()
        del c
        assert not mapped()
    finally:
        gc.enable()
