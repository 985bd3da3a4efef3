"""What the report shows: report_data on the SYNTHETIC workspace, checked against the store."""

from __future__ import annotations

import json

import pandas as pd
from report_fixtures import PLANTED_SOURCE

from roshan.report.data import STRATA_DIMS, is_synthetic, report_data


def test_numbers_agree_with_the_store(report_workspaces) -> None:
    ws = report_workspaces.ws
    d = report_data(ws, compute_missing=False)
    with ws.engine.connect() as conn:
        victims = pd.read_sql("select sources from victims where active", conn)
    assert d["documented"] == len(victims) > 0
    assert d["synthetic"] is True
    names = [s["name"] for s in d["sources"]]
    assert PLANTED_SOURCE in names
    lists = victims["sources"].map(json.loads)
    for s in d["sources"]:
        assert s["victims"] == int(lists.map(lambda x, n=s["name"]: n in x).sum())
        assert s["only_here"] <= s["victims"] <= s["records"]
    # overlap combinations are disjoint: they cannot add up to more than the victims
    assert sum(p["count"] for p in d["patterns"]) <= d["documented"]
    assert d["patterns"] == sorted(d["patterns"], key=lambda p: -p["count"])
    # timeline + undated = documented
    assert (
        sum(x["count"] for x in d["timeline"]["by_day"]) + d["timeline"]["undated"]
        == d["documented"]
    )
    assert d["timeline"]["blackout"] == "2026-01-08"
    assert (
        sum(p["documented"] for p in d["provinces"].values()) + d["unknown_province"]
        == d["documented"]
    )
    assert sum(r["count"] for r in d["age_sex"]) == d["documented"]
    assert sum(d["body_withheld"].values()) == d["documented"]
    q = d["quality"]
    assert q["accepted"] + q["rejected"] == q["records_total"]
    assert {m["field"] for m in q["missing"]} >= {"witness", "full_name"}
    assert len(d["fingerprint"]) == 64
    json.dumps(d)  # JSON-safe for the web dashboard


def test_stored_estimates_are_used(report_workspaces) -> None:
    d = report_data(report_workspaces.ws, compute_missing=False)
    est = d["estimate"]
    assert est is not None and not est["computed_now"] and not est["stale"]
    assert est["result"]["estimate"] >= d["documented"] - 1e-6
    for dim in STRATA_DIMS:
        block = d["strata"][dim]
        assert block["run"] is not None, dim
        assert sum(block["observed"].values()) == d["documented"]
        assert all(r["status"] in ("ok", "not_estimable") for r in block["rows"])
        bad = [r for r in block["rows"] if r["status"] != "ok"]
        assert all(r["reason"] for r in bad)  # a not-estimable stratum always says why
    assert any(p["estimate"] is not None for p in d["provinces"].values())


def test_anonymised_sources(report_workspaces) -> None:
    d = report_data(report_workspaces.ws, compute_missing=False, anonymise_sources=True)
    text = json.dumps(d, ensure_ascii=False)
    assert PLANTED_SOURCE not in text and "SYNTHETIC-NGO" not in text
    assert all(s["name"].startswith("List ") for s in d["sources"])
    assert d["synthetic"] is True  # still flagged even with the names hidden


def test_is_synthetic() -> None:
    assert is_synthetic(["SYNTHETIC-NGO-A", "Real NGO"])
    assert not is_synthetic(["Hengaw", "HRANA"])


def test_run_choice_prefers_current_linkage() -> None:
    from roshan.report.data import _pick

    runs = [  # newest first, as read from the store
        {"id": 3, "by": ["sex"], "result": {"estimate": 1}, "link_run_id": 2},
        {"id": 2, "by": [], "result": {"estimate": 1}, "link_run_id": 1},
        {"id": 1, "by": [], "result": {"estimate": 1}, "link_run_id": 2},
    ]
    assert _pick(runs, [], 2)["id"] == 1 and not _pick(runs, [], 2)["stale"]
    assert _pick(runs, [], 5)["id"] == 2 and _pick(runs, [], 5)["stale"]  # only stale runs
    assert _pick(runs, ["sex"], 2)["id"] == 3
    assert _pick(runs, ["province"], 2) is None


def test_seed_is_the_estimates_own(report_workspaces) -> None:
    d = report_data(report_workspaces.ws, compute_missing=False)
    assert d["seed"] == d["estimate"]["result"]["diagnostics"].get("seed")
