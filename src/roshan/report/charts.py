"""The report's charts: Altair charts built from :func:`roshan.report.data.report_data`.

What: one function per chart, each taking the relevant part of the report
data and ``lang`` and returning an Altair chart (:func:`upset_chart`,
:func:`timeline_chart`, :func:`period_chart`, :func:`age_sex_chart`,
:func:`cause_chart`, :func:`estimate_chart`, :func:`strata_estimate_chart`);
:func:`to_svg` renders any of them to an inline SVG string offline.

Why this way: static SVG needs no JavaScript, prints sharply and opens from a
USB stick. Colours are Okabe-Ito (colour-blind safe, shared with
``roshan.estimate.plots``) and nothing is told by colour alone: bars carry
labels, lines differ by dash. The web dashboard calls the same functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd

from roshan.estimate.plots import (
    OKABE_ITO,
    WORDS,
    chart_to_svg,
    posterior_chart,
    print_config,
    strata_chart,
)
from roshan.estimate.results import EstimateResult
from roshan.report.i18n import digits, t

__all__ = [
    "upset_chart",
    "timeline_chart",
    "period_chart",
    "age_sex_chart",
    "cause_chart",
    "estimate_chart",
    "strata_estimate_chart",
    "to_svg",
    "result_from_dict",
    "chart_words",
]

_FONTS = {"en": "Helvetica, Arial, sans-serif", "fa": "Vazirmatn, Tahoma, sans-serif"}


def _config(chart: Any, lang: str) -> Any:
    """Print-friendly defaults (white background, dark text) in the edition's font."""
    return print_config(chart, font=_FONTS.get(lang, _FONTS["en"]))


#: Right-to-left mark: keeps neutral characters (such as a final «٪») inside a Persian run.
RLM = "\u200f"


def chart_words(lang: str) -> dict[str, str]:
    """The words of the estimate charts (``plots.WORDS`` keys) in ``lang``, from the catalog.

    Catalog key ``chart_X`` holds ``plots.WORDS["X"]``; English equals the defaults.
    """
    return {key: t(f"chart_{key}", lang) for key in WORDS}


def _estimate_font(chart: Any, lang: str) -> Any:
    """The Persian edition's font on a chart configured by ``roshan.estimate.plots``."""
    return chart.configure(font=_FONTS["fa"]) if lang == "fa" else chart


def result_from_dict(doc: dict[str, Any], draws: list[float] | None = None) -> EstimateResult:
    """An :class:`EstimateResult` back from its ``to_dict`` document (for the estimate charts)."""
    import numpy as np

    return EstimateResult(
        method=str(doc.get("method", "")),
        lists=list(doc.get("lists") or []),
        observed=int(doc.get("observed") or 0),
        estimate=doc.get("estimate"),
        lower=doc.get("lower"),
        upper=doc.get("upper"),
        level=float(doc.get("level") or 0.95),
        model=doc.get("model"),
        diagnostics=dict(doc.get("diagnostics") or {}),
        warnings=list(doc.get("warnings") or []),
        strata=list(doc.get("strata") or []),
        draws=np.asarray(draws, dtype=float) if draws else None,
    )


