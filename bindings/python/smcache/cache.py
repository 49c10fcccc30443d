"""Pythonic objects over the C ABI: Cache, Token, Source, CacheInfo, compile, compile_js and open.

Nothing here interprets the cache: every answer comes from libsmcache. This module checks
arguments, copies strings out of the mapping into Python ``str`` before the call that produced
them returns, and maps errors to exceptions (_errors.py).

Threads and close(): a Cache holds its native handle through ``ffi.gc``; every method reads the
handle into a local variable, which keeps the handle alive for the duration of the C call. close()
only drops the Cache's own reference, so the mapping is unmapped when the last in-flight call
(in any thread) returns, never under it. Lookups take no lock. (This relies on CPython's reference
counting, which frees the handle as soon as the last reference goes away.)

fork(): the mapping is MAP_SHARED and read-only; a child inherits it, and the same Cache keeps
working in the child (and in the parent), sharing the page cache. Closing in one process does not
affect the other.
"""

from __future__ import annotations

import enum
import os
import struct
from dataclasses import dataclass
from typing import (
    Iterable,
    Callable,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Tuple,
    Union,
)

from ._errors import CorruptCache
from ._errors import call as _call
from ._ffi import ffi, lib

__all__ = [
    "Bias",
    "Cache",
    "CacheInfo",
    "Source",
    "Token",
    "compile",
    "compile_file",
    "compile_js",
    "open",
]

PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
Buffer = Union[bytes, bytearray, memoryview]

_NONE = 0xFFFFFFFF
_MAX_U32 = 0xFFFFFFFF


class Bias(enum.IntEnum):
    """Which mapping answers a lookup when none starts exactly at the queried column."""

    #: The last mapping with the greatest generated column <= the query column, on the query's
    #: line only (Mozilla source-map's default).
    GREATEST_LOWER_BOUND = 0
    #: The last mapping with the smallest generated column >= the query column, same line only.
    LEAST_UPPER_BOUND = 1


class Token(NamedTuple):
    """One mapping: an original position for a generated one. Immutable. All lines and columns
    are 0-based; columns count UTF-16 code units.

    A token from :meth:`Cache.tokens` may have no source (a 1-field segment): ``source_index``
    and ``source`` are then None and ``line``/``column`` are 0. Lookups never return those.
    """

    source: Optional[str]  #: the source's name (sourceRoot joined); None without source
    line: int  #: original line, 0-based
    column: int  #: original column, 0-based
    name: Optional[str]  #: the mapping's name, if it has one
    source_index: Optional[int]  #: index into Cache.sources; None without source
    ignored: bool  #: the source is in the map's ignoreList
    generated_line: int  #: 0-based
    generated_column: int  #: 0-based


class Source:
    """One entry of the map's ``sources``. ``content`` and :meth:`line` read the cache on
    demand (the cache must be open)."""

    __slots__ = ("_cache", "index", "name", "ignored", "line_count", "has_content")

    index: int  #: position in ``sources``, 0-based
    name: Optional[str]  #: sourceRoot-joined name; None for a null entry
    ignored: bool  #: in the map's ignoreList
    line_count: int  #: lines of content (0 without content)
    has_content: bool  #: sourcesContent had a string for this source

    def __init__(self, cache: "Cache", index: int, name: Optional[str], ignored: bool,
                 line_count: int, has_content: bool):
        for k, v in (("_cache", cache), ("index", index), ("name", name), ("ignored", ignored),
                     ("line_count", line_count), ("has_content", has_content)):
            object.__setattr__(self, k, v)

    def __setattr__(self, key, value):
        raise AttributeError("Source is immutable")

    @property
    def content(self) -> Optional[str]:
        """The source text from sourcesContent, or None when the map had none."""
        return self._cache._source_content(self.index)

    def line(self, line: int) -> Optional[str]:
        """Line ``line`` (0-based) of the content without its terminator, or None."""
        return self._cache.source_line(self.index, line)

    def __eq__(self, other):
        if not isinstance(other, Source):
            return NotImplemented
        return (self.index, self.name, self.ignored, self.line_count, self.has_content) == (
            other.index, other.name, other.ignored, other.line_count, other.has_content)

    def __hash__(self):
        return hash((self.index, self.name))

    def __repr__(self) -> str:
        return (f"Source(index={self.index}, name={self.name!r}, ignored={self.ignored}, "
                f"line_count={self.line_count}, has_content={self.has_content})")


