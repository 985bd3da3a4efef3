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


# ---- forms written by other organisations' lists (each failed before) -------


@pytest.mark.parametrize(
    "value",
    [
        # month + «ماه» with ZWNJ or joined, and the Latin "mah"
        "۱۸ دی‌ماه ۱۴۰۴",
        "۱۸ دیماه ۱۴۰۴",
        "18 Dey-mah 1404",
        "18 Deymah 1404",
        # ordinal day words, with «ماه» and «سال»
        "هجدهم دی ۱۴۰۴",
        "هجدهم دی‌ماه سال ۱۴۰۴",
        "هیجدهم دیماه ۱۴۰۴",
        "۱۸ام دی ۱۴۰۴",
        "the eighth of January 2026",
        # compact YYYYMMDD
        "14041018",
        "۱۴۰۴۱۰۱۸",
        "20260108",
        # weekday in two words, with ZWNJ
        "پنج شنبه ۱۸ دی ۱۴۰۴",
        "پنج‌شنبه ۱۸ دی‌ماه ۱۴۰۴ ه.ش",
        # a time of day after the date
        "۱۴۰۴/۱۰/۱۸ ۲۲:۳۰",
        "۱۴۰۴/۱۰/۱۸ ۱۰:۳۰ ق.ظ",
        "۱۸ دی ۱۴۰۴ ساعت ۲۲",
        "2026/01/08 10:30:00 PM",
    ],
)
def test_same_day_other_lists(value: str) -> None:
    r = parse_date(value)
    assert r.ok and r.iso == "2026-01-08" and r.precision == "day", value
    assert r.ambiguous is False


@pytest.mark.parametrize(
    "value",
    [
        "Thursday, 8 January 2026",
        "۱۸ دی ۱۴۰۴ ه.ش",
        "۱۴۰۴/۱۰/۱۸ هـ.ش",
        "۱۸ دی ۱۴۰۴ شمسی",
        "۱۴۰۴/۱۰/۱۸ خورشیدی",
        "8th of January 2026",
        "January 8 2026",
        "08-Jan-2026",
        "Jan. 8, 2026",
        "۸ ژانویه ۲۰۲۶",
        "1404:10:18",  # not eaten as a time of day
    ],
)
def test_same_day_forms_that_already_worked(value: str) -> None:
    assert parse_date(value).iso == "2026-01-08"


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("بیست و یکم دی ۱۴۰۴", "2026-01-11"),
        ("بیست‌و‌یکم دی ۱۴۰۴", "2026-01-11"),
        ("بیست‌ویکم دی ۱۴۰۴", "2026-01-11"),
        ("بیستویکم دی ۱۴۰۴", "2026-01-11"),
        ("سی‌ام دی ۱۴۰۴", "2026-01-20"),
        ("سی ام دی ماه ۱۴۰۴", "2026-01-20"),
        ("سی و یکم شهریور ۱۴۰۴", "2025-09-22"),
        ("اول دی ماه ۱۴۰۴", "2025-12-22"),
        ("یکم دی ۱۴۰۴", "2025-12-22"),
        ("سوم دی ۱۴۰۴", "2025-12-24"),
        ("دوم خرداد ۱۳۷۶", "1997-05-23"),
        ("روز هفدهم دی‌ماه سال ۱۴۰۴", "2026-01-07"),
        ("twenty-first of January 2026", "2026-01-21"),
        ("January thirtieth, 2026", "2026-01-30"),
    ],
)
def test_ordinal_day_words(value: str, iso: str) -> None:
    r = parse_date(value)
    assert r.ok and (r.iso, r.precision) == (iso, "day"), value


# Written out here independently of the parser's table.
_FA_ORDINALS = (
    "یکم دوم سوم چهارم پنجم ششم هفتم هشتم نهم دهم یازدهم دوازدهم سیزدهم چهاردهم "
    "پانزدهم شانزدهم هفدهم هجدهم نوزدهم بیستم"
).split()


@pytest.mark.parametrize("joiner", [" و ", "\u200cو\u200c", "و", " و"])
def test_every_ordinal_day_of_farvardin(joiner: str) -> None:
    import jdatetime

    words = [
        *_FA_ORDINALS,
        *(f"بیست{joiner}{u}" for u in _FA_ORDINALS[:9]),
        "سی\u200cام",
        f"سی{joiner}یکم",
    ]
    assert len(words) == 31
    for day, word in enumerate(words, start=1):
        expected = jdatetime.date(1404, 1, day).togregorian().isoformat()
        assert parse_date(f"{word} فروردین‌ماه ۱۴۰۴").iso == expected, word


