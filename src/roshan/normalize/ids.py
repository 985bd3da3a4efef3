"""National ID numbers (کد ملی) as registers write them.

Morgue, hospital and cemetery registers give the victim's national ID, a ten-digit
number whose last digit is a check digit: with ``s`` = Σ dᵢ·(10 − i) over the first
nine digits (i = 0…8) and ``r = s mod 11``, the check digit is ``r`` when ``r < 2``
and ``11 − r`` otherwise. Spreadsheets drop its leading zeros (``0012345678`` is
stored as the number 12345678), registers write it in Persian digits, with dashes
or spaces («۰۰۱-۲۳۴۵۶۷-۸»).

:func:`national_id` reads such a cell: the ten digits, or nothing when the cell is
no national ID (too few or too many digits, one digit repeated — ``0000000000`` is
how a register says "unknown"). A number that fails its check digit is kept,
flagged ``valid=False``: it may be a typo of the right one, and linkage compares
numbers digit by digit (roshan.link.settings.national_id_comparison), so a number
one digit off still counts, for less.

The number identifies a person to any official register: roshan keeps it for
linkage only; exports at ``internal`` and ``public`` drop it (roshan.report.redact).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from roshan.normalize.text import to_ascii_digits

__all__ = ["NationalId", "national_id", "check_digit_ok"]

_SEPARATORS = re.compile(r"[\s\-‐‑–—_./\u200c\u200f\u200e]+")
#: Fewest digits a cell may have and still be a national ID with its leading zeros lost.
MIN_DIGITS = 8


@dataclass(frozen=True)
class NationalId:
    """A national ID read from a cell: its ten digits and whether its check digit holds."""

    digits: str
    valid: bool


def check_digit_ok(digits: str) -> bool:
    """Whether a ten-digit national ID's last digit is its check digit."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    r = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9])) % 11
    return int(digits[9]) == (r if r < 2 else 11 - r)


def national_id(text: object) -> NationalId | None:
    """The national ID a cell holds, or None (see the module docstring).

    >>> national_id("۰۰۱-۲۳۴۵۶۷-۰")
    NationalId(digits='0012345670', valid=False)
    >>> national_id(12345678.0)  # a spreadsheet number: leading zeros lost
    NationalId(digits='0012345678', valid=False)
    >>> national_id("0000000000") is None
    True
    """
    if text is None:
        return None
    if isinstance(text, float):
        if text != text or text != int(text):
            return None
        text = str(int(text))
    cell = to_ascii_digits(str(text)).strip()
    if cell.endswith(".0") and cell[:-2].isdigit():  # a number read as text from Excel
        cell = cell[:-2]
    cell = _SEPARATORS.sub("", cell)
    if not cell.isdigit() or not MIN_DIGITS <= len(cell) <= 10:
        return None
    digits = cell.zfill(10)
    if len(set(digits)) == 1:
        return None
    return NationalId(digits, check_digit_ok(digits))
