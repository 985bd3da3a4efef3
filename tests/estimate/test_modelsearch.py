"""Model search against published results (tests/estimate/data/README.md).

- Korea (MultipleSystemsEstimation): minimum BIC over hierarchical models -> 157.1667
  ([12,23]); stepwise with p-threshold 0.02 -> 268.7778 ([12,3]).
- UK 6-list: downhill search by BIC -> 12,350 (Silverman, Chan & Vincent 2024, Table 6).
- New Orleans downhill: 8-list -> 1,110; 5-list -> 981 -- on the 186-person table
  MultipleSystemsEstimation uses (see data/README.md on new_orleans_8list_r186.csv).
- Rcapture: HIV -- the centre 1 x centre 2 interaction is the one that matters;
  Allegheny -- Darroch's Mth plus interactions 12, 13, 14.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from roshan.estimate.counts import CaptureCounts
from roshan.estimate.modelsearch import (
    all_hierarchical_models,
    boundary_terms,
    neighbours,
    search,
)
from roshan.estimate.poisson import Model, Table, fit_model

DATA = Path(__file__).parent / "data"


def _table(name: str) -> Table:
    return Table.from_counts(CaptureCounts.from_csv(DATA / name))


@pytest.fixture(scope="module")
def no_r186() -> CaptureCounts:
    return CaptureCounts.from_csv(DATA / "new_orleans_8list_r186.csv")


def test_number_of_hierarchical_models() -> None:
    # 4 lists: 113 models, as MultipleSystemsEstimation reports for Kosovo (4 lists)
    assert [len(all_hierarchical_models(j)) for j in (2, 3, 4)] == [1, 8, 113]
    assert len(all_hierarchical_models(3, max_order=1)) == 1
    assert len(all_hierarchical_models(4, max_order=2)) == 64  # any subset of the 6 pairs
    five = all_hierarchical_models(5)
    assert len(five) == len(set(five)) == 6893
    assert all(m.order <= 4 for m in five)


def test_neighbours_and_boundary() -> None:
    m = Model.of((0b011, 0b110))  # [12,23]
    assert sorted(boundary_terms(m, 3, 2)) == [0b101]
    nb = {n.hierarchy(3) for n in neighbours(m, 3, 2)}
    assert nb == {"[23,1]", "[12,3]", "[12,13,23]"}


@pytest.mark.parametrize("procedure", ["exhaustive", "downhill"])
def test_korea_min_bic(procedure: str) -> None:
    r = search(_table("korea_3list.csv"), procedure, "bic", max_order=2)
    assert r.best.model.hierarchy(3) == "[12,23]"
    assert r.best.estimate == pytest.approx(157.1667, abs=1e-3)


def test_korea_stepwise_pthresh_002() -> None:
    r = search(_table("korea_3list.csv"), "stepwise", pthresh=0.02)
    assert r.best.model.hierarchy(3) == "[12,3]"
    assert r.best.estimate == pytest.approx(268.7778, abs=1e-3)
    # a zero threshold keeps independence
    r0 = search(_table("korea_3list.csv"), "stepwise", pthresh=0.0)
    assert r0.best.model.terms == ()


def test_uk_downhill_bic() -> None:
    r = search(_table("uk_slavery_6list.csv"), "downhill", "bic")
    assert r.best.estimate == pytest.approx(12350, abs=1)
    r2 = search(_table("uk_slavery_6list.csv"), "downhill", "bic", max_order=2)
    assert r2.best.estimate == pytest.approx(12350, abs=1)  # Table 6: same at max order 2


def test_new_orleans_published_on_r_table(no_r186: CaptureCounts) -> None:
    t8 = Table.from_counts(no_r186)
    assert search(t8, "downhill", "bic").best.estimate == pytest.approx(1110, abs=1)
    assert search(t8, "stepwise", pthresh=0.02).best.estimate == pytest.approx(1110.488, abs=1e-2)
    t5 = Table.from_counts(no_r186.merge_lists(["B", "E", "F", "G"], "BEFG"))
    assert search(t5, "downhill", "bic").best.estimate == pytest.approx(981, abs=1)
    assert search(t5, "downhill", "bic", max_order=2).best.estimate == pytest.approx(981, abs=1)


def test_new_orleans_on_distributed_table_regression() -> None:
    """The 185-person table as distributed: pinned values (see data/README.md)."""
    assert search(_table("new_orleans_8list.csv"), "downhill").best.estimate == pytest.approx(
        1183.69, abs=0.01
    )
    assert search(_table("new_orleans_5list.csv"), "downhill").best.estimate == pytest.approx(
        1034.15, abs=0.01
    )


def test_hiv_centre_1_2_interaction_matters() -> None:
    t = _table("rome_hiv_4list.csv")
    r = search(t, "exhaustive", "aic")
    assert r.best.model.terms == (0b0011,)  # only c1:c2
    # among single interactions, c1:c2 improves the fit by far the most
    gains = {}
    ind = fit_model(t, Model())
    for a in range(4):
        for b in range(a + 1, 4):
            t_ab = (1 << a) | (1 << b)
            gains[t_ab] = fit_model(t, Model.of((t_ab,))).loglik - ind.loglik
    best = max(gains, key=gains.get)
    assert best == 0b0011
    assert gains[best] > 2 * sorted(gains.values())[-2]


def test_allegheny_darroch_mth_plus_12_13_14() -> None:
    t = _table("allegheny_4list.csv")
    r = search(t, "exhaustive", "bic", heterogeneity="darroch")
    assert r.best.model.hierarchy(4) == "[12,13,14]"
    assert r.best.model.heterogeneity == "darroch"
    # and it beats every model without heterogeneity on AIC
    no_h = search(t, "exhaustive", "aic")
    assert r.best.aic < no_h.best.aic


def test_search_skips_models_failing_checks() -> None:
    t = _table("artificial_3list.csv")
    for procedure in ("exhaustive", "downhill"):
        r = search(t, procedure, "bic")
        assert r.best is not None and r.best.ok
        assert r.failed >= 1
    r = search(t, "exhaustive", "bic")
    assert r.best.model.hierarchy(3) not in ("[12,3]", "[12,13,23]")
