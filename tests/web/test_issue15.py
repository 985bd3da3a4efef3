"""Issue 15: the web app and reports for Persian-speaking teams, and hard to misuse.

One test (or a few) per item of the issue; each failed before its fix. SYNTHETIC data only.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from webkit import client_for, csrf_of, login, make_app, session_csrf

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- item 1: one default method


def test_default_method_and_strata_defined_once_and_agree(clients):
    from roshan.cli import estimate as cli_estimate
    from roshan.estimate.methods import DEFAULT_METHOD, METHODS, STRATA
    from roshan.report.data import STRATA_DIMS
    from roshan.web.jobs import validate_params
    from roshan.web.routes.jobs import JobIn

    assert DEFAULT_METHOD == "recommended" and DEFAULT_METHOD in METHODS
    # the web API model and the job validation
    assert JobIn(kind="estimate").method == DEFAULT_METHOD
    assert validate_params("estimate", {})["method"] == DEFAULT_METHOD
    schema = JobIn.model_json_schema()
    assert tuple(schema["properties"]["method"]["enum"]) == METHODS
    # the CLI
    opt = inspect.signature(cli_estimate.estimate).parameters["method"].default
    assert getattr(opt, "default", opt) == DEFAULT_METHOD
    # the report
    assert tuple(STRATA_DIMS) == STRATA
    # the form: the selected option is the default, the options are the method list
    html = clients["analyst"].get("/jobs").text
    select = re.search(r'<select name="method".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="([^"]+)"', select) == list(METHODS)
    assert re.search(r'<option value="([^"]+)" selected', select).group(1) == DEFAULT_METHOD
    by = re.search(r'<select name="by".*?</select>', html, re.S).group(0)
    assert [v for v in re.findall(r'<option value="([^"]*)"', by) if v] == list(STRATA)
    # the docs
    est = (ROOT / "docs/estimation.md").read_text(encoding="utf-8")
    assert f"`{DEFAULT_METHOD}` (default)" in est
    assert "log-linear with its bootstrap interval" not in (ROOT / "docs/reporting.md").read_text()
    assert "`DEFAULT_METHOD`" in (ROOT / "docs/web.md").read_text()


def test_web_form_without_method_starts_the_default(app, clients, monkeypatch):
    from roshan.estimate.methods import DEFAULT_METHOD

    seen = {}

    def fake_start(kind, params, actor):
        from roshan.web.jobs import validate_params

        seen.update(validate_params(kind, params))
        return 1

    monkeypatch.setattr(app.state.jobs, "start", fake_start)
    c = clients["analyst"]
    r = c.post(
        "/jobs", data={"kind": "estimate", "csrf_token": session_csrf(c)}, follow_redirects=False
    )
    assert r.status_code == 303
    assert seen["method"] == DEFAULT_METHOD


# ---------------------------------------------------------------- item 2: search total, pages, rank


def _add_synthetic_victims(ws, n: int = 3000) -> dict[str, list[str]]:
    """``n`` SYNTHETIC victims in a new link run; returns uids by kind of name."""
    from sqlalchemy import insert

    from roshan.normalize.names import normalize_name
    from roshan.store.models import LinkRun, Victim

    given = ["ali", "hassan", "reza", "mahsa", "zahra", "hossein"]
    family = ["rezaei", "karimi", "alavi", "moradi", "hashemi", "tehrani"]
    out: dict[str, list[str]] = {"ali": [], "hossein_exact": [], "hoss": []}
    rows = []
    for i in range(n):
        g, f = given[i % len(given)], family[(i // len(given)) % len(family)]
        roman = f"{g} {f} synthetic{i}"
        uid = f"V-8{i:05d}"
        rows.append(
            {
                "uid": uid,
                "active": True,
                "display_name": f"SYNTHETIC {roman}",
                "name_key": normalize_name(roman).key,
                "romanized": roman,
                "n_records": 1,
            }
        )
        if "ali" in (g, f) or f.startswith("ali") or g.startswith("ali"):
            out["ali"].append(uid)
    # one victim named exactly "Hosseini" (the query's whole name), added last
    rows.append(
        {
            "uid": "V-899999",
            "active": True,
            "display_name": "SYNTHETIC Hosseini",
            "name_key": normalize_name("hosseini").key,
            "romanized": "hosseini",
            "n_records": 1,
        }
    )
    with ws.session() as sess:
        run = LinkRun(engine="duckdb", threshold=0.5, status="done")
        sess.add(run)
        sess.flush()
        sess.execute(insert(Victim), [dict(r, run_id=run.id) for r in rows])
    return out


def test_search_total_pages_and_ranking_with_thousands(web_ws, monkeypatch):
    from roshan.web import search

    monkeypatch.setattr(search, "CHECK_SECONDS", 0.0)
    made = _add_synthetic_victims(web_ws, 3000)
    idx = search.SearchIndex(web_ws)
    first = idx.search_page("ali", limit=50)
    assert first["total"] >= len(made["ali"]) > 50
    assert len(first["results"]) == 50
    # every page together is every match, each once
    seen: list[str] = []
    for off in range(0, first["total"], 50):
        seen += [v["uid"] for v in idx.search_page("ali", offset=off, limit=50)["results"]]
    assert len(seen) == len(set(seen)) == first["total"]
    assert set(made["ali"]) <= set(seen)
    # ranking: the exact name first, then names spelled with the prefix, then sound-alikes
    hits = idx.search_page("hosseini", limit=5)["results"]
    assert hits[0]["uid"] == "V-899999"
    hoss = idx.search_page("hoss", limit=20)["results"]
    assert all(
        v["romanized"].split()[0].startswith("hoss") or "hoss" in v["romanized"] for v in hoss[:10]
    ), [v["romanized"] for v in hoss[:10]]
    # a whole-word Persian (cross-script key) match comes before a prefix-only one
    from roshan.normalize.names import normalize_name

    key = normalize_name("علی").key
    fa = idx.search_page("علی", limit=300)
    ranked = [key in normalize_name(v["romanized"]).key.split() for v in fa["results"]]
    assert ranked[0] and ranked == sorted(ranked, reverse=True)


def test_search_page_shows_total_and_next_page(app, clients, monkeypatch):
    from roshan.web import search

    monkeypatch.setattr(search, "CHECK_SECONDS", 0.0)
    _add_synthetic_victims(app.state.ws, 600)
    c = clients["analyst"]
    html = c.get("/victims?q=ali").text
    assert 'id="result-count"' in html and 'id="next-page"' in html
    total = int(re.search(r"([\d,]+) victims match", html).group(1).replace(",", ""))
    assert total > 50
    page2 = c.get("/victims?q=ali&page=2").text
    assert 'id="prev-page"' in page2
    rows1 = set(re.findall(r'href="/victims/(V-\d+)"', html))
    rows2 = set(re.findall(r'href="/victims/(V-\d+)"', page2))
    assert rows1 and rows2 and not rows1 & rows2
    api = c.get("/api/victims", params={"q": "ali", "limit": 10, "offset": 10}).json()
    assert api["total"] == total and api["count"] == 10 and api["offset"] == 10
    fa = c.get("/victims?q=ali&lang=fa").text
    assert "شناسه" in fa and "<th>ID</th>" not in fa


# ---------------------------------------------------------------- items 4, 5: charts, shortcuts

STATIC = ROOT / "src/roshan/web/static"


def test_app_stylesheet_draws_charts_left_to_right():
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    assert re.search(r"\.chart-box svg[^{]*\{[^}]*direction:\s*ltr", css)


def test_dashboard_charts_sit_in_ltr_boxes(clients):
    html = clients["viewer"].get("/?lang=fa").text
    assert html.count('class="chart-box" dir="ltr"') == 2
    assert "Natural Earth admin-1 (public domain) via" not in html  # attribution in Persian
    assert "مرزها" in html


def test_review_shortcuts_use_the_physical_key():
    js = (STATIC / "app.js").read_text(encoding="utf-8")
    assert "ev.code" in js and "KeyM" in js or "^Key[A-Z]$" in js


# ---------------------------------------------------------------- item 6: Persian values


def test_persian_pages_translate_stored_values(clients):
    from roshan.web.i18n import value_label

    assert value_label("sex", "m", "fa") == "مرد"
    assert value_label("period", "before_blackout", "fa").startswith("پیش از")
    assert value_label("kind", "ngo_list", "fa") != "ngo_list"
    assert value_label("method", "recommended", "fa").startswith("پیشنهادی")
    from roshan.report.map import province_names

    tehran = next(code for code, (en, _) in province_names().items() if en == "Tehran")
    assert value_label("province", tehran, "fa") == "تهران"
    assert value_label("province", "Tehran", "fa") == "تهران"
    assert value_label("province", "West Azerbaijan", "fa") == "آذربایجان غربی"
    assert value_label("province", "Kohgiluyeh and Boyer-Ahmad", "fa") == "کهگیلویه و بویراحمد"
    assert value_label("age_group", "18-29", "fa") == "۱۸-۲۹"
    c = clients["admin"]
    dash = c.get("/?lang=fa").text
    m = re.search(r'id="estimate-method">([^<]*)<', dash)
    assert m and "loglinear" not in m.group(1) and "لگ" in m.group(1)
    up = c.get("/upload?lang=fa").text
    assert ">ngo_list<" not in up and "فهرست سازمان مردم‌نهاد" in up
    users = c.get("/users?lang=fa").text
    assert "<td>admin</td>" not in users and "<td>مدیر</td>" in users
    exports = c.get("/exports?lang=fa").text
    assert "<th>estimates" not in exports and "برآوردها" in exports
    jobs = c.get("/jobs?lang=fa").text
    assert ">recommended<" not in jobs and ">period<" not in jobs
    # a victim page: sex and province in Persian, field names translated
    uid = re.search(r'href="/victims/(V-\d+)"', c.get("/victims?q=a").text).group(1)
    vp = c.get(f"/victims/{uid}?lang=fa").text
    assert "<th>given_name</th>" not in vp and "<th>family_name</th>" not in vp
    # errors in Persian
    err = c.get("/victims/V-999999?lang=fa").text
    assert "یافت نشد" in err and "no such victim" not in err


# ---------------------------------------------------------------- item 9: SYNTHETIC on every screen


def test_synthetic_banner_on_every_screen(clients):
    c = clients["admin"]
    for path in (
        "/",
        "/victims",
        "/review",
        "/upload",
        "/imports",
        "/jobs",
        "/exports",
        "/audit",
        "/users",
        "/account",
        "/?lang=fa",
        "/no-such-page",
    ):
        html = c.get(path).text
        assert 'id="synthetic-banner"' in html and "SYNTHETIC" in html, path
    assert 'id="synthetic-banner"' in client_for(c.app).get("/login").text


def test_no_synthetic_banner_for_real_lists(tmp_path):
    from webkit import add_role_users

    from roshan.store.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    add_role_users(ws)
    app = make_app(ws)
    try:
        assert 'id="synthetic-banner"' not in client_for(app, "admin").get("/").text
    finally:
        app.state.jobs.shutdown()
        ws.close()


# ---------------------------------------------------------------- item 16: bare 500s, headers


def _has_security_headers(r) -> bool:
    from roshan.web.security import SECURITY_HEADERS

    return all(r.headers.get(k) == v for k, v in SECURITY_HEADERS.items())


def test_review_skip_not_a_number_is_a_clean_error(clients):
    r = clients["reviewer"].get("/review?skip=abc")
    assert r.status_code == 422 and _has_security_headers(r)
    assert clients["reviewer"].get("/review?skip=-1").status_code == 422
    assert clients["reviewer"].get("/review?skip=1").status_code == 200


def test_deeply_nested_json_upload_is_refused_cleanly(clients, app):
    c = clients["analyst"]
    body = ("[" * 100_000 + "]" * 100_000).encode()
    r = c.post(
        "/api/uploads",
        files={"file": ("deep.json", body, "application/json")},
        data={"source_name": "SYNTHETIC deep", "source_kind": "other"},
        headers={"X-CSRF-Token": session_csrf(c)},
    )
    assert r.status_code == 400 and _has_security_headers(r), r.text[:200]
    assert not any(app.state.uploads_dir.iterdir())  # nothing left on disk
    deep_json = '{"kind": "estimate", "by": ' + "[" * 50_000 + "]" * 50_000 + "}"
    r = c.post(
        "/api/jobs",
        content=deep_json,
        headers={"X-CSRF-Token": session_csrf(c), "Content-Type": "application/json"},
    )
    assert 400 <= r.status_code < 500 and _has_security_headers(r)


def test_unexpected_errors_carry_security_headers(web_ws, monkeypatch):
    from fastapi.testclient import TestClient

    from roshan.web.routes import jobs as jobs_routes

    app = make_app(web_ws)

    def boom(*a, **k):
        raise RuntimeError("SYNTHETIC secret name in a message")

    monkeypatch.setattr(jobs_routes, "list_jobs", boom)
    try:
        c = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
        assert login(c, "viewer").status_code == 303
        for path in ("/jobs", "/api/jobs"):
            r = c.get(path)
            assert r.status_code == 500 and _has_security_headers(r), path
            assert "secret name" not in r.text
    finally:
        app.state.jobs.shutdown()


# ---------------------------------------------------------------- item 12: account enumeration


def test_unknown_and_known_names_answer_alike(web_ws):
    app = make_app(web_ws, lockout_threshold=3, ip_attempts=1000)
    try:
        known = [login(client_for(app), "viewer", "wrong-password-1").status_code for _ in range(5)]
        unknown = [
            login(client_for(app), "nobody-here", "wrong-password-1").status_code for _ in range(5)
        ]
        assert known == unknown, (known, unknown)
        assert known[-1] == 429
    finally:
        app.state.jobs.shutdown()


# ---------------------------------------------------------------- item 11: behind a proxy


def test_throttle_behind_a_trusted_proxy_is_per_client_and_per_account(web_ws):
    app = make_app(web_ws, ip_attempts=3, lockout_threshold=100, trusted_proxies=("testclient",))
    try:
        # three different clients behind the proxy, two attempts each: nobody is throttled
        for ip in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
            c = client_for(app)
            c.headers["X-Forwarded-For"] = ip
            codes = [login(c, "viewer", "bad-password-x").status_code for _ in range(1)]
            assert codes == [401]
        # the team still signs in from another address
        c = client_for(app)
        c.headers["X-Forwarded-For"] = "198.51.100.9"
        assert login(c, "analyst").status_code == 303
        # one client is throttled after its attempts, whatever name it tries
        c = client_for(app)
        c.headers["X-Forwarded-For"] = "203.0.113.5"
        codes = [login(c, f"name{i}", "bad-password-x").status_code for i in range(4)]
        assert codes[-1] == 429
        # one account is throttled across clients
        codes = []
        for i in range(4):
            c = client_for(app)
            c.headers["X-Forwarded-For"] = f"192.0.2.{i + 10}"
            codes.append(login(c, "reviewer", "bad-password-x").status_code)
        assert codes[-1] == 429 and codes[0] == 401
    finally:
        app.state.jobs.shutdown()
    # without a trusted proxy the header is ignored (it cannot buy fresh addresses)
    app = make_app(web_ws, ip_attempts=2, lockout_threshold=100)
    try:
        codes = []
        for i in range(3):
            c = client_for(app)
            c.headers["X-Forwarded-For"] = f"192.0.2.{i + 50}"
            codes.append(login(c, f"other{i}", "bad-password-x").status_code)
        assert codes[-1] == 429
    finally:
        app.state.jobs.shutdown()


# ---------------------------------------------------------------- item 13: TOTP replay


def test_totp_code_cannot_be_replayed(app):
    import pyotp

    c = client_for(app, "analyst")
    page = c.get("/account").text
    c.post("/account/totp/start", data={"csrf_token": csrf_of(page)})
    page = c.get("/account").text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    totp = pyotp.TOTP(secret)
    import time

    r = c.post(
        "/account/totp/confirm",
        data={"csrf_token": csrf_of(page), "code": totp.now()},
        follow_redirects=False,
    )
    assert r.status_code == 303
    # the enrolment code itself cannot sign in; wait for the next step
    while int(time.time()) % 30 > 27:
        time.sleep(0.5)
    step = int(time.time() // 30)
    d = client_for(app)
    assert login(d, "analyst").status_code == 303
    form = d.get("/login/totp").text
    code = totp.at(step * 30)
    first = d.post(
        "/login/totp", data={"csrf_token": csrf_of(form), "code": code}, follow_redirects=False
    )
    if first.status_code == 401:  # the enrolment used this step: use the next one
        code = totp.at((step + 1) * 30)
        first = d.post(
            "/login/totp", data={"csrf_token": csrf_of(form), "code": code}, follow_redirects=False
        )
    assert first.status_code == 303
    e = client_for(app)
    assert login(e, "analyst").status_code == 303
    form = e.get("/login/totp").text
    again = e.post(
        "/login/totp", data={"csrf_token": csrf_of(form), "code": code}, follow_redirects=False
    )
    assert again.status_code == 401


# ---------------------------------------------------------------- item 15: the last admin


def test_last_admin_cannot_demote_or_deactivate(clients, app):
    from roshan.errors import RoshanError
    from roshan.web import accounts

    ws = app.state.ws
    admin_id = accounts.user_id_of(ws, "admin")
    c = clients["admin"]
    h = {"X-CSRF-Token": session_csrf(c)}
    r = c.patch(f"/api/users/{admin_id}", json={"role": "viewer"}, headers=h)
    assert r.status_code == 400 and "last active admin" in r.json()["detail"]
    r = c.patch(f"/api/users/{admin_id}", json={"active": False}, headers=h)
    assert r.status_code == 400
    page = c.post(f"/users/{admin_id}", data={"csrf_token": session_csrf(c), "role": "analyst"})
    assert page.status_code == 400
    with pytest.raises(RoshanError):
        accounts.update_user(ws, admin_id, actor="test", role="viewer")
    # with a second admin, the first may step down
    other = accounts.user_id_of(ws, "analyst")
    accounts.update_user(ws, other, actor="test", role="admin")
    assert accounts.update_user(ws, admin_id, actor="test", role="viewer")["role"] == "viewer"


# ---------------------------------------------------------------- item 17: uploads

CSV = b"full_name,date_of_death,province\nSYNTHETIC Person One,2026-01-09,Tehran\n"


def _upload(c, name: str, body: bytes = CSV):
    return c.post(
        "/api/uploads",
        files={"file": (name, body, "text/csv")},
        data={"source_name": "SYNTHETIC list", "source_kind": "other"},
        headers={"X-CSRF-Token": session_csrf(c)},
    )


def test_a_list_named_upload_json_does_not_overwrite_the_metadata(clients):
    c = clients["analyst"]
    body = b'[{"full_name": "SYNTHETIC Person Two", "date_of_death": "2026-01-10"}]'
    r = _upload(c, "upload.json", body)
    assert r.status_code in (200, 201), r.text[:300]
    uid = r.json()["id"]
    again = c.get(f"/upload/{uid}")
    assert again.status_code == 200 and "upload.json" in again.text
    done = c.post(f"/api/uploads/{uid}/confirm", headers={"X-CSRF-Token": session_csrf(c)})
    assert done.status_code == 200 and done.json()["rows_accepted"] == 1


def test_unconfirmed_uploads_expire_and_say_when(clients, app):
    import json

    from roshan.web.routes.imports import META_FILE, expire_uploads

    c = clients["analyst"]
    r = _upload(c, "list.csv")
    uid = r.json()["id"]
    assert r.json()["expires_at"]
    assert 'id="upload-expires"' in c.get(f"/upload/{uid}").text
    folder = app.state.uploads_dir / uid
    meta = json.loads((folder / META_FILE).read_text())
    meta["created"] -= 2 * app.state.settings.upload_ttl_seconds
    meta["expires"] -= 2 * app.state.settings.upload_ttl_seconds
    (folder / META_FILE).write_text(json.dumps(meta))
    assert c.get(f"/upload/{uid}").status_code == 404
    assert not folder.exists()
    # the sweep deletes old ones it finds on disk (at start and at every upload)
    r2 = _upload(c, "list2.csv")
    folder2 = app.state.uploads_dir / r2.json()["id"]
    assert expire_uploads(app.state.uploads_dir, 3600) == 0 and folder2.exists()
    import time

    assert expire_uploads(app.state.uploads_dir, 3600, now=time.time() + 7200) == 1
    assert not folder2.exists()


def test_chunked_body_over_the_limit_is_refused(clients):
    c = clients["analyst"]

    def chunks():
        for _ in range(3):
            yield b"x" * (600 * 1024)

    r = c.post(
        "/api/jobs",
        content=chunks(),
        headers={"X-CSRF-Token": session_csrf(c), "Content-Type": "application/json"},
    )
    assert r.status_code == 413 and _has_security_headers(r)
    small = c.post(
        "/api/jobs",
        content=iter([b'{"kind": "nothing"}']),
        headers={"X-CSRF-Token": session_csrf(c), "Content-Type": "application/json"},
    )
    assert small.status_code == 422  # read and validated as usual


# ---------------------------------------------------------------- item 18: other access issues


def test_decision_outside_the_queue_is_recorded_and_web_decisions_say_web(clients, app):
    from sqlalchemy import select

    from roshan.store.models import AuditEvent, Record
    from roshan.web.routes.review import queue

    ws = app.state.ws
    c = clients["reviewer"]
    items = queue(ws, limit=5)
    assert items, "the SYNTHETIC workspace has a review queue"
    it = items[0]
    r = c.post(
        "/review/decide",
        data={
            "csrf_token": session_csrf(c),
            "record_a": it["record_a"],
            "record_b": it["record_b"],
            "decision": "match",
            "expected_version": it["version"],
            "skip": 0,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    queued = {tuple(sorted((i["record_a"], i["record_b"]))) for i in queue(ws, limit=1000)}
    with ws.engine.connect() as conn:
        ids = [i for (i,) in conn.execute(select(Record.id).order_by(Record.id).limit(400))]
    a, b = next((x, y) for x in ids for y in ids if x < y and (x, y) not in queued)
    r = c.post(
        "/api/review/decisions",
        json={"record_a": a, "record_b": b, "decision": "non_match"},
        headers={"X-CSRF-Token": session_csrf(c)},
    )
    assert r.status_code == 200 and r.json()["in_queue"] is False
    with ws.engine.connect() as conn:
        events = conn.execute(
            select(AuditEvent.action, AuditEvent.detail, AuditEvent.object_id)
            .where(AuditEvent.action.like("review.%"))
            .order_by(AuditEvent.id)
        ).all()
    decide = [e for e in events if e[0] == "review.decide"]
    assert decide[-2][1]["via"] == "web" and decide[-1][1]["via"] == "api"
    assert any(e[0] == "review.outside_queue" and e[2] == f"{a}-{b}" for e in events)


def test_viewers_get_list_names_hidden_in_dashboard_texts(clients, app):
    from roshan.web.routes import dashboard

    ws = app.state.ws
    labels = dashboard._source_labels(ws)
    name = next(iter(labels))
    data = dashboard.dashboard_data(ws)
    if data.get("estimate"):
        data["estimate"]["warnings"] = [f"list {name} is small"]
    viewer = clients["viewer"].get("/api/dashboard").json()
    assert name not in str(viewer)
    assert name in str(clients["analyst"].get("/api/dashboard").json())
    dashboard.forget_cache()


def test_openapi_needs_sign_in_and_account_message_is_fixed(clients, app):
    anon = client_for(app)
    assert anon.get("/api/openapi.json").status_code == 401
    assert clients["viewer"].get("/api/openapi.json").status_code == 200
    page = clients["viewer"].get("/account?m=Your+account+was+SUSPENDED+call+this+number").text
    assert "SUSPENDED" not in page
    assert "Saved." in clients["viewer"].get("/account?m=saved").text


def test_403_messages_say_what_was_refused(clients):
    c = clients["viewer"]
    r = c.post("/jobs", data={"kind": "link", "csrf_token": "forged"})
    assert r.status_code == 403
    assert "role does not allow" not in r.text and "CSRF" in r.text
    r = c.get("/users")
    assert r.status_code == 403 and "role does not allow" in r.text


# ---------------------------------------------------------------- item 19: request log


def test_request_log_written_rotated_and_without_queries(web_ws, tmp_path):
    log_path = tmp_path / "logs" / "requests.log"
    app = make_app(web_ws, request_log=str(log_path), request_log_bytes=1024, request_log_backups=2)
    try:
        c = client_for(app, "analyst")
        for _ in range(60):
            c.get("/victims?q=SYNTHETICSECRETNAME")
        c.get("/no-such-page")
    finally:
        app.state.jobs.shutdown()
    text = "".join(p.read_text() for p in log_path.parent.glob("requests.log*"))
    assert "GET /victims 200" in text and "GET /no-such-page 404" in text
    assert "SYNTHETICSECRETNAME" not in text and "q=" not in text
    assert (log_path.parent / "requests.log.1").exists()  # rotated
    assert len(list(log_path.parent.glob("requests.log*"))) <= 3
    # the default: WS/logs/web-requests.log
    app = make_app(web_ws)
    try:
        client_for(app).get("/login")
    finally:
        app.state.jobs.shutdown()
    for h in app.state.request_log.handlers:
        h.flush()
    assert "GET /login 200" in (web_ws.root / "logs" / "web-requests.log").read_text()


# ---------------------------------------------------------------- item 14: server-side sessions


def _cookie(client) -> str:
    from roshan.web.security import SESSION_COOKIE

    return client.cookies.get(SESSION_COOKIE)


def test_session_cookie_holds_only_a_token_and_sign_out_ends_it(app):
    c = client_for(app, "analyst")
    data = app.state.codec.loads(_cookie(c))
    assert set(data) == {"sid"}  # no user id, CSRF token, language or secret in the cookie
    # TOTP enrolment: the new secret stays on the server
    page = c.get("/account").text
    c.post("/account/totp/start", data={"csrf_token": csrf_of(page)})
    page = c.get("/account").text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    raw = _cookie(c)
    assert secret not in str(app.state.codec.loads(raw)) and secret not in raw
    # a copy of the cookie stops working when its owner signs out
    from fastapi.testclient import TestClient

    from roshan.web.security import SESSION_COOKIE

    thief = TestClient(app, base_url="https://testserver")
    thief.cookies.set(SESSION_COOKIE, raw)
    assert thief.get("/api/me").status_code == 200
    r = c.post(
        "/logout", data={"csrf_token": csrf_of(c.get("/account").text)}, follow_redirects=False
    )
    assert r.status_code == 303
    assert thief.get("/api/me").status_code == 401
    assert c.get("/api/me").status_code == 401


def test_password_reset_and_role_change_end_sessions_at_once(app):
    from roshan.web import accounts

    ws = app.state.ws
    a = client_for(app, "reviewer")
    b = client_for(app, "reviewer")
    assert a.get("/api/me").status_code == 200 and b.get("/api/me").status_code == 200
    accounts.update_user(ws, accounts.user_id_of(ws, "reviewer"), actor="test", role="viewer")
    assert a.get("/api/me").status_code == 401 and b.get("/api/me").status_code == 401
    v = client_for(app, "viewer")
    assert v.get("/api/me").status_code == 200
    accounts.set_password(ws, "viewer", "another-pass-0042", actor="test")
    assert v.get("/api/me").status_code == 401  # no waiting for the user cache
