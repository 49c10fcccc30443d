"""Loads libsmcache.so with CFFI in ABI mode and checks that it speaks the ABI of _cdef.py.

Where the library comes from, first match wins:

1. ``SMCACHE_LIBRARY`` (environment): a path to the library file. When set it must work; no
   fallback hides a typo.
2. ``libsmcache.so`` inside this package: ``pip install ./bindings/python`` copies the built
   library there (see setup.py).
3. ``build/lib/libsmcache.so`` of the checkout, when the package is imported from
   ``bindings/python`` (``PYTHONPATH=bindings/python`` after the CMake build).
4. ``libsmcache.so.<ABI>`` from the dynamic loader's search path (``cmake --install`` into a
   system or ``LD_LIBRARY_PATH`` directory).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import List

from cffi import FFI

from ._cdef import CDEF

ABI_VERSION = 1  # SMCACHE_ABI_VERSION of the smcache.h that _cdef.py mirrors

ffi = FFI()
ffi.cdef(CDEF)


def _candidates() -> List[str]:
    here = Path(__file__).resolve().parent
    return [
        str(here / "libsmcache.so"),
        str(here.parent.parent.parent / "build" / "lib" / "libsmcache.so"),
    ]


def _load():
    explicit = os.environ.get("SMCACHE_LIBRARY")
    if explicit:
        try:
            return ffi.dlopen(explicit), explicit
        except OSError as e:
            raise ImportError(f"smcache: cannot load SMCACHE_LIBRARY={explicit!r}: {e}") from e
    tried = []
    for path in _candidates():
        if os.path.exists(path):
            return ffi.dlopen(path), path
        tried.append(path)
    name = f"libsmcache.so.{ABI_VERSION}"
    try:
        return ffi.dlopen(name), name
    except OSError:
        tried.append(name + " (dynamic loader search path)")
    raise ImportError(
        "smcache: libsmcache.so not found; build it (cmake --build build --target smcache_c) or "
        "set SMCACHE_LIBRARY to its path. Tried: " + ", ".join(tried)
    )


lib, library_path = _load()

if lib.smcache_abi_version() != ABI_VERSION:
    raise ImportError(
        f"smcache: {library_path} has ABI version {lib.smcache_abi_version()}, this package "
        f"needs {ABI_VERSION}; rebuild the library or reinstall the package"
    )


def _missing_functions() -> List[str]:
    # Functions added to the ABI without an incompatible change keep the ABI version: a library
    # older than this package lacks them. Finding that at import beats an AttributeError later.
    missing = []
    for name in re.findall(r"\b(smcache_\w+)\(", CDEF):
        try:
            getattr(lib, name)
        except AttributeError:
            missing.append(name)
    return missing


_missing = _missing_functions()
if _missing:
    raise ImportError(
        f"smcache: {library_path} lacks {', '.join(_missing)} (an older build); rebuild the "
        "library (cmake --build build --target smcache_c) or reinstall the package"
    )
