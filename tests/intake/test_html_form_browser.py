"""The offline HTML form in a real browser (Debian chromium via Playwright), no network.

Fills the form, attaches a SYNTHETIC photo, saves, and imports the downloaded
bundle. Skips with a reason when chromium or Playwright is missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyrage
import pytest
from sqlalchemy import select

from roshan.intake import importer as I
from roshan.intake.html_form import render_form
from roshan.intake.keys import OrgKeys
from roshan.store.models import IntakeReport, Record

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian chromium not installed (apt-get install -y chromium)",
    ),
]


def test_form_in_browser_encrypts_and_imports(
    tmp_path: Path, org: OrgKeys, workspace, make_jpeg
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "roshan-form.html"
    page_file.write_text(render_form(org.public.recipient), "utf-8")
    photo = tmp_path / "IMG_2026.jpg"
    photo.write_bytes(make_jpeg())
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            ctx = browser.new_context(accept_downloads=True, offline=True)
            page = ctx.new_page()
            page.on("request", lambda r: requests.append(r.url))
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri())
            assert page.locator("html").get_attribute("dir") == "rtl"
            page.click("#lang")  # switch to English
            assert page.locator("html").get_attribute("dir") == "ltr"
            page.fill("#f_full_name", "SYNTHETIC Browser Person")
            page.fill("#f_city", "SYNTHETIC-City")
            page.fill("#circumstances", "SYNTHETIC account")
            page.fill("#witness", "SYNTHETIC contact")
            page.set_input_files("#files", str(photo))
            with page.expect_download(timeout=60_000) as dl:
                page.click("#save")
            target = tmp_path / dl.value.suggested_filename
            dl.value.save_as(target)
            page.wait_for_function("document.getElementById('status').className === 'ok'")
            assert page.input_value("#f_full_name") == ""  # form cleared after saving
            assert errors == []
        finally:
            browser.close()
    assert all(u.startswith(("file:", "blob:", "data:")) for u in requests), requests
    data = target.read_bytes()
    assert target.name.endswith(".rbundle") and b"SYNTHETIC" not in data
    sm = I.import_bundles(workspace, [target], [org.identity])
    assert sm.reports_new == 1 and sm.attachments == 1
    with workspace.engine.connect() as c:
        assert c.execute(select(Record.full_name)).scalar() == "SYNTHETIC Browser Person"
        att = c.execute(select(IntakeReport.attachments)).scalar()[0]
    stored = pyrage.decrypt(
        (workspace.root / "intake" / "blobs" / "attachments" / f"{att['blob']}.age").read_bytes(),
        [org.identity],
    )
    assert att["metadata_stripped"] and b"SYNTHETIC-CAMERA" not in stored