def upset_chart(
    patterns: list[dict[str, Any]], lists: list[str], lang: str = "en", width: int = 520
) -> Any:
    """UpSet chart: bars of victims per exact combination of lists, over a dot matrix.

    ``patterns`` are ``{"lists": [...], "count": n}`` (largest first); ``lists``
    orders the matrix rows.
    """
    lists = lists or sorted({x for p in patterns for x in p["lists"]})
    cols = [" + ".join(p["lists"]) for p in patterns]
    bars = pd.DataFrame(
        {"combo": cols, "count": [int(p["count"]) for p in patterns], "order": range(len(cols))}
    )
    cells = pd.DataFrame(
        [
            {"combo": c, "list": name, "in": name in p["lists"]}
            for c, p in zip(cols, patterns, strict=True)
            for name in lists
        ]
    )
    x = alt.X("combo:N", sort=cols, axis=None)
    top = alt.Chart(bars).encode(x=x)
    bar = top.mark_bar(color=OKABE_ITO["blue"]).encode(
        y=alt.Y("count:Q", title=t("intersection", lang))
    )
    labels = top.mark_text(dy=-4, fontSize=10, color="#000000").encode(
        y="count:Q", text=alt.Text("count:Q", format=",d")
    )
    upper = alt.layer(bar, labels).properties(width=width, height=180)
    dots = (
        alt.Chart(cells)
        .mark_circle(size=90, opacity=1)
        .encode(
            x=x,
            y=alt.Y("list:N", sort=lists, title=None),
            color=alt.Color(
                "in:N",
                scale=alt.Scale(domain=[True, False], range=[OKABE_ITO["black"], "#DDDDDD"]),
                legend=None,
            ),
        )
    )
    lines = (
        alt.Chart(cells[cells["in"]])
        .mark_line(color=OKABE_ITO["black"])
        .encode(x=x, y=alt.Y("list:N", sort=lists), detail="combo:N")
    )
    lower = alt.layer(lines, dots).properties(width=width, height=max(60, 22 * len(lists)))
    return _config(
        alt.vconcat(upper, lower, spacing=4).properties(title=t("upset_title", lang)), lang
    )


def timeline_chart(
    by_day: list[dict[str, Any]], blackout: str, lang: str = "en", width: int = 560
) -> Any:
    """Documented deaths by day (bars) with the internet blackout marked by a dashed rule."""
    frame = pd.DataFrame(by_day or [{"date": blackout, "count": 0}])
    frame["date"] = pd.to_datetime(frame["date"])
    if lang == "fa":
        return _timeline_fa(frame, blackout, width)
    x = alt.X(
        "yearmonthdate(date):T",
        title=t("day", lang),
        axis=alt.Axis(format="%d %b", labelAngle=-45, labelOverlap="greedy"),
    )
    bars = (
        alt.Chart(frame)
        .mark_bar(color=OKABE_ITO["vermillion"])
        .encode(
            x=x,
            y=alt.Y("count:Q", title=t("count", lang)),
            tooltip=[alt.Tooltip("date:T"), alt.Tooltip("count:Q")],
        )
    )
    mark = pd.DataFrame({"date": [pd.Timestamp(blackout)], "label": [t("blackout", lang)]})
    rule = (
        alt.Chart(mark)
        .mark_rule(strokeDash=[6, 3], strokeWidth=2, color=OKABE_ITO["black"])
        .encode(x="date:T")
    )
    text = (
        alt.Chart(mark)
        .mark_text(align="left", dx=4, dy=-6, fontSize=11, baseline="top", color=OKABE_ITO["black"])
        .encode(x="date:T", y=alt.value(0), text="label:N")
    )
    return _config(
        alt.layer(bars, rule, text).properties(
            width=width, height=220, title=t("deaths_by_day", lang)
        ),
        lang,
    )


def _timeline_fa(frame: pd.DataFrame, blackout: str, width: int) -> Any:
    """The Persian timeline: one bar per day (empty days kept), labelled Jalali + Gregorian.

    Vega knows no Jalali calendar, so the axis is ordinal with labels made here,
    e.g. ``۱۸ دی (۰۱-۰۸)``; every day between the first and last is present so gaps
    stay visible.
    """
    from roshan.report.i18n import jalali

    days = pd.date_range(
        min(frame["date"].min(), pd.Timestamp(blackout)),
        max(frame["date"].max(), pd.Timestamp(blackout)),
        freq="D",
    )
    full = (
        frame.set_index("date")["count"]
        .reindex(days, fill_value=0)
        .rename_axis("date")
        .reset_index()
    )

    def label(ts: pd.Timestamp) -> str:
        j = jalali(ts.date()).rsplit(" ", 1)[0]  # day and month, without the year
        return f"{j} ({digits(ts.strftime('%m-%d'), 'fa')})"

    full["label"] = full["date"].map(label)
    order = full["label"].tolist()
    x = alt.X(
        "label:N",
        sort=order,
        title=t("day", "fa"),
        axis=alt.Axis(labelAngle=-60, labelOverlap="greedy"),
    )
    bars = (
        alt.Chart(full)
        .mark_bar(color=OKABE_ITO["vermillion"])
        .encode(x=x, y=alt.Y("count:Q", title=t("count", "fa")))
    )
    mark = pd.DataFrame({"label": [label(pd.Timestamp(blackout))], "text": [t("blackout", "fa")]})
    rule = (
        alt.Chart(mark)
        .mark_rule(strokeDash=[6, 3], strokeWidth=2, color=OKABE_ITO["black"])
        .encode(x=alt.X("label:N", sort=order))
    )
    text = (
        alt.Chart(mark)
        .mark_text(align="left", dx=4, dy=-6, fontSize=11, baseline="top", color=OKABE_ITO["black"])
        .encode(x=alt.X("label:N", sort=order), y=alt.value(0), text="text:N")
    )
    return _config(
        alt.layer(bars, rule, text).properties(
            width=width, height=240, title=t("deaths_by_day", "fa")
        ),
        "fa",
    )


