"""Exports of a workspace's results to files other tools read, redacted on request.

What: :func:`export_frame` builds one table (``victims``, ``records``,
``links``, ``estimates`` or ``counts``) with a redaction level applied
(:mod:`roshan.report.redact`), and :func:`export` writes it as CSV, XLSX,
JSON or Parquet. CSV and XLSX cells are neutralised against formula
injection. ``counts`` is the capture-history table ``roshan estimate --counts``
reads (one 0/1 column per list, optional stratum columns, ``count``).

Why this way: the same table must come out the same in every format, so the
frame is built and redacted once and only the writer differs; writing goes to
a temporary file that replaces ``out`` at the end, so a failed export never
leaves half a file that looks complete.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from roshan.errors import RoshanError
from roshan.files import replacing
from roshan.report.redact import RedactionRule, list_label, neutralise_frame, rule_for
from roshan.store.workspace import Workspace

__all__ = ["WHATS", "FORMATS", "export", "export_frame", "write_export", "write_frame"]

WHATS: tuple[str, ...] = ("victims", "records", "links", "estimates", "counts")
FORMATS: tuple[str, ...] = ("csv", "xlsx", "json", "parquet")
#: Columns of ``--what links`` (the linkage engineer's contract; keep exactly).
LINK_COLUMNS: tuple[str, ...] = ("source", "record_id", "victim_id", "match_probability")


def source_labels_of(ws: Workspace) -> dict[str, str]:
    from sqlalchemy import select

    from roshan.store.models import Source

    with ws.engine.connect() as conn:
        names = [r[0] for r in conn.execute(select(Source.name).order_by(Source.id))]
    return {n: list_label(i) for i, n in enumerate(names)}


def _victims(ws: Workspace) -> pd.DataFrame:
    from roshan.link.outputs import victims_table

    frame = victims_table(ws)
    if frame.empty:
        from roshan.errors import LinkageError

        raise LinkageError("no linkage results in this workspace yet; run `roshan link` first")
    return frame.drop(columns=["active", "name_key"], errors="ignore")


def _records(ws: Workspace) -> pd.DataFrame:
    from sqlalchemy import select

    from roshan.store.models import Record, RecordLink, Victim
    from roshan.store.records import records_frame

    frame = records_frame(ws, accepted_only=False)
    with ws.engine.connect() as conn:
        links = pd.DataFrame(
            conn.execute(
                select(RecordLink.record_id, Victim.uid).join(
                    Victim, Victim.id == RecordLink.victim_id
                )
            ).all(),
            columns=["record_pk", "victim_id"],
        )
        extra = pd.DataFrame(
            conn.execute(select(Record.id, Record.extra)).all(), columns=["record_pk", "extra"]
        )
    frame = frame.merge(links, on="record_pk", how="left").merge(extra, on="record_pk", how="left")
    frame["extra"] = frame["extra"].map(
        lambda v: (
            None
            if v is None or (isinstance(v, float) and pd.isna(v))
            else (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
        )
    )
    return frame


def _links(ws: Workspace, rule: RedactionRule) -> pd.DataFrame:
    from roshan.link.outputs import links_frame

    frame = links_frame(ws)
    if rule.anonymise_sources:
        # a meaningless sequence number per list replaces the source's own record id
        frame["record_id"] = (frame.groupby("source").cumcount() + 1).astype(str)
    return frame[list(LINK_COLUMNS)]


def _estimates(ws: Workspace) -> pd.DataFrame:
    from sqlalchemy import select

    from roshan.store.models import EstimateRun

    with ws.session() as sess:
        runs = [
            (r.id, r.method, list(r.by or []), r.result, r.created_at, r.link_run_id)
            for r in sess.scalars(select(EstimateRun).order_by(EstimateRun.id.desc()))
        ]
    if not runs:
        raise RoshanError(
            "no stored estimates in this workspace; run `roshan report` (which "
            "stores one) or `roshan report --estimate-strata` first"
        )
    latest: dict[tuple[str, ...], Any] = {}
    for run in runs:  # newest first: keep the latest run per stratification
        latest.setdefault(tuple(run[2]), run)
    from roshan.report.data import linkage_block

    rows: list[dict[str, Any]] = []
    for by, (rid, method, _by, res, created, link_id) in sorted(latest.items()):
        common = {
            "run_id": rid,
            "method": method,
            "by": ",".join(by),
            "created_at": created.isoformat() if created else None,
            "link_run_id": link_id,
            "level": res.get("level"),
        }
        # --linkage-draws runs: the decomposition (empty for one clustering)
        lk = linkage_block(res) or {}
        plugin = lk.get("plugin") or {}
        rows.append(
            {
                **common,
                "stratum": "total",
                "observed": res.get("observed"),
                "estimate": res.get("estimate"),
                "lower": res.get("lower"),
                "upper": res.get("upper"),
                "status": "ok" if res.get("estimate") is not None else "not_estimable",
                "reason": None,
                "linkage_draws": lk.get("n_draws"),
                "share_linkage": lk.get("share_linkage"),
                "share_unlisted": lk.get("share_unlisted"),
                "plugin_estimate": plugin.get("estimate"),
                "plugin_lower": plugin.get("lower"),
                "plugin_upper": plugin.get("upper"),
            }
        )
        for s in res.get("strata") or []:
            share = s.get("share_linkage") if lk else None
            rows.append(
                {
                    **common,
                    "stratum": "/".join(str(s.get(b)) for b in by),
                    "observed": s.get("observed"),
                    "estimate": s.get("estimate"),
                    "lower": s.get("lower"),
                    "upper": s.get("upper"),
                    "status": s.get("status")
                    or ("ok" if s.get("estimate") is not None else "not_estimable"),
                    "reason": s.get("reason"),
                    "linkage_draws": lk.get("n_draws"),
                    "share_linkage": share,
                    "share_unlisted": (1 - share) if isinstance(share, (int, float)) else None,
                    "plugin_estimate": None,
                    "plugin_lower": None,
                    "plugin_upper": None,
                }
            )
    return pd.DataFrame(rows, columns=[*ESTIMATE_COLUMNS])


#: Columns of ``--what estimates``; the last six are the linkage decomposition of a
#: ``roshan estimate --linkage-draws`` run (empty for an estimate on one clustering).
ESTIMATE_COLUMNS: tuple[str, ...] = (
    "run_id",
    "method",
    "by",
    "created_at",
    "link_run_id",
    "level",
    "stratum",
    "observed",
    "estimate",
    "lower",
    "upper",
    "status",
    "reason",
    "linkage_draws",
    "share_linkage",
    "share_unlisted",
    "plugin_estimate",
    "plugin_lower",
    "plugin_upper",
)


def _suppress_estimates(frame: pd.DataFrame, min_cell: int) -> tuple[pd.DataFrame, int]:
    small = frame["observed"].fillna(0).astype(int) < min_cell
    frame = frame.copy()
    frame.loc[
        small,
        [
            "observed",
            "estimate",
            "lower",
            "upper",
            "share_linkage",
            "share_unlisted",
            "plugin_estimate",
            "plugin_lower",
            "plugin_upper",
        ],
    ] = None
    frame.loc[small, "status"] = "suppressed"
    frame.loc[small, "reason"] = f"fewer than {min_cell} people"
    return frame, int(small.sum())


def export_frame(
    ws: Workspace,
    what: str,
    *,
    redact: str = "none",
    min_cell: int = 5,
    public_names: bool = False,
    by: list[str] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The table ``what`` with redaction ``redact`` applied, and notes on what was done.

    Notes: ``{"redact": level, "dropped": [columns], "suppressed": n cells}``.
    ``by`` adds stratum columns to ``counts`` (province, period, sex, age_group).
    """
    if what not in WHATS:
        raise RoshanError(f"cannot export {what!r}; choose one of: {', '.join(WHATS)}")
    rule = rule_for(redact, min_cell=min_cell, public_names=public_names)
    labels = source_labels_of(ws) if rule.anonymise_sources else None
    suppressed = 0
    if what == "victims":
        raw = _victims(ws)
    elif what == "records":
        raw = _records(ws)
    elif what == "links":
        raw = _links(ws, rule)
    elif what == "estimates":
        raw = _estimates(ws)
    else:
        from roshan.link.histories import capture_histories

        raw = capture_histories(ws, list(by or []))
    if by and what != "counts":
        raise RoshanError("--by applies to --what counts only")
    if what == "links":
        frame = raw.copy()
        if labels:
            frame["source"] = frame["source"].map(lambda s: labels.get(s, "List ?"))
    else:
        frame = rule.apply(raw, labels)
    if what == "counts" and labels:
        frame = frame.rename(columns={c: labels[c] for c in frame.columns if c in labels})
    if rule.level == "public" and rule.min_cell > 0:
        if what == "counts":
            small = (frame["count"] > 0) & (frame["count"] < rule.min_cell)
            suppressed = int(small.sum())
            frame = frame[~small].reset_index(drop=True)
            # a list left with nobody after suppression says nothing (and the estimator
            # refuses empty lists): drop its column
            strata = set(by or [])
            empty = [
                c
                for c in frame.columns
                if c not in strata and c != "count" and int(frame[c].sum()) == 0
            ]
            frame = frame.drop(columns=empty)
            frame = frame[frame.drop(columns=[*strata, "count"]).sum(axis=1) > 0]
            frame = frame.reset_index(drop=True)
        elif what == "estimates":
            frame, suppressed = _suppress_estimates(frame, rule.min_cell)
    dropped = sorted(c for c in raw.columns if c not in frame.columns and c not in (labels or {}))
    return frame, {
        "redact": rule.level,
        "dropped": dropped,
        "suppressed": suppressed,
        "min_cell": rule.min_cell,
        "names_kept": rule.keep_names,
    }


