"""A small version of the linkage robustness sweep (bench/link_robustness.py) in the suite.

Outside scenarios (SYNTHETIC, bench/robustness/outside.py: written independently of
roshan's simulator and normaliser) are linked as a user would link them, and must meet
the per-seed targets of issue 18: pairwise precision ≥ 0.97 and recall ≥ 0.93. One
family goes through the installed ``roshan`` script in a subprocess.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from roshan.link.quality import pairwise_scores

SCRIPT = Path(sys.executable).parent / "roshan"
N_PEOPLE = 1500
TARGET_P, TARGET_R = 0.97, 0.93


def _score(ws_root: Path, sc) -> tuple[float, float]:
    from robustness.sweep import truth_of

    norm = pd.read_parquet(ws_root / "snapshots" / "normalized.parquet")
    truth = truth_of(sc, norm)
    cl = pd.read_parquet(ws_root / "snapshots" / "clusters.parquet")
    pred = pd.Series(
        cl["cluster_id"].astype(str).to_numpy(), index=cl["record_pk"].astype("int64").to_numpy()
    )
    pw = pairwise_scores(pred, truth)
    return pw.precision, pw.recall


def _scenario(family: str, seed: int, root: Path):
    from robustness.outside import FAMILIES, generate

    fam = dataclasses.replace(FAMILIES[family], n_people=N_PEOPLE)
    return generate(fam, seed, out_dir=root / "lists")


def _roshan(*args: str) -> subprocess.CompletedProcess[str]:
    res = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-2000:]
    return res


def test_one_script_lists_through_the_installed_cli(tmp_path: Path) -> None:
    """Four lists, each entirely in one script (two Persian, two Latin, one an XLSX)."""
    sc = _scenario("one_script", 7, tmp_path)
    ws = tmp_path / "ws"
    _roshan("init", str(ws))
    for name in sc.lists:
        _roshan(
            "ingest",
            str(ws),
            str(sc.files[name]),
            "--source",
            f"SYNTHETIC-{name}",
            "--kind",
            "ngo_list",
            "--mapping",
            str(sc.files[f"{name}.mapping"]),
        )
    doc = json.loads(_roshan("link", str(ws), "--json").stdout)
    assert doc["health"]["verdict"] in ("ok", "repaired"), doc["health"]["message"]
    p, r = _score(ws, sc)
    assert p >= TARGET_P and r >= TARGET_R, (p, r)


@pytest.mark.parametrize(
    ("family", "seed"), [("outside3", 11), ("concentrated", 5), ("fullname", 3)]
)
def test_outside_family_meets_the_per_seed_targets(family: str, seed: int, tmp_path: Path) -> None:
    from robustness.sweep import ingest_outside

    from roshan.link.pipeline import link_workspace
    from roshan.store.workspace import Workspace

    logging.getLogger("splink").setLevel(logging.ERROR)
    sc = _scenario(family, seed, tmp_path)
    ws = Workspace.init(tmp_path / "ws")
    try:
        ingest_outside(sc, ws)
        summary = link_workspace(ws)
    finally:
        ws.close()
    assert summary.health["verdict"] in ("ok", "repaired"), summary.health["message"]
    p, r = _score(tmp_path / "ws", sc)
    assert p >= TARGET_P and r >= TARGET_R, (p, r)
