"""Pins the public names of the smcache package: adding or removing one is a deliberate API
change and must update this file (python-zstandard's test_module_attributes.py does the same)."""

import dataclasses
import inspect
import types

import smcache

PUBLIC = [
    "Bias",
    "Cache",
    "CacheDirectory",
    "CacheInfo",
    "CorruptCache",
    "Error",
    "FORMAT_VERSION",
    "Frame",
    "GREATEST_LOWER_BOUND",
    "GeneratedFrame",
    "InlinedFrame",
    "InvalidSourceMap",
    "LEAST_UPPER_BOUND",
    "Position",
    "Source",
    "SymbolicatedTrace",
    "Token",
    "UnsupportedVersion",
    "__version__",
    "compile",
    "compile_file",
    "compile_js",
    "library_path",
    "library_version",
    "open",
    "symbolicate",
]


def test_all_is_pinned():
    assert sorted(smcache.__all__) == PUBLIC


def test_no_unlisted_public_attributes():
    # Submodules (smcache.cache) are importable but not API; everything else public is in __all__.
    public = {n for n, v in vars(smcache).items()
              if not n.startswith("_") and not isinstance(v, types.ModuleType)}
    assert public == set(PUBLIC) - {"__version__"}


def test_token_fields():
    assert smcache.Token._fields == ("source", "line", "column", "name", "source_index",
                                     "ignored", "generated_line", "generated_column")


def test_cache_api():
    public = sorted(n for n, _ in inspect.getmembers(smcache.Cache) if not n.startswith("_"))
    assert public == ["close", "closed", "context", "from_bytes", "info", "lookup",
                      "lookup_many", "open", "original_positions", "source_line", "sources",
                      "token_count", "tokens", "verify"]


def test_source_and_info_fields():
    assert [f.name for f in dataclasses.fields(smcache.CacheInfo)] == [
        "format_version", "semantics_version", "file_size", "generated_line_count",
        "token_count", "source_count", "string_count", "name_count", "block_token_count",
        "file", "debug_id", "input_hash"]
    assert [n for n in smcache.Source.__slots__ if not n.startswith("_")] == [
        "index", "name", "ignored", "line_count", "has_content"]
    assert smcache.Position._fields == ("byte_offset", "line", "segment")


def test_trace_types():
    assert smcache.GeneratedFrame._fields == (
        "url", "line", "column", "function", "alias", "async_cause", "style", "is_async",
        "is_constructor", "is_native", "is_eval")
    assert [f.name for f in dataclasses.fields(smcache.Frame)] == [
        "raw", "is_frame", "generated", "resolved", "source", "source_index", "line", "column",
        "function", "display_function", "function_rule", "minified", "unresolved_reason",
        "unresolved_detail", "pre_context", "context_line", "post_context", "inlined_callers"]
    assert smcache.InlinedFrame._fields == (
        "source", "source_index", "line", "column", "function", "display_function",
        "function_rule", "inlined")
    public = sorted(n for n, _ in inspect.getmembers(smcache.SymbolicatedTrace)
                    if not n.startswith("_"))
    assert public == ["context", "frame_count", "frames", "lines", "render", "resolved_count",
                      "to_json"]
    public = sorted(n for n, _ in inspect.getmembers(smcache.CacheDirectory)
                    if not n.startswith("_"))
    assert public == ["close", "closed", "find", "path"]


def test_bias_values_match_the_c_abi():
    from smcache._ffi import lib

    assert smcache.Bias.GREATEST_LOWER_BOUND == lib.SMCACHE_BIAS_GREATEST_LOWER_BOUND == 0
    assert smcache.Bias.LEAST_UPPER_BOUND == lib.SMCACHE_BIAS_LEAST_UPPER_BOUND == 1


def test_versions():
    assert smcache.__version__ == smcache.library_version()
    assert smcache.FORMAT_VERSION[0] == 1


def test_every_public_callable_has_a_docstring():
    for name in PUBLIC:
        obj = getattr(smcache, name)
        if callable(obj):
            assert inspect.getdoc(obj), name
    for cls in (smcache.Cache, smcache.CacheDirectory, smcache.SymbolicatedTrace):
        for name, member in inspect.getmembers(cls):
            if not name.startswith("_") and callable(member):
                assert inspect.getdoc(member), f"{cls.__name__}.{name}"
    for name, member in inspect.getmembers(smcache.Cache):
        if not name.startswith("_"):
            assert inspect.getdoc(member), f"Cache.{name}"
    assert "lookup" in smcache.__doc__
