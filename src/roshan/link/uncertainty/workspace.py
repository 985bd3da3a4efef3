"""What the clustering draws need from a linked workspace: its accepted records, saved pair
probabilities, plug-in clustering and threshold (:func:`workspace_inputs`), and the
prior match probability of its saved Splink model (:func:`model_lambda`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from roshan.errors import LinkageError

if TYPE_CHECKING:
    from roshan.store.workspace import Workspace


def workspace_inputs(ws: Workspace) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray | None, float]:
    """records (record_pk, source), pairs, plug-in labels aligned to records (or None) and
    the clustering threshold, read from a linked workspace."""

    from sqlalchemy import select

    from roshan.link.review import current_threshold, read_pairs
    from roshan.store.models import Record, Source

    stmt = (
        select(Record.id.label("record_pk"), Source.name.label("source"))
        .join(Source, Source.id == Record.source_id)
        .where(Record.status == "accepted")
        .order_by(Record.id)
    )
    with ws.engine.connect() as conn:
        records = pd.DataFrame(
            [tuple(r) for r in conn.execute(stmt)], columns=["record_pk", "source"]
        )
    if records.empty:
        raise LinkageError("the workspace has no accepted records")
    pairs = read_pairs(ws, ["record_pk_l", "record_pk_r", "match_probability"])
    labels = None
    cpath = ws.snapshot("clusters")
    if cpath.is_file():
        clusters = pd.read_parquet(cpath)
        cid = next(
            (c for c in ("cluster_id", "victim_uid", "victim_id", "uid") if c in clusters.columns),
            None,
        )
        if cid is not None and "record_pk" in clusters.columns:
            m = records[["record_pk"]].merge(
                clusters[["record_pk", cid]], on="record_pk", how="left"
            )
            lab = m[cid].astype(object)
            missing = lab.isna()
            lab[missing] = [f"__single_{pk}" for pk in m.loc[missing, "record_pk"]]
            labels = pd.factorize(lab)[0].astype(np.int64)
    return records, pairs, labels, current_threshold(ws)


def model_lambda(ws: Workspace) -> float | None:
    """Splink's prior match probability (λ) from the workspace's saved model, if any."""
    import json

    for path in sorted(Path(ws.models_dir).glob("*.json")):
        try:
            value = json.loads(path.read_text(encoding="utf-8")).get(
                "probability_two_random_records_match"
            )
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, (int, float)) and 0 < value < 1:
            return float(value)
    return None
