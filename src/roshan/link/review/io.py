"""Review batches as spreadsheets: export the pairs to review, import the decisions.

Many documentation teams work in Excel or LibreOffice, not in a terminal. A batch
is one row per pair: both records' key fields side by side (``a_full_name``,
``b_full_name``, …), the match probability and why the pair was chosen, an empty
``decision`` column (and ``note``, ``reviewer``), and the technical keys roshan needs
to read it back: ``record_a``, ``record_b``, ``version`` (of the decision the batch
was made from, 0 = none), ``workspace_id`` and ``batch_id`` **in every row**, so a
file stays traceable even after rows are sorted, filtered or copied between files.
XLSX batches also carry an ``about`` sheet with the same ids and instructions.

Import accepts ``match``/``non_match``/``unsure``, ``y``/``n``/``?`` and the Persian
بله/خیر/نامطمئن; blank decisions are skipped. It is all-or-nothing on errors a user
must fix (a file from another workspace, unknown record ids, an unknown word, the
same pair decided two ways) and row-by-row on concurrency: a pair someone decided
differently after the batch was exported is reported as a conflict and left alone.
Sensitive fields (witness, source reference, notes) are never exported. Text cells
that a spreadsheet would run as a formula are written inert.
"""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from roshan.errors import InputFileError, LinkageError, WorkspaceError
from roshan.link.review.decisions import (
    DECISIONS,
    ReviewConflictError,
    decide_in_session,
    parse_decision,
)
from roshan.link.review.queue import review_queue
from roshan.link.review.reading import records_by_pk
from roshan.store.audit import record_event
from roshan.store.models import Record, ReviewDecision
from roshan.store.workspace import Workspace, actor_name

#: Record fields exported for each side of a pair (never the sensitive ones).
KEY_FIELDS: tuple[str, ...] = (
    "source",
    "record_id",
    "full_name",
    "given_name",
    "family_name",
    "father_name",
    "sex",
    "age",
    "date_of_death",
    "place_of_death",
    "city",
    "province",
    "cause_of_death",
)
LEAD_COLUMNS = ("item", "decision", "note", "reviewer", "match_probability", "kind", "reason")
TAIL_COLUMNS = ("record_a", "record_b", "version", "cluster_id", "workspace_id", "batch_id")
REQUIRED_COLUMNS = ("workspace_id", "record_a", "record_b", "decision")
SHEET = "review"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

INSTRUCTIONS = [
    "SYNTHETIC or real: this file may contain names of victims. Keep it as safe as the workspace.",
    "Fill the 'decision' column: match / non_match / unsure (or y / n / ?, or بله / خیر / نامطمئن).",
    "Leave 'decision' blank to skip a row. Optionally write a note and your name in 'reviewer'.",
    "Do not change record_a, record_b, version, workspace_id or batch_id.",
    "Import with: roshan review WORKSPACE --batch-in THIS_FILE",
]


def batch_columns() -> list[str]:
    """Column order of an exported batch."""
    sides = [f"{side}_{f}" for f in KEY_FIELDS for side in ("a", "b")]
    return [*LEAD_COLUMNS, *sides, *TAIL_COLUMNS]


def new_batch_id() -> str:
    """A batch id: UTC time plus a random suffix (``rb-20260129T101500-1a2b3c4d``)."""
    return f"rb-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"


@dataclass
class BatchExport:
    """What an export wrote."""

    path: Path
    batch_id: str
    workspace_id: str
    rows: int
    uncertain_pairs: int
    suspicious_clusters: int
    model_checks: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "batch_id": self.batch_id,
            "workspace_id": self.workspace_id,
            "rows": self.rows,
            "uncertain_pairs": self.uncertain_pairs,
            "suspicious_clusters": self.suspicious_clusters,
            "model_checks": self.model_checks,
        }