def _period_label(value: str, lang: str) -> str:
    return {
        "before_blackout": t("before_blackout", lang),
        "blackout": t("blackout_period", lang),
        "unknown": t("unknown", lang),
    }.get(value, value)


def period_chart(block: dict[str, Any], lang: str = "en", width: int = 420) -> Any:
    """Documented (diamond) and estimated (dot, bar = interval) deaths per period."""
    rows = []
    est = {r["value"]: r for r in block.get("rows", [])}
    for value, n in sorted(block.get("observed", {}).items()):
        r = est.get(value, {})
        ok = r.get("status") == "ok" and r.get("estimate") is not None
        rows.append(
            {
                "period": _period_label(value, lang),
                "observed": n,
                "estimate": r.get("estimate") if ok else None,
                "lower": r.get("lower") if ok else None,
                "upper": r.get("upper") if ok else None,
            }
        )
    frame = pd.DataFrame(rows)
    y = alt.Y("period:N", title=None, sort=[row["period"] for row in rows])
    base = alt.Chart(frame)
    layers = [
        base.transform_filter("isValid(datum.lower) && isValid(datum.upper)")
        .mark_rule(color=OKABE_ITO["blue"], strokeWidth=3)
        .encode(
            # few ticks, and overlapping labels dropped: at 2,000 and beyond the last two
            # labels of a narrow chart ran into each other ("1,8002,000")
            x=alt.X(
                "lower:Q",
                title=t("count", lang),
                axis=alt.Axis(
                    tickCount=4, labelOverlap="greedy", labelFlush=True, labelSeparation=6
                ),
            ),
            x2="upper:Q",
            y=y,
        ),
        base.transform_filter("isValid(datum.estimate)")
        .mark_point(shape="circle", filled=True, size=80, opacity=1, color=OKABE_ITO["vermillion"])
        .encode(x="estimate:Q", y=y),
        base.mark_point(
            shape="diamond", filled=False, size=80, strokeWidth=2, color=OKABE_ITO["black"]
        ).encode(x="observed:Q", y=y),
    ]
    # Right-to-left marks around the Persian subtitle: charts are drawn left to right, and
    # without them the bidi algorithm sends the trailing «٪» to the other end of the line.
    sub = {
        "en": "diamond = documented, dot = estimate, bar = 95% interval",
        "fa": RLM + "لوزی = مستند، دایره = برآورد، خط = بازهٔ ۹۵٪" + RLM,
    }[lang if lang == "fa" else "en"]
    return _config(
        alt.layer(*layers).properties(
            width=width,
            height=max(60, 34 * len(frame)),
            title=alt.Title(t("by_period", lang), subtitle=sub, subtitleFontSize=11),
        ),
        lang,
    )


