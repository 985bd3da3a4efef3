"""roshan.estimate.methods: dispatch by method name."""

from __future__ import annotations

from pathlib import Path

import pytest

from roshan.errors import EstimationError
from roshan.estimate import methods
from roshan.estimate.counts import CaptureCounts
from roshan.estimate.methods import DEFAULT_METHOD, METHODS, fit, method_function

DATA = Path(__file__).parent / "data"


def test_methods_listed() -> None:
    assert METHODS == ("loglinear", "lcmcr", "dga", "recommended")
    assert DEFAULT_METHOD in METHODS


def test_fit_loglinear_by_name_passes_options_and_drops_none() -> None:
    cc = CaptureCounts.from_csv(DATA / "korea_3list.csv")
    r = fit("loglinear", cc, search="stepwise", criterion=None, bootstrap=None)
    assert r.estimate == pytest.approx(268.7778, abs=1e-3)


def test_unknown_method_and_option() -> None:
    cc = CaptureCounts.from_csv(DATA / "korea_3list.csv")
    with pytest.raises(EstimationError, match="unknown method"):
        fit("magic", cc)
    with pytest.raises(EstimationError, match="unexpected keyword"):
        fit("loglinear", cc, classes=3)


def test_missing_module_gives_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        methods._IMPLEMENTATIONS,
        "recommended",
        ("roshan.estimate.not_written_yet", "fit_recommended"),
    )
    with pytest.raises(EstimationError, match="not available"):
        method_function("recommended")


def test_missing_function_gives_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(methods._IMPLEMENTATIONS, "dga", ("roshan.estimate.counts", "fit_dga"))
    with pytest.raises(EstimationError, match="not available yet"):
        method_function("dga")
