"""smcache.compile_js(): a generated JavaScript file (and optionally its map) in, cache bytes
out, with no temporary file; the same bytes as `smcache compile app.min.js`."""

import base64
import json
import subprocess
import urllib.parse

import pytest

import smcache
from conftest import REPO, SAMPLE_MAP, cli_path

EXAMPLE = REPO / "examples" / "checkout" / "dist"
JS = (EXAMPLE / "app.min.js").read_bytes()  # ends with //# sourceMappingURL=app.min.js.map
MAP = (EXAMPLE / "app.min.js.map").read_bytes()
BARE_JS = JS[:JS.rindex(b"//# sourceMappingURL=")]  # the bundle without its comment
DEBUG_ID = "85314830-023f-4cf1-a267-535f4e37bb17"
# The map compiled with the bundle as its generated code: what compile_js() gives (the bundle's
# functions, named through the map, make the generated-function table).
WITH_TABLE = smcache.compile(MAP, generated=BARE_JS)


def with_table(js) -> bytes:
    """What compile_js(js) gives: the map compiled with `js` as its generated code. The file's
    bytes, comments included, are part of the input hash (SPEC §4.9), so each js has its own."""
    return smcache.compile(MAP, generated=js)


def with_comments(*lines: str) -> bytes:
    return BARE_JS + "".join(line + "\n" for line in lines).encode()


def inline(map_bytes: bytes) -> str:
    return ("//# sourceMappingURL=data:application/json;charset=utf-8;base64,"
            + base64.b64encode(map_bytes).decode())


def test_inline_data_url_map():
    cache = smcache.compile_js(with_comments(inline(MAP)))
    assert cache == with_table(with_comments(inline(MAP)))  # the decoded map is MAP
    with smcache.Cache.from_bytes(cache) as c:
        assert c.lookup(0, 151).source == "../src/validation.js"
    # Percent-encoded instead of base64, and a str instead of bytes.
    js = (BARE_JS.decode() + "//# sourceMappingURL=data:application/json,"
          + urllib.parse.quote(MAP.decode()) + "\n")
    assert smcache.compile_js(js) == with_table(js)


def test_relative_map_path_against_js_path(tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "app.map").write_bytes(MAP)
    js = with_comments("//# sourceMappingURL=../maps/app.map?v=3")
    js_path = tmp_path / "static" / "app.min.js"  # need not exist: only its directory counts
    assert smcache.compile_js(js, js_path=js_path) == with_table(js)
    assert smcache.compile_js(js, js_path=str(js_path), root=tmp_path) == with_table(js)
    # Confined to a root that the map is outside of.
    with pytest.raises(ValueError):
        smcache.compile_js(js, js_path=js_path, root=tmp_path / "static")
    # No js_path: nothing is read relative to the current directory.
    with pytest.raises(ValueError, match=r"\.\./maps/app\.map"):
        smcache.compile_js(js)
    with pytest.raises(FileNotFoundError):
        smcache.compile_js(with_comments("//# sourceMappingURL=missing.map"), js_path=js_path)


def test_load_map_callable():
    urls = []

    def load(url):
        urls.append(url)
        return MAP

    js = with_comments("//# sourceMappingURL=app.min.js.map?build=7")
    assert smcache.compile_js(js, load_map=load) == with_table(js)
    assert urls == ["app.min.js.map?build=7"]  # the URL as written
    # Inline maps never reach the loader.
    assert (smcache.compile_js(with_comments(inline(MAP)), load_map=load)
            == with_table(with_comments(inline(MAP))))
    assert len(urls) == 1
    with pytest.raises(ValueError, match="load_map returned None"):
        smcache.compile_js(js, load_map=lambda url: None)
    with pytest.raises(ValueError, match="not both"):
        smcache.compile_js(js, load_map=load, js_path="x.js")


