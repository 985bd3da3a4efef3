"""Readers for list files: CSV/TSV, XLSX and JSON/JSONL, streaming where the format allows.

Each reader yields ``(row_number, cells)`` where ``row_number`` counts data rows
from 1 (the header is not a data row) and ``cells`` maps each original header to
the cell's text exactly as read. Cells beyond the header are kept under
``_extra_<n>`` keys so nothing is lost; the importer rejects such rows.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

from roshan.errors import InputFileError
from roshan.ingest.encodings import detect_encoding
from roshan.ingest.mapping import auto_target, guess_target
from roshan.ingest.notes import format_note

CSV_EXTENSIONS = {".csv", ".tsv", ".txt"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
JSON_EXTENSIONS = {".json", ".jsonl", ".ndjson"}
# Above this size an XLSX is read in openpyxl's streaming mode (merged ranges and
# formula detection need the full workbook in memory). Below it, the full load is
# used only when a worksheet actually has a formula or a merged range (a cheap scan
# of the sheet XML says so): loading a plain exported sheet in full, twice, is several
# times slower than streaming it and holds the whole sheet in memory.
XLSX_FULL_LOAD_MAX_BYTES = 50 * 1024 * 1024
_XLSX_FULL_MARKERS = re.compile(rb"<(?:[A-Za-z0-9_]+:)?(?:f|mergeCell)[\s/>]")
EXTRA_PREFIX = "_extra_"
csv.field_size_limit(16 * 1024 * 1024)


@dataclass
class Table:
    """An opened list file: its header, format, encoding and a one-shot row iterator."""

    path: Path
    file_format: str
    encoding: str
    header: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]
    warnings: list[str] = field(default_factory=list)
    # Per data row, notes the importer keeps on that row as warnings (provenance the
    # cells alone do not show): {row_number: [(header, message), ...]}.
    row_notes: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    # How many bytes of the file the row iterator has consumed (for a progress bar),
    # where the format streams from a file; None otherwise.
    position: Callable[[], int] | None = None
    # The workbook sheets the rows come from, and all the workbook's sheets (XLSX only;
    # empty for other formats).
    sheets: list[str] = field(default_factory=list)
    workbook_sheets: list[str] = field(default_factory=list)


def _clean_header(raw: list[str], file: str) -> list[str]:
    header: list[str] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(raw, start=1):
        name = (name or "").strip().lstrip("\ufeff")
        if not name:
            name = f"column_{i}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        header.append(name)
    if not header:
        raise InputFileError("no header row", file=file)
    return header


PREAMBLE_SCAN = 20  # rows looked at for a title above the header


def _filled(values: list[Any]) -> int:
    return sum(1 for v in values if v is not None and str(v).strip())


def header_index(rows: list[list[Any]]) -> int:
    """Which of a file's first rows is its header: the first non-empty row, unless it
    looks like a title above the table ("List of victims", one cell of a wide sheet;
    a blank row may follow). Then the first later row filled at least half as wide as
    the widest of the rows looked at (and in two cells or more)."""
    first = next((i for i, r in enumerate(rows) if _filled(r)), None)
    if first is None:
        return 0
    widest = max(_filled(r) for r in rows)
    if _filled(rows[first]) >= 2 and 2 * _filled(rows[first]) >= widest:
        return first
    for i in range(first + 1, len(rows)):
        n = _filled(rows[i])
        if n >= 2 and 2 * n >= widest:
            return i
    return first


_DIGITS = re.compile(r"[0-9\u06f0-\u06f9\u0660-\u0669]")


def looks_like_header(values: list[Any]) -> bool:
    """Whether a row names columns rather than holding a person: two cells or more,
    no digit in any, and at least two thirds of them read as a field's header
    ("Full name", "Age", "Date" under «نام و نام خانوادگی», «سن», «تاریخ»)."""
    cells = [str(v).strip() for v in values if v is not None and str(v).strip()]
    if len(cells) < 2 or any(_DIGITS.search(c) for c in cells):
        return False
    named = sum(1 for c in cells if auto_target(c) or guess_target(c))
    return named >= 2 and 3 * named >= 2 * len(cells)


def second_header_rows(rows: list[list[Any]]) -> int:
    """How many of the rows right below a header are more header: a bilingual list
    writes its headers in two rows (Persian, then English), and the second must not
    become a victim called "Full name". At most two such rows."""
    n = 0
    while n < min(2, len(rows)) and looks_like_header(rows[n]):
        n += 1
    return n


def _second_header_note(n: int) -> str:
    return format_note("second_header_one" if n == 1 else "second_header_many", n=n)


def _preamble_note(n: int) -> str:
    return format_note("preamble_many" if n > 1 else "preamble_one", n=n)


def _row_dict(header: list[str], values: list[Any]) -> dict[str, Any]:
    cells: dict[str, Any] = {}
    for i, value in enumerate(values):
        key = header[i] if i < len(header) else f"{EXTRA_PREFIX}{i - len(header) + 1}"
        cells[key] = value
    return cells


def _sniff_delimiter(sample: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    first = sample.splitlines()[:5]
    best, best_score = ",", -1
    for delim in (",", "\t", ";", "|", "\u060c"):  # \u060c = Arabic comma
        counts = [line.count(delim) for line in first if line.strip()]
        if not counts or min(counts) == 0:
            continue
        score = min(counts) * 10 - (max(counts) - min(counts))
        if score > best_score:
            best, best_score = delim, score
    return best


def read_csv(path: Path, encoding: str) -> Table:
    """Open a CSV/TSV file (quoted newlines allowed) for streaming."""
    fh = path.open("r", encoding=encoding, newline="")
    sample = fh.read(64 * 1024)
    fh.seek(0)
    if encoding in ("utf-16", "utf-8-sig"):
        pass  # the codec strips the BOM on read
    delim = _sniff_delimiter(sample, path.suffix.lower())
    reader = csv.reader(fh, delimiter=delim, strict=False)
    head: list[list[str]] = []
    try:
        for values in reader:
            head.append(values)
            if len(head) >= PREAMBLE_SCAN:
                break
    except csv.Error as exc:
        fh.close()
        raise InputFileError(f"malformed CSV header: {exc}", file=path.name, row=0) from exc
    if not head:
        fh.close()
        raise InputFileError("the file is empty", file=path.name)
    at = header_index(head)
    header = _clean_header(head[at], path.name)
    warnings = [_preamble_note(at)] if at else []
    buffered = head[at + 1 :]
    more = second_header_rows(buffered)
    if more:
        warnings.append(_second_header_note(more))
        buffered = [[] for _ in range(more)] + buffered[more:]  # numbered, not read

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        number = 0
        try:
            for values in itertools.chain(buffered, reader):
                if not values or all(not v.strip() for v in values):
                    number += 1
                    yield number, {}
                    continue
                number += 1
                yield number, _row_dict(header, values)
        except csv.Error as exc:
            raise InputFileError(f"malformed CSV: {exc}", file=path.name, row=number + 1) from exc
        finally:
            fh.close()

    def position() -> int:
        try:
            # text-mode open() puts a BufferedReader under the wrapper; typeshed's
            # TextIOWrapper.buffer protocol just doesn't list tell().
            return cast(BinaryIO, fh.buffer).tell()
        except (ValueError, OSError, AttributeError):  # closed: the whole file was read
            return path.stat().st_size

    return Table(
        path,
        "tsv" if delim == "\t" else "csv",
        encoding,
        header,
        rows(),
        warnings,
        position=position,
    )


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_has_formulas_or_merges(path: Path) -> bool:
    """Whether any worksheet of the workbook holds a formula (``<f>``) or a merged range.

    Scans the decompressed sheet XML in 1 MB chunks for the two element names; True
    when unsure (an unreadable archive is left for openpyxl to report).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            parts = [
                n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")
            ]
            if not parts:
                return True
            for name in parts:
                with zf.open(name) as fh:
                    tail = b""
                    while chunk := fh.read(1 << 20):
                        buf = tail + chunk
                        if _XLSX_FULL_MARKERS.search(buf):
                            return True
                        tail = buf[-32:]
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return True
    return False


