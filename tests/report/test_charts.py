"""Chart functions on small hand-made inputs (no workspace): SVG out, escaped, Persian digits."""

from __future__ import annotations

import re

from roshan.report import charts


def test_upset_escapes_hostile_list_names() -> None:
    names = ["<script>alert(1)</script>", "B&C"]
    svg = charts.to_svg(
        charts.upset_chart([{"lists": names, "count": 5}, {"lists": ["B&C"], "count": 3}], names)
    )
    assert "<script" not in svg and "&lt;script&gt;" in svg and "B&amp;C" in svg
    assert svg.lstrip().startswith("<svg")


def test_timeline_marks_blackout_and_persian_digits() -> None:
    days = [{"date": "2026-01-06", "count": 12}, {"date": "2026-01-09", "count": 40}]
    en = charts.to_svg(charts.timeline_chart(days, "2026-01-08", "en"))
    assert "internet blackout" in en
    fa = charts.to_svg(charts.timeline_chart(days, "2026-01-08", "fa"), "fa")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", fa)
    assert any("دی" in t for t in texts)
    assert not any(re.search(r"[0-9]", t) for t in texts)  # Persian digits only
    # every day between first and last is drawn (gaps stay visible): 4 day labels
    assert sum(1 for t in texts if "دی" in t and "(" in t) >= 3


def test_profile_charts_render() -> None:
    age_sex = [
        {"age_group": "18-29", "sex": "m", "count": 10},
        {"age_group": "18-29", "sex": "f", "count": 4},
        {"age_group": "unknown", "sex": "unknown", "count": 1},
    ]
    svg = charts.to_svg(charts.age_sex_chart(age_sex))
    assert "male" in svg and "female" in svg
    svg = charts.to_svg(charts.cause_chart([{"cause": "live_ammunition", "count": 7}]))
    assert "live ammunition" in svg


def _period_block(estimate: float, lower: float, upper: float) -> dict:
    """A by-period estimate block: one estimable period, one not, and the total run."""
    return {
        "dim": "period",
        "observed": {"before_blackout": 10, "blackout": 30},
        "run": {
            "id": 1,
            "method": "loglinear",
            "estimate": estimate,
            "lower": lower,
            "upper": upper,
            "level": 0.95,
            "stale": False,
        },
        "rows": [
            {
                "value": "before_blackout",
                "observed": 10,
                "estimate": 15.0,
                "lower": 11.0,
                "upper": 22.0,
                "status": "ok",
            },
            {
                "value": "blackout",
                "observed": 30,
                "estimate": None,
                "lower": None,
                "upper": None,
                "status": "not_estimable",
            },
        ],
    }


def test_period_and_strata_charts() -> None:
    block = _period_block(60.0, 50.0, 80.0)
    svg = charts.to_svg(charts.period_chart(block))
    assert "before the blackout" in svg and "during the blackout" in svg
    chart = charts.strata_estimate_chart(block, label=lambda v: v.upper())
    svg = charts.to_svg(chart)
    assert "BEFORE_BLACKOUT" in svg and "not estimable" in svg
    assert (
        charts.strata_estimate_chart({"dim": "sex", "observed": {}, "run": None, "rows": []})
        is None
    )


def test_result_round_trip() -> None:
    doc = _estimate_doc(100, 150.0, 120.0, 200.0, method="loglinear")
    res = charts.result_from_dict(doc, draws=[140.0, 150.0, 160.0])
    assert res.to_dict() == doc and res.draws is not None and len(res.draws) == 3


_ENGLISH = re.compile(r"[A-Za-z]{3,}")  # any English word (the method name is taken out first)


def _estimate_doc(
    observed: int, estimate: float, lower: float, upper: float, method: str = "lcmcr"
) -> dict:
    return {
        "method": method,
        "lists": ["A", "B", "C"],
        "observed": observed,
        "estimate": estimate,
        "lower": lower,
        "upper": upper,
        "level": 0.95,
        "model": None,
        "diagnostics": {},
        "warnings": [],
        "strata": [],
    }


def test_persian_estimate_chart_has_no_english_words() -> None:
    import numpy as np

    from roshan.estimate.plots import WORDS
    from roshan.report.i18n import t

    rng = np.random.default_rng(3)
    cases = [  # a narrow posterior (linear axis) and a very skewed one (log axis)
        (
            {
                "result": _estimate_doc(1234, 1500.0, 1300.0, 1900.0),
                "draws": rng.normal(1500, 150, 2000).tolist(),
            },
            False,
        ),
        (
            {
                "result": _estimate_doc(150, 2000.0, 200.0, 90000.0),
                "draws": np.exp(rng.uniform(np.log(150), np.log(1e5), 2000)).tolist(),
            },
            True,
        ),
    ]
    for est, log_x in cases:
        fa = charts.to_svg(charts.estimate_chart(est, "fa"), "fa")
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", fa)
        joined = " ".join(texts)
        assert t("chart_n_axis", "fa") in joined  # Persian axis title
        assert ("مقیاس لگاریتمی" in joined) is log_x
        assert "مستند: ۱٬۲۳۴" in joined or "مستند: ۱۵۰" in joined  # observed marker
        assert "برآورد: ۱٬۵۰۰" in joined or "برآورد: ۲٬۰۰۰" in joined
        assert "کران پایین ۹۵٪" in joined and "کران بالا ۹۵٪" in joined
        assert {"برآورد", "بازه", "مستند"} <= set(texts)  # legend entries
        assert not [x for x in texts if _ENGLISH.search(x.replace("lcmcr", ""))], texts
        assert not re.search(r"[0-9]", joined)  # Persian digits only
        # the English edition is as before: the plots module's own English words
        en = charts.to_svg(charts.estimate_chart(est, "en"))
        assert "Total number of people (N)" in en and "observed: " in en
        assert ("logarithmic scale" in en) is log_x
        assert "95% upper: " in en and ">interval<" in en
        assert "مستند" not in en
    # the catalog's English is exactly the charts' defaults (no drift between the two)
    assert charts.chart_words("en") == WORDS
    assert all(charts.chart_words("fa")[k] != v for k, v in WORDS.items())


def test_persian_strata_chart_has_no_english_words() -> None:
    block = _period_block(6000.0, 5000.0, 8000.0)
    names = {"before_blackout": "پیش از قطع اینترنت", "blackout": "در دورهٔ قطع اینترنت"}
    fa = charts.to_svg(charts.strata_estimate_chart(block, "fa", label=names.get), "fa")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", fa)
    joined = " ".join(texts)
    assert "شمار افراد" in joined and "در دورهٔ قطع اینترنت (برآوردناپذیر)" in joined
    assert "خط = بازهٔ ۹۵٪" in joined and "کل ۶٬۰۰۰ [۵٬۰۰۰، ۸٬۰۰۰]" in joined
    assert not [x for x in texts if _ENGLISH.search(x)], texts
    en = charts.to_svg(charts.strata_estimate_chart(block, "en"))
    assert "Number of people" in en and "blackout (not estimable)" in en
    assert "dot = estimate, bar = 95% interval, diamond = observed; total 6,000" in en
