"""Load a list into the store: one import = one transaction, every row kept with provenance.

For each data row the importer stores the original cells verbatim (``raw_rows``),
the canonical fields mapped from them with the row's issues (``records``) and a
leaf in the Merkle ledger, then the import's counts and an audit event — all
or nothing. Re-importing the same bytes is a no-op that says so. With
``strict=True`` one bad row refuses the whole file.
"""

from __future__ import annotations

import hashlib
import json
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import CursorResult, func, insert, select, text, update
from sqlalchemy.engine import Connection

from roshan import __version__
from roshan.canonical import FIELD_NAMES, SourceKind
from roshan.errors import InputFileError, MappingError, RoshanError
from roshan.files import file_sha256
from roshan.ingest.mapping import Mapping as ColumnMapping
from roshan.ingest.mapping import (
    auto_target,
    guess_target,
    header_key,
    is_residence_header,
    load_mapping,
    resolve_columns,
)
from roshan.ingest.notes import format_note
from roshan.ingest.readers import EXTRA_PREFIX, Table, open_table
from roshan.normalize.validate import (
    DATE_FIELDS,
    MESSAGES,
    DateColumns,
    check_fields,
    date_option_problems,
)
from roshan.store.ledger_data import canonical_json, leaf_hash, raw_row_leaf_data_from_json
from roshan.store.models import Import, LedgerLeaf, Record, Source, utcnow
from roshan.store.records import list_dates
from roshan.store.workspace import Workspace, actor_name

BATCH_ROWS = 5_000
LATE_CHUNK = 500  # rows per query when late date warnings are added
MAX_REPORTED_ISSUES = 50


@dataclass
class RowIssue:
    """A problem in one row, reported by file, row and field."""

    row: int
    field: str
    message: str
    severity: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ImportResult:
    """What an import did: its id, counts, and the first issues found."""

    file_name: str
    sha256: str
    source: str
    import_id: int | None = None
    already_imported: bool = False
    encoding: str = ""
    file_format: str = ""
    rows_total: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    warnings_count: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    unmapped_columns: list[str] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    bytes_read: int = field(default=0, repr=False)  # progress only; not in to_dict

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "sha256": self.sha256,
            "source": self.source,
            "import_id": self.import_id,
            "already_imported": self.already_imported,
            "encoding": self.encoding,
            "format": self.file_format,
            "rows": self.rows_total,
            "accepted": self.rows_accepted,
            "rejected": self.rows_rejected,
            "warnings": self.warnings_count,
            "columns": self.columns,
            "unmapped_columns": self.unmapped_columns,
            "issues": [i.to_dict() for i in self.issues],
            "notes": self.notes,
        }


def guessed_columns(columns: dict[str, str], mapping: ColumnMapping | None) -> list[str]:
    """The headers of ``columns`` that neither the mapping file nor an exact header
    name chose: read by their words (or made to agree with the other name columns)."""
    explicit = {header_key(h) for h in mapping.columns} if mapping else set()
    return [h for h, t in columns.items() if header_key(h) not in explicit and auto_target(h) != t]


def column_notes(columns: dict[str, str], mapping: ColumnMapping | None) -> list[str]:
    """Notes on the columns roshan chose by itself: those read by the words of a
    free-form header, and a missing date of death (linkage then has no date)."""
    notes: list[str] = []
    guessed = [f"“{h}” → {columns[h]}" for h in guessed_columns(columns, mapping)]
    if guessed:
        notes.append(format_note("columns_guessed", columns=", ".join(guessed)))
    if "date_of_death" not in columns.values() and "date_of_burial" in columns.values():
        notes.append(format_note("no_date_of_death_burial"))
    elif "date_of_death" not in columns.values():
        notes.append(format_note("no_date_of_death"))
    return notes


def _existing_import(conn: Connection, sha256: str) -> int | None:
    return conn.execute(select(Import.id).where(Import.sha256 == sha256)).scalar()


