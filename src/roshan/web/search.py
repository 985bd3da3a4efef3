"""Victim search: an in-memory prefix index over the linkage name keys, rebuilt when linkage runs.

The query is folded with the normaliser linkage uses
(:func:`roshan.normalize.names.normalize_name`), so ``محمدرضا حسینی`` and
``Mohammad-Reza Hosseini`` give the same cross-script key. A victim matches when
every query token starts one of the tokens of its stored ``name_key`` — or, for
Latin input, when every query word starts a word of its romanised name. A victim
id (``V-…``) is looked up directly.

Why an index: a ``LIKE '%…%'`` scan of every victim is tens of milliseconds at
100,000 records and grows with the store; the sorted token list answers a prefix
in a couple of bisections. The index holds only victim row ids and name tokens,
is built lazily on the first search, and is rebuilt when the newest link run or
the newest victim id changes (checked at most once a second). Rows are then read
fresh from the store, so what is shown is never stale.
"""

from __future__ import annotations

import bisect
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from roshan.store.models import LinkRun, Victim
from roshan.store.workspace import Workspace
from roshan.web.db import reader

VICTIM_COLUMNS = ("uid", "display_name", "romanized", "sex", "age", "date_of_death", "province",
                  "city", "cause_category", "n_records", "sources", "flags")
_UID = re.compile(r"^V-\d+$", re.IGNORECASE)
CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class _Index:
    signature: tuple[Any, Any]
    key_tokens: list[str]
    key_ids: list[int]
    roman_tokens: list[str]
    roman_ids: list[int]
    uid_of: dict[int, str]


def _prefix_ids(tokens: list[str], ids: list[int], prefix: str) -> set[int]:
    out: set[int] = set()
    i = bisect.bisect_left(tokens, prefix)
    n = len(tokens)
    while i < n and tokens[i].startswith(prefix):
        out.add(ids[i])
        i += 1
    return out


def _all_prefixes(tokens: list[str], ids: list[int], query: list[str]) -> set[int]:
    found: set[int] | None = None
    for q in sorted(query, key=len, reverse=True):  # longest (most selective) first
        hits = _prefix_ids(tokens, ids, q)
        found = hits if found is None else found & hits
        if not found:
            return set()
    return found or set()


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
        uid_of: dict[int, str] = {}
        with reader(self.ws) as conn:
            rows = conn.execute(select(Victim.id, Victim.uid, Victim.name_key, Victim.romanized)
                                .where(Victim.active.is_(True)))
            for vid, uid, key, roman in rows:
                uid_of[vid] = uid
                for tok in set((key or "").split()):
                    key_pairs.append((tok, vid))
                for tok in set((roman or "").lower().replace("-", " ").split()):
                    roman_pairs.append((tok, vid))
        key_pairs.sort()
        roman_pairs.sort()
        return _Index(signature, [t for t, _ in key_pairs], [i for _, i in key_pairs],
                      [t for t, _ in roman_pairs], [i for _, i in roman_pairs], uid_of)

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
        """Active victims matching ``q``, ordered by victim id, at most ``limit``."""
        from roshan.normalize.names import normalize_name

        q = (q or "").strip()[:200]
        if not q:
            return []
        if _UID.match(q):
            return self._rows_where(Victim.uid == q.upper())
        idx = self.current()
        key_tokens = [t for t in normalize_name(q).key.split() if t]
        hits: set[int] = set()
        if key_tokens:
            hits = _all_prefixes(idx.key_tokens, idx.key_ids, key_tokens)
        words = [w for w in q.lower().replace("-", " ").split() if w]
        if words and all(w.isascii() for w in words):
            hits |= _all_prefixes(idx.roman_tokens, idx.roman_ids, words)
        if not hits:
            return []
        chosen = sorted(hits, key=lambda i: idx.uid_of.get(i, ""))[:limit]
        rows = {r["_id"]: r for r in self._rows_where(Victim.id.in_(chosen), with_id=True)}
        out = []
        for i in chosen:
            row = rows.get(i)
            if row is not None:
                row.pop("_id")
                out.append(row)
        return out

    def _rows_where(self, cond: Any, *, with_id: bool = False) -> list[dict[str, Any]]:
        cols = [getattr(Victim, c) for c in VICTIM_COLUMNS] + [Victim.id]
        with reader(self.ws) as conn:
            rows = conn.execute(select(*cols).where(cond)).all()
        out = []
        for r in rows:
            d = {c: r[i] for i, c in enumerate(VICTIM_COLUMNS)}
            if with_id:
                d["_id"] = r[-1]
            out.append(d)
        return out


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
    """Active victims matching ``q`` (a name in either script, or a victim id)."""
    return index_for(ws).search(q, limit)
