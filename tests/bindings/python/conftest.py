"""Shared fixtures for the Python binding tests: a small map with known answers, its cache bytes
and file, and where the CLI and the C header are."""

import json
import os
from pathlib import Path

import pytest

import smcache

REPO = Path(__file__).resolve().parents[3]

# Three sources (the third a null entry), two names, an ignore list, and every kind of line
# (same map as tests/bindings/c/c_api_test.cpp):
#   line 0: AAAA   (0,0) -> a.js 0:0
#           EAAC   (0,2) -> a.js 0:1
#           CAACA  (0,3) -> a.js 0:2 name "foo"
#   line 1: ACAA   (1,0) -> b.js 0:2          (b.js is ignored)
#           IACC   (1,4) -> b.js 1:3
#   line 2: A      (2,0) -> 1-field segment, no source
#   line 3: (empty)
#   line 4: ACAA   (4,0) -> null source 1:3
SAMPLE_MAP = {
    "version": 3,
    "file": "min.js",
    "debugId": "85314830-023f-4cf1-a267-535f4e37bb17",
    "sources": ["a.js", "b.js", None],
    "sourcesContent": ["line0\nline1\r\nline2", "x", None],
    "names": ["foo", "bar"],
    "mappings": "AAAA,EAAC,CAACA;ACAA,IACC;A;;ACAA",
    "ignoreList": [1],
}


@pytest.fixture(scope="session")
def sample_map_bytes() -> bytes:
    return json.dumps(SAMPLE_MAP).encode()


@pytest.fixture(scope="session")
def sample_cache_bytes(sample_map_bytes) -> bytes:
    return smcache.compile(sample_map_bytes)


@pytest.fixture
def sample_cache_path(tmp_path, sample_cache_bytes) -> Path:
    path = tmp_path / "min.js.smcache"
    path.write_bytes(sample_cache_bytes)
    return path


@pytest.fixture
def cache(sample_cache_path):
    with smcache.open(sample_cache_path) as c:
        yield c


def cli_path():
    """The smcache CLI: $SMCACHE_CLI, else build/bin/smcache of the checkout; None if absent."""
    candidates = [os.environ.get("SMCACHE_CLI"), str(REPO / "build" / "bin" / "smcache")]
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return c
    return None


def header_path() -> Path:
    return Path(os.environ.get("SMCACHE_HEADER", REPO / "bindings" / "c" / "include" / "smcache.h"))
