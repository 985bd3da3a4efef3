"""Language helpers shared by the report and the web app (English and Persian).

What: the languages roshan speaks (:data:`LANGS`), the writing direction of each
(:func:`direction`), Persian digits (:func:`persian_digits`), numbers with
thousands grouping in either edition (:func:`grouped`), Gregorian and Jalali month
names and the Jalali date of a day (:func:`jalali_date`), and string catalogs kept
as TOML files beside the code that shows them (:func:`load_catalog`,
:func:`pick`).

Why: the report (:mod:`roshan.report.i18n`) and the web app
(:mod:`roshan.web.i18n`) both show Persian text right to left with Persian digits
and Jalali dates; one implementation keeps the two surfaces writing numbers and
dates the same way. Each surface keeps its own words and its own date layout
(the report spells dates out, the web app shows compact ``yyyy/mm/dd``), and its
catalog is a data file a translator can edit without touching Python.
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "LANGS",
    "PERSIAN_DIGITS",
    "JALALI_MONTHS_FA",
    "GREGORIAN_MONTHS_EN",
    "direction",
    "persian_digits",
    "grouped",
    "jalali_date",
    "load_catalog",
    "pick",
]

#: The languages of the report and the web app.
LANGS: tuple[str, ...] = ("en", "fa")
#: ``str.translate`` table: ASCII digits → Persian (Extended Arabic-Indic) digits.
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
JALALI_MONTHS_FA: tuple[str, ...] = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
GREGORIAN_MONTHS_EN: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def direction(lang: str) -> str:
    """``rtl`` for Persian, ``ltr`` otherwise."""
    return "rtl" if lang == "fa" else "ltr"


def persian_digits(text: str) -> str:
    """``text`` with its ASCII digits written as Persian digits (nothing else changes)."""
    return text.translate(PERSIAN_DIGITS)


def grouped(value: Any, lang: str, decimals: int = 0) -> str:
    """``float(value)`` with thousands grouping and ``decimals`` places.

    Persian (``fa``): Persian digits, ``٬`` between thousands and ``٫`` before the
    decimals. Raises ``TypeError``/``ValueError`` when ``value`` is not a number.
    """
    text = f"{float(value):,.{decimals}f}"
    if lang != "fa":
        return text
    return persian_digits(text.replace(",", "٬").replace(".", "٫"))


def jalali_date(d: date) -> Any:
    """The Jalali (Solar Hijri) date of the Gregorian day ``d`` (a ``jdatetime.date``)."""
    import jdatetime

    return jdatetime.date.fromgregorian(date=d)


@cache
def load_catalog(package: str, name: str) -> dict[str, Any]:
    """The TOML file ``name`` shipped in ``package``, parsed (read once per process).

    Callers share the returned dict: treat it as read-only.
    """
    return tomllib.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))


def pick(entry: dict[str, str], lang: str) -> str:
    """The text of a catalog entry in ``lang``; English when that is missing or empty."""
    return entry.get(lang) or entry.get("en") or ""
