"""The report in real headless Chromium (Debian's, via Playwright) and the PDF as pictures.

No console errors, no network request of any kind (only the file:// page and
data: URIs), charts and maps drawn with data marks, right-to-left layout in the
Persian edition; PDF pages rasterised with pdftoppm and checked to be non-empty.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian chromium not installed (apt-get install -y chromium)",
    ),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def _open(browser, path: Path):
    page = browser.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(200)
    return page, requests, problems


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_report_in_chromium(browser, built_reports, lang: str) -> None:
    page, requests, problems = _open(browser, built_reports[lang])
    try:
        assert problems == []
        others = [
            u for u in requests if not (u == built_reports[lang].as_uri() or u.startswith("data:"))
        ]
        assert others == [], others
        # charts: Vega SVGs with data marks
        assert page.locator("#timeline-chart svg path, #timeline-chart svg rect").count() > 5
        assert page.locator("#upset svg").count() == 1
        assert page.locator("#upset svg path, #upset svg rect").count() > 5
        assert page.locator("#age-sex-chart svg").count() == 1
        # maps: one path per province, filled, with values
        assert page.locator("#map-documented path.province").count() >= 31
        filled = page.locator("#map-documented path.province[data-value]:not([data-value=''])")
        assert filled.count() > 5
        assert page.locator("#map-estimated path.province").count() >= 31
        box = page.locator("#map-documented svg").bounding_box()
        assert box and box["width"] > 200 and box["height"] > 200  # drawn, not collapsed
        assert page.locator("#synthetic-banner").is_visible()
        direction = page.evaluate("getComputedStyle(document.body).direction")
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "fa" else "ltr")
        assert direction == ("rtl" if lang == "fa" else "ltr")
        if lang == "fa":
            # the font is really used: Vazirmatn was loaded from the inlined data
            loaded = page.evaluate("document.fonts.check('16px Vazirmatn')")
            assert loaded is True
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_pdf_pages_render(built_reports, tmp_path: Path, lang: str) -> None:
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) not installed")
    from PIL import Image, ImageStat

    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(built_reports[lang + "_pdf"]), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 4
    for png in pages:
        img = Image.open(png).convert("L")
        # not blank: some dark ink on every page
        assert ImageStat.Stat(img).extrema[0][0] < 100, png.name
        assert sum(img.histogram()[:200]) > 200, png.name
