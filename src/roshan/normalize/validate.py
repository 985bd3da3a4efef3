"""Row checks ingest runs on every mapped row.

``error`` rejects the row (kept in raw_rows with the reason); ``warning`` is stored
beside an accepted record. Messages never echo the values, which are personal
data: they name the field and the problem only.

The checks reuse the normalise stage's parsers, so a warning here means the
same value will come out empty (or flagged) in ``normalized.parquet``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from roshan.canonical import NAME_FIELDS, CauseOfDeath
from roshan.normalize.ages import parse_age
from roshan.normalize.causes import yes_no
from roshan.normalize.dates import parse_date
from roshan.normalize.places import resolve_place
from roshan.normalize.sex import parse_sex
from roshan.normalize.text import normalize_text

EARLIEST_DEATH = date(1979, 1, 1)
MESSAGES: frozenset[str] = frozenset({
    "birth is after death",
    "date is in the future or before 1979",
    "day and month order is ambiguous; only the year is kept",
    "impossible age (over 120)",
    "no name in any name field",
    "not a cause-of-death category; inferred from the text instead",
    "not a recognisable Jalali or Gregorian date",
    "not a recognisable age or age range",
    "not one of Iran's 31 provinces",
    "not yes, no or unknown",
    "place not found in the gazetteer; kept as written",
    "unknown sex term",
})
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
    return bool(value) and any(ch.isalpha() and ch != "ـ" for ch in value)


@lru_cache(maxsize=10_000)
def _is_cause(value: str) -> bool:
    return normalize_text(value).replace(" ", "_") in _CAUSES


@lru_cache(maxsize=10_000)
def _is_flag(value: str) -> bool:
    return yes_no(value) is not None or normalize_text(value) in ("unknown", "نامعلوم", "نامشخص", "")


def _filled(fields: Mapping[str, str | None], name: str) -> str | None:
    v = fields.get(name)
    if v is None:
        return None
    v = str(v)
    return v if v.strip() else None


def check_fields(fields: Mapping[str, str | None]) -> list[FieldIssue]:
    """Return the issues of one mapped row; an ``error`` means the row can't be used."""
    issues: list[FieldIssue] = []
    if not any(_has_letters(_filled(fields, f)) for f in NAME_FIELDS):
        issues.append(FieldIssue("full_name", "no name in any name field", "error"))

    dod_first = None
    dod = _filled(fields, "date_of_death")
    if dod is not None:
        r = parse_date(dod)
        if not r.ok:
            issues.append(FieldIssue("date_of_death",
                                     "not a recognisable Jalali or Gregorian date", "warning"))
        else:
            dod_first = r.first
            if r.ambiguous:
                issues.append(FieldIssue(
                    "date_of_death", "day and month order is ambiguous; only the year is kept",
                    "warning"))
            if r.first and (r.first > date.today() or r.first < EARLIEST_DEATH):
                issues.append(FieldIssue("date_of_death",
                                         "date is in the future or before 1979", "warning"))
    dob = _filled(fields, "date_of_birth")
    if dob is not None:
        r = parse_date(dob)
        if not r.ok:
            issues.append(FieldIssue("date_of_birth",
                                     "not a recognisable Jalali or Gregorian date", "warning"))
        elif r.ambiguous:
            issues.append(FieldIssue(
                "date_of_birth", "day and month order is ambiguous; only the year is kept",
                "warning"))
        elif dod_first is not None and r.first is not None and r.first > dod_first:
            issues.append(FieldIssue("date_of_birth", "birth is after death", "warning"))

    age = _filled(fields, "age")
    if age is not None:
        a = parse_age(age)
        if a.impossible:
            issues.append(FieldIssue("age", "impossible age (over 120)", "warning"))
        elif not a.ok:
            issues.append(FieldIssue("age", "not a recognisable age or age range", "warning"))

    sex = _filled(fields, "sex")
    if sex is not None and not parse_sex(sex).recognised:
        issues.append(FieldIssue("sex", "unknown sex term", "warning"))

    cat = _filled(fields, "cause_category")
    if cat is not None and not _is_cause(cat):
        issues.append(FieldIssue("cause_category",
                                 "not a cause-of-death category; inferred from the text instead",
                                 "warning"))
    for flag in ("body_withheld", "forced_burial"):
        v = _filled(fields, flag)
        if v is not None and not _is_flag(v):
            issues.append(FieldIssue(flag, "not yes, no or unknown", "warning"))

    city, county, prov = (_filled(fields, f) for f in ("city", "county", "province"))
    if city or county or prov:
        p = resolve_place(city, county, prov, None)
        if p.unresolved:
            issues.append(FieldIssue("city", "place not found in the gazetteer; kept as written",
                                     "warning"))
        elif prov and p.province is None:
            issues.append(FieldIssue("province", "not one of Iran's 31 provinces", "warning"))
    return issues