def age_sex_chart(age_sex: list[dict[str, Any]], lang: str = "en", width: int = 420) -> Any:
    """Documented victims by age group, split by sex (grouped bars with distinct fills)."""
    frame = pd.DataFrame(age_sex or [{"age_group": "unknown", "sex": "unknown", "count": 0}])
    names = {"m": t("male", lang), "f": t("female", lang), "unknown": t("unknown", lang)}
    frame["sex_label"] = frame["sex"].map(lambda s: names.get(s, s))
    order = ["0-17", "18-29", "30-44", "45-59", "60+", "unknown"]
    dom = [names["m"], names["f"], names["unknown"]]
    return _config(
        alt.Chart(frame)
        .mark_bar(stroke="#000000", strokeWidth=0.5)
        .encode(
            y=alt.Y("age_group:N", sort=order, title=t("age_group", lang)),
            yOffset=alt.YOffset("sex_label:N", sort=dom),
            x=alt.X("count:Q", title=t("count", lang)),
            color=alt.Color(
                "sex_label:N",
                title=t("sex", lang),
                scale=alt.Scale(
                    domain=dom, range=[OKABE_ITO["blue"], OKABE_ITO["orange"], "#BBBBBB"]
                ),
            ),
        )
        .properties(width=width, title=t("age_sex", lang)),
        lang,
    )


def cause_chart(causes: list[dict[str, Any]], lang: str = "en", width: int = 420) -> Any:
    """Documented victims by cause of death (controlled vocabulary), with counts."""
    frame = pd.DataFrame(causes or [{"cause": "unknown", "count": 0}])
    frame["label"] = frame["cause"].str.replace("_", " ")
    order = frame.sort_values("count", ascending=False)["label"].tolist()
    base = alt.Chart(frame).encode(
        y=alt.Y("label:N", sort=order, title=None), x=alt.X("count:Q", title=t("count", lang))
    )
    return _config(
        alt.layer(
            base.mark_bar(color=OKABE_ITO["sky_blue"], stroke=OKABE_ITO["blue"]),
            base.mark_text(align="left", dx=3, fontSize=10).encode(
                text=alt.Text("count:Q", format=",d")
            ),
        ).properties(width=width, title=t("cause", lang)),
        lang,
    )


def estimate_chart(estimate: dict[str, Any], lang: str = "en") -> Any:
    """The distribution of the total (``roshan.estimate.plots.posterior_chart``)."""
    res = result_from_dict(estimate["result"], estimate.get("draws"))
    title = f"{t('estimated_total', lang)} ({res.method})"
    return _estimate_font(posterior_chart(res, title=title, words=chart_words(lang)), lang)


def strata_estimate_chart(
    block: dict[str, Any], lang: str = "en", label: Callable[[str], str] | None = None
) -> Any | None:
    """One row per stratum of a stored stratified run (``plots.strata_chart``); None without.

    ``label`` turns a stratum value (``IR-23``, ``blackout``) into the edition's words.
    """
    run = block.get("run")
    if not run or not block.get("rows"):
        return None
    dim = block["dim"]
    name = label or (lambda v: v)
    strata = [
        {
            dim: name(r["value"]),
            "observed": r["observed"],
            "estimate": r["estimate"],
            "lower": r["lower"],
            "upper": r["upper"],
            "status": r["status"],
        }
        for r in block["rows"]
    ]
    res = EstimateResult(
        method=run["method"],
        lists=[],
        observed=sum(r["observed"] for r in block["rows"]),
        estimate=run.get("estimate"),
        lower=run.get("lower"),
        upper=run.get("upper"),
        level=run.get("level", 0.95),
        strata=strata,
    )
    chart = strata_chart(
        res, title=f"{t('strata', lang)}: {t('dim_' + dim, lang)}", words=chart_words(lang)
    )
    return _estimate_font(chart, lang)


_TEXT = re.compile(r"(<text[^>]*>)([^<]*)(</text>)")
#: A Latin word with its digits (a list called ``c1``, ``NGO-2``): its digits stay Latin.
_LATIN_WORD = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)")


def _fa_digits(text: str) -> str:
    """Persian digits in ``text`` except inside Latin words (``c1`` stays ``c1``, as in tables)."""
    parts = _LATIN_WORD.split(text)
    return "".join(p if i % 2 else digits(p, "fa") for i, p in enumerate(parts))


def to_svg(chart: Any, lang: str = "en") -> str:
    """Render ``chart`` to an SVG string offline; Persian digits in its text for ``fa``."""
    svg = chart_to_svg(chart)
    if lang == "fa":
        svg = _TEXT.sub(lambda m: m.group(1) + _fa_digits(m.group(2)) + m.group(3), svg)
    return svg
