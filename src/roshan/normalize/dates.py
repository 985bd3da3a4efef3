"""Dates written in the Jalali (Solar Hijri) or Gregorian calendar, whole or partial.

Accepted forms (Persian, Arabic-Indic or ASCII digits; any of ``/ - . ,`` or
spaces between parts): ``1404/10/18``, ``۱۸ دی ۱۴۰۴``, ``18 Dey 1404``,
``2026-01-08``, ``8 January 2026``, ``January 8, 2026``, ``08/01/2026``,
partial ``Dey 1404``, ``January 2026``, ``1404/10``, ``1404``, and two-digit
years when the column's calendar is known (``04/10/18``). Also: the month
written with «ماه» (``۱۸ دی‌ماه ۱۴۰۴``, ``دیماه``, ``Dey-mah``); ordinal day
words (``هجدهم دی ماه سال ۱۴۰۴``, ``بیست و یکم``, ``سی‌ام``, ``the eighth of
January 2026``); weekday names, era words (``ه.ش``, ``شمسی``, ``AD``) and a
time of day around the date, which are dropped; compact ``YYYYMMDD``
(``14041018``, ``20260108``) when the year is 1300–1499 (Jalali) or 1900–2099
(Gregorian) and the month and day exist, any other 8-digit number being
refused; and a vague part of a month or year (``early January 2026``,
``اوایل دی ۱۴۰۴``, ``دهه سوم دی``), kept at month (or year) precision.

Calendar: a 4-digit year from 1200 to 1599 is Jalali, 1800 to 2199 Gregorian;
a month name settles it too. Otherwise the column's calendar (detected by
:func:`detect_column` over all of a source's values) decides.

Day/month order: Persian numeric dates are year-first (Y/M/D). In a
year-last date (``08/01/2026``) whose first two numbers are both ≤ 12 and
differ, the order is *ambiguous*: unless the column shows its order elsewhere
(a value with a first part > 12 means day-first), the result is flagged
``ambiguous`` and only the year is kept (precision ``year``); both readings
are listed in ``alternatives``. One exception, flagged ``order_from_column``: in a
column that has dates of its own, the reading within ORDER_NEAR_DAYS of the column's
median date is taken when the other is ORDER_FAR_DAYS or more away (a list of one
event's dead that mixes "09/01/2026" and "1/9/2026"). Nothing else is guessed.

Output (:class:`DateResult`): ``iso`` is ``YYYY-MM-DD`` (always Gregorian) for
day precision; for month/year precision it is ``YYYY-MM``/``YYYY`` *in the
calendar named by* ``calendar`` (a Jalali month straddles two Gregorian
months). ``first``/``last`` are the first and last Gregorian days consistent
with the value. Arithmetic uses ``jdatetime``.
"""

from __future__ import annotations

import calendar as _cal
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache

import jdatetime

from roshan.normalize.ages import PERSIAN_NUMBERS
from roshan.normalize.text import to_ascii_digits


def _month_numbers(months: list[str]) -> dict[str, int]:
    """Each spelling of the i-th month (a line of space-separated spellings) -> i, from 1."""
    return {name: i for i, names in enumerate(months, start=1) for name in names.split()}


JALALI_MONTHS: dict[str, int] = _month_numbers(
    [
        "farvardin farvardeen فروردین",
        "ordibehesht ordibehisht ardibehesht اردیبهشت",
        "khordad khurdad خرداد",
        "tir teer تیر",
        "mordad amordad amurdad مرداد امرداد",
        "shahrivar shahrewar shahrivar شهریور",
        "mehr mihr مهر",
        "aban aaban آبان ابان",
        "azar aazar adhar آذر اذر",
        "dey dei day dee daey dai دی",
        "bahman بهمن",
        "esfand esfand isfand espand اسفند",
    ]
)
GREGORIAN_MONTHS: dict[str, int] = _month_numbers(
    [
        "january jan janvier ژانویه ژانویهی",
        "february feb fevrier فوریه",
        "march mar mars مارس",
        "april apr avril آوریل اوریل",
        "may mai مه می",
        "june jun juin ژوئن ژوین",
        "july jul juillet ژوئیه ژوییه جولای",
        "august aug aout اوت آگوست اگوست",
        "september sep sept septembre سپتامبر",
        "october oct octobre اکتبر",
        "november nov novembre نوامبر",
        "december dec decembre دسامبر",
    ]
)

