"""Victim search: an in-memory prefix index over the linkage name keys, rebuilt when linkage runs.

The query is folded with the normaliser linkage uses
(:func:`roshan.normalize.names.normalize_name`), so ``محمدرضا حسینی`` and
``Mohammad-Reza Hosseini`` give the same cross-script key. A victim matches when
every query token starts one of the tokens of its stored ``name_key`` — or, for
Latin input, when every query word starts a word of its romanised name. A victim
id (``V-…``) is looked up directly.

Why an index: a ``LIKE '%…%'`` scan of every victim is tens of milliseconds at
100,000 records and grows with the store; the sorted token list answers a prefix
in a couple of bisections, and the matching victim ids of a prefix are a slice of
one NumPy array (intersected across query tokens without a Python loop). The index is built lazily on the first search, and is rebuilt when the newest link run or
the newest victim id changes (checked at most once a second) — victims change only
through link runs. It keeps the few columns a result list shows (about 30 MB for
100,000 victims), so a search does not touch the store; a victim's own page reads
the store.
"""

from __future__ import annotations

import bisect
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, select

from roshan.store import VICTIM_FIELDS, LinkRun, Victim, Workspace
from roshan.web.db import reader

#: What a search result and a victim's page show of a victim: its id and its stored
#: values but for the province code and the body-withheld flag.
VICTIM_COLUMNS = ("uid", *(f for f in VICTIM_FIELDS if f not in ("province_code", "body_withheld")))
_UID = re.compile(r"^V-\d+$", re.IGNORECASE)
CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class _Index:
    signature: tuple[Any, Any]
    key_tokens: list[str]
    key_ids: np.ndarray
    roman_tokens: list[str]
    roman_ids: np.ndarray
    rows: dict[int, dict[str, Any]]
    full_keys: dict[str, list[int]]
    full_romans: dict[str, list[int]]


def _prefix_ids(tokens: list[str], ids: np.ndarray, prefix: str) -> np.ndarray:
    """Victim row ids having a token that starts with ``prefix`` (sorted, unique)."""
    lo = bisect.bisect_left(tokens, prefix)
    hi = bisect.bisect_left(tokens, prefix + "\U0010ffff", lo)
    return np.unique(ids[lo:hi])


def _exact_ids(tokens: list[str], ids: np.ndarray, token: str) -> np.ndarray:
    """Victim row ids having exactly ``token`` (sorted, unique)."""
    lo = bisect.bisect_left(tokens, token)
    hi = bisect.bisect_right(tokens, token, lo)
    return np.unique(ids[lo:hi])


def _found_by_all(hits_of: Callable[[str], np.ndarray], words: Iterable[str]) -> np.ndarray:
    """Victim row ids that every word finds (sorted, unique), stopping once none is left."""
    found: np.ndarray | None = None
    for word in words:
        hits = hits_of(word)
        found = hits if found is None else np.intersect1d(found, hits, assume_unique=True)
        if not len(found):
            break
    return found if found is not None else np.empty(0, dtype=np.int64)


def _all_exact(tokens: list[str], ids: np.ndarray, query: list[str]) -> np.ndarray:
    return _found_by_all(lambda q: _exact_ids(tokens, ids, q), set(query))


def _roman_words(text: str) -> list[str]:
    return [w for w in (text or "").lower().replace("-", " ").split() if w]


def _all_prefixes(tokens: list[str], ids: np.ndarray, query: list[str]) -> np.ndarray:
    longest_first = sorted(set(query), key=len, reverse=True)  # the most selective first
    return _found_by_all(lambda q: _prefix_ids(tokens, ids, q), longest_first)