def test_map_bytes_given_and_debug_id():
    # With the map given, the file needs no sourceMappingURL; its debugId comment is used.
    assert smcache.compile_js(BARE_JS, MAP) == WITH_TABLE
    cache = smcache.compile_js(with_comments(f"//# debugId={DEBUG_ID}"), MAP)
    with smcache.Cache.from_bytes(cache) as c:
        assert c.info().debug_id == DEBUG_ID
        # The map's and the file's hash (SPEC §4.9), whichever carries the debugId.
        assert c.info().input_hash == smcache.Cache.from_bytes(
            with_table(with_comments(f"//# debugId={DEBUG_ID}"))).info().input_hash
        assert c.info().input_hash != smcache.Cache.from_bytes(
            smcache.compile(MAP)).info().input_hash
    # A map whose debugId disagrees with the file's comes from another build.
    other = json.dumps(dict(SAMPLE_MAP, debugId="00000000-0000-4000-8000-000000000000"))
    with pytest.raises(smcache.InvalidSourceMap) as e:
        smcache.compile_js(with_comments(f"//# debugId={DEBUG_ID}"), other)
    assert e.value.field == "debugId"
    # The same UUID in another case agrees.
    same = json.dumps(dict(SAMPLE_MAP, debugId=DEBUG_ID.upper()))
    smcache.compile_js(with_comments(f"//# debugId={DEBUG_ID}"), same)


def test_errors():
    with pytest.raises(ValueError, match="sourceMappingURL"):
        smcache.compile_js(BARE_JS)  # no comment, no map
    with pytest.raises(ValueError):
        smcache.compile_js(with_comments("//# sourceMappingURL=data:text/plain;base64,e30="))
    with pytest.raises(ValueError):
        smcache.compile_js(with_comments("//# sourceMappingURL=https://cdn.example.com/a.map"),
                           js_path="/tmp/a.js")
    bad = b'{"version":3,"sources":["a"],"names":[],"mappings":"AAAA,!"}'
    with pytest.raises(smcache.InvalidSourceMap) as e:
        smcache.compile_js(BARE_JS, bad)
    assert e.value.field == "mappings" and e.value.position.segment == 1
    with pytest.raises(smcache.InvalidSourceMap):
        smcache.compile_js(with_comments(inline(b"{not json")))
    with pytest.raises(smcache.InvalidSourceMap) as e:
        smcache.compile_js(BARE_JS, MAP, max_input_bytes=100)
    assert e.value.code_name == "limit_exceeded"
    with pytest.raises(TypeError, match="js_bytes"):
        smcache.compile_js(42)
    with pytest.raises(TypeError, match="map_bytes"):
        smcache.compile_js(BARE_JS, 42)


def test_options():
    cache = smcache.compile_js(with_comments(inline(MAP)), include_sources_content=False,
                               block_token_count=16)
    with smcache.Cache.from_bytes(cache) as c:
        assert c.info().block_token_count == 16
        assert not any(s.has_content for s in c.sources)


@pytest.mark.skipif(cli_path() is None, reason="SKIPPED: smcache CLI not found")
def test_same_bytes_as_the_cli(tmp_path):
    out = tmp_path / "cli.smc"
    p = subprocess.run([cli_path(), "compile", str(EXAMPLE / "app.min.js"), "-o", str(out)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert smcache.compile_js(JS, js_path=EXAMPLE / "app.min.js") == out.read_bytes()
    # In an upload handler: the JS bytes and the map bytes, no paths at all.
    assert smcache.compile_js(JS, MAP) == out.read_bytes()


def test_generated_function_table():
    # compile(map, generated=js) is compile_js(js, map); without the code there is no table, and
    # turning it off gives compile(map)'s bytes.
    plain = smcache.compile(MAP)
    assert WITH_TABLE != plain and len(WITH_TABLE) > len(plain)
    assert smcache.compile(MAP, generated=BARE_JS.decode()) == WITH_TABLE
    assert smcache.compile_js(BARE_JS, MAP, generated_function_table=False) == plain
    assert smcache.compile(MAP, generated=BARE_JS, generated_function_table=False) == plain
    with smcache.Cache.from_bytes(WITH_TABLE) as c:
        assert c.info().format_version == (1, 3)
