"""The JSON API and pages do what the team needs: search, victim pages, review with
optimistic locking, upload with preview, imports and rejected rows, jobs, exports,
audit, dashboard, both languages and calendars. SYNTHETIC data only.
"""

from __future__ import annotations

import html
import json
import logging

import pandas as pd
import pytest
from sqlalchemy import func, select
from webkit import (
    add_role_users,
    client_for,
    csrf_of,
    ingest_all,
    make_app,
    session_csrf,
)

from roshan.store.models import AuditEvent, EstimateRun, Record, ReviewDecision, Victim

SYNTHETIC_CSV = (
    b"record_id,full_name,sex,age,date_of_death,city,province,cause_of_death\n"
    b"S1,SYNTHETIC Testname Alpha,male,31,2026-01-09,Tehran,Tehran,gunshot\n"
    b"S2,SYNTHETIC Testname Beta,female,24,2026-01-10,Shiraz,Fars,gunshot\n"
    b"S3,SYNTHETIC Testname Gamma,male,40,2026-01-11,Rasht,Gilan,gunshot,surplus-cell\n"
)


def _persian_victim(ws) -> tuple[str, str, str]:
    with ws.engine.connect() as conn:
        rows = conn.execute(
            select(Victim.uid, Victim.display_name, Victim.romanized)
            .where(Victim.active.is_(True))
            .order_by(Victim.uid)
        ).all()
    for uid, name, roman in rows:
        if name and any("\u0600" <= ch <= "\u06ff" for ch in name) and roman:
            return uid, name, roman
    pytest.fail("the SYNTHETIC scenario has no Persian-script victim")


def test_search_in_both_scripts_uses_linkage_normalisation(clients, web_ws) -> None:
    from roshan.normalize.names import normalize_name

    uid, name, roman = _persian_victim(web_ws)
    c = clients["reviewer"]
    fa = c.get("/api/victims", params={"q": name}).json()["results"]
    en = c.get("/api/victims", params={"q": roman}).json()["results"]
    assert uid in [v["uid"] for v in fa]
    assert uid in [v["uid"] for v in en]
    assert normalize_name(name).key.split()[0][:3] in (
        web_ws.engine.connect().execute(select(Victim.name_key).where(Victim.uid == uid)).scalar()
    )
    assert c.get("/api/victims", params={"q": uid}).json()["results"][0]["uid"] == uid
    assert c.get("/api/victims", params={"q": "zzqqxxw"}).json()["count"] == 0
    page = c.get("/victims", params={"q": name}).text
    assert f'href="/victims/{uid}"' in page


def test_victim_page_has_records_side_by_side_with_provenance(clients, web_ws) -> None:
    with web_ws.engine.connect() as conn:
        uid, n = conn.execute(
            select(Victim.uid, Victim.n_records).where(Victim.n_records >= 2).order_by(Victim.uid)
        ).first()
    d = clients["analyst"].get(f"/api/victims/{uid}").json()
    assert d["victim"]["uid"] == uid and len(d["records"]) == n
    for r in d["records"]:
        assert r["source"].startswith("SYNTHETIC") and r["file_name"] and r["row_number"] >= 1
        assert r["import_id"] >= 1 and "fields" in r
    page = clients["analyst"].get(f"/victims/{uid}").text
    assert page.count("<th>SYNTHETIC") == n
    assert clients["analyst"].get("/api/victims/V-999999").status_code == 404


