"""``roshan report`` and ``roshan export`` through the command line (in-process main())."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from report_fixtures import PLANTED

from roshan.cli.main import main


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    def _run(*args: str) -> Result:
        monkeypatch.setattr(sys, "argv", ["roshan", *args])
        capsys.readouterr()
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return _run


def test_report_command_json(run, report_workspaces, tmp_path: Path) -> None:
    root = str(report_workspaces.ws.root)
    r = run(
        "report",
        root,
        "--out",
        str(tmp_path / "r.html"),
        "--lang",
        "fa",
        "--anonymise-sources",
        "--no-compute",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["lang"] == "fa" and Path(doc["html"]).is_file() and doc["pdf"] is None
    html = Path(doc["html"]).read_text(encoding="utf-8")
    assert 'dir="rtl"' in html and "SYNTHETIC-NGO" not in html
    assert "List A" in html


def test_report_errors_are_one_line(run, tmp_path: Path, report_workspaces) -> None:
    r = run("report", str(tmp_path / "nowhere"), "--out", str(tmp_path / "r.html"))
    assert r.returncode == 2 and "error:" in r.stderr and "Traceback" not in r.stderr
    r = run(
        "report", str(report_workspaces.ws.root), "--out", str(tmp_path / "r.html"), "--lang", "xx"
    )
    assert r.returncode == 2 and "language" in r.stderr
    assert not (tmp_path / "r.html").exists()
    r = run("init", str(tmp_path / "empty"))
    assert r.returncode == 0, r.stderr
    r = run("report", str(tmp_path / "empty"), "--out", str(tmp_path / "r.html"))
    assert r.returncode == 2 and "roshan link" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "r.html").exists()


def test_export_command(run, report_workspaces, tmp_path: Path) -> None:
    root = str(report_workspaces.ws.root)
    out = tmp_path / "v.xlsx"
    r = run(
        "export",
        root,
        "--what",
        "victims",
        "--format",
        "xlsx",
        "--redact",
        "public",
        "--min-cell",
        "3",
        "--out",
        str(out),
        "--json",
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["redact"] == "public" and doc["rows"] > 0 and doc["min_cell"] == 3
    assert "display_name" in doc["dropped"]
    assert PLANTED["witness"] not in r.stdout + r.stderr
    # the redaction note beside the file: what, rows and the notes the document holds
    side = json.loads((tmp_path / "v.xlsx.redaction.json").read_text(encoding="utf-8"))
    assert set(side) == set(doc) - {"format", "path"}
    assert side == {k: doc[k] for k in side}
    r = run("export", root, "--what", "counts", "--by", "sex", "--out", str(tmp_path / "c.csv"))
    assert r.returncode == 0, r.stderr
    header = (tmp_path / "c.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[-2:] == ["sex", "count"]
    r = run(
        "export", root, "--what", "victims", "--names", "maybe", "--out", str(tmp_path / "x.csv")
    )
    assert r.returncode == 2 and "--names" in r.stderr
    r = run("export", root, "--what", "links", "--format", "pdf", "--out", str(tmp_path / "x"))
    assert r.returncode == 2 and "format" in r.stderr
