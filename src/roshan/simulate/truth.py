"""The simulator's truth, joined to a workspace: which stored record is which person.

A simulated scenario writes ``truth/records.csv`` (source, record_id, row_number,
victim_id) beside its lists. Once the lists are ingested and normalised, each
record in the store has a ``record_pk``; :func:`truth_by_record` maps those to the
simulated person, so a linkage of the SYNTHETIC workspace can be scored against
what really happened (:mod:`roshan.link.quality`). Benchmarks and tests use it; a
real workspace has no truth and never reaches this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from roshan.store.workspace import Workspace


def truth_by_record(ws: Workspace, scenario_dir: Path) -> pd.Series:
    """``victim_id`` (the simulated person) indexed by ``record_pk``, for every record
    of the normalised snapshot that the scenario's truth knows."""
    truth_path = Path(scenario_dir) / "truth" / "records.csv"
    truth = pd.read_csv(truth_path, dtype=str, usecols=["source", "row_number", "victim_id"])
    norm = pd.read_parquet(ws.snapshot("normalized"), columns=["record_pk", "source", "row_number"])
    norm["row_number"] = norm["row_number"].astype(str)
    m = norm.merge(truth, on=["source", "row_number"], how="inner")
    return pd.Series(
        m["victim_id"].to_numpy(), index=m["record_pk"].astype("int64").to_numpy(), name="victim_id"
    )


def linkage_quality(ws: Workspace, scenario_dir: Path) -> dict[str, Any]:
    """Pairwise and B-cubed precision/recall/F1 of the workspace's current clustering
    (``clusters.parquet``) against the scenario's truth."""
    from roshan.link.quality import bcubed_scores, pairwise_scores

    truth = truth_by_record(ws, scenario_dir)
    cl = pd.read_parquet(ws.snapshot("clusters"), columns=["record_pk", "cluster_id"])
    pred = pd.Series(cl["cluster_id"].to_numpy(), index=cl["record_pk"].astype("int64"))
    return {
        "pairwise": pairwise_scores(pred, truth).to_dict(),
        "bcubed": bcubed_scores(pred, truth).to_dict(),
        "records_scored": int(len(pred.index.intersection(truth.index))),
        "true_people": int(truth.nunique()),
    }
