"""Issue 15 (items 7-10): reports people can publish, in both editions. SYNTHETIC data only.

Every PDF page says SYNTHETIC, has a page number and the data date; the Persian PDF
embeds Vazirmatn; the headline sentence gives the same facts in both editions, in the
edition's digits; reader-facing text names the method and does not tell readers to run
commands; the period chart's tick labels do not collide.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

LATIN_DIGIT = re.compile(r"[0-9]")


def _pages(pdf: Path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler (pdftotext) is not installed")
    n = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout,
        ).group(1)
    )
    return [
        subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for i in range(1, n + 1)
    ]


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_every_pdf_page_says_synthetic_with_number_and_data_date(built_reports, lang):
    pages = _pages(built_reports[lang + "_pdf"])
    assert len(pages) > 2
    for i, text in enumerate(pages, start=1):
        assert "SYNTHETIC" in text, f"page {i} has no SYNTHETIC label"
        if lang == "en":
            assert f"page {i} of {len(pages)}" in text, f"page {i} has no page number"
            assert "data as of" in text, f"page {i} has no data date"
        else:
            from roshan.i18n import persian_digits

            assert persian_digits(str(len(pages))) in text and "از" in text, i
            assert "داده‌ها تا" in text or "دادهها تا" in text, f"page {i} has no data date"


def test_persian_pdf_embeds_vazirmatn(built_reports):
    if shutil.which("pdffonts") is None:
        pytest.skip("poppler (pdffonts) is not installed")
    fonts = subprocess.run(
        ["pdffonts", str(built_reports["fa_pdf"])], capture_output=True, text=True, check=True
    ).stdout
    assert "Vazirmatn" in fonts, fonts


def _headline(html: str) -> str:
    m = re.search(r'id="headline-sentence">([^<]*)<', html)
    assert m, "no headline sentence"
    return m.group(1)


def test_headline_sentence_same_facts_in_both_editions(built_reports):
    en = built_reports["en"].read_text(encoding="utf-8")
    fa = built_reports["fa"].read_text(encoding="utf-8")
    h_en, h_fa = _headline(en), _headline(fa)
    assert "on no list" in h_en and "Method:" in h_en
    assert "هیچ فهرستی" in h_fa and "روش:" in h_fa
    # Persian digits only (LCMCR and such are letters; no Latin digit anywhere)
    assert not LATIN_DIGIT.search(h_fa), h_fa
    en_numbers = re.findall(r"\d[\d,]*", h_en)
    from roshan.i18n import persian_digits

    for n in en_numbers:
        assert persian_digits(n.replace(",", "٬")) in h_fa, (n, h_fa)
    # the estimator's summary printed in the Persian edition uses Persian digits too
    summary = re.search(r'<pre class="summary"[^>]*>(.*?)</pre>', fa, re.S).group(1)
    assert not LATIN_DIGIT.search(re.sub(r"[A-Za-z_]+[0-9]+", "", summary)), summary[:300]


def test_reader_facing_text(built_reports):
    for lang in ("en", "fa"):
        html = built_reports[lang].read_text(encoding="utf-8")
        assert "roshan report WS" not in html and "--estimate-strata" not in html
    en = built_reports["en"].read_text(encoding="utf-8")
    method = re.search(r'id="estimate-method">([^<]*)<', en).group(1)
    assert "—" in method and len(method) > 30  # says what the method is, not just its name
    fa = built_reports["fa"].read_text(encoding="utf-8")
    assert "مدل" in re.search(r'id="estimate-method">([^<]*)<', fa).group(1)
    # list kinds in words, not stored codes
    assert "<td>ngo_list</td>" not in en and "<td>family_report</td>" not in fa


def test_full_name_missing_is_explained_when_names_are_split():
    from roshan.report.build import render_html  # noqa: F401 - the template is what we test
    from roshan.report.i18n import t

    assert "given and family names" in t("field_full_name_split", "en")


def test_period_chart_tick_labels_do_not_collide():
    from roshan.report.charts import period_chart, to_svg

    block = {
        "observed": {"before_blackout": 300, "blackout": 1_900},
        "rows": [
            {
                "value": "before_blackout",
                "status": "ok",
                "estimate": 420,
                "lower": 350,
                "upper": 600,
            },
            {
                "value": "blackout",
                "status": "ok",
                "estimate": 2_050,
                "lower": 1_950,
                "upper": 2_300,
            },
        ],
    }
    svg = to_svg(period_chart(block, "en"), "en")
    axis = re.search(r'aria-label="X-axis.*?</g></g></g>', svg, re.S)
    assert axis, "no x axis"
    labels = [
        (float(x), text)
        for x, text in re.findall(
            r'<text[^>]*transform="translate\(([-\d.]+),[-\d.]+\)"[^>]*>([\d,]+)</text>',
            axis.group(0),
        )
    ]
    assert len(labels) >= 2
    labels.sort()
    for (x1, a), (x2, b) in zip(labels, labels[1:], strict=False):
        # 11px text: about 6.5px a character; centred labels need half of each
        assert x2 - x1 > 3.3 * (len(a) + len(b)), (a, b, x2 - x1)


def test_persian_chart_subtitle_keeps_percent_in_its_run():
    from roshan.report.charts import RLM, period_chart, to_svg

    block = {"observed": {"before_blackout": 3, "blackout": 5}, "rows": []}
    svg = to_svg(period_chart(block, "fa"), "fa")
    assert "۹۵٪" + RLM in svg or "۹۵٪&#8207;" in svg or "۹۵٪\u200f" in svg
