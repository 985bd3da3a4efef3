"""The built report files: self-contained HTML (en/fa), PDF, and the report-time estimate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from roshan.errors import RoshanError


def _html(paths: dict[str, Path], lang: str) -> str:
    return paths[lang].read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_html_is_self_contained(built_reports, lang: str) -> None:
    html = _html(built_reports, lang)
    assert "<script" not in html.lower()  # works with no JavaScript at all
    # nothing fetched from elsewhere: every src/href is a data: URI or an in-page anchor
    refs = re.findall(r'\b(?:src|href)\s*=\s*"([^"]*)"', html)
    assert all(r.startswith(("data:", "#")) for r in refs), [
        r for r in refs if not r.startswith(("data:", "#"))
    ]
    assert not re.search(r"url\((?!data:)", html)
    assert "@import" not in html
    assert "data:font/woff2;base64," in html  # the Persian font is inside the file
    assert html.count("<svg") >= 8  # estimate, upset, timeline, period, 2 maps, victims, strata


def test_english_contents(built_reports) -> None:
    html = _html(built_reports, "en")
    assert 'lang="en"' in html and 'dir="ltr"' in html
    assert "SYNTHETIC DATA" in html and 'id="synthetic-banner"' in html
    for section in (
        "headline",
        "sources",
        "timeline",
        "map",
        "strata",
        "victims",
        "quality",
        "method",
        "repro",
    ):
        assert f'id="{section}"' in html, section
    assert "internet blackout" in html
    assert "not only how many people were killed" in html  # the timeline warning
    assert "Natural Earth" in html  # map attribution
    assert re.search(r'id="fingerprint">[0-9a-f]{64}<', html)
    assert "roshan 0." in html
    assert 'id="map-estimated"' in html  # province strata are stored in the fixture
    assert "not estimable" in html or "estimated" in html
    # strata charts speak the reader's words, not codes
    assert re.search(r"<text[^>]*>Tehran \(IR-23\)</text>", html)
    assert re.search(r"<text[^>]*>during the blackout</text>", html)


def test_persian_edition(built_reports) -> None:
    html = _html(built_reports, "fa")
    assert 'lang="fa"' in html and 'dir="rtl"' in html
    assert "داده‌های ساختگی" in html
    doc = re.search(r'id="documented-count">([^<]+)<', html).group(1)
    assert re.fullmatch(r"[۰-۹٬]+", doc), doc  # Persian digits
    assert "دی ۱۴۰۴" in html  # a Jalali date (the blackout, 18 Dey 1404)
    assert "(۲۰۲" in html  # Gregorian beside the Jalali date


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_pdf_written(built_reports, lang: str) -> None:
    pdf = built_reports[lang + "_pdf"]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 20_000
    assert data.rstrip().endswith(b"%%EOF")  # complete, not a half-written file
    assert not pdf.with_name(pdf.name + ".tmp").exists()


def test_bad_language(report_workspaces, tmp_path: Path) -> None:
    from roshan.report.build import build_report

    with pytest.raises(RoshanError):
        build_report(report_workspaces.ws, tmp_path / "r.html", lang="de")
    assert not (tmp_path / "r.html").exists()


@pytest.mark.slow
def test_estimate_computed_when_none_stored(report_workspaces, tmp_path: Path) -> None:
    """No stored estimate: the report computes one with the default method, says so, stores it."""
    from sqlalchemy import select

    from roshan.estimate.methods import DEFAULT_METHOD
    from roshan.report.build import build_report
    from roshan.store.models import EstimateRun
    from roshan.store.workspace import Workspace

    ws = Workspace.open(report_workspaces.bare)
    try:
        with ws.session() as sess:
            assert sess.scalars(select(EstimateRun)).first() is None
        out = build_report(ws, tmp_path / "r.html")
        html = out.read_text(encoding="utf-8")
        assert "No stored estimate was found" in html and f"({DEFAULT_METHOD})" in html
        assert 'id="estimate-value"' in html
        with ws.session() as sess:
            runs = list(sess.scalars(select(EstimateRun)))
        assert len(runs) == 1 and runs[0].method == DEFAULT_METHOD and runs[0].by == []
        assert runs[0].settings["computed_by"] == "roshan report"
        # strata were not stored: the report says so, for its readers (not the operator's
        # command, issue 15 item 10), instead of inventing them
        assert "No estimate by province has been made" in html
        assert "--estimate-strata" not in html
    finally:
        ws.close()


def test_estimate_strata_stores_runs_the_report_shows(report_workspaces, tmp_path: Path) -> None:
    """``--estimate-strata`` path: one stored run per dimension, then shown in the report."""
    import shutil

    from sqlalchemy import select

    from roshan.report.build import build_report
    from roshan.report.data import estimate_strata
    from roshan.store.models import EstimateRun
    from roshan.store.workspace import Workspace

    shutil.copytree(report_workspaces.bare, tmp_path / "ws")
    ws = Workspace.open(tmp_path / "ws")
    try:
        # cheap settings for the test (fixed independence model, few replicates)
        ids = estimate_strata(ws, ["sex", "period"], terms="", bootstrap=5)
        assert set(ids) == {"sex", "period"}
        with ws.session() as sess:
            # (the total may already be stored by the report-time-estimate test)
            runs = {tuple(r.by): r for r in sess.scalars(select(EstimateRun)) if r.by}
        assert set(runs) == {("sex",), ("period",)}
        assert runs[("sex",)].settings["computed_by"] == "roshan report"
        html = build_report(ws, tmp_path / "r.html", compute_missing=False).read_text("utf-8")
        assert 'class="strata" data-dim="sex"' in html
        assert 'class="strata" data-dim="period"' in html
        assert 'class="strata-observed" data-dim="province"' in html  # not estimated: counts
        assert 'id="period-chart"' in html
    finally:
        ws.close()


def test_persian_timeline_has_jalali_days(built_reports) -> None:
    html = _html(built_reports, "fa")
    chart = html[html.index('id="timeline-chart"') :]
    chart = chart[: chart.index("</figure>")]
    assert re.search(r"<text[^>]*>۱۸ دی \(۰۱-۰۸\)</text>", chart)  # blackout day, both calendars
