"""Spelling machinery: romanisation variants, Persian-script variants, digits and typos.

Real lists spell one person many ways: ``Mohammad``/``Mohammed``/``Muhammad``,
``Rezaei``/``Rezaee``, ``محمدرضا``/``محمد رضا``, Arabic ``ي``/``ك`` for Persian
``ی``/``ک``, Persian or Latin digits, and plain typos. This module makes those
variants from a canonical form so every source can have a house style plus noise.
Everything here works on a single string; the vectorised callers apply it to the
(small) vocabulary of distinct values and index into the result.
"""

from __future__ import annotations

import re

import numpy as np

ZWNJ = "\u200c"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_TO_FA_DIGITS = str.maketrans("0123456789", PERSIAN_DIGITS)
_TO_AR_DIGITS = str.maketrans("0123456789", ARABIC_INDIC_DIGITS)
_TO_ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})

# (pattern, replacement) rewrite rules producing the usual romanisation variants.
# Each rule is applied alone to the canonical form; results are deduplicated.
LATIN_RULES: tuple[tuple[str, str], ...] = (
    (r"ou", "u"),
    (r"ou", "oo"),
    (r"ei", "ey"),
    (r"ey", "ei"),
    (r"ee", "i"),
    (r"gh", "q"),
    (r"^Gh", "Q"),
    (r"aei$", "aee"),
    (r"aei$", "aie"),
    (r"aei$", "ai"),
    (r"eh$", "e"),
    (r"zadeh$", "zade"),
    (r"([a-z])\1", r"\1"),
    (r"ss", "s"),
    (r"^Mohammad", "Mohammed"),
    (r"^Mohammad", "Muhammad"),
    (r"^Mohammad", "Mohamad"),
    (r"ohammad", "ohamad"),
    (r"ie$", "iye"),
    (r"iyeh$", "ieh"),
    (r"kh", "x"),
    (r"j", "dj"),
    (r"^Hossein", "Hosein"),
    (r"^Hossein", "Hussein"),
    (r"osse", "ose"),
    (r"y$", "i"),
    (r"pour", "pur"),
    (r"pour", "poor"),
    (r"nejad$", "nezhad"),
    (r"^([^aeiouAEIOU]+)e", r"\1a"),
)

# Rules by "house style": a source prefers these rewrites when they apply.
HOUSE_STYLES: dict[str, tuple[str, ...]] = {
    "standard": (),
    "anglo": ("ou>oo", "ee>i", "ei>ey"),
    "academic": ("gh>q", "^Gh>Q", "ou>u", "aei$>ai"),
    "arabic": ("^Mohammad>Muhammad", "^Hossein>Hussein", "^([^aeiouAEIOU]+)e>\\1a"),
    "diaspora": ("aei$>aee", "ou>u", "eh$>e", "zadeh$>zade"),
}

_TAG = {f"{p}>{r}": (p, r) for p, r in LATIN_RULES}
_COMPILED = tuple((re.compile(p), r) for p, r in LATIN_RULES)


def latin_variants(canonical: str, extra: list[str] | None = None, limit: int = 8) -> list[str]:
    """All usual Latin variants of a canonical romanisation (canonical first).

    ``extra`` are curated forms (e.g. from the shipped name table) placed right
    after the canonical one; rule-made variants follow. Compound names
    ("Mohammad-Reza") also get the joined and spaced forms.
    """
    out: list[str] = [canonical]
    for form in extra or []:
        if form not in out:
            out.append(form)
    for pat, rep in _COMPILED:
        if len(out) >= limit:
            break
        v = pat.sub(rep, canonical, count=1)
        if v != canonical and v and v not in out:
            out.append(v)
    return out[:limit]


def house_form(canonical: str, variants: list[str], style: str) -> str:
    """The form a source with ``style`` would normally write for ``canonical``."""
    for tag in HOUSE_STYLES.get(style, ()):
        pat, rep = _TAG[tag]
        v = re.sub(pat, rep, canonical, count=1)
        if v != canonical:
            return v
    return variants[0] if variants else canonical


def join_compound(parts: list[str], joiner: str) -> str:
    """Join a compound Latin name: 'Mohammad','Reza' -> 'Mohammad-Reza' / 'Mohammadreza' / 'Mohammad Reza'."""
    if joiner == "":
        return parts[0] + "".join(p.lower() for p in parts[1:])
    return joiner.join(parts)


def persian_variants(name: str) -> list[str]:
    """Persian-script spellings of one name: as is, then with space / ZWNJ / joined compounds."""
    out = [name]
    if ZWNJ in name:
        out += [name.replace(ZWNJ, " "), name.replace(ZWNJ, "")]
    elif " " in name:
        out += [name.replace(" ", ZWNJ), name.replace(" ", "")]
    if name.startswith("آ"):
        out.append("ا" + name[1:])
    if name.endswith("ی") and not name.endswith("ئی") and name.endswith("ایی"):
        out.append(name[:-2] + "ئی")
    seen: list[str] = []
    for v in out:
        if v not in seen:
            seen.append(v)
    return seen


