"""Charts of an estimate for the report and the CLI: posterior of N, and strata.

What: :func:`posterior_chart` draws the (posterior or bootstrap) distribution of
the total N with the estimate, the interval and the observed count marked;
:func:`strata_chart` draws one row per stratum (estimate, interval, observed);
:func:`chart_to_svg` renders any Altair chart to an SVG string.

Why this way: charts go into printed reports read by NGOs, journalists and
investigators, often in greyscale. Colours come from the Okabe-Ito palette
(safe for the common colour-vision deficiencies) and every mark that colour
distinguishes is also distinguished by shape or dash, with direct text labels.
Rendering uses vl-convert (a bundled JavaScript engine): no browser, no CDN, no
network; external data URLs are refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import vl_convert as vlc

from roshan.errors import EstimationError
from roshan.estimate.results import EstimateResult

__all__ = ["OKABE_ITO", "posterior_chart", "strata_chart", "chart_to_svg"]

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
"""Okabe & Ito (2008) colour-blind-safe palette."""

_FONT = "sans-serif"
_STRATUM_FIELDS = {"observed", "estimate", "lower", "upper", "status", "reason", "level",
                   "method", "warnings", "diagnostics", "model", "draws", "lists"}


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Print-friendly defaults: white background, dark text, readable sizes."""
    return (
        chart.configure(background="white", font=_FONT)
        .configure_axis(labelFontSize=11, titleFontSize=12, labelColor="#222222",
                        titleColor="#222222", gridColor="#DDDDDD")
        .configure_title(fontSize=14, anchor="start", color="#000000")
        .configure_view(stroke=None)
    )


def _posterior_frame(result: EstimateResult) -> tuple[pd.DataFrame, str, str] | None:
    """Density of N to draw: the method's own curve if it has one, else a histogram of draws."""
    curve = result.diagnostics.get("posterior_curve") if result.diagnostics else None
    if isinstance(curve, dict) and curve.get("n") and curve.get("density"):
        n = np.asarray(curve["n"], dtype=float)
        d = np.asarray(curve["density"], dtype=float)
        keep = d >= d.max() * 1e-3  # drop the long flat tails
        idx = np.flatnonzero(keep)
        n, d = n[idx[0] : idx[-1] + 1], d[idx[0] : idx[-1] + 1]
        return pd.DataFrame({"N": n, "density": d}), "Posterior probability per value of N", "linear"
    if result.draws is not None and np.size(result.draws) > 1:
        draws = np.asarray(result.draws, dtype=float)
        lo, hi = np.quantile(draws, [0.0005, 0.9995])
        if hi <= lo:
            hi = lo + 1.0
        bins = int(min(80, max(10, np.sqrt(draws.size))))
        width = float(hi - lo) / bins
        if np.allclose(draws, np.round(draws)):
            # integer draws: whole-number bin widths aligned on integers (no aliasing)
            width = float(max(1, int(np.ceil(width))))
            lo = np.floor(lo) - 0.5
            bins = int(np.ceil((hi + 0.5 - lo) / width))
            hi = lo + bins * width
        counts, edges = np.histogram(draws, bins=bins, range=(lo, hi))
        mids = (edges[:-1] + edges[1:]) / 2
        dens = counts / (draws.size * width)
        return pd.DataFrame({"N": mids, "density": dens}), "Share of draws per value of N", "step"
    return None


def _markers(result: EstimateResult) -> pd.DataFrame:
    """Vertical reference lines: estimate, interval bounds, observed."""
    pct = f"{result.level * 100:.0f}%"
    rows: list[dict[str, Any]] = [
        {"N": float(result.observed), "what": f"observed: {result.observed:,}", "kind": "observed"},
    ]
    if result.estimate is not None:
        rows.append({"N": float(result.estimate), "what": f"estimate: {result.estimate:,.0f}",
                     "kind": "estimate"})
    if result.lower is not None:
        rows.append({"N": float(result.lower), "what": f"{pct} lower: {result.lower:,.0f}",
                     "kind": "interval"})
    if result.upper is not None:
        rows.append({"N": float(result.upper), "what": f"{pct} upper: {result.upper:,.0f}",
                     "kind": "interval"})
    return pd.DataFrame(rows)


