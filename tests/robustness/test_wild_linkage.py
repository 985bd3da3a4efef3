"""A small version of the wild sweep in the suite: lists with free-form headers and no
mapping files (bench/robustness/wild.py, SYNTHETIC, written independently of roshan).

``wild_insider`` is hospital, morgue and cemetery registers (three of four lists with
no place) plus family reports. Before the no-place sure rules and the weak_agreement
check, linkage at its defaults reached recall 0.23 on it (seed 1, 3,000 people) and
reported every check passed; docs/benchmarks.md has the full sweep.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from robustness.sweep import ingest_outside, truth_of
from robustness.wild import generate

from roshan.link import link_workspace
from roshan.link.quality import pairwise_scores
from roshan.store.workspace import Workspace


@pytest.mark.parametrize(("family", "seed"), [("wild_insider", 1), ("wild_ngo", 2)])
def test_wild_lists_link_without_mapping_files(family: str, seed: int) -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)
    root = Path(tempfile.mkdtemp(prefix="roshan-wild-"))
    try:
        sc = generate(family, seed, out_dir=root / "lists", n_people=1200)
        assert not [p for p in (root / "lists").iterdir() if p.suffix in (".toml", ".yaml")]
        ws = Workspace.init(root / "ws")
        try:
            res = ingest_outside(sc, ws)
            assert sum(r.rows_rejected for r in res) == 0
            for r in res:  # every list's date of death and a name were found by header
                assert "date_of_death" in r.columns.values(), r.file_name
            summary = link_workspace(ws)
            norm = pd.read_parquet(ws.snapshots_dir / "normalized.parquet")
            cl = pd.read_parquet(ws.snapshots_dir / "clusters.parquet")
        finally:
            ws.close()
        truth = truth_of(sc, norm)
        pred = pd.Series(
            cl["cluster_id"].astype(str).to_numpy(),
            index=cl["record_pk"].astype("int64").to_numpy(),
        )
        pw = pairwise_scores(pred, truth)
        assert summary.health["verdict"] != "failed"
        assert pw.precision >= 0.9, (family, pw.precision, pw.recall)
        assert pw.recall >= 0.65, (family, pw.precision, pw.recall)
    finally:
        shutil.rmtree(root, ignore_errors=True)
