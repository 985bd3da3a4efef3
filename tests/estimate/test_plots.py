"""Estimate charts: they render offline to SVG with the expected marks drawn."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from roshan.errors import EstimationError
from roshan.estimate.counts import CaptureCounts
from roshan.estimate.dga import fit_dga
from roshan.estimate.plots import (
    OKABE_ITO,
    WORDS,
    chart_to_svg,
    models_chart,
    posterior_chart,
    strata_chart,
)
from roshan.estimate.results import EstimateResult

SVG = "{http://www.w3.org/2000/svg}"


def _marks(svg: str) -> dict[str, int]:
    """Number of drawn elements per data-mark group (class 'mark-<type> role-mark ...')."""
    root = ET.fromstring(svg)
    out: dict[str, int] = {}
    for g in root.iter(f"{SVG}g"):
        cls = g.get("class", "")
        if "role-mark" in cls:
            kind = cls.split()[0]
            drawn = [el for el in g if el.tag in (f"{SVG}path", f"{SVG}line", f"{SVG}text")]
            out[kind] = out.get(kind, 0) + len(drawn)
    return out


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iter(f"{SVG}text")]


@pytest.fixture(scope="module")
def dga5() -> EstimateResult:
    data = Path(__file__).parent / "data" / "madigan_york_5list.csv"
    return fit_dga(CaptureCounts.from_csv(data), delta=0.5, n_draws=2000, seed=7)


def test_posterior_chart_from_dga_curve(dga5: EstimateResult) -> None:
    svg = chart_to_svg(posterior_chart(dga5))
    assert svg.lstrip().startswith("<svg")
    marks = _marks(svg)
    assert marks.get("mark-area", 0) >= 2  # whole posterior + shaded interval
    assert marks.get("mark-line", 0) >= 1
    assert marks.get("mark-rule", 0) == 4  # observed, estimate, lower, upper
    texts = " ".join(_texts(svg))
    assert f"estimate: {dga5.estimate:,.0f}" in texts
    assert f"observed: {dga5.observed:,}" in texts
    assert "95% lower" in texts and "95% upper" in texts
    # colour-blind-safe palette used for the lines
    assert OKABE_ITO["vermillion"].lower() in svg.lower()
    assert OKABE_ITO["blue"].lower() in svg.lower()
    # offline: no external references besides XML namespaces
    urls = set(re.findall(r"https?://[^\"' )]+", svg))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_posterior_chart_from_draws_only(dga5: EstimateResult) -> None:
    bare = EstimateResult(
        method="lcmcr",
        lists=dga5.lists,
        observed=dga5.observed,
        estimate=dga5.estimate,
        lower=dga5.lower,
        upper=dga5.upper,
        draws=dga5.draws,
    )
    svg = chart_to_svg(posterior_chart(bare))
    marks = _marks(svg)
    assert marks.get("mark-area", 0) >= 1
    assert marks.get("mark-rule", 0) == 4
    assert "Share of draws" in " ".join(_texts(svg))


def test_posterior_chart_without_distribution_still_marks_interval() -> None:
    res = EstimateResult(
        method="loglinear",
        lists=["A", "B", "C"],
        observed=100,
        estimate=150.0,
        lower=120.0,
        upper=200.0,
    )
    svg = chart_to_svg(posterior_chart(res))
    assert _marks(svg).get("mark-rule", 0) == 4
    assert "mark-area" not in _marks(svg)


def test_posterior_chart_refuses_missing_estimate() -> None:
    res = EstimateResult(
        method="loglinear",
        lists=["A", "B", "C"],
        observed=10,
        estimate=None,
        warnings=["model does not exist"],
    )
    with pytest.raises(EstimationError, match="no estimate"):
        posterior_chart(res)


def test_strata_chart_draws_each_stratum() -> None:
    """SYNTHETIC strata (made-up numbers, no real data)."""
    strata = [
        {
            "province": "P1",
            "observed": 300,
            "estimate": 400.0,
            "lower": 350.0,
            "upper": 480.0,
            "status": "ok",
        },
        {
            "province": "P2",
            "observed": 120,
            "estimate": 160.0,
            "lower": 130.0,
            "upper": 240.0,
            "status": "ok",
        },
        {
            "province": "P3",
            "observed": 8,
            "estimate": None,
            "lower": None,
            "upper": None,
            "status": "not_estimable",
            "reason": "too few overlaps",
        },
    ]
    res = EstimateResult(
        method="dga",
        lists=["A", "B", "C"],
        observed=428,
        estimate=570.0,
        lower=500.0,
        upper=700.0,
        strata=strata,
    )
    svg = chart_to_svg(strata_chart(res))
    marks = _marks(svg)
    assert marks.get("mark-rule", 0) == 2  # intervals of the two estimable strata
    assert marks.get("mark-symbol", 0) == 2 + 3  # 2 estimates + 3 observed diamonds
    texts = _texts(svg)
    assert "P3 (not estimable)" in texts
    assert "P1" in texts and "P2" in texts
    assert any("total 570" in t for t in texts)


def test_strata_chart_needs_strata(dga5: EstimateResult) -> None:
    with pytest.raises(EstimationError, match="no strata"):
        strata_chart(dga5)


def test_histogram_of_integer_draws_has_no_empty_aliasing_bins() -> None:
    rng = np.random.default_rng(0)
    draws = rng.poisson(200, size=3000).astype(np.int64)
    res = EstimateResult(
        method="lcmcr",
        lists=["A", "B", "C"],
        observed=150,
        estimate=200.0,
        lower=172.0,
        upper=228.0,
        draws=draws,
    )
    spec = posterior_chart(res).to_dict()
    values = next(iter(spec["datasets"].values()))
    dens = np.array([v["density"] for v in values])
    ns = np.array([v["N"] for v in values])
    inner = dens[(ns > 185) & (ns < 215)]
    assert inner.min() > 0  # integer-aligned bins: no spurious gaps in the bulk
    assert np.sum(dens) * (ns[1] - ns[0]) == pytest.approx(1.0, abs=0.01)


def test_very_skewed_posterior_uses_log_axis() -> None:
    """Lists that barely overlap: spike at the observed count plus a long tail."""
    data = Path(__file__).parent / "data" / "artificial_3list.csv"
    res = fit_dga(CaptureCounts.from_csv(data), n_draws=0)
    assert res.diagnostics["posterior_curve"]["scale"] == "log"
    svg = chart_to_svg(posterior_chart(res))
    texts = " ".join(_texts(svg))
    assert "logarithmic scale" in texts
    assert _marks(svg).get("mark-area", 0) >= 1
    assert f"95% upper: {res.upper:,.0f}" in texts


def test_dga_curve_mass_sums_to_one(dga5: EstimateResult) -> None:
    curve = dga5.diagnostics["posterior_curve"]
    n = np.asarray(curve["n"])
    d = np.asarray(curve["density"])
    assert curve["scale"] == "linear"
    assert np.sum(d) * (n[1] - n[0]) == pytest.approx(1.0, abs=0.002)


def test_models_chart(dga5: EstimateResult) -> None:
    svg = chart_to_svg(models_chart(dga5))
    marks = _marks(svg)
    n_top = len(dga5.model["top"])
    assert marks.get("mark-rect", 0) == n_top  # one weight bar per graph
    assert marks.get("mark-symbol", 0) == n_top  # one median dot per graph
    assert marks.get("mark-rule", 0) == n_top + 1  # intervals + averaged estimate
    texts = _texts(svg)
    assert dga5.model["top"][0]["graph"] in texts
    with pytest.raises(EstimationError):
        models_chart(
            EstimateResult(
                method="loglinear",
                lists=["A", "B", "C"],
                observed=5,
                estimate=6.0,
                model="[A][B][C]",
            )
        )


def test_strata_chart_of_real_fit_strata_output() -> None:
    """fit_strata with dga on two SYNTHETIC regions (M&Y counts and a thinned copy)."""
    import pandas as pd

    from roshan.estimate.strata import fit_strata

    data = Path(__file__).parent / "data" / "madigan_york_3list.csv"
    base = pd.read_csv(data)
    a = base.assign(region="R1")
    b = base.assign(region="R2", count=(base["count"] // 2))
    frame = pd.concat([a, b], ignore_index=True)
    res = fit_strata(frame, ["region"], method="dga", delta=1.0, n_draws=1000)
    assert [s["status"] for s in res.strata] == ["ok", "ok"]
    svg = chart_to_svg(strata_chart(res))
    texts = _texts(svg)
    assert "R1" in texts and "R2" in texts  # labels are the stratum values only
    assert _marks(svg).get("mark-rule", 0) == 2


def test_words_override_every_visible_phrase_and_reject_unknown_keys(dga5: EstimateResult) -> None:
    """Each phrase can be replaced by key; numbers keep their formatting; typos are refused."""
    words = {
        k: f"W-{k}"
        + (
            "".join(
                f" {{{p}}}"
                for p in ("level", "n", "method", "stratum", "estimate", "lower", "upper")
                if f"{{{p}}}" in v
            )
        )
        for k, v in WORDS.items()
    }
    texts = " ".join(_texts(chart_to_svg(posterior_chart(dga5, words=words))))
    assert "W-n_axis" in texts and "W-density_curve" in texts and "W-posterior_title" in texts
    assert f"W-marker_observed {dga5.observed:,}" in texts
    assert f"W-marker_upper 95 {dga5.upper:,.0f}" in texts
    assert "W-estimate" in texts and "W-interval" in texts  # legend entries
    res = EstimateResult(
        method="loglinear",
        lists=["A", "B"],
        observed=90,
        estimate=150.0,
        lower=120.0,
        upper=2000.0,
        strata=[
            {
                "sex": "m",
                "observed": 60,
                "estimate": 90.0,
                "lower": 70.0,
                "upper": 120.0,
                "status": "ok",
            },
            {
                "sex": "f",
                "observed": 30,
                "estimate": None,
                "lower": None,
                "upper": None,
                "status": "not_estimable",
            },
        ],
    )
    texts = " ".join(_texts(chart_to_svg(strata_chart(res, words=words))))
    assert "W-people_axis" in texts and "W-not_estimable f" in texts
    assert "W-strata_subtitle 95" in texts and "W-strata_total 150 120 2,000" in texts
    texts = " ".join(_texts(chart_to_svg(models_chart(dga5, words=words))))
    assert "W-graph_weight_axis" in texts and "W-models_subtitle" in texts
    english = re.compile(r"observed|estimate|interval|people|stratum|graph|lower|upper")
    for chart in (
        posterior_chart(dga5, words=words),
        strata_chart(res, words=words),
        models_chart(dga5, words=words),
    ):
        # no English word left once the replaced phrases are taken out
        assert not [
            t for t in _texts(chart_to_svg(chart)) if english.search(re.sub(r"W-\w+", "", t))
        ]
    with pytest.raises(ValueError, match="estimte"):
        posterior_chart(dga5, words={"estimte": "x"})
