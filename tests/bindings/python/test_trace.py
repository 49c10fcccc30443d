"""smcache.symbolicate(), SymbolicatedTrace and CacheDirectory (bindings/python/smcache/trace.py).

The reference is the CLI: on the bundled example (examples/checkout: a real app, its esbuild
bundle and map, and the trace node printed), every frame of the Python result equals the line of
`smcache symbolicate --json` field by field (0-based here, 1-based there), render() equals the
CLI's text output byte for byte and to_json() its JSON, with --context 0, 2 and none. The same
byte-for-byte check runs over every trace fixture and over traces that exercise the renderer's
escaping and long-line window (the library and the CLI both print through bindings/common's
renderer; these checks keep both wired to it)."""

import json
import os
import subprocess
from pathlib import Path

import pytest

import smcache
from conftest import REPO, SAMPLE_MAP, cli_path

CLI = cli_path()
needs_cli = pytest.mark.skipif(
    CLI is None, reason="SKIPPED: smcache CLI not found (build target smcache or set SMCACHE_CLI)")

EXAMPLE = REPO / "examples" / "checkout"
TRACE = (EXAMPLE / "trace.txt").read_text()
FIXTURES = sorted((REPO / "tests" / "data" / "traces" / "node").glob("*.txt"))


def run_cli(*args, stdin=None, ok=(0,)):
    p = subprocess.run([CLI, *map(str, args)], input=stdin, capture_output=True)
    assert p.returncode in ok, p.stderr.decode()
    return p


@pytest.fixture(scope="module")
def checkout_map() -> bytes:
    return (EXAMPLE / "dist" / "app.min.js.map").read_bytes()


