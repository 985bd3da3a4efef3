"""fit_loglinear: the log-linear method's front door and its EstimateResult."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from roshan.errors import EstimationError
from roshan.estimate.counts import CaptureCounts
from roshan.estimate.loglinear import fit_loglinear
from roshan.estimate.results import RESULT_KEYS

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def korea() -> CaptureCounts:
    return CaptureCounts.from_csv(DATA / "korea_3list.csv")


@pytest.fixture(scope="module")
def artificial() -> CaptureCounts:
    return CaptureCounts.from_csv(DATA / "artificial_3list.csv")


def test_search_result_is_complete_and_json_safe(korea: CaptureCounts) -> None:
    r = fit_loglinear(korea, interval="profile")
    assert r.method == "loglinear" and r.lists == ["b", "c", "d"] and r.observed == 123
    assert r.estimate == pytest.approx(157.1667, abs=1e-3)
    assert r.model["hierarchy"] == "[12,23]" and r.model["terms"] == ["b:c", "c:d"]
    assert r.lower < r.estimate < r.upper
    assert r.diagnostics["procedure"] == "exhaustive"
    top = r.diagnostics["top_models"]
    assert [t["hierarchy"] for t in top[:2]] == ["[12,23]", "[12,3]"]  # BIC 57.14 < 58.97
    assert top[0]["bic"] <= top[1]["bic"] and top[1]["estimate"] == pytest.approx(268.78, abs=0.01)
    assert any("model-selection uncertainty" in w for w in r.warnings)
    d = r.to_dict()
    assert tuple(d) == RESULT_KEYS
    json.dumps(d, allow_nan=False)


def test_search_defaults_to_bootstrap_repeating_selection(korea: CaptureCounts) -> None:
    r = fit_loglinear(korea, seed=2)
    assert r.diagnostics["bootstrap"] == 500
    assert r.diagnostics["interval"] == "bca bootstrap interval repeating the model search"
    assert not any("model-selection" in w for w in r.warnings)
    assert r.draws.shape == (500,)
    cheap = fit_loglinear(korea, bootstrap=0)
    assert cheap.diagnostics["interval"] == "profile-likelihood interval"
    assert cheap.draws is None


def test_fixed_model_profile_interval_has_no_selection_warning(korea: CaptureCounts) -> None:
    r = fit_loglinear(korea, terms="b:c")
    assert r.estimate == pytest.approx(268.7778, abs=1e-3)
    assert r.diagnostics["procedure"] == "fixed"
    assert r.diagnostics["interval"] == "profile-likelihood interval"
    assert not any("model-selection" in w for w in r.warnings)
    assert r.lower < r.estimate < r.upper


def test_independence_by_empty_terms(korea: CaptureCounts) -> None:
    r = fit_loglinear(korea, terms="")
    assert r.model["terms"] == [] and r.estimate == pytest.approx(141.9926, abs=1e-3)


@pytest.mark.parametrize(
    ("terms", "fragment"),
    [("A:B", "does not exist"), ("A:B,A:C,B:C", "not identifiable")],
)
def test_refuses_meaningless_models(artificial: CaptureCounts, terms: str, fragment: str) -> None:
    with pytest.raises(EstimationError, match=fragment):
        fit_loglinear(artificial, terms=terms)


def test_search_on_artificial_picks_an_estimable_model(artificial: CaptureCounts) -> None:
    r = fit_loglinear(artificial)
    assert r.estimate is not None and r.diagnostics["models_failing_checks"] >= 1
    assert "zero_overlap_terms" in r.model


def test_no_estimable_model_refuses() -> None:
    # two lists that never overlap: no log-linear model has a finite estimate
    cc = CaptureCounts(("A", "B"), np.array([[1, 0], [0, 1]]), np.array([10, 12]))
    with pytest.raises(EstimationError, match="no log-linear model"):
        fit_loglinear(cc)


def test_fixed_model_bootstrap_percentile(korea: CaptureCounts) -> None:
    r = fit_loglinear(korea, terms="b:c,c:d", bootstrap=200, interval="percentile", seed=3)
    assert r.diagnostics["interval"].startswith("percentile bootstrap")
    assert r.draws.shape == (200,)
    finite = r.draws[np.isfinite(r.draws)]
    assert 200 - finite.size == r.diagnostics["bootstrap_failed"]
    lo, hi = np.quantile(finite, [0.025, 0.975], method="median_unbiased")
    assert (r.lower, r.upper) == pytest.approx((lo, hi))
    same = fit_loglinear(korea, terms="b:c,c:d", bootstrap=200, interval="percentile", seed=3)
    assert same.lower == r.lower and same.upper == r.upper


def test_stepwise_and_aic_options(korea: CaptureCounts) -> None:
    assert fit_loglinear(korea, search="stepwise").estimate == pytest.approx(268.7778, abs=1e-3)
    assert fit_loglinear(korea, search="stepwise").diagnostics["pthresh"] == 0.02
    r = fit_loglinear(korea, criterion="aic", interval="none")
    assert r.lower is None and r.upper is None


def test_level_changes_interval(korea: CaptureCounts) -> None:
    wide = fit_loglinear(korea, terms="b:c,c:d", level=0.99)
    narrow = fit_loglinear(korea, terms="b:c,c:d", level=0.8)
    assert wide.lower < narrow.lower and wide.upper > narrow.upper


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(level=1.5),
        dict(criterion="cp"),
        dict(search="genetic"),
        dict(interval="x"),
        dict(bootstrap=-1),
        dict(max_order=0),
        dict(interval="bca", bootstrap=0),
    ],
)
def test_bad_options_are_user_errors(korea: CaptureCounts, kwargs: dict) -> None:
    with pytest.raises(EstimationError):
        fit_loglinear(korea, **kwargs)


def test_warnings_for_sparse_data_and_huge_estimates() -> None:
    cc = CaptureCounts.from_csv(DATA / "new_orleans_8list.csv")
    r = fit_loglinear(cc, interval="profile")
    assert any("few overlaps" in w for w in r.warnings)
    assert any("sparse table" in w for w in r.warnings)
    assert r.diagnostics["procedure"] == "downhill"  # more than 5 lists


def test_two_lists_is_lincoln_petersen() -> None:
    cc = CaptureCounts(("A", "B"), np.array([[1, 0], [0, 1], [1, 1]]), np.array([60, 40, 20]))
    r = fit_loglinear(cc, bootstrap=0)
    assert r.estimate == pytest.approx(80 * 60 / 20)  # n_A * n_B / m
    assert r.model["terms"] == []
    # only one model was possible: no model-selection warning
    assert not any("model-selection" in w for w in r.warnings)
    assert r.lower < 240 < r.upper


def _simulate(
    n: int, p: list[float], rng: np.random.Generator, dependent_pair: tuple[int, int] | None = None
) -> CaptureCounts:
    """SYNTHETIC capture histories of ``n`` made-up people (no real data)."""
    caps = rng.random((n, len(p))) < np.array(p)
    if dependent_pair is not None:
        a, b = dependent_pair
        # people on list a are much more likely to be on list b as well
        boost = caps[:, a] & (rng.random(n) < 0.5)
        caps[:, b] |= boost
    caps = caps[caps.any(axis=1)]
    return CaptureCounts.from_histories(caps.astype(np.int8), lists=list("ABCD")[: len(p)])


def test_recovers_known_total_under_independence() -> None:
    rng = np.random.default_rng(11)
    cc = _simulate(4000, [0.3, 0.25, 0.2, 0.35], rng)
    r = fit_loglinear(cc, bootstrap=200, seed=4)
    assert r.estimate == pytest.approx(4000, rel=0.05)
    assert r.lower < 4000 < r.upper


def test_search_finds_list_dependence_that_independence_misses() -> None:
    rng = np.random.default_rng(12)
    cc = _simulate(4000, [0.2, 0.2, 0.25, 0.3], rng, dependent_pair=(0, 1))
    naive = fit_loglinear(cc, terms="")
    chosen = fit_loglinear(cc, bootstrap=0)
    assert "A:B" in chosen.model["terms"]
    assert abs(chosen.estimate - 4000) < abs(naive.estimate - 4000)
    assert chosen.estimate == pytest.approx(4000, rel=0.08)


def test_exhaustive_bootstrap_uses_top_models(korea: CaptureCounts) -> None:
    cc = CaptureCounts.from_csv(DATA / "western_5list.csv")
    r = fit_loglinear(cc, bootstrap=20, ntop=5, seed=1)
    assert r.diagnostics["procedure"] == "exhaustive"
    assert r.diagnostics["bootstrap_ntop"] == 5
    assert r.draws.shape == (20,)
