"""Exceptions raised by smcache, the code table, and the one helper that turns a C error into one.

Codes are the numbers of ``smcache_errc`` in smcache.h (and ``smcache::Errc`` in C++), grouped by
what the caller does next:

==========  =========================  =====================================
codes       exception                  what to do
==========  =========================  =====================================
100-199     :class:`InvalidSourceMap`  fix the source map
200-299     :class:`CorruptCache`      recompile the cache
300-399     :class:`UnsupportedVersion` upgrade smcache
400         :class:`OSError`           file system (FileNotFoundError, ...)
500         :class:`ValueError`        a bad argument (normally caught in Python first)
900         :class:`Error`             a bug in smcache, or out of memory
==========  =========================  =====================================
"""

from __future__ import annotations

import errno as _errno
from typing import NamedTuple, Optional

from ._ffi import ffi, lib

_UINT32_MAX = 0xFFFFFFFF
_UINT64_MAX = 0xFFFFFFFFFFFFFFFF


class Position(NamedTuple):
    """Where in the input source map an error was found; each field is None when unknown."""

    byte_offset: Optional[int]  #: byte offset into the map's JSON text, 0-based
    line: Optional[int]  #: generated line in ``mappings``, 0-based
    segment: Optional[int]  #: segment within that line, 0-based


_UNKNOWN = Position(None, None, None)


class Error(Exception):
    """Base class of smcache's own errors.

    Attributes:
        code: the numeric error code (``smcache.h``'s ``SMCACHE_E_*``), e.g. 102.
        code_name: its short name, e.g. ``"invalid_mappings"``.
        message: the library's message (lower case: what, where, the value and the limit).
        position: a :class:`Position` in the input map (all None when unknown).
    """

    def __init__(self, code: int, message: str, position: Position = _UNKNOWN):
        super().__init__(message)
        self.code = code
        self.message = message
        self.position = position

    @property
    def code_name(self) -> str:
        return ffi.string(lib.smcache_error_code_name(self.code)).decode("ascii")

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(code={self.code} ({self.code_name}), "
                f"message={self.message!r})")


class InvalidSourceMap(Error):
    """The source map cannot be compiled: bad JSON, a bad field, bad mappings, a bad index map,
    or a limit exceeded. ``position`` holds the byte offset and/or generated line and segment
    when known; ``field`` names the offending field when the message starts with it
    (``"sources[3]"``, ``"mappings"``), else None."""

    @property
    def field(self) -> Optional[str]:
        # Messages are "<field>: <where>: <what>" for field and mappings errors (STYLE.md §5);
        # invalid_json messages start with "invalid json" and carry no field.
        if self.code in (_INVALID_FIELD, _INVALID_MAPPINGS, _INVALID_INDEX_MAP):
            head, sep, _ = self.message.partition(": ")
            if sep and " " not in head:
                return head
        return None


class CorruptCache(Error):
    """The bytes are not a valid cache: not a cache file, truncated, structurally corrupt, or a
    checksum mismatch (from verify()). Recompile it from the source map."""


class UnsupportedVersion(Error):
    """The cache was written by a newer smcache (format major version or required feature this
    library does not know). Upgrade smcache or recompile with this version."""


_INVALID_FIELD = lib.SMCACHE_E_INVALID_FIELD
_INVALID_MAPPINGS = lib.SMCACHE_E_INVALID_MAPPINGS
_INVALID_INDEX_MAP = lib.SMCACHE_E_INVALID_INDEX_MAP

# Code ranges (hundreds) to classes; io (4xx) becomes OSError, the rest is Error.
_CLASS_BY_GROUP = {1: InvalidSourceMap, 2: CorruptCache, 3: UnsupportedVersion}


def error_from(err) -> BaseException:
    """The exception for a filled ``smcache_error *``."""
    code = int(err.code)
    message = ffi.string(err.message).decode("utf-8", "replace")
    if code == lib.SMCACHE_E_IO:
        # OSError(errno, ...) picks the subclass: FileNotFoundError, PermissionError, ...
        os_errno = int(err.os_errno) or _errno.EIO
        exc = OSError(os_errno, message)
        exc.code = code  # type: ignore[attr-defined]
        return exc
    if code == lib.SMCACHE_E_INVALID_ARGUMENT:
        exc = ValueError(message)
        exc.code = code  # type: ignore[attr-defined]
        return exc
    position = Position(
        None if err.byte_offset == _UINT64_MAX else int(err.byte_offset),
        None if err.line == _UINT32_MAX else int(err.line),
        None if err.segment == _UINT32_MAX else int(err.segment),
    )
    cls = _CLASS_BY_GROUP.get(code // 100, Error)
    return cls(code, message, position)


def new_error():
    """A fresh ``smcache_error *`` for one call (owned by Python, freed with the cdata)."""
    return ffi.new("smcache_error *")


def call(fn, *args):
    """Calls ``fn(*args, err)`` and raises the mapped exception when it reports failure
    (a -1 or NULL result). Returns fn's result."""
    err = ffi.new("smcache_error *")
    result = fn(*args, err)
    if result == -1 or result == ffi.NULL:
        raise error_from(err)
    return result