@pytest.fixture(scope="module")
def checkout_cache_path(checkout_map, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("checkout") / "app.min.js.smc"
    path.write_bytes(smcache.compile(checkout_map))
    return path


@pytest.fixture
def checkout_cache(checkout_cache_path):
    with smcache.open(checkout_cache_path) as c:
        yield c


def cli_symbolicate(cache_args, trace_text, context, json_output=False, ok=(0,)) -> str:
    args = ["symbolicate", *cache_args]
    if context is not None:
        args += ["--context", str(context)]
    if json_output:
        args.append("--json")
    data = trace_text if isinstance(trace_text, bytes) else trace_text.encode()
    return run_cli(*args, "-", stdin=data, ok=ok).stdout.decode()


def plus1(v):
    return None if v is None else v + 1


def frame_as_cli_json(f: smcache.Frame, with_context: bool) -> dict:
    """A Frame in the shape of one line of `smcache symbolicate --json` (1-based)."""
    if not f.is_frame:
        return {"kind": "text", "raw": f.raw}
    g = f.generated
    d = {
        "kind": "frame", "raw": f.raw,
        "generated": {"url": g.url, "line": plus1(g.line), "column": plus1(g.column),
                      "function": g.function, "alias": g.alias, "async": g.is_async,
                      "constructor": g.is_constructor, "native": g.is_native,
                      "eval": g.is_eval},
        "resolved": f.resolved, "unresolved_reason": f.unresolved_reason,
        "unresolved_detail": f.unresolved_detail, "source": f.source,
        "line": plus1(f.line), "column": plus1(f.column), "function": f.function,
        "display_function": f.display_function, "function_rule": f.function_rule,
    }
    if with_context:
        d.update(pre_context=f.pre_context, context_line=f.context_line,
                 post_context=f.post_context)
    return d


# ---- the bundled example, against the CLI ---------------------------------------------------

@needs_cli
@pytest.mark.parametrize("context", [None, 0, 2])
def test_checkout_frames_equal_cli_json(checkout_cache, checkout_cache_path, context):
    result = smcache.symbolicate(TRACE, checkout_cache, context=context)
    cli = json.loads(cli_symbolicate(["--cache", checkout_cache_path], TRACE, context, True))
    assert len(result.lines) == len(cli["lines"]) == len(TRACE.splitlines())
    for mine, theirs in zip(result.lines, cli["lines"]):
        assert frame_as_cli_json(mine, context is not None) == theirs, mine.raw
    assert result.frame_count == cli["frame_count"] == 12
    assert result.resolved_count == cli["resolved_count"] == 11
    assert json.loads(result.to_json()) == cli


@needs_cli
@pytest.mark.parametrize("context", [None, 0, 2])
def test_checkout_render_equals_cli_text(checkout_cache, checkout_cache_path, context):
    result = smcache.symbolicate(TRACE, checkout_cache, context=context)
    assert result.render() == cli_symbolicate(["--cache", checkout_cache_path], TRACE, context)
    assert str(result) == result.render()
    assert result.to_json() == cli_symbolicate(["--cache", checkout_cache_path], TRACE, context,
                                               json_output=True)


# The map's own ECMA-426 `scopes` name a frame before any other rule: foo's body is generated
# columns [5, 35) of line 0, bar inlined in it [15, 25) (split encoding, no sourcesContent).
SCOPED_MAP = (b'{"version":3,"sources":["a.js","b.js"],"names":["foo","bar"],"mappings":"AAAA",'
              b'"scopes":["BAAA,BFBCA,CCB,CHA","BAAA,BFCAC,CCB,CBA"],'
              b'"ranges":"ECAAA,EGFAC,ECKCB,IACE,FK,FK,FBA"}')


def test_scopes_name_frames(tmp_path):
    path = tmp_path / "scoped.smc"
    path.write_bytes(smcache.compile(SCOPED_MAP))
    trace = "Error: x\n    at f (bundle.js:1:21)\n    at g (bundle.js:1:31)\n"
    with smcache.open(path) as c:
        r = smcache.symbolicate(trace, c)
    assert [(f.function, f.function_rule) for f in r.frames] == [
        ("bar", "scopes"), ("foo", "scopes")]


INLINED = REPO / "tests" / "data" / "traces" / "inlined"


def test_inlined_callers(tmp_path):
    # tests/data/traces/inlined (make_map.py): square inlined into compute, compute into main,
    # and square into top-level code; the frames the inlining removed come back from the scopes.
    path = tmp_path / "inlined.smc"
    path.write_bytes(smcache.compile((INLINED / "inlined.min.js.map").read_bytes()))
    trace = (INLINED / "trace.txt").read_text()
    with smcache.open(path) as c:
        r = smcache.symbolicate(trace, c, context=None)
    sq, co, main, top = r.frames
    assert (sq.function, sq.function_rule, sq.source, sq.line, sq.column) == (
        "square", "scopes", "src/math.js", 11, 13)
    assert sq.inlined and co.inlined and top.inlined and not main.inlined
    assert sq.inlined_callers == (
        smcache.InlinedFrame(source="src/math.js", source_index=1, line=4, column=14,
                             function="compute", display_function="compute",
                             function_rule="scopes", inlined=True),
        smcache.InlinedFrame(source="src/main.js", source_index=0, line=4, column=13,
                             function="main", display_function="main", function_rule="scopes",
                             inlined=False),
    )
    assert co.function == "compute" and co.inlined_callers == sq.inlined_callers[1:]
    assert main.function == "main" and main.inlined_callers == ()
    assert top.function == "square"
    assert top.inlined_callers == (
        smcache.InlinedFrame(source="src/main.js", source_index=0, line=15, column=0,
                             function=None, display_function=None, function_rule="none",
                             inlined=False),)
    assert r.render().splitlines()[1:4] == [
        "    at square (src/math.js:12:14) [inlined]",
        "    at compute (src/math.js:5:15) [inlined]",
        "    at main (src/main.js:5:14)",
    ]
    doc = json.loads(r.to_json())
    first = doc["lines"][1]
    assert first["inlined"] is True
    assert [(c["function"], c["line"], c["column"], c["inlined"])
            for c in first["inlined_callers"]] == [("compute", 5, 15, True), ("main", 5, 14, False)]
    assert "inlined" not in doc["lines"][3]  # main's own frame: the keys are left out


def test_checkout_frames(checkout_cache):
    # What the example is about, independent of the CLI: original names from the function table
    # (the innermost original function around each mapped position), native frames kept.
    r = smcache.symbolicate(TRACE, checkout_cache, context=2)
    assert r.lines[0].is_frame is False
    assert r.lines[0].raw.startswith("ValidationError: ")
    first = r.frames[0]
    assert (first.function, first.source, first.line, first.column) == (
        "assertCents", "../src/validation.js", 23, 10)  # 0-based: line 24, column 11 printed
    assert first.function_rule == "original-function" and not first.minified
    assert first.generated == smcache.GeneratedFrame(
        url="./dist/app.min.js", line=0, column=151, function="r", alias=None, async_cause=None,
        style="v8", is_async=False, is_constructor=False, is_native=False, is_eval=False)
    assert first.context_line == "    throw new ValidationError("
    assert len(first.pre_context) == 2 and len(first.post_context) == 2
    assert "    at assertCents (../src/validation.js:24:11)\n" in r.render()  # 1-based
    names = [f.display_function for f in r.frames]
    assert names[:2] == ["assertCents", "applyPercentOff"]
    assert "new Invoice" in names and "async processOrders" in names
    native = [f for f in r.frames if f.generated.is_native]
    assert len(native) == 1 and native[0].unresolved_reason == "native"
    assert native[0].function == "Array.map" and native[0].function_rule == "as-printed"
    # Every resolved frame is inside an original function: none keeps a minified name.
    assert not [f for f in r.frames if f.minified]
    assert "[minified]" not in r.render()
    assert "Cart.pricedLines" in names and "async main" in names and "<anonymous>" in names


@needs_cli
@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
@pytest.mark.parametrize("context", [None, 1])
def test_fixture_traces_render_like_cli(fixture, context, checkout_cache, checkout_cache_path):
    # Node's real traces of other scripts, through the example's cache: text lines, eval, native,
    # node:internal and file:// frames, positions with and without a mapping.
    text = fixture.read_text()
    r = smcache.symbolicate(text, checkout_cache, context=context)
    assert r.render() == cli_symbolicate(["--cache", checkout_cache_path], text, context)
    assert r.to_json() == cli_symbolicate(["--cache", checkout_cache_path], text, context, True)


# Written by hand from the documented formats (Firefox and Safari are not installable here), and
# a V8 trace with every kind of unresolved frame: as tests/cli/symbolicate/engines.sh and
# unresolved.sh.
FIREFOX = """\
r@https://shop.example.com/dist/app.min.js?v=7#x:1:152
y@https://shop.example.com/dist/app.min.js?v=7#x:1:610
apply@https://shop.example.com/dist/app.min.js?v=7#x:1:753
f@https://shop.example.com/dist/app.min.js?v=7#x:1:1112
@https://shop.example.com/dist/app.min.js?v=7#x:1:1513
async*k@https://shop.example.com/dist/app.min.js:3:24
"""
SAFARI = """\
f@https://shop.example.com/dist/app.min.js:1:1112
https://shop.example.com/dist/app.min.js:1:1513
map@[native code]
pricedLines@https://shop.example.com/dist/app.min.js:1:1506
"""
UNRESOLVED = """\
TypeError: something broke
  and the message goes on
    at r (./dist/app.min.js:1:152)
    at new Promise (<anonymous>)
    at Module._compile (node:internal/modules/cjs/loader:1521:14)
    at far (./dist/app.min.js:9:1)
    at old (./dist/app.min.js:1)
    ... 3 lines matching cause stack trace ...
@https://shop.example.com/dist/app.min.js line 2 > eval:1:5
eval code
    at y (./dist/app.min.js:1:610)
"""


@needs_cli
@pytest.mark.parametrize("text", [FIREFOX, SAFARI, UNRESOLVED], ids=["firefox", "safari",
                                                                     "unresolved"])
def test_engine_traces_render_like_cli(text, checkout_cache, checkout_cache_path):
    for context in (None, 3):
        r = smcache.symbolicate(text, checkout_cache, context=context)
        assert r.render() == cli_symbolicate(["--cache", checkout_cache_path], text, context)
        assert r.to_json() == cli_symbolicate(["--cache", checkout_cache_path], text, context,
                                              True)


def test_unresolved_frames_are_kept_with_reasons(checkout_cache):
    r = smcache.symbolicate(UNRESOLVED, checkout_cache, context=None)
    assert [f.raw for f in r.lines] == UNRESOLVED.splitlines()
    reasons = {f.raw.strip(): f.unresolved_reason for f in r.frames}
    assert reasons == {
        "at r (./dist/app.min.js:1:152)": None,
        "at new Promise (<anonymous>)": "native",
        "at Module._compile (node:internal/modules/cjs/loader:1521:14)": "no-cache",
        "at far (./dist/app.min.js:9:1)": "no-mapping",
        "at old (./dist/app.min.js:1)": "no-column",
        "@https://shop.example.com/dist/app.min.js line 2 > eval:1:5": "no-column",
        "eval code": "no-position",
        "at y (./dist/app.min.js:1:610)": None,
    }
    far = next(f for f in r.frames if f.raw.strip().startswith("at far"))
    assert (far.source, far.line, far.column, far.function) == (None, None, None, "far")
    assert far.function_rule == "as-printed"
    assert far.generated.line == 8 and far.generated.column == 0


EVIL_MAP = (b'{"version":3,"sources":["src/\\u001b[2Jevil.js"],"sourcesContent":["function f() '
            b'{\\n  g(\\u001b]0;title\\u0007);\\n}\\n"],"names":["\\u001b[31mred"],'
            b'"mappings":"AAAA,UACEA"}')
# Control characters, invalid UTF-8 and C1 controls in the trace; tabs in the source.
EVIL_TRACE = (b"Error: \x1b[1mbold \xff\xfe \xc2\x85\n    at a (x.js:1:1)\n    at b (x.js:1:11)\n"
              b"    at \x1b[2Jc (native)\n")


@needs_cli
def test_escaping_matches_cli(tmp_path):
    path = tmp_path / "evil.smc"
    path.write_bytes(smcache.compile(EVIL_MAP))
    with smcache.open(path) as cache:
        for context in (None, 1):
            r = smcache.symbolicate(EVIL_TRACE, cache, context=context)
            text = r.render()
            assert "\x1b" not in text and "\x07" not in text
            assert text == cli_symbolicate(["--cache", path], EVIL_TRACE, context)
            assert r.to_json() == cli_symbolicate(["--cache", path], EVIL_TRACE, context, True)
        # The structured result keeps the real characters (decoded; invalid bytes replaced).
        r = smcache.symbolicate(EVIL_TRACE, cache, context=1)
        assert r.lines[0].raw == "Error: \x1b[1mbold \ufffd\ufffd \x85"
        assert r.frames[0].function == "\x1b[31mred"
        assert r.frames[0].source == "src/\x1b[2Jevil.js"


@needs_cli
def test_long_minified_source_line_window_matches_cli(tmp_path):
    # A source whose line is minified code itself: the context is shown in a window around the
    # column ("..." where cut), with tabs and a non-BMP character before the column.
    line = "\t" + "x" * 150 + "\U0001F600" + "y" * 100 + "function target(){}" + "z" * 300
    col = len(line.encode("utf-16-le")) // 2 - 300 - 19  # UTF-16 column of "function"
    src = {"version": 3, "sources": ["vendor.js"], "sourcesContent": [line + "\nnext\n"],
           "names": [], "mappings": ""}
    # One segment: generated (0, 0) -> vendor.js (0, col).
    src["mappings"] = "AAA" + _vlq(col)
    path = tmp_path / "long.smc"
    path.write_bytes(smcache.compile(json.dumps(src)))
    trace = "Error\n    at f (https://h/v.js:1:1)\n"
    with smcache.open(path) as cache:
        r = smcache.symbolicate(trace, cache, context=1)
        assert r.frames[0].column == col
        out = r.render()
        assert out == cli_symbolicate(["--cache", path], trace, 1)
        assert "| ...yyy" in out and "zzz...\n" in out  # cut on both sides


def _vlq(v: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    v = (-v << 1) | 1 if v < 0 else v << 1
    out = ""
    while True:
        digit, v = v & 31, v >> 5
        out += alphabet[digit | (32 if v else 0)]
        if not v:
            return out


# ---- resolvers ------------------------------------------------------------------------------

def test_resolver_path_to_a_cache_file(checkout_cache, checkout_cache_path):
    want = smcache.symbolicate(TRACE, checkout_cache).to_json()
    assert smcache.symbolicate(TRACE, checkout_cache_path).to_json() == want
    assert smcache.symbolicate(TRACE, str(checkout_cache_path)).to_json() == want
    assert smcache.symbolicate(TRACE, os.fsencode(checkout_cache_path)).to_json() == want


def test_resolver_callable(checkout_cache):
    seen = []

    def resolve(frame):
        seen.append(frame)
        return checkout_cache

    r = smcache.symbolicate(TRACE, resolve, context=2)
    # Called once per frame with a script position (not for the native frame), 0-based.
    assert len(seen) == 11
    assert all(isinstance(f, smcache.GeneratedFrame) and f.has_position for f in seen)
    assert seen[0].url == "./dist/app.min.js" and (seen[0].line, seen[0].column) == (0, 151)
    # Same Cache object for every frame: identical to the Cache resolver.
    assert r.to_json() == smcache.symbolicate(TRACE, checkout_cache, context=2).to_json()


def test_resolver_callable_returning_none_keeps_every_frame():
    r = smcache.symbolicate(TRACE, lambda frame: None)
    assert [f.raw for f in r.lines] == TRACE.splitlines()
    assert r.resolved_count == 0 and r.frame_count == 12
    reasons = [f.unresolved_reason for f in r.frames]
    assert reasons.count("native") == 1
    assert reasons.count("no-cache") == 11
    assert all(f.function_rule in ("as-printed", "none") for f in r.frames)
    assert all(f.source is None and f.line is None for f in r.frames)
    assert "[unresolved: no cache for this script]" in r.render()


def test_resolver_callable_errors(checkout_cache):
    with pytest.raises(TypeError, match="resolver returned str"):
        smcache.symbolicate(TRACE, lambda frame: "app.smc")

    class Boom(Exception):
        pass

    def boom(frame):
        raise Boom()

    with pytest.raises(Boom):
        smcache.symbolicate(TRACE, boom)


def test_resolver_callable_mixing_caches(checkout_map):
    # Two Cache objects for the same file: each frame resolves, but a frame is named from its
    # caller only when both use the same Cache, so without a function table every frame falls
    # back to its minified name.
    data = smcache.compile(checkout_map, function_table=False)
    caches = [smcache.Cache.from_bytes(data), smcache.Cache.from_bytes(data)]
    count = iter(range(100))
    r = smcache.symbolicate(TRACE, lambda f: caches[next(count) % 2], context=None)
    assert r.resolved_count == 11
    assert all(f.function_rule in ("minified", "none", "as-printed") for f in r.frames)


@pytest.fixture(scope="module")
def warm_dir(tmp_path_factory):
    """A directory written by `smcache warm` over the example's bundle (served under static/)
    and the sample map, which has a debugId."""
    if CLI is None:
        pytest.skip("SKIPPED: smcache CLI not found (build target smcache or set SMCACHE_CLI)")
    if b"warm" not in run_cli("--help").stdout + run_cli("--help").stderr:
        pytest.skip("SKIPPED: this smcache CLI has no 'warm' command")
    root = tmp_path_factory.mktemp("warm")
    release = root / "release" / "static" / "js"
    release.mkdir(parents=True)
    for name in ("app.min.js", "app.min.js.map"):
        (release / name).write_bytes((EXAMPLE / "dist" / name).read_bytes())
    (release / "min.js.map").write_text(json.dumps(SAMPLE_MAP))
    out = root / "caches"
    run_cli("warm", root / "release", "-o", out, "--quiet")
    return out


SERVED_TRACE = TRACE.replace(
    "./dist/app.min.js", "https://shop.example.com/static/js/app.min.js?v=3#main") + \
    "    at x (https://shop.example.com/static/js/vendor.min.js:1:10)\n"


def test_resolver_warm_directory(warm_dir, checkout_cache):
    for resolver in (warm_dir, str(warm_dir)):
        r = smcache.symbolicate(SERVED_TRACE, resolver, context=2)
        assert r.resolved_count == 11
        assert r.frames[-1].unresolved_reason == "no-cache"  # vendor.min.js is not indexed
        assert r.render() == cli_symbolicate(["--cache-dir", warm_dir], SERVED_TRACE, 2)
        assert r.to_json() == cli_symbolicate(["--cache-dir", warm_dir], SERVED_TRACE, 2, True)
    # The same names as with the cache itself.
    direct = smcache.symbolicate(TRACE, checkout_cache, context=2)
    assert [f.display_function for f in r.frames[:-1]] == [
        f.display_function for f in direct.frames]
    with smcache.CacheDirectory(warm_dir) as d:
        assert smcache.symbolicate(SERVED_TRACE, d, context=2).to_json() == r.to_json()


def test_cache_directory_find(warm_dir, checkout_map):
    d = smcache.CacheDirectory(warm_dir)
    assert d.path == str(warm_dir) and not d.closed
    assert repr(d).startswith("<smcache.CacheDirectory ")
    c = d.find("https://cdn.example.com/static/js/app.min.js?v=3")
    assert isinstance(c, smcache.Cache)
    # warm compiled the map with its bundle: both are in the input hash (SPEC §4.9).
    bundle = (EXAMPLE / "dist" / "app.min.js").read_bytes()
    assert c.info().input_hash == smcache.Cache.from_bytes(
        smcache.compile(checkout_map, generated=bundle)).info().input_hash
    assert d.find("app.min.js") is not None
    assert d.find("vendor.min.js") is None
    assert d.find("node:internal/main") is None
    assert d.find() is None
    # By debugId (any case, with or without dashes), before the URL.
    debug_id = SAMPLE_MAP["debugId"]
    for key in (debug_id, debug_id.upper(), debug_id.replace("-", "")):
        s = d.find("unknown.js", debug_id=key)
        assert s is not None and s.info().debug_id == debug_id
    assert d.find("app.min.js", debug_id=debug_id).info().debug_id == debug_id
    assert d.find("app.min.js", debug_id="not-a-uuid").info().input_hash == c.info().input_hash
    assert d.find("https://h/static/js/min.js").info().debug_id == debug_id
    d.close()
    d.close()  # idempotent
    assert d.closed
    # Caches found before close() stay usable.
    assert c.lookup(0, 151) is not None
    with pytest.raises(ValueError, match="cache directory is closed"):
        d.find("app.min.js")
    with pytest.raises(ValueError, match="cache directory is closed"):
        smcache.symbolicate(SERVED_TRACE, d)


@needs_cli
def test_cache_error_in_directory(warm_dir, tmp_path):
    # A copy of the directory whose cache file is corrupt: the frames are kept, marked
    # cache-error with the reason, and the text is the CLI's (which also exits 1).
    import shutil
    broken = tmp_path / "broken"
    shutil.copytree(warm_dir, broken)
    for smc in broken.rglob("*.smc"):
        smc.write_bytes(b"not a cache, just some bytes.." * 8)
    r = smcache.symbolicate(SERVED_TRACE, broken, context=None)
    assert r.resolved_count == 0
    errors = [f for f in r.frames if f.unresolved_reason == "cache-error"]
    assert len(errors) == 11
    assert ".smc: not an smcache file" in errors[0].unresolved_detail
    assert r.render() == cli_symbolicate(["--cache-dir", broken], SERVED_TRACE, None, ok=(1,))
    with smcache.CacheDirectory(broken) as d:
        with pytest.raises(smcache.CorruptCache):
            d.find("app.min.js")


def test_cache_directory_open_errors(tmp_path, sample_cache_path):
    with pytest.raises(FileNotFoundError):
        smcache.CacheDirectory(tmp_path / "missing")
    with pytest.raises(NotADirectoryError):
        smcache.CacheDirectory(sample_cache_path)
    with pytest.raises(TypeError):
        import pickle
        pickle.dumps(smcache.CacheDirectory(tmp_path))


# ---- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "\n\n", "just a message\nwith two lines\n",
                                  "Error: write to bob@host:1:2\n", b"\xff\xfe\x00"])
