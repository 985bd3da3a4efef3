"""`roshan estimate` command line (published tables and SYNTHETIC workspaces)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from roshan.cli.main import app
from roshan.errors import EstimationError, RoshanError

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def _run(*args: str):
    """Run `roshan estimate`; log-linear unless the test names a method (the default is
    "recommended", tested in test_default_method_is_recommended)."""
    if "--method" not in args:
        args = (*args, "--method", "loglinear")
    return runner.invoke(app, ["estimate", *args])


@pytest.mark.slow
def test_default_method_is_recommended() -> None:
    res = runner.invoke(
        app, ["estimate", "--counts", str(DATA / "korea_3list.csv"), "--json", "--seed", "3"]
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["method"] == "recommended"
    assert d["lower"] <= d["estimate"] <= d["upper"]
    assert d["observed"] == 123 and d["estimate"] > 123


def test_counts_json_is_one_document() -> None:
    res = _run("--counts", str(DATA / "korea_3list.csv"), "--json")
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["method"] == "loglinear" and d["estimate"] == pytest.approx(157.1667, abs=1e-3)
    assert d["model"]["hierarchy"] == "[12,23]"
    assert d["diagnostics"]["bootstrap"] == 500  # a searched model gets a bootstrap interval
    assert set(d) == {
        "method",
        "lists",
        "observed",
        "estimate",
        "lower",
        "upper",
        "level",
        "model",
        "diagnostics",
        "warnings",
        "strata",
    }


def test_options_reach_the_method() -> None:
    res = _run(
        "--counts",
        str(DATA / "korea_3list.csv"),
        "--search",
        "stepwise",
        "--pthresh",
        "0.02",
        "--bootstrap",
        "30",
        "--seed",
        "7",
        "--level",
        "0.9",
        "--json",
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["estimate"] == pytest.approx(268.7778, abs=1e-3)
    assert d["level"] == 0.9 and d["diagnostics"]["bootstrap"] == 30
    assert d["diagnostics"]["seed"] == 7
    res = _run("--counts", str(DATA / "korea_3list.csv"), "--terms", "b:c", "--json")
    assert json.loads(res.stdout)["model"]["terms"] == ["b:c"]
    res = _run(
        "--counts",
        str(DATA / "allegheny_4list.csv"),
        "--heterogeneity",
        "darroch",
        "--criterion",
        "bic",
        "--max-order",
        "2",
        "--bootstrap",
        "0",
        "--json",
    )
    assert json.loads(res.stdout)["model"]["heterogeneity"] == "darroch"


def test_summary_without_json_goes_to_console() -> None:
    res = _run("--counts", str(DATA / "korea_3list.csv"))
    assert res.exit_code == 0
    assert "Estimated total: 157" in res.output
    assert "closed population" in res.output


def test_refusal_is_a_user_error() -> None:
    res = _run("--counts", str(DATA / "artificial_3list.csv"), "--terms", "A:B,A:C,B:C")
    assert isinstance(res.exception, EstimationError)
    assert "not identifiable" in str(res.exception)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--counts", "x.csv", "somewhere"],
        ["--method", "magic", "--counts", "x.csv"],
        ["--counts", str(DATA / "korea_3list.csv"), "--classes", "3"],
    ],
)
def test_bad_invocations_are_user_errors(args: list[str]) -> None:
    res = _run(*args)
    assert isinstance(res.exception, RoshanError)


def test_strata_from_counts_csv(tmp_path: Path) -> None:
    base = pd.read_csv(DATA / "korea_3list.csv")
    # SYNTHETIC: the Korea table split into two made-up halves
    a = base.assign(region="r1")
    b = base.assign(region="r2", count=base["count"] * 2)
    p = tmp_path / "strata.csv"
    pd.concat([a, b]).to_csv(p, index=False)
    res = _run("--counts", str(p), "--by", "region", "--bootstrap", "20", "--json")
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert [s["region"] for s in d["strata"]] == ["r1", "r2"]
    assert d["observed"] == 3 * 123


def _workspace_with_victims(tmp_path: Path) -> Path:
    """A workspace whose latest linkage left SYNTHETIC victims (made up here)."""
    from roshan.store.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    rows = []
    pattern_counts = {
        ("L1",): 40,
        ("L2",): 30,
        ("L3",): 25,
        ("L1", "L2"): 12,
        ("L1", "L3"): 8,
        ("L2", "L3"): 7,
        ("L1", "L2", "L3"): 3,
    }
    uid = 0
    for srcs, n in pattern_counts.items():
        for i in range(n):
            uid += 1
            rows.append(
                {
                    "uid": f"v{uid}",
                    "sources": list(srcs),
                    "province_code": "IR-07" if i % 2 else "IR-23",
                    "date_of_death": "2026-01-09",
                    "sex": "m",
                    "age_years": 30,
                }
            )
    ws.snapshots_dir.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_parquet(ws.snapshots_dir / "victims.parquet")
    root = ws.root if hasattr(ws, "root") else tmp_path / "ws"
    ws.close()
    return root


def test_workspace_path_uses_capture_histories(tmp_path: Path) -> None:
    ws = _workspace_with_victims(tmp_path)
    res = _run(str(ws), "--json")
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["lists"] == ["L1", "L2", "L3"] and d["observed"] == 125
    res = _run(str(ws), "--by", "province", "--bootstrap", "20", "--json")
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert sorted(s["province"] for s in d["strata"]) == ["IR-07", "IR-23"]


def test_workspace_without_linkage_is_a_clear_error(tmp_path: Path) -> None:
    from roshan.errors import LinkageError
    from roshan.store.workspace import Workspace

    Workspace.init(tmp_path / "empty").close()
    res = _run(str(tmp_path / "empty"))
    assert isinstance(res.exception, LinkageError)
    assert "roshan link" in str(res.exception)


def test_door_prints_one_line_and_exits_2() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "roshan.cli.main",
            "estimate",
            "--counts",
            str(DATA / "artificial_3list.csv"),
            "--terms",
            "A:B",
            "--method",
            "loglinear",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "does not exist" in proc.stderr and "Traceback" not in proc.stderr
