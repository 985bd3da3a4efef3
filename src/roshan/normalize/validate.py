"""Row checks ingest runs on every mapped row.

``error`` rejects the row (kept in raw_rows with the reason); ``warning`` is stored
beside an accepted record. Messages never echo the values, which are personal
data: they name the field and the problem only.

The checks reuse the normalise stage's parsers, so a warning here means the
same value will come out empty (or flagged) in ``normalized.parquet``. That
includes the per-column reading of dates: normalise settles a date's day/month
order (and a two-digit year's calendar) from the rest of its source's column
(:func:`roshan.normalize.dates.detect_column`), so ingest passes a
:class:`DateColumns` that holds back the warnings about such dates until the
whole file's column has been seen, and warns only where the column does not
settle them.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Literal

from roshan.canonical import NAME_FIELDS, CauseOfDeath
from roshan.normalize.ages import birth_year_in, parse_age, says_unknown
from roshan.normalize.causes import yes_no
from roshan.normalize.dates import (
    ColumnHint,
    DateResult,
    as_stated,
    detect_column,
    hint_from_text,
    parse_date,
)
from roshan.normalize.places import resolve_place
from roshan.normalize.sex import parse_sex
from roshan.normalize.text import normalize_text

EARLIEST_DEATH = date(1979, 1, 1)
NOT_A_DATE = "not a recognisable Jalali or Gregorian date"
AMBIGUOUS_ORDER = "day and month order is ambiguous; only the year is kept"
YEAR_FROM_COLUMN = "written without a year; the year is the one nearest the column's other dates"
ORDER_FROM_COLUMN = (
    "day and month order is ambiguous; read the way nearest the column's other dates"
)
DATE_FIELDS = ("date_of_death", "date_of_birth")
BIRTH_YEAR_AS_AGE = "a year of birth, not an age; the age is counted from the date of death"
MESSAGES: frozenset[str] = frozenset(
    {
        "birth is after death",
        "date is in the future or before 1979",
        AMBIGUOUS_ORDER,
        YEAR_FROM_COLUMN,
        ORDER_FROM_COLUMN,
        "impossible age (over 120)",
        BIRTH_YEAR_AS_AGE,
        "no name in any name field",
        "not a cause-of-death category; inferred from the text instead",
        NOT_A_DATE,
        "not a recognisable age or age range",
        "not one of Iran's 31 provinces",
        "not yes, no or unknown",
        "place not found in the gazetteer; kept as written",
        "unknown sex term",
    }
)
"""Every message check_fields can produce: fixed texts, so no value is ever echoed."""
_CAUSES = {c.value for c in CauseOfDeath}


@dataclass(frozen=True)
class FieldIssue:
    """One problem with one field of one row."""

    field: str
    message: str
    severity: Literal["error", "warning"]


def _has_letters(value: str | None) -> bool:
    # Letters of any script; tatweel and invisible marks are not letters.
    if not value:
        return False
    return any(ch.isalpha() and ch != "ـ" for ch in value)


@lru_cache(maxsize=10_000)
def _is_cause(value: str) -> bool:
    return normalize_text(value).replace(" ", "_") in _CAUSES


@lru_cache(maxsize=10_000)
def _is_flag(value: str) -> bool:
    return yes_no(value) is not None or normalize_text(value) in (
        "unknown",
        "نامعلوم",
        "نامشخص",
        "",
    )


def _filled(fields: Mapping[str, str | None], name: str) -> str | None:
    v = fields.get(name)
    if v is None:
        return None
    v = str(v)
    return v if v.strip() else None


@dataclass
class DateColumns:
    """The date columns of one file, for checks that need the whole column.

    A date whose reading depends on its column — day/month order ambiguous on
    its own (``08/01/2026``), or no date without the column's calendar (a
    two-digit year) — is not warned about row by row: :func:`check_fields`
    records it here, and :meth:`late_issues`, called once every row has been
    seen, gives the warnings for the rows whose value the column (read with
    :func:`~roshan.normalize.dates.detect_column`, as the normalise stage does)
    leaves ambiguous or unreadable. ``prior`` holds values of the same columns
    already stored for the source (normalise reads a source's column across
    its imports).
    """

    prior: Mapping[str, Iterable[str]] = field(default_factory=dict)
    # What the list states of its dates (its header, a mapping's calendar and
    # date_format), as roshan.store.records.list_dates gives it; it wins over detection.
    stated: str | None = None
    _values: dict[str, set[str]] = field(default_factory=dict, init=False)
    _pending: dict[str, dict[str, array]] = field(default_factory=dict, init=False)

    def see(self, name: str, value: str) -> None:
        """Record one non-empty value of date column ``name``."""
        self._values.setdefault(name, set()).add(value)

    def defer(self, name: str, value: str, row: int) -> None:
        """Record a row whose ``value`` of ``name`` is judged with its column."""
        self._pending.setdefault(name, {}).setdefault(value, array("q")).append(row)

    def hints(self) -> dict[str, ColumnHint]:
        """Each date column's calendar and day/month order, from all its values."""
        return {
            name: as_stated(detect_column([*self.prior.get(name, ()), *values]), self.stated, name)
            for name, values in self._values.items()
        }

    def late_issues(self) -> Iterator[tuple[int, FieldIssue]]:
        """(row, issue) for every held-back date the whole column does not settle."""
        hints = self.hints()
        for name, pending in self._pending.items():
            hint = hints.get(name)
            for value, rows in pending.items():
                r = parse_date(value, hint)
                msg = (
                    NOT_A_DATE
                    if not r.ok
                    else AMBIGUOUS_ORDER
                    if r.ambiguous
                    else YEAR_FROM_COLUMN
                    if r.year_from_column
                    else ORDER_FROM_COLUMN
                    if r.order_from_column
                    else None
                )
                if msg is not None:
                    issue = FieldIssue(name, msg, "warning")
                    for row in rows:
                        yield row, issue