def _get_or_create_source(conn: Connection, name: str, kind: SourceKind, actor: str) -> int:
    row = conn.execute(select(Source.id, Source.kind).where(Source.name == name)).first()
    if row is not None:
        return int(row[0])
    res = conn.execute(insert(Source).values(name=name, kind=kind.value, created_at=utcnow()))
    source_id = _new_id(res)
    _audit(conn, actor, "source.create", "source", source_id, {"kind": kind.value})
    return source_id


def _new_id(res: CursorResult[Any]) -> int:
    """The primary key of the one row an INSERT just wrote."""
    key = res.inserted_primary_key
    assert key is not None  # None only for executemany, which these inserts never are
    return int(key[0])


def _audit(
    conn: Connection, actor: str, action: str, otype: str, oid: Any, detail: dict[str, Any]
) -> None:
    from roshan.store.models import AuditEvent

    conn.execute(
        insert(AuditEvent).values(
            at=utcnow(),
            actor=actor,
            action=action,
            object_type=otype,
            object_id=str(oid),
            detail=detail,
        )
    )


class _BatchBuilder:
    """Turns rows into ready-to-insert tuples for raw_rows, records and ledger_leaves."""

    def __init__(
        self, dialect: str, import_id: int, source_id: int, sha256: str, first_seq: int
    ) -> None:
        self.import_id = import_id
        self.source_id = source_id
        self.sha256 = sha256
        self.seq = first_seq
        now = utcnow()
        # SQLite stores DateTime as text in SQLAlchemy's own format.
        self.now: Any = now if dialect != "sqlite" else now.strftime("%Y-%m-%d %H:%M:%S.%f")
        self.raw: list[tuple[Any, ...]] = []
        self.rec: list[tuple[Any, ...]] = []
        self.leaf: list[tuple[Any, ...]] = []

    def add(
        self,
        row_number: int,
        cells: Mapping[str, Any],
        status: str,
        issues: list[dict[str, str]] | None,
        extra: dict[str, Any] | None,
        fields: Mapping[str, str | None],
    ) -> None:
        cells_json = canonical_json(cells)
        self.raw.append((self.import_id, row_number, cells_json))
        self.rec.append(
            (
                self.import_id,
                row_number,
                self.source_id,
                status,
                canonical_json(issues) if issues else None,
                canonical_json(extra) if extra else None,
                *map(fields.get, FIELD_NAMES),
            )
        )
        data = raw_row_leaf_data_from_json(self.sha256, row_number, cells_json)
        self.leaf.append(
            (self.seq, leaf_hash(data), "raw_row", f"{self.sha256[:16]}:{row_number}", self.now)
        )
        self.seq += 1

    def take(self) -> tuple[list[tuple[Any, ...]], ...]:
        batch = (self.raw, self.rec, self.leaf)
        self.raw, self.rec, self.leaf = [], [], []
        return batch


def _insert_batch(conn: Connection, batch: tuple[Any, ...]) -> None:
    """Driver-level executemany of one batch (SQLAlchemy's per-row overhead is the bottleneck).

    The last batch of an import may carry a fourth item, the date warnings that
    needed the whole file (:func:`_add_late_issues`)."""
    raw, rec, leaf = batch[:3]
    if raw:
        _insert_rows(conn, raw, rec, leaf)
    if len(batch) > 3 and batch[3]:
        _add_late_issues(conn, *batch[3])


def _insert_rows(
    conn: Connection,
    raw: list[tuple[Any, ...]],
    rec: list[tuple[Any, ...]],
    leaf: list[tuple[Any, ...]],
) -> None:
    ph = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    cols = ["import_id", "row_number", "source_id", "status", "issues", "extra", *FIELD_NAMES]
    cur = conn.connection.cursor()  # the pool's proxy hands out the driver's cursor
    try:
        cur.executemany(
            f"INSERT INTO raw_rows (import_id, row_number, cells) VALUES ({ph}, {ph}, {ph})", raw
        )
        cur.executemany(
            f"INSERT INTO records ({', '.join(cols)}) VALUES ({', '.join([ph] * len(cols))})", rec
        )
        cur.executemany(
            f"INSERT INTO ledger_leaves (seq, leaf_hash, kind, ref, created_at) "
            f"VALUES ({ph}, {ph}, {ph}, {ph}, {ph})",
            leaf,
        )
    finally:
        cur.close()


