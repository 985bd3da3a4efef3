"""Chains run on while they disagree (issue 17, item 1). Published tables only.

``fit_lcmcr`` extends its chains by up to ``DEFAULT_EXTENSIONS`` rounds while R-hat is
above 1.05 or the chain medians sit in different modes; by default each round doubles the
run and keeps its second half (thinned to ``samples`` draws); the first run is unchanged (the same draws as ``run_chain``), so tables whose
chains agree at once give exactly what they gave before.
"""

from __future__ import annotations

import numpy as np
import pytest

from roshan.errors import EstimationError
from roshan.estimate.counts import CaptureCounts
from roshan.estimate.lcmcr import (
    DEFAULT_EXTEND_RULE,
    DEFAULT_EXTENSIONS,
    EXTEND_RULES,
    _round_plan,
    chains_disagree,
    extend_draws,
    fit_lcmcr,
    sample_lcmcr,
)
from roshan.estimate.lcmcr_kernel import run_chain


@pytest.fixture
def rome(data_dir) -> CaptureCounts:
    """Rome HIV 4-list table (shared/reference/mse, with its citation there)."""
    return CaptureCounts.from_csv(data_dir / "rome_hiv_4list.csv")


def _arrays(c: CaptureCounts) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(c.patterns, dtype=np.int64), np.asarray(c.counts, dtype=np.int64)


def test_first_run_draws_exactly_what_run_chain_draws(rome) -> None:
    pats, freq = _arrays(rome)
    d = sample_lcmcr(
        pats, freq, classes=5, burnin=200, samples=50, thin=3, chains=2, seed=7, workers=1
    )
    for c in range(2):
        n, alpha, k = run_chain(
            pats, freq, 5, 0.25, 0.25, 200, 50, 3, d.seeds[c], 500, 1.0, 1.0, [1.0, 0.25][c], True
        )
        assert np.array_equal(n, d.n[c]) and np.allclose(alpha, d.alpha[c])


def test_extension_keeps_the_second_half_and_is_reproducible(rome) -> None:
    pats, freq = _arrays(rome)
    d = sample_lcmcr(
        pats, freq, classes=5, burnin=100, samples=40, thin=2, chains=2, seed=3, workers=1
    )
    before = d.n.copy()
    e1 = extend_draws(pats, freq, d, samples=40, thin=2, seed=3, round_no=1, workers=1)
    assert e1.n.shape == (2, 40)  # 80 draws per chain, second half kept
    assert e1.iterations == d.iterations + 2 * 40 * 2
    assert not np.array_equal(e1.n, before)
    e2 = extend_draws(pats, freq, e1, samples=40, thin=2, seed=3, round_no=2, workers=1)
    assert e2.n.shape == (2, 40)
    # a fresh run with the same seed gives the same extended draws, with 2 threads too
    d2 = sample_lcmcr(
        pats, freq, classes=5, burnin=100, samples=40, thin=2, chains=2, seed=3, workers=2
    )
    assert np.array_equal(d2.n, before)
    assert np.array_equal(
        extend_draws(pats, freq, d2, samples=40, thin=2, seed=3, round_no=1, workers=2).n, e1.n
    )


def test_chains_disagree_rule() -> None:
    rng = np.random.default_rng(0)
    same = rng.normal(1000, 10, size=(4, 200))
    assert not chains_disagree(same)
    apart = same.copy()
    apart[0] += 400  # one chain in another mode
    assert chains_disagree(apart)


