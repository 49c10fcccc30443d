"""Stack-trace symbolication over the C ABI: symbolicate(), SymbolicatedTrace, Frame,
GeneratedFrame and CacheDirectory (a directory written by ``smcache warm``).

Everything is computed by libsmcache (the C++ reader's parser, naming rules and renderer); this
module picks the resolver, copies the results into Python objects and maps errors.

Positions: every line and column in these objects is 0-based, like the rest of the package
(``Frame.line`` is the original line, ``GeneratedFrame.line`` the line the trace printed minus
one). Only the renderings (:meth:`SymbolicatedTrace.render`, :meth:`SymbolicatedTrace.to_json`)
are 1-based, exactly as ``smcache symbolicate`` prints them and as engines print traces.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, List, NamedTuple, Optional, Tuple, Union

from ._errors import call as _call
from ._ffi import ffi, lib
from .cache import Cache, PathLike, _fspath, _text

__all__ = ["CacheDirectory", "Frame", "GeneratedFrame", "SymbolicatedTrace", "symbolicate"]

_STYLES = ("v8", "gecko", "bare")
_INT32_MAX = 0x7FFFFFFF


def _names(fn, count: int) -> tuple:
    return tuple(ffi.string(fn(i)).decode("ascii") for i in range(count))


# Index -> name, from the library itself (the names `smcache symbolicate --json` prints).
_FUNCTION_RULES = _names(lib.smcache_function_rule_name,
                         lib.SMCACHE_FUNCTION_GENERATED_FUNCTION + 1)
_UNRESOLVED_REASONS = _names(lib.smcache_unresolved_reason_name,
                             lib.SMCACHE_UNRESOLVED_NO_MAPPING + 1)

_NO_FRAME = ("no stack frame found (expected lines such as '    at fn (app.js:1:2)' or "
             "'fn@app.js:1:2')")


def _opt(ptr, length) -> Optional[str]:
    """A string field that JSON output prints as null when empty."""
    return _text(ptr, length) if length else None


class GeneratedFrame(NamedTuple):
    """A stack frame as the trace printed it (the generated, minified code's frame).

    ``line`` and ``column`` are 0-based (the printed numbers minus one); None when the trace
    printed none. String fields are None when the trace printed nothing for them.
    """

    url: Optional[str]  #: the script's URL or path as printed (query and fragment kept)
    line: Optional[int]  #: 0-based generated line
    column: Optional[int]  #: 0-based generated column, UTF-16 code units
    function: Optional[str]  #: without "async "/"new " and " [as alias]"; None if anonymous
    alias: Optional[str]  #: V8's "[as alias]"
    async_cause: Optional[str]  #: Firefox's "cause*" prefix ("async", "promise callback")
    style: str  #: "v8" (``at fn (url:l:c)``), "gecko" (``fn@url:l:c``) or "bare"
    is_async: bool  #: ``at async fn`` (V8), ``async*fn@`` (Firefox)
    is_constructor: bool  #: ``at new Foo`` (V8)
    is_native: bool  #: native or builtin code (no script position)
    is_eval: bool  #: eval code; the position is the eval call's

    @property
    def has_position(self) -> bool:
        """True when the frame can be looked up: a script URL with a line and a column."""
        return (not self.is_native and bool(self.url) and self.line is not None
                and self.column is not None)


def _generated(line) -> Optional[GeneratedFrame]:
    if not line.is_frame:
        return None
    return GeneratedFrame(
        url=_opt(line.url, line.url_len),
        line=line.line if line.has_line else None,
        column=line.column if line.has_column else None,
        function=_opt(line.function, line.function_len),
        alias=_opt(line.alias, line.alias_len),
        async_cause=_opt(line.async_cause, line.async_cause_len),
        style=_STYLES[line.style] if line.style < len(_STYLES) else str(line.style),
        is_async=bool(line.is_async),
        is_constructor=bool(line.is_constructor),
        is_native=bool(line.is_native),
        is_eval=bool(line.is_eval),
    )


class InlinedFrame(NamedTuple):
    """A call that a minifier inlined, given back by the map's ``scopes`` (see
    :attr:`Frame.inlined_callers`): its original position (0-based) and the function it is in."""

    source: Optional[str]  #: the call site's source name (None for a null name)
    source_index: int  #: index into the cache's sources
    line: int  #: original line, 0-based
    column: int  #: original column, 0-based, UTF-16 code units
    function: Optional[str]  #: the function the call is in; None for top-level code
    display_function: Optional[str]  #: as people read it (the last takes "async "/"new ")
    function_rule: str  #: ``"scopes"``, or ``"none"`` for top-level code
    inlined: bool  #: True: inlined too; False for the last, the function the engine ran


@dataclass(frozen=True)
class Frame:
    """One line of a symbolicated trace: a stack frame (``is_frame``) or a text line (the error
    message and the like: only ``raw`` is set).

    A resolved frame has its original ``source``, ``line`` and ``column`` (0-based) and the
    ``function`` it is in. ``function_rule`` says where that name came from: ``"scopes"`` (the
    map's own ECMA-426 scopes, from the cache's scope ranges around the generated position),
    ``"original-function"`` (the innermost function of the original source around the mapped
    position, from the cache's function table), ``"generated-function"`` (the innermost function
    of the generated file around the generated position, named through the map; the cache was
    compiled with the minified file), ``"caller-call-site"`` or
    ``"caller-call-site-next-token"`` (the caller's call site in the source map), ``"minified"`` (no caller named it: the trace's own, minified name, and
    ``minified`` is True), ``"as-printed"`` (an unresolved frame keeps its printed name) or
    ``"none"``. An unresolved frame is kept with ``unresolved_reason``: ``"native"``,
    ``"no-position"``, ``"no-column"``, ``"no-cache"``, ``"cache-error"`` (see
    ``unresolved_detail``) or ``"no-mapping"``.

    ``pre_context``, ``context_line`` and ``post_context`` are the source lines around the
    frame's line (from sourcesContent), filled when symbolicate() was asked for context.

    ``inlined_callers`` (from the map's scopes, whichever rule named this frame) are the frames that a minifier's inlining
    removed, innermost outward, as :class:`InlinedFrame`: when it is not empty, this frame is the
    inlined function at the mapped position (``inlined`` is True), each caller is at the call
    site that was inlined, and the last one is the function the engine really ran.
    """

    raw: str  #: the line as the trace printed it
    is_frame: bool  #: False for a text line
    generated: Optional[GeneratedFrame]  #: the frame as printed; None for a text line
    resolved: bool  #: source/line/column are the original position
    source: Optional[str]  #: original source name (None unresolved or for a null name)
    source_index: Optional[int]  #: index into the cache's sources; None unresolved
    line: Optional[int]  #: original line, 0-based; None unresolved
    column: Optional[int]  #: original column, 0-based, UTF-16 code units; None unresolved
    function: Optional[str]  #: the function the frame is in; None when unknown
    display_function: Optional[str]  #: as people read it: "new Invoice", "async run"
    function_rule: Optional[str]  #: which rule named ``function``; None for a text line
    minified: bool  #: ``function`` is the trace's own (minified) name
    unresolved_reason: Optional[str]  #: why not resolved; None when resolved or text
    unresolved_detail: Optional[str]  #: for "cache-error": the error
    pre_context: List[str] = field(default_factory=list)  #: lines before ``line``
    context_line: Optional[str] = None  #: the source line ``line`` itself
    post_context: List[str] = field(default_factory=list)  #: lines after ``line``
    inlined_callers: Tuple[InlinedFrame, ...] = ()  #: callers inlining removed, innermost first

    @property
    def inlined(self) -> bool:
        """This frame's function was inlined into its caller (``inlined_callers`` not empty)."""
        return bool(self.inlined_callers)

    @property
    def url(self) -> Optional[str]:
        """The generated frame's URL (``generated.url``); None for a text line."""
        return self.generated.url if self.generated is not None else None


def _inlined_callers(h, index: int) -> Tuple[InlinedFrame, ...]:
    out = ffi.new("const smcache_inlined_frame **")
    n = _call(lib.smcache_symbolication_inlined_callers, h, index, out)
    return tuple(
        InlinedFrame(
            source=_opt(c.source, c.source_len),
            source_index=c.source_index,
            line=c.line,
            column=c.column,
            function=_opt(c.function, c.function_len),
            display_function=_opt(c.display_function, c.display_function_len),
            function_rule=_FUNCTION_RULES[c.function_rule],
            inlined=bool(c.inlined),
        )
        for c in (out[0][k] for k in range(n)))


def _frame(c, inlined_callers: Tuple[InlinedFrame, ...] = ()) -> Frame:
    raw = _text(c.generated.raw, c.generated.raw_len)
    if not c.generated.is_frame:
        return Frame(raw=raw, is_frame=False, generated=None, resolved=False, source=None,
                     source_index=None, line=None, column=None, function=None,
                     display_function=None, function_rule=None, minified=False,
                     unresolved_reason=None, unresolved_detail=None)
    resolved = bool(c.resolved)
    pre: List[str] = []
    post: List[str] = []
    context_line = None
    if resolved and c.context_count:
        lines = [_text(c.context[k].data, c.context[k].len) for k in range(c.context_count)]
        at = c.line - c.context_first_line
        pre, context_line, post = lines[:at], lines[at], lines[at + 1:]
    rule = _FUNCTION_RULES[c.function_rule]
    return Frame(
        raw=raw,
        is_frame=True,
        generated=_generated(c.generated),
        resolved=resolved,
        source=_opt(c.source, c.source_len) if resolved else None,
        source_index=c.source_index if resolved else None,
        line=c.line if resolved else None,
        column=c.column if resolved else None,
        function=_opt(c.function, c.function_len),
        display_function=_opt(c.display_function, c.display_function_len),
        function_rule=rule,
        minified=c.function_rule == lib.SMCACHE_FUNCTION_MINIFIED,
        unresolved_reason=None if resolved else _UNRESOLVED_REASONS[c.unresolved_reason],
        unresolved_detail=_opt(c.unresolved_detail, c.unresolved_detail_len),
        pre_context=pre,
        context_line=context_line,
        post_context=post,
        inlined_callers=inlined_callers,
    )


class SymbolicatedTrace:
    """The result of :func:`symbolicate`: every line of the trace, symbolicated, in order.

    ``lines`` has one :class:`Frame` per line of the input (text lines included), ``frames``
    only the stack frames. :meth:`render` (also ``str()``) and :meth:`to_json` give exactly what
    ``smcache symbolicate`` and ``smcache symbolicate --json`` print (1-based positions there).
    Immutable; owns no file or mapping (the caches may be closed).
    """

    __slots__ = ("_h", "_text", "_json", "lines", "frames", "context")

    lines: List[Frame]
    frames: List[Frame]
    context: Optional[int]  #: the context asked for (None: none)

    def __init__(self, *args, **kwargs):
        raise TypeError("use smcache.symbolicate(trace_text, resolver)")

    @classmethod
    def _wrap(cls, raw, context: Optional[int]) -> "SymbolicatedTrace":
        self = object.__new__(cls)
        self._h = ffi.gc(raw, lib.smcache_symbolication_free)
        out = ffi.new("const smcache_symbolicated_frame **")
        n = _call(lib.smcache_symbolication_frames, self._h, out)
        self.lines = [_frame(out[0][i], _inlined_callers(self._h, i)) for i in range(n)]
        self.frames = [f for f in self.lines if f.is_frame]
        self.context = context
        self._text = None
        self._json = None
        return self

    @property
    def frame_count(self) -> int:
        """Number of stack frames (lines that are not text)."""
        return len(self.frames)

    @property
    def resolved_count(self) -> int:
        """Number of frames mapped to an original position."""
        return sum(1 for f in self.frames if f.resolved)

    def _render(self, fmt: int) -> str:
        out = ffi.new("uint8_t **")
        out_len = ffi.new("size_t *")
        _call(lib.smcache_symbolication_render, self._h, fmt, out, out_len)
        try:
            # The renderer escapes control characters and invalid UTF-8: always valid UTF-8.
            return ffi.unpack(ffi.cast("char *", out[0]), out_len[0]).decode("utf-8")
        finally:
            lib.smcache_bytes_free(out[0])

    def render(self) -> str:
        """The trace as ``smcache symbolicate [--context N]`` prints it, byte for byte: original
        function, source, line and column (1-based) per frame, unresolved frames kept as printed
        and marked ``[unresolved: why]``, text lines unchanged, and the source context when
        symbolicate() was given a context. Control characters are escaped."""
        if self._text is None:
            self._text = self._render(lib.SMCACHE_RENDER_TEXT)
        return self._text

    def to_json(self) -> str:
        """The JSON document ``smcache symbolicate --json [--context N]`` prints (1-based lines
        and columns, ``{"lines": [...], "frame_count": F, "resolved_count": R}``), as text."""
        if self._json is None:
            self._json = self._render(lib.SMCACHE_RENDER_JSON)
        return self._json

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return (f"<smcache.SymbolicatedTrace lines={len(self.lines)} frames={self.frame_count} "
                f"resolved={self.resolved_count}>")

    def __reduce__(self):
        raise TypeError("a SymbolicatedTrace cannot be pickled; pickle its render() or to_json()")


class CacheDirectory:
    """A directory of caches written by ``smcache warm SRC... --out DIR``: a script's cache is
    found by its debugId or by its URL or path (scheme, host, query and fragment dropped; the
    longest whole-segment suffix that DIR indexes wins).

    Each cache file is mapped once and shared by every lookup through this directory. Index
    files are read on every query, so caches added by a running ``warm`` are seen. Any number of
    threads may use one CacheDirectory at once. Use as a context manager or call :meth:`close`
    (caches already returned by :meth:`find` stay usable).
    """

    __slots__ = ("_h", "_path", "__weakref__")

    def __init__(self, path: PathLike):
        """Opens the directory at ``path``. Raises :class:`OSError` (``FileNotFoundError``,
        ``NotADirectoryError``) when it is not a directory."""
        raw = _call(lib.smcache_cache_dir_open, _fspath(path))
        self._h = ffi.gc(raw, lib.smcache_cache_dir_close)
        self._path = os.fsdecode(path)

    @property
    def path(self) -> str:
        """The directory given to the constructor."""
        return self._path

    def _handle(self):
        h = self._h
        if h is None:
            raise ValueError("cache directory is closed")
        return h

    def find(self, url: Optional[str] = None, debug_id: Optional[str] = None) -> Optional[Cache]:
        """The cache of a script, by ``debug_id`` first (a UUID in any case; other values are
        ignored) and then by ``url`` as a stack trace prints it
        (``"https://cdn.example.com/static/js/app.min.js?v=3"``, ``"webpack://shop/./src/a.js"``,
        a path). None when the directory has no entry. Raises :class:`CorruptCache` or
        :class:`OSError` when an entry exists but its cache cannot be opened."""
        h = self._handle()
        u = (url or "").encode("utf-8", "surrogateescape")
        d = (debug_id or "").encode("utf-8", "surrogateescape")
        out = ffi.new("smcache_cache **")
        if _call(lib.smcache_cache_dir_find, h, u, len(u), d, len(d), out) != 1:
            return None
        origin = f"dir={self._path!r} url={url!r}" + (f" debug_id={debug_id!r}" if debug_id else "")
        return Cache._wrap(out[0], origin)

    def close(self) -> None:
        """Drops the directory's memo of open caches. Idempotent."""
        self._h = None

    @property
    def closed(self) -> bool:
        """True after :meth:`close`."""
        return self._h is None

    def __enter__(self) -> "CacheDirectory":
        self._handle()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self._h is None else ""
        return f"<smcache.CacheDirectory {self._path!r}{state}>"

    def __reduce__(self):
        raise TypeError("a CacheDirectory cannot be pickled; open it again in the other process")


#: What :func:`symbolicate` accepts as a resolver.
Resolver = Union[Cache, CacheDirectory, PathLike,
                 Callable[[GeneratedFrame], Optional[Cache]]]


def _context_lines(context: Optional[int]) -> int:
    if context is None:
        return -1
    if isinstance(context, bool) or not isinstance(context, int):
        raise TypeError(f"context must be an int or None, got {type(context).__name__}")
    if not 0 <= context <= _INT32_MAX:
        raise ValueError(f"context must be in 0..{_INT32_MAX} or None, got {context}")
    return context


def _parse(trace_text: Union[str, bytes, bytearray, memoryview]):
    if isinstance(trace_text, str):
        data = trace_text.encode("utf-8", "surrogateescape")
    elif isinstance(trace_text, (bytes, bytearray, memoryview)):
        data = bytes(trace_text)
    else:
        raise TypeError(f"trace_text must be str or bytes, got {type(trace_text).__name__}")
    trace = ffi.gc(_call(lib.smcache_trace_parse, data, len(data)), lib.smcache_trace_free)
    out = ffi.new("const smcache_trace_line **")
    n = _call(lib.smcache_trace_lines, trace, out)
    lines = out[0]
    if not any(lines[i].is_frame for i in range(n)):
        raise ValueError(_NO_FRAME)
    return trace, lines, n


def symbolicate(trace_text: Union[str, bytes], resolver: Resolver,
                context: Optional[int] = 5) -> SymbolicatedTrace:
    """Symbolicates a JavaScript stack trace as V8 (Chrome, Node), Firefox or Safari print it:
    each frame's generated position is mapped through its cache to the original source, line and
    column, named after the function it is in, with ``context`` lines of source around it.

    ``resolver`` says where each frame's cache comes from:

    - a :class:`Cache`: one cache for every frame whose URL names a file (a trace from one
      bundle; frames of ``node:internal/...`` or ``<anonymous>`` are not mapped), as
      ``smcache symbolicate --cache``;
    - a :class:`CacheDirectory`: each frame's cache found by its URL, as ``--cache-dir``;
    - a path (``str`` or ``os.PathLike``): a cache file, or a directory written by
      ``smcache warm`` (opened for this call only);
    - a callable ``resolver(frame: GeneratedFrame) -> Cache | None``, called once for each frame
      that has a script position (None: no cache for it; the frame stays unresolved). A frame is
      named from its caller only when both resolve to the same Cache object.

    ``context``: source lines before and after each frame's line (from sourcesContent); 0 gives
    the frame's line alone, None no context (``smcache symbolicate`` without ``--context``).

    Returns a :class:`SymbolicatedTrace` with every line in order: frames that cannot be mapped
    are kept and marked (``unresolved_reason``), never dropped. Positions in it are 0-based;
    its :meth:`~SymbolicatedTrace.render` is 1-based, like the trace.

    Raises ValueError when the text holds no stack frame, TypeError for an unknown resolver,
    ValueError("cache is closed") for a closed cache, and :class:`OSError`,
    :class:`CorruptCache` or :class:`UnsupportedVersion` when a cache path cannot be opened.
    """
    lines_context = _context_lines(context)
    trace, lines, n = _parse(trace_text)
    if isinstance(resolver, Cache):
        raw = _call(lib.smcache_trace_symbolicate_cache, trace, resolver._handle(), lines_context)
    elif isinstance(resolver, CacheDirectory):
        raw = _call(lib.smcache_trace_symbolicate_dir, trace, resolver._handle(), lines_context)
    elif isinstance(resolver, (str, bytes, os.PathLike)):
        if os.path.isdir(resolver):
            with CacheDirectory(resolver) as d:
                raw = _call(lib.smcache_trace_symbolicate_dir, trace, d._handle(), lines_context)
        else:
            with Cache.open(resolver) as c:
                raw = _call(lib.smcache_trace_symbolicate_cache, trace, c._handle(),
                            lines_context)
    elif callable(resolver):
        caches = ffi.new("smcache_cache *[]", max(n, 1))
        keep = []  # the handles stay alive (and open) for the call
        for i in range(n):
            frame = _generated(lines[i])
            if frame is None or not frame.has_position:
                continue
            cache = resolver(frame)
            if cache is None:
                continue
            if not isinstance(cache, Cache):
                raise TypeError(f"resolver returned {type(cache).__name__}, expected "
                                "smcache.Cache or None")
            h = cache._handle()
            keep.append(h)
            caches[i] = h
        raw = _call(lib.smcache_trace_symbolicate, trace, caches, n, lines_context)
        del keep
    else:
        raise TypeError("resolver must be a Cache, a CacheDirectory, a path or a callable, got "
                        f"{type(resolver).__name__}")
    return SymbolicatedTrace._wrap(raw, context)
