"""dga model averaging: reproduce R dga's published Madigan & York results and its maths."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import gammaln

import roshan.estimate.dga as dga_mod
from roshan.errors import EstimationError
from roshan.estimate.counts import CaptureCounts
from roshan.estimate.dga import (
    dga_posterior,
    fit_dga,
    negative_binomial_log_prior,
)
from roshan.estimate.dga_graphs import decomposable_graphs

# R dga tests (tests/testthat, "3 lists example against Madigan and York"):
# delta = 1, Nmissing = 1:300, negative-binomial log prior a = 13.14, b = 55.17.
A, B = 13.14, 55.17
NMISSING_R = np.arange(1, 301)


@pytest.fixture
def my3(data_dir: Path) -> CaptureCounts:
    return CaptureCounts.from_csv(data_dir / "madigan_york_3list.csv")


@pytest.fixture
def my5(data_dir: Path) -> CaptureCounts:
    return CaptureCounts.from_csv(data_dir / "madigan_york_5list.csv")


def _full(counts: CaptureCounts) -> np.ndarray:
    return np.concatenate([[0], counts.full_table()[1]])


# --------------------------------------------------------------------------- published


def test_madigan_york_3list_reproduces_dga(my3: CaptureCounts) -> None:
    res = fit_dga(my3, delta=1.0, log_prior=negative_binomial_log_prior(A, B), n_missing=NMISSING_R)
    d = res.diagnostics
    top = res.model["top"][0]
    # expect_equal(round(sum(top_model), 2), 0.37)
    assert round(top["weight"], 2) == 0.37
    # Bayes estimator sum(w/N)/sum(w/N^2): 731 for the top model and the average
    assert round(top["bayes_estimate"]) == 731
    assert round(d["bayes_estimate"]) == 731
    # posterior modes: 729 (top model), 728 (model average)
    assert top["mode"] == 729
    assert d["top_model_mode"] == 729
    assert d["posterior_mode"] == 728
    # the top graph: lists 1 and 2 dependent, list 3 independent of both
    assert top["graph"] == "[L1,L2][L3]"
    assert res.method == "dga"
    assert res.observed == 626
    assert res.lower < res.estimate < res.upper
    assert sum(m["weight"] for m in res.model["top"]) == pytest.approx(1.0)


def test_default_grid_agrees_with_r_grid(my3: CaptureCounts) -> None:
    """The automatic grid starts at 0 and covers the tail; the answer barely moves."""
    auto = fit_dga(my3, delta=1.0, log_prior=negative_binomial_log_prior(A, B))
    assert auto.diagnostics["grid_min_missing"] == 0
    assert round(auto.diagnostics["bayes_estimate"]) == 731
    assert auto.diagnostics["posterior_mode"] == 728
    assert auto.warnings == []


# --------------------------------------------------------------------------- naive reference


def _naive_bma_cr(y: np.ndarray, nmissing: np.ndarray, delta: float, logprior=None) -> np.ndarray:
    """A line-by-line transcription of R dga 1.2's bma.cr (loops, no vectorisation).

    ``y`` is in R's column-major 2x...x2 layout (list 1 varies fastest), the
    same order as roshan's codes; marginals are taken like ``apply(Y, inds, sum)``.
    """
    p = int(round(math.log2(y.size)))
    arr = y.astype(float).copy()
    arr[0] = 0
    Y = arr.reshape((2,) * p, order="F")
    n = arr.sum()
    comp = {}
    for mask in range(1, 1 << p):
        inds = [j for j in range(p) if mask >> j & 1]
        other = tuple(j for j in range(p) if j not in inds)
        D = Y.sum(axis=other).reshape(-1, order="F")
        alpha = delta * 2 ** (p - len(inds))
        rows = []
        for nm in nmissing:
            Dm = D.copy()
            Dm[0] += nm
            rows.append(np.sum(gammaln(Dm + alpha)) - np.sum(gammaln(Dm * 0 + alpha)))
        comp[mask] = np.array(rows)
    out = []
    for g in decomposable_graphs(p):
        cl = sum(comp[m] for m in g.clique_masks)
        sp = sum((comp[m] for m in g.separator_masks), np.zeros(len(nmissing)))
        nsub = len(g.cliques) - len(g.separators)
        a_sum = delta * 2**p
        out.append(cl - sp + nsub * (gammaln(a_sum) - gammaln(nmissing + n + a_sum)))
    w = np.array(out)
    w += gammaln(nmissing + n + 1) - np.sum(gammaln(arr[1:] + 1)) - gammaln(nmissing + 1)
    w += -np.log(n + nmissing) if logprior is None else logprior
    w = np.exp(w - w.max())
    return w / w.sum()


@pytest.mark.parametrize("delta", [0.5, 1 / 32])
def test_vectorised_posterior_matches_naive_transcription_5_lists(
    my5: CaptureCounts, delta: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    y = _full(my5)
    ref = _naive_bma_cr(y, NMISSING_R, delta)
    # small chunks to exercise the chunked accumulation
    monkeypatch.setattr(dga_mod, "_CHUNK_CELLS", 822 * 7)
    post = dga_posterior(y, NMISSING_R, delta=delta, top=5)
    np.testing.assert_allclose(post.model_weights, ref.sum(axis=1), rtol=1e-8, atol=1e-14)
    np.testing.assert_allclose(post.post_n, ref.sum(axis=0), rtol=1e-8, atol=1e-14)
    for rank, gi in enumerate(post.top_index):
        np.testing.assert_allclose(np.exp(post.log_joint_top[rank]), ref[gi], rtol=1e-8, atol=1e-14)
    assert np.all(np.diff(post.model_weights[post.top_index]) <= 0)


def test_nb_prior_matches_naive_3_lists(my3: CaptureCounts) -> None:
    y = _full(my3)
    N = NMISSING_R + 626
    lp = N * np.log(B) - (N + A) * np.log(1 + B) + gammaln(N + A) - gammaln(N + 1) - gammaln(A)
    ref = _naive_bma_cr(y, NMISSING_R, 1.0, lp)
    post = dga_posterior(y, NMISSING_R, delta=1.0, log_prior=negative_binomial_log_prior(A, B))
    np.testing.assert_allclose(post.model_weights, ref.sum(axis=1), rtol=1e-9)


def test_saturated_model_is_dirichlet_multinomial(my3: CaptureCounts) -> None:
    """Under the complete graph the model is one Dirichlet-multinomial on all 8 cells."""
    y = _full(my3).astype(float)
    grid = np.arange(0, 50)
    post = dga_posterior(
        y, grid, delta=1.0, log_prior=lambda n: np.zeros_like(n, dtype=float), top=8
    )
    sat = len(decomposable_graphs(3)) - 1
    rank = int(np.flatnonzero(post.top_index == sat)[0])
    n = y.sum()
    a = np.ones(8)
    direct = []
    for m in grid:
        cells = y.copy()
        cells[0] = m
        # multinomial coefficient x Dirichlet-multinomial marginal
        direct.append(
            gammaln(n + m + 1)
            - np.sum(gammaln(cells + 1))
            + gammaln(a.sum())
            - gammaln(n + m + a.sum())
            + np.sum(gammaln(cells + a) - gammaln(a))
        )
    direct = np.array(direct)
    got = post.log_joint_top[rank]
    # equal up to the common normalising constant
    np.testing.assert_allclose(got - got[0], direct - direct[0], rtol=1e-10, atol=1e-8)


# --------------------------------------------------------------------------- behaviour


def test_five_lists_result_shape(my5: CaptureCounts) -> None:
    res = fit_dga(my5, delta=0.5, n_draws=500, seed=3)
    assert res.diagnostics["n_graphs"] == 822
    assert res.lower <= res.estimate <= res.upper
    assert res.estimate > res.observed
    assert len(res.model["top"]) == 10
    w = [m["weight"] for m in res.model["top"]]
    assert w == sorted(w, reverse=True)
    assert res.draws is not None and res.draws.shape == (500,)
    assert res.draws.min() >= res.observed
    # draws follow the averaged posterior: their median is near the posterior median
    assert abs(np.median(res.draws) - res.estimate) < 0.05 * res.estimate
    d = res.to_dict()
    assert d["model"]["top"][0]["weight"] == pytest.approx(w[0])
    assert "posterior_curve" in d["diagnostics"]
    curve = d["diagnostics"]["posterior_curve"]
    assert len(curve["n"]) == len(curve["density"]) <= 300
    assert "Estimated total" in res.summary()


def test_draws_are_reproducible_and_differ_between_tables(
    my3: CaptureCounts, my5: CaptureCounts
) -> None:
    a = fit_dga(my3, n_draws=200)
    b = fit_dga(my3, n_draws=200)
    assert np.array_equal(a.draws, b.draws)
    c = fit_dga(my3, n_draws=200, seed=1)
    assert not np.array_equal(a.draws, c.draws)


def test_more_mass_on_missing_with_larger_prior_mean(my3: CaptureCounts) -> None:
    low = fit_dga(my3, log_prior=negative_binomial_log_prior(13.14, 55.17), n_draws=0)
    high = fit_dga(my3, log_prior=negative_binomial_log_prior(50.0, 55.17), n_draws=0)
    assert high.diagnostics["posterior_mean"] > low.diagnostics["posterior_mean"]
    assert high.draws is None


def test_uniform_prior_and_model_prior(my3: CaptureCounts) -> None:
    uni = fit_dga(my3, prior="uniform", n_draws=0)
    default = fit_dga(my3, n_draws=0)
    assert uni.diagnostics["prior"] == "uniform"
    # a flat prior on N puts more weight on large N than 1/N does
    assert uni.diagnostics["posterior_mean"] > default.diagnostics["posterior_mean"]
    # forcing all prior weight onto the independence model
    lmp = np.full(8, -1e6)
    lmp[0] = 0.0
    forced = fit_dga(my3, log_model_prior=lmp, n_draws=0)
    assert forced.model["top"][0]["graph"] == "[L1][L2][L3]"
    assert forced.model["top"][0]["weight"] == pytest.approx(1.0)


def _table(n: int, counts: dict[tuple[int, ...], int]) -> CaptureCounts:
    rows = [[*k, v] for k, v in counts.items()]
    return CaptureCounts.from_frame(
        pd.DataFrame(rows, columns=[f"L{i + 1}" for i in range(n)] + ["count"])
    )


def test_refuses_wrong_number_of_lists(data_dir: Path) -> None:
    two = _table(2, {(1, 0): 5, (0, 1): 4, (1, 1): 3})
    with pytest.raises(EstimationError, match="3 to 5 lists"):
        fit_dga(two)
    six = CaptureCounts.from_csv(data_dir / "uk_slavery_6list.csv")
    with pytest.raises(EstimationError, match="3 to 5 lists"):
        fit_dga(six)


def test_refuses_bad_options(my3: CaptureCounts) -> None:
    with pytest.raises(EstimationError):
        fit_dga(my3, delta=0)
    with pytest.raises(EstimationError):
        fit_dga(my3, prior="jeffreys")
    with pytest.raises(EstimationError):
        fit_dga(my3, level=1.5)
    with pytest.raises(EstimationError):
        fit_dga(my3, log_model_prior=[0.0, 1.0])
    with pytest.raises(EstimationError):
        fit_dga(my3, n_missing=[5, 3, 1])


def test_sparse_lists_warn_and_heavy_tail_is_flagged() -> None:
    """SYNTHETIC table: lists that never overlap leave N to the prior; say so."""
    t = _table(3, {(1, 0, 0): 30, (0, 1, 0): 25, (0, 0, 1): 20, (1, 1, 0): 1})
    res = fit_dga(t, n_draws=0)
    assert any("share nobody" in w for w in res.warnings)
    narrow = fit_dga(t, n_max=50, n_draws=0)
    assert any("top of the Nmissing grid" in w for w in narrow.warnings)
    assert narrow.upper <= t.observed + 50


def test_n_max_grid(my3: CaptureCounts) -> None:
    res = fit_dga(my3, n_max=400, n_draws=0)
    assert res.diagnostics["grid_min_missing"] == 0
    assert res.diagnostics["grid_max_missing"] == 400
    assert res.diagnostics["grid_step"] == 1
    thin = fit_dga(my3, n_max=400, max_grid=100, n_draws=50, seed=0)
    assert thin.diagnostics["grid_step"] == 5
    assert abs(thin.estimate - res.estimate) <= 5


def test_default_delta_is_two_to_minus_p(my5: CaptureCounts) -> None:
    res = fit_dga(my5, n_draws=0)
    assert res.diagnostics["delta"] == pytest.approx(2.0**-5)
    assert res.model["delta"] == pytest.approx(1 / 32)


def test_automatic_grid_matches_exhaustive_unit_grid(data_dir: Path) -> None:
    """Heavy right tail (two lists never overlap): the automatic grid - unit steps over the
    bulk, geometric beyond - gives the same answer as every integer up to the same cap."""
    t = CaptureCounts.from_csv(data_dir / "artificial_3list.csv")
    auto = fit_dga(t, n_draws=0)
    cap = auto.diagnostics["grid_cap_missing"]
    assert cap == 10**6
    exact = fit_dga(t, n_max=cap, max_grid=cap + 1, n_draws=0)
    assert exact.diagnostics["grid_step"] == 1
    assert auto.estimate == exact.estimate
    assert auto.lower == exact.lower
    assert auto.upper == pytest.approx(exact.upper, rel=0.01)
    assert auto.diagnostics["posterior_mean"] == pytest.approx(
        exact.diagnostics["posterior_mean"], rel=0.01
    )
    assert auto.model["top"][0]["weight"] == pytest.approx(
        exact.model["top"][0]["weight"], rel=1e-3
    )
    # the interval is honest about the missing overlaps: very wide
    assert auto.upper > 10 * auto.observed


def test_study_method_plugs_into_simstudy() -> None:
    """dga as a column of roshan.estimate.simstudy's coverage study (2 SYNTHETIC populations)."""
    from roshan.estimate.dga import study_methods
    from roshan.estimate.simstudy import run_study

    out = run_study(study_methods(), ["homogeneous_4"], 2, 11)
    row = out[(out["scenario"] == "homogeneous_4") & (out["method"] == "dga")].iloc[0]
    assert row["reps"] == 2
    assert row["failures"] == 0
    # independent lists with equal catchability: dga's assumptions hold, so it covers
    assert row["coverage"] == 1.0
    assert abs(row["relative_bias"]) < 0.05


