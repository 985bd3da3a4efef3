"""The single-flight cache (roshan.cache) and the file version key it is used with."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from roshan.cache import SingleFlight, file_key


def test_a_value_is_computed_once_and_then_served() -> None:
    cache = SingleFlight()
    calls: list[int] = []
    assert cache.get(("slot", 1), lambda: calls.append(1) or "v1") == "v1"
    assert cache.get(("slot", 1), lambda: calls.append(2) or "other") == "v1"
    assert calls == [1]
    assert cache.computations == 1


def test_two_threads_asking_for_the_same_key_compute_once() -> None:
    cache = SingleFlight()
    started = threading.Event()
    calls: list[str] = []

    def slow() -> str:
        calls.append(threading.current_thread().name)
        started.set()
        time.sleep(0.2)
        return "value"

    results: dict[str, str] = {}

    def ask(name: str) -> None:
        results[name] = cache.get(("slot", "v"), slow)

    first = threading.Thread(target=ask, args=("first",), name="first")
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=ask, args=("second",), name="second")
    second.start()  # arrives while the first is still computing: it waits for its result
    first.join(5)
    second.join(5)
    assert results == {"first": "value", "second": "value"}
    assert calls == ["first"]
    assert cache.computations == 1


def test_other_keys_are_not_held_up_by_a_slow_computation() -> None:
    cache = SingleFlight()
    release = threading.Event()
    started = threading.Event()

    def blocked() -> str:
        started.set()
        assert release.wait(5)
        return "slow"

    worker = threading.Thread(target=cache.get, args=(("a", 1), blocked))
    worker.start()
    assert started.wait(5)
    try:
        assert cache.get(("b", 1), lambda: "fast") == "fast"  # does not wait for ("a", 1)
    finally:
        release.set()
        worker.join(5)
    assert cache.get(("a", 1), lambda: "recomputed") == "slow"


def test_a_failed_computation_caches_nothing() -> None:
    cache = SingleFlight()

    def boom() -> str:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        cache.get(("slot", 1), boom)
    assert cache.get(("slot", 1), lambda: "ok") == "ok"
    assert cache.computations == 2


def test_a_new_version_replaces_the_old_one_of_its_slot() -> None:
    cache = SingleFlight()
    cache.get(("slot", 1), lambda: "old")
    cache.get(("other", 1), lambda: "kept")
    assert cache.get(("slot", 2), lambda: "new") == "new"
    assert cache.get(("slot", 1), lambda: "again") == "again"  # version 1 was dropped
    assert cache.get(("other", 1), lambda: "x") == "kept"


def test_least_recently_used_values_go_beyond_maxsize() -> None:
    cache = SingleFlight(maxsize=2)
    cache.get(("a", 1), lambda: "a")
    cache.get(("b", 1), lambda: "b")
    cache.get(("a", 1), lambda: "a2")  # a is now the most recent
    cache.get(("c", 1), lambda: "c")  # b goes
    assert cache.get(("a", 1), lambda: "a3") == "a"
    assert cache.get(("b", 1), lambda: "b2") == "b2"


def test_clear_forgets_everything() -> None:
    cache = SingleFlight()
    cache.get(("slot", 1), lambda: "v")
    cache.clear()
    assert cache.get(("slot", 1), lambda: "w") == "w"


def test_file_key_changes_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "pairs.parquet"
    assert file_key(path) is None
    path.write_bytes(b"one")
    first = file_key(path)
    assert first is not None and first[0] == str(path)
    assert file_key(path) == first
    path.write_bytes(b"three")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert file_key(path) != first
