"""Look up JavaScript source map positions in a compiled, memory-mapped cache.

Compile a source map once, then open the cache file in any number of processes; lookups are
O(log n), allocate nothing natively, and all processes share the file's pages::

    import smcache
    smcache.compile_file("app.js.map", "app.js.smcache")
    with smcache.open("app.js.smcache") as cache:
        token = cache.lookup(0, 1234)           # generated line, column (0-based)
        if token:
            print(token.source, token.line, token.column, token.name)
            pre, line, post = cache.context(token)

Symbolicate a JavaScript stack trace (V8, Firefox or Safari) through a cache, a directory
written by ``smcache warm``, or a callable::

    result = smcache.symbolicate(trace_text, "app.js.smcache", context=2)
    for frame in result.frames:
        print(frame.function, frame.source, frame.line, frame.resolved)
    print(result.render())                      # exactly what `smcache symbolicate` prints

Compile at upload time from the minified file itself: ``smcache.compile_js(js, map_bytes)``.

Lines and columns are 0-based everywhere; columns count UTF-16 code units. Only the renderings
of a symbolicated trace (``render()``, ``to_json()``) are 1-based, as engines print traces.

Errors are exceptions: :class:`Error` (base: ``code``, ``message``, ``position``),
:class:`InvalidSourceMap`, :class:`CorruptCache`, :class:`UnsupportedVersion`, and
:class:`OSError` subclasses (``FileNotFoundError``, ...) for file problems.

The native library is libsmcache.so, loaded with CFFI (set ``SMCACHE_LIBRARY`` to pick one).
"""

from ._errors import CorruptCache, Error, InvalidSourceMap, Position, UnsupportedVersion
from ._ffi import ffi as _cffi
from ._ffi import lib as _lib
from .cache import Bias, Cache, CacheInfo, Source, Token, compile, compile_file, compile_js, open
from .trace import (CacheDirectory, Frame, GeneratedFrame, InlinedFrame, SymbolicatedTrace,
                    symbolicate)

__version__ = "0.1.0"

#: The default bias: the mapping at or before the column (Mozilla's GREATEST_LOWER_BOUND).
GREATEST_LOWER_BOUND = Bias.GREATEST_LOWER_BOUND
#: The mapping at or after the column.
LEAST_UPPER_BOUND = Bias.LEAST_UPPER_BOUND

#: The cache format version this package reads and writes, as (major, minor).
FORMAT_VERSION = (_lib.smcache_format_version() >> 16, _lib.smcache_format_version() & 0xFFFF)


def library_version() -> str:
    """The release version of the loaded libsmcache.so, e.g. ``"0.1.0"``."""
    return _cffi.string(_lib.smcache_library_version()).decode("ascii")


def library_path() -> str:
    """Where libsmcache.so was loaded from (see ``SMCACHE_LIBRARY``)."""
    from ._ffi import library_path as path

    return path


__all__ = [
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