def test_text_without_frames_is_an_error(text, checkout_cache):
    with pytest.raises(ValueError, match="no stack frame found"):
        smcache.symbolicate(text, checkout_cache)


def test_bad_arguments(checkout_cache, tmp_path):
    with pytest.raises(TypeError, match="trace_text"):
        smcache.symbolicate(12, checkout_cache)
    with pytest.raises(TypeError, match="resolver"):
        smcache.symbolicate(TRACE, 42)
    with pytest.raises(ValueError, match="context"):
        smcache.symbolicate(TRACE, checkout_cache, context=-1)
    with pytest.raises(TypeError, match="context"):
        smcache.symbolicate(TRACE, checkout_cache, context=1.5)
    with pytest.raises(TypeError, match="context"):
        smcache.symbolicate(TRACE, checkout_cache, context=True)
    with pytest.raises(FileNotFoundError):
        smcache.symbolicate(TRACE, tmp_path / "missing.smc")
    not_a_cache = tmp_path / "x.smc"
    not_a_cache.write_bytes(b"\0" * 256)
    with pytest.raises(smcache.CorruptCache):
        smcache.symbolicate(TRACE, not_a_cache)


def test_closed_cache(checkout_cache_path):
    cache = smcache.open(checkout_cache_path)
    cache.close()
    with pytest.raises(ValueError, match="cache is closed"):
        smcache.symbolicate(TRACE, cache)
    with pytest.raises(ValueError, match="cache is closed"):
        smcache.symbolicate(TRACE, lambda frame: cache)


