"""Fixtures for robustness tests: outside scenarios (SYNTHETIC, bench/robustness/outside.py)
ingested and normalised by roshan as a user's lists would be."""

from __future__ import annotations

import dataclasses
import logging
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))


@dataclasses.dataclass
class OutsideCase:
    scenario: object
    workspace_root: Path
    normalized: object  # pandas DataFrame (normalised snapshot)
    truth: object  # pandas Series person_id by record_pk


def build_outside(family: str, seed: int, root: Path, n_people: int | None = None) -> OutsideCase:
    """Generate an outside scenario, ingest every list into a workspace, normalise."""
    import pandas as pd
    from robustness.outside import FAMILIES, generate
    from robustness.sweep import ingest_outside, truth_of

    from roshan.normalize.snapshot import normalize_workspace
    from roshan.store.workspace import Workspace

    fam = FAMILIES[family]
    if n_people is not None:
        fam = dataclasses.replace(fam, n_people=n_people)
    sc = generate(fam, seed, out_dir=root / "lists")
    ws = Workspace.init(root / "ws")
    try:
        ingest_outside(sc, ws)
        norm = pd.read_parquet(normalize_workspace(ws))
    finally:
        ws.close()
    return OutsideCase(sc, root / "ws", norm, truth_of(sc, norm))


@pytest.fixture(scope="session")
def outside_small(tmp_path_factory: pytest.TempPathFactory) -> OutsideCase:
    """outside3 (Persian list, Latin list, mixed list) with 1,000 people, seed 3."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    return build_outside("outside3", 3, tmp_path_factory.mktemp("outside3"), n_people=1000)
