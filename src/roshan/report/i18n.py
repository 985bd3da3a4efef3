"""Words, digits and dates of the report in English and Persian.

What: :func:`t` looks up a report string by key for ``lang`` ("en" or "fa");
:func:`digits` turns ASCII digits into Persian ones for the Persian edition;
:func:`num` formats a number with grouping; :func:`date_label` gives a date in
the edition's calendar (Persian: Jalali beside Gregorian). The words are in
``strings.toml`` and the method section in ``method.toml`` beside this module;
digits, grouping, direction and the Jalali calendar come from :mod:`roshan.i18n`,
shared with the web app.

Why: the Persian edition is read by families and Persian-language media. It
must read right to left, with Persian digits and the Jalali calendar people
use, while keeping the Gregorian date beside it so both editions can be
checked against each other line by line.
"""

from __future__ import annotations

import re
from datetime import date

from roshan.errors import RoshanError
from roshan.i18n import (
    GREGORIAN_MONTHS_EN,
    JALALI_MONTHS_FA,
    LANGS,
    direction,
    grouped,
    jalali_date,
    load_catalog,
    persian_digits,
    pick,
)

__all__ = [
    "LANGS",
    "check_lang",
    "t",
    "digits",
    "num",
    "pct",
    "date_label",
    "jalali",
    "direction",
    "method_paragraphs",
    "method_linkage_paragraph",
]

#: Report strings by key, then language (from ``strings.toml``).
STRINGS: dict[str, dict[str, str]] = load_catalog(__package__, "strings.toml")
_METHOD = load_catalog(__package__, "method.toml")
#: Paragraph of the method section on linkage uncertainty (the headline block links to it).
_METHOD_LINKAGE: dict[str, str] = _METHOD["linkage"]
_METHOD_TEXT: dict[str, list[str]] = _METHOD["paragraphs"]


def check_lang(lang: str) -> None:
    """A :class:`~roshan.errors.RoshanError` unless ``lang`` is a report language."""
    if lang not in LANGS:
        raise RoshanError(f"unknown report language {lang!r}; choose one of {', '.join(LANGS)}")


def t(key: str, lang: str = "en", **values: object) -> str:
    """The report string ``key`` in ``lang``, with ``{name}`` placeholders filled."""
    text = pick(STRINGS[key], lang)
    return text.format(**values) if values else text


def method_paragraphs(lang: str = "en") -> list[str]:
    """The plain-language method section, paragraph by paragraph."""
    return list(_METHOD_TEXT.get(lang, _METHOD_TEXT["en"]))


def method_linkage_paragraph(lang: str = "en") -> str:
    """The method section's paragraph on linkage uncertainty (``--linkage-draws``)."""
    return _METHOD_LINKAGE.get(lang, _METHOD_LINKAGE["en"])


def digits(text: str, lang: str = "fa") -> str:
    """ASCII digits → Persian digits (and ``,`` thousands separators → ``٬``) for ``fa``."""
    if lang != "fa":
        return text
    return persian_digits(re.sub(r"(?<=\d),(?=\d{3})", "٬", text))


def num(value: float | int | None, lang: str = "en") -> str:
    """A whole number with thousands grouping, in the edition's digits (``–`` for None)."""
    if value is None:
        return "–"
    return grouped(value, lang)


def pct(share: float | None, lang: str = "en", decimals: int = 1) -> str:
    """A share as a percentage (one decimal unless told), in the edition's digits."""
    if share is None:
        return "–"
    text = f"{100 * share:.{decimals}f}%"
    return digits(text.replace("%", "٪"), lang) if lang == "fa" else text


def jalali(d: date) -> str:
    """A Gregorian date as a Jalali (Solar Hijri) date in Persian, e.g. ``۱۸ دی ۱۴۰۴``."""
    j = jalali_date(d)
    return persian_digits(f"{j.day} {JALALI_MONTHS_FA[j.month - 1]} {j.year}")


def date_label(d: date | str | None, lang: str = "en") -> str:
    """A date for the edition: English ``8 January 2026``; Persian Jalali with Gregorian beside."""
    if d is None or d == "":
        return "–"
    if isinstance(d, str):
        try:
            d = date.fromisoformat(d[:10])
        except ValueError:
            return str(d)
    en = f"{d.day} {GREGORIAN_MONTHS_EN[d.month - 1]} {d.year}"
    if lang != "fa":
        return en
    return f"{jalali(d)} ({digits(d.isoformat(), 'fa')})"
