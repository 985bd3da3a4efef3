"""Persian text in the PDF's figures is shaped and ordered right to left. SYNTHETIC data only.

WeasyPrint draws SVG ``<text>`` letter by letter, so the Persian PDF's chart titles
printed reversed and unjoined («برآورد شمار کل» as «لک رامش دروآرب»). The PDF now
draws those figures as PNGs from resvg (``roshan.report.printfig``). These tests check
resvg's shaping and bidi on pixels, and the built PDFs with poppler.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from roshan.report.charts import _fa_digits
from roshan.report.printfig import has_persian_text, print_figures


def _svg(text: str, size: int = 40, width: int = 200) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="80">'
        f'<rect width="100%" height="100%" fill="white"/>'
        f'<text x="{width // 2}" y="55" font-family="Vazirmatn" font-size="{size}" '
        f'text-anchor="middle">{text}</text></svg>'
    )


def _ink(html: str) -> np.ndarray:
    """The dark pixels (True) of the single PNG that ``print_figures`` made of ``html``."""
    m = re.search(r'src="data:image/png;base64,([^"]+)"', print_figures(html, scale=2))
    assert m, "no PNG made"
    img = Image.open(io.BytesIO(base64.b64decode(m.group(1)))).convert("L")
    return np.asarray(img) < 128


def test_only_figures_with_persian_text_become_images() -> None:
    en, fa = _svg("Estimated total"), _svg("برآورد شمار کل")
    assert not has_persian_text(en) and has_persian_text(fa)
    # Persian in a tooltip <title> only is not printed text
    assert not has_persian_text(en.replace("</svg>", "<title>استان</title></svg>"))
    out = print_figures(f"<p>x</p><figure>{en}</figure><figure>{fa}</figure>")
    assert out.count("<svg") == 1 and "Estimated total" in out
    assert out.count('<img class="print-figure"') == 1
    assert 'alt="برآورد شمار کل"' in out and "max-width:200px" in out


def test_letters_are_joined() -> None:
    """Four joined behs are far narrower than four isolated ones: the text is shaped."""

    def width(text: str) -> int:
        cols = np.flatnonzero(_ink(_svg(text, width=400)).any(axis=0))
        return int(cols[-1] - cols[0])

    one = width("ب")
    joined = width("بببب")
    assert joined < 3 * one, (one, joined)  # isolated forms side by side would be ≥ 4×


def test_words_run_right_to_left() -> None:
    """«آب»: the tall alef is drawn right of the beh (first letter rightmost)."""
    ink = _ink(_svg("آب", size=60))
    cols = np.flatnonzero(ink.any(axis=0))
    mid = (cols[0] + cols[-1]) // 2
    top_left = np.flatnonzero(ink[:, : mid + 1].any(axis=1))[0]
    top_right = np.flatnonzero(ink[:, mid + 1 :].any(axis=1))[0]
    assert top_right < top_left - 10, (top_left, top_right)  # alef rises above the beh


def test_list_names_keep_latin_digits_in_persian_charts() -> None:
    assert _fa_digits("c1 + c2: 1,234 (95%)") == "c1 + c2: ۱٬۲۳۴ (۹۵%)"


def _run(*cmd: str) -> str:
    if shutil.which(cmd[0]) is None:
        pytest.skip(f"poppler ({cmd[0]}) is not installed")
    return subprocess.run(list(cmd), capture_output=True, text=True, check=True).stdout


def _figure_texts(html: str) -> list[str]:
    """Persian words printed inside the report's figures (SVG ``<text>``)."""
    words: list[str] = []
    for svg in re.findall(r"<svg\b.*?</svg>", html, flags=re.S):
        for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg):
            words += [w for w in unescape(t).split() if len(w) >= 4 and re.search("[آ-ی]", w)]
    return words


def test_persian_pdf_has_no_reversed_figure_text(built_reports) -> None:
    html = built_reports["fa"].read_text(encoding="utf-8")
    pdf: Path = built_reports["fa_pdf"]
    words = _figure_texts(html)
    assert len(set(words)) >= 10, words
    text = _run("pdftotext", str(pdf), "-")
    reversed_words = {w[::-1] for w in words} - set(words)
    found = sorted(w for w in reversed_words if w in text)
    assert not found, f"letter-reversed figure text in the Persian PDF: {found[:5]}"
    figures = sum(has_persian_text(s) for s in re.findall(r"<svg\b.*?</svg>", html, flags=re.S))
    images = [
        row
        for row in _run("pdfimages", "-list", str(pdf)).splitlines()[2:]
        if row.split()[2] == "image"  # not the alpha masks (smask)
    ]
    assert figures >= 5 and len(images) == figures, (figures, len(images))


def test_english_pdf_keeps_vector_figures(built_reports) -> None:
    pdf: Path = built_reports["en_pdf"]
    assert len(_run("pdfimages", "-list", str(pdf)).splitlines()) == 2  # header only
    text = _run("pdftotext", str(pdf), "-")
    assert "Overlaps between lists" in text
