"""The spelling-variant corpus (data/variant_groups.tsv, SYNTHETIC: names only).

Each group lists forms that must collide (same cross-script key, or for places
the same resolved city and province) and forms that must NOT collide with them
(حسین ≠ حسن, Mohsen ≠ Mohammad, Zahra ≠ Zohreh ...).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from roshan.normalize.names import normalize_name
from roshan.normalize.places import normalize_place

CORPUS = Path(__file__).parent / "data" / "variant_groups.tsv"


def _groups() -> list[tuple[str, list[str], list[str]]]:
    out = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, same, diff = (line.split("\t") + [""])[:3]
        out.append((kind, [f for f in same.split("|") if f], [f for f in diff.split("|") if f]))
    return out


GROUPS = _groups()


def _place(value: str) -> tuple[str | None, str | None] | None:
    r = normalize_place(value)
    if r.unresolved or r.city is None:
        return None
    return r.city, r.province_code


def _name(value: str) -> str:
    return normalize_name(value).key


def test_corpus_is_big_enough() -> None:
    kinds = {k for k, _, _ in GROUPS}
    assert len(GROUPS) >= 300
    assert kinds == {"given", "family", "compound", "place"}
    assert sum(1 for _, _, d in GROUPS if d) >= 300  # nearly every group has negatives


@pytest.mark.parametrize(
    ("kind", "same", "diff"), GROUPS, ids=[f"{k}:{s[0]}" for k, s, _ in GROUPS]
)
def test_group(kind: str, same: list[str], diff: list[str]) -> None:
    f = _place if kind == "place" else _name
    got = {form: f(form) for form in same}
    assert None not in got.values() and "" not in got.values(), got
    assert len(set(got.values())) == 1, got
    base = got[same[0]]
    for other in diff:
        assert f(other) != base, (same[0], other)
