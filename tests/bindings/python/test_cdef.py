"""The CFFI declarations (bindings/python/smcache/_cdef.py) match smcache.h exactly.

ABI mode has no compiler to catch a wrong declaration: a misdeclared argument or struct field is
silent memory corruption. So both texts are parsed with pycparser and compared declaration by
declaration (types, names, order, enum values), and the #define constants are compared too."""

import re

import pytest

from conftest import header_path

pycparser = pytest.importorskip("pycparser",
                                reason="SKIPPED: pycparser (python3-pycparser) missing")
from pycparser import c_generator, c_parser  # noqa: E402

from smcache._cdef import CDEF  # noqa: E402

# pycparser knows no headers: declare the fixed-width types it will meet.
_PRELUDE = "".join(f"typedef int {t};\n" for t in (
    "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t",
    "size_t"))


def _strip(text: str) -> str:
    """C text without comments, the extern "C" guard, preprocessor lines and SMCACHE_API."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"#ifdef __cplusplus.*?#endif", " ", text, flags=re.S)
    text = re.sub(r"^\s*#.*$", " ", text, flags=re.M)
    return re.sub(r"\bSMCACHE_API\b", " ", text)


def _defines(text: str) -> dict:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return {m.group(1): m.group(2) for m in re.finditer(
        r"^\s*#define\s+(SMCACHE_[A-Z0-9_]+)\s+(\S+)\s*$", text, flags=re.M)
        if m.group(1) not in ("SMCACHE_API", "SMCACHE_H")}


def _declarations(text: str) -> list:
    ast = c_parser.CParser().parse(_PRELUDE + _strip(text))
    gen = c_generator.CGenerator()
    out = []
    for node in ast.ext[len(_PRELUDE.splitlines()):]:
        out.append(re.sub(r"\s+", " ", gen.visit(node)).strip())
    return out


def test_cdef_declarations_equal_header():
    header = header_path().read_text()
    want = _declarations(header)
    got = _declarations(CDEF)
    assert len(want) > 20, "parsed too little of smcache.h"
    missing = [d for d in want if d not in got]
    extra = [d for d in got if d not in want]
    assert not missing and not extra, f"in smcache.h only: {missing}\nin _cdef.py only: {extra}"
    assert got == want  # same order too, which keeps the two files easy to diff


def test_cdef_defines_equal_header():
    header = _defines(header_path().read_text())
    cdef = _defines(CDEF)
    assert header == cdef
    assert "SMCACHE_ABI_VERSION" in header


def test_loaded_library_abi_matches():
    import smcache._ffi as f

    declared = int(_defines(CDEF)["SMCACHE_ABI_VERSION"])
    assert f.lib.smcache_abi_version() == f.ABI_VERSION == declared


def test_stripper_sees_every_function():
    # Guard against the comparison passing vacuously: every SMCACHE_API function is parsed.
    header = header_path().read_text()
    exported = set(re.findall(r"^SMCACHE_API [^(]*?\b(smcache_\w+)\(", header, flags=re.M))
    parsed = " ".join(_declarations(header))
    assert exported and all(f"{name}(" in parsed for name in exported)
    assert len(exported) == 38
