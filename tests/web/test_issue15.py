"""Issue 15: the web app and reports for Persian-speaking teams, and hard to misuse.

One test (or a few) per item of the issue; each failed before its fix. SYNTHETIC data only.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from conftest import session_csrf

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
    r = c.post("/jobs", data={"kind": "estimate", "csrf_token": session_csrf(c)},
               follow_redirects=False)
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
        rows.append({"uid": uid, "active": True, "display_name": f"SYNTHETIC {roman}",
                     "name_key": normalize_name(roman).key, "romanized": roman, "n_records": 1})
        if "ali" in (g, f) or f.startswith("ali") or g.startswith("ali"):
            out["ali"].append(uid)
    # one victim named exactly "Hosseini" (the query's whole name), added last
    rows.append({"uid": "V-899999", "active": True, "display_name": "SYNTHETIC Hosseini",
                 "name_key": normalize_name("hosseini").key, "romanized": "hosseini",
                 "n_records": 1})
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
    assert all(v["romanized"].split()[0].startswith("hoss") or "hoss" in v["romanized"]
               for v in hoss[:10]), [v["romanized"] for v in hoss[:10]]
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
