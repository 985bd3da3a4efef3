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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd
import vl_convert as vlc

from roshan.errors import EstimationError
from roshan.estimate.results import RESULT_KEYS, EstimateResult

__all__ = [
    "OKABE_ITO",
    "WORDS",
    "posterior_chart",
    "strata_chart",
    "models_chart",
    "chart_to_svg",
    "print_config",
]

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

#: Every visible phrase of these charts, by key (English). Each chart function takes
#: ``words`` overriding any of them, e.g. the Persian report edition's. ``{name}`` marks a
#: value filled in here: ``n``/``estimate``/``lower``/``upper`` are numbers already
#: formatted with thousands grouping, ``level`` the interval level in percent (``95``),
#: ``method`` the method name, ``stratum`` a stratum label.
WORDS: dict[str, str] = {
    # posterior_chart
    "posterior_title": "Total number of people: {method} estimate",
    "n_axis": "Total number of people (N)",
    "log_scale": ", logarithmic scale",
    "density_curve": "Posterior probability per value of N",
    "density_draws": "Share of draws per value of N",
    "density_log": "Probability per unit of log N (relative)",
    "marker_observed": "observed: {n}",
    "marker_estimate": "estimate: {n}",
    "marker_lower": "{level}% lower: {n}",
    "marker_upper": "{level}% upper: {n}",
    # legend entries (posterior_chart) and tooltip titles (strata_chart)
    "observed": "observed",
    "estimate": "estimate",
    "interval": "interval",
    "lower": "lower",
    "upper": "upper",
    # strata_chart
    "strata_title": "Estimate by stratum ({method})",
    "strata_subtitle": "dot = estimate, bar = {level}% interval, diamond = observed",
    "strata_total": "; total {estimate} [{lower}, {upper}]",
    "stratum": "stratum",
    "not_estimable": "{stratum} (not estimable)",
    "people_axis": "Number of people",
    # models_chart
    "models_title": "Graphs averaged by {method}",
    "models_subtitle": "dashed line = model-averaged estimate",
    "graph_weight_axis": "Posterior probability of the graph",
    "graph_n_axis": "N under this graph (median, interval)",
}


def _words(words: Mapping[str, str] | None) -> dict[str, str]:
    """:data:`WORDS` with ``words`` laid over it; an unknown key is a ``ValueError``."""
    if not words:
        return WORDS
    unknown = sorted(set(words) - set(WORDS))
    if unknown:
        raise ValueError(f"unknown chart word keys: {', '.join(unknown)}")
    return {**WORDS, **words}


_FONT = "sans-serif"
#: The keys of a stratum's dict that are not the stratum's name: a result's (but its
#: strata) and how the stratum was handled (:func:`roshan.estimate.strata.fit_strata`).
_STRATUM_FIELDS = (set(RESULT_KEYS) - {"strata"}) | {
    "status",
    "reason",
    "draws",
    "handled_as",
    "dropped_lists",
}


def _title(text: str, subtitle: str) -> alt.Title:
    """A chart title with its subtitle in dark text (for print)."""
    return alt.Title(text, subtitle=subtitle, subtitleFontSize=11, subtitleColor="#222222")


def print_config(chart: alt.TopLevelMixin, font: str = _FONT) -> alt.TopLevelMixin:
    """Print-friendly defaults: white background, dark text, readable sizes (the report's
    charts use the same, in the edition's font)."""
    return (
        chart.configure(background="white", font=font)
        .configure_axis(
            labelFontSize=11,
            titleFontSize=12,
            labelColor="#222222",
            titleColor="#222222",
            gridColor="#DDDDDD",
        )
        .configure_title(fontSize=14, anchor="start", color="#000000")
        .configure_view(stroke=None)
    )


@dataclass
class _Density:
    """What to draw as the distribution of N."""

    frame: pd.DataFrame  # columns N, density (what the y axis shows)
    ytitle: str
    interpolate: Literal["linear", "step"]  # a curve, or a histogram
    log_x: bool


