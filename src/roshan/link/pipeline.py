"""``link_workspace``: link every accepted record of a workspace into victims.

normalise (the normalise stage's snapshot) → check the input → review constraints
and labels → :func:`roshan.link.core.link_prepared` → stable victim ids → write:

* ``snapshots/pairs.parquet`` — scored pairs ≥ 0.01 (record_pk_l, record_pk_r,
  match_probability, match_weight, gamma_* comparison levels, source_l, source_r);
* ``snapshots/clusters.parquet`` — record_pk, cluster_id (the victim uid),
  match_probability (record's strongest link inside its cluster), flags;
* ``snapshots/victims.parquet`` — one row per victim with best values;
* ``models/link_model.json`` and offline HTML charts;
* the store: a LinkRun, Victim rows (uids kept, retired victims inactive) and
  RecordLink rows, plus an audit event (counts only, no personal data).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import delete, select, update

from roshan.errors import LinkageError
from roshan.link.core import CoreResult, link_prepared
from roshan.link.prepare import empty_field_warnings, prepare_frame
from roshan.link.settings import optional_field_counts, optional_fields, roshan_spec
from roshan.link.victims import assign_uids, victims_frame
from roshan.store.audit import record_event
from roshan.store.models import VICTIM_FIELDS, LinkRun, RecordLink, Victim, utcnow
from roshan.store.workspace import SnapshotName, Workspace, actor_name

log = logging.getLogger(__name__)

DEFAULT_SEED = 20260108
"""Sure matches the model did not link (roshan.link.core.check_pairs): review first
when the model's health check did not pass cleanly."""


@dataclass
class LinkSummary:
    """What one ``roshan link`` run did (counts, files, timings, warnings; no names)."""

    run_id: int
    engine: str
    threshold: float
    n_records: int
    n_sources: int
    n_pairs: int
    n_victims: int
    n_linked_victims: int
    n_new_victims: int
    n_retired_victims: int
    n_flagged_clusters: int
    must_links: int
    cannot_links: int
    timings: dict[str, float] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    blocking: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    health: dict[str, Any] = field(default_factory=dict)
    # The optional comparisons the records fed (settings.optional_fields), with how many
    # records gave the field: {"national_id": 412, "burial": 300}; empty when none.
    optional_comparisons: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_normalized(ws: Workspace, *, renormalize: bool = True) -> pd.DataFrame:
    """The normalised snapshot of the workspace, (re)built by the normalise stage."""
    path = ws.snapshot("normalized")
    if renormalize:
        try:
            from roshan.normalize.snapshot import normalize_workspace
        except ImportError:
            normalize_workspace = None  # type: ignore[assignment]
        if normalize_workspace is not None:
            path = Path(normalize_workspace(ws))
    if not path.is_file():
        raise LinkageError("no normalised records in this workspace; run `roshan normalize` first")
    return pd.read_parquet(path)


def check_input(normalized: pd.DataFrame) -> list[str]:
    """Refuse input linkage cannot work on, with a message that says why; return warnings."""
    return _checked(normalized)[1]