@dataclass(frozen=True)
class CacheInfo:
    """Header-level facts about a cache (no section is read)."""

    format_version: Tuple[int, int]  #: (major, minor) of the cache format
    semantics_version: int  #: converter semantics the cache was written with
    file_size: int  #: bytes of the cache
    generated_line_count: int
    token_count: int
    source_count: int
    string_count: int
    name_count: int  #: length of the input map's ``names``
    block_token_count: int
    file: Optional[str]  #: the map's ``file``
    debug_id: Optional[str]  #: the map's ``debugId``
    input_hash: str  #: XXH3-128 of the input map bytes (and generated file: SPEC §4.9), 32 hex digits


def _text(ptr, length) -> str:
    return ffi.unpack(ptr, length).decode("utf-8", "replace")


def _fspath(path: PathLike) -> bytes:
    return os.fsencode(path)


def _options(include_sources_content: bool, block_token_count: int,
             max_input_bytes: Optional[int], max_tokens: Optional[int],
             function_table: bool = True, generated_function_table: bool = True):
    opts = ffi.new("smcache_compile_options *")
    lib.smcache_compile_options_init(opts)
    opts.include_sources_content = 1 if include_sources_content else 0
    opts.flags = ((0 if function_table else lib.SMCACHE_COMPILE_NO_FUNCTION_TABLE) |
                  (0 if generated_function_table
                   else lib.SMCACHE_COMPILE_NO_GENERATED_FUNCTION_TABLE))
    opts.block_token_count = block_token_count
    if max_input_bytes is not None:
        opts.max_input_bytes = max_input_bytes
    if max_tokens is not None:
        opts.max_tokens = max_tokens
    return opts


def compile(map_bytes: Union[bytes, bytearray, memoryview, str], *,
            include_sources_content: bool = True, block_token_count: int = 64,
            max_input_bytes: Optional[int] = None, max_tokens: Optional[int] = None,
            function_table: bool = True,
            generated: Optional[Union[Buffer, str]] = None,
            generated_function_table: bool = True) -> bytes:
    """Compiles a JSON source map (regular or index map, ECMA-426) and returns the cache bytes.

    ``map_bytes`` is the map's JSON text (``str`` is encoded as UTF-8). Deterministic: the same
    input gives the same bytes. Raises :class:`InvalidSourceMap` (with ``position`` and
    ``field``) when the map is malformed or exceeds a limit.

    Options: ``include_sources_content`` (copy sourcesContent; off gives names only),
    ``block_token_count`` (tokens per packed block, a power of two 1..4096: smaller is faster to
    look up and larger on disk), ``max_input_bytes`` and ``max_tokens`` (limits for untrusted
    input; defaults 2 GiB and 500 million), ``function_table`` (record the original functions
    found in sourcesContent, which name symbolicated frames; SPEC.md §6.10).

    ``generated`` is the generated (minified) JavaScript file the map describes, when known: its
    functions, named through the map, are stored too (the generated-function table, SPEC.md
    §6.12; ``generated_function_table=False`` leaves it out), which names frames even when the
    map has no sourcesContent. It is compiled as :func:`compile_js` with ``map_bytes``: the
    file's ``//# debugId=`` comment counts too.
    """
    if generated is not None:
        return compile_js(generated, map_bytes, include_sources_content=include_sources_content,
                          block_token_count=block_token_count, max_input_bytes=max_input_bytes,
                          max_tokens=max_tokens, function_table=function_table,
                          generated_function_table=generated_function_table)
    if isinstance(map_bytes, str):
        map_bytes = map_bytes.encode("utf-8")
    src = ffi.from_buffer("uint8_t[]", map_bytes)
    out = ffi.new("uint8_t **")
    out_len = ffi.new("size_t *")
    _call(lib.smcache_compile, src, len(src),
          _options(include_sources_content, block_token_count, max_input_bytes, max_tokens,
                   function_table),
          out, out_len)
    try:
        return ffi.unpack(ffi.cast("char *", out[0]), out_len[0])
    finally:
        lib.smcache_bytes_free(out[0])