_KIND_DOMAIN = ["estimate", "interval", "observed"]
_KIND_COLOURS = [OKABE_ITO["vermillion"], OKABE_ITO["blue"], OKABE_ITO["black"]]
_KIND_DASH = [[1, 0], [6, 3], [2, 2]]


def posterior_chart(result: EstimateResult, *, width: int = 520, height: int = 260,
                    title: str | None = None) -> alt.TopLevelMixin:
    """The distribution of the total N, with estimate, interval and observed count marked.

    Uses ``diagnostics["posterior_curve"]`` when the method provides one (dga),
    else a histogram of ``result.draws`` (LCMCR, bootstrap); with neither, only
    the estimate and interval are drawn. The credible/confidence interval is
    shaded; lines differ by colour *and* dash so the chart survives greyscale.
    """
    if result.estimate is None:
        raise EstimationError(
            "this result has no estimate to plot" + (f": {result.warnings[0]}"
                                                     if result.warnings else "")
        )
    ttl = title or f"Total number of people: {result.method} estimate"
    marks = _markers(result)
    x_enc = alt.X("N:Q", title="Total number of people (N)",
                  scale=alt.Scale(zero=False, nice=False), axis=alt.Axis(format=",d"))
    layers: list[alt.Chart] = []
    dens = _posterior_frame(result)
    ytitle = "Posterior probability per value of N"
    if dens is not None:
        frame, ytitle, interp = dens
        # include the observed count in view so the gap to it is visible
        lo = min(float(frame["N"].min()), float(result.observed))
        hi = max(float(frame["N"].max()), float(result.upper or frame["N"].max()))
        x_enc = alt.X("N:Q", title="Total number of people (N)",
                      scale=alt.Scale(zero=False, nice=False, domain=[lo, hi]),
                      axis=alt.Axis(format=",d"))
        y_enc = alt.Y("density:Q", title=ytitle, axis=alt.Axis(format=".2~e" if
                                                                 frame["density"].max() < 1e-3
                                                                 else ".3~f"))
        base = alt.Chart(frame)
        layers.append(base.mark_area(color=OKABE_ITO["sky_blue"], opacity=0.35, interpolate=interp).encode(
            x=x_enc, y=y_enc))
        if result.lower is not None and result.upper is not None:
            inside = frame[(frame["N"] >= result.lower) & (frame["N"] <= result.upper)]
            if len(inside) > 1:
                layers.append(alt.Chart(inside).mark_area(color=OKABE_ITO["blue"], opacity=0.45,
                                                               interpolate=interp)
                              .encode(x=x_enc, y=y_enc))
        layers.append(base.mark_line(color=OKABE_ITO["blue"], strokeWidth=2, interpolate=interp).encode(
            x=x_enc, y=y_enc))
        top = float(frame["density"].max())
    else:
        top = 1.0
    marks = marks.assign(label_y=[top * (1.0 - 0.09 * i) for i in range(len(marks))])
    rules = alt.Chart(marks).mark_rule(strokeWidth=2).encode(
        x=x_enc,
        color=alt.Color("kind:N", scale=alt.Scale(domain=_KIND_DOMAIN, range=_KIND_COLOURS),
                        legend=alt.Legend(title=None, orient="top")),
        strokeDash=alt.StrokeDash("kind:N", scale=alt.Scale(domain=_KIND_DOMAIN,
                                                             range=_KIND_DASH), legend=None),
    )
    labels = alt.Chart(marks).mark_text(align="left", dx=4, fontSize=11, baseline="top").encode(
        x=x_enc,
        y=alt.Y("label_y:Q", title=ytitle) if dens is not None else alt.value(10),
        text="what:N",
        color=alt.Color("kind:N", scale=alt.Scale(domain=_KIND_DOMAIN, range=_KIND_COLOURS),
                        legend=None),
    )
    layers.extend([rules, labels])
    chart = alt.layer(*layers).properties(width=width, height=height, title=ttl)
    return _config(chart)


