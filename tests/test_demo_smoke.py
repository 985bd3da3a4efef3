"""`make demo` runs `roshan demo`: the whole pipeline on a fresh SYNTHETIC scenario."""

from __future__ import annotations

import json

import pytest


@pytest.mark.slow
def test_demo_runs_every_stage_on_synthetic_data(tmp_path) -> None:
    from typer.testing import CliRunner

    from roshan.cli.main import app

    out = tmp_path / "demo"
    res = CliRunner().invoke(
        app, ["demo", "--out", str(out), "--seed", "5", "--population", "300", "--force"]
    )
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "demo-summary-SYNTHETIC.json").read_text(encoding="utf-8"))
    assert summary["synthetic"] is True
    assert list(summary["stages"]) == [
        "simulate",
        "ingest",
        "normalize",
        "link",
        "estimate",
        "report",
    ]
    assert 0 < summary["link"]["n_victims"] < summary["link"]["n_records"]
    report = out / "workspace" / "reports" / "report-SYNTHETIC.html"
    html = report.read_text(encoding="utf-8")
    assert "SYNTHETIC" in html
    assert "http://" not in html.replace("http://www.w3.org", "")  # nothing fetched at view time
    # a second run without --force refuses to overwrite
    again = CliRunner().invoke(app, ["demo", "--out", str(out), "--population", "300"])
    assert again.exit_code != 0