@pytest.mark.parametrize(
    ("value", "iso", "precision", "cal"),
    [
        ("early January 2026", "2026-01", "month", "gregorian"),
        ("mid-January 2026", "2026-01", "month", "gregorian"),
        ("end of January 2026", "2026-01", "month", "gregorian"),
        ("first week of January 2026", "2026-01", "month", "gregorian"),
        ("اوایل دی ۱۴۰۴", "1404-10", "month", "jalali"),
        ("اواخر دی‌ماه ۱۴۰۴", "1404-10", "month", "jalali"),
        ("نیمه دوم دی ۱۴۰۴", "1404-10", "month", "jalali"),  # not the 2nd of Dey
        ("دهه سوم دی ماه ۱۴۰۴", "1404-10", "month", "jalali"),  # not the 3rd
        ("late 2025", "2025", "year", "gregorian"),
        ("اواخر سال ۱۴۰۴", "1404", "year", "jalali"),
        ("دی‌ماه ۱۴۰۴", "1404-10", "month", "jalali"),
    ],
)
def test_part_of_a_month_keeps_month_precision(
    value: str, iso: str, precision: str, cal: str
) -> None:
    r = parse_date(value)
    assert r.ok and (r.iso, r.precision, r.calendar) == (iso, precision, cal), value


@pytest.mark.parametrize(
    "value",
    [
        # 8-digit numbers that are not a plausible YYYYMMDD stay unparsed
        "12345678",
        "14041332",
        "14041000",
        "20261301",
        "20260230",
        "18101404",
        "99991231",
        "00000000",
        "12001018",
        "1404101",
        "140410180",
        # a day and month without a year (was read as Dey 1418 / January 2008)
        "۱۸ دی",
        "هجدهم دی",
        "January 8",
        "Jan 26",
        "18 دی ساعت 10:30",
        # an ordinal word is a day of a named month, nothing else
        "هجدهم",
        "اول ۱۴۰۴",
        "اول سال ۱۴۰۴",
        # a decade, not the year 60 or 1360
        "دهه ۶۰",
        "دهه ۱۳۶۰",
        # lunar Hijri years are not Jalali
        "۱۴۴۷ ه.ق",
        "۱۴۴۷ هجری قمری",
        # no 31st in Mehr
        "سی و یکم مهر ۱۴۰۴",
        "پنج شنبه",
    ],
)
def test_not_dates_new_forms(value: str) -> None:
    assert parse_date(value).ok is False, value


def test_compact_dates_settle_the_calendar() -> None:
    assert parse_date("14041018").calendar == "jalali"
    assert parse_date("20260108").calendar == "gregorian"
    assert parse_date("13991230").iso == "2021-03-20"  # Esfand 30 of a leap year
    assert parse_date("14001230").ok is False  # 1400 is not a leap year
    assert detect_column(["14041018", "14041020", "20260108"]).calendar == "jalali"


def test_detect_column_ignores_a_time_of_day() -> None:
    hint = detect_column(["13/01/2026 10:30", "08/01/2026 22:00"])
    assert hint.day_first is True
    assert parse_date("08/01/2026 22:00", hint).iso == "2026-01-08"


@pytest.mark.parametrize(
    ("value", "iso"),
    [("46030", "2026-01-08"), ("46031.0", "2026-01-09"), ("36526", "2000-01-01")],
)
def test_excel_serial_day_numbers(value: str, iso: str) -> None:
    assert parse_date(value).iso == iso


@pytest.mark.parametrize("value", ["36525", "55000", "12345", "99999", "46030.5"])
def test_other_five_digit_numbers_are_not_dates(value: str) -> None:
    assert parse_date(value).iso is None


def test_a_date_without_its_year_takes_the_column_year() -> None:
    """Before: «۱۸ دی», "Jan 9", "early Jan" had no date at all (8 % of one wild list)."""
    h = detect_column(["2026-01-08", "2026-01-09", "2026-01-10", "Jan 9"])
    assert h.anchor is not None and h.anchor.isoformat() == "2026-01-09"
    cases = {
        "Jan 9": ("2026-01-09", "day"),
        "۱۸ دی": ("2026-01-08", "day"),
        "نوزدهم دی\u200cماه": ("2026-01-09", "day"),
        "Dec 30": ("2025-12-30", "day"),  # the December before, not after
        "early Jan": ("2026-01", "month"),
    }
    for value, (iso, precision) in cases.items():
        r = parse_date(value, h)
        assert (r.iso, r.precision, r.year_from_column) == (iso, precision, True), value
    assert parse_date("Jan 9").iso is None  # alone it has no year
    assert not parse_date("2026-01-09", h).year_from_column


def test_a_yearless_date_far_from_its_column_is_not_read() -> None:
    h = ColumnHint(anchor=date(2026, 1, 9))
    assert parse_date("July 15", h).iso is None  # 178 and 187 days from the two readings
    assert parse_date("March 1", h).iso == "2026-03-01"  # 51 days: read


