"""Helpers for linkage tests: a SYNTHETIC simulated scenario, workspaces built from it,
and truth/cluster lookups by record_pk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd


@dataclass
class Scenario:
    """A simulated scenario on disk: its folder and manifest."""

    root: Path
    manifest: dict[str, Any]

    @property
    def sources(self) -> list[dict[str, Any]]:
        return list(self.manifest["sources"])

    def truth(self) -> pd.DataFrame:
        return pd.read_csv(self.root / "truth" / "records.csv", dtype=str)


def build_workspace(scenario: Scenario, path: Path, sources: list[str] | None = None):
    """A workspace with the scenario's lists (all, or the named ones) ingested."""
    from roshan.store.workspace import Workspace

    ws = Workspace.init(path)
    add_sources(ws, scenario, sources)
    return ws


def add_sources(ws: Any, scenario: Scenario, sources: list[str] | None = None) -> None:
    from roshan.canonical import SourceKind
    from roshan.ingest.importer import ingest_file

    for s in scenario.sources:
        if sources is not None and s["name"] not in sources:
            continue
        mapping = scenario.root / s["mapping"] if s.get("mapping") else None
        ingest_file(
            ws,
            scenario.root / s["file"],
            source_name=s["name"],
            source_kind=SourceKind(s["kind"]),
            mapping_path=mapping,
        )


def truth_by_pk(ws: Any, scenario: Scenario) -> pd.Series:
    """record_pk → true person id, joining the normalised snapshot to the truth file."""
    norm = pd.read_parquet(
        ws.snapshots_dir / "normalized.parquet", columns=["record_pk", "source", "row_number"]
    )
    norm["row_number"] = norm["row_number"].astype(str)
    m = norm.merge(scenario.truth(), on=["source", "row_number"], how="left")
    assert m["victim_id"].notna().all(), "every record must have a truth entry"
    return pd.Series(m["victim_id"].values, index=m["record_pk"].values)


def clusters_by_pk(ws: Any) -> pd.Series:
    cl = pd.read_parquet(ws.snapshots_dir / "clusters.parquet")
    return pd.Series(cl["cluster_id"].values, index=cl["record_pk"].values)
