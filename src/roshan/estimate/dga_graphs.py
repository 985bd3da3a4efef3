"""Every decomposable (chordal) graph on 3, 4 or 5 lists, with cliques and separators.

Madigan & York's (1997) model averaging runs over *decomposable* graphical
models: undirected graphs on the lists (an edge = the two lists may be
dependent) that are chordal, so that the joint distribution of capture factorises
as a product over cliques divided by a product over separators. R's ``dga``
ships these graphs as pre-computed data (``graphs3``, ``graphs4``, ``graphs5``);
roshan enumerates them itself instead: all ``2**(p*(p-1)/2)`` labelled graphs are
tested for chordality (1,024 graphs for p = 5, so this takes milliseconds) and the
chordal ones kept, giving 8, 61 and 822 graphs for p = 3, 4, 5 (OEIS A058862).

For each graph we keep the maximal cliques and the multiset of *non-empty*
separators of a junction tree (a maximum-weight spanning forest of the clique
intersection graph). Empty separators between connected components are dropped:
under the hyper-Dirichlet prior an empty separator contributes a factor of 1 to
the marginal likelihood, which is also how ``dga``'s data lists them.

Vertices are 0-based list indices; a set of vertices is also encoded as a bit
mask (vertex ``j`` on bit ``j``), the same order as
:meth:`roshan.estimate.counts.CaptureCounts.full_table`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations

from roshan.unionfind import UnionFind

__all__ = [
    "DecomposableGraph",
    "decomposable_graphs",
    "is_chordal",
    "maximal_cliques",
    "junction_separators",
    "mask_of",
]

MIN_LISTS = 3
MAX_LISTS = 5


def mask_of(vertices: Sequence[int]) -> int:
    """Bit mask of a vertex set (vertex ``j`` on bit ``j``)."""
    m = 0
    for v in vertices:
        m |= 1 << v
    return m


def _adjacency(p: int, edges: Sequence[tuple[int, int]]) -> list[int]:
    """Neighbour bit masks, one per vertex."""
    adj = [0] * p
    for a, b in edges:
        adj[a] |= 1 << b
        adj[b] |= 1 << a
    return adj


def is_chordal(p: int, edges: Sequence[tuple[int, int]]) -> bool:
    """Whether the graph on vertices ``0..p-1`` with ``edges`` is chordal (decomposable).

    Uses maximum cardinality search (Tarjan & Yannakakis 1984): visit vertices
    always picking the one with most already-visited neighbours; the graph is
    chordal iff, for every vertex, its earlier-visited neighbours form a clique.
    """
    adj = _adjacency(p, edges)
    visited = 0
    order: list[int] = []
    for _ in range(p):
        best, best_n = -1, -1
        for v in range(p):
            if visited >> v & 1:
                continue
            n = bin(adj[v] & visited).count("1")
            if n > best_n:
                best, best_n = v, n
        order.append(best)
        visited |= 1 << best
    seen = 0
    for v in order:
        earlier = adj[v] & seen
        # earlier neighbours must be pairwise adjacent
        rest = earlier
        while rest:
            u = (rest & -rest).bit_length() - 1
            rest &= rest - 1
            if (earlier & ~(1 << u)) & ~adj[u]:
                return False
        seen |= 1 << v
    return True


def maximal_cliques(p: int, edges: Sequence[tuple[int, int]]) -> list[tuple[int, ...]]:
    """All maximal cliques (brute force over vertex subsets; fine for p <= 6).

    Returned sorted by decreasing size, then lexicographically.
    """
    adj = _adjacency(p, edges)
    complete = []
    for m in range(1, 1 << p):
        vs = [v for v in range(p) if m >> v & 1]
        if all(adj[a] >> b & 1 for a, b in combinations(vs, 2)):
            complete.append(m)
    maximal = [m for m in complete if not any(o != m and (o & m) == m for o in complete)]
    cliques = [tuple(v for v in range(p) if m >> v & 1) for m in maximal]
    return sorted(cliques, key=lambda c: (-len(c), c))


def junction_separators(cliques: Sequence[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """Non-empty separators of a junction tree of the cliques of a chordal graph.

    A maximum-weight spanning forest of the clique graph (weight = size of the
    intersection) is a junction tree (Jensen & Jensen 1994); its edge labels,
    without the empty ones, are the separators (a multiset: the star graph
    1-2, 1-3, 1-4 has separator {1} twice).
    """
    k = len(cliques)
    sets = [frozenset(c) for c in cliques]
    cand = []
    for i, j in combinations(range(k), 2):
        inter = sets[i] & sets[j]
        if inter:
            cand.append((len(inter), i, j, tuple(sorted(inter))))
    cand.sort(key=lambda t: (-t[0], t[1], t[2]))
    forest: UnionFind[int] = UnionFind(range(k))
    seps: list[tuple[int, ...]] = []
    for _, i, j, shared in cand:
        if forest.find(i) != forest.find(j):
            forest.union(i, j)
            seps.append(shared)
    return sorted(seps, key=lambda c: (-len(c), c))


@dataclass(frozen=True)
class DecomposableGraph:
    """One decomposable graphical model on ``p`` lists.

    ``edges`` are 0-based vertex pairs ``(a, b)`` with ``a < b``; ``cliques`` the
    maximal cliques; ``separators`` the non-empty junction-tree separators (with
    repetition). The log marginal likelihood of the model is
    ``sum(clique terms) - sum(separator terms)``.
    """

    p: int
    edges: tuple[tuple[int, int], ...]
    cliques: tuple[tuple[int, ...], ...]
    separators: tuple[tuple[int, ...], ...]

    @property
    def clique_masks(self) -> tuple[int, ...]:
        """Cliques as bit masks."""
        return tuple(mask_of(c) for c in self.cliques)

    @property
    def separator_masks(self) -> tuple[int, ...]:
        """Separators as bit masks."""
        return tuple(mask_of(s) for s in self.separators)

    def label(self, names: Sequence[str] | None = None) -> str:
        """Readable hierarchical-model notation, e.g. ``[A,B][B,C]`` (cliques)."""
        nm = list(names) if names is not None else [str(i + 1) for i in range(self.p)]
        return "".join("[" + ",".join(nm[v] for v in c) + "]" for c in self.cliques)

    def edge_labels(self, names: Sequence[str] | None = None) -> list[str]:
        """Edges as ``"A-B"`` strings (the pairs of lists allowed to be dependent)."""
        nm = list(names) if names is not None else [str(i + 1) for i in range(self.p)]
        return [f"{nm[a]}-{nm[b]}" for a, b in self.edges]


@cache
def decomposable_graphs(p: int) -> tuple[DecomposableGraph, ...]:
    """All decomposable graphs on ``p`` labelled vertices (3 <= p <= 5), cached.

    Ordered by number of edges, then by edge set, so index 0 is the independence
    model and the last one the saturated (complete) model.
    """
    if not MIN_LISTS <= p <= MAX_LISTS:
        raise ValueError(f"decomposable graphs are enumerated for 3 to 5 vertices, not {p}")
    pairs = list(combinations(range(p), 2))
    out: list[DecomposableGraph] = []
    for code in range(1 << len(pairs)):
        edges = tuple(pr for i, pr in enumerate(pairs) if code >> i & 1)
        if not is_chordal(p, edges):
            continue
        cliques = maximal_cliques(p, edges)
        seps = junction_separators(cliques)
        out.append(DecomposableGraph(p, edges, tuple(cliques), tuple(seps)))
    out.sort(key=lambda g: (len(g.edges), g.edges))
    return tuple(out)