def test_result_outlives_the_cache(checkout_map):
    cache = smcache.Cache.from_bytes(smcache.compile(checkout_map))
    r = smcache.symbolicate(TRACE.encode(), cache, context=1)
    text = r.render()
    cache.close()
    del cache
    import gc
    gc.collect()
    assert r.render() == text  # the result owns copies of every string
    assert r.frames[0].source == "../src/validation.js"
    assert r.frames[0].context_line == "    throw new ValidationError("
    with pytest.raises(TypeError):
        smcache.SymbolicatedTrace()
    assert repr(r) == "<smcache.SymbolicatedTrace lines=13 frames=12 resolved=11>"


def test_crlf_and_no_final_newline(checkout_cache):
    crlf = TRACE.replace("\n", "\r\n").rstrip("\r\n")
    a = smcache.symbolicate(crlf, checkout_cache, context=0)
    b = smcache.symbolicate(TRACE, checkout_cache, context=0)
    assert a.render() == b.render()


def test_threads_share_a_cache_and_a_directory(checkout_cache, warm_dir):
    # Any number of threads may symbolicate through one Cache or one CacheDirectory at once
    # (the GIL is released in the native calls); every result is the same.
    from concurrent.futures import ThreadPoolExecutor

    want_cache = smcache.symbolicate(TRACE, checkout_cache, context=2).to_json()
    with smcache.CacheDirectory(warm_dir) as d:
        want_dir = smcache.symbolicate(SERVED_TRACE, d, context=2).to_json()

        def work(i):
            if i % 2:
                return smcache.symbolicate(TRACE, checkout_cache, context=2).to_json() == want_cache
            return smcache.symbolicate(SERVED_TRACE, d, context=2).to_json() == want_dir

        with ThreadPoolExecutor(max_workers=4) as pool:
            assert all(pool.map(work, range(200)))