# A workbook whose zip directory declares more than this once unpacked is refused
# before anything is decompressed (a zip bomb named .xlsx took 11.7 s to fail, issue 16
# item 20); so is one that declares more than XLSX_MAX_RATIO times its packed size
# beyond XLSX_RATIO_FROM bytes (real sheets pack 5-30 times; zeros pack 1000 times).
XLSX_MAX_UNPACKED = 2 * 1024**3
XLSX_MAX_RATIO = 200
XLSX_RATIO_FROM = 256 * 1024**2


def _mb(n: int) -> str:
    return f"{n / 1024**2:,.0f} MB" if n >= 1024**2 else f"{n:,} bytes"


def check_xlsx_sizes(path: Path) -> None:
    """Refuse a workbook whose declared unpacked sizes are absurd, from the zip directory
    alone (nothing is decompressed). Python's zip reader never inflates a member past
    the size its directory declares, so the declared sizes bound the work."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputFileError(
            f"not a readable XLSX workbook ({type(exc).__name__})", file=path.name
        ) from exc
    unpacked = sum(max(i.file_size, 0) for i in infos)
    packed = max(path.stat().st_size, 1)
    biggest = max(infos, key=lambda i: i.file_size, default=None)
    where = (
        f"; {biggest.filename} alone declares {_mb(biggest.file_size)}"
        if biggest is not None
        else ""
    )
    if unpacked > XLSX_MAX_UNPACKED:
        raise InputFileError(
            f"refused: the workbook declares {_mb(unpacked)} once unpacked, more than the "
            f"{_mb(XLSX_MAX_UNPACKED)} roshan reads from one XLSX (a zip bomb?){where}",
            file=path.name,
        )
    if unpacked > XLSX_RATIO_FROM and unpacked / packed > XLSX_MAX_RATIO:
        raise InputFileError(
            f"refused: the workbook declares {_mb(unpacked)} once unpacked from "
            f"{_mb(packed)}, {unpacked / packed:,.0f} times its size (a zip bomb?){where}",
            file=path.name,
        )


def _list_sheets(wb: Any, names: list[str]) -> list[str]:
    """The sheets whose header (found as :func:`header_index` finds it) has a column that
    names a person ("Name", «نام و نام خانوادگی»), in order: a workbook may open on a
    cover or "About" sheet, and may hold one list over several sheets."""
    from roshan.canonical import NAME_FIELDS

    if len(names) == 1:
        return list(names)
    found = []
    for n in names:
        rows = []
        for row in wb[n].iter_rows(values_only=True, max_row=PREAMBLE_SCAN):
            rows.append(["" if v is None else str(v) for v in row])
        if not rows:
            continue
        header = rows[header_index(rows)]
        if any((auto_target(h) or guess_target(h)) in NAME_FIELDS for h in header if h):
            found.append(n)
    return found


def read_xlsx(path: Path, sheet: str | None = None) -> Table:
    """Open an XLSX workbook's sheet.

    A merged range is filled down its first column only (never across columns: a name
    merged over the father's-name column must not invent a father's name); every row
    a merge touched carries a note saying so. Formulas are read as their cached
    values; a formula without one is refused for that cell (the importer records the
    issue, and rejects the row when the column is mapped) rather than read as empty.
    """
    check_xlsx_sizes(path)  # first: refusing a bomb costs no import and no inflating
    try:
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError as exc:  # pragma: no cover
        raise InputFileError("openpyxl is required for XLSX files") from exc
    full = path.stat().st_size <= XLSX_FULL_LOAD_MAX_BYTES and xlsx_has_formulas_or_merges(path)
    try:
        wb = load_workbook(path, read_only=not full, data_only=True)
        wb_formulas = load_workbook(path, read_only=False, data_only=False) if full else None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputFileError(
            f"not a readable XLSX workbook ({type(exc).__name__})", file=path.name
        ) from exc
    names = wb.sheetnames
    if sheet is not None and sheet not in names:
        raise InputFileError(
            f"no sheet named {sheet!r} (sheets: {', '.join(names)})", file=path.name
        )
    lists = _list_sheets(wb, names) if sheet is None else []
    name = sheet or (lists[0] if lists else names[0])
    try:
        table = _sheet_table(path, wb, wb_formulas, full, name)
    except InputFileError:
        wb.close()
        raise
    if name != names[0] and sheet is None:
        table.warnings.insert(
            0,
            format_note(
                "sheet_chosen",
                sheet=repr(name),
                before=", ".join(repr(n) for n in names[: names.index(name)]),
            ),
        )
    table.sheets = [name]
    more = [n for n in lists if n != name]
    if more:
        table = _join_sheets(path, wb, wb_formulas, full, table, name, more)
    else:
        table = _closing(table, wb)
    table.workbook_sheets = list(names)
    return table


#: The column that says which sheet a row came from, when a workbook's sheets are read
#: as one list.
SHEET_COLUMN = "sheet"


def _closing(table: Table, wb: Any) -> Table:
    """``table`` whose row iterator closes the workbook when it ends."""

    inner = table.rows

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            yield from inner
        finally:
            wb.close()

    table.rows = rows()
    return table


def _join_sheets(
    path: Path, wb: Any, wb_formulas: Any, full: bool, first: Table, name: str, more: list[str]
) -> Table:
    """One list split over sheets (a sheet per province or month, the same columns in
    each): the sheets with ``first``'s header are read after it as one list, rows numbered
    on from sheet to sheet, each row's sheet kept in the column :data:`SHEET_COLUMN`.
    A sheet with other columns is not read, and a warning names it."""
    same: list[tuple[str, Table]] = []
    other: list[str] = []
    for n in more:
        try:
            t = _sheet_table(path, wb, wb_formulas, full, n)
        except InputFileError:  # an empty sheet
            continue
        if t.header == first.header:
            same.append((n, t))
        else:
            other.append(n)
    warnings = list(first.warnings)
    if other:
        warnings.append(
            format_note(
                "other_sheets_many" if len(other) > 1 else "other_sheets_one",
                sheets=", ".join(repr(n) for n in other),
            )
        )
    if not same:
        first.warnings = warnings
        return _closing(first, wb)
    column = SHEET_COLUMN if SHEET_COLUMN not in first.header else f"{SHEET_COLUMN} (workbook)"
    header = [*first.header, column]
    sheets = [(name, first), *same]
    warnings.append(
        format_note(
            "sheets_joined",
            n=len(sheets),
            sheets=", ".join(repr(n) for n, _ in sheets),
            column=repr(column),
        )
    )
    for n, t in same:
        warnings.extend(format_note("sheet_note", sheet=repr(n), note=w) for w in t.warnings)
    row_notes: dict[int, list[tuple[str, str]]] = {}

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        offset = 0
        try:
            for n, t in sheets:
                last = 0
                for number, cells in t.rows:
                    last = number
                    for note in t.row_notes.get(number, []):
                        row_notes.setdefault(offset + number, []).append(note)
                    yield offset + number, ({**cells, column: n} if cells else {})
                offset += last
        finally:
            wb.close()

    return Table(
        path, "xlsx", "binary", header, rows(), warnings, row_notes, sheets=[n for n, _ in sheets]
    )


def _sheet_table(path: Path, wb: Any, wb_formulas: Any, full: bool, name: str) -> Table:
    """One sheet of an open workbook as a table; its row iterator leaves the workbook
    open (the caller closes it)."""
    warnings: list[str] = []
    ws = wb[name]
    merged: dict[tuple[int, int], Any] = {}
    merge_notes: dict[int, list[tuple[int, str]]] = {}  # sheet row -> [(column, note)]
    formula_cells: set[tuple[int, int]] = set()
    no_cached: set[tuple[int, int]] = set()
    if full:
        from openpyxl.utils import get_column_letter

        ranges = list(ws.merged_cells.ranges)
        across = 0
        for rng in ranges:
            top = ws.cell(rng.min_row, rng.min_col).value
            ref = rng.coord
            first_col = get_column_letter(rng.min_col)
            if rng.max_col > rng.min_col:
                across += 1
            for r in range(rng.min_row, rng.max_row + 1):
                # Down the first column only; the other columns of the range stay empty.
                merged[(r, rng.min_col)] = top
                for c in range(rng.min_col + 1, rng.max_col + 1):
                    merged[(r, c)] = None
                    merge_notes.setdefault(r, []).append(
                        (c, format_note("merged_cell_across", ref=ref, column=first_col))
                    )
                if r > rng.min_row:
                    merge_notes.setdefault(r, []).append(
                        (
                            rng.min_col,
                            format_note("merged_cell_down", ref=ref, row=rng.min_row),
                        )
                    )
        if ranges:
            warnings.append(
                format_note("merged_ranges_across", n=len(ranges), across=across)
                if across
                else format_note("merged_ranges", n=len(ranges))
            )
        assert wb_formulas is not None
        for row in wb_formulas[name].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    formula_cells.add((cell.row, cell.column))
                    if ws.cell(cell.row, cell.column).value is None:
                        no_cached.add((cell.row, cell.column))
    else:
        # Streaming mode trusts the sheet's <dimension>, which some writers get wrong
        # (rows past it would be silently dropped): read every row there is.
        ws.reset_dimensions()
    it = ws.iter_rows(values_only=True)

    def values_of(row_idx: int, row: tuple[Any, ...]) -> list[Any]:
        out = []
        for c, v in enumerate(row, start=1):
            if (row_idx, c) in merged:
                v = merged[(row_idx, c)]
            if v is None and (row_idx, c) in formula_cells:
                v = "#FORMULA-WITHOUT-VALUE"
            out.append(_xlsx_value(v))
        while out and out[-1] is None:
            out.pop()
        return out

    head: list[list[Any]] = []
    for row in it:
        head.append(values_of(len(head) + 1, row))
        if len(head) >= PREAMBLE_SCAN:
            break
    if not any(_filled(v) for v in head):
        raise InputFileError(f"sheet {name!r} is empty", file=path.name)
    at = header_index(head)
    if at > next(i for i, v in enumerate(head) if _filled(v)):
        warnings.append(_preamble_note(at))
    header = _clean_header([v or "" for v in head[at]], path.name)
    start = at + 1  # sheet row of the header
    buffered = head[at + 1 :]
    more = second_header_rows(buffered)
    if more:
        warnings.append(_second_header_note(more))
        buffered = [[None] for _ in range(more)] + buffered[more:]  # numbered, not read
    with_value = len(formula_cells - no_cached)
    if with_value:
        warnings.append(format_note("formula_cached", n=with_value))
    if no_cached:
        data_rows = sorted({r - start for r, _c in no_cached if r > start})
        shown = ", ".join(map(str, data_rows[:10])) + (" …" if len(data_rows) > 10 else "")
        warnings.append(format_note("formula_uncached", n=len(no_cached), rows=shown or "none"))
    row_notes: dict[int, list[tuple[str, str]]] = {}
    for r, notes in merge_notes.items():
        if r <= start:
            continue
        for c, note in notes:
            col = header[c - 1] if c - 1 < len(header) else f"{EXTRA_PREFIX}{c - len(header)}"
            row_notes.setdefault(r - start, []).append((col, note))

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        idx = start
        for row in itertools.chain(buffered, it):
            idx += 1
            vals = row if idx - start <= len(buffered) else values_of(idx, row)
            number = idx - start
            if not any(v not in (None, "") for v in vals):
                yield number, {}
                continue
            yield number, _row_dict(header, vals)

    return Table(path, "xlsx", "binary", header, rows(), warnings, row_notes)


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _json_cells(obj: dict[str, Any], file: str, row: int) -> dict[str, Any]:
    """A record's cells; an object inside it ({"location": {"city": ...}}) gives one
    cell per key, ``location.city`` (one level; deeper values stay JSON text)."""
    try:
        out: dict[str, Any] = {}
        for k, v in obj.items():
            if isinstance(v, dict) and v:
                for sub, sv in v.items():
                    out[f"{k}.{sub}"] = _json_value(sv)
            else:
                out[k] = _json_value(v)
        return out
    except RecursionError:
        raise InputFileError(_TOO_DEEP, file=file, row=row) from None


def _json_keys(obj: dict[str, Any]) -> list[str]:
    """The cell names of one record, as :func:`_json_cells` writes them."""
    return [
        f"{k}.{sub}" if isinstance(v, dict) and v else k
        for k, v in obj.items()
        for sub in (v if isinstance(v, dict) and v else (None,))
    ]


_TOO_DEEP = (
    "JSON nested too deeply to be a list of records (arrays or objects inside "
    "each other hundreds of levels deep)"
)


def _loads_line(line: str, file: str, row: int) -> Any:
    try:
        return json.loads(line)
    except RecursionError:
        raise InputFileError(_TOO_DEEP, file=file, row=row) from None
    except json.JSONDecodeError as exc:
        raise InputFileError(f"invalid JSON: {exc.msg}", file=file, row=row) from exc


def read_json(path: Path, encoding: str) -> Table:
    """Open a JSON array of objects, ``{"records": [...]}``, a header and rows
    (``{"columns": [...], "data": [[...]]}``), or JSON Lines (streamed)."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return _read_jsonl(path, encoding)
    text = path.read_text(encoding=encoding)
    if not text.strip():
        raise InputFileError("the file is empty", file=path.name)
    try:
        data = json.loads(text)
    except RecursionError:
        raise InputFileError(_TOO_DEEP, file=path.name) from None
    except json.JSONDecodeError as exc:
        # Maybe JSON Lines with a .json name.
        if text.lstrip().startswith("{") and "\n" in text.strip():
            return _read_jsonl(path, encoding)
        raise InputFileError(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", file=path.name
        ) from exc
    data, where = _unwrap(data)
    split = _split_table(data)
    if split is not None:
        return _json_array_table(path, encoding, split)
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if "records" in data and isinstance(data["records"], list):
            data = data["records"]
        elif len(lists) == 1:
            data = lists[0]
        elif data and all(isinstance(v, dict) for v in data.values()):
            # {"17": {...}, "18": {...}}: records keyed by their id; the key is kept
            data = [{"key": k, **v} if "key" not in v else v for k, v in data.items()]
        else:
            raise InputFileError(
                'JSON must be an array of objects or {"records": [...]}', file=path.name
            )
    if not isinstance(data, list):
        raise InputFileError("JSON must be an array of objects", file=path.name)
    if _is_array_table(data):
        return _json_array_table(path, encoding, data)
    header: list[str] = []
    seen: set[str] = set()
    for i, obj in enumerate(data, start=1):
        if not isinstance(obj, dict):
            raise InputFileError("each element must be a JSON object", file=path.name, row=i)
        for key in _json_keys(obj):
            if key not in seen:
                seen.add(key)
                header.append(key)
    if not header:
        raise InputFileError("no records with fields", file=path.name)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for i, obj in enumerate(data, start=1):
            yield i, _json_cells(obj, path.name, i)

    notes = [format_note("json_wrapped", path=where)] if where else []
    return Table(path, "json", encoding, header, rows(), notes)


