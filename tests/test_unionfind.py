"""The one union-find (roshan.unionfind), checked against brute-force connectivity."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from roshan.unionfind import UnionFind


def _components(n: int, edges: list[tuple[int, int]]) -> set[frozenset[int]]:
    """Connected components by repeated relaxation (slow, obviously right)."""
    label = list(range(n))
    changed = True
    while changed:
        changed = False
        for a, b in edges:
            lo = min(label[a], label[b])
            if label[a] != lo or label[b] != lo:
                label[a] = label[b] = lo
                changed = True
    groups: dict[int, set[int]] = {}
    for i, lab in enumerate(label):
        groups.setdefault(lab, set()).add(i)
    return {frozenset(g) for g in groups.values()}


@pytest.mark.parametrize("seed", range(5))
def test_union_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 60
    edges = [tuple(int(v) for v in rng.integers(0, n, 2)) for _ in range(45)]
    uf: UnionFind[int] = UnionFind(range(n))
    for a, b in edges:
        uf.union(a, b)
    assert {frozenset(g) for g in uf.groups()} == _components(n, edges)
    assert sum(uf.size[uf.find(x)] for x in range(n) if uf.find(x) == x) == n


def test_forbidden_pairs_refuse_merges_and_name_their_kind() -> None:
    uf: UnionFind[str] = UnionFind("abcde", kinds=("review", "guard"))
    uf.add_forbidden("review", "a", "c")
    uf.add_forbidden("guard", "d", "e")
    uf.union("a", "b")
    assert uf.conflict("b", "c") == "review"  # b's set holds a, which may not join c
    assert uf.conflict("c", "b") == "review"
    assert uf.conflict("d", "e") == "guard"
    assert uf.conflict("b", "d") is None
    uf.union("b", "d")
    assert uf.conflict("a", "e") == "guard"  # the ban moved with d's set
    assert uf.conflict("a", "b") is None  # same set: nothing to refuse


def test_unknown_items_are_their_own_set_and_groups_keep_order() -> None:
    uf: UnionFind[int] = UnionFind()
    assert uf.find(7) == 7
    uf.union(3, 1)
    uf.union(5, 5)
    assert uf.groups() == [[3, 1], [5]]
    assert uf.find(1) == uf.find(3)


def test_larger_set_keeps_its_root() -> None:
    uf: UnionFind[int] = UnionFind(range(5))
    uf.union(0, 1)
    uf.union(0, 2)
    root = uf.find(0)
    assert uf.union(3, 0) == root  # 3's set is smaller
    assert all(uf.find(x) == root for x in (0, 1, 2, 3))
    for a, b in itertools.combinations(range(4), 2):
        assert uf.find(a) == uf.find(b)
