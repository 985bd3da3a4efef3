"""Existence (Fienberg-Rinaldo LP) and identifiability (rank) checks.

Reference: SparseMSE ``checkident`` / MultipleSystemsEstimation ``check_extended_MLE``
on Artificial_3 (Chan, Silverman & Vincent 2021, Table 3). Codes: 0 both checks
pass, 1 the MLE does not exist, 2 not identifiable, 3 both.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from roshan.estimate.counts import CaptureCounts
from roshan.estimate.identifiability import (
    STATUS_TEXT,
    check_model,
    fr_lp_exists,
    master_design,
    superset_sums,
)
from roshan.estimate.poisson import Model, Table, fit_model

DATA = Path(__file__).parent / "data"
AB, AC, BC = 0b011, 0b101, 0b110


@pytest.fixture(scope="module")
def artificial() -> Table:
    return Table.from_counts(CaptureCounts.from_csv(DATA / "artificial_3list.csv"))


@pytest.mark.parametrize(
    ("terms", "status"),
    [
        ((AB, AC, BC), 2),  # all pairs: exists on the extended face but not identifiable
        ((AB,), 1),  # only A:B: the MLE does not exist
        ((AC, BC), 0),  # A:C and B:C: passes both tests
        ((), 0),  # independence
    ],
)
def test_artificial_3_matches_sparsemse_checkident(artificial: Table, terms, status) -> None:
    code, _ = check_model(artificial.y, 3, Model.of(terms).params(3))
    assert code == status
    assert fit_model(artificial, Model.of(terms), exact=True).status == status


def test_failing_models_give_no_number_and_a_reason(artificial: Table) -> None:
    f = fit_model(artificial, Model.of((AB,)))
    assert f.estimate is None and not f.ok
    assert "does not exist" in f.reason
    f2 = fit_model(artificial, Model.of((AB, AC, BC)))
    assert f2.estimate is None and "not identifiable" in f2.reason


def test_search_mode_agrees_with_exact_lp(artificial: Table) -> None:
    for terms in [(AB,), (AB, AC, BC), (AC, BC), (AB, AC), (AB, BC)]:
        exact = fit_model(artificial, Model.of(terms), exact=True).ok
        fast = fit_model(artificial, Model.of(terms), exact=False).ok
        assert exact == fast, terms


def test_zero_overlap_terms_are_fixed_at_minus_infinity(artificial: Table) -> None:
    f = fit_model(artificial, Model.of((AC, BC)))
    assert f.ok
    assert set(f.neginf) == {AC, BC}
    assert f.coef[AC] == float("-inf")
    # cells containing A&C or B&C get fitted value 0
    assert f.fitted[AC - 1] == 0 and f.fitted[BC - 1] == 0 and f.fitted[6] == 0


def test_superset_sums_are_overlap_counts() -> None:
    cc = CaptureCounts.from_csv(DATA / "korea_3list.csv")
    _, y = cc.full_table()
    ns = superset_sums(y.astype(float), 3)
    assert ns[0] == cc.observed
    totals = cc.list_totals()
    assert [ns[1], ns[2], ns[4]] == [totals["b"], totals["c"], totals["d"]]
    assert ns[0b011] == cc.pair_overlaps()[("b", "c")]
    assert ns[0b111] == 12


def test_master_design_is_subset_inclusion() -> None:
    d = master_design(3)
    assert d.shape == (7, 8)
    assert d[:, 0].tolist() == [1.0] * 7  # intercept in every cell
    # cell A&B (code 3, row 2) contains A, B and A:B but not C
    assert d[2].tolist() == [1, 1, 1, 1, 0, 0, 0, 0]


def test_lp_detects_positive_table_and_boundary() -> None:
    x = master_design(2)  # saturated-minus-AB: intercept, A, B
    x = x[:, [0, 1, 2]]
    assert fr_lp_exists(x, np.array([3.0, 4.0, 5.0]))
    # a zero cell that other cells can compensate for: a positive table exists
    x3 = master_design(3)[:, [0, 1, 2, 4]]  # independence on 3 lists
    assert fr_lp_exists(x3, np.array([3.0, 4.0, 2.0, 5.0, 0.0, 1.0, 1.0]))
    # two lists that never overlap: the margins force the A&B cell to zero
    # (Lincoln-Petersen with no recaptures has no finite estimate)
    assert not fr_lp_exists(x, np.array([3.0, 4.0, 0.0]))


def test_status_texts_cover_all_codes() -> None:
    assert set(STATUS_TEXT) == {0, 1, 2, 3}


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["western_5list.csv", "new_orleans_5list.csv", "madigan_york_5list.csv"]
)
def test_search_mode_agrees_with_lp_on_every_five_list_model(name: str) -> None:
    """Model searches skip the LP when IRLS shows the divergence signature of a missing
    MLE; on every one of the 6,893 hierarchical 5-list models of these sparse tables the
    verdict (and the estimate) must equal the exact Fienberg-Rinaldo check."""
    from roshan.estimate.modelsearch import all_hierarchical_models

    t = Table.from_counts(CaptureCounts.from_csv(DATA / name))
    failing = 0
    for m in all_hierarchical_models(5):
        fast, exact = fit_model(t, m, exact=False), fit_model(t, m, exact=True)
        assert fast.ok == exact.ok, m.hierarchy(5)
        if exact.ok:
            assert fast.estimate == pytest.approx(exact.estimate, rel=1e-9)
        failing += not exact.ok
    assert failing > 0  # the tables are sparse enough to exercise the check