def test_prior_can_rule_out_values_but_not_return_nan(my3: CaptureCounts) -> None:
    # a prior with zero mass below N = 700 (log p = -inf there)
    def floor_700(n: np.ndarray) -> np.ndarray:
        return np.where(n < 700, -np.inf, -np.log(n))

    res = fit_dga(
        my3, delta=1.0, log_prior=floor_700, n_missing=np.arange(0, 400), n_draws=100, seed=2
    )
    assert res.lower >= 700
    assert res.draws.min() >= 700
    with pytest.raises(EstimationError, match="NaN"):
        fit_dga(my3, log_prior=lambda n: np.full(np.shape(n), np.nan))


def test_saturated_model_dominance_is_flagged_and_can_be_excluded(my5: CaptureCounts) -> None:
    """The M&Y 5-list table scaled x10 (a SYNTHETIC variant): its higher-order dependence
    becomes decisive, the saturated model takes all the weight, and N is then set by the
    prior alone (a spike at the observed count) - roshan must say so."""
    big = CaptureCounts(my5.lists, my5.patterns, my5.counts * 10)
    res = fit_dga(big, n_draws=0, max_grid=5000)
    assert res.diagnostics["saturated_weight"] > 0.99
    assert res.estimate == big.observed  # prior-driven spike at Nmissing = 0
    assert any("saturated model" in w for w in res.warnings)
    without = fit_dga(big, include_saturated=False, n_draws=0, max_grid=5000)
    assert without.diagnostics["saturated_weight"] == 0.0
    assert all(m["graph"] != "[L1,L2,L3,L4,L5]" for m in without.model["top"])
    assert without.estimate > big.observed * 1.1
    assert not any("saturated model" in w for w in without.warnings)