def to_arabic_letters(text: str) -> str:
    """Write Persian ی/ک as Arabic ي/ك (old keyboards, windows-1256 files)."""
    return text.translate(_TO_ARABIC_LETTERS)


def to_persian_digits(text: str) -> str:
    """Latin digits -> Persian digits (۰۱۲…)."""
    return text.translate(_TO_FA_DIGITS)


def to_arabic_indic_digits(text: str) -> str:
    """Latin digits -> Arabic-Indic digits (٠١٢…)."""
    return text.translate(_TO_AR_DIGITS)


# Letters commonly confused in Persian handwriting/typing (dots, homophones).
_FA_CONFUSABLE = {
    "س": "ص",
    "ص": "س",
    "ت": "ط",
    "ط": "ت",
    "ز": "ذ",
    "ذ": "ز",
    "ح": "ه",
    "ه": "ح",
    "ق": "غ",
    "غ": "ق",
    "ب": "پ",
    "پ": "ب",
    "ج": "چ",
    "چ": "ج",
    "ر": "ز",
    "ک": "گ",
    "گ": "ک",
    "ی": "ئ",
    "ا": "آ",
    "آ": "ا",
    "ض": "ظ",
    "ث": "س",
}
_LATIN_NEIGHBOURS = {
    "a": "e",
    "e": "a",
    "i": "e",
    "o": "u",
    "u": "o",
    "s": "z",
    "z": "s",
    "k": "gh",
    "h": "",
    "d": "t",
    "t": "d",
    "m": "n",
    "n": "m",
    "r": "t",
    "y": "i",
    "v": "w",
}


def typo(text: str, rng: np.random.Generator) -> str:
    """One random typing error: drop, double, swap adjacent or confuse a letter."""
    if len(text) < 3:
        return text
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 2:
        return text
    op = int(rng.integers(4))
    i = letters[int(rng.integers(1, len(letters)))]  # keep the first letter most of the time
    if op == 0:
        return text[:i] + text[i + 1 :]
    if op == 1:
        return text[:i] + text[i] + text[i:]
    if op == 2 and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    ch = text[i]
    rep = _FA_CONFUSABLE.get(ch)
    if rep is None:
        low = ch.lower()
        rep = _LATIN_NEIGHBOURS.get(low, low)
        if ch.isupper():
            rep = rep.upper()
    return text[:i] + rep + text[i + 1 :]


def _vowel_gaps(s: str) -> str:
    """Insert an 'a' where rule-based transliteration would leave three consonants in a row."""
    vowels = set("aeiou")
    units = re.findall(r"kh|sh|ch|gh|zh|.", s)
    out: list[str] = []
    run = 0
    for unit in units:
        if unit in vowels or not unit.isalpha():
            run = 0
        else:
            run += 1
            if run == 3 or (run == 2 and len(out) == 1):
                out.append("a")
                run = 1
        out.append(unit)
    return "".join(out)


_DIGRAPH = {"kh": "kh", "sh": "sh", "ch": "ch", "gh": "gh", "zh": "zh"}


def romanise_rule_based(name: str) -> str:
    """Rule-based Persian -> Latin for names outside the curated table.

    Persian omits short vowels, so this is a guess (inserting 'a' to break
    consonant clusters, reading و as 'ou'/'v' and ی as 'i'/'y' by position).
    It is used only to give tail names *a* plausible canonical Latin form from
    which the usual variants are derived.
    """
    from farsi_faker.romanization import to_latin

    words = []
    name = name.replace(ZWNJ, "")
    if name.startswith("ابوال") and len(name) > 5:
        rest = romanise_rule_based(name[5:])
        return "Abol" + rest.lower()
    for word in re.split(r"\s+", name.strip()):
        if not word:
            continue
        w = word
        # positional readings of و and ی before the character map
        w = re.sub(r"^و", "v", w)
        w = re.sub(r"(?<=ا)و", "v", w)
        w = re.sub(r"و(?=ا)", "v", w)
        w = re.sub(r"و(?=ی$)", "v", w)
        w = w.replace("و", "ou")
        w = re.sub(r"^ای", "i", w)
        w = re.sub(r"^ا", "a", w)
        w = re.sub(r"ی(?=ا)", "y", w)
        w = re.sub(r"ه$", "eh", w)
        lat = to_latin(w).replace("-", "")
        lat = lat.replace("aa", "a")
        lat = _vowel_gaps(lat)
        if lat:
            words.append(lat[0].upper() + lat[1:])
    return " ".join(words) if words else name
