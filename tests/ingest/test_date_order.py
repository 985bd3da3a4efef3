"""Ingest warns about a date's day/month order only when the whole column leaves it open.

The normalise stage reads a DD/MM/YYYY date with day <= 12 in the order its
source's column shows (``dates.detect_column``); ingest judges such dates with
the same detection over the file's column (and the source's earlier imports),
so it no longer warns about 219 rows of a list whose order is plain from the
other rows. Dates and names are SYNTHETIC.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from sqlalchemy import select

from roshan.canonical import SourceKind
from roshan.ingest import importer
from roshan.ingest.importer import ingest_file, ingest_records
from roshan.normalize.snapshot import normalize_frame
from roshan.normalize.validate import AMBIGUOUS_ORDER, NOT_A_DATE, check_fields
from roshan.store.models import Record
from roshan.store.records import records_frame
from roshan.store.workspace import Workspace

HEADER = "full_name,date_of_death,date_of_birth\n"


def _csv(tmp_path: Path, name: str, rows: list[tuple[str, str, str]]) -> Path:
    p = tmp_path / name
    p.write_text(HEADER + "".join(f"{a},{b},{c}\n" for a, b, c in rows), encoding="utf-8")
    return p


def _issues(ws: Workspace) -> dict[int, list[dict[str, str]]]:
    with ws.engine.connect() as conn:
        rows = conn.execute(
            select(Record.import_id, Record.row_number, Record.issues).order_by(
                Record.import_id, Record.row_number
            )
        ).all()
    return {r.row_number + 1000 * (r.import_id - 1): list(r.issues or []) for r in rows}


def _ambiguous_rows(ws: Workspace) -> set[int]:
    return {
        row
        for row, issues in _issues(ws).items()
        if any(i["message"] == AMBIGUOUS_ORDER for i in issues)
    }


# a DD/MM/YYYY list with every day of January 2026: days 13-31 show the order
DAY_FIRST = [
    (f"Person {d}", f"{d:02d}/01/2026", "")
    for d in (
        3,
        8,
        21,
        1,
        12,
        30,
        9,
        13,
        2,
        4,
        5,
        6,
        7,
        10,
        11,
        14,
        15,
        16,
        17,
        18,
        19,
        20,
        22,
        23,
        24,
        25,
        26,
        27,
        28,
        29,
        31,
    )
]


def test_day_first_list_has_no_ambiguity_warnings(any_ws: Workspace, tmp_path: Path) -> None:
    f = _csv(tmp_path, "SYNTHETIC-dd-mm.csv", DAY_FIRST)
    alone = sum(
        1
        for _, d, _ in DAY_FIRST
        for i in check_fields({"date_of_death": d})
        if i.message == AMBIGUOUS_ORDER
    )
    assert alone == 11  # what ingest used to warn about: days 2-12 (1/1 is no question)
    res = ingest_file(any_ws, f, source_name="NGO A", source_kind=SourceKind.NGO_LIST)
    assert (res.rows_accepted, res.warnings_count) == (len(DAY_FIRST), 0)
    assert _ambiguous_rows(any_ws) == set()
    # ... and the normalise stage keeps the full date of every row
    out = normalize_frame(records_frame(any_ws))
    assert not out["dod_ambiguous"].any()
    assert set(out["dod_precision"]) == {"day"}


# only days <= 12 in year-last numeric form: nothing in the column settles the order
AMBIGUOUS = [
    ("Ali Rezaei", "08/01/2026", ""),  # 1 ambiguous
    ("Hossein Karimi", "2026-01-09", ""),  # 2 ISO: fine
    ("Zahra Ahmadi", "05/01/2026", "03/04/2001"),  # 3 both dates ambiguous
    ("Reza Mousavi", "07/07/2026", ""),  # 4 day = month: fine
    ("", "03/01/2026", ""),  # 5 no name (an error) and an ambiguous date
    ("Mehdi Jafari", "09/01/2099", ""),  # 6 ambiguous and in the future
    ("Sara Nouri", "not a date", ""),  # 7 not a date at all
    ("Omid Kazemi", "10/01/2026", ",EXTRA"),  # 8 a cell past the header (an error)
]


@pytest.mark.parametrize("worker", [False, True])
def test_ambiguous_column_is_warned_like_a_row_alone(
    any_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker: bool
) -> None:
    if worker:
        if "fork" not in multiprocessing.get_all_start_methods():
            pytest.skip("no fork start method")
        monkeypatch.setattr(importer, "WORKER_MIN_BYTES", 0)  # the parser runs in a child
    f = _csv(tmp_path, "SYNTHETIC-ambiguous.csv", AMBIGUOUS)
    res = ingest_file(any_ws, f, source_name="NGO B", source_kind=SourceKind.NGO_LIST)
    assert _ambiguous_rows(any_ws) == {1, 3, 5, 6, 8}
    stored = _issues(any_ws)
    # the warnings added once the column was read sit where a row-alone check puts them
    for row in (1, 3, 5, 6):
        name, dod, dob = AMBIGUOUS[row - 1]
        alone = check_fields(
            {"full_name": name or None, "date_of_death": dod, "date_of_birth": dob or None}
        )
        assert stored[row] == [
            {"field": i.field, "message": i.message, "severity": i.severity} for i in alone
        ], row
    assert [i["message"] for i in stored[3]] == [AMBIGUOUS_ORDER, AMBIGUOUS_ORDER]
    assert [i["field"] for i in stored[5]] == ["full_name", "date_of_death"]
    assert [i["message"] for i in stored[6]][:1] == [AMBIGUOUS_ORDER]
    assert stored[7] == [{"field": "date_of_death", "message": NOT_A_DATE, "severity": "warning"}]
    assert stored[8][0]["field"] == "*" and stored[8][-1]["message"] == AMBIGUOUS_ORDER
    warnings = sum(1 for issues in stored.values() for i in issues if i["severity"] == "warning")
    assert res.warnings_count == warnings == 8  # 6 ambiguous, 1 future, 1 not a date


def test_strict_lists_the_late_warnings(sqlite_ws: Workspace, tmp_path: Path) -> None:
    rows = [r for r in AMBIGUOUS if r[0]][:4]  # no error rows: --strict imports it
    res = ingest_file(
        sqlite_ws, _csv(tmp_path, "SYNTHETIC-strict.csv", rows), source_name="NGO B", strict=True
    )
    assert sorted((i.row, i.field) for i in res.issues if i.message == AMBIGUOUS_ORDER) == [
        (1, "date_of_death"),
        (3, "date_of_birth"),
        (3, "date_of_death"),
    ]


def test_the_sources_earlier_imports_settle_the_order(sqlite_ws: Workspace, tmp_path: Path) -> None:
    # normalise reads a source's column across its imports: so does ingest
    ingest_file(
        sqlite_ws,
        _csv(tmp_path, "SYNTHETIC-1.csv", [("Ali Rezaei", "25/01/2026", "")]),
        source_name="NGO C",
    )
    small = [("Hossein Karimi", "08/01/2026", ""), ("Zahra Ahmadi", "05/01/2026", "")]
    res = ingest_file(sqlite_ws, _csv(tmp_path, "SYNTHETIC-2.csv", small), source_name="NGO C")
    assert res.warnings_count == 0
    res = ingest_file(
        sqlite_ws, _csv(tmp_path, "SYNTHETIC-3.csv", small + [("x y", "", "")]), source_name="NGO D"
    )  # another source: nothing settles it
    assert res.warnings_count == 2
    out = normalize_frame(records_frame(sqlite_ws))
    assert out.groupby("source")["dod_ambiguous"].sum().to_dict() == {"NGO C": 0, "NGO D": 2}


def test_two_digit_years_read_with_the_columns_calendar(sqlite_ws: Workspace) -> None:
    # «04/10/19» is no date alone; in a Jalali column it is 1404/10/19
    rows = [
        {"full_name": "Ali Rezaei", "date_of_death": "1404/10/18"},
        {"full_name": "Reza Karimi", "date_of_death": "04/10/19"},
    ]
    res = ingest_records(
        sqlite_ws,
        rows,
        source_name="intake",
        source_kind=SourceKind.OTHER,
        file_name="SYNTHETIC-intake.json",
        sha256="0" * 64,
        size=1,
    )
    assert res.warnings_count == 0
    assert check_fields(rows[1])[0].message == NOT_A_DATE  # judged alone it would be warned


# One event's dead, written day-first ("09/01/2026") with a few month-first rows
# ("1/25/2026"), as a list put together from several reports writes them (the blind
# generator's English list): the column settles no order, but its dates do.
MIXED = [(f"Person {d}", f"{d:02d}/01/2026", "") for d in (13, 14, 15, 16, 18, 20, 21, 22)]
MIXED += [("Person 25", "1/25/2026", ""), ("Person 26", "2026-01-26", "")]
MIXED += [
    ("Person 5", "05/01/2026", ""),
    ("Person 9", "1/9/2026", ""),
    ("Person 2", "02/01/2026", ""),
]


def test_an_ambiguous_order_is_read_by_the_columns_dates(any_ws: Workspace, tmp_path: Path) -> None:
    """05/01/2026 beside a column of January dates is 5 January, not 1 May, and 1/9/2026 is
    9 January, not 1 September; 02/01/2026 (2 January or 1 February, both near) stays
    ambiguous. Each read one is flagged."""
    from roshan.normalize.validate import ORDER_FROM_COLUMN

    f = _csv(tmp_path, "SYNTHETIC-mixed-order.csv", MIXED)
    res = ingest_file(any_ws, f, source_name="Media C", source_kind=SourceKind.MEDIA)
    assert res.rows_accepted == len(MIXED)
    assert _ambiguous_rows(any_ws) == {13}
    from_column = {
        row
        for row, issues in _issues(any_ws).items()
        if any(i["message"] == ORDER_FROM_COLUMN for i in issues)
    }
    assert from_column == {11, 12}
    out = normalize_frame(records_frame(any_ws)).sort_values("row_number")
    assert list(out["dod_iso"].iloc[10:13]) == ["2026-01-05", "2026-01-09", "2026"]
    assert list(out["dod_ambiguous"].iloc[10:13]) == [False, False, True]


def test_too_few_or_scattered_dates_settle_no_order() -> None:
    """Two full dates far apart (9 January, 7 July) are no event's dates: 08/01/2026 stays
    ambiguous beside them rather than being read as 1 August."""
    from roshan.normalize.dates import detect_column, parse_date

    hint = detect_column(["2026-01-09", "07/07/2026", "08/01/2026"])
    assert hint.order_anchor is None
    assert parse_date("08/01/2026", hint).ambiguous
    many = detect_column([f"2026-01-{d:02d}" for d in range(1, 13)])
    assert many.order_anchor is not None
    r = parse_date("08/01/2026", many)
    assert (r.iso, r.order_from_column) == ("2026-01-08", True)


# zero-padded day-first dates, and two written by another hand, unpadded, month-first
PADDED_AND_NOT = (
    [(f"Person {d}", f"{d:02d}/01/2026", "") for d in (13, 14, 15, 16, 9, 10)]
    + [(f"Person {d}", f"2026-01-{d:02d}", "") for d in (3, 4, 5, 6, 7, 8)]
    + [("Person 8b", "1/8/2026", ""), ("Person 11b", "01/08/2026", "")]
)


def test_an_order_shown_by_padded_dates_is_not_forced_on_unpadded_ones(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    """ "13/01/2026" shows the padded dates day-first; "1/8/2026" beside them (another
    hand, US style: the blind generator's diaspora list) was read as 1 August. It is read
    by the column's dates (8 January, flagged); "01/08/2026", written like the day-first
    dates, keeps their order (1 August)."""
    from roshan.normalize.dates import detect_column
    from roshan.normalize.validate import ORDER_FROM_COLUMN

    hint = detect_column([b for _, b, _ in PADDED_AND_NOT])
    assert (hint.day_first, hint.order_padded) == (True, True)
    f = _csv(tmp_path, "SYNTHETIC-padded.csv", PADDED_AND_NOT)
    res = ingest_file(sqlite_ws, f, source_name="Media P", source_kind=SourceKind.MEDIA)
    assert res.rows_accepted == len(PADDED_AND_NOT)
    flagged = {
        row
        for row, issues in _issues(sqlite_ws).items()
        if any(i["message"] == ORDER_FROM_COLUMN for i in issues)
    }
    assert flagged == {13}
    out = normalize_frame(records_frame(sqlite_ws)).sort_values("row_number")
    assert list(out["dod_iso"].iloc[12:14]) == ["2026-01-08", "2026-08-01"]
