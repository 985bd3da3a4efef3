"""``roshan link`` and ``roshan export --what links`` through the real command line."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

ROSHAN = [sys.executable, "-m", "roshan.cli.main"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ROSHAN, *args], capture_output=True, text=True, timeout=600)


def test_link_json_then_export_links(linked, tmp_path):
    ws, first = linked
    res = run("link", str(ws.root), "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)  # exactly one JSON document on stdout
    assert doc["n_records"] == first.n_records
    assert doc["n_new_victims"] == 0  # same data, same people, same ids
    assert doc["n_victims"] == first.n_victims
    assert Path(doc["files"]["capture_histories"]).is_file()

    out = tmp_path / "links.csv"
    res = run("export", str(ws.root), "--what", "links", "--format", "csv", "--out", str(out))
    assert res.returncode == 0, res.stderr
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["source", "record_id", "victim_id", "match_probability"]
    assert len(rows) - 1 == first.n_records
    ids = {r[2] for r in rows[1:]}
    assert len(ids) == first.n_victims and all(i.startswith("V-") for i in ids)
    # lists without a record_id column are identified by row number
    assert all(r[1] for r in rows[1:])


def test_cli_errors_are_one_line(tmp_path, sqlite_ws):
    res = run("link", str(sqlite_ws.root))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and "error:" in res.stderr
    res = run("export", str(sqlite_ws.root), "--what", "victims", "--out", str(tmp_path / "x"))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    res = run("link", str(sqlite_ws.root), "--engine", "oracle")
    assert res.returncode == 2 and "engine" in res.stderr
