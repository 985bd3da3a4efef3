"""A title above the table, and records with an object inside, read as a user expects.

Before: a CSV with «List of victims» on its first line took that title as the only
header (one name column, the real header imported as a data row); an XLSX with a
title refused the file (no name column); a JSON record's nested ``location``
object became one text cell mapped to the place of death.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from roshan.ingest.importer import ingest_file
from roshan.ingest.readers import header_index, open_table
from roshan.store.records import records_frame
from roshan.store.workspace import Workspace


def test_header_index() -> None:
    assert header_index([["Name", "Age"], ["a", "1"]]) == 0
    assert header_index([["List of victims", "", ""], [], ["Name", "Age", "City"]]) == 2
    assert header_index([["", ""], ["Name", "Age"]]) == 1  # blank first line
    # a narrow first row is the header when nothing below is wider
    assert header_index([["Name"], ["Hossein Rezaei"]]) == 0
    # a first row of two cells in a sheet of five is a title + date line
    assert header_index([["Title", "Jan 2026"], ["a", "b", "c", "d", "e"]]) == 1


def test_csv_with_a_title_row(tmp_path: Path) -> None:
    p = tmp_path / "t-SYNTHETIC.csv"
    p.write_text(
        "List of victims (SYNTHETIC),,,\n,,,\nName,Age,Date of death,City\n"
        "Hossein Rezaei,25,2026-01-08,Zahedan\nAli Ahmadi,31,2026-01-09,Rasht\n",
        encoding="utf-8",
    )
    t = open_table(p)
    assert t.header == ["Name", "Age", "Date of death", "City"]
    rows = list(t.rows)
    assert [n for n, _ in rows] == [1, 2]
    assert rows[0][1]["Name"] == "Hossein Rezaei"
    assert "2 rows above the header" in t.warnings[0]


def test_xlsx_with_a_title_row_imports(tmp_path: Path) -> None:
    p = tmp_path / "t-SYNTHETIC.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["فهرست جانباختگان (SYNTHETIC)"])
    ws.append([])
    ws.append(["ردیف", "نام و نام خانوادگی", "سن", "تاریخ جان\u200cباختن", "شهر"])
    ws.append([1, "حسین رضایی", 25, dt.datetime(2026, 1, 8), "زاهدان"])
    ws.append([2, "علی احمدی", 31, "1404/10/19", "Rasht"])
    wb.save(p)
    w = Workspace.init(tmp_path / "ws")
    try:
        res = ingest_file(w, p, source_name="SYNTHETIC-A")
        assert (res.rows_total, res.rows_accepted) == (2, 2)
        assert res.columns["تاریخ جان\u200cباختن"] == "date_of_death"
        assert any("above the header" in n for n in res.notes)
        recs = records_frame(w)
        assert sorted(recs["row_number"]) == [1, 2]
    finally:
        w.close()


def test_json_object_inside_a_record(tmp_path: Path) -> None:
    p = tmp_path / "n-SYNTHETIC.json"
    p.write_text(
        json.dumps(
            {
                "victims": [
                    {
                        "name": "Hossein Rezaei",
                        "date_of_death": "2026-01-08",
                        "location": {"city": "Zahedan", "province": "Sistan and Baluchestan"},
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    t = open_table(p)
    assert t.header == ["name", "date_of_death", "location.city", "location.province"]
    (_, cells), *_ = list(t.rows)
    assert cells["location.city"] == "Zahedan"
    w = Workspace.init(tmp_path / "ws")
    try:
        res = ingest_file(w, p, source_name="SYNTHETIC-J")
        assert res.columns["location.city"] == "city"
        assert res.columns["location.province"] == "province"
    finally:
        w.close()


def test_a_workbook_that_opens_on_a_cover_sheet(tmp_path: Path) -> None:
    """Before: the cover sheet was read and the file refused (no name column)."""
    p = tmp_path / "sheets-SYNTHETIC.xlsx"
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "About"
    cover.append(["This workbook lists SYNTHETIC records."])
    data = wb.create_sheet("Victims")
    data.append(["Name", "Age", "Date of death", "City"])
    data.append(["Hossein Rezaei", 25, "2026-01-08", "Zahedan"])
    wb.save(p)
    t = open_table(p)
    assert t.header == ["Name", "Age", "Date of death", "City"]
    assert "read sheet 'Victims'" in t.warnings[0]
    assert open_table(p, sheet="About").header == ["This workbook lists SYNTHETIC records."]


def test_json_records_keyed_by_id(tmp_path: Path) -> None:
    p = tmp_path / "k-SYNTHETIC.json"
    p.write_text(
        json.dumps({"17": {"name": "Hossein Rezaei"}, "18": {"name": "Ali Ahmadi"}}),
        encoding="utf-8",
    )
    t = open_table(p)
    rows = [cells for _, cells in t.rows]
    assert rows == [{"key": "17", "name": "Hossein Rezaei"}, {"key": "18", "name": "Ali Ahmadi"}]


def test_a_second_header_row_is_no_victim(tmp_path: Path) -> None:
    """Bilingual lists write their headers twice, Persian over English. The English row
    was imported as a person called "Full name", aged "Age", one more victim per list."""
    p = tmp_path / "two-SYNTHETIC.csv"
    p.write_text(
        "ردیف,نام و نام خانوادگی,سن,تاریخ,شهر\nNo.,Full name,Age,Date,City\n"
        "1,حسین رضایی,24,1404/10/18,تهران\n2,مریم احمدی,31,1404/10/19,کرج\n",
        encoding="utf-8",
    )
    t = open_table(p)
    rows = [(n, cells) for n, cells in t.rows if cells]
    assert [n for n, _ in rows] == [2, 3]  # numbering still counts the second header
    assert "repeats the column names" in " ".join(t.warnings)

    x = tmp_path / "two-SYNTHETIC.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["نام", "نام خانوادگی", "نام پدر", "سن", "تاریخ جان\u200cباختن"])
    ws.append(["Given name", "Surname", "Father", "Age", "Date of death"])
    ws.append(["حسین", "رضایی", "علی", 24, "1404/10/18"])
    wb.save(x)
    w = Workspace.init(tmp_path / "ws")
    try:
        for f, name in ((p, "SYNTHETIC-A"), (x, "SYNTHETIC-B")):
            res = ingest_file(w, f, source_name=name)
            assert res.rows_rejected == 0
        frame = records_frame(w)
        assert len(frame) == 3
        assert "Full name" not in set(frame["full_name"].dropna())
        assert "Given name" not in set(frame["given_name"].dropna())
    finally:
        w.close()


def test_a_first_data_row_is_not_taken_for_a_header() -> None:
    from roshan.ingest.readers import looks_like_header

    assert looks_like_header(["No.", "Full name", "Age", "Date", "City"])
    assert not looks_like_header(["1", "Hossein Rezaei", "24", "2026-01-08", "Tehran"])
    assert not looks_like_header(["Hossein Rezaei", "Tehran", "Male", "Shot"])  # no digit
    assert not looks_like_header(["Hossein Rezaei", "Date unknown", "Tehran", "Male"])
    assert not looks_like_header(["Name"])  # one cell says too little


def test_a_list_over_several_sheets_is_read_whole(tmp_path: Path) -> None:
    """A sheet per city with the same columns: only the first sheet was read, and the
    other sheets' rows were lost without a word (and `--sheet` could not import them
    afterwards: the file was 'already imported')."""
    x = tmp_path / "sheets-SYNTHETIC.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "About"
    ws.append(["SYNTHETIC workbook"])
    for city, people in (
        ("Tehran", ["Hossein Rezaei"]),
        ("Zahedan", ["Ali Baluch", "Reza Karimi"]),
    ):
        s = wb.create_sheet(city)
        if city == "Zahedan":
            s.append([f"List for {city} (SYNTHETIC)"])
        s.append(["Name", "Age", "Date of death"])
        for person in people:
            s.append([person, 30, "2026-01-09"])
    other = wb.create_sheet("Other")
    other.append(["Full name", "Province"])
    other.append(["Sara Moradi", "Kurdistan"])
    wb.save(x)
    t = open_table(x)
    rows = [(n, cells) for n, cells in t.rows if cells]
    assert [(n, c["Name"], c["sheet"]) for n, c in rows] == [
        (1, "Hossein Rezaei", "Tehran"),
        (2, "Ali Baluch", "Zahedan"),
        (3, "Reza Karimi", "Zahedan"),
    ]
    said = " ".join(t.warnings)
    assert "read 2 sheets with the same columns" in said
    assert "'Other' also holds a list with other columns" in said  # not read: said so


def _two_lists_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    a = wb.active
    a.title = "NGO"
    a.append(["Name", "Age", "Date of death"])
    a.append(["Hossein Rezaei", 30, "2026-01-09"])
    b = wb.create_sheet("Hospital")
    b.append(["Full name", "Province"])
    b.append(["Sara Moradi", "Kurdistan"])
    b.append(["Ali Baluch", "Sistan and Baluchestan"])
    wb.save(path)


def test_each_sheet_of_a_workbook_can_be_imported_with_sheet(tmp_path: Path) -> None:
    """Two lists in one workbook: the second could not be imported at all (the file was
    'already imported'); the note told the user to save it as another file."""
    from roshan.errors import InputFileError
    from roshan.ingest import ingest_file
    from roshan.ingest.importer import sheet_fingerprint
    from roshan.store.workspace import Workspace

    x = tmp_path / "two-lists-SYNTHETIC.xlsx"
    _two_lists_workbook(x)
    with Workspace.init(tmp_path / "ws") as ws:
        first = ingest_file(ws, x, source_name="SYNTHETIC-NGO")
        assert first.rows_accepted == 1 and not first.already_imported
        assert any("'Hospital' also holds a list" in n and "--sheet" in n for n in first.notes)
        second = ingest_file(ws, x, source_name="SYNTHETIC-H", sheet="Hospital")
        assert (second.rows_accepted, second.already_imported) == (2, False)
        assert second.sha256 == sheet_fingerprint(first.sha256, "Hospital") != first.sha256
        assert any("read sheet 'Hospital' only" in n for n in second.notes)
        # the same sheet again, or the sheet the whole-workbook import read: nothing new
        assert ingest_file(ws, x, source_name="SYNTHETIC-H", sheet="Hospital").already_imported
        again = ingest_file(ws, x, source_name="SYNTHETIC-NGO", sheet="NGO")
        assert again.already_imported and again.import_id == first.import_id
    # the other way round: a sheet imported on its own first, then the whole workbook,
    # which would read that sheet again: refused, naming the sheet
    y = tmp_path / "again-SYNTHETIC.xlsx"
    _two_lists_workbook(y)
    with Workspace.init(tmp_path / "ws2") as ws:
        assert ingest_file(ws, y, source_name="SYNTHETIC-NGO", sheet="NGO").rows_accepted == 1
        with pytest.raises(InputFileError, match="'NGO'.*already imported on their own"):
            ingest_file(ws, y, source_name="SYNTHETIC-NGO")
        assert ingest_file(ws, y, source_name="SYNTHETIC-H", sheet="Hospital").rows_accepted == 2


def test_cli_imports_a_second_sheet(tmp_path: Path) -> None:
    """Through the installed script."""
    import subprocess
    import sys

    roshan = str(Path(sys.executable).parent / "roshan")
    x = tmp_path / "two-lists-SYNTHETIC.xlsx"
    _two_lists_workbook(x)
    ws = tmp_path / "ws"
    subprocess.run([roshan, "init", str(ws)], check=True, capture_output=True, timeout=120)
    run = [roshan, "ingest", str(ws), str(x)]
    one = subprocess.run([*run, "-s", "SYNTHETIC-A"], capture_output=True, text=True, timeout=120)
    two = subprocess.run(
        [*run, "-s", "SYNTHETIC-B", "--sheet", "Hospital"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    three = subprocess.run(
        [*run, "-s", "SYNTHETIC-B", "--sheet", "Hospital"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert one.returncode == two.returncode == three.returncode == 0, (one.stderr, two.stderr)
    assert "1 accepted" in one.stdout + one.stderr
    assert "2 accepted" in two.stdout + two.stderr
    assert "already imported" in three.stdout + three.stderr