def _checked(normalized: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """(prepared frame, warnings) after the checks of :func:`check_input`."""
    if len(normalized) == 0:
        raise LinkageError("there are no records to link; ingest and normalise some lists first")
    if "source" in normalized.columns and normalized["source"].nunique() < 2:
        raise LinkageError(
            "only one list is loaded; linkage across lists and estimation need at least two "
            "lists (ingest another source)"
        )
    prepared = prepare_frame(normalized)  # raises on missing columns
    names = prepared["family_key"].fillna("") + "|" + prepared["given_key"].fillna("")
    if len(prepared) >= 10 and names.nunique() == 1:
        raise LinkageError(
            "every record has the same name (or no name); names cannot tell people apart — "
            "check the mapping of the name columns"
        )
    if prepared["dod_month"].isna().all():
        raise LinkageError(
            "no record has a usable date of death (at least the month); check the mapping of "
            "the date column — dates are needed to tell namesakes apart"
        )
    return prepared, empty_field_warnings(prepared) + small_list_warnings(prepared)


SMALL_LIST = 20
"""A list with fewer records than this cannot show how lists overlap."""


def small_list_warnings(prepared: pd.DataFrame) -> list[str]:
    """A warning per list too small to tell anything about overlap between lists."""
    sizes = prepared["source"].value_counts()
    small = sizes[sizes < SMALL_LIST]
    return [
        f"list {name!r} has only {int(n)} record(s): too few to learn how lists overlap; "
        "its links rest on the other lists, and an estimate that counts it as a list of "
        "its own is unreliable"
        for name, n in small.sort_index().items()
    ]


def _constraints(
    ws: Workspace, known: set[int]
) -> tuple[list, list, pd.DataFrame | None, list[str]]:
    warnings: list[str] = []
    try:
        from roshan.link.review import decisions_frame, load_constraints
    except ImportError:
        return [], [], None, warnings
    must, cannot = load_constraints(ws)
    n_before = len(must) + len(cannot)
    must = [(a, b) for a, b in must if a in known and b in known]
    cannot = [(a, b) for a, b in cannot if a in known and b in known]
    if len(must) + len(cannot) < n_before:
        warnings.append(
            f"{n_before - len(must) - len(cannot)} review decision(s) name records "
            "that are no longer linked (rejected or removed); they were ignored"
        )
    dec = decisions_frame(ws)
    labels = None
    if len(dec):
        dec = dec[dec["decision"].isin(["match", "non_match"])]
        labels = pd.DataFrame(
            {
                "unique_id_l": dec["record_a"].astype("int64"),
                "unique_id_r": dec["record_b"].astype("int64"),
                "is_match": dec["decision"] == "match",
            }
        )
        labels = labels[labels["unique_id_l"].isin(known) & labels["unique_id_r"].isin(known)]
    return must, cannot, labels, warnings


def _previous_assignment(ws: Workspace) -> tuple[dict[int, str], dict[str, int]]:
    with ws.engine.connect() as conn:
        rows = conn.execute(
            select(RecordLink.record_id, Victim.uid)
            .join(Victim, Victim.id == RecordLink.victim_id)
            .where(Victim.active.is_(True))
        ).all()
        uids = conn.execute(select(Victim.uid, Victim.id)).all()
    return {int(r): str(u) for r, u in rows}, {str(u): int(i) for u, i in uids}


def _write_store(
    ws: Workspace,
    run_id: int,
    victims: pd.DataFrame,
    links: pd.DataFrame,
    uid_ids: dict[str, int],
    active_before: set[str],
    finish: Callable[[Any, int, int], None] | None = None,
) -> tuple[int, int]:
    """Upsert victims, retire the ones gone, replace record links. Returns (new, retired).

    One transaction: ``finish(session, new, retired)`` runs inside it (marking the run
    done), so a crash leaves either the previous run's victims and links or this
    run's complete ones, never half of each.
    """
    records = victims[["uid", "name_key", *VICTIM_FIELDS]].to_dict("records")
    new_rows, upd_rows = [], []
    for rec in records:
        rec["run_id"] = run_id
        rec["active"] = True
        if rec["uid"] in uid_ids:
            rec["id"] = uid_ids[rec["uid"]]
            upd_rows.append(rec)
        else:
            new_rows.append(rec)
    current = set(victims["uid"])
    retired_ids = [i for u, i in uid_ids.items() if u not in current]
    with ws.session() as sess:
        sess.execute(delete(RecordLink))
        if upd_rows:
            sess.execute(update(Victim), upd_rows)
        if retired_ids:
            for chunk in range(0, len(retired_ids), 500):
                sess.execute(
                    update(Victim)
                    .where(Victim.id.in_(retired_ids[chunk : chunk + 500]))
                    .values(active=False)
                )
        if new_rows:
            sess.bulk_insert_mappings(Victim, new_rows)
        sess.flush()
        ids = dict(sess.execute(select(Victim.uid, Victim.id)).all())
        link_rows = [
            (int(r), int(ids[u]), run_id, None if pd.isna(p) else float(p))
            for r, u, p in zip(
                links["record_pk"].tolist(),
                links["cluster_id"].tolist(),
                links["match_probability"].tolist(),
                strict=True,
            )
        ]
        _insert_links(sess, link_rows)
        if finish is not None:
            finish(sess, len(new_rows), len(active_before - current))
    return len(new_rows), len(active_before - current)


def _insert_links(sess: Any, rows: list[tuple[int, int, int, float | None]]) -> None:
    """Insert record_links rows with the driver's executemany, in the session's
    transaction (SQLAlchemy's per-row parameter handling was most of the store step
    at a million records)."""
    conn = sess.connection()
    ph = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    cur = conn.connection.dbapi_connection.cursor()
    try:
        for chunk in range(0, len(rows), 50_000):
            cur.executemany(
                "INSERT INTO record_links (record_id, victim_id, run_id, match_probability) "
                f"VALUES ({ph}, {ph}, {ph}, {ph})",
                rows[chunk : chunk + 50_000],
            )
    finally:
        cur.close()


def _write_parquet_tmp(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` next to ``path`` under a temporary name (renamed into place later)."""
    tmp = path.with_name(path.name + ".tmp")
    frame.to_parquet(tmp, index=False)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    return tmp


def link_workspace(
    ws: Workspace,
    *,
    engine: str = "duckdb",
    spark_master: str | None = None,
    threshold: float | None = None,
    seed: int = DEFAULT_SEED,
    on_progress: Callable[[str, int, int], None] | None = None,
    renormalize: bool = True,
) -> LinkSummary:
    """Link the workspace's records into victims and write every output (see module doc)."""
    from roshan.link.engine import ENGINES

    if engine not in ENGINES:
        raise LinkageError(f"unknown linkage engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if threshold is not None and not 0.0 < float(threshold) < 1.0:
        raise LinkageError(f"threshold must be strictly between 0 and 1, got {threshold}")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    normalized = load_normalized(ws, renormalize=renormalize)
    timings["normalize"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    prepared, warnings = _checked(normalized)
    t_check = time.perf_counter() - t0
    known = set(prepared["unique_id"].tolist())
    must, cannot, labels, cw = _constraints(ws, known)
    warnings += cw
    optional = optional_fields(prepared)
    spec = roshan_spec(threshold, **optional)
    actor = actor_name()
    with ws.session() as sess:
        run = LinkRun(
            engine=engine,
            threshold=spec.threshold,
            settings=spec.to_dict(),
            status="running",
            n_records=len(prepared),
            actor=actor,
        )
        sess.add(run)
        sess.flush()
        run_id = int(run.id)
    try:
        result: CoreResult = link_prepared(
            prepared,
            spec,
            engine=engine,
            spark_master=spark_master,
            seed=seed,
            must_link=must,
            cannot_link=cannot,
            labels=labels,
            models_dir=ws.models_dir,
            on_progress=on_progress,
        )
    except BaseException:
        with ws.session() as sess:
            sess.execute(
                update(LinkRun)
                .where(LinkRun.id == run_id)
                .values(status="failed", finished_at=utcnow())
            )
        raise
    timings.update(result.timings)
    timings["prepare"] = timings.get("prepare", 0.0) + t_check
    t0 = time.perf_counter()
    labels_df = result.clustering.labels
    previous, uid_ids = _previous_assignment(ws)
    uid_of = assign_uids(labels_df, previous, set(uid_ids))
    labels_df = labels_df.assign(cluster_id=labels_df["cluster"].map(uid_of))
    flags_by_uid = {uid_of[c]: f for c, f in result.clustering.flags.items()}
    labels_df["flags"] = labels_df["cluster_id"].map(lambda u: flags_by_uid.get(u, []))
    victims = victims_frame(normalized, labels_df.rename(columns={"cluster_id": "uid"}))
    victims["flags"] = victims["uid"].map(lambda u: flags_by_uid.get(u, []))
    ages = pd.DataFrame({"record_pk": prepared["unique_id"], "age_mid": prepared["age_mid"]})
    ages = ages.merge(labels_df[["record_pk", "cluster_id"]], on="record_pk")
    victims["age_years"] = victims["uid"].map(ages.groupby("cluster_id")["age_mid"].median())

    # Crash safety: snapshots are written under temporary names, the store (victims,
    # links, run marked done, audit) is replaced in one transaction, and only then are
    # the snapshots renamed into place. A kill at any point leaves the previous run's
    # results whole (a "running" link_runs row is never read as a result).
    outputs: dict[SnapshotName, pd.DataFrame] = {
        "check_pairs": result.check_pairs
        if result.check_pairs is not None
        else pd.DataFrame(
            {"record_pk_l": [], "record_pk_r": [], "match_probability": [], "combination": []}
        ),
        "pairs": result.pairs,
        "clusters": labels_df[["record_pk", "cluster_id", "match_probability", "flags"]],
        "victims": victims,
    }
    tmps = {name: _write_parquet_tmp(frame, ws.snapshot(name)) for name, frame in outputs.items()}
    warnings += result.warnings
    n_flagged = len(result.clustering.flags)

    def finish(sess: Any, n_new: int, n_retired: int) -> None:
        sess.execute(
            update(LinkRun)
            .where(LinkRun.id == run_id)
            .values(
                status="done",
                finished_at=utcnow(),
                n_victims=len(victims),
                model_path=str(result.model_files.get("model", "")) or None,
                health_verdict=result.health.verdict,
                health=result.health.to_dict(),
            )
        )
        record_event(
            sess,
            actor,
            "link.run",
            "link_run",
            run_id,
            {
                "engine": engine,
                "threshold": result.threshold,
                "records": len(prepared),
                "victims": len(victims),
                "new_victims": n_new,
                "retired_victims": n_retired,
                "must_links": len(must),
                "cannot_links": len(cannot),
                "flagged": n_flagged,
                "health": result.health.verdict,
            },
        )

    n_new, n_retired = _write_store(
        ws, run_id, victims, labels_df, uid_ids, set(previous.values()), finish
    )
    for name, tmp in tmps.items():
        os.replace(tmp, ws.snapshot(name))
    timings["store"] = time.perf_counter() - t0
    files = {name: str(ws.snapshot(name)) for name in ("pairs", "clusters", "victims")}
    files.update({k: str(v) for k, v in result.model_files.items()})
    summary = LinkSummary(
        run_id=run_id,
        engine=engine,
        threshold=result.threshold,
        n_records=len(prepared),
        n_sources=int(prepared["source"].nunique()),
        n_pairs=len(result.pairs),
        n_victims=len(victims),
        n_linked_victims=int((victims["n_records"] > 1).sum()),
        n_new_victims=n_new,
        n_retired_victims=n_retired,
        n_flagged_clusters=n_flagged,
        must_links=len(must),
        cannot_links=len(cannot),
        timings={k: round(v, 3) for k, v in timings.items()},
        files=files,
        training=result.training.to_dict(),
        blocking=result.blocking.to_dict(),
        warnings=warnings,
        health=result.health.to_dict(),
        optional_comparisons={
            k: n for k, n in optional_field_counts(prepared).items() if optional.get(k)
        },
    )
    (ws.models_dir / "link_summary.json").write_text(
        json.dumps(summary.to_dict(), indent=2, default=str), encoding="utf-8"
    )
    return summary


def latest_link_health(ws: Workspace) -> dict[str, Any] | None:
    """The health check of the latest finished link run (:mod:`roshan.link.health`):
    ``verdict`` (ok / repaired / failed), ``message``, ``review_pairs``, ``failed``
    (names of failed checks), ``run_id``. None before any link run; a run from before
    the check existed gives verdict ``None`` ("not checked")."""
    with ws.engine.connect() as conn:
        row = conn.execute(
            select(LinkRun.id, LinkRun.health_verdict, LinkRun.health)
            .where(LinkRun.status == "done")
            .order_by(LinkRun.id.desc())
            .limit(1)
        ).first()
    if row is None:
        return None
    run_id, verdict, health = row
    health = health or {}
    return {
        "run_id": int(run_id),
        "verdict": verdict,
        "message": health.get("message"),
        "review_pairs": int(health.get("review_pairs") or 0),
        "failed": [c["name"] for c in health.get("checks", []) if not c.get("ok", True)],
    }