def _split_table(data: Any) -> list[Any] | None:
    """A table written as its header and its rows apart: ``{"columns": ["Name", "Age"],
    "data": [["Ali", 30]]}`` (pandas' ``to_json(orient="split")``, which adds an
    ``index``), or with ``rows``/``values`` for ``data``: the header, then the rows, as
    :func:`_json_array_table` reads them; else None."""
    if not isinstance(data, dict):
        return None
    columns = data.get("columns")
    if not (isinstance(columns, list) and columns and all(isinstance(c, str) for c in columns)):
        return None
    for key in ("data", "rows", "values"):
        body = data.get(key)
        if isinstance(body, list) and all(isinstance(r, list) for r in body):
            return [columns, *body]
    return None


def _holds_records(value: Any) -> bool:
    return (
        isinstance(value, list) and bool(value) and all(isinstance(e, (dict, list)) for e in value)
    )


def _unwrap(data: Any) -> tuple[Any, str]:
    """The object a response-style wrapper holds the records in: ``{"data": {"records":
    [...]}}``, ``{"status": "ok", "result": {"victims": [...]}}`` (up to four levels). A
    level is entered only when it is the one object beside plain values (so records
    keyed by their id are not taken for a wrapper) and holds a list of records; the
    path is returned for a note ("data")."""
    path: list[str] = []
    while isinstance(data, dict) and len(path) < 4:
        if any(isinstance(v, list) for v in data.values()):
            break
        inner = [k for k, v in data.items() if isinstance(v, dict)]
        if len(inner) != 1 or not any(_holds_records(x) for x in data[inner[0]].values()):
            break
        path.append(inner[0])
        data = data[inner[0]]
    return data, ".".join(path)


