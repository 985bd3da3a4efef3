"""Ages at death as reported: numbers, ranges and words, in Persian or English.

``23``, ``۲۳``, ``23 years``, ``۲۳ ساله``, ``about 30`` / ``حدود ۳۰`` (±3),
``30s`` / ``دهه ۳۰`` (30–39), ``20-25`` / ``۲۰ تا ۲۵``, ``under 18`` / ``زیر ۱۸``,
``over 60``, ``6 months`` (0), ``teenager`` / ``نوجوان`` (13–19), ``child`` /
``کودک`` (0–12), ``infant`` / ``نوزاد`` (0–1), ``young`` / ``جوان`` (15–35),
``adult`` (18–120), ``elderly`` / ``سالمند`` (60–120). The result is an inclusive
range ``[min, max]``; an exact age has ``min == max``. Ages above 120 are
reported as impossible (``ok`` False, ``impossible`` True). Never raises.

Also: units glued to the number (``25y``, ``25yo``, ``25yrs``, ``۲۵ساله``);
numbers 0–99 in words, built from units and tens (``بیست و پنج``,
``بیست‌وپنج ساله``, ``هفده``, ``twenty-five``, ``twenty five``); ``بیست و چند``
/ ``twenty-something`` (20–29); ``3 years 6 months`` / ``۳ سال و ۶ ماه`` (3);
``middle-aged``. An explicit number wins over a category word beside it
(``17 (minor)`` is 17, ``minor`` alone 0–17).

A birth year given instead of an age (``born 1380``, ``متولد ۱۳۸۰``) is *not*
an age: the parser sees no date of death to subtract it from, so it returns
not-ok rather than a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from roshan.normalize.text import normalize_text, to_ascii_digits

MAX_AGE = 120
APPROX_MARGIN = 3

_WORDS: dict[str, tuple[int, int]] = {}
for _forms, _rng in [
    ("infant baby newborn toddler نوزاد شیرخوار", (0, 1)),
    ("child kid boy girl minor_child کودک بچه خردسال طفل", (0, 12)),
    ("teen teenager teenaged adolescent youth نوجوان", (13, 19)),
    ("minor underage صغیر", (0, 17)),
    ("young جوان", (15, 35)),
    ("adult بزرگسال", (18, MAX_AGE)),
    ("middleaged میانسال", (40, 60)),
    ("elderly old senior aged سالمند پیر مسن کهنسال", (60, MAX_AGE)),
]:
    for _f in _forms.split():
        _WORDS[_f] = _rng

# Cardinal number words, 0-19 and the tens (variant spellings on one line);
# 21-99 are composed (tens + «و» + unit, "twenty-five"). dates.py derives its
# ordinal day words (هجدهم, بیست و یکم) from the Persian ones.
PERSIAN_NUMBERS: dict[str, int] = {
    w: n
    for n, forms in enumerate(
        [
            "صفر",
            "یک",
            "دو",
            "سه",
            "چهار",
            "پنج",
            "شش شیش",
            "هفت",
            "هشت",
            "نه",
            "ده",
            "یازده",
            "دوازده",
            "سیزده",
            "چهارده",
            "پانزده پونزده",
            "شانزده شونزده",
            "هفده هیفده",
            "هجده هیجده هژده هیژده",
            "نوزده",
        ]
    )
    for w in forms.split()
} | {"بیست": 20, "سی": 30, "چهل": 40, "پنجاه": 50, "شصت": 60, "هفتاد": 70, "هشتاد": 80, "نود": 90}
ENGLISH_NUMBERS: dict[str, int] = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
} | {
    w: 10 * n
    for n, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}


def _alternation(words: list[str]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


_NUMBERS = PERSIAN_NUMBERS | ENGLISH_NUMBERS
_TENS_WORDS = [w for w, n in _NUMBERS.items() if n >= 20]
_UNIT_WORDS = [w for w, n in _NUMBERS.items() if 1 <= n <= 9]
# After normalize_text: ZWNJ is a space and hyphens are spaces, so «بیست‌وپنج»
# is "بیست وپنج" and "twenty-five" is "twenty five"; joined forms have no space.
_NUMBER_WORDS = re.compile(
    rf"(?<!\w)(?:({_alternation(_TENS_WORDS)})(?:\s*و\s*|\s*)({_alternation(_UNIT_WORDS)})"
    rf"|({_alternation(list(_NUMBERS))}))(?!\w)"
)
_GLUED = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")  # 25y, ۲۵ساله


def _number_digits(m: re.Match[str]) -> str:
    if m.group(1):
        return str(_NUMBERS[m.group(1)] + _NUMBERS[m.group(2)])
    return str(_NUMBERS[m.group(3)])


_UNKNOWN = {"unknown", "unk", "na", "n a", "nan", "none", "نامعلوم", "نامشخص", "مجهول", "?", "-"}
_FILLER = re.compile(
    r"\b(years?|yrs?|y o|yo|y|old|aged?|ages|yr|ساله|سالش|سال|سن|around|roughly|approx(?:imately)?|"
    r"about|circa|ca|c|est|estimated|حدود|حدودا|تقریبا|حدودی|حدوداً|نزدیک|some)\b"
)
_APPROX = re.compile(
    r"\b(about|around|roughly|approx(?:imately)?|circa|ca|c|est|estimated|"
    r"حدود|حدودا|تقریبا|نزدیک)\b|~"
)
_RANGE = re.compile(r"^(\d{1,3})\s*(?:-|to|or|تا|الی|یا|و|\s)\s*(\d{1,3})$")
# "early 20s" 20-23, "mid 30s" 33-36, "late 40s" 46-49; «اوایل دهه ۲۰»
_PART_DECADE = re.compile(r"^(early|mid|late|اوایل|اواسط|اواخر)\s*(?:دهه\s*)?([1-9])0\s*s?$")
_PART_SPAN = {"early": (0, 3), "mid": (3, 6), "late": (6, 9)}
_PART_SPAN.update({"اوایل": (0, 3), "اواسط": (3, 6), "اواخر": (6, 9)})
# "twenties", "in his 30s"
_DECADE_WORDS = {
    w: d
    for d, w in enumerate(
        "_ _ twenties thirties forties fifties sixties seventies eighties nineties".split()
    )
    if d >= 2
}
_DECADE = re.compile(r"^دهه\s*(\d)0$|^(\d)0\s*s$|^([1-9])0\s*(?:و\s*)?(?:چند|something)$")
_UNDER = re.compile(r"\b(under|below|less than|younger than|زیر|کمتر از)\b\s*(\d{1,3})")
_PLUS = re.compile(r"\s*(\d{1,3})\s*\+\s*")
_AND_OVER = re.compile(
    r"^(\d{1,3})\s*(?:(?:years?|yrs?|سال|ساله)?\s*(?:and (?:over|above|older)|or (?:over|more|older)|به بالا|و بالاتر|و بیشتر))$"
)
_OVER = re.compile(r"\b(over|above|more than|older than|بالای|بیش از|بیشتر از)\b\s*(\d{1,3})")
# "3 years 6 months", «۳ سال و ۶ ماه»: the whole years.
_YEARS_MONTHS = re.compile(
    r"^(\d{1,3})\s*(?:years?|yrs?|y|سال)\s*(?:و|and)?\s*\d{1,2}\s*(?:months?|mos?|ماه)$"
)
_MONTHS = re.compile(r"^(\d{1,2})\s*(months?|mos?|ماهه|ماه|weeks?|هفته|days?|روزه|روز)\b")


@dataclass(frozen=True)
class AgeResult:
    """An age range; ``ok`` False when unrecognised or impossible."""

    ok: bool
    min: int | None = None
    max: int | None = None
    approximate: bool = False
    impossible: bool = False

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict (the CLI's ``age`` command prints this)."""
        return {
            "min": self.min,
            "max": self.max,
            "approximate": self.approximate,
            "ok": self.ok,
            "impossible": self.impossible,
        }