_FIELD_RANK = {f: i for i, f in enumerate(("full_name", *DATE_FIELDS))}


def _with_issue(issues: list[dict[str, str]], issue: dict[str, str]) -> list[dict[str, str]]:
    """``issues`` with ``issue`` put where :func:`check_fields` would have put it:
    before the first check issue of its own or a later field (the date warnings
    come right after the name check, death before birth)."""
    rank = _FIELD_RANK[issue["field"]]
    for i, old in enumerate(issues):
        if old["message"] in MESSAGES and _FIELD_RANK.get(old["field"], len(_FIELD_RANK)) >= rank:
            return [*issues[:i], issue, *issues[i:]]
    return [*issues, issue]


def _add_late_issues(conn: Connection, import_id: int, late: list[tuple[str, str, Any]]) -> None:
    """Add the date warnings that needed the whole column to the rows already
    written: ``late`` is (field, message, row numbers) per warning."""
    ph = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cur = dbapi.cursor()
    try:
        for name, message, rows in late:
            issue = {"field": name, "message": message, "severity": "warning"}
            for start in range(0, len(rows), LATE_CHUNK):
                chunk = [int(r) for r in rows[start : start + LATE_CHUNK]]
                cur.execute(
                    f"SELECT row_number, issues FROM records WHERE import_id = {ph} "
                    f"AND row_number IN ({', '.join([ph] * len(chunk))})",
                    [import_id, *chunk],
                )
                updates = []
                for row_number, stored in cur.fetchall():
                    if isinstance(stored, str | bytes):
                        stored = json.loads(stored)
                    updates.append(
                        (
                            canonical_json(_with_issue(list(stored or []), issue)),
                            import_id,
                            row_number,
                        )
                    )
                cur.executemany(
                    f"UPDATE records SET issues = {ph} "
                    f"WHERE import_id = {ph} AND row_number = {ph}",
                    updates,
                )
    finally:
        cur.close()


def _source_dates(conn: Connection, source_id: int) -> dict[str, list[str]]:
    """The distinct date values already stored for a source (accepted records, as
    the normalise stage reads them), per date field."""
    t = Record.__table__
    out: dict[str, list[str]] = {}
    for name in DATE_FIELDS:
        col = t.c[name]
        values = (
            conn.execute(
                select(col)
                .distinct()
                .where(t.c.source_id == source_id, t.c.status == "accepted", col.is_not(None))
            )
            .scalars()
            .all()
        )
        if values:
            out[name] = [str(v) for v in values]
    return out


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text_value = str(value).strip()
    return text_value or None


def _map_row(
    cells: Mapping[str, Any],
    columns: Mapping[str, str],
    dates: DateColumns | None = None,
    row_number: int = 0,
) -> tuple[dict[str, str | None], dict[str, Any], list[dict[str, str]]]:
    fields: dict[str, str | None] = {}
    extra: dict[str, Any] = {}
    for header, target in columns.items():
        value = cells.get(header)
        # a second column of one field (a name written again in the other script, a
        # date in the other calendar) is read only where the first is empty; where both
        # are filled the second is kept in ``extra``, as an unmapped column would be
        if value is not None and fields.get(target) is None:
            fields[target] = _clean(value)
        elif _clean(value) is not None:
            extra[header] = value
    issues: list[dict[str, str]] = []
    n_extra = 0
    if len(cells) > len(fields):  # unmapped or surplus cells to look at
        for header, value in cells.items():
            if header in columns or _clean(value) is None:
                continue
            if header.startswith(EXTRA_PREFIX):
                n_extra += 1
            else:
                extra[header] = value
    if n_extra:
        issues.append(
            {
                "field": "*",
                "severity": "error",
                "message": f"row has {n_extra} more non-empty cell(s) than the header",
            }
        )
    for f, v in fields.items():
        if v == "#FORMULA-WITHOUT-VALUE":
            fields[f] = None
            issues.append(
                {
                    "field": f,
                    "severity": "error",
                    "message": "Excel formula without a cached value; open and re-save the file in Excel",
                }
            )
    for issue in check_fields(fields, dates, row_number):
        issues.append({"field": issue.field, "severity": issue.severity, "message": issue.message})
    return fields, extra, issues