def _histogram(draws: np.ndarray, log_x: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bin edges, mids and per-person density of draws (integer-aligned when linear)."""
    lo, hi = np.quantile(draws, [0.0005, 0.9995])
    if hi <= lo:
        hi = lo + 1.0
    bins = int(min(80, max(10, np.sqrt(draws.size))))
    if log_x:
        edges = np.geomspace(max(lo, 1.0), hi, bins + 1)
    else:
        width = float(hi - lo) / bins
        if np.allclose(draws, np.round(draws)):
            # integer draws: whole-number bin widths aligned on integers (no aliasing)
            width = float(max(1, int(np.ceil(width))))
            lo = np.floor(lo) - 0.5
            bins = int(np.ceil((hi + 0.5 - lo) / width))
        edges = lo + width * np.arange(bins + 1)
    counts, edges = np.histogram(draws, bins=edges)
    mids = np.sqrt(edges[:-1] * edges[1:]) if log_x else (edges[:-1] + edges[1:]) / 2
    return edges, mids, counts / (draws.size * np.diff(edges))


def _posterior_density(result: EstimateResult, words: Mapping[str, str] = WORDS) -> _Density | None:
    """The method's own posterior curve if it has one (dga), else a histogram of draws.

    Very skewed distributions (99.95% quantile over 20 times the 0.05% one, e.g.
    lists that barely overlap) go on a logarithmic N axis, where the y axis shows
    ``N x density`` (probability per unit of log N) so equal areas stay equal
    probabilities.
    """
    curve = result.diagnostics.get("posterior_curve") if result.diagnostics else None
    if isinstance(curve, dict) and curve.get("n") and curve.get("density"):
        n = np.asarray(curve["n"], dtype=float)
        d = np.asarray(curve["density"], dtype=float)
        log_x = curve.get("scale") == "log"
        interp: Literal["linear", "step"] = "linear"
        label = words["density_curve"]
    elif result.draws is not None and np.size(result.draws) > 1:
        draws = np.asarray(result.draws, dtype=float)
        q_lo, q_hi = np.quantile(draws, [0.0005, 0.9995])
        log_x = q_hi / max(q_lo, 1.0) > 20.0
        _, n, d = _histogram(draws, log_x)
        interp = "step"
        label = words["density_draws"]
    else:
        return None
    if log_x:
        d = d * n
        label = words["density_log"]
    return _Density(pd.DataFrame({"N": n, "density": d}), label, interp, log_x)


def _markers(result: EstimateResult, words: Mapping[str, str] = WORDS) -> pd.DataFrame:
    """Vertical reference lines: estimate, interval bounds, observed.

    ``kind`` holds the legend word (``words["estimate"]`` ...); ``align`` puts the
    upper bound's label left of its line so it stays inside the plot.
    """
    level = f"{result.level * 100:.0f}"
    rows: list[dict[str, Any]] = [
        {
            "N": float(result.observed),
            "what": words["marker_observed"].format(n=f"{result.observed:,}"),
            "kind": words["observed"],
            "side": "right",
        },
    ]
    for value, marker, kind, side in (
        (result.estimate, "marker_estimate", "estimate", "right"),
        (result.lower, "marker_lower", "interval", "right"),
        (result.upper, "marker_upper", "interval", "left"),
    ):
        if value is not None:
            rows.append(
                {
                    "N": float(value),
                    "what": words[marker].format(level=level, n=f"{value:,.0f}"),
                    "kind": words[kind],
                    "side": side,
                }
            )
    return pd.DataFrame(rows)


_KIND_DOMAIN = ["estimate", "interval", "observed"]  # keys of WORDS, in legend order
_KIND_COLOURS = [OKABE_ITO["vermillion"], OKABE_ITO["blue"], OKABE_ITO["black"]]
_KIND_DASH = [[1, 0], [6, 3], [2, 2]]


def posterior_chart(
    result: EstimateResult,
    *,
    width: int = 520,
    height: int = 260,
    title: str | None = None,
    words: Mapping[str, str] | None = None,
) -> alt.TopLevelMixin:
    """The distribution of the total N, with estimate, interval and observed count marked.

    Uses ``diagnostics["posterior_curve"]`` when the method provides one (dga),
    else a histogram of ``result.draws`` (LCMCR, bootstrap); with neither, only
    the estimate and interval are drawn. The credible/confidence interval is
    shaded; lines differ by colour *and* dash so the chart survives greyscale.
    Very skewed distributions are drawn on a logarithmic N axis (the axis title
    says so). ``words`` overrides any phrase of :data:`WORDS` (numbers keep their
    formatting).
    """
    if result.estimate is None:
        raise EstimationError(
            "this result has no estimate to plot"
            + (f": {result.warnings[0]}" if result.warnings else "")
        )
    w = _words(words)
    kind_domain = [w[k] for k in _KIND_DOMAIN]
    ttl = title or w["posterior_title"].format(method=result.method)
    marks = _markers(result, w)
    dens = _posterior_density(result, w)
    log_x = (
        dens.log_x
        if dens is not None
        else (result.upper is not None and result.upper / max(result.observed, 1) > 20.0)
    )
    xs = [float(result.observed), float(result.estimate)]
    xs += [float(v) for v in (result.lower, result.upper) if v is not None]
    if dens is not None:
        xs += [float(dens.frame["N"].min()), float(dens.frame["N"].max())]
    lo, hi = min(xs), max(xs)
    if log_x:
        lo, hi = max(lo / 1.05, 1.0), hi * 1.05
    else:
        pad = 0.02 * (hi - lo or 1.0)
        lo, hi = max(lo - pad, 0.0), hi + pad
    x_title = w["n_axis"] + (w["log_scale"] if log_x else "")
    if log_x:  # 1-2-5 ticks: readable, never crowded
        ticks = [m * 10**e for e in range(0, 10) for m in (1, 2, 5) if lo <= m * 10**e <= hi]
        axis = alt.Axis(format=",d", values=ticks, labelOverlap="greedy")
    else:
        axis = alt.Axis(format=",d", labelOverlap="greedy")
    x_enc = alt.X(
        "N:Q",
        title=x_title,
        scale=alt.Scale(type="log" if log_x else "linear", zero=False, nice=False, domain=[lo, hi]),
        axis=axis,
    )
    layers: list[alt.Chart] = []
    ytitle = dens.ytitle if dens is not None else ""
    top = 1.0
    if dens is not None:
        frame = dens.frame
        # significant digits (".2~p"): with fixed decimals, ticks 0.005% apart read
        # "0.01%, 0.01%, 0.02%" on a wide posterior
        fmt = ".3~f" if dens.log_x else (".2~p" if frame["density"].max() < 0.1 else ".1~%")
        y_enc = alt.Y("density:Q", title=ytitle, axis=alt.Axis(format=fmt))
        base = alt.Chart(frame)
        layers.append(
            base.mark_area(
                color=OKABE_ITO["sky_blue"], opacity=0.35, interpolate=dens.interpolate
            ).encode(x=x_enc, y=y_enc)
        )
        if result.lower is not None and result.upper is not None:
            inside = frame[(frame["N"] >= result.lower) & (frame["N"] <= result.upper)]
            if len(inside) > 1:
                layers.append(
                    alt.Chart(inside)
                    .mark_area(
                        color=OKABE_ITO["blue"],
                        opacity=0.45,
                        interpolate=dens.interpolate,
                    )
                    .encode(x=x_enc, y=y_enc)
                )
        layers.append(
            base.mark_line(
                color=OKABE_ITO["blue"], strokeWidth=2, interpolate=dens.interpolate
            ).encode(x=x_enc, y=y_enc)
        )
        top = float(frame["density"].max())
    marks = marks.assign(label_y=[top * (1.0 - 0.09 * i) for i in range(len(marks))])
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeWidth=2)
        .encode(
            x=x_enc,
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=kind_domain, range=_KIND_COLOURS),
                legend=alt.Legend(title=None, orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "kind:N", scale=alt.Scale(domain=kind_domain, range=_KIND_DASH), legend=None
            ),
        )
    )
    layers.append(rules)
    sides: tuple[tuple[str, Literal["left", "right"], int], ...] = (
        ("right", "left", 4),
        ("left", "right", -4),
    )
    for side, align, dx in sides:
        sub = marks[marks["side"] == side]
        if sub.empty:
            continue
        y_lab = alt.Y("label_y:Q", title=ytitle) if dens is not None else alt.value(10)
        # a white halo under each label keeps it legible over lines and shading
        layers.append(
            alt.Chart(sub)
            .mark_text(
                align=align,
                dx=dx,
                fontSize=11,
                baseline="top",
                stroke="white",
                strokeWidth=4,
                strokeJoin="round",
                fill="white",
            )
            .encode(x=x_enc, y=y_lab, text="what:N")
        )
        layers.append(
            alt.Chart(sub)
            .mark_text(align=align, dx=dx, fontSize=11, baseline="top")
            .encode(
                x=x_enc,
                y=y_lab,
                text="what:N",
                color=alt.Color(
                    "kind:N", scale=alt.Scale(domain=kind_domain, range=_KIND_COLOURS), legend=None
                ),
            )
        )
    chart = alt.layer(*layers).properties(width=width, height=height, title=ttl)
    return print_config(chart)


def _stratum_label(s: dict, keys: Sequence[str], words: Mapping[str, str] = WORDS) -> str:
    if not keys:
        return words["stratum"]
    return " / ".join(f"{s.get(k)}" for k in keys)


def strata_chart(
    result: EstimateResult,
    *,
    width: int = 480,
    title: str | None = None,
    words: Mapping[str, str] | None = None,
) -> alt.TopLevelMixin:
    """One row per stratum: the estimate (dot), its interval (bar) and the observed count.

    Strata that could not be estimated show only their observed count, marked
    "(not estimable)". Rows are sorted by estimate (observed for the others).
    The observed count is a hollow black diamond, the estimate a filled
    vermillion circle, so the two differ in shape as well as colour. ``words``
    overrides any phrase of :data:`WORDS`.
    """
    w = _words(words)
    strata = list(result.strata or [])
    if not strata:
        raise EstimationError("this result has no strata to plot")
    keys = [
        k
        for k in strata[0]
        if k not in _STRATUM_FIELDS and not isinstance(strata[0][k], (list, dict, tuple))
    ]
    rows = []
    for s in strata:
        ok = s.get("status", "ok") == "ok" and s.get("estimate") is not None
        label = _stratum_label(s, keys, w)
        if not ok:
            label = w["not_estimable"].format(stratum=label)
        rows.append(
            {
                "stratum": label,
                "observed": float(s.get("observed") or 0),
                "estimate": float(s["estimate"]) if ok else None,
                "lower": float(s["lower"]) if ok and s.get("lower") is not None else None,
                "upper": float(s["upper"]) if ok and s.get("upper") is not None else None,
                "sort": float(s["estimate"]) if ok else float(s.get("observed") or 0),
            }
        )
    frame = pd.DataFrame(rows)
    order = frame.sort_values("sort", ascending=False)["stratum"].tolist()
    y = alt.Y("stratum:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    xs = alt.Scale(zero=True)
    xaxis = alt.Axis(format=",d")
    level = f"{result.level * 100:.0f}"
    base = alt.Chart(frame)
    bars = (
        base.transform_filter("isValid(datum.lower) && isValid(datum.upper)")
        .mark_rule(color=OKABE_ITO["blue"], strokeWidth=3)
        .encode(x=alt.X("lower:Q", title=w["people_axis"], scale=xs, axis=xaxis), x2="upper:Q", y=y)
    )
    est = (
        base.transform_filter("isValid(datum.estimate)")
        .mark_point(shape="circle", filled=True, size=70, color=OKABE_ITO["vermillion"], opacity=1)
        .encode(
            x=alt.X("estimate:Q", scale=xs),
            y=y,
            tooltip=[
                alt.Tooltip(f"{k}:{'N' if k == 'stratum' else 'Q'}", title=w[k])
                for k in ("stratum", "observed", "estimate", "lower", "upper")
            ],
        )
    )
    obs = base.mark_point(
        shape="diamond", filled=False, size=70, strokeWidth=2, color=OKABE_ITO["black"]
    ).encode(x=alt.X("observed:Q", scale=xs), y=y)
    height = max(60, 26 * len(frame))
    subtitle = w["strata_subtitle"].format(level=level)
    if result.estimate is not None and result.lower is not None and result.upper is not None:
        subtitle += w["strata_total"].format(
            estimate=f"{result.estimate:,.0f}",
            lower=f"{result.lower:,.0f}",
            upper=f"{result.upper:,.0f}",
        )
    chart = alt.layer(bars, est, obs).properties(
        width=width,
        height=height,
        title=_title(title or w["strata_title"].format(method=result.method), subtitle),
    )
    return print_config(chart)


def models_chart(
    result: EstimateResult,
    *,
    width: int = 300,
    title: str | None = None,
    words: Mapping[str, str] | None = None,
) -> alt.TopLevelMixin:
    """For model-averaging results (dga): each top graph's weight and its own estimate.

    Left: posterior probability of each graph (bar). Right: that graph's
    median (dot) and interval (bar) for N, with the averaged estimate as a
    vertical line - showing whether the graphs agree or the average hides a split.
    Needs ``result.model["top"]`` entries with ``graph``, ``weight``, ``median``,
    ``lower`` and ``upper``. ``words`` overrides any phrase of :data:`WORDS`.
    """
    w = _words(words)
    top = result.model.get("top") if isinstance(result.model, dict) else None
    if not top:
        raise EstimationError("this result has no list of averaged models to plot")
    frame = pd.DataFrame(
        [
            {
                "graph": str(m["graph"]),
                "weight": float(m["weight"]),
                "median": float(m["median"]),
                "lower": float(m["lower"]),
                "upper": float(m["upper"]),
            }
            for m in top
        ]
    )
    order = frame["graph"].tolist()
    y = alt.Y("graph:N", sort=order, title=None, axis=alt.Axis(labelLimit=280))
    height = max(60, 24 * len(frame))
    weights = (
        alt.Chart(frame)
        .mark_bar(color=OKABE_ITO["sky_blue"], stroke=OKABE_ITO["blue"])
        .encode(
            x=alt.X(
                "weight:Q",
                title=w["graph_weight_axis"],
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="~%"),
            ),
            y=y,
        )
        .properties(width=160, height=height)
    )
    xs = alt.Scale(zero=False)
    y_right = alt.Y("graph:N", sort=order, title=None, axis=None)  # labels shown once, left
    bars = (
        alt.Chart(frame)
        .mark_rule(color=OKABE_ITO["blue"], strokeWidth=3)
        .encode(
            x=alt.X("lower:Q", title=w["graph_n_axis"], scale=xs, axis=alt.Axis(format=",d")),
            x2="upper:Q",
            y=y_right,
        )
    )
    dots = (
        alt.Chart(frame)
        .mark_point(shape="circle", filled=True, size=60, opacity=1, color=OKABE_ITO["vermillion"])
        .encode(x=alt.X("median:Q", scale=xs), y=y_right)
    )
    layers = [bars, dots]
    if result.estimate is not None:
        avg = pd.DataFrame({"N": [float(result.estimate)]})
        layers.append(
            alt.Chart(avg)
            .mark_rule(color=OKABE_ITO["black"], strokeDash=[4, 3], strokeWidth=1.5)
            .encode(x=alt.X("N:Q", scale=xs))
        )
    right = alt.layer(*layers).properties(width=width, height=height)
    sub = w["models_subtitle"]
    chart = alt.hconcat(weights, right, spacing=12).properties(
        title=_title(title or w["models_title"].format(method=result.method), sub)
    )
    return print_config(chart)


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