NO_AGE = AgeResult(False)


def _range(lo: int, hi: int, approx: bool = False) -> AgeResult:
    if lo > hi:
        lo, hi = hi, lo
    if hi > MAX_AGE:
        return AgeResult(False, None, None, approx, True)
    return AgeResult(True, max(lo, 0), hi, approx)


@lru_cache(maxsize=50_000)
def parse_age(value: str | None) -> AgeResult:
    """Parse one reported age into an inclusive ``[min, max]`` range; never raises."""
    try:
        return _parse_age(value)
    except (ValueError, OverflowError, TypeError):
        return NO_AGE


# A decimal number: a spreadsheet's float column ("25.0" in a CSV that pandas or Excel
# wrote with some ages missing) or a fraction of a year ("25.5"); the decimal point
# must not read as a range (it did: "25.0" was 0-25).
_DECIMAL = re.compile(
    r"\s*([0-9\u06f0-\u06f9\u0660-\u0669]{1,3})[.\u066b][0-9\u06f0-\u06f9\u0660-\u0669]+\s*"
)


def _parse_age(value: str | None) -> AgeResult:
    if value is None:
        return NO_AGE
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    m = _DECIMAL.fullmatch(value)
    if m:
        return _range(int(to_ascii_digits(m.group(1))), int(to_ascii_digits(m.group(1))))
    m = _PLUS.fullmatch(to_ascii_digits(str(value)))
    if m:  # "50+": that age or older (text normalisation drops the "+", so read it first)
        return _range(int(m.group(1)), MAX_AGE)
    text = normalize_text(str(value)) if not isinstance(value, str) else normalize_text(value)
    if not text or text in _UNKNOWN or len(text) > 60:
        return NO_AGE
    text = _GLUED.sub(" ", text)
    text = _NUMBER_WORDS.sub(_number_digits, text).replace("middle aged", "middleaged")
    approx = bool(_APPROX.search(text)) or "~" in str(value) or "≈" in str(value)
    m = _YEARS_MONTHS.match(text)
    if m:
        return _range(int(m.group(1)), int(m.group(1)), approx)
    m = _MONTHS.match(text)
    if m:
        return _range(0, 0)
    m = _UNDER.search(text)
    if m:
        return _range(0, max(int(m.group(2)) - 1, 0))
    m = _OVER.search(text)
    if m:
        return _range(int(m.group(2)) + 1, MAX_AGE)
    m = _AND_OVER.match(text)
    if m:  # «۶۰ به بالا», "60 and over": that age or older
        return _range(int(m.group(1)), MAX_AGE)
    core = _FILLER.sub(" ", text)
    core = re.sub(r"\s+", " ", core).strip()
    number = _numeric(core, approx)
    if number is not None:
        return number
    # A number beside a category word ("17 (minor)", "نوجوان ۱۶ ساله"): the number wins.
    rest = [w for w in core.split() if w not in _WORDS]
    if rest and len(rest) < len(core.split()):
        number = _numeric(" ".join(rest), approx)
        if number is not None:
            return number
    words = core.replace(" ", "")
    if words in _WORDS:
        lo, hi = _WORDS[words]
        return _range(lo, hi, True)
    for w in core.split():
        if w in _WORDS:
            lo, hi = _WORDS[w]
            return _range(lo, hi, True)
    return NO_AGE


