"""Tests of R-hat and ESS (roshan.estimate.diagnostics) on series with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from roshan.estimate.diagnostics import autocorrelation, ess_bulk, ess_tail, rhat


def _ar1(rng, phi: float, n: int, chains: int) -> np.ndarray:
    x = np.empty((chains, n))
    e = rng.standard_normal((chains, n))
    x[:, 0] = e[:, 0] / np.sqrt(1 - phi**2)
    for t in range(1, n):
        x[:, t] = phi * x[:, t - 1] + e[:, t]
    return x


def test_rhat_near_one_for_iid_and_large_for_separated_chains():
    rng = np.random.default_rng(0)
    iid = rng.standard_normal((4, 1000))
    assert rhat(iid) == pytest.approx(1.0, abs=0.01)
    shifted = iid + np.array([0.0, 0.0, 0.0, 3.0])[:, None]
    assert rhat(shifted) > 1.3


def test_rhat_detects_trend_within_single_chain():
    x = np.linspace(0, 10, 1000)[None, :] + np.random.default_rng(1).standard_normal((1, 1000))
    assert rhat(x) > 1.5


def test_ess_iid_and_ar1():
    rng = np.random.default_rng(2)
    iid = rng.standard_normal((4, 1000))
    assert ess_bulk(iid) == pytest.approx(4000, rel=0.15)
    ar = _ar1(rng, 0.9, 2000, 4)
    expected = 8000 * (1 - 0.9) / (1 + 0.9)  # ~421
    assert ess_bulk(ar) == pytest.approx(expected, rel=0.35)
    assert ess_tail(ar) < 0.5 * ess_tail(iid)


def test_autocorrelation_lag_one():
    rng = np.random.default_rng(3)
    ar = _ar1(rng, 0.5, 20_000, 1)[0]
    ac = autocorrelation(ar)
    assert ac[0] == pytest.approx(1.0)
    assert ac[1] == pytest.approx(0.5, abs=0.03)


def test_constant_draws():
    assert rhat(np.ones((2, 10))) == 1.0
    assert ess_bulk(np.ones((2, 10))) == 20
    assert np.isnan(rhat(np.ones((2, 3)) * np.arange(3)))
