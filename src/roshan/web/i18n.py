"""Persian and English strings of the web app, and date formatting in both calendars.

Persian pages are right-to-left and show dates in the Jalali (Solar Hijri)
calendar with Persian digits; English pages are left-to-right with Gregorian
ISO dates. Every visible string goes through :func:`t`, so a missing translation
falls back to English rather than failing. The words are in ``strings.toml``
beside this module; digits, grouping, direction and the Jalali calendar come from
:mod:`roshan.i18n`, shared with the report.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from roshan.i18n import LANGS, direction, grouped, jalali_date, load_catalog, persian_digits, pick
from roshan.ingest import NOTE_NUMBERS, parse_note

__all__ = [
    "LANGS",
    "DEFAULT_LANG",
    "STRINGS",
    "NOTES_FA",
    "t",
    "direction",
    "digits",
    "number",
    "format_date",
    "note_text",
]

DEFAULT_LANG = "en"

#: Web strings by key, then language (from ``strings.toml``).
STRINGS: dict[str, dict[str, str]] = load_catalog(__package__, "strings.toml")

#: Persian templates of the ingest stage's notes, by the key of ``roshan.ingest.NOTES``
#: (from ``notes.toml``).
NOTES_FA: dict[str, str] = {
    key: entry["fa"] for key, entry in load_catalog(__package__, "notes.toml").items()
}


def t(lang: str, key: str) -> str:
    """The string ``key`` in ``lang`` (English, then the key itself, when missing)."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    return pick(entry, lang) or key


def digits(value: Any, lang: str) -> str:
    """``value`` as text, with Persian digits on Persian pages."""
    text = "" if value is None else str(value)
    return persian_digits(text) if lang == "fa" else text


def number(value: Any, lang: str, decimals: int = 0) -> str:
    """A number with thousands separators (Persian digits and separator on fa pages)."""
    if value is None:
        return t(lang, "none")
    try:
        return grouped(value, lang, decimals)
    except (TypeError, ValueError):
        return digits(value, lang)


def note_text(text: str, lang: str) -> str:
    """A note of the file readers or the importer (``Table.warnings``, ``ImportResult.notes``,
    a row's warning) in ``lang``: read back into its template's key and fields, then
    written with the Persian template. Counts and row numbers get Persian digits; the
    file's own text (sheet names, headers) is kept as written, each value isolated
    (U+2068 … U+2069) so a left-to-right name does not reorder the sentence. A note the
    catalog does not know, or without a Persian template, is shown as it is (English).
    """
    if lang != "fa":
        return text
    parsed = parse_note(text)
    if parsed is None or parsed[0] not in NOTES_FA:
        return text
    key, fields = parsed
    values: dict[str, str] = {}
    for name, value in fields.items():
        if name == "note":
            values[name] = note_text(value, lang)
        elif name in NOTE_NUMBERS:
            values[name] = digits(value, lang)
        else:
            values[name] = f"\u2068{value}\u2069"
    return NOTES_FA[key].format(**values)


def format_date(value: Any, lang: str) -> str:
    """An ISO date (or datetime) shown as Jalali on fa pages and Gregorian ISO on en pages.

    Partial dates (``2026-01``) and unparseable text are shown as given.
    """
    if value is None or value == "":
        return t(lang, "none")
    d: date | None
    if isinstance(value, datetime):
        d = value.date()
        clock = value.strftime(" %H:%M")
    elif isinstance(value, date):
        d, clock = value, ""
    else:
        text = str(value)
        clock = ""
        try:
            if len(text) > 10:
                dt = datetime.fromisoformat(text)
                d, clock = dt.date(), dt.strftime(" %H:%M")
            else:
                d = date.fromisoformat(text)
        except ValueError:
            return digits(text, lang)
    if lang != "fa":
        return d.isoformat() + clock
    j = jalali_date(d)
    return digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}{clock}", lang)


def _province_names() -> dict[str, tuple[str, str]]:
    try:
        from roshan.report import province_names
    except ImportError:  # pragma: no cover - the report module is part of roshan
        return {}
    return province_names()


_PROVINCES: dict[str, tuple[str, str]] | None = None


def province_label(code: Any, lang: str, fallback: str | None = None) -> str:
    """A province code (``IR-07``) or English name as the province's name in ``lang``."""
    global _PROVINCES
    if _PROVINCES is None:
        _PROVINCES = _province_names()
    if code is None or code == "":
        return t(lang, "none") if fallback is None else fallback
    hit = _PROVINCES.get(str(code))
    if hit is None:  # a name (the victims' ``province`` column): the normaliser's table
        try:
            from roshan.normalize import province_of

            p = province_of(str(code))
        except Exception:  # noqa: BLE001 - a label must never break a page
            p = None
        if p is not None:
            hit = (p.name, p.name_fa)
    if hit is None:
        return digits(fallback if fallback is not None else code, lang)
    return hit[1] if lang == "fa" else hit[0]


def value_label(dim: str, value: Any, lang: str) -> str:
    """A stored value (stratum, sex, list kind, method, job status, role) as words in ``lang``.

    Values without a translation are shown as stored (with Persian digits on fa pages).
    """
    if value is None or value == "":
        return t(lang, "none")
    text = str(value)
    if text in ("unknown", "None"):
        return t(lang, "unknown")
    if dim == "province":
        return province_label(text, lang)
    prefix = {
        "period": "period_",
        "sex": "sex_",
        "kind": "kind_",
        "source_kind": "kind_",
        "method": "method_",
        "status": "status_",
        "role": "role_",
        "cause": "cause_",
        "cause_category": "cause_",
        "field": "field_",
    }.get(dim)
    if prefix is not None and (prefix + text) in STRINGS:
        return t(lang, prefix + text)
    return digits(text, lang)


def reason_label(reason: Any, lang: str) -> str:
    """A review-queue reason (``near_threshold``, ``conflicting_sex;weak_edges``, …) in words."""
    parts = []
    for part in str(reason or "").split(";"):
        part = part.strip()
        if not part:
            continue
        key = "rsn_" + part
        parts.append(t(lang, key) if key in STRINGS else digits(part, lang))
    return ("، " if lang == "fa" else "; ").join(parts)