def _cell(value: Any) -> Any:
    """A list, array or dict as one text cell; anything else unchanged."""
    if isinstance(value, str) or value is None:
        return value
    if hasattr(value, "tolist") and not hasattr(value, "item"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists and dicts as text (for CSV/XLSX cells)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(_cell)
    return out


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("export")
    sheet.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        sheet.append(
            [
                None
                if (not isinstance(v, str) and pd.isna(v))
                else (v.item() if hasattr(v, "item") else v)
                for v in row
            ]
        )
    wb.save(path)


def write_frame(frame: pd.DataFrame, fmt: str, out: Path) -> Path:
    """Write ``frame`` as ``fmt`` to ``out`` atomically; CSV/XLSX cells neutralised."""
    if fmt not in FORMATS:
        raise RoshanError(f"unsupported format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    out = Path(out)
    with replacing(out) as tmp:
        if fmt == "csv":
            # CRLF (RFC 4180) also makes the csv writer quote any cell holding a bare CR
            neutralise_frame(_flat(frame)).to_csv(
                tmp, index=False, float_format="%.6g", lineterminator="\r\n"
            )
        elif fmt == "xlsx":
            _write_xlsx(neutralise_frame(_flat(frame)), tmp)
        elif fmt == "json":
            text = frame.to_json(orient="records", force_ascii=False, indent=1, date_format="iso")
            tmp.write_text(text, encoding="utf-8")
        else:
            pq = frame.copy()
            for col in pq.columns:
                if pq[col].dtype == object:
                    kinds = {type(v) for v in pq[col].dropna()}
                    if not kinds <= {list} and not kinds <= {str}:
                        pq[col] = pq[col].map(
                            lambda v: v if v is None or isinstance(v, (str, list)) else str(v)
                        )
            pq.to_parquet(tmp, index=False)
    return out


def export(
    ws: Workspace,
    what: str,
    fmt: str,
    out: Path,
    *,
    redact: str = "none",
    min_cell: int = 5,
    public_names: bool = False,
    by: list[str] | None = None,
) -> Path:
    """Export ``what`` from ``ws`` as ``fmt`` to ``out`` with redaction ``redact``; returns ``out``.

    With ``redact="public"`` and suppressed cells, a ``<out>.redaction.json`` beside
    the file says how many cells were suppressed and which columns were dropped.
    """
    if fmt not in FORMATS:
        raise RoshanError(f"unsupported format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    frame, notes = export_frame(
        ws, what, redact=redact, min_cell=min_cell, public_names=public_names, by=by
    )
    return write_export(frame, notes, what, fmt, Path(out))


def write_export(
    frame: pd.DataFrame, notes: dict[str, Any], what: str, fmt: str, out: Path
) -> Path:
    """Write ``frame`` and ``notes`` from :func:`export_frame` of ``what`` as ``fmt`` to
    ``out`` (:func:`write_frame`); after a public redaction, a ``<out>.redaction.json``
    beside it says how many cells were suppressed and which columns were dropped.
    Returns ``out``."""
    path = write_frame(frame, fmt, out)
    if notes["redact"] == "public":
        side = path.with_name(path.name + ".redaction.json")
        side.write_text(
            json.dumps({"what": what, "rows": len(frame), **notes}, indent=1), encoding="utf-8"
        )
    return path
