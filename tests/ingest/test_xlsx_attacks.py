"""XLSX input from issue 16 (items 18-20): merged cells are filled down columns only and
noted on the row, the formula note says what happened, and a zip bomb named .xlsx is
refused from its zip directory before anything is unpacked. SYNTHETIC data only."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from roshan.errors import InputFileError
from roshan.ingest.importer import ingest_file
from roshan.store.models import Record
from roshan.store.records import records_frame
from roshan.store.status import workspace_status
from roshan.store.workspace import Workspace


def _issues_by_row(ws: Workspace) -> dict[int, list[dict[str, str]]]:
    with ws.engine.connect() as conn:
        rows = conn.execute(select(Record.row_number, Record.issues)).all()
    out = {}
    for n, issues in rows:
        if isinstance(issues, str):
            issues = json.loads(issues)
        out[int(n)] = issues or []
    return out


def test_merge_across_columns_does_not_invent_a_fathers_name(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["full_name", "father_name", "province"])
    ws.append(["SYNTHETIC Ali Karimi", None, "Fars"])
    ws.merge_cells("A2:B2")  # the name spans the name and father's-name columns
    ws.append(["SYNTHETIC Reza Azadi", "SYNTHETIC Hasan", "Ilam"])
    ws.append(["SYNTHETIC Sara Nouri", "SYNTHETIC Mehdi", None])
    ws.merge_cells("C3:C4")  # province merged down two rows: filled down
    path = tmp_path / "SYNTHETIC-merged.xlsx"
    wb.save(path)
    res = ingest_file(sqlite_ws, path, source_name="SYNTHETIC X")
    frame = records_frame(sqlite_ws)
    assert list(frame["full_name"]) == [
        "SYNTHETIC Ali Karimi",
        "SYNTHETIC Reza Azadi",
        "SYNTHETIC Sara Nouri",
    ]
    assert list(frame["father_name"]) == [None, "SYNTHETIC Hasan", "SYNTHETIC Mehdi"]
    assert list(frame["province"]) == ["Fars", "Ilam", "Ilam"]  # down a column: filled
    assert any("not copied across" in n for n in res.notes), res.notes
    issues = _issues_by_row(sqlite_ws)
    across = [i for i in issues[1] if "merged cell A2:B2" in i["message"]]
    assert across and across[0]["field"] == "father_name"
    assert across[0]["severity"] == "warning"
    down = [i for i in issues[3] if "merged cell C3:C4" in i["message"]]
    assert down and down[0]["field"] == "province" and "filled down" in down[0]["message"]
    assert not [i for i in issues[2] if "merged" in i["message"]]


def test_formula_note_says_what_happened(sqlite_ws: Workspace, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["full_name", "age"])
    for i in range(3):
        ws.append([f"SYNTHETIC person {i}", f"=20+{i}"])  # openpyxl writes no cached value
    ws.append(["SYNTHETIC person 3", 40])
    path = tmp_path / "SYNTHETIC-formulas.xlsx"
    wb.save(path)
    res = ingest_file(sqlite_ws, path, source_name="SYNTHETIC F")
    assert res.rows_rejected == 3
    note = " ".join(res.notes)
    assert "read as their cached values" not in note
    assert "3 formula cells have no cached value" in note
    assert "rejected" in note and "rows 1, 2, 3" in note


def _bomb(path: Path, mb: int) -> Path:
    """A .xlsx that is a zip of ``mb`` MB of zeros (a few hundred KB on disk)."""
    zeros = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for _ in range(mb):
                fh.write(zeros)
    return path


def _lying_directory(path: Path, declared: int) -> Path:
    """A small zip whose central directory declares ``declared`` bytes for its member."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    data = bytearray(path.read_bytes())
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = declared.to_bytes(4, "little")  # uncompressed size
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("kind", ["zeros", "declared"])
def test_zip_bomb_refused_fast_with_reason(sqlite_ws: Workspace, tmp_path: Path, kind: str) -> None:
    if kind == "zeros":
        path = _bomb(tmp_path / "SYNTHETIC-bomb.xlsx", 400)
        reason = "times its size (a zip bomb?)"
    else:
        path = _lying_directory(tmp_path / "SYNTHETIC-bomb.xlsx", 0xFFFF0000)
        reason = "more than the 2,048 MB roshan reads"
    t0 = time.perf_counter()
    with pytest.raises(InputFileError) as err:
        ingest_file(sqlite_ws, path, source_name="SYNTHETIC B")
    took = time.perf_counter() - t0
    msg = str(err.value)
    assert msg.startswith("SYNTHETIC-bomb.xlsx: refused"), msg
    assert reason in msg and "xl/worksheets/sheet1.xml" in msg, msg
    assert took < 2.0, took
    assert workspace_status(sqlite_ws)["imports"] == 0