# Words that may surround a date and carry nothing.
_NOISE = set(
    "saturday sunday monday tuesday wednesday thursday friday sat sun mon tue wed thu fri "
    "the of on in year month day th st nd rd om sh hs ah ad ce solar hijri shamsi jalali "
    "gregorian miladi mah "
    # hedges and times of day around a date ("c. 8 Jan 2026", "on the night of", «حدود
    # ۱۸ دی», «شب ۱۸ دی»): the date is read, the hedge dropped
    "c ca circa approx approximately about around roughly est estimated night morning "
    "evening afternoon "
    "حدود حدودا تقریبا شب صبح ظهر عصر بامداد "
    "شنبه یکشنبه دوشنبه سهشنبه چهارشنبه پنجشنبه جمعه سال ماه روز تاریخ شمسی هجری خورشیدی "
    "میلادی ه ش م ام".split()
)

_FOLD = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "\u200c": "",
        "\u200d": "",
        "ـ": "",
        "،": ",",
        "٫": "/",
        "٬": ",",
    }
)
_TOKEN = re.compile(r"\d+|[^\W\d_]+", re.UNICODE)
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th|om|ام|م)$")
_ISO_DT = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[tT ]\d")
_MARKS = re.compile("[\u064b-\u065f\u0670]")  # Arabic diacritics (سی‌اُم)
# YYYYMMDD with a plausible year; any other 8-digit number is not a date.
_COMPACT = re.compile(r"^(1[34]\d\d|19\d\d|20\d\d)(\d\d)(\d\d)$")
# An Excel serial day number, as a sheet exported without its date format writes a
# date: five digits (optionally ".0") from 36526 (2000-01-01) to 54999 (2050-07-29).
# No other reading of such a number in a date column makes sense.
_EXCEL_SERIAL = re.compile(
    r"^(3652[6-9]|365[3-9]\d|36[6-9]\d\d|3[7-9]\d{3}|4\d{4}|5[0-4]\d{3})(?:\.0+)?$"
)
_EXCEL_EPOCH = date(1899, 12, 30)
# A time of day after the date ("1404/10/18 22:30", "... ساعت ۲۲"). It must
# stand apart (after a space) so that "1404:10:18" stays a date.
_TIME = re.compile(
    r"(?:\s(?:at|ساعت))?\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:\s*(?:am|pm|ق[.\s]*ظ|ب[.\s]*ظ)\.?)?(?=\s|$)"
    r"|\sساعت\s*\d{1,2}(?=\s|$)"
)
# Weekday names written in two words (سه شنبه, پنج شنبه); one-word forms are noise.
_WEEKDAY = re.compile(r"(?<!\w)(?:یک|دو|سه|چهار|پنج)\s+شنبه(?!\w)")
# A vague part of a month or year ("early January 2026", «اوایل دی ۱۴۰۴», «دهه
# سوم دی»): dropped, so the value keeps the month (or year) it names. Runs
# before ordinals, so «نیمه دوم دی» is not read as the 2nd of Dey. «دهه» alone
# stays: «دهه ۶۰» is a decade, not the year 60.
_VAGUE = re.compile(
    r"(?<!\w)(?:(?:نیمه|دهه|هفته)\s*(?:اول|دوم|سوم|چهارم|نخست|آخر|اخر)"
    r"|(?:first|second|third|fourth|last|1st|2nd|3rd|4th)\s+(?:half|week|decade|fortnight)"
    r"|اوایل|اوائل|اواسط|اواخر|ابتدای|ابتدا|اوسط|انتهای|انتها|پایان|آخر|اخر|نیمه|میانه"
    r"|early|mid|middle|late|beginning|start|end)(?!\w)"
)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


def _fa_ordinals() -> tuple[dict[str, int], dict[str, int]]:
    """Persian ordinal day words -> number: (units 1-9, every single word 1-20 and 30).

    Derived from the cardinals: cardinal + «م» (هجده -> هجدهم, بیست -> بیستم),
    except سه -> سوم and سی -> سی‌ام; «اول» is also 1.
    """
    units: dict[str, int] = {"اول": 1}
    single: dict[str, int] = {"اول": 1}
    for word, n in PERSIAN_NUMBERS.items():
        if 1 <= n <= 20 or n == 30:
            form = {"سه": "سوم", "سی": "سیام"}.get(word, word + "م")
            single[form] = n
            if n < 10:
                units[form] = n
    return units, single