@dataclass
class BatchImport:
    """What an import did: counts per decision, blanks, no-ops and conflicts (row numbers)."""

    path: Path
    batch_ids: list[str]
    rows: int = 0
    decided: dict[str, int] = field(default_factory=lambda: {d: 0 for d in DECISIONS})
    blank: int = 0
    unchanged: int = 0
    conflicts: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "batch_ids": self.batch_ids,
            "rows": self.rows,
            "decided": dict(self.decided),
            "blank": self.blank,
            "unchanged": self.unchanged,
            "conflicts": len(self.conflicts),
            "conflict_rows": self.conflicts[:100],
        }


def _inert(value: object) -> object:
    """Neutralise spreadsheet formula injection in a text cell (OWASP: prefix a quote)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def batch_rows(
    ws: Workspace, limit: int = 50, cluster_limit: int = 20, batch_id: str | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """The rows of a new batch (as dicts in :func:`batch_columns` order) and its id."""
    batch_id = batch_id or new_batch_id()
    items = review_queue(ws, limit, cluster_limit)
    pks = {i["record_a"] for i in items} | {i["record_b"] for i in items}
    recs = records_by_pk(ws, pks)
    from sqlalchemy import select

    versions: dict[tuple[int, int], int] = {}
    if items:
        with ws.engine.connect() as conn:
            for a, b, v in conn.execute(
                select(ReviewDecision.record_a, ReviewDecision.record_b, ReviewDecision.version)
            ):
                versions[(int(a), int(b))] = int(v)
    rows = []
    for n, item in enumerate(items, start=1):
        a, b = item["record_a"], item["record_b"]
        row: dict[str, Any] = {
            "item": n,
            "decision": "",
            "note": "",
            "reviewer": "",
            "match_probability": (
                None
                if item["match_probability"] is None
                else round(float(item["match_probability"]), 6)
            ),
            "kind": item["kind"],
            "reason": item["reason"],
        }
        ra, rb = recs.get(a, {}), recs.get(b, {})
        for f in KEY_FIELDS:
            row[f"a_{f}"] = ra.get(f)
            row[f"b_{f}"] = rb.get(f)
        row.update(
            {
                "record_a": a,
                "record_b": b,
                "version": versions.get((a, b), 0),
                "cluster_id": item["cluster_id"],
                "workspace_id": ws.id,
                "batch_id": batch_id,
            }
        )
        rows.append(row)
    return batch_id, rows


def export_batch(
    ws: Workspace,
    path: str | Path,
    *,
    limit: int = 50,
    cluster_limit: int = 20,
    actor: str | None = None,
) -> BatchExport:
    """Write the ``limit`` most uncertain pairs and ``cluster_limit`` suspicious clusters to a
    CSV (UTF-8 with BOM, so Excel shows Persian) or XLSX file, for review in a spreadsheet."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputFileError("a review batch must be a .csv or .xlsx file", file=str(path))
    if limit < 0 or cluster_limit < 0:
        raise LinkageError("--limit must not be negative")
    batch_id, rows = batch_rows(ws, limit, cluster_limit)
    cols = batch_columns()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    if suffix == ".csv":
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(cols)
            for row in rows:
                writer.writerow(["" if row[c] is None else _inert(row[c]) for c in cols])
    else:
        _write_xlsx(tmp, cols, rows, ws.id, batch_id)
    tmp.replace(path)
    n_pairs = sum(1 for r in rows if r["kind"] == "uncertain_pair")
    n_checks = sum(1 for r in rows if r["kind"] == "model_check")
    n_clusters = len(rows) - n_pairs - n_checks
    with ws.session() as sess:
        record_event(
            sess,
            actor or actor_name(),
            "review.batch_export",
            "review_batch",
            batch_id,
            {
                "rows": len(rows),
                "format": suffix.lstrip("."),
                "uncertain_pairs": n_pairs,
                "suspicious_clusters": n_clusters,
                "model_checks": n_checks,
            },
        )
    return BatchExport(
        path=path,
        batch_id=batch_id,
        workspace_id=ws.id,
        rows=len(rows),
        uncertain_pairs=n_pairs,
        suspicious_clusters=n_clusters,
        model_checks=n_checks,
    )