def test_result_is_json_serialisable(my3: CaptureCounts) -> None:
    import json

    res = fit_dga(my3, include_saturated=False, n_draws=10)
    doc = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert doc["method"] == "dga"
    assert doc["diagnostics"]["include_saturated"] is False
    assert doc["model"]["top"][0]["graph"].startswith("[")
    assert "draws" not in doc


def test_reachable_through_methods_fit(my3: CaptureCounts) -> None:
    from roshan.estimate.methods import fit

    res = fit("dga", my3, delta=1.0, level=0.9, seed=5, n_draws=100, n_max=None)
    assert res.method == "dga"
    assert res.level == 0.9
    assert res.diagnostics["delta"] == 1.0
    with pytest.raises(EstimationError):
        fit("dga", my3, samples=100)  # an LCMCR option: refused with a clear error


def test_naive_transcription_4_lists(data_dir: Path) -> None:
    c = CaptureCounts.from_csv(data_dir / "rome_hiv_4list.csv")
    y = _full(c)
    grid = np.arange(0, 400, 7)
    ref = _naive_bma_cr(y, grid, 1 / 16)
    post = dga_posterior(y, grid, delta=1 / 16)
    assert len(post.graphs) == 61
    np.testing.assert_allclose(post.model_weights, ref.sum(axis=1), rtol=1e-8, atol=1e-14)
    np.testing.assert_allclose(post.post_n, ref.sum(axis=0), rtol=1e-8, atol=1e-14)


@pytest.mark.parametrize("perm", [(4, 3, 2, 1, 0), (1, 0, 3, 4, 2), (2, 4, 0, 1, 3)])
def test_relabelling_lists_changes_nothing(my5: CaptureCounts, perm: tuple[int, ...]) -> None:
    """The posterior of N cannot depend on the order of the lists."""
    df = my5.to_frame()
    names = list(my5.lists)
    shuffled = CaptureCounts.from_frame(df[[names[i] for i in perm] + ["count"]])
    a = fit_dga(my5, n_draws=0)
    b = fit_dga(shuffled, n_draws=0)
    assert (a.estimate, a.lower, a.upper) == (b.estimate, b.lower, b.upper)
    assert a.diagnostics["posterior_mean"] == pytest.approx(
        b.diagnostics["posterior_mean"], rel=1e-10
    )
    top_a = {frozenset(frozenset(c) for c in m["cliques"]): m["weight"] for m in a.model["top"]}
    top_b = {frozenset(frozenset(c) for c in m["cliques"]): m["weight"] for m in b.model["top"]}
    assert top_a.keys() == top_b.keys()
    for k, w in top_a.items():
        assert top_b[k] == pytest.approx(w, rel=1e-8)