_FA_UNITS, _FA_SINGLE = _fa_ordinals()
_EN_UNITS = {
    w: i
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth".split(), start=1
    )
}
_EN_SINGLE = {
    **_EN_UNITS,
    **{
        w: i
        for i, w in enumerate(
            "tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth "
            "eighteenth nineteenth twentieth".split(),
            start=10,
        )
    },
    "thirtieth": 30,
}
_TENS = {"بیست": 20, "سی": 30, "twenty": 20, "thirty": 30}
# Ordinal day words, tens and unit joined by «و» (بیست و یکم, بیست‌و‌یکم,
# بیستویکم — ZWNJ is gone by now) or by a hyphen/space (twenty-first).
_ORDINAL_WORD = re.compile(
    rf"(?<!\w)(?:(بیست|سی)\s*و\s*({_alternation(_FA_UNITS)})"
    rf"|(twenty|thirty)[\s-]*({_alternation(_EN_UNITS)})"
    rf"|(سی\s+ام|{_alternation(_FA_SINGLE)}|{_alternation(_EN_SINGLE)}))(?!\w)"
)


def _ordinal_digits(m: re.Match[str]) -> str:
    tens = m.group(1) or m.group(3)
    if tens:
        unit = m.group(2) or m.group(4)
        return str(_TENS[tens] + _FA_UNITS.get(unit, _EN_UNITS.get(unit, 0)))
    word = re.sub(r"\s+", "", m.group(5))
    return str(_FA_SINGLE.get(word, _EN_SINGLE.get(word, 0)))


