"""Tests of the recommended default method (LCMCR with the miss-neutral prior).

The small coverage study here uses SYNTHETIC populations from
roshan.estimate.simstudy and short chains; the full study (>= 200 populations)
is bench/estimate_coverage.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from roshan.errors import EstimationError
from roshan.estimate.counts import CaptureCounts
from roshan.estimate.lcmcr import fit_lcmcr
from roshan.estimate.recommended import _disagreement, fit_recommended, miss_neutral_b
from roshan.estimate.results import EstimateResult
from roshan.estimate.simstudy import run_study

SHORT = dict(burnin=1_000, samples=300, thin=5, chains=2, workers=1)


@pytest.mark.parametrize("j", [2, 3, 4, 5, 8])
def test_miss_neutral_prior_has_mean_miss_probability_one_half(j):
    b = miss_neutral_b(j)
    # E[1 - lambda] for Beta(1, b) is b / (1 + b); J independent lists
    assert (b / (1 + b)) ** j == pytest.approx(0.5)
    # and R's Beta(1, 1) gives 2**-J: far from neutral
    assert 0.5**j < 0.5


def test_recommended_covers_two_class_populations_better_than_lcmcr():
    methods = {
        "lcmcr": lambda c, s: fit_lcmcr(c, seed=s, **SHORT),
        "recommended": lambda c, s: fit_recommended(c, seed=s, compare=(), **SHORT),
    }
    df = run_study(methods, ["two_class_4", "two_class_5"], n_reps=8, seed=31)
    row = df.set_index(["scenario", "method"])
    cov_l = row.loc[("ALL", "lcmcr"), "coverage"]
    cov_r = row.loc[("ALL", "recommended"), "coverage"]
    assert cov_r >= cov_l + 0.25
    assert cov_r >= 0.85
    # honest: it pays in width, and we report it
    assert (
        row.loc[("ALL", "recommended"), "median_rel_width"]
        > row.loc[("ALL", "lcmcr"), "median_rel_width"]
    )
    # lcmcr's misses are underestimates, as with R's LCMCR
    assert row.loc[("ALL", "lcmcr"), "misses_high"] == 0


def test_recommended_does_not_inflate_easy_cases():
    methods = {
        "lcmcr": lambda c, s: fit_lcmcr(c, seed=s, **SHORT),
        "recommended": lambda c, s: fit_recommended(c, seed=s, compare=(), **SHORT),
    }
    df = run_study(methods, ["homogeneous_4"], n_reps=6, seed=5)
    row = df.set_index(["scenario", "method"])
    w_l = row.loc[("homogeneous_4", "lcmcr"), "median_rel_width"]
    w_r = row.loc[("homogeneous_4", "recommended"), "median_rel_width"]
    assert w_r <= 2.5 * w_l  # wider (more classes allowed), but not by an order of magnitude
    assert row.loc[("homogeneous_4", "recommended"), "coverage"] >= 5 / 6


def test_result_contract_and_components(data_dir):
    counts = CaptureCounts.from_csv(data_dir / "korea_3list.csv")
    res = fit_recommended(counts, seed=3, compare=("lcmcr", "dga"), **SHORT)
    assert res.method == "recommended"
    assert res.observed == counts.observed
    assert res.lower <= res.estimate <= res.upper
    assert res.estimate == float(np.median(res.draws))
    comps = res.model["components"]
    assert [c["role"] for c in comps] == ["primary", "sensitivity check", "sensitivity check"]
    assert "Beta(1, 3.85)" in res.model["prior"]
    assert res.diagnostics["b_lambda"] == pytest.approx(miss_neutral_b(3))
    for key in ("iterations", "sampling_seconds", "rhat", "ess", "chains"):
        assert key in res.diagnostics
    d = res.to_dict()
    assert d["method"] == "recommended" and d["model"]["components"][0]["role"] == "primary"


def test_through_methods_dispatcher(data_dir):
    from roshan.estimate.methods import fit

    counts = CaptureCounts.from_csv(data_dir / "western_5list.csv")
    res = fit("recommended", counts, seed=1, compare=(), **SHORT)
    assert res.method == "recommended" and res.estimate > counts.observed


def test_unknown_comparison_is_user_error(data_dir):
    counts = CaptureCounts.from_csv(data_dir / "korea_3list.csv")
    with pytest.raises(EstimationError):
        fit_recommended(counts, seed=1, compare=("nonsense",), **SHORT)


def _r(est, lo, hi):
    return EstimateResult("x", ["A", "B"], 100, est, lo, hi)


def test_disagreement_warnings():
    primary = _r(2000, 1700, 3000)
    assert _disagreement(primary, _r(1900, 1750, 2100), "other") == []
    low = _disagreement(primary, _r(1750, 1700, 1850), "other")
    assert len(low) == 1 and "below" in low[0] and "components disagree" in low[0]
    high = _disagreement(primary, _r(4000, 3500, 5000), "other")
    assert len(high) == 1 and "above" in high[0]
    outside = _disagreement(primary, _r(3100, 1800, 3500), "other")
    assert len(outside) == 1 and "outside" in outside[0]
