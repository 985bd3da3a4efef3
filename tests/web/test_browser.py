"""End to end in real headless Chromium (Debian /usr/bin/chromium via Playwright).

The app runs under uvicorn in a background thread on 127.0.0.1 with a free port;
every test uses a fresh browser context (its own cookies). SYNTHETIC data only.
Covers sign-in, upload with preview, review by keyboard, the dashboard and job
progress, the Persian right-to-left layout, and every role reaching only what it may.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from webkit import PASSWORDS, make_app

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(linked_template: Path, tmp_path_factory: pytest.TempPathFactory):
    """(base url, workspace) of a live server over a private copy of the linked workspace."""
    import uvicorn

    from roshan.store.workspace import Workspace

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")
    dest = tmp_path_factory.mktemp("browser-ws") / "ws"
    shutil.copytree(linked_template, dest)
    ws = Workspace.open(dest)
    app = make_app(ws)
    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", ws
    srv.should_exit = True
    thread.join(timeout=10)
    app.state.jobs.shutdown()
    ws.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page_for(browser, server):
    base, _ = server
    contexts = []

    def make(role: str | None = None, lang: str = "en"):
        ctx = browser.new_context(locale="fa-IR" if lang == "fa" else "en-US")
        contexts.append(ctx)
        page = ctx.new_page()
        page.csp_errors = []
        page.on(
            "console",
            lambda m: (
                page.csp_errors.append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        if role:
            sign_in(page, base, role)
        return page

    yield make
    for ctx in contexts:
        ctx.close()


def sign_in(page, base: str, role: str, password: str | None = None) -> None:
    page.goto(base + "/login")
    page.fill("#username", role)
    page.fill("#password", password or PASSWORDS[role])
    page.click("#sign-in")
    page.wait_for_load_state()


def test_sign_in_and_dashboard(page_for, server) -> None:
    base, _ = server
    page = page_for()
    page.goto(base + "/")
    assert page.url.endswith("/login")  # not signed in: sent to sign-in
    sign_in(page, base, "viewer", "wrong-password-1")
    assert page.locator("#login-error").is_visible()
    sign_in(page, base, "viewer")
    assert page.url == base + "/"
    assert page.locator("#estimate-value").inner_text().replace(",", "").isdigit()
    assert "–" in page.locator("#estimate-interval").inner_text()
    assert page.locator("#timeline svg").count() == 1  # the report module's timeline chart
    assert page.locator("#map svg path").count() >= 31  # its province map
    assert page.csp_errors == []
    cookies = page.context.cookies()
    sess = next(c for c in cookies if c["name"] == "roshan_session")
    assert sess["httpOnly"] and sess["secure"] and sess["sameSite"] == "Strict"
    page.click("#logout")
    page.goto(base + "/")
    assert page.url.endswith("/login")


def test_upload_with_preview(page_for, server, tmp_path) -> None:
    base, ws = server
    csv = tmp_path / "SYNTHETIC-browser-list.csv"
    csv.write_text(
        "record_id,full_name,sex,date_of_death,province\n"
        "B1,SYNTHETIC Browser Alpha,male,2026-01-09,Tehran\n"
        "B2,SYNTHETIC Browser Beta,female,2026-01-10,Fars,extra-cell\n",
        encoding="utf-8",
    )
    page = page_for("analyst")
    page.click("#nav-upload")
    page.set_input_files("#file", str(csv))
    page.fill("#source_name", "SYNTHETIC-BROWSER")
    page.select_option("#source_kind", "ngo_list")
    page.click("#upload-submit")
    page.wait_for_selector("#preview")
    assert "utf" in page.locator("#detected-encoding").inner_text().lower()
    assert "full_name" in page.locator("#mapping").inner_text()
    assert "SYNTHETIC Browser Alpha" in page.locator("#preview-rows").inner_text()
    page.click("#confirm-import")
    page.wait_for_selector("#rejected")
    assert page.locator("#rows-accepted").inner_text() == "1"
    assert page.locator("#rows-rejected").inner_text() == "1"
    assert page.locator("#rejected tbody tr").count() == 1
    assert page.csp_errors == []


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_upload_preview_of_a_list_without_mapping(page_for, server, tmp_path, lang) -> None:
    """Free-form headers, a second name column, no date column, a place for the whole
    list: the preview shows the guessed columns, the rows filled from the second name
    column, the list's place and the notes. Screenshots:
    test-artifacts/screens/upload-form-<lang>.png and upload-preview-<lang>.png."""
    base, ws = server
    csv = tmp_path / f"SYNTHETIC-free-{lang}.csv"
    csv.write_text(
        "ردیف,Full Name,Name (Farsi),سن,M/F,کد ملی,تاریخ دفن\n"
        "1,SYNTHETIC Free Alpha,,25,M,0499370899,1404/10/20\n2,,نام آزمایشی,31,F,,\n",
        encoding="utf-8",
    )
    page = page_for("analyst", lang=lang)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/upload")
    page.set_input_files("#file", str(csv))
    page.fill("#source_name", f"SYNTHETIC-FREE-{lang}")
    page.select_option("#source_kind", "ngo_list")
    page.fill("#list_place", "کرج")  # the place of the whole list, as ingest --place
    from roshan.web.i18n import t

    assert t(lang, "list_place_hint") in page.locator("#upload-form").inner_text()
    (ARTEFACTS / "screens").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "screens" / f"upload-form-{lang}.png"), full_page=True)
    page.click("#upload-submit")
    page.wait_for_selector("#preview")
    assert "Karaj, Alborz" in page.locator("#list-place").inner_text()
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "fa" else "ltr")
    mapping = page.locator("#mapping").inner_text()
    assert "full_name" in mapping and "sex" in mapping and "age" in mapping
    # a register's national ID and burial date are fields of their own, labelled
    assert "national_id" in mapping and "date_of_burial" in mapping
    assert t(lang, "field_national_id") in mapping and t(lang, "field_date_of_burial") in mapping
    rows = page.locator("#preview-rows").inner_text()
    assert "SYNTHETIC Free Alpha" in rows and "نام آزمایشی" in rows
    assert t(lang, "guessed_from_header") in mapping  # ردیف, Name (Farsi), M/F
    # no date of death, but a date of burial: the note says the burial stands in
    assert page.locator("#no-date-of-death").inner_text() == t(lang, "no_dod_column_burial")
    (ARTEFACTS / "screens").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "screens" / f"upload-preview-{lang}.png"), full_page=True)
    assert page.csp_errors == []


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_upload_preview_of_a_workbook_over_two_sheets(page_for, server, tmp_path, lang) -> None:
    """A list split over two sheets, each with Persian headers over English ones: the
    preview shows rows of both sheets, the sheet each came from and the notes, and no
    row called "Full name". Screenshot: test-artifacts/screens/upload-sheets-<lang>.png."""
    import openpyxl

    base, ws = server
    x = tmp_path / f"SYNTHETIC-sheets-{lang}.xlsx"
    wb = openpyxl.Workbook()
    for i, city in enumerate(("Zahedan", "Karaj")):
        sheet = wb.active if i == 0 else wb.create_sheet()
        sheet.title = city
        sheet.append(["نام و نام خانوادگی", "سن", "تاریخ جان\u200cباختن"])
        sheet.append(["Full name", "Age", "Date of death"])
        sheet.append([f"SYNTHETIC Sheet {city}", 30, "1404/10/19"])
    wb.save(x)
    page = page_for("analyst", lang=lang)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/upload")
    page.set_input_files("#file", str(x))
    page.fill("#source_name", f"SYNTHETIC-SHEETS-{lang}")
    page.select_option("#source_kind", "ngo_list")
    page.click("#upload-submit")
    page.wait_for_selector("#preview")
    rows = page.locator("#preview-rows").inner_text()
    assert "SYNTHETIC Sheet Zahedan" in rows and "SYNTHETIC Sheet Karaj" in rows
    assert "Full name" not in rows
    assert page.locator("#preview-rows tbody tr").count() == 2  # no blank row for the skipped one
    said = page.locator("#preview").inner_text()
    if lang == "fa":  # the reader's notes in Persian, the sheet names as written
        assert "read 2 sheets" not in said and "repeats the column names" not in said
        assert "۲ برگه با ستون‌های یکسان به‌صورت یک فهرست خوانده شدند" in said
        assert "'Zahedan', 'Karaj'" in said
        assert "ردیف زیر سرستون‌ها نام ستون‌ها را تکرار می‌کند" in said
    else:
        assert "read 2 sheets with the same columns" in said
        assert "repeats the column names" in said
    (ARTEFACTS / "screens").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "screens" / f"upload-sheets-{lang}.png"), full_page=True)
    assert page.csp_errors == []


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_upload_another_sheet_of_a_workbook(page_for, server, tmp_path, lang) -> None:
    """Two lists in one workbook: the preview offers its sheets, the second is read on
    its own and imported. Screenshot: test-artifacts/screens/upload-sheet-<lang>.png."""
    import openpyxl

    from roshan.web.i18n import t

    base, ws = server
    x = tmp_path / f"SYNTHETIC-two-lists-{lang}.xlsx"
    wb = openpyxl.Workbook()
    a = wb.active
    a.title = "NGO"
    a.append(["Name", "Age", "Date of death"])
    a.append([f"SYNTHETIC NGO {lang}", 30, "2026-01-09"])
    b = wb.create_sheet("بیمارستان")
    b.append(["نام و نام خانوادگی", "استان"])
    b.append([f"SYNTHETIC Hospital {lang} 1", "Kurdistan"])
    b.append([f"SYNTHETIC Hospital {lang} 2", "Tehran"])
    wb.save(x)
    page = page_for("analyst", lang=lang)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/upload")
    page.set_input_files("#file", str(x))
    page.fill("#source_name", f"SYNTHETIC-HOSPITAL-{lang}")
    page.click("#upload-submit")
    page.wait_for_selector("#preview")
    assert f"SYNTHETIC NGO {lang}" in page.locator("#preview-rows").inner_text()
    assert page.locator("#sheets-read").inner_text().strip() == "NGO"
    page.select_option("#sheet-choice", "بیمارستان")
    page.click("#sheet-submit")
    page.wait_for_selector("#preview")
    rows = page.locator("#preview-rows").inner_text()
    assert f"SYNTHETIC Hospital {lang} 2" in rows and f"SYNTHETIC NGO {lang}" not in rows
    assert t(lang, "sheet_on_its_own") in page.locator("#sheets-read").inner_text()
    (ARTEFACTS / "screens").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "screens" / f"upload-sheet-{lang}.png"), full_page=True)
    page.click("#confirm-import")
    page.wait_for_url(f"{base}/imports/*")
    from roshan.store.models import Import, Source

    with ws.session() as sess:
        imp = (
            sess.query(Import)
            .join(Source, Source.id == Import.source_id)
            .filter(Source.name == f"SYNTHETIC-HOSPITAL-{lang}")
            .one()
        )
        assert (imp.rows_accepted, imp.mapping["options"]["sheet"]) == (2, "بیمارستان")
    assert page.csp_errors == []


def test_review_with_keyboard(page_for, server) -> None:
    from roshan.store.models import ReviewDecision

    base, ws = server
    page = page_for("reviewer")
    page.click("#nav-review")
    page.wait_for_selector("#pair")
    ra = int(page.locator('input[name="record_a"]').get_attribute("value"))
    rb = int(page.locator('input[name="record_b"]').get_attribute("value"))
    page.keyboard.press("n")  # "different people"
    page.wait_for_selector("#saved")
    with ws.engine.connect() as conn:
        got = conn.execute(
            select(ReviewDecision.decision, ReviewDecision.reviewer).where(
                ReviewDecision.record_a == min(ra, rb), ReviewDecision.record_b == max(ra, rb)
            )
        ).one()
    assert tuple(got) == ("non_match", "web:reviewer")
    assert page.csp_errors == []


def test_two_reviewers_do_not_overwrite(page_for, server) -> None:
    from roshan.store.models import ReviewDecision

    base, ws = server
    one, two = page_for("reviewer"), page_for("admin")
    one.goto(base + "/review")
    two.goto(base + "/review")
    ra = one.locator('input[name="record_a"]').get_attribute("value")
    assert two.locator('input[name="record_a"]').get_attribute("value") == ra
    one.click("#btn-match")
    one.wait_for_selector("#saved")
    two.click("#btn-non-match")
    two.wait_for_selector("#conflict")
    with ws.engine.connect() as conn:
        decision = (
            conn.execute(select(ReviewDecision.decision).where(ReviewDecision.record_a == int(ra)))
            .scalars()
            .all()
        )
    assert "match" in decision and "non_match" not in decision


def test_job_progress_page(page_for, server) -> None:
    base, _ = server
    page = page_for("analyst")
    page.goto(base + "/jobs")
    page.select_option("#method", "loglinear")
    page.click("#start-estimate")
    page.wait_for_selector("#job")
    page.wait_for_selector('#job[data-status="done"], #job[data-status="failed"]', timeout=120000)
    assert page.locator("#job-status").inner_text() == "done"  # updated by polling script
    assert "estimate" in page.locator("#job-result").inner_text()


def test_persian_layout(page_for, server) -> None:
    base, _ = server
    page = page_for("reviewer", lang="fa")
    page.goto(base + "/?lang=fa")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    width = page.viewport_size["width"]
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > width / 2  # the header starts on the right
    assert "داشبورد" in page.locator("nav").inner_text()
    assert "۱۴۰۴" in page.locator("#timeline").text_content()  # Jalali dates, Persian digits
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Vazirmatn" in font
    page.click("#nav-victims")
    assert page.locator("html").get_attribute("dir") == "rtl"  # the choice sticks
    page.click("#lang-switch")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.csp_errors == []


ALLOWED = {
    "admin": {"/victims", "/review", "/upload", "/imports", "/audit", "/users", "/exports/victims"},
    "analyst": {"/victims", "/upload", "/imports", "/exports/victims"},
    "reviewer": {"/victims", "/review", "/imports"},
    "viewer": set(),
}


@pytest.mark.parametrize("role", list(ALLOWED))
def test_every_role_reaches_only_what_it_may(page_for, server, role) -> None:
    base, _ = server
    page = page_for(role)
    for path in ("/victims", "/review", "/upload", "/imports", "/audit", "/users"):
        resp = page.goto(base + path)
        if path in ALLOWED[role]:
            assert resp.status == 200, (role, path)
            assert page.locator("#error-message").count() == 0
        else:
            assert resp.status == 403, (role, path)
            assert page.locator("#error-message").is_visible()
        nav_id = "#nav-" + path.strip("/")
        assert (page.locator(nav_id).count() == 1) == (path in ALLOWED[role]), (role, nav_id)
    page.goto(base + "/exports")
    assert (page.locator("#export-victims").count() == 1) == ("/exports/victims" in ALLOWED[role])
    assert page.locator("#export-counts").count() == 1


ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_failed_linkage_alert_in_both_languages(page_for, server) -> None:
    """A failed linkage health check is the first thing on the dashboard, in both
    languages (screenshots in test-artifacts/)."""
    from sqlalchemy import update

    from roshan.store.models import LinkRun
    from roshan.web.routes.dashboard import forget_cache

    base, ws = server
    with ws.session() as sess:
        run_id = sess.execute(select(LinkRun.id).order_by(LinkRun.id.desc())).scalars().first()
        before = sess.execute(
            select(LinkRun.health_verdict, LinkRun.health).where(LinkRun.id == run_id)
        ).one()
        sess.execute(
            update(LinkRun)
            .where(LinkRun.id == run_id)
            .values(
                health_verdict="failed",
                health={
                    "verdict": "failed",
                    "review_pairs": 87,
                    "checks": [
                        {"name": "group_balance", "ok": False},
                        {"name": "negative_agreement", "ok": False},
                    ],
                },
            )
        )
    forget_cache()
    try:
        ARTEFACTS.mkdir(exist_ok=True)
        for lang in ("en", "fa"):
            page = page_for("viewer", lang)
            page.goto(f"{base}/?lang={lang}")
            alert = page.locator("#linkage-health")
            assert alert.get_attribute("data-verdict") == "failed"
            box = alert.bounding_box()
            est = page.locator("#stat-estimate").bounding_box()
            assert box and est and box["y"] < est["y"]  # above the estimate
            assert (
                page.evaluate(
                    "getComputedStyle(document.querySelector('#linkage-health')).borderTopWidth"
                )
                == "2px"
            )
            if lang == "fa":
                assert page.evaluate("document.documentElement.dir") == "rtl"
                assert "۸۷" in alert.inner_text()
            else:
                assert "Linkage is not trustworthy" in alert.inner_text()
            page.screenshot(
                path=str(ARTEFACTS / f"dashboard-linkage-failed-{lang}.png"), full_page=True
            )
            assert not page.csp_errors
    finally:
        with ws.session() as sess:
            sess.execute(
                update(LinkRun)
                .where(LinkRun.id == run_id)
                .values(health_verdict=before[0], health=before[1])
            )
        forget_cache()