def _stratum_label(s: dict, keys: Sequence[str]) -> str:
    if not keys:
        return "stratum"
    return " / ".join(f"{s.get(k)}" for k in keys)


def strata_chart(result: EstimateResult, *, width: int = 480,
                 title: str | None = None) -> alt.TopLevelMixin:
    """One row per stratum: the estimate (dot), its interval (bar) and the observed count.

    Strata that could not be estimated show only their observed count, marked
    "(not estimable)". Rows are sorted by estimate (observed for the others).
    The observed count is a hollow black diamond, the estimate a filled
    vermillion circle, so the two differ in shape as well as colour.
    """
    strata = list(result.strata or [])
    if not strata:
        raise EstimationError("this result has no strata to plot")
    keys = [k for k in strata[0] if k not in _STRATUM_FIELDS]
    rows = []
    for s in strata:
        ok = s.get("status", "ok") == "ok" and s.get("estimate") is not None
        label = _stratum_label(s, keys) + ("" if ok else " (not estimable)")
        rows.append({
            "stratum": label,
            "observed": float(s.get("observed") or 0),
            "estimate": float(s["estimate"]) if ok else None,
            "lower": float(s["lower"]) if ok and s.get("lower") is not None else None,
            "upper": float(s["upper"]) if ok and s.get("upper") is not None else None,
            "sort": float(s["estimate"]) if ok else float(s.get("observed") or 0),
        })
    frame = pd.DataFrame(rows)
    order = frame.sort_values("sort", ascending=False)["stratum"].tolist()
    y = alt.Y("stratum:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    xs = alt.Scale(zero=True)
    xaxis = alt.Axis(format=",d")
    pct = f"{result.level * 100:.0f}%"
    base = alt.Chart(frame)
    bars = base.transform_filter("isValid(datum.lower) && isValid(datum.upper)").mark_rule(
        color=OKABE_ITO["blue"], strokeWidth=3).encode(
        x=alt.X("lower:Q", title="Number of people", scale=xs, axis=xaxis), x2="upper:Q", y=y)
    est = base.transform_filter("isValid(datum.estimate)").mark_point(
        shape="circle", filled=True, size=70, color=OKABE_ITO["vermillion"], opacity=1).encode(
        x=alt.X("estimate:Q", scale=xs), y=y,
        tooltip=["stratum", "observed", "estimate", "lower", "upper"])
    obs = base.mark_point(shape="diamond", filled=False, size=70, strokeWidth=2,
                          color=OKABE_ITO["black"]).encode(x=alt.X("observed:Q", scale=xs), y=y)
    height = max(60, 26 * len(frame))
    subtitle = (f"dot = estimate, bar = {pct} interval, diamond = observed"
                + (f"; total {result.estimate:,.0f} [{result.lower:,.0f}, {result.upper:,.0f}]"
                   if result.estimate is not None and result.lower is not None
                   and result.upper is not None else ""))
    chart = alt.layer(bars, est, obs).properties(
        width=width, height=height,
        title=alt.Title(title or f"Estimate by stratum ({result.method})", subtitle=subtitle,
                        subtitleFontSize=11, subtitleColor="#222222"),
    )
    return _config(chart)


def chart_to_svg(chart: alt.TopLevelMixin) -> str:
    """Render an Altair chart to an SVG string, offline.

    Uses vl-convert with the Vega-Lite version Altair targets; any external data
    URL is refused (``allowed_base_urls=[]``), so rendering never touches the
    network.
    """
    spec = chart.to_dict()
    vl_version = "_".join(alt.SCHEMA_VERSION.split(".")[:2])
    try:
        return vlc.vegalite_to_svg(spec, vl_version=vl_version, allowed_base_urls=[])
    except ValueError:
        # an older/newer vl-convert may not know Altair's exact version string
        return vlc.vegalite_to_svg(spec, allowed_base_urls=[])
