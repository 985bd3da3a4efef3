"""A small in-process cache in which each key is computed at most once at a time.

Used by the review queue (:mod:`roshan.link.review`): what it is built from changes only
when ``roshan link`` (or normalise) rewrites a snapshot, so the expensive analysis is
computed once per version of those files and kept in the process. :func:`file_key`
names such a version: path, inode, size and modification/change times in ns.

Keys are ``(slot, version)`` pairs: storing a new version of a slot drops the older
ones, so memory holds one value per slot (say, per snapshot file), not one per version.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

__all__ = ["SingleFlight", "file_key"]


def file_key(path: str | os.PathLike[str]) -> tuple[Any, ...] | None:
    """What identifies this version of a file (``None`` when it does not exist)."""
    try:
        st = Path(path).stat()
    except OSError:
        return None
    return (str(path), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class SingleFlight:
    """A small LRU of computed values in which each key is computed at most once at a time.

    Fifty reviewers opening the queue right after a link run cause one computation: the
    first computes, the others wait for its result (a lock per key), and requests for
    other keys are not held up. A computation that raises caches nothing. Keys are
    ``(slot, version)``: storing a new version of a slot (say, after a new link run)
    drops the older ones, so memory holds one analysis per snapshot, not one per run.
    """

    def __init__(self, maxsize: int = 4) -> None:
        self.maxsize = maxsize
        self._lock = threading.Lock()
        self._values: OrderedDict[Any, Any] = OrderedDict()
        self._inflight: dict[Any, threading.Lock] = {}
        self.computations = 0  # how many times compute() ran (tests and benchmarks read it)

    def get(self, key: tuple[Hashable, Hashable], compute: Callable[[], Any]) -> Any:
        """The value for ``key``, computing it with ``compute()`` if it is not stored."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            key_lock = self._inflight.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key]
            try:
                self.computations += 1
                value = compute()
                with self._lock:
                    for old in [k for k in self._values if k[0] == key[0]]:
                        del self._values[old]
                    self._values[key] = value
                    while len(self._values) > self.maxsize:
                        self._values.popitem(last=False)
            finally:
                with self._lock:
                    if self._inflight.get(key) is key_lock:
                        del self._inflight[key]
        return value

    def clear(self) -> None:
        """Forget every stored value."""
        with self._lock:
            self._values.clear()