def date_option_problems(options: Mapping[str, Any]) -> list[str]:
    """What is wrong with a mapping file's ``calendar`` and ``date_format`` options: each
    must say something roshan reads (a calendar; a day/month order), or it would be
    ignored without a word."""
    problems: list[str] = []
    calendar = options.get("calendar")
    if calendar is not None and hint_from_text(str(calendar)).calendar is None:
        problems.append(
            f"option calendar = {calendar!r} names no calendar roshan knows "
            "(jalali, shamsi, gregorian)"
        )
    order = options.get("date_format")
    if order is not None:
        said = hint_from_text(str(order))
        if said.day_first is None and said.calendar is None:
            problems.append(
                f"option date_format = {order!r} gives no day/month order roshan reads "
                "(dd/mm/yyyy, mm/dd/yyyy, %d/%m/%Y)"
            )
    return problems


def _date_issue(
    fields: Mapping[str, str | None], name: str, dates: DateColumns | None, row: int
) -> tuple[str | None, DateResult | None]:
    """(message or None, parsed result) for date field ``name``; with ``dates``, a
    value whose reading depends on its column is held back (no message)."""
    value = _filled(fields, name)
    if value is None:
        return None, None
    r = parse_date(value)
    if dates is not None:
        dates.see(name, value)
        if not r.ok or r.ambiguous:
            dates.defer(name, value, row)
            return None, r
    if not r.ok:
        return NOT_A_DATE, r
    return (AMBIGUOUS_ORDER if r.ambiguous else None), r


def check_fields(
    fields: Mapping[str, str | None], dates: DateColumns | None = None, row: int = 0
) -> list[FieldIssue]:
    """Return the issues of one mapped row; an ``error`` means the row can't be used.

    With ``dates`` (ingest: one :class:`DateColumns` per file, ``row`` the row
    number), the warnings about dates that depend on their column come later,
    from ``dates.late_issues()``; without it the row is judged alone.
    """
    issues: list[FieldIssue] = []
    if not any(_has_letters(_filled(fields, f)) for f in NAME_FIELDS):
        issues.append(FieldIssue("full_name", "no name in any name field", "error"))

    dod_first = None
    msg, r = _date_issue(fields, "date_of_death", dates, row)
    if msg is not None:
        issues.append(FieldIssue("date_of_death", msg, "warning"))
    if r is not None and r.ok:
        dod_first = r.first
        if dod_first and (dod_first > date.today() or dod_first < EARLIEST_DEATH):
            issues.append(
                FieldIssue("date_of_death", "date is in the future or before 1979", "warning")
            )
    msg, r = _date_issue(fields, "date_of_birth", dates, row)
    if msg is not None:
        issues.append(FieldIssue("date_of_birth", msg, "warning"))
    elif (
        r is not None
        and r.ok
        and not r.ambiguous
        and dod_first is not None
        and r.first is not None
        and r.first > dod_first
    ):
        issues.append(FieldIssue("date_of_birth", "birth is after death", "warning"))

    age = _filled(fields, "age")
    if age is not None:
        a = parse_age(age)
        if says_unknown(age):
            pass
        elif birth_year_in(age) is not None:
            issues.append(FieldIssue("age", BIRTH_YEAR_AS_AGE, "warning"))
        elif a.impossible:
            issues.append(FieldIssue("age", "impossible age (over 120)", "warning"))
        elif not a.ok:
            issues.append(FieldIssue("age", "not a recognisable age or age range", "warning"))

    sex = _filled(fields, "sex")
    if sex is not None and not parse_sex(sex).recognised:
        issues.append(FieldIssue("sex", "unknown sex term", "warning"))

    cat = _filled(fields, "cause_category")
    if cat is not None and not _is_cause(cat):
        issues.append(
            FieldIssue(
                "cause_category",
                "not a cause-of-death category; inferred from the text instead",
                "warning",
            )
        )
    for flag in ("body_withheld", "forced_burial"):
        v = _filled(fields, flag)
        if v is not None and not _is_flag(v):
            issues.append(FieldIssue(flag, "not yes, no or unknown", "warning"))

    city, county, prov = (_filled(fields, f) for f in ("city", "county", "province"))
    if city or county or prov:
        p = resolve_place(city, county, prov, None)
        if p.unresolved:
            issues.append(
                FieldIssue("city", "place not found in the gazetteer; kept as written", "warning")
            )
        elif prov and p.province is None:
            issues.append(FieldIssue("province", "not one of Iran's 31 provinces", "warning"))
    return issues
