"""Enumeration of decomposable graphs: counts, chordality, cliques and separators."""

from __future__ import annotations

from itertools import combinations, permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roshan.estimate.dga_graphs import (
    decomposable_graphs,
    is_chordal,
    junction_separators,
    maximal_cliques,
)


@pytest.mark.parametrize(("p", "expected"), [(3, 8), (4, 61), (5, 822)])
def test_number_of_decomposable_graphs(p: int, expected: int) -> None:
    # OEIS A058862; also the sizes of R dga's graphs3, graphs4, graphs5
    assert len(decomposable_graphs(p)) == expected


def test_other_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        decomposable_graphs(2)
    with pytest.raises(ValueError):
        decomposable_graphs(6)


def _has_chordless_cycle(p: int, edges: set[tuple[int, int]]) -> bool:
    """Brute force: an induced cycle of length >= 4 on some vertex subset."""

    def adj(a: int, b: int) -> bool:
        return (min(a, b), max(a, b)) in edges

    for k in range(4, p + 1):
        for vs in combinations(range(p), k):
            for perm in permutations(vs[1:]):
                cyc = (vs[0], *perm)
                ring = all(adj(cyc[i], cyc[(i + 1) % k]) for i in range(k))
                if not ring:
                    continue
                chords = any(
                    adj(cyc[i], cyc[j])
                    for i in range(k)
                    for j in range(i + 2, k)
                    if not (i == 0 and j == k - 1)
                )
                if not chords:
                    return True
    return False


@pytest.mark.parametrize("p", [4, 5])
def test_chordality_agrees_with_brute_force(p: int) -> None:
    pairs = list(combinations(range(p), 2))
    n_chordal = 0
    for code in range(1 << len(pairs)):
        edges = [pr for i, pr in enumerate(pairs) if code >> i & 1]
        fast = is_chordal(p, edges)
        assert fast == (not _has_chordless_cycle(p, set(edges))), edges
        n_chordal += fast
    assert n_chordal == len(decomposable_graphs(p))


def test_known_graphs() -> None:
    # 4-cycle is not decomposable, adding a chord makes it so
    assert not is_chordal(4, [(0, 1), (1, 2), (2, 3), (0, 3)])
    assert is_chordal(4, [(0, 1), (1, 2), (2, 3), (0, 3), (0, 2)])
    star = [(0, 1), (0, 2), (0, 3)]
    cl = maximal_cliques(4, star)
    assert sorted(cl) == [(0, 1), (0, 2), (0, 3)]
    assert junction_separators(cl) == [(0,), (0,)]


def _components(p: int, edges: tuple[tuple[int, int], ...]) -> int:
    parent = list(range(p))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    return len({find(v) for v in range(p)})


@pytest.mark.parametrize("p", [3, 4, 5])
def test_cliques_and_separators_form_junction_trees(p: int) -> None:
    graphs = decomposable_graphs(p)
    assert len({g.edges for g in graphs}) == len(graphs)
    assert graphs[0].edges == ()  # independence first
    assert graphs[-1].cliques == (tuple(range(p)),)  # saturated last
    for g in graphs:
        # every edge is inside a clique, and cliques are complete
        for a, b in g.edges:
            assert any(a in c and b in c for c in g.cliques)
        for c in g.cliques:
            for a, b in combinations(c, 2):
                assert (a, b) in g.edges
        # a junction forest has |C| - #components non-empty separators
        assert len(g.separators) == len(g.cliques) - _components(p, g.edges)
        # each vertex lies in a subtree: (#cliques with v) - (#separators with v) == 1
        for v in range(p):
            assert sum(v in c for c in g.cliques) - sum(v in s for s in g.separators) == 1
        # separators are complete and non-empty
        assert all(len(s) > 0 for s in g.separators)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=(1 << 10) - 1))
def test_running_intersection_property(code: int) -> None:
    """Some ordering of the cliques has each clique meet the union of the earlier ones in
    exactly one of the separators (the perfect sequence the factorisation needs)."""
    pairs = list(combinations(range(5), 2))
    edges = tuple(pr for i, pr in enumerate(pairs) if code >> i & 1)
    if not is_chordal(5, edges):
        return
    g = next(x for x in decomposable_graphs(5) if x.edges == edges)
    found = False
    for order in permutations(g.cliques):
        seps = []
        seen: set[int] = set()
        ok = True
        for i, c in enumerate(order):
            inter = tuple(sorted(seen & set(c)))
            if i and inter:
                # must be contained in a single earlier clique
                if not any(set(inter) <= set(e) for e in order[:i]):
                    ok = False
                    break
                seps.append(inter)
            seen |= set(c)
        if ok and sorted(seps) == sorted(g.separators):
            found = True
            break
    assert found
