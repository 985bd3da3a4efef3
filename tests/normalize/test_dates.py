"""Jalali/Gregorian dates: whole, partial, two-digit years, ambiguity, column detection."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roshan.normalize.dates import ColumnHint, detect_column, parse_date


@pytest.mark.parametrize(
    "value",
    [
        "1404/10/18",
        "۱۴۰۴/۱۰/۱۸",
        "۱۸ دی ۱۴۰۴",
        "18 Dey 1404",
        "18 dey 1404",
        "2026-01-08",
        "8 January 2026",
        "January 8, 2026",
        "8th Jan 2026",
        "18/10/1404",
        "1404-10-18",
        "پنجشنبه ۱۸ دی ۱۴۰۴",
        "2026-01-08T10:00:00",
        "١٤٠٤/١٠/١٨",
        "۱۸ دی ماه ۱۴۰۴",
    ],
)
def test_same_day(value: str) -> None:
    r = parse_date(value)
    assert r.ok and r.iso == "2026-01-08" and r.precision == "day"
    assert r.first == r.last == date(2026, 1, 8)
    assert r.ambiguous is False


def test_calendar_reported() -> None:
    assert parse_date("1404/10/18").calendar == "jalali"
    assert parse_date("2026-01-08").calendar == "gregorian"


def test_partial_dates_keep_precision() -> None:
    r = parse_date("Dey 1404")
    assert (r.iso, r.precision, r.calendar) == ("1404-10", "month", "jalali")
    assert r.first == date(2025, 12, 22) and r.last == date(2026, 1, 20)
    r = parse_date("January 2026")
    assert (r.iso, r.precision, r.calendar) == ("2026-01", "month", "gregorian")
    assert r.last == date(2026, 1, 31)
    r = parse_date("دی ۱۴۰۴")
    assert r.precision == "month"
    r = parse_date("1404")
    assert (r.iso, r.precision) == ("1404", "year") and r.first == date(2025, 3, 21)
    assert parse_date("2026").precision == "year"
    assert parse_date("1404/10").iso == "1404-10"


def test_ambiguous_day_month_is_flagged_not_guessed() -> None:
    r = parse_date("08/01/2026")
    assert r.ok and r.ambiguous and r.precision == "year" and r.iso == "2026"
    assert set(r.alternatives) == {"2026-01-08", "2026-08-01"}
    # unambiguous orders
    assert parse_date("13/01/2026").iso == "2026-01-13"
    assert parse_date("01/13/2026").iso == "2026-01-13"
    assert parse_date("05/05/2026").iso == "2026-05-05"
    # the column says day-first
    assert parse_date("08/01/2026", ColumnHint("gregorian", True)).iso == "2026-01-08"
    assert parse_date("08/01/2026", ColumnHint("gregorian", False)).iso == "2026-08-01"


def test_two_digit_years_need_the_column_calendar() -> None:
    assert parse_date("04/10/18", ColumnHint("jalali")).iso == "2026-01-08"
    assert parse_date("08/01/26", ColumnHint("gregorian", True)).iso == "2026-01-08"
    assert parse_date("98/10/18").calendar == "jalali"
    assert parse_date("04/10/18").ok is False  # no column calendar: not guessed


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "garbage",
        "1404/13/01",
        "1404-10-32",
        "31/02/2026",
        "12345",
        "Dey",
        "1/2/3/4/5",
        "yesterday",
    ],
)
def test_not_dates(value: str | None) -> None:
    assert parse_date(value).ok is False


def test_detect_column() -> None:
    jal = detect_column(["1404/10/18", "۱۴۰۴/۱۰/۲۰", "2026-01-08", None, ""])
    assert jal.calendar == "jalali"
    greg = detect_column(["13/01/2026", "08/01/2026", "20/01/2026"])
    assert greg.calendar == "gregorian" and greg.day_first is True
    us = detect_column(["01/13/2026", "01/08/2026"])
    assert us.day_first is False
    assert detect_column([]).calendar is None


def test_to_dict_keys() -> None:
    d = parse_date("۱۸ دی ۱۴۰۴").to_dict()
    assert {"date", "precision", "calendar", "ambiguous"} <= set(d)


_FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_MONTHS_FA = "فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند".split()
_MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=date(1980, 1, 1), max_value=date(2030, 12, 31)))
def test_round_trip_any_day(day: date) -> None:
    import jdatetime

    j = jdatetime.date.fromgregorian(date=day)
    forms = [
        f"{j.year}/{j.month:02d}/{j.day:02d}",
        f"{j.year}/{j.month:02d}/{j.day:02d}".translate(_FA),
        f"{j.day} {_MONTHS_FA[j.month - 1]} {j.year}".translate(_FA),
        day.isoformat(),
        f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}",
        f"{_MONTHS_EN[day.month - 1]} {day.day}, {day.year}",
    ]
    for f in forms:
        r = parse_date(f)
        assert r.ok and r.precision == "day" and r.first == day, f
        assert parse_date(r.iso).first == day  # the ISO output parses back to itself
