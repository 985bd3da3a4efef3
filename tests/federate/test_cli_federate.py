"""The federate rounds through the installed ``.venv/bin/roshan`` script, then
``roshan estimate --counts`` on the coordinator's counts (SYNTHETIC lists)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fed_helpers import PASSPHRASE

from roshan.federate import PROTOCOL_VERSION

ROSHAN = Path(sys.executable).parent / "roshan"


def _run(*args: str, ok: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "ROSHAN_KEY_PASSPHRASE": PASSPHRASE}
    proc = subprocess.run(
        [str(ROSHAN), *args], capture_output=True, text=True, env=env, timeout=300
    )
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.mark.skipif(not ROSHAN.exists(), reason="roshan script not installed in this venv")
def test_cli_round_trip_and_estimate(federation, tmp_path):
    fed = federation
    session = tmp_path / "session.json"
    parties = [f"--party={p}={fed.keydirs[p]}" for p in fed.parties]
    _run(
        "federate",
        "init",
        str(session),
        *parties,
        "--coordinator-keys",
        str(fed.keydirs["coordinator"]),
        "--strata",
        "province,period",
    )
    last = {}
    for p in fed.parties:
        out = json.loads(
            _run(
                "federate",
                "blind",
                str(session),
                str(fed.party_ws[p]),
                "--as",
                p,
                "--keys",
                str(fed.keydirs[p]),
                "--state",
                str(tmp_path / "st" / p),
                "--out",
                str(tmp_path / "out" / p),
                "--agree-strata",
                "province",
                "--json",
            ).stdout
        )
        last[p] = out["file"]
    names = list(fed.parties)
    first_r1 = dict(last)
    for _r in range(2, len(names) + 1):
        nxt = {}
        for j, p in enumerate(names):
            prev = names[j - 1]
            nxt[p] = json.loads(
                _run(
                    "federate",
                    "pass",
                    str(session),
                    last[prev],
                    "--as",
                    p,
                    "--keys",
                    str(fed.keydirs[p]),
                    "--state",
                    str(tmp_path / "st" / p),
                    "--out",
                    str(tmp_path / "out" / p),
                    "--json",
                ).stdout
            )["file"]
        last = nxt
    counts = tmp_path / "counts.csv"
    summary = json.loads(
        _run(
            "federate",
            "count",
            str(session),
            *last.values(),
            "--keys",
            str(fed.keydirs["coordinator"]),
            "--out",
            str(counts),
            "--linkage-draws",
            "6",
            "--seed",
            "1",
            "--json",
        ).stdout
    )
    assert summary["parties"] == names and summary["observed"] > 0
    assert "victim" not in counts.read_text().lower()  # only 0/1 columns and counts
    # the provenance beside the counts: organisations, rules, drawn matchings; no source,
    # no victim
    side = Path(summary["provenance_file"])
    assert side == counts.with_name("counts.csv.federate.json")
    prov = json.loads(side.read_text("utf-8"))
    assert prov["computed_privately"] and prov["protocol"] == PROTOCOL_VERSION == 3
    assert prov["match_rule"] == "scored" and prov["one_per_victim"] is True
    assert prov["accept"] == 0.4  # the cut of a 3-party session (match.default_accept)
    assert [p["name"] for p in prov["parties"]] == names
    assert all(len(p["key_fingerprint"]) == 19 for p in prov["parties"])
    assert prov["threshold"] == 4 and prov["strata_revealed"] == []
    assert len(prov["draws"]) == 6 and prov["linkage_error"]["n_draws"] == 6
    text = side.read_text("utf-8")
    assert not any(src in text for src in fed.source_party)
    assert "uid" not in text
    est = json.loads(
        _run(
            "estimate",
            "--counts",
            str(counts),
            "--method",
            "loglinear",
            "--bootstrap",
            "0",
            "--json",
        ).stdout
    )
    assert est["estimate"] >= summary["observed"]
    got = est["diagnostics"]["federate"]
    assert got["computed_privately"] and [p["name"] for p in got["parties"]] == names
    assert got["session_id"] == prov["session_id"] and "draws" not in got
    assert got["linkage_error"]["draws_pooled"] == 6 and got["linkage_error"]["accounted"]
    assert est["diagnostics"]["linkage"]["n_draws"] == 6
    plug = json.loads(
        _run(
            "estimate",
            "--counts",
            str(counts),
            "--method",
            "loglinear",
            "--bootstrap",
            "0",
            "--plug-in",
            "--json",
        ).stdout
    )
    assert est["upper"] - est["lower"] >= 0.99 * (plug["upper"] - plug["lower"])
    assert any("computed privately" in w for w in est["warnings"])
    # by a stratum every party agreed to; refused for one they did not
    _run(
        "federate",
        "count",
        str(session),
        *last.values(),
        "--keys",
        str(fed.keydirs["coordinator"]),
        "--out",
        str(tmp_path / "by.csv"),
        "--by",
        "province",
    )
    bad = _run(
        "federate",
        "count",
        str(session),
        *last.values(),
        "--keys",
        str(fed.keydirs["coordinator"]),
        "--out",
        str(tmp_path / "x.csv"),
        "--by",
        "period",
        ok=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "not agreed by" in bad.stderr
    # a replayed round at the command line: one line, status 2
    again = _run(
        "federate",
        "pass",
        str(session),
        first_r1[names[0]],
        "--as",
        names[1],
        "--keys",
        str(fed.keydirs[names[1]]),
        "--state",
        str(tmp_path / "st" / names[1]),
        "--out",
        str(tmp_path / "out" / names[1]),
        ok=False,
    )
    assert again.returncode == 2 and "replayed" in again.stderr
    assert again.stderr.strip().count("\n") == 0