def _numeric(core: str, approx: bool) -> AgeResult | None:
    """The age in ``core`` when it is only numbers (one, a range, a decade), else None."""
    m = _RANGE.match(core)
    if m:
        return _range(int(m.group(1)), int(m.group(2)), approx)
    core = re.sub(r"^(?:in\s+)?(?:his|her|their)\s+", "", core)
    m = _PART_DECADE.match(core)
    if m:
        lo, hi = _PART_SPAN[m.group(1)]
        d = int(m.group(2)) * 10
        return _range(d + lo, d + hi, True)
    if core.rstrip("s") in {w.rstrip("s") for w in _DECADE_WORDS}:
        d = next(v for w, v in _DECADE_WORDS.items() if w.rstrip("s") == core.rstrip("s"))
        return _range(d * 10, d * 10 + 9, True)
    m = _DECADE.match(core)
    if m:
        d = int(m.group(1) or m.group(2) or m.group(3))
        return _range(d * 10, d * 10 + 9, True)
    if core.isdecimal() and len(core) <= 4:
        n = int(core)
        if approx:
            return (
                _range(max(n - APPROX_MARGIN, 0), n + APPROX_MARGIN, True)
                if n <= MAX_AGE
                else AgeResult(False, None, None, True, True)
            )
        return _range(n, n)
    m = re.match(r"^(\d{1,3}(?:\.\d+)?)$", core.replace(" ", "."))
    if m:  # "23.5"
        n = int(float(m.group(1)))
        return _range(n, n)
    return None


_BIRTH = re.compile(
    r"^(?:(?:born|birth|b|dob|year of birth|متولد|تولد|متولد سال|سال تولد)\s*(?:in\s+)?)?"
    r"((?:1[34]|19|20)\d\d)$"
)


def birth_year_in(value: str | None) -> int | None:
    """The Gregorian year of birth an age cell gives instead of an age ("born 1380",
    "b. 2001", «متولد ۱۳۸۰», a bare 1380 or 2001), else None. A Jalali year (13xx,
    14xx) becomes the Gregorian year in which most of it falls (+621). The age itself
    needs the date of death: :mod:`roshan.normalize.snapshot` subtracts."""
    if not value or not isinstance(value, str):
        return None
    text = re.sub(r"\s+", " ", normalize_text(value)).strip()
    m = _BIRTH.match(text)
    if not m:
        return None
    year = int(m.group(1))
    return year + 621 if year < 1500 else year


_ONLY_MARKS = re.compile(r"[\s?؟\-–—_.]+")


def says_unknown(value: str | None) -> bool:
    """True for an age cell that only says the age is unknown ("Unknown", «نامعلوم»,
    "N/A", "-", "?", the Persian «؟», a dash): no age, and nothing to warn about."""
    if not value or not isinstance(value, str):
        return False
    if _ONLY_MARKS.fullmatch(value):  # «؟», "??", "—", "- -": nothing but a mark
        return True
    return normalize_text(value) in _UNKNOWN or value.strip() in _UNKNOWN