def test_ingest_warns_when_the_year_came_from_the_column() -> None:
    from roshan.normalize.validate import YEAR_FROM_COLUMN, DateColumns, check_fields

    cols = DateColumns()
    for row, value in enumerate(["2026-01-08", "2026-01-10", "Jan 9"], start=1):
        assert check_fields({"full_name": "x", "date_of_death": value}, cols, row) == []
    late = list(cols.late_issues())
    assert [(row, i.message) for row, i in late] == [(3, YEAR_FROM_COLUMN)]


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("Jan 8 or 9, 2026", "2026-01-08", "2026-01-09"),
        ("8 or 9 January 2026", "2026-01-08", "2026-01-09"),
        ("Jan 9 or 8, 2026", "2026-01-08", "2026-01-09"),
        ("۸ یا ۹ دی ۱۴۰۴", "2025-12-29", "2025-12-30"),
        # ranges written with "and", «و», «تا», "between" or a dash: were no date
        ("8-9 January 2026", "2026-01-08", "2026-01-09"),
        ("8\u20139 January 2026", "2026-01-08", "2026-01-09"),
        ("Jan 8-9, 2026", "2026-01-08", "2026-01-09"),
        ("between 8 and 10 January 2026", "2026-01-08", "2026-01-10"),
        ("۱۸ و ۱۹ دی ۱۴۰۴", "2026-01-08", "2026-01-09"),
        ("بین ۱۸ تا ۲۰ دی ۱۴۰۴", "2026-01-08", "2026-01-10"),
    ],
)
def test_one_of_two_neighbouring_days(value: str, first: str, last: str) -> None:
    r = parse_date(value)
    assert (r.iso, r.precision, r.first.isoformat(), r.last.isoformat()) == (
        first,
        "day",
        first,
        last,
    )


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("night of Jan 7-8", "2026-01-07", "2026-01-08"),
        ("Jan 7\u20138", "2026-01-07", "2026-01-08"),
        ("night of Dec 29-30", "2025-12-29", "2025-12-30"),
        ("دی ۱۸-۱۹", "2026-01-08", "2026-01-09"),
    ],
)
def test_two_neighbouring_days_after_the_month_and_no_year(
    value: str, first: str, last: str
) -> None:
    """The blind generator's "night of Jan 7-8" was read as 7 January 2008 (the second day
    as a two-digit year): 22 dates of one list 14 to 20 years early. It is a yearless
    date, its year the one nearest the column's dates; with no column, no date."""
    hint = ColumnHint("gregorian", None, date(2026, 1, 9))
    r = parse_date(value, hint)
    assert (r.iso, r.first.isoformat(), r.last.isoformat(), r.year_from_column) == (
        first,
        first,
        last,
        True,
    )
    assert not parse_date(value).ok


def test_two_days_far_apart_are_no_date() -> None:
    assert parse_date("Jan 8 or 20, 2026").iso is None


@pytest.mark.parametrize(
    ("value", "iso"),
    [("19 Day 1404", "2026-01-09"), ("Day 22, 1404", "2026-01-12"), ("Day 1404", "1404-10")],
)
def test_day_is_the_latin_spelling_of_dey(value: str, iso: str) -> None:
    """'Day' was dropped as a filler word, so '19 Day 1404' was no date."""
    assert parse_date(value).iso == iso


def test_day_stays_filler_beside_another_month() -> None:
    assert parse_date("the day of 8 January 2026").iso == "2026-01-08"


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("c. 8 Jan 2026", "2026-01-08"),
        ("around 8 January 2026", "2026-01-08"),
        ("8 January 2026 (approx.)", "2026-01-08"),
        ("حدود ۱۸ دی ۱۴۰۴", "2026-01-08"),
        ("شب ۱۸ دی ۱۴۰۴", "2026-01-08"),  # the night of
        ("18 Dee 1404", "2026-01-08"),
        # the same date written twice, in both calendars
        ("1404/10/18 (2026-01-08)", "2026-01-08"),
        ("۱۸/۱۰/۱۴۰۴ (۸ ژانویه ۲۰۲۶)", "2026-01-08"),
        ("8 January 2026 / 18 Dey 1404", "2026-01-08"),
        ("8 Jan 2026 (Thursday)", "2026-01-08"),
        # a separator inside one date is not two writings
        ("1404 - 10 - 18", "2026-01-08"),
        # an ambiguous writing settled by the other calendar's, or by the cell's own order
        ("8/1/2026 - 18/10/1404", "2026-01-08"),
        ("1/8/2026 - 18/10/1404", "2026-01-08"),
        ("January 2026 (18 Dey 1404)", "2026-01-08"),
        ("08/01/2026 (dd/mm/yyyy)", "2026-01-08"),
        ("01/08/2026 (mm/dd/yyyy)", "2026-01-08"),
    ],
)
def test_hedged_and_doubly_written_dates(value: str, iso: str) -> None:
    """Each of these was no date: a hedge word, a time of day or a second writing in
    the other calendar made the cell unreadable and the record lost its date."""
    r = parse_date(value)
    assert (r.iso, r.precision) == (iso, "day")


def test_two_writings_that_disagree_are_no_date() -> None:
    """18 Dey 1404 is 8 January; a cell saying 8 January and 20 Dey names two days."""
    assert not parse_date("8 January 2026 / 20 Dey 1404").ok
    assert not parse_date("2/1/2026 - 18/10/1404").ok  # 2 Jan or 1 Feb, never 8 Jan
    assert not parse_date("February 2026 (18 Dey 1404)").ok
    assert not parse_date("8 or 12 January 2026").ok