def test_review_optimistic_locking(clients, web_ws) -> None:
    a, b = clients["reviewer"], clients["admin"]
    q = a.get("/api/review/queue", params={"limit": 5}).json()
    assert q["count"] >= 1
    item = q["items"][0]
    assert item["a"] and item["b"] and item["version"] == 0
    body = {"record_a": item["record_a"], "record_b": item["record_b"], "expected_version": 0}
    r1 = a.post(
        "/api/review/decisions",
        json={**body, "decision": "match"},
        headers={"X-CSRF-Token": session_csrf(a)},
    )
    assert r1.status_code == 200 and r1.json()["version"] == 1
    # the second reviewer read the same version 0: refused, not overwritten
    r2 = b.post(
        "/api/review/decisions",
        json={**body, "decision": "non_match"},
        headers={"X-CSRF-Token": session_csrf(b)},
    )
    assert r2.status_code == 409
    with web_ws.engine.connect() as conn:
        row = conn.execute(
            select(ReviewDecision.decision, ReviewDecision.reviewer, ReviewDecision.version)
        ).one()
    assert tuple(row) == ("match", "web:reviewer", 1)
    # with the current version, a change is accepted
    r3 = b.post(
        "/api/review/decisions",
        json={**body, "decision": "non_match", "expected_version": 1},
        headers={"X-CSRF-Token": session_csrf(b)},
    )
    assert r3.status_code == 200 and r3.json()["version"] == 2
    # the page form reports the conflict the same way
    page = b.get("/review").text
    form = {
        "csrf_token": csrf_of(page),
        "record_a": item["record_a"],
        "record_b": item["record_b"],
        "decision": "unsure",
        "expected_version": 1,
    }
    r4 = b.post("/review/decide", data=form, follow_redirects=False)
    assert r4.status_code == 303 and "status=conflict" in r4.headers["location"]


def test_review_page_decides_next_pair(clients) -> None:
    c = clients["reviewer"]
    page = c.get("/review").text
    assert 'data-key="m"' in page and 'id="pair"' in page
    import re

    ra = int(re.search(r'name="record_a" value="(\d+)"', page).group(1))
    rb = int(re.search(r'name="record_b" value="(\d+)"', page).group(1))
    r = c.post(
        "/review/decide",
        data={
            "csrf_token": csrf_of(page),
            "record_a": ra,
            "record_b": rb,
            "decision": "unsure",
            "expected_version": 0,
        },
        follow_redirects=True,
    )
    assert r.status_code == 200 and 'id="saved"' in r.text
    assert (
        f'name="record_a" value="{ra}"' not in r.text
        or f'name="record_b" value="{rb}"' not in r.text
    )


@pytest.fixture
def ingest_app(any_ws):
    add_role_users(any_ws)
    application = make_app(any_ws, max_upload_bytes=64 * 1024)
    yield application
    application.state.jobs.shutdown()


def test_upload_preview_confirm_and_rejected_rows(ingest_app, any_ws, scenario) -> None:
    c = client_for(ingest_app, "analyst")
    h = {"X-CSRF-Token": session_csrf(c)}
    r = c.post(
        "/api/uploads",
        data={"source_name": "SYNTHETIC-UPLOAD", "source_kind": "ngo_list"},
        files={"file": ("SYNTHETIC list.csv", SYNTHETIC_CSV, "text/csv")},
        headers=h,
    )
    assert r.status_code == 201, r.text
    p = r.json()
    assert p["encoding"].lower().replace("-", "") in ("utf8", "utf8sig") and p["format"] == "csv"
    mapped = {c["column"]: c["field"] for c in p["columns"]}
    assert mapped["full_name"] == "full_name" and mapped["date_of_death"] == "date_of_death"
    assert p["rows"][0]["full_name"] == "SYNTHETIC Testname Alpha"
    with any_ws.engine.connect() as conn:  # nothing stored before confirming
        assert conn.execute(select(func.count()).select_from(Record)).scalar() == 0
    r = c.post(f"/api/uploads/{p['id']}/confirm", headers=h)
    assert r.status_code == 200, r.text
    res = r.json()
    assert (res["rows_total"], res["rows_accepted"], res["rows_rejected"]) == (3, 2, 1)
    rej = c.get(f"/api/imports/{res['import_id']}/rejected").json()
    assert rej["total_rejected"] == 1 and rej["rows"][0]["row_number"] == 3
    assert rej["rows"][0]["issues"]
    page = c.get(f"/imports/{res['import_id']}").text
    assert 'id="rejected"' in page and "SYNTHETIC-UPLOAD" in page
    assert c.post(f"/api/uploads/{p['id']}/confirm", headers=h).status_code == 404  # consumed
    assert c.get("/api/dashboard").json()["records"] == 2  # the dashboard sees the import
    # a windows-1256 list from the simulator, with its mapping: encoding detected in the preview
    src = next(s for s in scenario.manifest["sources"] if s["encoding"] == "windows-1256")
    big = make_app(any_ws)
    c2 = client_for(big, "analyst")
    r = c2.post(
        "/api/uploads",
        data={"source_name": src["name"], "source_kind": src["kind"]},
        files={
            "file": (src["file"].split("/")[-1], (scenario.root / src["file"]).read_bytes()),
            "mapping": (
                src["mapping"].split("/")[-1],
                (scenario.root / src["mapping"]).read_bytes(),
            ),
        },
        headers={"X-CSRF-Token": session_csrf(c2)},
    )
    assert r.status_code == 201, r.text
    assert r.json()["encoding"].lower().replace("-", "") in ("windows1256", "cp1256")
    assert "full_name" in r.json()["fields"] or "given_name" in r.json()["fields"]
    big.state.jobs.shutdown()


