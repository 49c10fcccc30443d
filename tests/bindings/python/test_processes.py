"""Processes: several processes open the same cache file and get the same answers, and a Cache
survives fork(): the child inherits the read-only mapping and uses the same Cache object; either
side closing does not disturb the other."""

import json
import os
import subprocess
import sys

import pytest

import smcache
import synthetic

WORKER = r"""
import json, sys
import smcache
path, queries = sys.argv[1], json.loads(sys.stdin.read())
with smcache.open(path) as cache:
    answers = [None if t is None else list(t) for t in cache.lookup_many(queries)]
    info = cache.info()
print(json.dumps({"answers": answers, "token_count": info.token_count,
                  "input_hash": info.input_hash}))
"""


@pytest.fixture(scope="module")
def cache_path(tmp_path_factory):
    d = tmp_path_factory.mktemp("processes")
    map_path = d / "bundle.js.map"
    map_path.write_bytes(synthetic.make_map_bytes(lines=300, per_line=50))
    path = d / "bundle.smcache"
    smcache.compile_file(map_path, path)
    return path


def test_several_processes_open_the_same_file(cache_path):
    queries = synthetic.queries(2000, lines=300, max_column=800)
    with smcache.open(cache_path) as cache:
        expected = [None if t is None else list(t) for t in cache.lookup_many(queries)]
        info = cache.info()
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(cache_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(6)]
    for p in procs:
        p.stdin.write(json.dumps(queries))
        p.stdin.close()
    for p in procs:
        out = p.stdout.read()
        err = p.stderr.read()
        assert p.wait() == 0, err
        got = json.loads(out)
        assert got["answers"] == expected
        assert got["token_count"] == info.token_count
        assert got["input_hash"] == info.input_hash


def _in_child(fn) -> int:
    """Runs fn() in a forked child; returns its exit status (0: fn returned True)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child: never return into pytest
        code = 1
        try:
            code = 0 if fn() else 1
        except BaseException as e:  # pragma: no cover - reported through the exit status
            os.write(2, f"child: {e!r}\n".encode())
            code = 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_cache_is_usable_after_fork_in_child_and_parent(cache_path):
    queries = synthetic.queries(1000, lines=300, max_column=800)
    cache = smcache.open(cache_path)
    expected = [cache.lookup(l, c) for l, c in queries]  # names memo filled before the fork

    def child():
        # The same Cache object, inherited: same answers, then close it in the child only.
        ok = [cache.lookup(l, c) for l, c in queries] == expected
        ok = ok and cache.lookup_many(queries) == expected
        ok = ok and cache.sources[0].name == "src/file0.js"
        cache.verify()
        cache.close()
        return ok

    assert _in_child(child) == 0
    # The child's close did not touch the parent's mapping.
    assert not cache.closed
    assert [cache.lookup(l, c) for l, c in queries] == expected
    cache.verify()

    # And the other way round: the parent closes, the child (forked after) still has its own.
    cache2 = smcache.open(cache_path)
    r, w = os.pipe()

    def child2():
        os.close(w)
        os.read(r, 1)  # wait until the parent has closed its copy
        return cache2.lookup_many(queries) == expected

    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = 0 if child2() else 1
        finally:
            os._exit(code)
    os.close(r)
    cache2.close()
    os.write(w, b"x")
    os.close(w)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    cache.close()


def test_closed_cache_in_child_still_raises(cache_path):
    cache = smcache.open(cache_path)
    cache.close()

    def child():
        try:
            cache.lookup(0, 0)
        except ValueError as e:
            return str(e) == "cache is closed"
        return False

    assert _in_child(child) == 0