class SearchIndex:
    """The prefix index of one workspace (thread-safe; see the module doc)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._index: _Index | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def _signature(self) -> tuple[Any, Any]:
        with reader(self.ws) as conn:
            run = conn.execute(select(func.max(LinkRun.id))).scalar()
            vic = conn.execute(select(func.max(Victim.id))).scalar()
        return run, vic

    def _build(self, signature: tuple[Any, Any]) -> _Index:
        key_pairs: list[tuple[str, int]] = []
        roman_pairs: list[tuple[str, int]] = []
        shown: dict[int, dict[str, Any]] = {}
        full_keys: dict[str, list[int]] = {}
        full_romans: dict[str, list[int]] = {}
        cols = [getattr(Victim, c) for c in VICTIM_COLUMNS]
        with reader(self.ws) as conn:
            rows = conn.execute(
                select(Victim.id, Victim.name_key, Victim.romanized, *cols).where(
                    Victim.active.is_(True)
                )
            )
            for vid, key, roman, *values in rows:
                shown[vid] = dict(zip(VICTIM_COLUMNS, values, strict=True))
                for tok in set((key or "").split()):
                    key_pairs.append((tok, vid))
                words = _roman_words(roman or "")
                for tok in set(words):
                    roman_pairs.append((tok, vid))
                if key:
                    full_keys.setdefault(" ".join(sorted(key.split())), []).append(vid)
                if words:
                    full_romans.setdefault(" ".join(sorted(words)), []).append(vid)
        key_pairs.sort()
        roman_pairs.sort()
        return _Index(
            signature,
            [t for t, _ in key_pairs],
            np.fromiter((i for _, i in key_pairs), dtype=np.int64, count=len(key_pairs)),
            [t for t, _ in roman_pairs],
            np.fromiter((i for _, i in roman_pairs), dtype=np.int64, count=len(roman_pairs)),
            shown,
            full_keys,
            full_romans,
        )

    def current(self) -> _Index:
        """The index, rebuilt first if linkage has changed the victims."""
        now = time.monotonic()
        idx = self._index
        if idx is not None and now - self._checked < CHECK_SECONDS:
            return idx
        with self._lock:
            if self._index is not None and time.monotonic() - self._checked < CHECK_SECONDS:
                return self._index
            sig = self._signature()
            if self._index is None or self._index.signature != sig:
                self._index = self._build(sig)
            self._checked = time.monotonic()
            return self._index

    def search(self, q: str, limit: int = 50) -> list[dict[str, Any]]:
        """Active victims matching ``q``, best matches first, at most ``limit``."""
        return self.search_page(q, limit=limit)["results"]

    def search_page(self, q: str, *, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        """One page of the victims matching ``q`` and how many match in all.

        ``{"total": n, "offset": o, "limit": l, "results": [...]}``. Ranked in tiers,
        each in store order (oldest victim first): (0) the whole name is the query —
        the same cross-script key or the same romanised words, in any order; (1) every
        query word is a whole word of the name (key or romanised); (2) for Latin input,
        every query word starts a word of the romanised name as spelled; (3) every query
        token starts a token of the cross-script key (a looser, sound-alike match).
        """
        from roshan.normalize import normalize_name

        offset, limit = max(0, int(offset)), max(0, int(limit))
        q = (q or "").strip()[:200]
        empty = {"total": 0, "offset": offset, "limit": limit, "results": []}
        if not q:
            return empty
        if _UID.match(q):
            rows = self._rows_where(Victim.uid == q.upper())
            return {
                "total": len(rows),
                "offset": offset,
                "limit": limit,
                "results": rows[offset : offset + limit],
            }
        idx = self.current()
        key_tokens = [t for t in normalize_name(q).key.split() if t]
        words = _roman_words(q)
        latin = bool(words) and all(w.isascii() for w in words)
        none = np.empty(0, dtype=np.int64)
        key_prefix = _all_prefixes(idx.key_tokens, idx.key_ids, key_tokens) if key_tokens else none
        roman_prefix = _all_prefixes(idx.roman_tokens, idx.roman_ids, words) if latin else none
        exact_full = np.unique(
            np.array(
                idx.full_keys.get(" ".join(sorted(key_tokens)), [])
                + (idx.full_romans.get(" ".join(sorted(words)), []) if latin else []),
                dtype=np.int64,
            )
        )
        whole = np.union1d(
            _all_exact(idx.key_tokens, idx.key_ids, key_tokens) if key_tokens else none,
            _all_exact(idx.roman_tokens, idx.roman_ids, words) if latin else none,
        )
        tiers = [exact_full, whole, roman_prefix, key_prefix]
        ordered: list[np.ndarray] = []
        seen = none
        for tier in tiers:
            fresh = np.setdiff1d(tier, seen, assume_unique=True)
            if len(fresh):
                ordered.append(fresh)
                seen = np.union1d(seen, fresh)
        if not ordered:
            return empty
        hits = np.concatenate(ordered)
        page = hits[offset : offset + limit]
        return {
            "total": int(len(hits)),
            "offset": offset,
            "limit": limit,
            "results": [dict(idx.rows[int(i)]) for i in page],
        }

    def _rows_where(self, cond: Any) -> list[dict[str, Any]]:
        cols = [getattr(Victim, c) for c in VICTIM_COLUMNS]
        with reader(self.ws) as conn:
            rows = conn.execute(select(*cols).where(cond)).all()
        return [dict(zip(VICTIM_COLUMNS, r, strict=True)) for r in rows]


_indexes: dict[str, SearchIndex] = {}
_indexes_lock = threading.Lock()


def index_for(ws: Workspace) -> SearchIndex:
    """The shared index of ``ws`` (one per workspace folder in this process)."""
    key = str(ws.root)
    with _indexes_lock:
        idx = _indexes.get(key)
        if idx is None or idx.ws is not ws:
            idx = _indexes[key] = SearchIndex(ws)
        return idx


def search_victims(ws: Workspace, q: str, limit: int = 50) -> list[dict[str, Any]]:
    """Active victims matching ``q`` (a name in either script, or a victim id), best first."""
    return index_for(ws).search(q, limit)


def search_page(ws: Workspace, q: str, *, offset: int = 0, limit: int = 50) -> dict[str, Any]:
    """A page of victims matching ``q`` with the total (see :meth:`SearchIndex.search_page`)."""
    return index_for(ws).search_page(q, offset=offset, limit=limit)