def compile_file(map_path: PathLike, cache_path: PathLike, *,
                 include_sources_content: bool = True, block_token_count: int = 64,
                 max_input_bytes: Optional[int] = None, max_tokens: Optional[int] = None,
                 function_table: bool = True) -> None:
    """Reads the map at ``map_path``, compiles it and writes ``cache_path`` atomically
    (``cache_path`` never holds a partial file). Options as :func:`compile`. Raises
    :class:`InvalidSourceMap`, or :class:`OSError` (``FileNotFoundError``,
    ``PermissionError``, ...) for file problems."""
    _call(lib.smcache_compile_file, _fspath(map_path), _fspath(cache_path),
          _options(include_sources_content, block_token_count, max_input_bytes, max_tokens,
                   function_table))


def _as_bytes(what: str, data) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"{what} must be bytes or str, got {type(data).__name__}")


def _source_mapping_url(js: bytes) -> Optional[str]:
    """The file's ``//# sourceMappingURL=`` as written, or None (the library's scanner)."""
    a = ffi.new("smcache_js_annotations *")
    _call(lib.smcache_js_scan, js, len(js), a)
    if not a.has_source_mapping_url:
        return None
    return _text(a.source_mapping_url, a.source_mapping_url_len)


def compile_js(js_bytes: Union[Buffer, str], map_bytes: Optional[Union[Buffer, str]] = None, *,
               js_path: Optional[PathLike] = None, root: Optional[PathLike] = None,
               load_map: Optional[Callable[[str], Union[Buffer, str]]] = None,
               include_sources_content: bool = True, block_token_count: int = 64,
               max_input_bytes: Optional[int] = None, max_tokens: Optional[int] = None,
               function_table: bool = True, generated_function_table: bool = True) -> bytes:
    """Compiles the source map of a generated (minified) JavaScript file and returns the cache
    bytes, as ``smcache compile app.min.js`` does, without temporary files (for upload handlers).

    Where the map comes from:

    - ``map_bytes`` given: that map. The JavaScript file contributes only its ``//# debugId=``
      comment (it needs no ``sourceMappingURL``).
    - else the file's ``//# sourceMappingURL=`` comment: an inline
      ``data:application/json;base64,...`` URL is decoded in memory; any other URL is passed,
      as written, to ``load_map(url) -> bytes`` when given (fetch it from the upload or an
      object store), or else read from disk relative to the directory of ``js_path`` (the
      file's own path; it need not exist). With neither, only inline maps are accepted: nothing
      is read relative to the current directory. ``root`` confines such reads: the map must lie
      inside it (symbolic links resolved), and ``/path`` URLs are relative to it. Absolute URLs
      (``https:``) are never fetched.

    Debug ID: a map without a valid ``debugId`` gets the file's ``//# debugId=``; when both are
    present they must be the same UUID (else :class:`InvalidSourceMap`, field ``debugId``). The
    cache's input hash is the map's, and the file's too when the generated-function table is
    built (SPEC.md §4.9). Other options as :func:`compile` (``max_input_bytes`` also
    bounds the map read or decoded). The file's functions, named through the map, make the
    generated-function table (SPEC.md §6.12) unless ``generated_function_table`` is False.

    Raises :class:`InvalidSourceMap` (bad map, limit exceeded), ``ValueError`` (no
    ``sourceMappingURL``, a malformed ``data:`` URL, a refused path or URL), :class:`OSError`
    (reading the map file, with its path).
    """
    js = _as_bytes("js_bytes", js_bytes)
    if load_map is not None and js_path is not None:
        raise ValueError("give load_map or js_path, not both")
    if map_bytes is None and load_map is not None:
        url = _source_mapping_url(js)
        if url is not None and not url.lstrip()[:5].lower() == "data:":
            map_bytes = load_map(url)
            if map_bytes is None:
                raise ValueError(f"load_map returned None for sourceMappingURL {url!r}")
    opts = _options(include_sources_content, block_token_count, max_input_bytes, max_tokens,
                    function_table, generated_function_table)
    out = ffi.new("uint8_t **")
    out_len = ffi.new("size_t *")
    if map_bytes is None:
        c_map, c_map_len = ffi.NULL, 0
    else:
        m = _as_bytes("map_bytes", map_bytes)
        c_map, c_map_len = ffi.from_buffer("uint8_t[]", m), len(m)
    _call(lib.smcache_compile_js, ffi.from_buffer("uint8_t[]", js), len(js), c_map, c_map_len,
          ffi.NULL if js_path is None else _fspath(js_path),
          ffi.NULL if root is None else _fspath(root), opts, out, out_len)
    try:
        return ffi.unpack(ffi.cast("char *", out[0]), out_len[0])
    finally:
        lib.smcache_bytes_free(out[0])


