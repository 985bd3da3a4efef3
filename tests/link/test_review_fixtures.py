"""Shared fixtures for the review tests (imported by tests/link/test_review*.py).

A small SYNTHETIC scenario from roshan.simulate is ingested once per session into a
template workspace; each test gets a copy of that folder (a fresh SQLite store with
a new workspace id), plus helpers that write the linkage engine's snapshots
(pairs.parquet, clusters.parquet) with known contents, so the review functions are
tested independently of the linker.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pandas as pd
import pytest


def _build_template(base: Path) -> Path:
    from roshan.simulate import ScenarioConfig, ingest_scenario, simulate
    from roshan.store.workspace import Workspace

    scen = base / "scenario"
    manifest = simulate(ScenarioConfig(seed=7, population=150, lists=3), scen)
    ws = Workspace.init(base / "template")
    ingest_scenario(ws, scen, manifest)
    ws.close()
    return base / "template"


@pytest.fixture(scope="session")
def review_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of a workspace holding one small SYNTHETIC scenario (built once)."""
    return _build_template(tmp_path_factory.mktemp("review_tpl"))


def copy_workspace(template: Path, dest: Path):
    """A copy of the template workspace with its own workspace id."""
    from roshan.store.workspace import CONFIG_NAME, Workspace

    shutil.copytree(template, dest)
    cfg = dest / CONFIG_NAME
    text = cfg.read_text(encoding="utf-8")
    old = Workspace.open(template).id
    cfg.write_text(text.replace(old, str(uuid.uuid4())), encoding="utf-8")
    return Workspace.open(dest)


@pytest.fixture
def rws(review_template: Path, tmp_path: Path):
    """A fresh workspace (copy of the template) for one test."""
    ws = copy_workspace(review_template, tmp_path / "ws")
    yield ws
    ws.close()


def record_pks(ws) -> list[int]:
    from roshan.store.records import records_frame

    return [int(x) for x in records_frame(ws)["record_pk"]]


def write_pairs(ws, rows: list[tuple[int, int, float]]) -> Path:
    """Write pairs.parquet with (record_pk_l, record_pk_r, match_probability)."""
    import numpy as np

    frame = pd.DataFrame(rows, columns=["record_pk_l", "record_pk_r", "match_probability"])
    p = frame["match_probability"].clip(1e-9, 1 - 1e-9)
    frame["match_weight"] = np.log2(p / (1 - p))
    path = ws.snapshots_dir / "pairs.parquet"
    frame.to_parquet(path, index=False)
    return path


def write_clusters(ws, clusters: dict[str, list[int]], singletons: list[int] = ()) -> Path:
    rows = [(pk, cid) for cid, pks in clusters.items() for pk in pks]
    rows += [(pk, f"S-{pk}") for pk in singletons]
    frame = pd.DataFrame(rows, columns=["record_pk", "cluster_id"])
    path = ws.snapshots_dir / "clusters.parquet"
    frame.to_parquet(path, index=False)
    return path


def set_fields(ws, pk: int, **values: str | None) -> None:
    """Set canonical fields of a record in the copy (records are not append-only)."""
    from sqlalchemy import update

    from roshan.store.models import Record

    with ws.session() as sess:
        sess.execute(update(Record).where(Record.id == pk).values(**values))


def audit_details(ws, action: str) -> list[dict]:
    from sqlalchemy import select

    from roshan.store.models import AuditEvent

    with ws.engine.connect() as conn:
        rows = conn.execute(
            select(AuditEvent.detail, AuditEvent.object_id, AuditEvent.actor).where(
                AuditEvent.action == action
            )
        ).all()
    return [
        {
            "detail": r[0],
            "object_id": r[1],
            "actor": r[2],
            "json": json.dumps(r[0], ensure_ascii=False),
        }
        for r in rows
    ]


def test_template_has_records(rws) -> None:
    """The fixture itself: a few hundred SYNTHETIC records from three lists."""
    pks = record_pks(rws)
    assert len(pks) > 50
    assert pks == sorted(pks)
