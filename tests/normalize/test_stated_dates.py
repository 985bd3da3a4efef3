"""What a list says of its own dates: the header ("Date of death (mm/dd/yyyy)",
«تاریخ (شمسی)») and a mapping file's ``calendar`` and ``date_format`` options.

Before, a mapping's ``calendar`` and ``date_format`` were accepted and then ignored, and a
header's "(mm/dd/yyyy)" was not read: a column of dates that are ambiguous one by one
("01/08/2026") kept only the year, with a warning on every row. All data SYNTHETIC.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from roshan.canonical import SourceKind
from roshan.ingest import ingest_file
from roshan.normalize import ColumnHint, normalize_workspace, parse_date
from roshan.normalize.dates import hint_from_text


@pytest.mark.parametrize(
    ("text", "calendar", "day_first"),
    [
        ("Date of death (dd/mm/yyyy)", None, True),
        ("DOD (MM-DD-YYYY)", None, False),
        ("%d/%m/%Y", None, True),
        ("%m/%d/%y", None, False),
        ("date (d/m/y)", None, True),
        ("تاریخ (روز/ماه/سال)", None, True),
        ("تاریخ فوت (شمسی)", "jalali", None),
        ("Date (Gregorian)", "gregorian", None),
        ("Date (jalali, dd/mm/yyyy)", "jalali", True),
        ("shamsi", "jalali", None),
        ("Date of death", None, None),
        ("yyyy-mm-dd", None, None),  # year first: the parser needs no word on it
        ("Admitted", None, None),
    ],
)
def test_what_a_header_says_of_its_dates(
    text: str, calendar: str | None, day_first: bool | None
) -> None:
    h = hint_from_text(text)
    assert (h.calendar, h.day_first) == (calendar, day_first)


def test_a_two_digit_jalali_year_is_not_read_into_the_future() -> None:
    jalali = ColumnHint("jalali")
    assert parse_date("18/10/04", jalali).iso == "2026-01-08"  # 18 Dey 1404, not 4 Dey 1418
    assert parse_date("04/10/18", jalali).iso == "2026-01-08"  # 1404/10/18, year first
    assert parse_date("۱۸/۱۰/۰۴", jalali).iso == "2026-01-08"


def _ingest(ws, path: Path, source: str, mapping: Path | None = None):  # type: ignore[no-untyped-def]
    return ingest_file(
        ws, path, source_name=source, source_kind=SourceKind.NGO_LIST, mapping_path=mapping
    )


def test_a_workspace_reads_dates_as_the_list_says(sqlite_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    us = tmp_path / "us-SYNTHETIC.csv"
    us.write_text(
        "Name,Age,Date of death (mm/dd/yyyy)\nHossein Rezaei,24,01/08/2026\nAli Karimi,30,02/03/2026\n",
        encoding="utf-8",
    )
    plain = tmp_path / "plain-SYNTHETIC.csv"
    plain.write_text(
        "Name,Age,Date\nMaryam Ahmadi,24,08/01/2026\nReza Karimi,30,03/02/2026\n", encoding="utf-8"
    )
    mapping = tmp_path / "plain.yaml"
    mapping.write_text(
        "columns:\n  Name: full_name\n  Age: age\n  Date: date_of_death\n"
        "options:\n  date_format: dd/mm/yyyy\n",
        encoding="utf-8",
    )
    short = tmp_path / "short-SYNTHETIC.csv"
    short.write_text(
        "نام,سن,تاریخ (شمسی)\nحسین رضایی,24,18/10/04\nعلی کریمی,30,19/10/04\n", encoding="utf-8"
    )
    results = [
        _ingest(sqlite_ws, us, "SYNTHETIC-a"),
        _ingest(sqlite_ws, plain, "SYNTHETIC-b", mapping),
        _ingest(sqlite_ws, short, "SYNTHETIC-c"),
    ]
    # no "day and month order is ambiguous" warning on any row
    assert [r.rows_accepted for r in results] == [2, 2, 2]
    assert [r.warnings_count for r in results] == [0, 0, 0]
    out = pd.read_parquet(normalize_workspace(sqlite_ws))
    assert list(out["dod_iso"]) == [
        "2026-01-08",
        "2026-02-03",
        "2026-01-08",
        "2026-02-03",
        "2026-01-08",
        "2026-01-09",
    ]
    assert not out["dod_ambiguous"].any()


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ("  calendar: julian\n", "option calendar = 'julian' names no calendar"),
        ("  date_format: ddmmyyyy\n", "option date_format = 'ddmmyyyy' gives no day/month order"),
    ],
)
def test_a_date_option_roshan_cannot_read_is_refused(
    sqlite_ws,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    options: str,
    said: str,
) -> None:
    """Such an option would be ignored without a word: the import is refused, naming the
    mapping file and the option, and nothing is stored."""
    from roshan.errors import MappingError

    f = tmp_path / "plain-SYNTHETIC.csv"
    f.write_text("Name,Date\nMaryam Ahmadi,08/01/2026\n", encoding="utf-8")
    mapping = tmp_path / "plain.yaml"
    mapping.write_text(
        "columns:\n  Name: full_name\n  Date: date_of_death\noptions:\n" + options,
        encoding="utf-8",
    )
    with pytest.raises(MappingError, match=f"plain.yaml: {said}"):
        _ingest(sqlite_ws, f, "SYNTHETIC-b", mapping)
    from roshan.store.queries import recent_imports

    with sqlite_ws.engine.connect() as conn:
        assert recent_imports(conn) == []
