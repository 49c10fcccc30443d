"""Threads (bindings/python/smcache/cache.py): concurrent lookups on one Cache agree with a
single-threaded run, and close() while other threads look up never crashes: in-flight calls
finish on a live mapping, later calls raise ValueError, and the mapping goes away afterwards."""

import threading

import pytest

import smcache
import synthetic

THREADS = 8


@pytest.fixture(scope="module")
def big_cache_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("threads") / "bundle.smcache"
    path.write_bytes(smcache.compile(synthetic.make_map_bytes(lines=500, per_line=100)))
    return path


def mapped(path) -> bool:
    with open("/proc/self/maps") as f:
        return any(line.rstrip().endswith(str(path)) for line in f)


def test_concurrent_lookups_agree(big_cache_path):
    queries = synthetic.queries(4000, lines=500, max_column=1500)
    with smcache.open(big_cache_path) as cache:
        expected = [cache.lookup(l, c) for l, c in queries]
        expected_lub = [cache.lookup(l, c, smcache.LEAST_UPPER_BOUND) for l, c in queries]
        assert sum(t is not None for t in expected) > len(queries) // 2
        errors = []
        barrier = threading.Barrier(THREADS)

        def work(k):
            try:
                barrier.wait()
                for rep in range(3):
                    if (k + rep) % 3 == 0:
                        got = cache.lookup_many(queries)
                    elif (k + rep) % 3 == 1:
                        got = [cache.lookup(l, c) for l, c in queries]
                    else:
                        got = [cache.lookup(l, c, smcache.LEAST_UPPER_BOUND) for l, c in queries]
                        if got != expected_lub:
                            errors.append(f"thread {k}: lub answers differ")
                        continue
                    if got != expected:
                        errors.append(f"thread {k} rep {rep}: answers differ")
                    # Sources and context too (they share the name memo).
                    for t in got[:50]:
                        if t is not None:
                            cache.context(t, lines=2)
            except Exception as e:  # pragma: no cover - reported below
                errors.append(f"thread {k}: {e!r}")

        threads = [threading.Thread(target=work, args=(k,)) for k in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []


def test_close_while_other_threads_look_up(big_cache_path):
    queries = synthetic.queries(500, lines=500, max_column=1500)
    cache = smcache.open(big_cache_path)
    expected = [cache.lookup(l, c) for l, c in queries]
    started = threading.Barrier(THREADS + 1)
    outcomes = [None] * THREADS

    def work(k):
        started.wait()
        rounds = 0
        try:
            while True:
                got = [cache.lookup(l, c) for l, c in queries] if k % 2 else cache.lookup_many(
                    queries)
                if got != expected:
                    outcomes[k] = "wrong answer"
                    return
                rounds += 1
        except ValueError as e:
            outcomes[k] = str(e)
        except Exception as e:  # pragma: no cover
            outcomes[k] = repr(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    started.wait()
    cache.close()
    for t in threads:
        t.join()
    assert outcomes == ["cache is closed"] * THREADS
    # Every in-flight call has returned: the last reference is gone and the file is unmapped.
    assert not mapped(big_cache_path)


def test_close_during_a_long_native_call_defers_the_unmap(big_cache_path):
    # One lookup_many call long enough to be running when close() comes: the mapping must stay
    # until it returns. The check is ordered so it cannot flake: /proc/self/maps is read first,
    # and only if the call had not yet returned at that moment must the file have been mapped.
    queries = synthetic.queries(300000, lines=500, max_column=1500)
    cache = smcache.open(big_cache_path)
    expected_head = [cache.lookup(l, c) for l, c in queries[:1000]]
    entered = threading.Event()
    returned = threading.Event()
    result = []

    def work():
        entered.set()
        try:
            result.append(cache.lookup_many(queries))
        except ValueError as e:  # close() won the race before the call took the handle
            result.append(str(e))
        returned.set()

    t = threading.Thread(target=work)
    t.start()
    entered.wait()
    cache.close()
    was_mapped = mapped(big_cache_path)
    still_running = not returned.is_set()
    t.join()
    if still_running:
        assert was_mapped, "unmapped under an in-flight call"
    else:
        print("note: lookup_many returned before close(); deferral not exercised this run")
    assert result[0] == "cache is closed" or result[0][:1000] == expected_head
    assert not mapped(big_cache_path)