def test_upload_preview_of_free_form_headers(ingest_app) -> None:
    """A list with no mapping file: the preview shows the columns read by their words,
    fills a second name column where the first is empty, and warns about no date."""
    c = client_for(ingest_app, "analyst")
    h = {"X-CSRF-Token": session_csrf(c)}
    body = "#,Full Name,Name (Farsi),Age\n1,SYNTHETIC Testname Alpha,,25\n2,,نام آزمایشی,31\n"
    r = c.post(
        "/api/uploads",
        data={"source_name": "SYNTHETIC-FREE", "source_kind": "ngo_list"},
        files={"file": ("SYNTHETIC free.csv", body.encode("utf-8"), "text/csv")},
        headers=h,
    )
    assert r.status_code == 201, r.text
    p = r.json()
    mapped = {col["column"]: col["field"] for col in p["columns"]}
    assert mapped["Full Name"] == mapped["Name (Farsi)"] == "full_name"
    assert [row["full_name"] for row in p["rows"]] == ["SYNTHETIC Testname Alpha", "نام آزمایشی"]
    guessed = {col["column"] for col in p["columns"] if col["guessed"]}
    assert guessed == {"Name (Farsi)"}  # the second full-name column
    assert p["no_date_of_death"] is True


def _workbook_with_notes() -> bytes:
    """A SYNTHETIC workbook the reader writes notes about: a cover sheet before the list,
    a title row and a second (Persian) header row, a formula saved without its value, and
    a second sheet of the same list."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    assert wb.active is not None
    wb.active.title = "Cover"
    wb.active["A1"] = "SYNTHETIC list"
    for title in ("Tehran", "Karaj"):
        ws = wb.create_sheet(title)
        ws.append([f"SYNTHETIC {title}"])
        ws.append(["Full name", "Age", "Date of death"])
        ws.append(["نام کامل", "سن", "تاریخ جان‌باختن"])
        ws.append([f"SYNTHETIC Testname {title}", "=20+11", "2026-01-09"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_upload_preview_notes_in_persian(ingest_app) -> None:
    """The notes the reader writes about a file are shown in Persian on the Persian
    preview (sheet names as written, counts in Persian digits), in English on the English
    one, and the API keeps them in English; the import's page shows them once after the
    import."""
    c = client_for(ingest_app, "analyst")
    h = {"X-CSRF-Token": session_csrf(c)}
    r = c.post(
        "/api/uploads",
        data={"source_name": "SYNTHETIC-SHEETS", "source_kind": "ngo_list"},
        files={"file": ("SYNTHETIC sheets.xlsx", _workbook_with_notes())},
        headers=h,
    )
    assert r.status_code == 201, r.text
    p = r.json()
    english = p["warnings"]
    assert any(w.startswith("read sheet 'Tehran', the first") for w in english)
    assert any(w.startswith("sheet 'Karaj': 1 row above the header") for w in english)
    fa = html.unescape(c.get(f"/upload/{p['id']}?lang=fa").text)
    assert 'dir="rtl"' in fa
    assert not any(w in fa for w in english)  # every note in Persian
    assert "برگهٔ \u2068'Tehran'\u2069 خوانده شد" in fa
    assert "برگهٔ \u2068'Karaj'\u2069: ۱ ردیف بالای سرستون‌ها" in fa
    assert "ردیف زیر سرستون‌ها نام ستون‌ها را تکرار می‌کند" in fa
    assert "۱ سلول فرمول‌دار مقدار ذخیره‌شده ندارند" in fa
    assert "۲ برگه با ستون‌های یکسان" in fa
    en = c.get(f"/upload/{p['id']}?lang=en").text
    assert all(w in html.unescape(en) for w in english)
    # after the import: its page shows the import's notes once, in the page's language
    c.get("/upload?lang=fa")
    r = c.post(f"/upload/{p['id']}/confirm", data={"csrf_token": session_csrf(c)})
    assert r.status_code == 200 and 'id="imported"' in r.text, r.text
    page = html.unescape(r.text)
    assert 'id="import-notes"' in page and "۲ برگه با ستون‌های یکسان" in page
    assert not any(w in page for w in english)
    assert 'id="import-notes"' not in c.get(str(r.url)).text  # shown once


MORGUE_CSV = (
    "نام,نام خانوادگی,تاریخ فوت,شهر\nعلی,رضایی,1404/10/18,\nحسین,محمدی,1404/10/19,Karaj\n"
).encode()


def test_upload_with_the_place_of_the_whole_list(ingest_app, any_ws) -> None:
    """A SYNTHETIC morgue register with no place per row, uploaded with the city it comes
    from (as ``roshan ingest --place``): the preview says so, the import keeps it, and
    normalisation gives it to the record that names no place (a record's own place wins).
    An unknown place is refused before anything is staged."""
    from roshan.normalize import normalize_workspace
    from roshan.store.models import Import

    c = client_for(ingest_app, "analyst")
    h = {"X-CSRF-Token": session_csrf(c)}
    data = {"source_name": "SYNTHETIC-MORGUE", "source_kind": "other"}
    files = {"file": ("SYNTHETIC morgue.csv", MORGUE_CSV, "text/csv")}
    r = c.post("/api/uploads", data={**data, "place": "Atlantis"}, files=files, headers=h)
    assert r.status_code == 400 and "Atlantis" in r.text and "not a place roshan knows" in r.text
    assert not any(ingest_app.state.uploads_dir.iterdir())  # nothing staged
    r = c.post("/api/uploads", data={**data, "place": " تهران "}, files=files, headers=h)
    assert r.status_code == 201, r.text
    p = r.json()
    assert p["place"] == "تهران" and p["place_read_as"] == "Tehran, Tehran"
    r = c.post(f"/api/uploads/{p['id']}/confirm", headers=h)
    assert r.status_code == 200, r.text
    with any_ws.session() as sess:
        imp = sess.get(Import, r.json()["import_id"])
        assert imp is not None and imp.mapping["options"]["place"] == "تهران"
    normalize_workspace(any_ws)
    out = pd.read_parquet(any_ws.root / "snapshots" / "normalized.parquet")
    mine = out[out["source"] == "SYNTHETIC-MORGUE"].sort_values("row_number")
    assert list(mine["city"]) == ["Tehran", "Karaj"]
    assert list(mine["place_confidence"] > 0.5) == [False, True]
    # the page form: the field is there, and the preview names the place
    assert 'name="place"' in c.get("/upload").text
    r = c.post(
        "/upload",
        data={**data, "place": "Karaj", "csrf_token": session_csrf(c)},
        files=files,
    )
    assert r.status_code == 200 and 'id="list-place"' in r.text and "Karaj, Alborz" in r.text


def _two_lists_xlsx() -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    a = wb.active
    a.title = "NGO"
    a.append(["Name", "Age", "Date of death"])
    a.append(["SYNTHETIC Hossein Rezaei", 30, "2026-01-09"])
    b = wb.create_sheet("Hospital")
    b.append(["Full name", "Province"])
    b.append(["SYNTHETIC Sara Moradi", "Kurdistan"])
    b.append(["SYNTHETIC Ali Baluch", "Sistan and Baluchestan"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_upload_each_sheet_of_a_workbook(ingest_app, any_ws) -> None:
    """Two lists in one workbook, through the API and the page: the preview names the
    sheets, another sheet is read on its own, and both sheets are imported (the second
    was refused as 'already imported')."""
    from roshan.store.models import Import

    c = client_for(ingest_app, "analyst")
    h = {"X-CSRF-Token": session_csrf(c)}
    xlsx = _two_lists_xlsx()
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    files = {"file": ("SYNTHETIC two lists.xlsx", xlsx, mime)}
    r = c.post("/api/uploads", data={"source_name": "SYNTHETIC-NGO"}, files=files, headers=h)
    assert r.status_code == 201, r.text
    p = r.json()
    assert (p["sheets"], p["sheets_read"], p["sheet"]) == (["NGO", "Hospital"], ["NGO"], None)
    assert len(p["rows"]) == 1
    r = c.post(f"/api/uploads/{p['id']}/confirm", headers=h)
    assert r.status_code == 200 and r.json()["rows_accepted"] == 1, r.text
    # the second sheet: staged with the sheet named, or chosen on the preview
    r = c.post("/api/uploads", data={"source_name": "SYNTHETIC-H"}, files=files, headers=h)
    q = r.json()
    r = c.post(f"/api/uploads/{q['id']}/sheet", data={"sheet": "Nowhere"}, headers=h)
    assert r.status_code == 400 and "no sheet named" in r.text
    r = c.post(f"/api/uploads/{q['id']}/sheet", data={"sheet": "Hospital"}, headers=h)
    assert r.status_code == 200, r.text
    assert (r.json()["sheet"], r.json()["sheets_read"], len(r.json()["rows"])) == (
        "Hospital",
        ["Hospital"],
        2,
    )
    r = c.post(f"/api/uploads/{q['id']}/confirm", headers=h)
    assert r.status_code == 200, r.text
    assert (r.json()["rows_accepted"], r.json()["already_imported"]) == (2, False)
    with any_ws.session() as sess:
        imp = sess.get(Import, r.json()["import_id"])
        assert imp is not None and imp.mapping["options"]["sheet"] == "Hospital"
    # the page: a choice of sheets on the preview of a workbook
    r = c.post(
        "/upload",
        data={"source_name": "SYNTHETIC-H", "sheet": "", "csrf_token": session_csrf(c)},
        files=files,
    )
    assert r.status_code == 200 and 'id="sheet-choice"' in r.text and ">Hospital<" in r.text


def test_upload_limits(ingest_app) -> None:
    c = client_for(ingest_app, "analyst")
    h = {"X-CSRF-Token": session_csrf(c)}
    data = {"source_name": "SYNTHETIC-X", "source_kind": "other"}
    too_big = b"full_name\n" + b"SYNTHETIC Name\n" * 10000
    assert (
        c.post(
            "/api/uploads", data=data, files={"file": ("big.csv", too_big)}, headers=h
        ).status_code
        == 413
    )
    assert (
        c.post(
            "/api/uploads", data=data, files={"file": ("x.exe", b"MZ\x90\x00")}, headers=h
        ).status_code
        == 400
    )
    assert (
        c.post(
            "/api/uploads", data=data, files={"file": ("x.csv", b"<html><script>")}, headers=h
        ).status_code
        == 400
    )
    assert (
        c.post(
            "/api/uploads", data=data, files={"file": ("x.xlsx", b"not a zip")}, headers=h
        ).status_code
        == 400
    )
    assert (
        c.post("/api/uploads", data=data, files={"file": ("x.csv", b"")}, headers=h).status_code
        == 400
    )
    assert list(ingest_app.state.uploads_dir.iterdir()) == []  # refused uploads leave nothing
    big_json = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    r = c.post("/api/tokens", content=big_json, headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 413  # other requests are small, whatever the route


def test_estimate_job_runs_in_background(clients, web_ws) -> None:
    c = clients["analyst"]
    with web_ws.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(EstimateRun)).scalar()
    r = c.post(
        "/api/jobs",
        json={"kind": "estimate", "method": "loglinear", "bootstrap": 0},
        headers={"X-CSRF-Token": session_csrf(c)},
    )
    assert r.status_code == 202
    job_id = r.json()["id"]
    job = c.app.state.jobs.wait(job_id, timeout=120)
    assert job["status"] == "done", job
    assert job["progress"] == 1.0 and job["result"]["estimate"] > job["result"]["observed"] > 0
    assert c.get(f"/api/jobs/{job_id}").json()["status"] == "done"
    with web_ws.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(EstimateRun)).scalar() == before + 1
    assert f"/jobs/{job_id}" in c.get("/jobs").text
    assert 'data-status="done"' in c.get(f"/jobs/{job_id}").text


@pytest.mark.slow
def test_link_job_with_progress(clients, web_ws) -> None:
    c = clients["admin"]
    page = c.get("/jobs").text
    r = c.post("/jobs", data={"csrf_token": csrf_of(page), "kind": "link"}, follow_redirects=False)
    assert r.status_code == 303
    job_id = int(r.headers["location"].rsplit("/", 1)[1])
    job = c.app.state.jobs.wait(job_id, timeout=300)
    assert job["status"] == "done", job
    assert job["result"]["n_victims"] > 0 and job["started_at"] and job["finished_at"]


def test_failed_job_reports_reason(linked_template, tmp_path) -> None:
    from roshan.store.workspace import Workspace

    ws = Workspace.init(tmp_path / "empty")  # nothing linked: the estimate must fail cleanly
    add_role_users(ws)
    application = make_app(ws)
    job_id = application.state.jobs.start("estimate", {"method": "loglinear"}, "test")
    job = application.state.jobs.wait(job_id, timeout=60)
    assert job["status"] == "failed" and "link" in job["message"]
    application.state.jobs.shutdown()
    ws.close()


def test_exports_by_role_and_redaction(clients) -> None:
    viewer, analyst = clients["viewer"], clients["analyst"]
    counts = viewer.get("/api/exports/counts")
    assert counts.status_code == 200
    header = counts.text.lstrip("\ufeff").splitlines()[0].split(",")
    assert header[-1] == "count" and "List A" in header  # public level: lists anonymised
    assert "SYNTHETIC" not in counts.text
    est = viewer.get("/api/exports/estimates", params={"format": "json"})
    assert est.status_code == 200 and est.json()
    # aggregate-only roles cannot ask for a lower redaction level, nor for names
    assert viewer.get("/api/exports/counts", params={"redact": "none"}).status_code == 403
    assert viewer.get("/api/exports/victims", params={"redact": "public"}).status_code == 403
    victims = analyst.get("/api/exports/victims")  # default: internal (names kept)
    assert victims.status_code == 200 and "display_name" in victims.text.splitlines()[0]
    assert "attachment" in victims.headers["content-disposition"]
    public = analyst.get("/api/exports/victims", params={"redact": "public"})
    assert public.status_code == 200 and "display_name" not in public.text.splitlines()[0]
    links = analyst.get("/api/exports/links")
    assert links.status_code == 200 and "victim_id" in links.text.splitlines()[0]
    xlsx = analyst.get("/api/exports/records", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert analyst.get("/api/exports/nothing").status_code == 422
    assert analyst.get("/exports/nothing").status_code == 404


def test_audit_log_records_actions_without_names(clients, web_ws) -> None:
    uid, name, roman = _persian_victim(web_ws)
    clients["analyst"].get("/api/exports/victims")
    clients["analyst"].get("/api/victims", params={"q": name})
    data = clients["admin"].get("/api/audit", params={"limit": 1000}).json()
    actions = {e["action"] for e in data["events"]}
    assert {"auth.login", "export", "user.create"} <= actions
    with web_ws.engine.connect() as conn:
        blob = json.dumps(
            [
                list(r)
                for r in conn.execute(
                    select(
                        AuditEvent.actor, AuditEvent.action, AuditEvent.object_id, AuditEvent.detail
                    )
                )
            ],
            ensure_ascii=False,
            default=str,
        )
    assert name not in blob and roman not in blob
    assert "auth.login" in clients["admin"].get("/audit", params={"action": "auth"}).text


def test_no_names_in_logs(clients, web_ws, caplog) -> None:
    uid, name, roman = _persian_victim(web_ws)
    with caplog.at_level(logging.DEBUG):
        clients["reviewer"].get("/victims", params={"q": roman})
        clients["reviewer"].get("/api/victims", params={"q": name})
    text = caplog.text
    assert "/api/victims" in text  # requests are logged ...
    assert roman not in text and name not in text  # ... without what was searched


def test_dashboard_and_languages(clients, web_ws) -> None:
    d = clients["viewer"].get("/api/dashboard").json()
    assert d["victims"] > 0 and d["estimate"]["lower"] <= d["estimate"]["estimate"]
    assert d["estimate"]["estimate"] <= d["estimate"]["upper"]
    assert sum(t["count"] for t in d["timeline"]) + d["unknown_date"] == d["victims"]
    en = clients["viewer"].get("/?lang=en").text
    assert 'dir="ltr"' in en and "<svg" in en and "2026-01-" in en
    fa = clients["viewer"].get("/?lang=fa").text
    assert 'dir="rtl"' in fa and 'lang="fa"' in fa and "داشبورد" in fa
    assert "۱۴۰۴/۱۰/" in fa  # January 2026 in the Jalali calendar, Persian digits
    # the language choice sticks to the session
    assert 'dir="rtl"' in clients["viewer"].get("/jobs").text


def test_openapi_documents_the_api(app) -> None:
    assert client_for(app).get("/api/openapi.json").status_code == 401  # signed-in users only
    c = client_for(app, "viewer")
    spec = c.get("/api/openapi.json").json()
    for path in (
        "/api/victims",
        "/api/review/decisions",
        "/api/uploads",
        "/api/jobs",
        "/api/exports/{what}",
        "/api/audit",
        "/api/users",
        "/api/dashboard",
        "/api/imports/{import_id}/rejected",
        "/api/tokens",
    ):
        assert path in spec["paths"], path
    assert c.get("/docs").status_code in (303, 404)  # no CDN-backed docs UI


def test_format_date_calendars() -> None:
    from roshan.web.i18n import format_date, number

    assert format_date("2026-01-08", "en") == "2026-01-08"
    assert format_date("2026-01-08", "fa") == "۱۴۰۴/۱۰/۱۸"
    assert format_date("2026-01", "fa") == "۲۰۲۶-۰۱"  # partial dates shown as given
    assert number(12345, "fa") == "۱۲٬۳۴۵" and number(12345, "en") == "12,345"


def test_ingest_all_helper_on_postgres(any_ws, scenario) -> None:
    """The web app serves a PostgreSQL workspace the same way (dashboard + imports)."""
    ingest_all(any_ws, scenario, only=2)
    add_role_users(any_ws)
    application = make_app(any_ws)
    c = client_for(application, "analyst")
    d = c.get("/api/dashboard").json()
    assert d["records"] > 0 and d["sources"] == 2 and d["estimate"] is None
    assert len(c.get("/api/imports").json()) == 2
    application.state.jobs.shutdown()