def _write_xlsx(
    path: Path, cols: list[str], rows: list[dict[str, Any]], workspace_id: str, batch_id: str
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    sheet = wb.active
    sheet.title = SHEET
    sheet.append(cols)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for c, name in enumerate(cols, start=1):
            value = row[name]
            cell = sheet.cell(row=r, column=c)
            if value is None or value == "":
                continue
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
    dec_col = cols.index("decision") + 1
    letter = sheet.cell(row=1, column=dec_col).column_letter
    fill = PatternFill("solid", fgColor="FFF2CC")
    for r in range(2, len(rows) + 2):
        sheet.cell(row=r, column=dec_col).fill = fill
    if rows:
        dv = DataValidation(
            type="list",
            formula1='"match,non_match,unsure,بله,خیر,نامطمئن"',
            allow_blank=True,
            showErrorMessage=False,
        )
        dv.add(f"{letter}2:{letter}{len(rows) + 1}")
        sheet.add_data_validation(dv)
    sheet.freeze_panes = "C2"
    about = wb.create_sheet("about")
    about.append(["workspace_id", workspace_id])
    about.append(["batch_id", batch_id])
    about.append(["created_at", datetime.now(UTC).isoformat(timespec="seconds")])
    about.append([])
    for line in INSTRUCTIONS:
        about.append([line])
    wb.save(path)


def _int_cell(value: object, *, file: str, row: int, column: str) -> int:
    try:
        text = str(value).strip()
        number = float(text)
        if number != int(number):
            raise ValueError
        return int(number)
    except (TypeError, ValueError):
        raise InputFileError(
            f"not a whole number: {str(value)[:20]!r}", file=file, row=row, field=column
        ) from None


def read_batch(ws: Workspace, path: str | Path) -> list[dict[str, Any]]:
    """Read and validate a batch file; returns one dict per row that carries a decision
    (row, record_a, record_b, decision, version, note, reviewer, batch_id).

    Raises (and so nothing is imported) on a file from another workspace, missing
    columns, unknown record ids, unknown decision words, bad numbers, or one pair
    decided two different ways.
    """
    from roshan.ingest.readers import open_table

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".tsv", ".txt", ".xlsx"):
        raise InputFileError("a review batch must be a .csv or .xlsx file", file=str(path))
    sheet = None
    if suffix == ".xlsx":
        try:
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True)
            names = wb.sheetnames
            wb.close()
        except Exception as exc:  # openpyxl raises many types on bad files
            raise InputFileError(
                f"not a readable XLSX workbook ({type(exc).__name__})", file=path.name
            ) from exc
        sheet = SHEET if SHEET in names else None
    table = open_table(path, sheet=sheet)
    name = path.name
    header = [h.strip().lstrip("\ufeff") for h in table.header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputFileError(
            f"not a roshan review batch (missing column(s) {', '.join(missing)})", file=name
        )
    out: list[dict[str, Any]] = []
    other_ws: set[str] = set()
    batch_ids: list[str] = []
    for row_number, raw in table.rows:
        cells = {str(k).strip().lstrip("\ufeff"): v for k, v in raw.items()}
        if all(v in (None, "") for v in cells.values()):
            continue
        wid = str(cells.get("workspace_id") or "").strip()
        if wid != ws.id:
            other_ws.add(wid or "(blank)")
            continue
        bid = str(cells.get("batch_id") or "").strip()
        if bid and bid not in batch_ids:
            batch_ids.append(bid)
        try:
            decision = parse_decision(cells.get("decision"))
        except ValueError as exc:
            raise InputFileError(str(exc), file=name, row=row_number, field="decision") from None
        a = _int_cell(cells.get("record_a"), file=name, row=row_number, column="record_a")
        b = _int_cell(cells.get("record_b"), file=name, row=row_number, column="record_b")
        if a == b:
            raise InputFileError(
                "record_a and record_b are the same record", file=name, row=row_number
            )
        version_cell = cells.get("version")
        version = (
            None
            if version_cell in (None, "")
            else _int_cell(version_cell, file=name, row=row_number, column="version")
        )
        note = str(cells.get("note") or "").strip() or None
        reviewer = str(cells.get("reviewer") or "").strip() or None
        out.append(
            {
                "row": row_number,
                "record_a": min(a, b),
                "record_b": max(a, b),
                "decision": decision,
                "version": version,
                "note": note,
                "reviewer": reviewer,
                "batch_id": bid,
            }
        )
    if other_ws:
        shown = ", ".join(sorted(other_ws)[:3])
        raise WorkspaceError(
            f"{name}: this review file belongs to another workspace ({shown}), not to this one "
            f"({ws.id}); nothing was imported"
        )
    # One pair, one decision per file.
    seen: dict[tuple[int, int], dict[str, Any]] = {}
    for item in out:
        if item["decision"] is None:
            continue
        key = (item["record_a"], item["record_b"])
        if key in seen and seen[key]["decision"] != item["decision"]:
            raise InputFileError(
                f"the same pair is decided differently on rows {seen[key]['row']} and "
                f"{item['row']}; nothing was imported",
                file=name,
            )
        seen.setdefault(key, item)
    _check_known(ws, out, name)
    for item in out:
        item["batch_ids"] = batch_ids
    return out


def _check_known(ws: Workspace, items: list[dict[str, Any]], name: str) -> None:
    from sqlalchemy import select

    wanted = sorted({i["record_a"] for i in items} | {i["record_b"] for i in items})
    found: set[int] = set()
    with ws.engine.connect() as conn:
        for k in range(0, len(wanted), 500):
            chunk = wanted[k : k + 500]
            found.update(
                int(r)
                for r in conn.execute(select(Record.id).where(Record.id.in_(chunk))).scalars()
            )
    bad = [i for i in items if i["record_a"] not in found or i["record_b"] not in found]
    if bad:
        rows = ", ".join(str(i["row"]) for i in bad[:10])
        raise InputFileError(
            f"unknown record id(s) on row(s) {rows}; nothing was imported", file=name
        )


def import_batch(ws: Workspace, path: str | Path, *, reviewer: str | None = None) -> BatchImport:
    """Store the decisions filled into a batch file (see module docstring for the rules).

    ``reviewer`` is used for rows whose ``reviewer`` cell is blank (default: the acting
    user). A pair whose stored decision already equals the file's is counted as
    unchanged, so importing the same file twice is harmless.
    """
    path = Path(path)
    items = read_batch(ws, path)
    default_reviewer = (reviewer or actor_name()).strip()
    result = BatchImport(
        path=path, batch_ids=items[0]["batch_ids"] if items else [], rows=len(items)
    )
    from sqlalchemy import select

    done: set[tuple[int, int]] = set()
    with ws.session() as sess:
        for item in items:
            if item["decision"] is None:
                result.blank += 1
                continue
            key = (item["record_a"], item["record_b"])
            if key in done:
                result.unchanged += 1
                continue
            done.add(key)
            current = sess.scalars(
                select(ReviewDecision).where(
                    ReviewDecision.record_a == key[0], ReviewDecision.record_b == key[1]
                )
            ).first()
            if current is not None and current.decision == item["decision"]:
                result.unchanged += 1
                continue
            try:
                with sess.begin_nested():
                    decide_in_session(
                        sess,
                        key[0],
                        key[1],
                        item["decision"],
                        item["reviewer"] or default_reviewer,
                        expected_version=item["version"],
                        note=item["note"],
                        via="batch",
                    )
            except ReviewConflictError:
                result.conflicts.append(int(item["row"]))
                continue
            result.decided[item["decision"]] += 1
        record_event(
            sess,
            default_reviewer,
            "review.batch_import",
            "review_batch",
            ",".join(result.batch_ids)[:200] or None,
            {
                "rows": result.rows,
                "decided": dict(result.decided),
                "blank": result.blank,
                "unchanged": result.unchanged,
                "conflicts": len(result.conflicts),
                "format": path.suffix.lstrip("."),
            },
        )
    return result
