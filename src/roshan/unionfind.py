"""One union-find (disjoint sets) for every stage that groups things.

Used by linkage clustering (:func:`roshan.link.cluster.cluster_pairs`: records joined
strongest pair first, never across a reviewer's "different people" or the chaining
guard), by the repair of drawn clusterings (:mod:`roshan.link.uncertainty.graph`) and by the
junction tree of decomposable graphs (:mod:`roshan.estimate.dga_graphs`) and by the
federate coordinator's joining of links, one row per party per victim
(:func:`roshan.federate.match.one_per_party`).

Union by size with path halving: near-constant time per operation. Sets may be kept
apart by *forbidden pairs* of several kinds; :meth:`UnionFind.conflict` says which
kind refuses a merge, so a caller can report why two records were not joined.

Not used by :class:`roshan.normalize.variants.VariantTable`, whose union is directed
(the canonical spelling's class always wins, unknown keys are their own class without
being registered) and whose parent map is copied and saved as a plain dict on a hot
path of normalisation.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Generic, TypeVar

__all__ = ["UnionFind"]

T = TypeVar("T", bound=Hashable)


class UnionFind(Generic[T]):
    """Disjoint sets over ``items``, with optional forbidden pairs of named ``kinds``.

    An item not given to the constructor is its own one-element set until joined.
    """

    def __init__(self, items: Iterable[T] = (), kinds: Sequence[str] = ()) -> None:
        self.parent: dict[T, T] = {}
        self.size: dict[T, int] = {}
        for x in items:
            self.parent[x] = x
            self.size[x] = 1
        self.kinds = tuple(kinds)
        self.forbid: dict[str, dict[T, set[T]]] = {k: {} for k in self.kinds}

    def _add(self, x: T) -> None:
        if x not in self.parent:
            self.parent[x] = x
            self.size[x] = 1

    def find(self, x: T) -> T:
        """The representative of ``x``'s set (path halving)."""
        parent = self.parent
        if x not in parent:
            return x
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def add_forbidden(self, kind: str, a: T, b: T) -> None:
        """Never put ``a`` and ``b`` in one set (recorded on their current roots)."""
        self._add(a)
        self._add(b)
        ra, rb = self.find(a), self.find(b)
        self.forbid[kind].setdefault(ra, set()).add(b)
        self.forbid[kind].setdefault(rb, set()).add(a)

    def conflict(self, a: T, b: T) -> str | None:
        """The first kind (in ``kinds`` order) whose forbidden pair joining the sets of
        ``a`` and ``b`` would put in one set, or None when they may be joined."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        for kind in self.kinds:
            fa, fb = self.forbid[kind].get(ra), self.forbid[kind].get(rb)
            if fa and any(self.find(x) == rb for x in fa):
                return kind
            if fb and any(self.find(x) == ra for x in fb):
                return kind
        return None

    def union(self, a: T, b: T) -> T:
        """Join the sets of ``a`` and ``b`` (the larger root stays root; on a tie, ``a``'s)
        and return the root. Forbidden pairs are not checked here: call
        :meth:`conflict` first where they matter."""
        self._add(a)
        self._add(b)
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size.pop(rb)
        for kind in self.kinds:
            fb = self.forbid[kind].pop(rb, None)
            if fb:
                self.forbid[kind].setdefault(ra, set()).update(fb)
        return ra

    def groups(self) -> list[list[T]]:
        """The sets, each in insertion order, in order of their first member."""
        out: dict[T, list[T]] = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return list(out.values())