def test_fit_extends_only_while_chains_disagree(rome) -> None:
    c = rome
    # Far too short to agree: the extension must kick in and is recorded
    short = fit_lcmcr(c, burnin=0, samples=20, thin=1, chains=4, seed=11, classes=10)
    d = short.diagnostics
    assert d["extend_max"] == DEFAULT_EXTENSIONS
    assert 1 <= d["extensions"] <= DEFAULT_EXTENSIONS
    assert d["iterations"] > 4 * (500 + 20)
    if not d["final"]:
        assert any("extra round" in w for w in short.warnings)
    # extend=0 is the old behaviour: same first run, no extension
    none = fit_lcmcr(c, burnin=0, samples=20, thin=1, chains=4, seed=11, classes=10, extend=0)
    assert none.diagnostics["extensions"] == 0
    assert none.diagnostics["iterations"] == 4 * (500 + 20)
    # default settings on Rome HIV agree at once: nothing extended
    full = fit_lcmcr(c, seed=1)
    assert full.diagnostics["extensions"] == 0 and full.diagnostics["final"]


def test_round_plan_doubles_the_run_and_keeps_its_second_half() -> None:
    # round r runs as long as the chain has run since burn-in: S, 2S, 4S, ... sweeps
    for r in range(1, 6):
        draws, thin, keep = _round_plan("double", r, 1000, 50)
        assert (draws, thin, keep) == (1000, 50 * 2 ** (r - 1), 1000)
        draws, thin, keep = _round_plan("double-all", r, 1000, 50)
        assert (draws, thin, keep) == (1000 * 2 ** (r - 1), 50, 1000 * 2 ** (r - 1))
        assert _round_plan("fixed", r, 1000, 50) == (1000, 50, 1000)
        assert _round_plan("fixed-half", r, 1000, 50)[2] == (r + 1) * 1000 // 2
    assert DEFAULT_EXTEND_RULE == "double" and DEFAULT_EXTEND_RULE in EXTEND_RULES


def test_doubled_round_is_the_second_half_thinned(rome) -> None:
    """Round 2 of "double" (80 sweeps, every 4th kept) draws exactly every other draw of
    "double-all" (80 sweeps, every 2nd kept): recording a draw uses no random numbers, so
    the thinned rule keeps the same chain, just fewer of its states."""
    pats, freq = _arrays(rome)
    kw = dict(classes=5, burnin=100, samples=20, thin=2, chains=2, seed=3, workers=1)
    runs = []
    for rule in ("double", "double-all"):
        d = sample_lcmcr(pats, freq, **kw)
        for r in (1, 2):
            s, t, k = _round_plan(rule, r, 20, 2)
            d = extend_draws(pats, freq, d, samples=s, thin=t, seed=3, round_no=r, keep=k)
        runs.append(d)
    thinned, full = runs
    assert thinned.n.shape == (2, 20) and full.n.shape == (2, 40)
    assert np.array_equal(thinned.n, full.n[:, 1::2])
    assert thinned.iterations == full.iterations == 2 * (500 + 100 + 20 * 2 * 4)


def test_fit_doubles_each_round_and_a_seed_gives_one_result_whatever_the_workers(rome) -> None:
    short = dict(burnin=0, samples=20, thin=1, chains=4, seed=11, classes=10)
    one = fit_lcmcr(rome, workers=1, **short)
    d = one.diagnostics
    used = d["extensions"]
    assert used >= 2 and d["extend_rule"] == "double"
    # first run 20 sweeps after warm-up, then 20, 40, 80, ...: 20 * 2**used in all
    assert d["iterations"] == 4 * (500 + 20 * 2**used)
    assert np.asarray(d["trace"]).shape == (4, 20)
    two = fit_lcmcr(rome, workers=2, **short)
    assert two.diagnostics["extensions"] == used
    assert np.array_equal(one.draws, two.draws) and one.estimate == two.estimate
    # the old rule ("fixed": S more sweeps a round, last S kept) spends less and differs
    fixed = fit_lcmcr(rome, workers=1, extend_rule="fixed", **short)
    f = fixed.diagnostics
    assert f["iterations"] == 4 * (500 + 20 * (1 + f["extensions"]))
    with pytest.raises(EstimationError):
        fit_lcmcr(rome, extend_rule="triple", **short)
