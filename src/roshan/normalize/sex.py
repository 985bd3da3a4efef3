"""Sex as reported (Persian or English terms), and imputation from a given name.

A reported value always wins. Only when none is reported is a sex *imputed*
from the given name, using the name lexicon shipped in registry packages
(``persian-gender-detection``, ``farsi-faker``; see :mod:`variants`); the
imputation is flagged (``sex_imputed``) so estimates can treat it as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from roshan.normalize.text import normalize_text
from roshan.normalize.variants import sex_of_given_key

_MALE = {
    "m",
    "male",
    "man",
    "men",
    "boy",
    "masculine",
    "mr",
    "h",
    "homme",
    "مرد",
    "مذکر",
    "پسر",
    "اقا",
    "آقا",
    "ذکور",
    "مردانه",
    "ن",
    "مرد جوان",
    "son",
    "آقای",
    "اقای",
    "mard",
    "pesar",
    "agha",
    "aqa",
}
_FEMALE = {
    "f",
    "female",
    "woman",
    "women",
    "girl",
    "feminine",
    "mrs",
    "ms",
    "miss",
    "femme",
    "زن",
    "مونث",
    "موءنث",
    "دختر",
    "خانم",
    "بانو",
    "اناث",
    "زنانه",
    "daughter",
    "w",
    "خانوم",
    "zan",
    "dokhtar",
    "khanom",
    "khanum",
    "khanoom",
}
_UNKNOWN = {
    "",
    "u",
    "unknown",
    "unk",
    "na",
    "n a",
    "none",
    "nan",
    "x",
    "other",
    "?",
    "-",
    "نامعلوم",
    "نامشخص",
    "مجهول",
}


_SYMBOLS = {"♂": "m", "♀": "f", "\u2642\ufe0f": "m", "\u2640\ufe0f": "f"}


@dataclass(frozen=True)
class SexResult:
    """``value`` is 'm', 'f' or None; ``recognised`` False for an unknown term."""

    value: str | None
    recognised: bool
    imputed: bool = False


@lru_cache(maxsize=10_000)
def parse_sex(value: str | None) -> SexResult:
    """Map a reported sex term to 'm'/'f'; blank or 'unknown' → None (recognised)."""
    if value and value.strip() in _SYMBOLS:
        return SexResult(_SYMBOLS[value.strip()], True)
    t = normalize_text(value)
    if t in _MALE:
        return SexResult("m", True)
    if t in _FEMALE:
        return SexResult("f", True)
    if t in _UNKNOWN:
        return SexResult(None, True)
    # "Female (F)", "m (boy)", «مرد - M»: several terms that all say the same sex
    said = {"m" if w in _MALE else "f" if w in _FEMALE else "?" for w in t.split()}
    if len(t.split()) > 1 and said in ({"m"}, {"f"}):
        return SexResult(said.pop(), True)
    return SexResult(None, False)


def resolve_sex(reported: str | None, given_keys: tuple[str, ...] | list[str]) -> SexResult:
    """Reported sex if any; else a sex imputed from the first given-name key, flagged."""
    r = parse_sex(reported)
    if r.value is not None:
        return r
    for key in list(given_keys)[:1]:
        s = sex_of_given_key(key)
        if s is not None:
            return SexResult(s, r.recognised, True)
    return r