_MISSING = object()

# The lookup fast path. A Python-level Token(...) call costs more than the native lookup, so
# tokens are built with tuple.__new__, and smcache_token is read with one struct unpack instead
# of eleven cdata attribute reads: generated_line, generated_column, source_index, line, column,
# ignored, name address, name_len (has_name, source and source_len are skipped: sources are
# named by index, and the name pointer is NULL exactly when there is no name). "@" is the C
# compiler's own layout (checked below).
_tuple_new = tuple.__new__
_NULL = ffi.NULL
_lookup = lib.smcache_cache_lookup
_lookup_many = lib.smcache_cache_lookup_many
_new_uncleared = ffi.new_allocator(should_clear_after_alloc=False)
_WORD = ffi.sizeof("size_t")
_TOKEN = struct.Struct(f"@5IxB2x{2 * _WORD}xPN")
if (_TOKEN.size != ffi.sizeof("smcache_token") or ffi.sizeof("char *") != _WORD
        or struct.calcsize("@5IxB2x") != ffi.offsetof("smcache_token", "source")
        or struct.calcsize(f"@5IxB2x{2 * _WORD}x") != ffi.offsetof("smcache_token", "name")
        or struct.calcsize(f"@5IxB2x{2 * _WORD}xP") != ffi.offsetof("smcache_token", "name_len")):
    raise ImportError("smcache: smcache_token layout differs from its struct format")
_unpack_token = _TOKEN.unpack_from
_iter_unpack_token = _TOKEN.iter_unpack
# Bound on the per-cache decoded-name memo (entries); past it names are decoded each time.
_NAME_CACHE_LIMIT = 1 << 16


# Token buffers for single lookups: (cdata, buffer over it). list.pop and list.append are atomic,
# so each concurrent caller gets its own slot without a lock.
_slots: List[tuple] = []
_slot_pop = _slots.pop
_slot_push = _slots.append


def _new_slot() -> tuple:
    t = ffi.new("smcache_token *")
    return (t, ffi.buffer(t))


def _check_u32(what: str, value: int) -> None:
    # cffi raises OverflowError for a negative or too large value passed as uint32_t; a
    # ValueError that says which argument is clearer.
    if not 0 <= value <= _MAX_U32:
        raise ValueError(f"{what} must be in 0..{_MAX_U32}, got {value}")