@dataclass(frozen=True)
class DateResult:
    """One parsed date. ``ok`` is False when nothing usable was recognised."""

    ok: bool
    iso: str | None = None
    precision: str | None = None  # 'day' | 'month' | 'year'
    calendar: str | None = None  # 'jalali' | 'gregorian'
    ambiguous: bool = False
    first: date | None = None
    last: date | None = None
    alternatives: tuple[str, ...] = field(default_factory=tuple)
    year_from_column: bool = False  # written without a year; the column's dates gave it
    order_from_column: bool = False  # day/month order ambiguous; the column's dates chose

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict (the CLI's ``date`` command prints this)."""
        return {
            "date": self.iso,
            "precision": self.precision,
            "calendar": self.calendar,
            "ambiguous": self.ambiguous,
            "first_day": self.first.isoformat() if self.first else None,
            "last_day": self.last.isoformat() if self.last else None,
            "alternatives": list(self.alternatives),
        }


NOT_A_DATE = DateResult(False)


@dataclass(frozen=True)
class ColumnHint:
    """What a whole column says about its dates: calendar and day/month order."""

    calendar: str | None = None  # 'jalali' | 'gregorian' | None
    day_first: bool | None = None  # for year-last numeric dates
    # The median of the column's full dates: a date written without its year («۱۸
    # دی», "Jan 9", "early Jan") takes the year that puts it nearest (within
    # YEARLESS_MAX_DAYS), so "Dec 30" beside January dates is the December before.
    anchor: date | None = None
    # The same median, only for a column with ORDER_MIN_DATES full dates or more,
    # half of them within ORDER_SPREAD_DAYS: what an ambiguous day/month order is read by.
    order_anchor: date | None = None
    # Whether every value that settled ``day_first`` was written zero-padded
    # ("14/01/2026": True) or every one unpadded ("1/25/2026": False); None when both
    # kinds did, or when the import stated the order. A value of the other kind was
    # perhaps written by another hand in another order ("1/8/2026" in a column of
    # "09/01/2026"): it is read by the column's dates (order_anchor) when they settle it.
    order_padded: bool | None = None


YEARLESS_MAX_DAYS = 120
"""A yearless date is read only when it falls this close to its column's median date."""

ORDER_NEAR_DAYS = 45
ORDER_FAR_DAYS = 90
ORDER_MIN_DATES = 10
ORDER_SPREAD_DAYS = 45
"""An ambiguous day/month order (``05/01/2026``) in a column that mixes day-first and
month-first dates is read the way that puts it within ORDER_NEAR_DAYS of the column's
median date, when the other reading is ORDER_FAR_DAYS or more from it (5 January beside
January dates, not 1 May); otherwise only the year is kept. Only in a column with
ORDER_MIN_DATES full dates or more whose middle half spans ORDER_SPREAD_DAYS or less: a
list of one event's dead, not two dates that happen to be far apart."""


def _gap_days(r: DateResult, anchor: date) -> int | None:
    if not r.ok or r.first is None or r.last is None:
        return None
    if r.first <= anchor <= r.last:
        return 0
    return min(abs((r.first - anchor).days), abs((r.last - anchor).days))


def _reading_near_column(
    day_first: DateResult, month_first: DateResult, anchor: date | None
) -> DateResult | None:
    """The one of two readings of an ambiguous date that the column's dates point to."""
    if anchor is None:
        return None
    gd, gm = _gap_days(day_first, anchor), _gap_days(month_first, anchor)
    if gd is None or gm is None:
        return None
    if gd <= ORDER_NEAR_DAYS and gm >= ORDER_FAR_DAYS:
        return day_first
    if gm <= ORDER_NEAR_DAYS and gd >= ORDER_FAR_DAYS:
        return month_first
    return None


def _jalali_range(y: int, m: int | None, d: int | None) -> tuple[date, date] | None:
    try:
        if d is not None and m is not None:
            g = jdatetime.date(y, m, d).togregorian()
            return g, g
        if m is not None:
            first = jdatetime.date(y, m, 1).togregorian()
            nm = jdatetime.date(y + 1, 1, 1) if m == 12 else jdatetime.date(y, m + 1, 1)
            return first, nm.togregorian() - timedelta(days=1)
        first = jdatetime.date(y, 1, 1).togregorian()
        return first, jdatetime.date(y + 1, 1, 1).togregorian() - timedelta(days=1)
    except (ValueError, OverflowError, TypeError):
        return None


def _greg_range(y: int, m: int | None, d: int | None) -> tuple[date, date] | None:
    try:
        if d is not None and m is not None:
            g = date(y, m, d)
            return g, g
        if m is not None:
            return date(y, m, 1), date(y, m, _cal.monthrange(y, m)[1])
        return date(y, 1, 1), date(y, 12, 31)
    except (ValueError, OverflowError, TypeError):
        return None


def _calendar_of_year(y: int) -> str | None:
    if 1200 <= y <= 1599:
        return "jalali"
    if 1800 <= y <= 2199:
        return "gregorian"
    return None


def _expand_two_digit(y: int, cal: str) -> int:
    if cal == "jalali":
        return 1400 + y if y <= 30 else 1300 + y
    return 2000 + y if y <= 40 else 1900 + y


def _build(
    y: int,
    m: int | None,
    d: int | None,
    cal: str,
    ambiguous: bool = False,
    alternatives: tuple[str, ...] = (),
) -> DateResult:
    rng = (_jalali_range if cal == "jalali" else _greg_range)(y, m, d)
    if rng is None:
        return NOT_A_DATE
    first, last = rng
    if d is not None and m is not None:
        return DateResult(True, first.isoformat(), "day", cal, ambiguous, first, last, alternatives)
    if m is not None:
        return DateResult(
            True, f"{y:04d}-{m:02d}", "month", cal, ambiguous, first, last, alternatives
        )
    return DateResult(True, f"{y:04d}", "year", cal, ambiguous, first, last, alternatives)


def _tokens(text: str) -> list[str] | None:
    raw = _TOKEN.findall(text)
    out: list[str] = []
    for t in raw:
        m = _ORDINAL.match(t)
        if m:
            out.append(m.group(1))
            continue
        if t.isdecimal():
            out.append(t)
            continue
        if t in _NOISE and t != "day":
            continue
        out.append(t)
    if "day" in out:
        # "day" is the Latin spelling of دی in "19 Day 1404", and filler in "the day of
        # 8 January 2026": filler only where another word names the month
        others = [t for t in out if t != "day" and not t.isdecimal() and _month_of(t)]
        if others or not any(t.isdecimal() and len(t) == 4 and t[:2] in ("13", "14") for t in out):
            out = [t for t in out if t != "day"]
    return out


def _month_of(word: str) -> tuple[int, str] | None:
    if word in JALALI_MONTHS:
        return JALALI_MONTHS[word], "jalali"
    for suffix in ("ماه", "mah"):  # دیماه, دی‌ماه (ZWNJ folded away), deymah
        if word.endswith(suffix) and word[: -len(suffix)] in JALALI_MONTHS:
            return JALALI_MONTHS[word[: -len(suffix)]], "jalali"
    if word in GREGORIAN_MONTHS:
        return GREGORIAN_MONTHS[word], "gregorian"
    if word.isascii() and len(word) >= 3:
        for name, num in GREGORIAN_MONTHS.items():
            if name.isascii() and len(name) > 3 and name.startswith(word):
                return num, "gregorian"
    return None


@lru_cache(maxsize=200_000)
def parse_date(value: str | None, hint: ColumnHint | None = None) -> DateResult:
    """Parse one date string; never raises. See the module docstring for the rules."""
    try:
        result = _parse_date(value, hint)
        if not result.ok and value and isinstance(value, str) and _DUAL.search(value):
            return _dual(value, hint or ColumnHint())
        return result
    except (ValueError, OverflowError, TypeError, IndexError):
        return NOT_A_DATE


# "Jan 8 or 9", «۸ یا ۹ دی ۱۴۰۴», "8 and 9 January", «۱۸ و ۱۹ دی», "between 8 and 10
# January", "8-9 January 2026", "Jan 8–9, 2026": one of two neighbouring days. A dash
# counts only before a month word or a comma ("8-9 January"), never inside 08-01-2026.
_DAY_OR = re.compile(
    r"^(?:between\s+|بین\s+)?(.*?)\b(\d{1,2})\s+(?:or|یا|and|و|to|تا)\s+(\d{1,2})\b(.*)$"
)
_DAY_DASH = re.compile(r"^(.*?)\b(\d{1,2})\s*[-–—]\s*(\d{1,2})(\s*,\s*\d{4}|\s+[^\W\d_].*)$")
# ... or after the month word, with no year: "Jan 7-8", "night of Dec 29-30" (not the
# year 2008, which "Jan 7-8" was read as); a yearless date, its year from the column.
_DAY_DASH_END = re.compile(r"^(.*[^\W\d_]\s*)\b(\d{1,2})\s*[-–—]\s*(\d{1,2})()$")
# Two writings of one date in one cell: "1404/10/18 (2026-01-08)", "8 January 2026 /
# 18 Dey 1404". Each part is read; if they name the same day (±1), that is the date.
_DUAL = re.compile(r"\s*(?:[()\[\]|؛;]|\s/\s|\s-\s)\s*")


def _day_or(pre: str, d1: str, d2: str, post: str, *, hint: ColumnHint) -> DateResult:
    """ "Jan 8 or 9": the earlier day, with ``last`` the later (at most 3 days apart)."""
    one = _parse_date(f"{pre}{d1}{post}", hint)
    two = _parse_date(f"{pre}{d2}{post}", hint)
    if not (one.ok and two.ok and one.precision == two.precision == "day"):
        return NOT_A_DATE
    if one.first is None or two.first is None:
        return NOT_A_DATE
    lo, hi = (one, two) if one.first < two.first else (two, one)
    assert lo.first is not None and hi.first is not None
    if 0 < (hi.first - lo.first).days <= 3:
        return replace(lo, last=hi.first)
    return NOT_A_DATE


_ORDER_SPEC = re.compile(r"(dd?|mm?)[/.\-](?:dd?|mm?)[/.\-](?:yyyy|yy)")


# What a header or a mapping option says of its dates: "Date (dd/mm/yyyy)", "DOD
# (MM-DD-YYYY)", "%d/%m/%Y", «تاریخ (روز/ماه/سال)», «تاریخ فوت (شمسی)», "Date (Gregorian)".
_SPEC_ORDER = re.compile(
    r"(?<![a-z])(%?d{1,2}|%?m{1,2}|روز|ماه)\s*[/.\-\s]\s*(%?d{1,2}|%?m{1,2}|روز|ماه)\s*[/.\-\s]\s*"
    r"(%?y{1,4}|سال)(?![a-z])"
)
_SPEC_JALALI = re.compile(
    r"jalali|shamsi|solar\s*hijri|persian\s+calendar|hijri\s+shamsi|شمسی|خورشیدی|جلالی"
)
_SPEC_GREGORIAN = re.compile(r"gregorian|miladi|میلادی")


def hint_from_text(text: str | None) -> ColumnHint:
    """The calendar and day/month order that a header or a mapping option states
    ("Date of death (dd/mm/yyyy)", "%m/%d/%Y", «تاریخ (شمسی)», "jalali"); fields it
    does not state are None. A header's own word wins over what the column's values
    suggest (:func:`with_stated`)."""
    if not text or not isinstance(text, str):
        return ColumnHint()
    t = text.lower()
    cal = "jalali" if _SPEC_JALALI.search(t) else None
    if _SPEC_GREGORIAN.search(t):
        cal = None if cal else "gregorian"  # both named: says nothing
    order = None
    m = _SPEC_ORDER.search(t)
    if m:
        first, second = m.group(1).lstrip("%"), m.group(2).lstrip("%")
        if first[0] in "dر" and second[0] in "mم":
            order = True
        elif first[0] in "mم" and second[0] in "dر":
            order = False
    return ColumnHint(cal, order)


def with_stated(detected: ColumnHint, stated: ColumnHint) -> ColumnHint:
    """``detected`` with each field ``stated`` gives put in its place."""
    return ColumnHint(
        stated.calendar or detected.calendar,
        stated.day_first if stated.day_first is not None else detected.day_first,
        detected.anchor,
        detected.order_anchor,
        detected.order_padded if stated.day_first is None else None,
    )


@lru_cache(maxsize=1024)
def stated_hint(list_dates: str, field: str) -> ColumnHint:
    """What an import says of ``field``'s dates: the header's words, then the mapping's
    ``calendar`` and ``date_format`` options over them. ``list_dates`` is the store's
    per-import summary (roshan.store.records.list_dates, JSON text)."""
    try:
        said = json.loads(list_dates)
    except ValueError:
        return ColumnHint()
    if not isinstance(said, dict):
        return ColumnHint()
    header = hint_from_text((said.get("headers") or {}).get(field))
    options = with_stated(
        hint_from_text(said.get("calendar")), hint_from_text(said.get("date_format"))
    )
    return with_stated(header, options)


def as_stated(detected: ColumnHint, list_dates: str | None, field: str) -> ColumnHint:
    """``detected`` (a column's hint from its values) with what the import states of
    ``field``'s dates put over it (:func:`stated_hint`); unchanged when it states
    nothing."""
    return with_stated(detected, stated_hint(list_dates, field)) if list_dates else detected


def _dual(text: str, hint: ColumnHint) -> DateResult:
    """A cell holding the date twice ("1404/10/18 (2026-01-08)"): the first reading,
    when every part that is a date names the same day within one; else not a date
    (the two writings disagree, and neither can be trusted over the other)."""
    parts = [p for p in _DUAL.split(text) if p.strip()]
    if len(parts) < 2:
        return NOT_A_DATE
    for p in parts:  # "08/01/2026 (dd/mm/yyyy)": the cell says its own order
        order = _ORDER_SPEC.fullmatch(p.strip().lower())
        if order:
            hint = replace(hint, day_first=order.group(1).startswith("d"))
            parts = [q for q in parts if q is not p]
            break
    read = [r for r in (_parse_date(p, hint) for p in parts) if r.ok and r.first is not None]
    if not read:
        return NOT_A_DATE
    days = [r for r in read if r.precision == "day" and not r.ambiguous]
    if not days:
        return NOT_A_DATE
    firsts = [r.first for r in days if r.first is not None]
    if (max(firsts) - min(firsts)).days > 1:
        return NOT_A_DATE
    day = days[0]
    for r in read:  # a vaguer writing must allow the day ("8/1/2026": 8 Jan or 1 Aug)
        if r in days or r.first is None or r.last is None or day.first is None:
            continue
        if r.alternatives:
            if day.iso not in r.alternatives:
                return NOT_A_DATE
        elif not r.first <= day.first <= r.last:
            return NOT_A_DATE
    return day


def _parse_date(value: str | None, hint: ColumnHint | None) -> DateResult:
    if not value or not isinstance(value, str):
        return NOT_A_DATE
    hint = hint or ColumnHint()
    text = _MARKS.sub("", to_ascii_digits(value).translate(_FOLD)).strip().lower()
    if not text or len(text) > 80:
        return NOT_A_DATE
    m = _DAY_OR.match(text) or _DAY_DASH.match(text)
    end = None if m else _DAY_DASH_END.match(text)
    if m or end:
        groups = (m or end).groups()  # type: ignore[union-attr]
        two_days = _day_or(*groups, hint=hint)
        if two_days.ok:
            return two_days
        if end and 0 < int(groups[2]) - int(groups[1]) <= 3:
            return NOT_A_DATE  # two neighbouring days and no year: not the year 2008
    m = _ISO_DT.match(text)
    if m:
        text = "-".join(m.groups())
    text = _TIME.sub(" ", text).strip()
    m = _COMPACT.match(text)
    if m:  # 14041018, 20260108
        y, mo_, d = (int(g) for g in m.groups())
        return _build(y, mo_, d, "jalali" if y < 1500 else "gregorian")
    m = _EXCEL_SERIAL.match(text)
    if m:  # 46030: an Excel date written out as its serial number
        serial = _EXCEL_EPOCH + timedelta(days=int(m.group(1)))
        return _build(serial.year, serial.month, serial.day, "gregorian")
    text = _WEEKDAY.sub(" ", text)
    text = _VAGUE.sub(" ", text)
    text, n_ordinals = _ORDINAL_WORD.subn(lambda m: f" {_ordinal_digits(m)} ", text)
    toks = _tokens(text)
    if not toks or len(toks) > 4:
        return NOT_A_DATE
    nums = [t for t in toks if t.isdecimal()]
    words = [t for t in toks if not t.isdecimal()]
    if n_ordinals and not words:
        # An ordinal word is a day of a named month; «اول ۱۴۰۴» is not Farvardin 1404.
        return NOT_A_DATE
    cal: str | None  # None until a year, month name or column hint settles it
    if any(len(n) > 4 for n in nums):
        return NOT_A_DATE
    if words:
        if len(words) != 1:
            return NOT_A_DATE
        mo = _month_of(words[0])
        if mo is None:
            return NOT_A_DATE
        month, cal = mo
        ints = [int(n) for n in nums]
        if not ints:  # "early Jan", «دی‌ماه»: a month without its year
            return _yearless(month, None, cal, hint)
        if len(ints) == 1:  # "Dey 1404", "January 2026"
            if len(nums[0]) <= 2:
                # «۱۸ دی», "January 8": a day without its year, not Dey 1418; the
                # year comes from the column's other dates, if they give one.
                return _yearless(month, ints[0], cal, hint)
            return _build(ints[0], month, None, cal)
        if len(ints) == 2:  # "18 Dey 1404", "January 8, 2026", "1404 Dey 18"
            a, b = ints
            if len(nums[1]) >= 3 or (len(nums[0]) <= 2 and a <= 31):
                day, y, ylen = a, b, len(nums[1])
            else:
                y, day, ylen = a, b, len(nums[0])
            if ylen <= 2:
                y = _expand_two_digit(y, cal)
            return _build(y, month, day, cal)
        return NOT_A_DATE
    ints = [int(n) for n in nums]
    lens = [len(n) for n in nums]
    if len(ints) == 1:
        y = ints[0]
        cal = _calendar_of_year(y) if lens[0] == 4 else None
        return _build(y, None, None, cal) if cal else NOT_A_DATE
    if len(ints) == 2:  # 1404/10, 10/1404, 2026-01
        if lens[0] == 4:
            y, mo_ = ints
        elif lens[1] == 4:
            mo_, y = ints
        else:
            return NOT_A_DATE
        cal = _calendar_of_year(y)
        return _build(y, mo_, None, cal) if cal else NOT_A_DATE
    if len(ints) != 3:
        return NOT_A_DATE
    a, b, c = ints
    all_short = max(lens) <= 2
    year_first = lens[0] >= 3 or (all_short and (a > 31 or (hint.calendar == "jalali" and c <= 31)))
    if year_first:  # Y/M/D (the Persian convention)
        y, mo_, d = a, b, c
        ylen = lens[0]
        cal = _calendar_of_year(y) if ylen >= 3 else (hint.calendar or "jalali")
        if ylen <= 2:
            y = _expand_two_digit(y, cal or "jalali")
        if cal is None:
            return NOT_A_DATE
        read = _build(y, mo_, d, cal)
        if all_short and a <= 31 and read.first is not None and read.first > date.today():
            # «۱۸/۱۰/۰۴» in a Jalali column: 18 Dey 1404, not 4 Dey 1418 (to come)
            other = _build(_expand_two_digit(c, cal), b, a, cal)
            if other.ok and other.first is not None and other.first <= date.today():
                return other
        return read
    if lens[0] <= 2 and lens[2] in (2, 4) and lens[1] <= 2:  # year last: D/M/Y or M/D/Y
        y = c
        ylen = lens[2]
        if ylen == 4:
            cal = _calendar_of_year(y)
        else:
            cal = hint.calendar
            if cal is None:
                # Two-digit years everywhere and no column calendar: can't tell.
                if lens[0] == 2 and lens[2] == 2 and a <= 31 and c <= 31:
                    return NOT_A_DATE
                cal = "gregorian"
            y = _expand_two_digit(y, cal)
        if cal is None:
            return NOT_A_DATE
        if a > 12 and b <= 12:
            return _build(y, b, a, cal)
        if b > 12 and a <= 12:
            return _build(y, a, b, cal)
        if a == b:
            return _build(y, b, a, cal)
        if a > 12 and b > 12:
            return NOT_A_DATE
        padded = lens[0] == 2 and lens[1] == 2
        if hint.day_first is not None and hint.order_padded in (None, padded):
            return _build(y, b, a, cal) if hint.day_first else _build(y, a, b, cal)
        near = _reading_near_column(_build(y, b, a, cal), _build(y, a, b, cal), hint.order_anchor)
        if near is not None:
            return replace(near, order_from_column=True)
        if hint.day_first is not None:  # written otherwise, but the dates do not say
            return _build(y, b, a, cal) if hint.day_first else _build(y, a, b, cal)
        alts = tuple(r.iso for r in (_build(y, b, a, cal), _build(y, a, b, cal)) if r.ok and r.iso)
        base = _build(y, None, None, cal, ambiguous=True, alternatives=alts)
        return base
    return NOT_A_DATE


_SPLIT = re.compile(r"[^\d]+")


def _yearless(month: int, day: int | None, cal: str, hint: ColumnHint) -> DateResult:
    """A day (or a month) written without its year, read in the year that puts it
    nearest the column's median date; not a date without one, or when even the
    nearest reading is more than :data:`YEARLESS_MAX_DAYS` away."""
    if hint.anchor is None:
        return NOT_A_DATE
    a = hint.anchor
    base = jdatetime.date.fromgregorian(date=a).year if cal == "jalali" else a.year
    best: DateResult | None = None
    best_gap = YEARLESS_MAX_DAYS + 1
    for y in (base - 1, base, base + 1):
        r = _build(y, month, day, cal)
        gap = _gap_days(r, a)
        if gap is None:
            continue
        if gap < best_gap:
            best, best_gap = r, gap
    return replace(best, year_from_column=True) if best is not None else NOT_A_DATE


def detect_column(values: Iterable[str | None]) -> ColumnHint:
    """Detect a column's calendar and day/month order from all its values.

    Calendar: the majority of values whose year or month name settles it.
    Order: day-first if some year-last value has a first part > 12 and none
    has a second part > 12; month-first in the opposite case; else unknown.
    """
    jal = greg = 0
    day_first_ev = month_first_ev = 0
    padded_ev: set[bool] = set()  # whether the values settling the order were zero-padded
    days: list[int] = []
    for v in values:
        if not v or not isinstance(v, str):
            continue
        r = parse_date(v)
        if r.ok and r.calendar:
            if r.calendar == "jalali":
                jal += 1
            else:
                greg += 1
        if r.ok and r.precision == "day" and r.first is not None:
            days.append(r.first.toordinal())
        text = _TIME.sub(" ", to_ascii_digits(v).translate(_FOLD).lower())
        parts = [p for p in _SPLIT.split(text) if p]
        if len(parts) == 3 and len(parts[0]) <= 2 and len(parts[1]) <= 2:
            a, b = int(parts[0]), int(parts[1])
            if a > 12 >= b:
                day_first_ev += 1
            elif b > 12 >= a:
                month_first_ev += 1
            if a > 12 >= b or b > 12 >= a:
                padded_ev.add(len(parts[0]) == 2 and len(parts[1]) == 2)
    cal = None
    if jal or greg:
        cal = "jalali" if jal >= greg else "gregorian"
    order = None
    if day_first_ev and not month_first_ev:
        order = True
    elif month_first_ev and not day_first_ev:
        order = False
    days.sort()
    anchor = date.fromordinal(int(days[len(days) // 2])) if days else None
    n = len(days)
    concentrated = n >= ORDER_MIN_DATES and days[(3 * n) // 4] - days[n // 4] <= ORDER_SPREAD_DAYS
    padded = next(iter(padded_ev)) if order is not None and len(padded_ev) == 1 else None
    return ColumnHint(cal, order, anchor, anchor if concentrated else None, padded)
