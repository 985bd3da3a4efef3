"""`roshan simulate` command line (SYNTHETIC output)."""

import json
import subprocess
import sys

from typer.testing import CliRunner

from roshan.cli.main import app
from roshan.errors import RoshanError

runner = CliRunner()


def test_simulate_json_prints_the_manifest(tmp_path):
    out = tmp_path / "s"
    res = runner.invoke(
        app,
        [
            "simulate",
            "--out",
            str(out),
            "--seed",
            "4",
            "--population",
            "300",
            "--lists",
            "4",
            "--formats",
            "csv,jsonl",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    m = json.loads(res.stdout)
    assert m["synthetic"] is True and m["seed"] == 4 and len(m["sources"]) == 4
    assert {s["format"] for s in m["sources"]} == {"csv", "jsonl"}
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["seed"] == 4


def test_simulate_options_reach_the_config(tmp_path):
    out = tmp_path / "s"
    res = runner.invoke(
        app,
        [
            "simulate",
            "--out",
            str(out),
            "--population",
            "200",
            "--lists",
            "3",
            "--heterogeneity",
            "0",
            "--dependence",
            "0.5",
            "--dependence-pair",
            "2,0,-",
            "--error-rate",
            "0.1",
            "--duplicate-rate",
            "0",
            "--missing-rate",
            "0.2",
            "--capture-scale",
            "0.5",
            "--blackout-factor",
            "0.3",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    o = json.loads(res.stdout)["options"]
    assert o["heterogeneity"] == 0 and o["dependence"] == 0.5 and o["error_rate"] == 0.1
    assert o["dependence_pairs"] == [[2, 0, -1]] and o["missing_rate"] == 0.2
    assert o["capture_scale"] == 0.5 and o["blackout_factor"] == 0.3 and o["duplicate_rate"] == 0


def test_user_errors_are_one_line_and_exit_2(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "roshan.cli.main",
            "simulate",
            "--out",
            str(tmp_path / "s"),
            "--missing-rate",
            "2",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "missing-rate must be between 0 and 1" in proc.stderr
    assert "Traceback" not in proc.stderr
    bad = runner.invoke(
        app, ["simulate", "--out", str(tmp_path / "t"), "--dependence-pair", "0,1,x"]
    )
    assert isinstance(bad.exception, RoshanError) and "--dependence-pair" in str(bad.exception)


def test_preset_with_override(tmp_path):
    res = runner.invoke(
        app,
        [
            "simulate",
            "--out",
            str(tmp_path / "s"),
            "--preset",
            "hard",
            "--population",
            "150",
            "--lists",
            "3",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    o = json.loads(res.stdout)["options"]
    assert o["lists"] == 3 and o["error_rate"] == 0.08 and o["population"] == 150
