"""Linkage uncertainty propagated into the estimate (roshan.link.uncertainty). SYNTHETIC data."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from roshan.errors import EstimationError, LinkageError
from roshan.estimate import linkage as el
from roshan.estimate.results import EstimateResult
from roshan.link.uncertainty.graph import (
    blocking_miss_rate,
    build_graph,
    constrained_components,
    threshold_labels,
)
from roshan.link.uncertainty.samplers import SCORES, capture_merge_logit, draw_labels, gibbs_draws
from roshan.link.uncertainty.workspace import workspace_inputs
from roshan.simulate.linkage import synthetic_problem


def _pairs(rows):
    return pd.DataFrame(rows, columns=["record_pk_l", "record_pk_r", "match_probability"])


def test_constrained_components_split_along_weakest_edge() -> None:
    # chain 0-1 (0.9), 1-2 (0.4), 2-3 (0.95); 0 and 3 must not be together
    eu, ev = np.array([0, 1, 2]), np.array([1, 2, 3])
    ew = np.array([0.9, 0.4, 0.95])
    labels = constrained_components(4, eu, ev, ew, np.array([0]), np.array([3]))
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[1] != labels[2]
    free = constrained_components(4, eu, ev, ew, np.zeros(0, int), np.zeros(0, int))
    assert len(set(free)) == 1


def test_build_graph_contracts_certain_links_and_applies_decisions() -> None:
    pks = np.array([10, 20, 30, 40, 50, 60])
    pairs = _pairs(
        [(10, 20, 0.9999), (20, 30, 0.5), (40, 50, 0.6), (50, 60, 0.9995), (10, 999, 0.7)]
    )
    g = build_graph(pks, pairs, must_link=[(30, 40)], cannot_link=[(40, 50)])
    assert g.base[0] == g.base[1]  # certain link contracted
    assert g.base[2] == g.base[3]  # reviewer must-link contracted
    assert g.base[4] == g.base[5] and g.base[3] != g.base[4]
    # the 40-50 pair was decided (cannot-link): no longer an uncertain edge, but a ban
    assert len(g.ep) == 1 and g.ep[0] == pytest.approx(0.5)
    assert len(g.cu) == 1 and {g.cu[0], g.cv[0]} == {g.base[3], g.base[4]}
    assert any("not in the workspace" in w for w in g.warnings)


def test_bad_band_refused() -> None:
    with pytest.raises(LinkageError):
        build_graph(np.array([1, 2]), _pairs([(1, 2, 0.5)]), band=(0.9, 0.1))


@pytest.mark.parametrize("sampler", ["pairs", "gibbs"])
def test_an_isolated_pair_is_linked_with_its_probability(sampler) -> None:
    g = build_graph(np.array([1, 2]), _pairs([(1, 2, 0.3)]))
    rng = np.random.default_rng(1)
    if sampler == "pairs":
        draws = [draw_labels(g, rng) for _ in range(3000)]
    else:
        draws = list(gibbs_draws(g, 3000, rng, logit_prior=-4.0, burnin=5, thin=1))
    linked = np.mean([d[0] == d[1] for d in draws])
    assert linked == pytest.approx(0.3, abs=0.03)


@pytest.mark.parametrize("sampler", ["pairs", "gibbs"])
def test_reviewer_constraints_hold_in_every_draw(sampler) -> None:
    # 1..6 with moderate links everywhere; reviewers: 1=4 must, 2≠3 cannot
    rows = [(a, b, 0.6) for a in range(1, 7) for b in range(a + 1, 7)]
    g = build_graph(np.arange(1, 7), _pairs(rows), must_link=[(1, 4)], cannot_link=[(2, 3)])
    rng = np.random.default_rng(2)
    if sampler == "pairs":
        draws = [draw_labels(g, rng) for _ in range(300)]
    else:
        draws = list(gibbs_draws(g, 300, rng, logit_prior=-1.0, burnin=5, thin=1))
    assert all(d[0] == d[3] for d in draws)
    assert all(d[1] != d[2] for d in draws)
    assert len({tuple(d) for d in draws}) > 5  # the draws do vary


def test_one_link_per_other_list() -> None:
    # record 1 (list 0) has two candidates on list 1: 2 (strong) and 3 (weak)
    pairs = _pairs([(1, 2, 0.95), (1, 3, 0.9)])
    g = build_graph(np.array([1, 2, 3]), pairs, list_index=np.array([0, 1, 1]))
    rng = np.random.default_rng(3)
    draws = [draw_labels(g, rng) for _ in range(500)]
    assert not any(d[0] == d[1] == d[2] for d in draws)  # never one person twice on list 1
    assert np.mean([d[0] == d[1] for d in draws]) > 0.9


def test_counts_from_labels() -> None:
    labels = np.array([0, 0, 1, 2, 2, 2, 3])
    lists = np.array([0, 1, 0, 0, 1, 2, 2])
    cc = el.counts_from_labels(labels, lists, ["A", "B", "C"])
    got = {tuple(p): int(c) for p, c in zip(cc.patterns.tolist(), cc.counts, strict=False)}
    assert got == {(1, 1, 0): 1, (1, 0, 0): 1, (1, 1, 1): 1, (0, 0, 1): 1}
    assert cc.observed == 4


def _result(est, lo, hi, draws=None, obs=100):
    return EstimateResult(
        method="dga", lists=["A", "B"], observed=obs, estimate=est, lower=lo, upper=hi, draws=draws
    )


def test_pool_mixture_decomposition() -> None:
    rng = np.random.default_rng(0)
    same = [_result(500, 450, 550, rng.normal(500, 25, 2000)) for _ in range(10)]
    pooled = el.pool_results(same, plugin=same[0])
    info = pooled.diagnostics["linkage"]
    assert info["pooling"] == "mixture of posterior draws"
    assert info["share_linkage"] < 0.05
    assert info["share_linkage"] + info["share_unlisted"] == pytest.approx(1.0)
    shifted = [_result(400 + 20 * k, 0, 1, rng.normal(400 + 20 * k, 25, 2000)) for k in range(10)]
    pooled2 = el.pool_results(shifted, plugin=shifted[0])
    info2 = pooled2.diagnostics["linkage"]
    # between-clustering variance = var(400..580 step 20) = 3666.7, within = 625
    assert info2["share_linkage"] == pytest.approx(3666.7 / (3666.7 + 625), abs=0.05)
    assert pooled2.lower < 420 and pooled2.upper > 560
    assert pooled2.upper - pooled2.lower > info2["width_if_linkage_certain"]
    assert info2["plugin"]["estimate"] == 400
    assert len(pooled2.draws) == 10 * 1000


def test_pool_rubin_matches_hand_computation() -> None:
    z = 1.959963984540054
    ests = [480.0, 500.0, 520.0]
    res = [_result(e, e / math.exp(0.1 * z), e * math.exp(0.1 * z)) for e in ests]
    pooled = el.pool_results(res)
    info = pooled.diagnostics["linkage"]
    q = np.log(ests)
    w, b = 0.01, q.var(ddof=1)
    t = w + (1 + 1 / 3) * b
    assert info["pooling"] == "Rubin's rules on log N"
    assert pooled.estimate == pytest.approx(math.exp(q.mean()))
    assert info["within_variance_log"] == pytest.approx(w)
    assert info["between_variance_log"] == pytest.approx(b)
    assert info["share_linkage"] == pytest.approx((1 + 1 / 3) * b / t)
    from scipy.stats import t as student_t

    r = (1 + 1 / 3) * b / w
    df = 2 * (1 + 1 / r) ** 2
    half = student_t.ppf(0.975, df) * math.sqrt(t)
    assert pooled.upper == pytest.approx(math.exp(q.mean() + half))
    assert pooled.lower == pytest.approx(math.exp(q.mean() - half))


def test_pool_refuses_when_nothing_estimable() -> None:
    with pytest.raises(EstimationError):
        el.pool_results([None, _result(None, None, None)])


def test_synthetic_problem_is_calibrated() -> None:
    prob = synthetic_problem(np.random.default_rng(5), population=2000, separation=1.5)
    p = prob.pairs
    bins = pd.cut(p["match_probability"], [0, 0.2, 0.4, 0.6, 0.8, 1.0])
    table = p.groupby(bins, observed=True).agg(
        mean_p=("match_probability", "mean"), rate=("is_match", "mean"), n=("is_match", "size")
    )
    big = table[table["n"] > 100]
    assert len(big) >= 3
    assert np.allclose(big["mean_p"], big["rate"], atol=0.06)


def test_estimate_from_graph_reports_decomposition() -> None:
    prob = synthetic_problem(np.random.default_rng(11), population=600, separation=1.75)
    g = build_graph(prob.record_pks, prob.pairs, list_index=prob.list_index)
    seen = []
    res = el.estimate_from_graph(
        g,
        prob.list_index,
        prob.lists,
        6,
        "dga",
        seed=1,
        logit_prior=prob.logit_prior,
        n_draws=500,
        on_progress=lambda d, t: seen.append((d, t)),
    )
    info = res.diagnostics["linkage"]
    assert seen[-1] == (6, 6)
    for key in (
        "share_linkage",
        "share_unlisted",
        "plugin",
        "pooled",
        "width_pooled",
        "width_if_linkage_certain",
        "observed_per_draw",
        "n_draws",
        "merge_logit",
        "seconds",
    ):
        assert key in info
    assert 0.0 <= info["share_linkage"] <= 1.0
    assert res.lower < res.estimate < res.upper
    assert info["n_draws"] == 6 and info["sampler"] == "gibbs"
    json.dumps(res.to_dict())  # JSON-safe for the report and --json
    with pytest.raises(EstimationError):
        el.estimate_from_graph(g, prob.list_index, prob.lists, 1, "dga")
    with pytest.raises(EstimationError):
        el.estimate_from_graph(g, prob.list_index, prob.lists, 3, "dga", sampler="magic")


def test_capture_merge_logit_is_one_over_the_unlisted() -> None:
    assert capture_merge_logit(1000.0, 800) == pytest.approx(-math.log(201))
    assert capture_merge_logit(800.0, 800) == pytest.approx(-math.log(2))  # floor at 1
    assert capture_merge_logit(float("nan"), 50) == pytest.approx(-math.log(51))


def test_capture_prior_sampler_centres_on_the_true_clustering() -> None:
    """With the true N in the capture-model prior and the synthetic problem's own
    likelihood ratios (every true pair is a candidate, so an unscored pair inside a
    cluster is all but impossible: unscored_log_bf = −12), the sampler targets the exact
    posterior over clusterings: the number of people it finds is centred on the truth,
    where Splink's λ as merge prior (gibbs_raw) finds far too many. The synthetic
    problem's pair scores are independent given the truth, so the product over all pairs
    (``score="pairs"``) is the exact likelihood here."""
    gaps_capture, gaps_raw = [], []
    for r in range(3):
        prob = synthetic_problem(
            np.random.default_rng(1000 + r), population=3000, separation=1.5, decoys=3.0
        )
        g = build_graph(prob.record_pks, prob.pairs, list_index=prob.list_index)
        k_true = len(np.unique(prob.person))
        start = threshold_labels(g, 0.5)
        for merge, gaps in (
            (capture_merge_logit(prob.n_true, k_true), gaps_capture),
            (prob.logit_prior, gaps_raw),
        ):
            ks = [
                len(np.unique(lab))
                for lab in gibbs_draws(
                    g,
                    30,
                    np.random.default_rng(r),
                    logit_prior=prob.logit_prior,
                    start=start,
                    merge_logit=merge,
                    unscored_log_bf=-12.0,
                    burnin=20,
                    thin=2,
                    score="pairs",
                )
            ]
            gaps.append((np.mean(ks) - k_true) / max(np.std(ks), 1.0))
    assert abs(np.mean(gaps_capture)) < 2.0
    assert np.mean(gaps_raw) > 4.0  # λ prior: under-links (too many people)


def test_blocking_miss_rate_recovers_dropped_true_pairs() -> None:
    rng = np.random.default_rng(3)
    prob = synthetic_problem(
        rng, population=2000, capture=(0.8, 0.8, 0.7, 0.8), separation=3.0, decoys=1.0
    )
    pairs = prob.pairs
    drop = pairs["is_match"].to_numpy() & (rng.random(len(pairs)) < 0.05)
    kept = pairs[~drop]
    n = len(prob.person)
    n_open, n_paths = blocking_miss_rate(
        n,
        kept["record_pk_l"].to_numpy() - 1,
        kept["record_pk_r"].to_numpy() - 1,
        kept["match_probability"].to_numpy(),
    )
    assert n_paths > 1000
    assert 0.03 < n_open / n_paths < 0.07
    g = build_graph(prob.record_pks, kept, list_index=prob.list_index)
    assert g.unscored_log_bf() == pytest.approx(math.log(0.05), abs=0.4)
    # nothing dropped: the rate is tiny and the Bayes factor near the floor
    g0 = build_graph(prob.record_pks, pairs, list_index=prob.list_index)
    assert g0.unscored_log_bf() < -7
    # no record with two near-certain partners: the default
    g1 = build_graph(np.array([1, 2]), _pairs([(1, 2, 0.5)]))
    assert g1.unscored_log_bf() == -5.0


def test_unknown_merge_prior_refused() -> None:
    prob = synthetic_problem(np.random.default_rng(2), population=200)
    g = build_graph(prob.record_pks, prob.pairs, list_index=prob.list_index)
    with pytest.raises(EstimationError):
        el.estimate_from_graph(g, prob.list_index, prob.lists, 3, "dga", calibrate="magic")


@pytest.mark.slow
def test_small_coverage_study_pooled_beats_plugin() -> None:
    """The small version of bench/linkage_uncertainty.py, very noisy linkage: the plug-in
    interval (one clustering treated as certain) is biased and misses the true total; the
    pooled interval (capture-model prior, the default) is nearly unbiased and covers it
    nearly always (the bench's 40-population study: docs/benchmarks.md). The synthetic
    pair scores are independent given the truth, for which ``score="pairs"`` with the
    capture-model prior is exact (the workspace default, ``entity`` with the ``mixed``
    prior, is built for correlated Splink scores: bench/robustness)."""
    reps = 10
    pooled_hits = plugin_hits = 0
    pooled_bias, plugin_bias = [], []
    for r in range(reps):
        prob = synthetic_problem(
            np.random.default_rng(2026 + r), population=3000, separation=1.5, decoys=3.0
        )
        g = build_graph(prob.record_pks, prob.pairs, list_index=prob.list_index)
        res = el.estimate_from_graph(
            g,
            prob.list_index,
            prob.lists,
            10,
            "dga",
            seed=r,
            logit_prior=prob.logit_prior,
            n_draws=1000,
            score="pairs",
            calibrate="capture",
        )
        plug = res.diagnostics["linkage"]["plugin"]
        pooled_hits += res.lower <= prob.n_true <= res.upper
        plugin_hits += plug["lower"] <= prob.n_true <= plug["upper"]
        pooled_bias.append(res.estimate / prob.n_true - 1)
        plugin_bias.append(plug["estimate"] / prob.n_true - 1)
    assert pooled_hits >= 8 and pooled_hits >= plugin_hits + 3
    assert abs(np.mean(pooled_bias)) < 0.015 and abs(np.mean(plugin_bias)) > 0.04


@pytest.fixture(scope="module")
def linked_ws(tmp_path_factory):
    """A SYNTHETIC scenario ingested and linked with the real linkage engine."""
    from roshan.link.pipeline import link_workspace
    from roshan.simulate import ScenarioConfig, ingest_scenario, simulate
    from roshan.store.workspace import Workspace

    base = tmp_path_factory.mktemp("unc_ws")
    manifest = simulate(ScenarioConfig(seed=3, population=300, lists=4), base / "scen")
    ws = Workspace.init(base / "ws")
    ingest_scenario(ws, base / "scen", manifest)
    link_workspace(ws)
    yield ws
    ws.close()


@pytest.mark.slow
def test_workspace_cli_linkage_draws(linked_ws) -> None:
    from typer.testing import CliRunner

    from roshan.cli.main import app

    runner = CliRunner()
    plain = runner.invoke(
        app, ["estimate", str(linked_ws.root), "--method", "dga", "--json", "--plug-in"]
    )
    assert plain.exit_code == 0, plain.output
    res = runner.invoke(
        app,
        [
            "estimate",
            str(linked_ws.root),
            "--method",
            "dga",
            "--json",
            "--linkage-draws",
            "5",
            "--seed",
            "4",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    info = doc["diagnostics"]["linkage"]
    assert info["n_draws"] == 5 and info["draws_used"] == 5
    assert info["plugin_clustering"] == "clusters.parquet"
    # the plug-in is exactly the linker's clustering: same people observed as plain estimate
    assert info["plugin"]["observed"] == json.loads(plain.stdout)["observed"]
    assert doc["lower"] <= doc["estimate"] <= doc["upper"]
    assert 0 <= info["share_linkage"] <= 1
    assert info["logit_prior"] < 0  # Splink's λ read from the saved model
    bad = runner.invoke(app, ["estimate", "--counts", "x.csv", "--linkage-draws", "5"])
    assert bad.exit_code != 0


@pytest.mark.slow
def test_workspace_draws_respect_review_decisions(linked_ws) -> None:
    from roshan.link.review import load_constraints, record_decision

    records, pairs, labels, _ = workspace_inputs(linked_ws)
    assert labels is not None and len(labels) == len(records)
    # reject a pair the linker put together, confirm one it kept apart
    pk = records["record_pk"].to_numpy()
    together = [
        (i, j)
        for i in range(len(pk))
        for j in range(i + 1, min(i + 40, len(pk)))
        if labels[i] == labels[j]
    ][:1]
    assert together
    i, j = together[0]
    record_decision(linked_ws, int(pk[i]), int(pk[j]), "non_match", "test-reviewer")
    apart = next(
        (a, b) for a in range(len(pk)) for b in range(a + 1, len(pk)) if labels[a] != labels[b]
    )
    record_decision(linked_ws, int(pk[apart[0]]), int(pk[apart[1]]), "match", "test-reviewer")
    must, cannot = load_constraints(linked_ws)
    lists = sorted(records["source"].unique())
    li = records["source"].map({s: k for k, s in enumerate(lists)}).to_numpy()
    g = build_graph(pk, pairs, must_link=must, cannot_link=cannot, list_index=li)
    rng = np.random.default_rng(0)
    for sampler_draws in (
        list(gibbs_draws(g, 20, rng, logit_prior=-5.0, start=labels)),
        [draw_labels(g, rng) for _ in range(20)],
    ):
        assert all(d[i] != d[j] for d in sampler_draws)
        assert all(d[apart[0]] == d[apart[1]] for d in sampler_draws)


@pytest.mark.slow
def test_workspace_draws_by_stratum(linked_ws) -> None:
    res = el.estimate_with_linkage_draws(linked_ws, 3, "dga", by=["period"], seed=2, n_draws=500)
    info = res.diagnostics["linkage"]
    assert info["by"] == ["period"] and info["n_draws"] == 3
    periods = {s["period"] for s in res.strata}
    assert periods and periods <= {"before_blackout", "blackout", "unknown"}
    for s in res.strata:
        assert s["draws_used"] >= 1 or s["estimate"] is None
        if s["estimate"] is not None:
            assert s["lower"] <= s["estimate"] <= s["upper"]
            assert s["estimate"] >= s["observed"] * 0.9
            assert 0.0 <= s["share_linkage"] <= 1.0
    assert res.lower <= res.estimate <= res.upper
    # the same people as the overall run: the strata's observed counts add up to them
    assert sum(s["observed"] for s in res.strata) == pytest.approx(
        info["observed_per_draw"]["median"], rel=0.05
    )


def test_pool_warns_when_estimate_below_observed() -> None:
    rng = np.random.default_rng(1)
    res = [_result(90, 85, 300, rng.normal(90, 3, 500), obs=100) for _ in range(3)]
    pooled = el.pool_results(res, plugin=_result(120, 110, 140, obs=100))
    assert any("below the number of people" in w for w in pooled.warnings)


# --- the default estimate carries linkage error (issue 18) ------------------------------
#: Small latent-class settings: these tests check the plumbing, not the sampler's accuracy.
QUICK_LCMCR = {"burnin": 400, "samples": 80, "thin": 5, "chains": 2}


def test_lcmcr_chains_warm_start_reproducible_whatever_the_threads() -> None:
    from roshan.estimate.lcmcr import LcmcrChains

    prob = synthetic_problem(np.random.default_rng(2), population=400)
    c = el.counts_from_labels(prob.person, prob.list_index, prob.lists)
    runs = []
    for workers in (1, 2):
        ch = LcmcrChains(chains=2, seed=9, workers=workers)
        first = ch.run(c.patterns, c.counts, burnin=300, samples=50, thin=4)
        again = ch.run(c.patterns, c.counts, burnin=0, samples=50, thin=4)
        runs.append(np.hstack([first.n, again.n]))
        assert ch.calls == 2 and ch.iterations == 2 * (500 + 300 + 400)
    assert np.array_equal(runs[0], runs[1])
    # the second stretch continues the chains: no burn-in, already around the truth
    assert abs(np.median(runs[0][:, 50:]) / prob.n_true - 1) < 0.15


def test_chain_refit_pools_recommended_reproducibly() -> None:
    prob = synthetic_problem(np.random.default_rng(11), population=500, separation=1.75)
    g = build_graph(prob.record_pks, prob.pairs, list_index=prob.list_index)

    def run(seed: int):
        return el.estimate_from_graph(
            g,
            prob.list_index,
            prob.lists,
            8,
            "recommended",
            seed=seed,
            logit_prior=prob.logit_prior,
            compare=(),
            **QUICK_LCMCR,
        )

    res = run(4)
    info = res.diagnostics["linkage"]
    assert res.method == "recommended" and info["refit"] == "chain"
    assert info["n_draws"] == 8 and info["draws_used"] == 8
    assert info["draws_per_clustering"] == 2 * (80 // 8)
    assert info["burnin_sweeps"] == el.CHAIN_BURNIN_SWEEPS
    assert res.lower <= res.estimate <= res.upper
    assert set(info["plugin"]) >= {"estimate", "lower", "upper", "observed"}
    assert 0.0 <= info["share_linkage"] <= 1.0
    assert info["within_variance"] + info["between_variance"] == pytest.approx(
        float(np.var(res.draws, ddof=1)), rel=1e-6
    )
    diag = res.diagnostics
    assert diag["rhat"] == max(diag["rhat_raw"], diag["rhat_detrended"])
    assert diag["ess"] == min(diag["ess_raw"], diag["ess_detrended"])
    assert res.model["name"].startswith("LCMCR with miss-neutral priors")
    json.dumps(res.to_dict())
    again = run(4)
    assert (again.estimate, again.lower, again.upper) == (res.estimate, res.lower, res.upper)
    assert again.diagnostics["linkage"]["plugin"] == info["plugin"]
    other = run(5)
    assert (other.estimate, other.lower, other.upper) != (res.estimate, res.lower, res.upper)


def test_refit_modes_resolve_per_method() -> None:
    assert el.refit_mode("recommended") == "chain" and el.refit_mode("lcmcr") == "chain"
    assert el.refit_mode("dga") == "full"
    assert el.refit_mode("loglinear") == "calibrated"
    assert el.refit_mode("loglinear", opts={"bootstrap": 100}) == "calibrated"
    assert el.refit_mode("loglinear", opts={"terms": ""}) == "full"
    assert el.refit_mode("loglinear", opts={"terms": "", "bootstrap": 50}) == "calibrated"
    assert el.refit_mode("loglinear", opts={"bootstrap": 0}) == "full"
    assert el.refit_mode("recommended", stratified=True) == "full"
    for bad in (
        {"refit": "magic"},
        {"refit": "chain", "method": "dga"},
        {"refit": "calibrated", "method": "dga"},
    ):
        with pytest.raises(EstimationError):
            el.refit_mode(bad.get("method", "recommended"), bad["refit"])


def test_calibrated_refit_scales_the_within_variance() -> None:
    prob = synthetic_problem(np.random.default_rng(12), population=400, separation=1.75)
    g = build_graph(prob.record_pks, prob.pairs, list_index=prob.list_index)
    res = el.estimate_from_graph(
        g, prob.list_index, prob.lists, 4, "loglinear", seed=2, logit_prior=prob.logit_prior
    )
    info = res.diagnostics["linkage"]
    assert info["refit"] == "calibrated" and info["within_scale"] > 0
    assert info["per_draw_options"] == {"bootstrap": 0}
    assert res.lower < res.estimate < res.upper


def test_pool_scales_within_and_removes_chain_noise() -> None:
    rng = np.random.default_rng(3)
    res = [_result(100 + k, 90 + k, 112 + k, rng.normal(100 + k, 5, 400)) for k in range(4)]
    plain = el.pool_results(res)
    scaled = el.pool_results([_result(r.estimate, r.lower, r.upper) for r in res], within_scale=4.0)
    base = el.pool_results([_result(r.estimate, r.lower, r.upper) for r in res])
    assert scaled.diagnostics["linkage"]["within_variance_log"] == pytest.approx(
        4 * base.diagnostics["linkage"]["within_variance_log"]
    )
    chain = el.pool_results(res, mc_variance=1e9)  # all of the spread is chain noise
    assert chain.diagnostics["linkage"]["share_linkage"] == 0.0
    assert plain.diagnostics["linkage"]["share_linkage"] > 0.0
    assert chain.estimate == plain.estimate


@pytest.mark.slow
def test_default_workspace_estimate_pools_linkage_draws(linked_ws) -> None:
    """``estimate_workspace`` (what ``roshan estimate WS``, the demo and the report call)
    pools drawn clusterings by default; ``linkage_draws=0`` is the plug-in. Slow only
    because it needs the linked workspace of this module (built once for all its tests)."""
    from sqlalchemy import select

    from roshan.estimate.workspace import estimate_workspace
    from roshan.store.models import EstimateRun

    res = estimate_workspace(linked_ws, seed=3, **QUICK_LCMCR)
    info = res.diagnostics["linkage"]
    assert res.method == "recommended" and info["n_draws"] == el.DEFAULT_LINKAGE_DRAWS > 0
    assert info["refit"] == "chain" and info["plugin_clustering"] == "clusters.parquet"
    plug = info["plugin"]
    assert plug["estimate"] > 0 and plug["lower"] <= plug["estimate"] <= plug["upper"]
    assert res.observed == plug["observed"]
    assert any(w.startswith("linkage uncertainty:") for w in res.warnings)
    assert "Diagnostic only" in res.summary() and "plausible clusterings" in res.summary()
    again = estimate_workspace(linked_ws, seed=3, store=False, **QUICK_LCMCR)
    assert (again.estimate, again.lower, again.upper) == (res.estimate, res.lower, res.upper)
    plugin = estimate_workspace(linked_ws, seed=3, linkage_draws=0, **QUICK_LCMCR)
    assert "linkage" not in plugin.diagnostics and plugin.observed == plug["observed"]
    assert "perfect linkage" in plugin.summary()
    with linked_ws.session() as sess:
        runs = list(sess.scalars(select(EstimateRun).order_by(EstimateRun.id.desc())))[:2]
    assert runs[0].settings["linkage_draws"] == 0
    assert runs[1].settings["linkage_draws"] == el.DEFAULT_LINKAGE_DRAWS
    assert runs[1].settings["refit"] == "chain"
    assert runs[1].result["diagnostics"]["linkage"]["plugin"]["estimate"] == plug["estimate"]
    # stratified estimates stay plug-in unless draws are asked for
    by = estimate_workspace(linked_ws, by=["period"], method="loglinear", terms="", store=False)
    assert "linkage" not in by.diagnostics
    with pytest.raises(EstimationError):
        estimate_workspace(linked_ws, linkage_draws=1, store=False)


@pytest.mark.slow
def test_installed_cli_default_estimate_json(linked_ws) -> None:
    """The installed ``roshan`` script in a subprocess: ``roshan estimate WS --json``
    carries the linkage draws and the plug-in figure; ``--plug-in`` does not. Slow only
    because of the module's linked workspace and two interpreter start-ups."""
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).parent / "roshan"
    quick = ["--burnin", "400", "--samples", "80", "--thin", "5", "--chains", "2"]
    base = [str(exe), "estimate", str(linked_ws.root), "--json", "--seed", "5", *quick]
    out = subprocess.run(base, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    info = doc["diagnostics"]["linkage"]
    assert info["n_draws"] == el.DEFAULT_LINKAGE_DRAWS and info["draws_used"] > 0
    assert {"estimate", "lower", "upper", "observed"} <= set(info["plugin"])
    assert doc["lower"] <= doc["estimate"] <= doc["upper"]
    plug = subprocess.run([*base, "--plug-in"], capture_output=True, text=True, timeout=600)
    assert plug.returncode == 0, plug.stderr
    pdoc = json.loads(plug.stdout)
    assert "linkage" not in pdoc["diagnostics"]
    assert pdoc["observed"] == info["plugin"]["observed"]
    from typer.testing import CliRunner

    from roshan.cli.main import app

    bad = CliRunner().invoke(app, [*base[1:], "--plug-in", "--linkage-draws", "5"])
    assert bad.exit_code != 0


def _set_partitions(items):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in _set_partitions(rest):
        for i in range(len(part)):
            yield part[:i] + [[first, *part[i]]] + part[i + 1 :]
        yield [[first], *part]


@pytest.mark.parametrize("score", SCORES)
def test_gibbs_draws_follow_the_exact_clustering_posterior(score) -> None:
    """On 5 records the target can be enumerated (52 clusterings): the sampler's long-run
    frequencies match P(C) ∝ Π_clusters exp(g(S, k)), with g(S, k) = (k−1)·m + S under
    ``pairs`` and (k−1)·m + 2S/k under ``entity`` (S: the cluster's summed log Bayes
    factors, an unscored pair counting ``u``)."""
    lp, u, m = -2.0, -3.0, -1.5
    rows = [(1, 2, 0.9), (2, 3, 0.7), (1, 3, 0.4), (3, 4, 0.6), (4, 5, 0.8), (2, 5, 0.2)]
    g = build_graph(np.arange(1, 6), _pairs(rows))
    lbf = {(a - 1, b - 1): math.log(p / (1 - p)) - lp for a, b, p in rows}

    def log_target(part):
        total = 0.0
        for cl in part:
            k = len(cl)
            s = sum(
                lbf.get((min(a, b), max(a, b)), u) for i, a in enumerate(cl) for b in cl[i + 1 :]
            )
            total += (k - 1) * m + (s if score == "pairs" else (2 * s / k if k > 1 else 0.0))
        return total

    parts = list(_set_partitions(list(range(5))))
    logw = np.array([log_target(p) for p in parts])
    exact = np.exp(logw - logw.max())
    exact /= exact.sum()
    key = {tuple(sorted(tuple(sorted(c)) for c in p)): i for i, p in enumerate(parts)}
    freq = np.zeros(len(parts))
    for lab in gibbs_draws(
        g,
        40000,
        np.random.default_rng(7),
        logit_prior=lp,
        unscored_log_bf=u,
        merge_logit=m,
        burnin=50,
        thin=1,
        score=score,
    ):
        groups: dict[int, list[int]] = {}
        for rec, c in enumerate(lab):
            groups.setdefault(int(c), []).append(rec)
        freq[key[tuple(sorted(tuple(v) for v in groups.values()))]] += 1
    freq /= freq.sum()
    assert 0.5 * np.abs(freq - exact).sum() < 0.03


def test_entity_score_keeps_namesakes_apart_where_all_pairs_merge_them() -> None:
    """Three people with the same name, each on four lists: records of one person match
    at 0.99, records of different people at 0.3 (same name, no other field tells them
    apart). Pairwise Bayes factors multiplied over every pair count the shared name once
    per pair, and the chain merges all twelve records into one person (bench/robustness
    family ``hard``: 1,133 people per draw where 2,089 were listed); the entity score
    keeps three people."""
    person = np.repeat(np.arange(3), 4)
    lists = np.tile(np.arange(4), 3)
    rows = [
        (a + 1, b + 1, 0.99 if person[a] == person[b] else 0.3)
        for a in range(12)
        for b in range(a + 1, 12)
        if lists[a] != lists[b]
    ]
    g = build_graph(np.arange(1, 13), _pairs(rows), list_index=lists)
    start = np.arange(12)
    people = {}
    for score in SCORES:
        ks = [
            len(np.unique(lab))
            for lab in gibbs_draws(
                g,
                200,
                np.random.default_rng(3),
                logit_prior=-7.5,
                unscored_log_bf=-7.8,
                merge_logit=-7.5,
                start=start,
                burnin=20,
                thin=2,
                score=score,
            )
        ]
        people[score] = float(np.mean(ks))
    assert people["pairs"] < 1.5
    assert 2.8 <= people["entity"] <= 3.6


def test_auto_score_keeps_pairs_on_independent_scores_and_switches_on_a_collapse() -> None:
    """``score="auto"`` (the estimate's default): on the synthetic problem, whose pair
    scores are independent, a short chain under the pairs score keeps about as many
    people as the linker and ``pairs`` is kept; on namesake cliques (every cross-person
    pair at 0.3) the chain collapses and ``entity`` is chosen, with the mixed prior."""
    prob = synthetic_problem(np.random.default_rng(11), population=1500, separation=2.0, decoys=2.0)
    g = build_graph(prob.record_pks, prob.pairs, list_index=prob.list_index)
    start = threshold_labels(g, 0.5)
    people = len(np.unique(start))
    chosen, why = el.choose_score(
        g,
        start,
        people,
        capture_merge_logit(1500, people),
        logit_prior=prob.logit_prior,
        unscored_log_bf=-12.0,
        rng=np.random.default_rng(0),
    )
    assert chosen == "pairs" and why["gap"] < el.COLLAPSE_GAP, why
    res = el.estimate_from_graph(
        g, prob.list_index, prob.lists, 3, "dga", seed=1, logit_prior=prob.logit_prior, n_draws=200
    )
    info = res.diagnostics["linkage"]
    assert info["score"] == "pairs" and info["merge_prior"] == "capture"
    assert info["score_choice"]["chosen"] == "pairs"

    blocks = 40
    person = np.repeat(np.arange(3 * blocks), 4)
    lists = np.tile(np.arange(4), 3 * blocks)
    rows = []
    for b in range(blocks):
        idx = np.arange(12 * b, 12 * b + 12)
        rows += [
            (a + 1, c + 1, 0.99 if person[a] == person[c] else 0.3)
            for i, a in enumerate(idx)
            for c in idx[i + 1 :]
            if lists[a] != lists[c]
        ]
    g2 = build_graph(np.arange(1, 12 * blocks + 1), _pairs(rows), list_index=lists)
    start2 = np.arange(12 * blocks)  # a linker that linked nothing
    chosen2, why2 = el.choose_score(
        g2,
        start2,
        len(np.unique(start2)),
        -7.5,
        logit_prior=-7.5,
        unscored_log_bf=-7.8,
        rng=np.random.default_rng(0),
    )
    assert chosen2 == "entity" and why2["gap"] > el.COLLAPSE_GAP, why2
