"""``roshan normalize name|date|age|place --json`` and ``roshan normalize workspace``."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from roshan.cli.main import app

runner = CliRunner()


def _json(*args: str) -> dict:
    res = runner.invoke(app, ["normalize", *args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_name() -> None:
    a = _json("name", "محمدرضا حسینی")
    b = _json("name", "Mohamadreza Husseini")
    assert {"normalized", "key", "romanized"} <= set(a)
    assert a["key"] == b["key"] and a["romanized"] == "mohammadreza hosseini"


def test_date() -> None:
    d = _json("date", "۱۸ دی ۱۴۰۴")
    assert (d["date"], d["precision"], d["calendar"], d["ambiguous"]) == (
        "2026-01-08",
        "day",
        "jalali",
        False,
    )
    p = _json("date", "Dey 1404")
    assert (p["date"], p["precision"]) == ("1404-10", "month")
    amb = _json("date", "08/01/2026")
    assert amb["ambiguous"] is True
    assert (
        _json("date", "08/01/2026", "--calendar", "gregorian", "--day-first")["date"]
        == "2026-01-08"
    )


def test_age_and_place() -> None:
    assert (lambda d: (d["min"], d["max"]))(_json("age", "about 30")) == (27, 33)
    p = _json("place", "Lordjan")
    assert (p["city"], p["province"], p["province_fa"]) == (
        "Lordegan",
        "Chaharmahal and Bakhtiari",
        "چهارمحال و بختیاری",
    )
    assert 0 <= p["confidence"] <= 1 and "county" in p


def test_bad_option_is_one_line_error() -> None:
    res = runner.invoke(app, ["normalize", "date", "1404", "--calendar", "lunar"])
    assert res.exit_code != 0


def test_workspace_command(sqlite_ws) -> None:
    from roshan.canonical import SourceKind
    from roshan.ingest.importer import ingest_records

    ingest_records(
        sqlite_ws,
        [
            {"full_name": "علی حسینی", "date_of_death": "۱۸ دی ۱۴۰۴"},
            {"full_name": "Ali Hosseini", "date_of_death": "2026-01-08"},
        ],
        source_name="s",
        source_kind=SourceKind.NGO_LIST,
        file_name="x.csv",
        sha256="1" * 64,
        size=1,
    )
    res = runner.invoke(
        app, ["normalize", "workspace", str(sqlite_ws.root), "--json", "--samples", "2"]
    )
    assert res.exit_code == 0, res.output
    info = json.loads(res.stdout)
    assert info["records"] == 2 and len(info["samples"]) == 2
    assert info["summary"]["dod_day"] == 1.0 and info["summary"]["distinct_full_keys"] == 1
