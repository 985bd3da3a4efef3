"""Tests for roshan.estimate.results.EstimateResult."""

from __future__ import annotations

import json

import numpy as np

from roshan.estimate.results import RESULT_KEYS, EstimateResult


def _r(**kw) -> EstimateResult:
    base = dict(
        method="loglinear",
        lists=["A", "B", "C"],
        observed=123,
        estimate=157.1667,
        lower=140.2,
        upper=190.9,
        model={"formula": "A + B + C + A:B"},
        diagnostics={"bic": np.float64(12.5), "n": np.int64(3)},
        warnings=["few overlaps: x"],
        draws=np.arange(5.0),
    )
    base.update(kw)
    return EstimateResult(**base)


def test_to_dict_has_exact_keys_and_is_json_safe() -> None:
    d = _r().to_dict()
    assert tuple(d) == RESULT_KEYS
    assert "draws" not in d
    text = json.dumps(d)
    assert json.loads(text)["diagnostics"]["bic"] == 12.5


def test_to_dict_maps_nan_and_inf_to_null() -> None:
    d = _r(upper=float("inf"), diagnostics={"x": float("nan")}).to_dict()
    assert d["upper"] is None and d["diagnostics"]["x"] is None
    json.dumps(d, allow_nan=False)


def test_summary_mentions_interval_assumptions_and_warnings() -> None:
    s = _r().summary()
    assert "157" in s and "140" in s and "191" in s
    assert "closed population" in s and "linkage" in s
    assert "few overlaps" in s


def test_summary_without_estimate_says_no_estimate() -> None:
    s = _r(estimate=None, lower=None, upper=None, warnings=["model not identifiable"]).summary()
    assert s.startswith("No estimate")
    assert "not identifiable" in s


def test_summary_persian() -> None:
    s = _r().summary(lang="fa")
    assert "برآورد" in s and "157" in s