def ingest_table(
    ws: Workspace,
    table: Table,
    *,
    source_name: str,
    source_kind: SourceKind,
    sha256: str,
    size: int,
    mapping: ColumnMapping | None = None,
    strict: bool = False,
    actor: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_bytes: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Store an opened table as one import (the shared core of file and intake ingest).

    ``on_progress(rows stored)`` after each batch; ``on_bytes(bytes read, file size)``
    too where the reader can tell how far into the file it is (CSV, TSV, JSON Lines)."""
    actor = actor or actor_name()
    problems = date_option_problems(mapping.options) if mapping is not None else []
    if mapping is not None and problems:
        name = Path(mapping.path).name if mapping.path else "mapping"
        raise MappingError(f"{name}: {'; '.join(problems)}")
    columns = resolve_columns(table.header, mapping, table.path.name)
    # What the result and the imports row both say about the file.
    file_info: dict[str, Any] = {
        "file_name": table.path.name,
        "sha256": sha256,
        "encoding": table.encoding,
        "file_format": table.file_format,
    }
    result = ImportResult(
        **file_info,
        source=source_name,
        columns=columns,
        unmapped_columns=[h for h in table.header if h not in columns],
    )
    result.notes.extend(table.warnings)
    result.notes.extend(column_notes(columns, mapping))
    homes = [h for h in result.unmapped_columns if is_residence_header(h)]
    if homes:
        result.notes.append(format_note("residence", columns=", ".join(f"“{h}”" for h in homes)))
    with ws.engine.begin() as conn:
        existing = _existing_import(conn, sha256)
        if existing is not None:
            result.import_id = existing
            result.already_imported = True
            return result
        if conn.dialect.name == "postgresql":
            # One writer at a time appends to the ledger so leaf order is total.
            conn.execute(text("LOCK TABLE ledger_leaves IN EXCLUSIVE MODE"))
        source_id = _get_or_create_source(conn, source_name, source_kind, actor)
        res = conn.execute(
            insert(Import).values(
                source_id=source_id,
                **file_info,
                size=size,
                roshan_version=__version__,
                created_at=utcnow(),
                actor=actor,
                header=table.header,
                mapping={**(mapping.to_dict() if mapping else {}), "resolved": columns},
                rows_total=0,
                rows_accepted=0,
                rows_rejected=0,
            )
        )
        import_id = _new_id(res)
        next_seq = conn.execute(select(func.coalesce(func.max(LedgerLeaf.seq), -1))).scalar_one()
        builder = _BatchBuilder(conn.dialect.name, import_id, source_id, sha256, int(next_seq) + 1)
        stated = list_dates({"options": mapping.options if mapping else {}, "resolved": columns})
        dates = DateColumns(prior=_source_dates(conn, source_id), stated=stated)
        batches = _prepared_batches(table, columns, builder, result, strict, dates)
        if _use_worker(table):
            batches = _in_worker(batches, result)
        for batch in batches:
            _insert_batch(conn, batch)
            if on_progress:
                on_progress(result.rows_total)
            if on_bytes and table.position is not None:
                on_bytes(min(result.bytes_read, size), size)
        if on_bytes and table.position is not None:
            on_bytes(size, size)  # the last batch: the whole file was read
        if result.rows_total == 0:
            raise InputFileError("the file has a header but no data rows", file=table.path.name)
        conn.execute(
            update(Import)
            .where(Import.id == import_id)
            .values(
                rows_total=result.rows_total,
                rows_accepted=result.rows_accepted,
                rows_rejected=result.rows_rejected,
            )
        )
        _audit(
            conn,
            actor,
            "import.create",
            "import",
            import_id,
            {
                "source_id": source_id,
                "sha256": sha256,
                "format": table.file_format,
                "rows": result.rows_total,
                "accepted": result.rows_accepted,
                "rejected": result.rows_rejected,
            },
        )
        result.import_id = import_id
    if on_progress:
        on_progress(result.rows_total)
    return result


def _prepared_batches(
    table: Table,
    columns: dict[str, str],
    builder: _BatchBuilder,
    result: ImportResult,
    strict: bool,
    dates: DateColumns | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Map, check and serialise every row, yielding insert-ready batches; fills ``result``.

    Dates whose day/month order (or calendar) depends on their column are judged
    once the whole file has been read (``dates``): the last batch carries the
    warnings for the rows the column leaves ambiguous."""
    dates = dates if dates is not None else DateColumns()
    unmapped = set(result.unmapped_columns)
    for row_number, cells in table.rows:
        if not cells:
            continue  # a blank line carries nothing to keep
        for key in cells:
            # JSON Lines can introduce keys after the first line: map them the same way.
            if key not in columns and key not in unmapped and not key.startswith(EXTRA_PREFIX):
                target = auto_target(key) or guess_target(key)
                if target and target not in columns.values():
                    columns[key] = target
                else:
                    unmapped.add(key)
                    result.unmapped_columns.append(key)
        fields, extra, issues = _map_row(cells, columns, dates, row_number)
        for header, note in table.row_notes.get(row_number, ()):
            # Provenance the cells do not show (an XLSX merge): kept on the row.
            issues.append(
                {"field": columns.get(header, header), "severity": "warning", "message": note}
            )
        rejected = any(i["severity"] == "error" for i in issues)
        result.rows_total += 1
        if rejected:
            result.rows_rejected += 1
        else:
            result.rows_accepted += 1
        if issues:
            result.warnings_count += sum(1 for i in issues if i["severity"] == "warning")
            for i in issues:
                if len(result.issues) < MAX_REPORTED_ISSUES and (
                    i["severity"] == "error" or strict
                ):
                    result.issues.append(
                        RowIssue(row_number, i["field"], i["message"], i["severity"])
                    )
            if strict and rejected:
                first = next(i for i in issues if i["severity"] == "error")
                raise InputFileError(
                    f"{first['message']} (--strict: nothing was imported)",
                    file=table.path.name,
                    row=row_number,
                    field=first["field"],
                )
        builder.add(
            row_number,
            cells,
            "rejected" if rejected else "accepted",
            issues or None,
            extra or None,
            fields,
        )
        if len(builder.raw) >= BATCH_ROWS:
            if table.position is not None:
                result.bytes_read = table.position()
            yield builder.take()
    late: dict[tuple[str, str], array] = {}
    for row_number, issue in dates.late_issues():
        late.setdefault((issue.field, issue.message), array("q")).append(row_number)
        result.warnings_count += 1
        if strict and len(result.issues) < MAX_REPORTED_ISSUES:
            result.issues.append(RowIssue(row_number, issue.field, issue.message, issue.severity))
    last = builder.take()
    if late:
        yield (*last, (builder.import_id, [(f, m, rows) for (f, m), rows in late.items()]))
    else:
        yield last


# Files above this size are parsed in a forked worker process while this one writes
# to the database: on 2 cores that overlaps Python parsing with SQLite/PostgreSQL work.
WORKER_MIN_BYTES = 8 * 1024 * 1024
_RESULT_FIELDS = (
    "rows_total",
    "rows_accepted",
    "rows_rejected",
    "warnings_count",
    "unmapped_columns",
    "issues",
    "columns",
)


def _use_worker(table: Table) -> bool:
    import multiprocessing

    try:
        size = table.path.stat().st_size
    except OSError:
        return False
    return size >= WORKER_MIN_BYTES and "fork" in multiprocessing.get_all_start_methods()


def die_with_parent(parent_pid: int) -> None:
    """Make this (forked) process end when ``parent_pid`` does, however it ends.

    A killed ``roshan ingest`` once left its parser worker alive for ever (PPID 1,
    ~165 MB, holding the SQLite files open; issue 16 item 14): a daemon process is only
    cleaned up by a parent that exits normally. On Linux the kernel sends SIGKILL
    when the parent dies (``PR_SET_PDEATHSIG``); everywhere, a thread also watches the
    parent id and exits when it changes (the worker may be blocked writing to a full
    queue nobody reads any more).
    """
    import signal
    import sys
    import threading
    import time

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the thread suffices
            pass
    if os.getppid() != parent_pid:  # the parent died before the line above took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="roshan-parent-watch", daemon=True).start()


def _worker_main(
    batches: Iterator[tuple[list[tuple[Any, ...]], ...]],
    result: ImportResult,
    queue: Any,
    parent_pid: int | None = None,
) -> None:
    if parent_pid is not None:
        die_with_parent(parent_pid)
    try:
        for batch in batches:
            queue.put(("batch", batch, (result.rows_total, result.bytes_read)))
        queue.put(("done", {f: getattr(result, f) for f in _RESULT_FIELDS}, None))
    except BaseException as exc:  # noqa: BLE001 - forwarded to the parent, which re-raises
        queue.put(("error", exc, None))


def _next_message(queue: Any, proc: Any, poll: float = 5.0) -> tuple[str, Any, Any]:
    """The worker's next message; raise if the worker died without sending one.

    The child may write its last message and exit between a poll timing out and the
    liveness check (seen once on a loaded CI machine), so a dead child's queue is drained
    before the death is reported.
    """
    while True:
        try:
            return queue.get(timeout=poll)
        except Exception:  # noqa: BLE001 - queue.Empty: check the child is alive
            if proc.is_alive():
                continue
            try:
                return queue.get(timeout=2)
            except Exception:  # noqa: BLE001 - queue.Empty: nothing left, it died
                raise RuntimeError(
                    f"the ingest worker process died (exit code {proc.exitcode})"
                ) from None


def _in_worker(
    batches: Iterator[tuple[list[tuple[Any, ...]], ...]], result: ImportResult
) -> Iterator[tuple[list[tuple[Any, ...]], ...]]:
    """Run the batch generator in a forked child; yield its batches here, in order."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue(maxsize=4)  # bounded: memory stays a few batches deep
    proc = ctx.Process(target=_worker_main, args=(batches, result, queue, os.getpid()), daemon=True)
    proc.start()
    try:
        while True:
            kind, payload, total = _next_message(queue, proc)
            if kind == "batch":
                result.rows_total, result.bytes_read = total
                yield payload
            elif kind == "done":
                for f, v in payload.items():
                    if f == "columns":
                        result.columns.update(v)
                    else:
                        setattr(result, f, v)
                return
            else:
                raise payload
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()


def ingest_file(
    ws: Workspace,
    path: str | Path,
    *,
    source_name: str,
    source_kind: SourceKind = SourceKind.OTHER,
    mapping_path: str | Path | None = None,
    strict: bool = False,
    encoding: str | None = None,
    sheet: str | None = None,
    place: str | None = None,
    actor: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_bytes: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Read a list file and store it as one import (see module docstring).

    ``place``: where the whole list comes from (a morgue's or a hospital's city), kept
    with the import as the mapping option ``place``; normalisation gives it to records
    that name no place of their own (roshan.normalize.places.place_of_list)."""
    path = Path(path)
    if not path.exists():
        raise InputFileError("no such file", file=str(path))
    if path.is_dir():
        raise InputFileError("is a folder, not a list file; give the file itself", file=str(path))
    if not path.is_file():
        raise InputFileError("not a regular file", file=str(path))
    if not source_name or not source_name.strip():
        raise RoshanError("--source must name the list's source")
    mapping = load_mapping(Path(mapping_path)) if mapping_path else None
    if place and place.strip():
        mapping = mapping or ColumnMapping()
        mapping.options["place"] = place.strip()
    sha256, size = file_sha256(path)
    opts = mapping.options if mapping else {}
    encoding = encoding or opts.get("encoding")
    sheet = sheet or opts.get("sheet") or None
    key = sheet_fingerprint(sha256, sheet) if sheet else sha256
    with ws.engine.connect() as conn:
        existing = _existing_import(conn, key)
        if existing is None and sheet:
            # the sheet may have been read already by an import of the whole workbook
            whole = _existing_import(conn, sha256)
            if whole is not None and sheet in _sheets_read(path, encoding):
                existing = whole
    if existing is not None:
        return ImportResult(
            file_name=path.name,
            sha256=key,
            source=source_name,
            import_id=existing,
            already_imported=True,
        )
    table = open_table(path, encoding=encoding, sheet=sheet)
    if sheet:
        # one sheet of a workbook: known by the file's fingerprint and the sheet's name,
        # so that the workbook's other sheets can be imported too (each with --sheet)
        mapping = mapping or ColumnMapping()
        mapping.options["sheet"] = sheet
        table.warnings.append(format_note("sheet_fingerprint", sheet=repr(sheet)))
    elif table.sheets:
        with ws.engine.connect() as conn:
            done = [s for s in table.sheets if _existing_import(conn, sheet_fingerprint(sha256, s))]
        if done:
            _close_rows(table)
            raise InputFileError(
                f"sheet(s) {', '.join(repr(s) for s in done)} of this workbook were already "
                "imported on their own (--sheet); import its other sheets with --sheet",
                file=path.name,
            )
    return ingest_table(
        ws,
        table,
        source_name=source_name.strip(),
        source_kind=source_kind,
        sha256=key,
        size=size,
        mapping=mapping,
        strict=strict,
        actor=actor,
        on_progress=on_progress,
        on_bytes=on_bytes,
    )


def sheet_fingerprint(file_sha256: str, sheet: str) -> str:
    """What an import of one sheet of a workbook (``--sheet``) is known by: the sha256 of
    the file's sha256 and the sheet's name, so two sheets of one file are two imports
    (and their rows two sets of ledger leaves), and the same sheet twice is one."""
    return hashlib.sha256(f"{file_sha256}\x00sheet\x00{sheet}".encode()).hexdigest()


def _close_rows(table: Table) -> None:
    close = getattr(table.rows, "close", None)
    if close is not None:
        close()


def _sheets_read(path: Path, encoding: str | None) -> list[str]:
    """The sheets an import of the whole workbook (no ``--sheet``) reads."""
    try:
        table = open_table(path, encoding=encoding)
    except InputFileError:
        return []
    _close_rows(table)
    return list(table.sheets)


def ingest_records(
    ws: Workspace,
    rows: Iterable[Mapping[str, str | None]],
    *,
    source_name: str,
    source_kind: SourceKind,
    file_name: str,
    sha256: str,
    size: int,
    encoding: str = "utf-8",
    actor: str = "intake",
) -> ImportResult:
    """Store rows that are already keyed by canonical field names (e.g. decrypted intake reports)."""
    materialised = [dict(r) for r in rows]
    header: list[str] = []
    for r in materialised:
        for k in r:
            if k not in header:
                header.append(k)

    table = Table(
        Path(file_name), "records", encoding, header, iter(enumerate(materialised, start=1))
    )
    return ingest_table(
        ws,
        table,
        source_name=source_name,
        source_kind=source_kind,
        sha256=sha256,
        size=size,
        mapping=None,
        strict=False,
        actor=actor,
    )
