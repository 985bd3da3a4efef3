"""fit_strata: per-stratum estimation, the not-estimable rule, combination of draws.

All frames here are SYNTHETIC (made in the test from fixed counts or a seeded
random generator); none describe real people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from roshan.errors import EstimationError
from roshan.estimate import strata as strata_mod
from roshan.estimate.results import EstimateResult
from roshan.estimate.strata import fit_strata, stratum_problem

LISTS = ["A", "B", "C", "D"]


def _synthetic(n_by_stratum: dict[str, tuple[int, list[float]]], seed: int = 1) -> pd.DataFrame:
    """SYNTHETIC capture histories: independent captures with the given probabilities."""
    rng = np.random.default_rng(seed)
    frames = []
    for key, (n, p) in n_by_stratum.items():
        caps = rng.random((n, len(p))) < np.array(p)
        caps = caps[caps.any(axis=1)].astype(int)
        df = pd.DataFrame(caps, columns=LISTS[: len(p)])
        df["province"] = key
        frames.append(df.groupby([*LISTS[: len(p)], "province"]).size().reset_index(name="count"))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return _synthetic(
        {
            "P1": (900, [0.3, 0.4, 0.25, 0.35]),
            "P2": (600, [0.35, 0.3, 0.3, 0.3]),
            "P3": (80, [0.2, 0.0, 0.1, 0.0]),  # only 2 lists cover it
        }
    )


def test_stratum_problem_reasons() -> None:
    df = pd.DataFrame({"A": [1, 0, 0], "B": [0, 1, 0], "C": [0, 0, 1], "count": [3, 4, 5]})
    active, why = stratum_problem(df, ["A", "B", "C"])
    assert active == ["A", "B", "C"] and "no one appears on two lists" in why
    active, why = stratum_problem(df.assign(C=0), ["A", "B", "C"])
    assert active == ["A", "B"] and "only 2 list(s)" in why
    df2 = pd.DataFrame({"A": [1, 1], "B": [1, 0], "C": [0, 1], "count": [3, 4]})
    assert stratum_problem(df2, ["A", "B", "C"]) == (["A", "B", "C"], None)


def test_loglinear_strata_sum_and_flag_unestimable(frame: pd.DataFrame) -> None:
    r = fit_strata(frame, ["province"], "loglinear", bootstrap=60)
    by = {s["province"]: s for s in r.strata}
    assert by["P1"]["status"] == "ok" and by["P2"]["status"] == "ok"
    assert by["P3"]["status"] == "not_estimable"
    assert "only 2 list(s)" in by["P3"]["reason"]
    assert by["P3"]["handled_as"] == "observed_only"  # pooling it alone cannot help
    assert r.estimate == pytest.approx(
        by["P1"]["estimate"] + by["P2"]["estimate"] + by["P3"]["observed"]
    )
    assert r.observed == int(frame["count"].sum())
    assert any("lower bound" in w for w in r.warnings)
    assert r.lower < r.estimate < r.upper
    assert r.draws is not None and r.draws.size > 0
    # every stratum appears, none dropped silently
    assert {s["province"] for s in r.strata} == {"P1", "P2", "P3"}


def test_unestimable_strata_are_pooled_when_that_works() -> None:
    f = _synthetic(
        {
            "P1": (900, [0.3, 0.4, 0.25, 0.35]),
            "P2": (120, [0.3, 0.3, 0.0, 0.0]),  # only A, B
            "P3": (120, [0.0, 0.0, 0.3, 0.3]),  # only C, D
            "P4": (120, [0.3, 0.3, 0.3, 0.0]),  # fine on its own (3 lists)
        },
        seed=3,
    )
    r = fit_strata(f, ["province"], "loglinear", bootstrap=40)
    handled = {s["province"]: s["handled_as"] for s in r.strata}
    assert handled["P1"] == "estimated" and handled["P4"] == "estimated"
    assert handled["P2"] == handled["P3"] == "pooled"
    by = {s["province"]: s for s in r.strata}
    remainder = by["(pooled remainder)"]
    assert remainder["handled_as"] == "pooled_remainder" and remainder["status"] == "ok"
    assert remainder["observed"] == by["P2"]["observed"] + by["P3"]["observed"]
    assert r.estimate == pytest.approx(
        by["P1"]["estimate"] + by["P4"]["estimate"] + remainder["estimate"]
    )
    assert by["P4"]["dropped_lists"] == ["D"]
    assert any("P2" in w and "P3" in w and "pooled" in w for w in r.warnings)


def test_lists_without_records_in_a_stratum_are_dropped_there() -> None:
    f = _synthetic({"P1": (900, [0.3, 0.4, 0.25, 0.0])}, seed=2)
    f["D"] = 0
    r = fit_strata(f, ["province"], "loglinear", bootstrap=20)
    assert r.strata[0]["status"] == "ok"
    assert r.strata[0]["lists"] == ["A", "B", "C"]
    assert r.strata[0]["dropped_lists"] == ["D"]


def test_bayesian_draws_are_summed(monkeypatch: pytest.MonkeyPatch, frame: pd.DataFrame) -> None:
    calls = []

    def fake_fit(method, counts, **opts):
        calls.append((method, counts.observed, opts.get("seed")))
        draws = np.full(500, counts.observed * 2.0)
        return EstimateResult(
            method, list(counts.lists), counts.observed, counts.observed * 2.0, draws=draws
        )

    monkeypatch.setattr(strata_mod, "fit", fake_fit)
    r = fit_strata(frame, ["province"], "lcmcr", samples=500)
    ok = [s for s in r.strata if s["status"] == "ok"]
    expected = sum(2 * s["observed"] for s in ok) + sum(
        s["observed"] for s in r.strata if s["status"] != "ok"
    )
    assert r.estimate == pytest.approx(expected)
    assert np.allclose(r.draws, expected)
    assert r.lower == pytest.approx(expected) and r.upper == pytest.approx(expected)
    assert all(c[0] == "lcmcr" for c in calls)
    assert len({c[2] for c in calls}) == len(calls)  # each stratum its own seed


def test_no_strata_means_one_stratum(frame: pd.DataFrame) -> None:
    r = fit_strata(
        frame.drop(columns="province").groupby(LISTS, as_index=False)["count"].sum(),
        [],
        "loglinear",
        bootstrap=20,
    )
    assert len(r.strata) == 1 and r.strata[0]["status"] == "ok"


def test_bad_frames_are_user_errors(frame: pd.DataFrame) -> None:
    with pytest.raises(EstimationError, match="not in the capture histories"):
        fit_strata(frame, ["sex"], "loglinear")
    with pytest.raises(EstimationError, match="count"):
        fit_strata(frame.drop(columns="count"), ["province"], "loglinear")
    with pytest.raises(EstimationError, match="empty"):
        fit_strata(frame.assign(count=0), ["province"], "loglinear")


def test_a_refused_stratum_alone_is_observed_only(
    monkeypatch: pytest.MonkeyPatch, frame: pd.DataFrame
) -> None:
    p2_observed = int(frame.loc[frame["province"] == "P2", "count"].sum())

    def picky_fit(method, counts, **opts):
        if counts.observed == p2_observed:
            raise EstimationError("no log-linear model passes the checks")
        return EstimateResult(
            method,
            list(counts.lists),
            counts.observed,
            counts.observed * 1.5,
            draws=np.full(50, counts.observed * 1.5),
        )

    monkeypatch.setattr(strata_mod, "fit", picky_fit)
    no_p3 = frame[frame["province"] != "P3"]
    r = fit_strata(no_p3, ["province"], "loglinear")
    by = {s["province"]: s for s in r.strata}
    assert by["P2"]["status"] == "not_estimable"
    assert "no log-linear model" in by["P2"]["reason"]
    assert by["P2"]["handled_as"] == "observed_only"
    assert r.estimate == pytest.approx(by["P1"]["estimate"] + p2_observed)
    assert any("lower bound" in w for w in r.warnings)