def _is_array_table(data: list[Any]) -> bool:
    """A table written as arrays, its first the header: ``[["Name", "Age"], ["Ali",
    30]]`` (as spreadsheet APIs export a sheet's values)."""
    return (
        len(data) >= 1
        and all(isinstance(r, list) for r in data)
        and bool(data[0])
        and all(isinstance(h, str) and h.strip() for h in data[0])
    )


def _json_array_table(path: Path, encoding: str, data: list[list[Any]]) -> Table:
    header = _clean_header([str(h) for h in data[0]], path.name)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for i, values in enumerate(data[1:], start=1):
            vals = [_json_value(v) for v in values]
            if not any(v not in (None, "") for v in vals):
                yield i, {}
                continue
            yield i, _row_dict(header, vals)

    return Table(path, "json", encoding, header, rows(), [format_note("json_arrays")])


def _read_jsonl(path: Path, encoding: str) -> Table:
    # Header = keys of the first object plus any new keys met later (kept in order).
    header: list[str] = []
    with path.open("r", encoding=encoding) as fh:
        for line in fh:
            if line.strip():
                first = _loads_line(line, path.name, 1)
                if not isinstance(first, dict):
                    raise InputFileError("each line must be a JSON object", file=path.name, row=1)
                header = _json_keys(first)
                break
    if not header:
        raise InputFileError("the file is empty", file=path.name)

    opened: list[Any] = []

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        with path.open("r", encoding=encoding) as fh:
            opened.append(fh)
            number = 0
            for line in fh:
                if not line.strip():
                    continue
                number += 1
                obj = _loads_line(line, path.name, number)
                if not isinstance(obj, dict):
                    raise InputFileError(
                        "each line must be a JSON object", file=path.name, row=number
                    )
                for key in _json_keys(obj):
                    if key not in header:
                        header.append(key)
                yield number, _json_cells(obj, path.name, number)

    def position() -> int:
        try:
            return opened[0].buffer.tell() if opened else 0
        except (ValueError, OSError):
            return path.stat().st_size

    return Table(path, "jsonl", encoding, header, rows(), position=position)


def open_table(path: Path, *, encoding: str | None = None, sheet: str | None = None) -> Table:
    """Open any supported list file, detecting and verifying its encoding."""
    if not path.exists():
        raise InputFileError("no such file", file=str(path))
    if not path.is_file():
        raise InputFileError("not a file", file=str(path))
    if path.stat().st_size == 0:
        raise InputFileError("the file is empty", file=path.name)
    suffix = path.suffix.lower()
    if suffix in XLSX_EXTENSIONS:
        return read_xlsx(path, sheet)
    if suffix == ".xls":
        raise InputFileError(
            "old .xls workbooks are not supported; save as .xlsx or CSV", file=path.name
        )
    detected = detect_encoding(path, encoding)
    if suffix in JSON_EXTENSIONS:
        return read_json(path, detected.encoding)
    if suffix in CSV_EXTENSIONS or not suffix:
        return read_csv(path, detected.encoding)
    raise InputFileError(
        f"unsupported file type {suffix!r}; use CSV, TSV, XLSX, JSON or JSONL", file=path.name
    )


def peek_text(path: Path, encoding: str, n: int = 4096) -> str:
    """The first characters of a text file (for previews)."""
    with open(path, encoding=encoding, errors="replace") as fh:
        return fh.read(n)