class Cache:
    """An open smcache file (memory-mapped, read-only) or cache bytes.

    Create with :func:`smcache.open` / :meth:`Cache.open` or :meth:`Cache.from_bytes`; use as a
    context manager or call :meth:`close`. Any number of threads may use one Cache at once.
    Using a closed cache raises ``ValueError("cache is closed")``.
    """

    __slots__ = ("_h", "_origin", "_source_names", "_names", "_name_lens", "_sources",
                 "__weakref__")

    def __init__(self, *args, **kwargs):
        raise TypeError("use smcache.open(path) or smcache.Cache.from_bytes(data)")

    @classmethod
    def _wrap(cls, raw, origin: str, keep=None) -> "Cache":
        self = object.__new__(cls)
        if keep is None:
            self._h = ffi.gc(raw, lib.smcache_cache_close)
        else:
            # The destructor closes over the caller's buffer, so the bytes outlive the native
            # cache even when close() races with a lookup in another thread.
            self._h = ffi.gc(raw, lambda p, _keep=keep: lib.smcache_cache_close(p))
        self._origin = origin
        # Decoded strings, filled as lookups meet them. Source names by source index; names by
        # their address in the mapping (the string table is deduplicated: one address per name)
        # with their length beside, which is checked on use (a corrupt, overlapping table could
        # start two names at one address). Address 0 is "no name".
        self._source_names = {}
        self._names = {0: None}
        self._name_lens = {0: 0}
        self._sources = None
        return self

    @classmethod
    def open(cls, path: PathLike) -> "Cache":
        """Maps the cache file at ``path`` read-only and checks its header and directory
        (O(number of sections); no data page is read). Raises :class:`OSError`
        (``FileNotFoundError``, ...), :class:`CorruptCache` or :class:`UnsupportedVersion`.

        The file must not be truncated or rewritten in place while open (the process would get
        SIGBUS); replace cache files by rename, as compile_file() does."""
        raw = _call(lib.smcache_cache_open_path, _fspath(path))
        return cls._wrap(raw, f"path={os.fsdecode(path)!r}")

    @classmethod
    def from_bytes(cls, data: Union[bytes, bytearray, memoryview]) -> "Cache":
        """Opens cache bytes held in memory, with the same checks as :meth:`open`. ``bytes`` are
        used in place (no copy); other buffers are copied first, since they could change."""
        if not isinstance(data, bytes):
            data = bytes(data)
        buf = ffi.from_buffer("uint8_t[]", data)
        raw = _call(lib.smcache_cache_open_bytes, buf, len(buf))
        return cls._wrap(raw, f"bytes={len(data)}", keep=(data, buf))

    # -- lifetime ------------------------------------------------------------------------------

    def close(self) -> None:
        """Releases the mapping. Idempotent. Calls running in other threads finish first (the
        mapping goes away when the last of them returns); later calls raise ValueError."""
        self._h = None

    @property
    def closed(self) -> bool:
        """True after :meth:`close` (or leaving the ``with`` block)."""
        return self._h is None

    def __enter__(self) -> "Cache":
        if self._h is None:
            raise ValueError("cache is closed")
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __reduce__(self):
        raise TypeError("a Cache cannot be pickled; open the file again in the other process")

    def __repr__(self) -> str:
        h = self._h
        if h is None:
            return f"<smcache.Cache {self._origin} closed>"
        return (f"<smcache.Cache {self._origin} tokens={lib.smcache_cache_token_count(h)} "
                f"sources={lib.smcache_cache_source_count(h)}>")

    def _handle(self):
        h = self._h
        if h is None:
            raise ValueError("cache is closed")
        return h

    # -- lookups -------------------------------------------------------------------------------

    def _load_source_name(self, h, index: int) -> Optional[str]:
        s = ffi.new("smcache_source *")
        if lib.smcache_cache_source_get(h, index, s, ffi.NULL) == 1 and s.has_name:
            name = _text(s.name, s.name_len)
        else:
            name = None
        self._source_names[index] = name  # a benign race: every thread stores the same
        return name

    def _load_name(self, address: int, length: int) -> Optional[str]:
        # The caller holds the handle, so the mapping that the address points into is alive.
        if address == 0:
            return None
        name = _text(ffi.cast("const char *", address), length)
        lens = self._name_lens
        if address not in lens and len(lens) < _NAME_CACHE_LIMIT:
            lens[address] = length  # first: a reader that sees the name sees its length
            self._names[address] = name
        return name

    def _name(self, address: int, length: int) -> Optional[str]:
        name = self._names.get(address, _MISSING)
        if name is _MISSING or self._name_lens.get(address) != length:
            name = self._load_name(address, length)
        return name

    def _make(self, h, fields) -> Token:
        # fields: smcache_token unpacked by _TOKEN. The caller holds the handle, so the mapping
        # that the name address points into is alive. lookup() and lookup_many() inline this.
        (generated_line, generated_column, index, line, column, ignored, name_address,
         name_len) = fields
        if index == _NONE:
            return _tuple_new(Token, (None, 0, 0, None, None, False, generated_line,
                                      generated_column))
        source = self._source_names.get(index, _MISSING)
        if source is _MISSING:
            source = self._load_source_name(h, index)
        return _tuple_new(Token, (source, line, column, self._name(name_address, name_len),
                                  index, ignored == 1, generated_line, generated_column))

    def lookup(self, line: int, column: int,
               bias: Bias = Bias.GREATEST_LOWER_BOUND) -> Optional[Token]:
        """The original position of generated (``line``, ``column``), both 0-based, or None
        when no mapping covers it (nothing on that line on the bias's side, or the answering
        mapping has no source). O(log n); thread-safe."""
        h = self._h
        if h is None:
            raise ValueError("cache is closed")
        # A token buffer per call, from a pool: list pop/append are atomic, so concurrent
        # lookups each get their own, and the steady state allocates nothing.
        try:
            slot = _slot_pop()
        except IndexError:
            slot = _new_slot()
        try:
            found = _lookup(h, line, column, bias, slot[0], _NULL)
            if found == 1:
                (generated_line, generated_column, index, line, column, ignored, name_address,
                 name_len) = _unpack_token(slot[1])
        except OverflowError:
            _check_u32("line", line)
            _check_u32("column", column)
            raise
        finally:
            _slot_push(slot)
        if found == 1:
            # A lookup never answers with a source-less token (the C side returns 0 then).
            try:
                source = self._source_names[index]
            except KeyError:
                source = self._load_source_name(h, index)
            if name_address:
                try:
                    name = self._names[name_address]
                    if self._name_lens[name_address] != name_len:
                        name = self._load_name(name_address, name_len)
                except KeyError:
                    name = self._load_name(name_address, name_len)
            else:
                name = None
            return _tuple_new(Token, (source, line, column, name, index, ignored == 1,
                                      generated_line, generated_column))
        if found == 0:
            return None
        # -1: an argument the C side rejected (the bias); run again for the message.
        err = ffi.new("smcache_error *")  # (the slot is back in the pool: use a fresh token)
        lib.smcache_cache_lookup(h, line, column, bias, ffi.new("smcache_token *"), err)
        raise ValueError(ffi.string(err.message).decode("utf-8", "replace"))

    def lookup_many(self, positions: Iterable[Tuple[int, int]],
                    bias: Bias = Bias.GREATEST_LOWER_BOUND) -> List[Optional[Token]]:
        """Looks up every (line, column) pair of ``positions`` in one native call (a whole stack
        trace at once) and returns a list of Token-or-None in the same order."""
        h = self._handle()
        lines: List[int] = []
        columns: List[int] = []
        for line, column in positions:
            lines.append(line)
            columns.append(column)
        n = len(lines)
        if n == 0:
            return []
        try:
            # One array for both: lines at [0, n), columns at [n, 2n).
            c_positions = ffi.new("uint32_t[]", lines + columns)
        except OverflowError:
            for line, column in zip(lines, columns):
                _check_u32("line", line)
                _check_u32("column", column)
            raise
        tokens = _new_uncleared("smcache_token[]", n)  # the C side writes every element
        found = _new_uncleared("uint8_t[]", n)
        # No error struct on the fast path: -1 only comes from a bad argument, and the call is
        # pure, so it is repeated with one to get the message.
        hits = _lookup_many(h, c_positions, c_positions + n, n, bias, tokens, found, _NULL)
        if hits == -1:
            hits = _call(_lookup_many, h, c_positions, c_positions + n, n, bias, tokens, found)
        if hits == 0:
            return [None] * n
        out: List[Optional[Token]] = []
        append = out.append
        source_names = self._source_names
        names = self._names
        name_lens = self._name_lens
        for fields, hit in zip(_iter_unpack_token(ffi.buffer(tokens)), ffi.buffer(found)[:]):
            if not hit:
                append(None)
                continue
            (generated_line, generated_column, index, line, column, ignored, name_address,
             name_len) = fields
            try:
                source = source_names[index]
            except KeyError:
                source = self._load_source_name(h, index)
            if name_address:
                try:
                    name = names[name_address]
                    if name_lens[name_address] != name_len:
                        name = self._load_name(name_address, name_len)
                except KeyError:
                    name = self._load_name(name_address, name_len)
            else:
                name = None
            append(_tuple_new(Token, (source, line, column, name, index, ignored == 1,
                                      generated_line, generated_column)))
        return out

    def original_positions(self, line: int, column: int) -> List[Token]:
        """ECMA-426 GetOriginalPositions: every mapping at the greatest generated position <=
        (line, column), searching back across earlier lines. Empty when there is none."""
        h = self._handle()
        first = ffi.new("uint32_t *")
        last = ffi.new("uint32_t *")
        _check_u32("line", line)
        _check_u32("column", column)
        count = _call(lib.smcache_cache_original_positions, h, line, column, first, last)
        return [self._get_token(h, i) for i in range(first[0], first[0] + count)]

    # -- iteration -----------------------------------------------------------------------------

    def _get_token(self, h, index: int) -> Token:
        try:
            slot = _slot_pop()
        except IndexError:
            slot = _new_slot()
        try:
            if _call(lib.smcache_cache_token_get, h, index, slot[0]) == 1:
                return self._make(h, _unpack_token(slot[1]))
        finally:
            _slot_push(slot)
        raise CorruptCache(lib.SMCACHE_E_CORRUPT,
                           f"token {index}: unreadable (corrupt cache; run verify())")

    @property
    def token_count(self) -> int:
        """Number of mappings (segments), 1-field segments included."""
        return lib.smcache_cache_token_count(self._handle())

    def tokens(self) -> Iterator[Token]:
        """Every mapping in generated order (line, then column), 1-field segments included (with
        source_index None). Raises ValueError if the cache is closed while iterating."""
        for i in range(lib.smcache_cache_token_count(self._handle())):
            yield self._get_token(self._handle(), i)

    # -- sources -------------------------------------------------------------------------------

    @property
    def sources(self) -> List[Source]:
        """The map's ``sources`` as :class:`Source` objects (content read on demand)."""
        h = self._handle()
        records = self._sources
        if records is None:
            # Plain tuples are memoized, not Source objects: a Source refers to its Cache, and
            # a cycle would keep an unclosed Cache (and its mapping) alive until the cyclic GC.
            result = []
            s = ffi.new("smcache_source *")
            for i in range(lib.smcache_cache_source_count(h)):
                if _call(lib.smcache_cache_source_get, h, i, s) != 1:
                    raise CorruptCache(lib.SMCACHE_E_CORRUPT,
                                       f"source {i}: unreadable (corrupt cache; run verify())")
                result.append((i, _text(s.name, s.name_len) if s.has_name else None,
                               bool(s.ignored), s.line_count, bool(s.has_content)))
            records = self._sources = tuple(result)
        return [Source(self, *r) for r in records]

    def _source_content(self, index: int) -> Optional[str]:
        h = self._handle()
        s = ffi.new("smcache_source *")
        if _call(lib.smcache_cache_source_get, h, index, s) != 1 or not s.has_content:
            return None
        return _text(s.content, s.content_len)

    def source_line(self, index: int, line: int) -> Optional[str]:
        """Line ``line`` (0-based) of source ``index``'s content without its terminator (lines
        split at \\n, \\r\\n, \\r, U+2028, U+2029), or None when the source has no content or
        the line is past its end. Raises IndexError for a source index out of range."""
        h = self._handle()
        count = lib.smcache_cache_source_count(h)
        if not 0 <= index < count:
            raise IndexError(f"source index {index} out of range ({count} sources)")
        if line < 0:
            return None
        if line > _MAX_U32:
            return None
        out = ffi.new("const char **")
        out_len = ffi.new("size_t *")
        if _call(lib.smcache_cache_source_line, h, index, line, out, out_len) != 1:
            return None
        return _text(out[0], out_len[0])

    def context(self, token: Token, lines: int = 5
                ) -> Tuple[List[str], Optional[str], List[str]]:
        """Source lines around ``token``'s original line, as an error tracker shows them around a
        stack frame: ``(pre_context, context_line, post_context)`` with up to ``lines`` lines
        before and after. ``([], None, [])`` when the source has no content or the line is past
        its end."""
        if lines < 0:
            raise ValueError(f"lines must be >= 0, got {lines}")
        if token.source_index is None:
            return [], None, []
        index, line = token.source_index, token.line
        context_line = self.source_line(index, line)
        if context_line is None:
            return [], None, []
        pre = [self.source_line(index, i) for i in range(max(0, line - lines), line)]
        post: List[str] = []
        for i in range(line + 1, line + 1 + lines):
            text = self.source_line(index, i)
            if text is None:
                break
            post.append(text)
        return [p for p in pre if p is not None], context_line, post

    # -- info and verification -----------------------------------------------------------------

    def info(self) -> CacheInfo:
        """Header facts: counts, ``file``, ``debugId``, input hash, format version."""
        h = self._handle()
        i = ffi.new("smcache_info *")
        _call(lib.smcache_cache_info, h, i)
        return CacheInfo(
            format_version=(i.format_major, i.format_minor),
            semantics_version=i.semantics_version,
            file_size=i.file_size,
            generated_line_count=i.generated_line_count,
            token_count=i.token_count,
            source_count=i.source_count,
            string_count=i.string_count,
            name_count=i.name_count,
            block_token_count=i.block_token_count,
            file=_text(i.file, i.file_len) if i.file != ffi.NULL else None,
            debug_id=_text(i.debug_id, i.debug_id_len) if i.debug_id != ffi.NULL else None,
            input_hash=f"{i.input_hash_high:016x}{i.input_hash_low:016x}",
        )

    def verify(self) -> None:
        """Checks every checksum and cross-reference (reads the whole file). Returns None when
        the cache is sound; raises :class:`CorruptCache` otherwise."""
        _call(lib.smcache_cache_verify, self._handle())


def open(path: PathLike) -> Cache:  # noqa: A001 - the module's verb, as gzip.open
    """Opens the cache file at ``path`` (see :meth:`Cache.open`)."""
    return Cache.open(path)
