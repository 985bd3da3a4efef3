"""Issue 15 in real Chromium: every page, both languages, every role, with screenshots.

Uses the live server and browser fixtures of test_browser.py (Debian /usr/bin/chromium via
Playwright). Screenshots go to test-artifacts/screens/ (git-ignored), named
``<role>-<lang>-<page>.png``, for a person to look at. SYNTHETIC data only.
"""

from __future__ import annotations

import re

import pytest
from test_browser import ARTEFACTS, browser, page_for, server, sign_in  # noqa: F401

pytestmark = pytest.mark.browser

SCREENS = ARTEFACTS / "screens"

#: (name, path, permission needed) of every page; ``{uid}`` and ``{import_id}`` are filled in.
PAGES = [
    ("dashboard", "/", "view_aggregates"),
    ("victims", "/victims?q=a", "view_names"),
    ("victims-page2", "/victims?q=a&page=2", "view_names"),
    ("victim", "/victims/{uid}", "view_names"),
    ("review", "/review", "review"),
    ("upload", "/upload", "ingest"),
    ("imports", "/imports", "view_names"),
    ("import", "/imports/{import_id}", "view_names"),
    ("jobs", "/jobs", "view_aggregates"),
    ("exports", "/exports", "view_aggregates"),
    ("audit", "/audit", "view_audit"),
    ("users", "/users", "manage_users"),
    ("account", "/account", None),
    ("not-found", "/victims/V-999999", "view_names"),
]


def _ids(ws) -> dict[str, str]:
    from sqlalchemy import select

    from roshan.store.models import Import, Victim

    with ws.engine.connect() as conn:
        uid = conn.execute(
            select(Victim.uid)
            .where(Victim.active.is_(True))
            .order_by(Victim.n_records.desc(), Victim.uid)
        ).scalar()
        imp = conn.execute(select(Import.id).order_by(Import.id)).scalar()
    return {"uid": uid, "import_id": str(imp)}


@pytest.mark.parametrize("lang", ["en", "fa"])
@pytest.mark.parametrize("role", ["admin", "analyst", "reviewer", "viewer"])
def test_every_page_in_both_languages_for_every_role(page_for, server, role, lang) -> None:  # noqa: F811
    from roshan.web.auth import PERMISSIONS

    base, ws = server
    ids = _ids(ws)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page = page_for(role, lang=lang)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/?lang={lang}")
    seen = 0
    for name, path, perm in PAGES:
        if perm is not None and perm not in PERMISSIONS[role]:
            continue
        resp = page.goto(base + path.format(**ids))
        expected = 404 if name == "not-found" else 200
        assert resp.status == expected, (role, lang, path, resp.status)
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "fa" else "ltr")
        banner = page.locator("#synthetic-banner")
        assert banner.is_visible() and "SYNTHETIC" in banner.inner_text(), (role, path)
        body = page.locator("main").inner_text()
        if lang == "fa" and name != "audit":  # the audit log shows stored JSON as it is
            # no stored English values left on Persian pages
            for word in (
                "ngo_list",
                "before_blackout",
                "loglinear",
                "recommended",
                "Your role does not allow",
                "no such",
                "Not found.",
            ):
                assert word not in body, (role, path, word)
            assert not re.search(
                r"\bID\b",
                page.locator("main thead").all_inner_texts()
                and " ".join(page.locator("main thead").all_inner_texts())
                or "",
            ), (role, path)
        page.screenshot(path=str(SCREENS / f"{role}-{lang}-{name}.png"), full_page=True)
        seen += 1
    assert seen >= 4
    assert page.csp_errors == []


def test_sign_in_page_in_both_languages(page_for, server) -> None:  # noqa: F811
    base, _ = server
    SCREENS.mkdir(parents=True, exist_ok=True)
    for lang in ("en", "fa"):
        page = page_for(None, lang=lang)
        page.goto(f"{base}/login?lang={lang}")
        assert page.locator("#synthetic-banner").is_visible()
        page.screenshot(path=str(SCREENS / f"anonymous-{lang}-login.png"), full_page=True)
        assert page.csp_errors == []


def test_persian_timeline_is_drawn_left_to_right(page_for, server) -> None:  # noqa: F811
    base, _ = server
    page = page_for("viewer", lang="fa")
    page.goto(base + "/?lang=fa")
    directions = page.evaluate(
        "[...document.querySelectorAll('#timeline svg text')].map(t => getComputedStyle(t).direction)"
    )
    assert directions and set(directions) == {"ltr"}
    # the y axis's «۰» sits left of the bars, not above the chart on the other side
    zero = page.evaluate("""(() => {
        const t = [...document.querySelectorAll('#timeline svg text')].find(e => e.textContent.trim() === '۰');
        const bars = [...document.querySelectorAll('#timeline svg path[aria-roledescription="bar"], #timeline svg .mark-rect path')];
        const xs = bars.map(b => b.getBoundingClientRect().left);
        return t ? {x: t.getBoundingClientRect().right, bars: xs.length ? Math.min(...xs) : null} : null;
    })()""")
    assert zero is not None
    if zero["bars"] is not None:
        assert zero["x"] <= zero["bars"] + 2, zero
    assert page.csp_errors == []


def test_review_shortcut_on_a_persian_keyboard_layout(page_for, server) -> None:  # noqa: F811
    from sqlalchemy import select

    from roshan.store.models import ReviewDecision

    base, ws = server
    page = page_for("reviewer", lang="fa")
    page.goto(base + "/review?lang=fa")
    page.wait_for_selector("#pair")
    ra = int(page.locator('input[name="record_a"]').get_attribute("value"))
    rb = int(page.locator('input[name="record_b"]').get_attribute("value"))
    # the physical M key types «ئ» on the Persian layout (standard ISIRI 9147)
    with page.expect_navigation():
        page.evaluate(
            "document.dispatchEvent(new KeyboardEvent('keydown', "
            "{key: 'ئ', code: 'KeyM', bubbles: true}))"
        )
    page.wait_for_selector("#saved")
    with ws.engine.connect() as conn:
        got = conn.execute(
            select(ReviewDecision.decision).where(
                ReviewDecision.record_a == min(ra, rb), ReviewDecision.record_b == max(ra, rb)
            )
        ).scalar()
    assert got == "match"
    assert page.csp_errors == []
