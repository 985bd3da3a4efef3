"""Tests of the simulation-study machinery (SYNTHETIC populations only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from roshan.errors import EstimationError
from roshan.estimate.results import EstimateResult
from roshan.estimate.simstudy import SCENARIOS, Group, Scenario, run_study, simulate


def test_two_class_scenario_matches_issue_description():
    sc = SCENARIOS["two_class_4"]
    assert sc.n_lists == 4 and SCENARIOS["two_class_5"].n_lists == 5
    shares = sorted((g.share, g.p_low, g.p_high) for g in sc.groups)
    assert shares == [(0.4, 0.08, 0.2), (0.6, 0.25, 0.5)]


def test_simulate_is_reproducible_and_plausible():
    sc = SCENARIOS["two_class_4"]
    c1, n1 = simulate(sc, np.random.default_rng(3))
    c2, n2 = simulate(sc, np.random.default_rng(3))
    c3, _ = simulate(sc, np.random.default_rng(4))
    assert n1 == n2 == 2000
    assert np.array_equal(c1.counts, c2.counts) and np.array_equal(c1.patterns, c2.patterns)
    assert not (c1.observed == c3.observed and np.array_equal(c1.counts, c3.counts))
    # expected share listed: 0.6 * (1 - 0.625**4) + 0.4 * (1 - 0.86**4) ~ 0.69
    assert 0.6 < c1.observed / n1 < 0.78
    assert c1.n_lists == 4


def test_heterogeneity_shows_as_excess_overlap():
    """A hard-to-list group makes people on one list likelier to be on others."""
    rng = np.random.default_rng(0)
    het = Scenario("het", 20_000, 2, (Group(0.5, 0.6, 0.6), Group(0.5, 0.05, 0.05)))
    hom = Scenario("hom", 20_000, 2, (Group(1.0, 0.325, 0.325),))

    def lincoln_petersen(sc):
        c, n = simulate(sc, rng)
        full = dict(zip(map(tuple, c.patterns.tolist()), c.counts.tolist(), strict=True))
        n1 = full.get((1, 0), 0) + full.get((1, 1), 0)
        n2 = full.get((0, 1), 0) + full.get((1, 1), 0)
        return n1 * n2 / full[(1, 1)] / n

    assert lincoln_petersen(hom) == pytest.approx(1.0, abs=0.05)
    assert lincoln_petersen(het) < 0.8  # heterogeneity -> underestimate


def test_dependence_raises_overlap():
    rng = np.random.default_rng(1)
    base = Scenario("ind", 20_000, 2, (Group(1.0, 0.3, 0.3),))
    dep = Scenario("dep", 20_000, 2, (Group(1.0, 0.3, 0.3),), dependence=((0, 1, 5.0),))
    (ci, _), (cd, _) = simulate(base, rng), simulate(dep, rng)
    both = lambda c: int(c.counts[(c.patterns == 1).all(axis=1)].sum())  # noqa: E731
    assert both(cd) > 1.8 * both(ci)


def test_bad_scenarios_rejected():
    with pytest.raises(EstimationError):
        Scenario("x", 100, 3, (Group(0.5, 0.1, 0.2),))
    with pytest.raises(EstimationError):
        Scenario("x", 100, 3, dependence=((0, 0, 2.0),))
    with pytest.raises(EstimationError):
        Scenario("x", 100, 1)


def _truth_method(counts, seed):
    # an oracle that always covers: knows nothing, says [observed, 10 x observed]
    return EstimateResult(
        "oracle",
        list(counts.lists),
        counts.observed,
        2.0 * counts.observed,
        counts.observed,
        10.0 * counts.observed,
    )


def _observed_method(counts, seed):
    # a method that ignores the unobserved entirely: must never cover
    n = float(counts.observed)
    return EstimateResult("naive", list(counts.lists), counts.observed, n, n, n)


def _failing_method(counts, seed):
    raise EstimationError("cannot estimate")


def test_run_study_summaries():
    small = Scenario("small", 300, 3, (Group(1.0, 0.3, 0.5),))
    df = run_study(
        {"wide": _truth_method, "naive": _observed_method, "fails": _failing_method},
        [small, "homogeneous_4"],
        n_reps=4,
        seed=9,
    )
    assert isinstance(df, pd.DataFrame)
    row = df.set_index(["scenario", "method"])
    assert row.loc[("small", "wide"), "coverage"] == 1.0
    assert row.loc[("small", "naive"), "coverage"] == 0.0
    assert row.loc[("small", "naive"), "misses_low"] == 4
    assert row.loc[("small", "naive"), "relative_bias"] < -0.05
    assert row.loc[("small", "fails"), "failures"] == 4
    assert row.loc[("small", "fails"), "coverage"] == 0.0
    assert row.loc[("ALL", "wide"), "reps"] == 8
    assert row.loc[("homogeneous_4", "wide"), "median_rel_width"] > 1.0
    reps = df.attrs["replicates"]
    assert len(reps) == 3 * 2 * 4
    # every method saw the same populations
    obs = reps.pivot_table(index=["scenario", "rep"], columns="method", values="observed")
    assert (obs.nunique(axis=1) == 1).all()


def test_quick_methods_fit_lcmcr_and_recommended():
    from roshan.estimate.simstudy import quick_methods

    counts, truth = simulate(SCENARIOS["homogeneous_4"], np.random.default_rng(2))
    methods = quick_methods(samples=100, thin=2, burnin=300)
    assert set(methods) == {"lcmcr", "recommended"}
    for name, fn in methods.items():
        res = fn(counts, 1)
        assert res.method == name
        assert counts.observed <= res.lower <= res.estimate <= res.upper
        assert res.estimate == pytest.approx(truth, rel=0.15)
