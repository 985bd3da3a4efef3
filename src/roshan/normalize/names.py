"""Person names: tokens, honorifics, given/family split, keys and romanisation.

Builds on :mod:`text` (script folding), :mod:`keys` (rule key) and
:mod:`variants` (variant table, compound splitting). Honorifics and titles
(Seyyed, Sadat, Haj, Mirza, Sheikh, Mir; سید، سادات، حاج، میرزا...) are moved
into their own field rather than deleted: they carry information (Sadat marks
descent, Haj a pilgrimage) but are written inconsistently from list to list.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from roshan.normalize.keys import rule_key
from roshan.normalize.text import (
    is_persian_token,
    normalize_text,
    script_of,
    strip_latin_accents,
)
from roshan.normalize.variants import (
    FAMILY_SUFFIXES_FA,
    FAMILY_SUFFIXES_LATIN,
    VariantTable,
    data_path,
    default_table,
    is_family_key,
    is_given_key,
    is_suffix_token,
    multiword_family_names,
    read_tsv,
    sex_of_given_key,
    token_script_split,
)


def _read_titles(file: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for row in read_tsv(data_path(file)):
        if len(row) >= 2:
            for form in row[1].split(","):
                f = normalize_text(form)
                if f:
                    out[f] = row[0]
    return out


@lru_cache(maxsize=1)
def _honorifics() -> dict[str, str]:
    """Lineage and religious titles (Seyyed, Haj, Mir...): data/honorifics.tsv."""
    return _read_titles("honorifics.tsv")


@lru_cache(maxsize=1)
def _prefixes() -> tuple[dict[str, str], dict[tuple[str, ...], str]]:
    """Memorial, courtesy and professional titles (data/name_prefixes.tsv): one-word
    forms, and the forms of several words as token tuples."""
    words: dict[str, str] = {}
    phrases: dict[tuple[str, ...], str] = {}
    for form, canon in _read_titles("name_prefixes.tsv").items():
        toks = tuple(form.split())
        if len(toks) == 1:
            words[form] = canon
        else:
            phrases[toks] = canon
    return words, phrases


# «س. محمد حسینی», «س.سجاد نوری»: lists abbreviate سید/سیده to its first letter and a
# dot. Only with the dot, which normalised text drops (so a second reading of that text
# reads it the same way), and only before a word.
# Not in a "Family, Given" name: there the title would open the family part, which
# normalised text writes first.
_SEYYED_INITIAL = re.compile(r"^\s*س\s*\.\s*(?=[\u0621-\u064a\u067e-\u06d3])")


def spell_seyyed(text: str) -> str:
    """``text`` with a leading «س.» before a Persian word written as the title «سید»."""
    if "." not in text or "," in text or "،" in text:
        return text
    return _SEYYED_INITIAL.sub("سید ", text, count=1)


def honorific_of(token: str) -> str | None:
    """Canonical title for a normalised token (``"seyyed"`` for سید/Seyed,
    ``"javidnam"`` for جاویدنام), else None."""
    return _honorifics().get(token) or _prefixes()[0].get(token)


def _merge_title_phrases(toks: list[str]) -> list[str]:
    """Replace a title of several words (زنده یاد, "the late") by its canonical
    one-word form, which :func:`honorific_of` knows."""
    phrases = _prefixes()[1]
    if len(toks) < 2 or not phrases:
        return toks
    out: list[str] = []
    i = 0
    while i < len(toks):
        for n in (3, 2):
            canon = phrases.get(tuple(toks[i : i + n]))
            if canon is not None:
                out.append(canon)
                i += n
                break
        else:
            out.append(toks[i])
            i += 1
    return out


# Words that stand for "no name known": a list of unidentified bodies writes
# «ناشناس», «جسد نامشخص», "Unknown male" where a name would be. Such a cell names
# nobody; read as a name it would make every unidentified person one namesake.
_PLACEHOLDER_CORE = frozenset(
    normalize_text(w)
    for w in (
        "unknown unidentified unnamed nameless anonymous unk "
        "ناشناس ناشناخته نامشخص نامعلوم مجهول مجهولالهویه مجهولالهویة"
    ).split()
)
_PLACEHOLDER_PHRASES = frozenset(
    {("not", "known"), ("no", "name"), ("n", "a"), ("na",), ("نا", "معلوم"), ("نا", "مشخص")}
    | {("بی", "نام"), ("بینام",), ("نام", "نامشخص")}
)
_PLACEHOLDER_FILLER = frozenset(
    normalize_text(w)
    for w in (
        "man woman male female boy girl child body person corpse victim identity name "
        "not no known the an a of young old "
        "مرد زن پسر دختر کودک جسد فرد شخص هویت با بی نام و نشان جوان الهویه الهویة"
    ).split()
)


_PLACEHOLDER_WORDS = (
    _PLACEHOLDER_CORE | _PLACEHOLDER_FILLER | {w for p in _PLACEHOLDER_PHRASES for w in p}
)


def is_placeholder_name(text: str | None) -> bool:
    """True when a name cell only says that the name is unknown («ناشناس», «جسد
    نامشخص», "Unknown male", "N/A", "Not known"); such a cell is no name."""
    if not text or not isinstance(text, str):
        return False
    toks = normalize_text(text).split()
    if not toks or len(toks) > 6:
        return False
    if tuple(toks) in _PLACEHOLDER_PHRASES:
        return True
    if not all(t in _PLACEHOLDER_WORDS for t in toks):
        return False
    pairs = set(zip(toks, toks[1:], strict=False))
    return bool(_PLACEHOLDER_CORE.intersection(toks)) or bool(pairs & _PLACEHOLDER_PHRASES)


# Notes that lists write inside a name cell: an age («۱۷ ساله», "(17)", "aged 25"),
# another name in brackets (Mahsa (Zhina) Amini), a title in brackets (Seyed).
_BRACKETED = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_DIGIT = re.compile(r"[0-9\u06f0-\u06f9\u0660-\u0669]")
_AGE_NOTE = re.compile(
    r"(?:(?<!\w)(?:aged?|سن)\s*)?(?<!\w)[0-9\u06f0-\u06f9\u0660-\u0669]+\s*"
    r"(?:ساله|سال|years?\s+old|years?|yrs?|y/o|yo|y)?(?!\w)",
    re.IGNORECASE,
)


# "Hossein Rezaei a.k.a. Hassan", «حسین رضایی معروف به حسن»: another name the person
# went by, written as a clause instead of in brackets; read as if bracketed. Any mark
# that normalised text writes as a space counts as one around the word ("A-aka-A",
# "A:AKA:A"), so that its second reading finds the same clause.
_MARKS = r"(?:[^\w\"'«“()\[\]]|_)"  # marks that normalised text writes as a space
_IN_WORD = r"[\W_]*"  # "a.k.a", "a k a", "a{k}a": normalised text reads each as "a k a"
_ALIAS_CLAUSE = re.compile(
    rf"{_MARKS}+(?:a{_IN_WORD}k{_IN_WORD}a\.?|alias|(?:also{_MARKS}+)?known{_MARKS}+as|"
    rf"معروف{_MARKS}+به|مشهور{_MARKS}+به|ملقب{_MARKS}+به){_MARKS}+"
    r"[\"'«“]?([^\"'»”()\[\]]+?)[\"'»”]?\s*$",
    re.IGNORECASE,
)


def _alias_in_brackets(raw: str) -> str:
    """``raw`` with an alias clause ("a.k.a. Hassan") rewritten as "(Hassan)"."""
    # read "AKÀ" as normalised text reads it: "aka"
    return _ALIAS_CLAUSE.sub(lambda m: f" ({m.group(1).strip()})", strip_latin_accents(raw))


def strip_name_notes(raw: str) -> str:
    """``raw`` without the notes a list wrote into a name cell.

    A bracketed part holding a digit (an age) or another name (an alias: «مهسا
    (ژینا) امینی») is dropped; one holding only titles ("(Seyed)") moves to the
    front, where titles are read; one introducing a father («(فرزند علی)») stays for
    :func:`parse_full_name`. An age outside brackets ("- ۲۵ ساله", "aged 25") is
    dropped. The raw value is kept in the record; this only shapes the name parts.
    """
    if not raw or not isinstance(raw, str):
        return raw
    raw = unicodedata.normalize("NFKC", raw)  # full-width digits and letters, as later
    raw = _alias_in_brackets(raw)
    front: list[str] = []
    if "(" in raw or "[" in raw:

        def bracket(m: re.Match[str]) -> str:
            inner = m.group(1)
            words = normalize_text(inner).split()
            if not words or _DIGIT.search(inner):
                return " "
            if words[0] in _MARKER_FIRST:
                return m.group(0)
            merged = _merge_title_phrases(words)
            if all(honorific_of(w) for w in merged):
                front.append(inner)
            return " "

        raw = _BRACKETED.sub(bracket, raw)
    if _DIGIT.search(raw):
        # accents off first, as normalize_text will take them: "0Ý" is "0y", an age
        raw = _AGE_NOTE.sub(" ", strip_latin_accents(raw))
        raw = re.sub(r"[\s\-–,،]+$", "", raw)
    if " " in raw or "," in raw or "،" in raw:
        raw = _one_writing(raw)
        raw = _without_place(raw)
    if front:
        raw = " ".join([*front, raw])
    return raw


# The name written twice in one cell: in both scripts («حسین رضایی / Hossein Rezaei»,
# "Hossein Rezaei - حسین رضایی") or in two spellings ("Hossein Rezaei | Hossein Rezaie").
_TWO_WRITINGS = re.compile(r"^(?P<a>[^/|\-–—]+?)(?:\s*/\s*|\s+[|\-–—]\s+)(?P<b>[^/|\-–—]+)$")


def _one_writing(raw: str) -> str:
    """One of two writings of the same name in a cell: the Persian one where the two
    are in different scripts with as many words, else the first where both give the
    same keys. Anything else (two people, a name and a place) is left as it is."""
    m = _TWO_WRITINGS.match(raw.strip())
    if not m:
        return raw
    a, b = m.group("a").strip(), m.group("b").strip()
    wa, wb = normalize_text(a).split(), normalize_text(b).split()
    if len(wa) < 2 or len(wa) != len(wb):
        return raw
    pa, pb = (all(is_persian_token(w) for w in ws) for ws in (wa, wb))
    if pa != pb and (pa or all(w.isascii() for w in wa)) and (pb or all(w.isascii() for w in wb)):
        return a if pa else b
    table = default_table()
    if [table.token_keys(w) for w in wa] == [table.token_keys(w) for w in wb]:
        return a
    return raw


# A place written after the name: «حسین رضایی - زاهدان», "Hossein Rezaei, Tehran",
# "Hossein Rezaei from Zahedan", «حسین رضایی، اهل زاهدان».
_PLACE_AFTER = re.compile(
    r"^(?P<name>.+)(?:\s*[-–—/]\s*|\s*[,،]\s*(?:(?:from|از|اهل)\s+)?|\s+(?:from|از|اهل)\s+)"
    r"(?P<place>[^\d,،\-–—/]+)$"
)


def _without_place(raw: str) -> str:
    """``raw`` without a trailing place (a province, county or large town, matched
    exactly, and not a name of the variant table such as Mehran or Abbas) set off by a dash, a
    slash, a comma or "from"/«از»/«اهل», when at least two words of name stay. The
    place is not lost: the raw cell is kept."""
    from roshan.normalize.places import is_place_name

    m = _PLACE_AFTER.match(raw.strip())
    if not m:
        return raw
    name, place = m.group("name").strip(), m.group("place").strip()
    words = normalize_text(place).split()
    if not words or len(words) > 3 or len(normalize_text(name).split()) < 2:
        return raw
    if not is_place_name(place):
        return raw
    table = default_table()  # a name of the curated variant table (Mehran, Abbas) stays
    if any(table.persian.get(table.find(k)) for w in words for k in table.token_keys(w)):
        return raw
    return name


#: At most this many words in a bracketed other name ("(Hiwa)", «(ژینا)»); a longer
#: bracketed text is a note, not a name.
ALIAS_MAX_WORDS = 2


def name_alias(raw: str | None, table: VariantTable | None = None) -> NamePart:
    """The other given name a list wrote in brackets beside the one it uses.

    Kurdish and Baluch victims often have an official (Persian) given name and the
    name their family and town use: «مهسا (ژینا) امینی», "Hiwa (Khaled) Rasuli",
    «خالد (هیوا)». One list writes one, another the other, a third both. The
    bracketed name is dropped from the name itself (:func:`strip_name_notes`); here it
    is read as a given name, so linkage can compare it with the other list's given name
    (the given-name comparison's "other name" level). Empty when the cell has no
    bracketed name: brackets holding a digit (an age), only titles, a father clause
    («(فرزند علی)») or a placeholder are no other name.
    """
    if not raw or not isinstance(raw, str):
        return _EMPTY
    raw = _alias_in_brackets(unicodedata.normalize("NFKC", raw))
    if "(" not in raw and "[" not in raw:
        return _EMPTY
    for m in _BRACKETED.finditer(raw):
        inner = m.group(1)
        words = normalize_text(inner).split()
        if not words or len(words) > ALIAS_MAX_WORDS or _DIGIT.search(inner):
            continue
        if words[0] in _MARKER_FIRST or is_placeholder_name(inner):
            continue
        if all(honorific_of(w) for w in _merge_title_phrases(words)):
            continue
        part = name_part(inner, table, "given")
        if part.tokens:
            return part
    return _EMPTY


# Readable fallback transliteration of Persian letters (display only).
_FA_ROMAN = {
    "ا": "a",
    "آ": "a",
    "ب": "b",
    "پ": "p",
    "ت": "t",
    "ث": "s",
    "ج": "j",
    "چ": "ch",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "z",
    "ر": "r",
    "ز": "z",
    "ژ": "zh",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "z",
    "ط": "t",
    "ظ": "z",
    "ع": "",
    "غ": "gh",
    "ف": "f",
    "ق": "gh",
    "ک": "k",
    "گ": "g",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "و": "v",
    "ه": "h",
    "ی": "i",
}
_FA_CONSONANTS = set("بپتثجچحخدذرزژسشصضطظعغفقکگلمنه")


def transliterate(token: str) -> str:
    """Character-level Persian→Latin (lower-case ASCII); lossy, short vowels guessed.

    Used for display and string similarity when the variant table has no
    preferred spelling. Short vowels are not written in Persian; an ``a`` is
    inserted after a word-initial consonant that is followed by another.
    """
    out: list[str] = []
    n = len(token)
    for i, ch in enumerate(token):
        prev = token[i - 1] if i else "^"
        nxt = token[i + 1] if i + 1 < n else "$"
        if ch == "و":
            if i == 0 or nxt in "اآ" or prev in "اآ":
                out.append("v")
            elif i == n - 1:
                out.append("o")
            else:
                out.append("ou")
        elif ch == "ی":
            out.append("y" if (i == 0 or nxt in "اآو") else "i")
        elif ch == "ه" and i == n - 1 and i > 0 and prev not in "اآو":
            out.append("eh")
        elif ch in ("ا", "آ") and i == 0 and nxt == "ی":
            out.append("")
        elif ch in _FA_ROMAN:
            out.append(_FA_ROMAN[ch])
            if i == 0 and ch in _FA_CONSONANTS and nxt in _FA_CONSONANTS:
                out.append("a")
        elif ch.isascii() and ch.isalnum():
            out.append(ch.lower())
    return "".join(out)


def _ascii_only(token: str) -> str:
    return "".join(ch for ch in token if ch.isascii() and ch.isalnum()).lower()


def romanize_token(token: str, table: VariantTable | None = None) -> str:
    """Readable lower-case ASCII form of one normalised token."""
    if not token:
        return ""
    if token.isascii():
        return token if token.isalnum() and token.islower() else _ascii_only(token)
    if not is_persian_token(token):
        return _ascii_only(token)
    table = table or default_table()
    hit = table.roman_cache.get(token)
    if hit is not None:
        return hit
    keys = table.token_keys(token)
    spellings = [table.romanize_key(k) for k in keys]
    if keys and all(spellings):
        out = "".join(s for s in spellings if s)
    else:
        out = transliterate(token)
    if len(table.roman_cache) < 500_000:
        table.roman_cache[token] = out
    return out


_ALLAH = {"الله", "اله", "allah", "ollah", "olah", "ullah", "ulah", "alah"}
# Honorific prefixes written run-together with the name (سیدمحمد, Seyedmohammad,
# میرحسین, Mirhossein: as "Mir Hossein" is read).
# longest first: «سیدهفاطمه» is سیده + فاطمه, not سید + «هفاطمه»
_ATTACHED = (
    "سیده",
    "سید",
    "seyyedeh",
    "seyedeh",
    "sayyedeh",
    "seyyed",
    "seyed",
    "sayyed",
    "sayed",
    "sayyid",
    "میر",
    "mir",
)
_MIR = ("میر", "mir")


# The Abd-ol- names (عبدالرضا, عبدالله, عبدالکریم) in Latin: Abdolreza, Abdulreza, Abdul
# Reza, Abd-ol-Reza, Abd al-Reza, Abdel Karim, and with a sun letter Abdorreza,
# Abdossamad: all written as the Persian is read, "abdol" + the name. A bare "abd" +
# letters (Abdi, Abdoli) is another name and is left alone.
_ABD_SUN = re.compile(r"\babd[aou]([rsztdn])\1")
_ABD = re.compile(r"\babd(?:[\s\-']*[aoue]l[\s\-']*|[\s\-']+)(?=[a-z])")


# Ruhullah, Zabihullah: "-ullah" run together is "-ollah" (Ruhollah, روح‌الله).
_ULLAH = re.compile(r"(?<=[a-z])ullah\b")


def _abdol(norm: str) -> str:
    if "llah" in norm:
        norm = _ULLAH.sub("ollah", norm)
    if "abd" not in norm:
        return norm
    return _ABD.sub(_abdol_written, _ABD_SUN.sub(r"abdol\1", norm))


def _abdol_written(m: re.Match[str]) -> str:
    """The prefix as "abdol", with a space where the list wrote one ("abdol reza")."""
    return "abdol " if m.group(0)[-1] in " -'" else "abdol"


def _tokens(norm: str) -> list[str]:
    norm = _abdol(norm)
    toks: list[str] = []
    for t in norm.split():
        toks.extend(token_script_split(t))
    toks = [t for t in toks if any(ch.isalpha() for ch in t)]
    # "روح الله" = روح‌الله = روحالله, "Rouh Allah" = Rouhollah: glue Allah on.
    out: list[str] = []
    for t in toks:
        if (t in _ALLAH and out) or (out and out[-1] in ("ابو", "عبد") and t.startswith("ال")):
            out[-1] = out[-1] + t  # ابو القاسم = ابوالقاسم, عبد الله = عبدالله
        else:
            out.append(t)
    return _mohammad(out)


# Mohammad cut short in Latin: "Mohd Reza", "M. Reza", "M. Ali" (the initial only
# before a common given name, with which Mohammad makes the compound name).
_MOHD = frozenset({"mohd", "muhd", "mohd.", "mhd"})


def _mohammad(toks: list[str]) -> list[str]:
    out = ["mohammad" if t in _MOHD else t for t in toks]
    if len(out) >= 2 and out[0] == "m":
        table = default_table()
        keys = table.token_keys(out[1])
        common = len(keys) == 1 and table.name_score(keys[0]) == 2.0
        k = keys[0] if keys else ""
        # a man's given name, not the family name of "M. Rezaei"
        given = len(out) >= 3 or not is_family_key(k)
        if common and given and k != "mhmd" and sex_of_given_key(k) == "m":
            out[0] = "mohammad"
    return out


def _detach_honorific(token: str, table: VariantTable, mir: bool = True) -> tuple[str | None, str]:
    """Split a run-together honorific prefix (سیدمحمد → seyyed + محمد) when the rest is
    a name; Mir only when ``mir`` (not from the last word of a full name: میرموسوی is a
    family name)."""
    if not token.startswith(_ATTACHED):
        return None, token
    for pre in _ATTACHED:
        if token.startswith(pre) and len(token) >= len(pre) + 3:
            rest = token[len(pre) :]
            keys = table.token_keys(rest)
            score = table.name_score(keys[0]) if keys else None
            if pre in _MIR:
                if not mir:
                    continue
                # Mir + a common given name only: Miriam, Mirzaei and Miran stay whole
                if len(keys) == 1 and score == 2.0 and is_given_key(keys[0]):
                    return honorific_of(pre), rest
            elif score is not None:
                return honorific_of(pre), rest
    return None, token


@dataclass(frozen=True)
class NamePart:
    """One name field after normalisation."""

    norm: str  # script-normalised text (original script), honorifics removed
    tokens: tuple[str, ...]  # normalised tokens
    keys: tuple[str, ...]  # cross-script token keys (compounds split)
    roman: str  # readable romanisation
    honorifics: tuple[str, ...]

    @property
    def key(self) -> str:
        """Space-separated token keys, in written order."""
        return " ".join(self.keys)


_EMPTY = NamePart("", (), (), "", ())


ROLES = ("given", "family", "full", "father")


def name_part(
    value: str | None, table: VariantTable | None = None, role: str = "given"
) -> NamePart:
    """Normalise one name field into a :class:`NamePart`.

    ``role`` says where titles are taken out: in a ``given``/``father`` field
    every title token (Seyyed Mohammad, Fatemeh Sadat); in a ``full`` name only
    the titles before the family name (Seyyed Ali Mousavi, Fatemeh Sadat Rezaei,
    but not the Haji of Milad Haji Abadi or the Mir of Ali Mir Hosseini); in a
    ``family`` field none — there they are part of the name. A full name
    written "Family, Given" is read as a family field, then a full name: the
    titles before the given name are taken out (Mousavi, Seyyed Ali), those of
    the family name kept (Mir Hosseini, Ali).
    """
    if not value:
        return _EMPTY
    table = table or default_table()
    value = strip_name_notes(value)
    if is_placeholder_name(value):
        return _EMPTY
    if role == "full" and isinstance(value, str) and ("," in value or "،" in value):
        head, tail = re.split("[,،]", value, maxsplit=1)
        if name_part(head, table, "family").tokens and name_part(tail, table, "full").tokens:
            # read given-first, as the same name without a comma: "Mir Hosseini, Ali"
            # is "Ali Mir Hosseini" (its Mir is no leading title there), "Rezaei,
            # Seyed Ali" is "Seyed Ali Rezaei"; so the normalised text, which has no
            # comma, reads again the same and meets the name written given-first
            value = f"{tail} {head}"
    if role != "family":
        value = spell_seyyed(value)
    norm = normalize_text(value)  # type: ignore[arg-type]
    if not norm:
        return _EMPTY
    hons: list[str] = []
    kept: list[str] = []
    toks = [t for t in _merge_title_phrases(_tokens(norm)) if t not in _PLACEHOLDER_CORE]
    leading = True  # in a full name: only titles before the given name ...
    for i, t in enumerate(toks):
        h = honorific_of(t)
        if role == "family":
            h = None
        elif role == "full" and h is not None and not leading:
            # ... or Sadat after it (Fatemeh Sadat Rezaei); a Haji or Mir
            # later on is part of the family name (Milad Haji Abadi).
            if not (h == "sadat" and i < len(toks) - 1):
                h = None
        if h is not None and i + 1 < len(toks) and is_suffix_token(toks[i + 1]):
            h = None  # «حاجی زاده», "Haji Pour", «میر زاده»: the first half of a family name
        # A lone token is a name even if it looks like a title ("Mir" alone).
        if h is not None and len(toks) > 1:
            if h not in hons:
                hons.append(h)
            continue
        if role != "family" and (role != "full" or leading):
            h, t = _detach_honorific(t, table, role != "full" or i < len(toks) - 1)
            if h is not None and h not in hons:
                hons.append(h)
        leading = False
        kept.append(t)
    return _finish(kept, tuple(hons), role, table)


def _finish(kept: list[str], hons: tuple[str, ...], role: str, table: VariantTable) -> NamePart:
    """Keys and romanisation of normalised, title-free tokens."""
    keys: list[str] = []
    for t in kept:
        tk = table.token_keys(t)
        if role in ("given", "father") and t.isascii() and t.endswith("ie") and len(t) > 3:
            # Razie (راضیه) in a given-name field, not Rezaie (رضایی)
            alt = table.token_keys(t + "h")
            if (
                len(alt) == 1
                and is_given_key(alt[0])
                and not (len(tk) == 1 and is_given_key(tk[0]) and not is_family_key(tk[0]))
            ):
                tk = alt
        keys.extend(tk)
    keys = list(table.merge_adjacent(tuple(keys)))
    roman = " ".join([r for r in [romanize_token(t, table) for t in kept] if r])
    return NamePart(" ".join(kept), tuple(kept), tuple(keys), roman, hons)


_PART_CACHE_MAX = 200_000


def _cached_part(value: str, table: VariantTable, role: str) -> NamePart:
    """:func:`name_part`, memoised on the table: reading full names meets the same
    fathers', given and family names over and over. ``normalize_frame`` empties
    the memo when it is done."""
    if not value:
        return _EMPTY
    key = (value, role)
    hit = table.part_cache.get(key)
    if hit is None:
        hit = name_part(value, table, role)
        if len(table.part_cache) < _PART_CACHE_MAX:
            table.part_cache[key] = hit
    return hit  # type: ignore[return-value]


def sub_part(tokens: list[str] | tuple[str, ...], role: str, table: VariantTable) -> NamePart:
    """A :class:`NamePart` of some tokens of a name already normalised (and with
    its titles taken out) by :func:`name_part`: the split of a full name."""
    if not tokens:
        return _EMPTY
    key = (tuple(tokens), role)
    hit = table.part_cache.get(key)
    if hit is None:
        hit = _finish(list(tokens), (), role, table)
        if len(table.part_cache) < _PART_CACHE_MAX:
            table.part_cache[key] = hit
    return hit  # type: ignore[return-value]


# ----------------------------------------------------------------- name roles
# What the lexicon says a name is: a usual given name (of a man or a woman), a
# usual family name, or neither. ``data/name_roles.tsv`` lists the common names
# whose role is clear; the rest of the lexicon (~30,000 names, noisy: many
# family names also appear as given names there) only gives weak evidence.


@lru_cache(maxsize=1)
def _roles() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """(male given keys, female given keys, all given keys, family keys) of the
    curated list; names with more than one key (compounds, suffixed) are skipped."""
    table = default_table()
    out: dict[str, set[str]] = {"m": set(), "f": set(), "family": set()}
    for row in read_tsv(data_path("name_roles.tsv")):
        if len(row) >= 2 and row[0] in out:
            for form in row[1].split():
                keys = name_part(form, table, "family").keys
                if len(keys) == 1:
                    out[row[0]].add(keys[0])
    male, female = frozenset(out["m"]), frozenset(out["f"])
    return male, female, male | female, frozenset(out["family"])


# Family names made from a given name: Karim+i (Karimi), Reza+i (Rezaei, رضایی),
# Mousa+vi (Mousavi), Ali+vi (Alavi), Karim+ian (Karimian). Key endings, and
# what the given name's key may have ended with before them.
_DERIVED_ENDINGS = (("vY", ("A", "Y", "E", "")), ("Yn", ("", "A", "E")), ("Y", ("", "A", "E")))


def _family_stems(key: str) -> list[str]:
    """Keys of usual given names that ``key`` is a family name made from (Karimi -> Karim)."""
    given = _roles()[2]
    out: list[str] = []
    for end, alts in _DERIVED_ENDINGS:
        if key.endswith(end) and len(key) - len(end) >= 2:
            stem = key[: -len(end)]
            out.extend(stem + a for a in alts if stem + a in given)
    return out


def _key_family_score(key: str, position: int) -> int:
    """2 = clearly a family name (or a family suffix after a root), 1 = only the
    lexicon says so, 0 = not a family name."""
    _, _, given, family = _roles()
    if position > 0 and key in _suffix_key_set():
        return 2
    if key in family:
        return 2
    if key in given:
        return 0
    if _family_stems(key):
        return 2
    return 1 if is_family_key(key) and not is_given_key(key) else 0


def family_level(keys: tuple[str, ...] | list[str]) -> int:
    """How clearly a name (its token keys) is a family name: 2 clearly, 1 weakly, 0 not."""
    return max((_key_family_score(k, i) for i, k in enumerate(keys)), default=0)


def given_level(keys: tuple[str, ...] | list[str]) -> int:
    """How clearly a name is a given name: 2 every key a usual given name
    (Mohammad Reza), 1 known to the lexicon and nothing family-like, 0 not."""
    if not keys:
        return 0
    given = _roles()[2]
    if all(k in given for k in keys):
        return 2
    if family_level(keys) == 0 and all(is_given_key(k) for k in keys):
        return 1
    return 0


@lru_cache(maxsize=1)
def _suffix_key_set() -> frozenset[str]:
    from roshan.normalize.variants import family_suffix_keys

    return family_suffix_keys()


def _collapse(key: str) -> str:
    out: list[str] = []
    for ch in key:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def _joined_key(a: str, b: str) -> str:
    """Key of two names written as one word in Persian (حسین + علی = حسینعلی):
    a final ا of the first is dropped and a final silent ه becomes h; the
    initial ا/ع of the second is dropped."""
    if a.endswith("A"):
        a = a[:-1]
    elif a.endswith("E"):
        a = a[:-1] + "h"
    if b.startswith("A") and len(b) > 1:
        b = b[1:]
    return _collapse(a + b)


@lru_cache(maxsize=1)
def _compounds() -> tuple[frozenset[tuple[str, str]], frozenset[str], frozenset[str]]:
    """The curated compound given names (``data/compound_given_names.tsv``): (key
    pairs, first parts followed by any given name, second parts after any given name)."""
    table = default_table()
    pairs: set[tuple[str, str]] = set()
    any_after: set[str] = set()
    any_before: set[str] = set()

    def keys(forms: str) -> list[str]:
        out: list[str] = []
        for form in forms.split():
            ks = table.token_keys(normalize_text(form))
            if len(ks) == 1:
                out.append(ks[0])
        return out

    for row in read_tsv(data_path("compound_given_names.tsv")):
        if len(row) < 2:
            continue
        first, second = row[0].strip(), row[1].strip()
        if second == "*":
            any_after.update(keys(first))
        elif first == "*":
            any_before.update(keys(second))
        else:
            pairs.update((a, b) for a in keys(first) for b in keys(second))
    return frozenset(pairs), frozenset(any_after), frozenset(any_before)


def _is_compound(a: str, b: str) -> bool:
    """True when given-name keys ``a`` ``b`` make one attested compound given name
    (``data/compound_given_names.tsv``): a listed pair (Mohammad Reza, Ali Akbar,
    Hossein Ali, Fatemeh Zahra), Gholam-/Abol-/Abdol- before a given name, or a
    given name before Gholi. Two usual names that make no known compound (Mehdi
    Reza, Hossein Mohammad) are not one, nor a name repeated (Mohammad Mohammad)."""
    if a == b:
        return False
    pairs, any_after, any_before = _compounds()
    if (a, b) in pairs:
        return True
    if a in any_after:
        return b in _roles()[0] or is_given_key(b)
    if b in any_before:
        return a in _roles()[0] or is_given_key(a)
    return False


# A word that is the second part of at least this many of the lexicon's
# several-word family names is read as such after a given name («هاشم خانی»,
# «علی محمدی», «فرج اللهی»): it does not end a "X Z Y" with the father in the middle.
_SECOND_PART_MIN = 3


@lru_cache(maxsize=1)
def _two_word_families() -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
    """(key pairs of two-word family names, keys of their usual second words)."""
    table = default_table()
    pairs: set[tuple[str, str]] = set()
    seconds: dict[str, int] = {}
    for words in multiword_family_names():
        keys = [table.token_keys(w) for w in words[-2:]]
        if keys[0] and keys[1]:
            pairs.add((keys[0][-1], keys[1][0]))
            if len(keys[1]) == 1:
                seconds[keys[1][0]] = seconds.get(keys[1][0], 0) + 1
    # a usual family name of its own (محمدی، حسینی) only counts in a known pair
    family = _roles()[3]
    second = frozenset(k for k, n in seconds.items() if n >= _SECOND_PART_MIN and k not in family)
    return frozenset(pairs), second | _suffix_key_set()


def _is_second_part(token: str, table: VariantTable) -> bool:
    keys = table.token_keys(token)
    return is_suffix_token(token) or (len(keys) == 1 and keys[0] in _two_word_families()[1])


def _is_two_word_family(z: str, y_token: str, table: VariantTable, alone: bool = True) -> bool:
    """True when given-name key ``z`` and the word ``y_token`` after it are an
    attested family name in two words: the lexicon's several-word family names
    have the pair («علی محمدی», «علی اکبری», «رستم خانی»; also with a suffix:
    «علی اکبر» + زاده), or the word is a usual second part of such names that is
    not a usual family name alone (خانی، اللهی، بیگی; a suffix) and is ``alone``
    (not the first word of a family name of its own: «علی‌نیا»), or ``z`` is a
    first part that does not stand alone (Gholam-, Abol-, Abdol-) before a family
    name made from a given name (Gholam Hosseini = غلامحسینی).

    A usual given name before a usual family name is not glued into one family
    name only because the lexicon knows the two written as one word (Saeed
    Ahmadi, سعیداحمدی = Seyyed-Ahmadi; Mohammad Hosseini): in "X Z Y" that
    is the father's name between given and family name."""
    if alone and _is_second_part(y_token, table):
        return True
    yk = table.token_keys(y_token)
    if z in _compounds()[1] and (
        (len(yk) == 1 and _family_stems(yk[0])) or (len(yk) > 1 and yk[0] in _roles()[2])
    ):
        return True  # Gholam Hosseini, Gholam Rezazadeh
    pairs = _two_word_families()[0]
    if len(yk) == 2 and yk[1] in _suffix_key_set():
        return (z, yk[0]) in pairs  # Ali Akbarzadeh; not Ali Rezazadeh
    return len(yk) == 1 and (z, yk[0]) in pairs


@lru_cache(maxsize=1)
def _title_keys() -> frozenset[str]:
    """Rule keys of every title spelling: a misspelt title (سیید, Seyd) is not a given name."""
    return frozenset(k for k in (rule_key(f) for f in _honorifics()) if k)


def _joined_pairs(raw: str) -> set[tuple[str, str]]:
    """Neighbouring normalised words that ``raw`` writes as one word, joined by
    a ZWNJ or a hyphen («علی‌اکبری», "Ali-Akbari")."""
    out: set[tuple[str, str]] = set()
    if "\u200c" not in raw and "-" not in raw:
        return out
    for chunk in raw.split():
        if "\u200c" in chunk or "-" in chunk:
            words = normalize_text(chunk).split()
            out.update(zip(words, words[1:], strict=False))
    return out


# ----------------------------------------------------------- full-name column
# Words that introduce the father's name: «حسین رضایی فرزند علی», "Hossein
# Rezaei son of Ali". The strong ones are only ever connectives; the weak ones
# (پسر boy, دختر girl, ولد, بن, ...) are also words, so they count only after a
# given and a family name, standing on their own (not ولد‌خانی written with a
# ZWNJ) and followed by something the lexicon knows as a given name.
_MARKERS_STRONG: tuple[tuple[str, ...], ...] = (
    ("فرزند",),
    ("نام", "پدر"),
    ("son", "of"),
    ("daughter", "of"),
    ("child", "of"),
    ("father", "s", "name"),
    ("fathers", "name"),
    ("father", "name"),
    ("father",),
)
_MARKERS_WEAK: tuple[tuple[str, ...], ...] = (
    ("پسر",),
    ("دختر",),
    ("ولد",),
    ("بن",),
    ("بنت",),
    ("ابن",),
    ("bin",),
    ("ibn",),
    ("bint",),
)
_MARKER_FIRST = frozenset(m[0] for m in _MARKERS_STRONG + _MARKERS_WEAK)

# "s/o", "D/O", "s.o.", "d. o": son of, daughter of, written out before the text is
# read. Only with the slash or the dot and no letter on either side: "d o", "A:D,O"
# or «ؠD.Oؠ» are letters, and normalised text (which drops the slash) must read the
# same way a second time.
_CONNECTIVE_LETTERS = re.compile(r"(?<![^\W\d_])([sSdD])\s*[/.]\s*[oO](?:\s*\.)?(?![^\W\d_])")


def spell_connectives(text: str) -> str:
    """``text`` with "s/o" and "d/o" (and "s.o.", "D/O") written as "son of" and
    "daughter of"."""
    if "/" not in text and "." not in text:
        return text
    return _CONNECTIVE_LETTERS.sub(
        lambda m: " son of " if m.group(1) in "sS" else " daughter of ", text
    )


_DELIMS = re.compile(r"([,،()\[\]])")

FLAG_SWAPPED = "given_family_swapped"
FLAG_FAMILY_FIRST = "family_first"
FLAG_FATHER_IN_NAME = "father_in_full_name"
FLAG_FATHER_IN_MIDDLE = "father_in_middle"
FLAG_FATHER_FILLED = "father_from_full_name"
FLAG_FATHER_FROM_NOTES = "father_from_notes"
NAME_FLAGS = (
    FLAG_SWAPPED,
    FLAG_FAMILY_FIRST,
    FLAG_FATHER_IN_NAME,
    FLAG_FATHER_IN_MIDDLE,
    FLAG_FATHER_FILLED,
    FLAG_FATHER_FROM_NOTES,
)
"""Every value of the ``name_flags`` column, in the order they are written."""


_NOTE_MARKERS = tuple(m for m in _MARKERS_STRONG if m[0] not in ("father", "fathers"))
_NOTE_SENTENCES = re.compile(r"[.;!?؛\n]+")


def father_in_notes(text: str | None, table: VariantTable | None = None) -> NamePart:
    """A father's name that free-text notes state ("Shot. Son of Ali Akbar.", «فرزند
    علی»), else an empty part. Only a connective that is nothing else («فرزند», "son
    of", "daughter of", "s/o") counts, and only when the next word is a known given
    name (with the second word of a compound: Ali Akbar); "father of two" is not one."""
    if not text or not isinstance(text, str):
        return _EMPTY
    table = table or default_table()
    for sentence in _NOTE_SENTENCES.split(spell_connectives(text)):
        words = normalize_text(sentence).split()
        if _MARKER_FIRST.isdisjoint(words):
            continue
        for i in range(len(words)):
            for marker in _NOTE_MARKERS:
                n = len(marker)
                if tuple(words[i : i + n]) != marker or i + n >= len(words):
                    continue
                first = words[i + n]
                k1 = table.token_keys(first)
                if not (len(k1) == 1 and is_given_key(k1[0])):
                    continue
                toks = [first]
                if i + n + 1 < len(words):
                    k2 = table.token_keys(words[i + n + 1])
                    if len(k2) == 1 and _is_compound(k1[0], k2[0]):
                        toks.append(words[i + n + 1])
                return sub_part(toks, "father", table)
    return _EMPTY


_KIN_MALE = (("son", "of"), ("پسر",), ("ولد",), ("بن",), ("ابن",), ("bin",), ("ibn",))
_KIN_FEMALE = (("daughter", "of"), ("دختر",), ("بنت",), ("bint",))


def kin_sex(full_name: str | None, notes: str | None = None) -> str | None:
    """ "m" or "f" when the record says whose son or daughter the person is ("Hiwa
    Rezaei daughter of Ali", «هیوا رضایی دختر علی», notes "Daughter of Ali"), else None.
    In notes only the English connectives count («پدر دو دختر», father of two
    daughters, is not the person's own sex)."""
    found: set[str] = set()
    for text, markers in (
        (full_name, _KIN_MALE + _KIN_FEMALE),
        (notes, (("son", "of"), ("daughter", "of"))),
    ):
        if not text or not isinstance(text, str):
            continue
        words = normalize_text(spell_connectives(text)).split()
        for i in range(len(words)):
            for mk in markers:
                if tuple(words[i : i + len(mk)]) == mk and i + len(mk) < len(words):
                    found.add("m" if mk in _KIN_MALE else "f")
    return found.pop() if len(found) == 1 else None


def has_marker_word(norm: str, raw: str | None = None) -> bool:
    """Cheap pre-check: does normalised text contain a word that may introduce a
    father, or the text as written (``raw``) an "s/o" or "d/o"?"""
    if not _MARKER_FIRST.isdisjoint(norm.split()):
        return True
    return raw is not None and spell_connectives(raw) != raw


# Delimiters and joiners kept through normalize_text as sentinel words.
_SENTINELS = {
    ",": " qqcommaqq ",
    "،": " qqcommaqq ",
    "(": " qqopenqq ",
    "[": " qqopenqq ",
    ")": " qqcloseqq ",
    "]": " qqcloseqq ",
    "\u200c": " qqjoinqq ",
    "-": " qqjoinqq ",
}
_SENTINEL_RE = re.compile("[,،()\\[\\]\u200c-]")
_SENTINEL_ITEM = {"qqcommaqq": ",", "qqopenqq": "(", "qqcloseqq": ")"}


def _pieces(raw: str) -> tuple[list[str], list[int]]:
    """Normalised words of ``raw`` with "," "(" ")" kept as their own items, and
    for each item the number of the word group it belongs to (words joined by a
    ZWNJ or a hyphen, «علی‌اکبری», share one; a word split at a change of script
    does not). One normalize_text call."""
    text = _SENTINEL_RE.sub(lambda m: _SENTINELS[m.group()], spell_connectives(raw))
    words = normalize_text(text).split()
    out: list[str] = []
    chunk: list[int] = []
    n = 0
    join = False
    for w in words:
        if w == "qqjoinqq":
            join = True
            continue
        if w in _SENTINEL_ITEM:
            out.append(_SENTINEL_ITEM[w])
            chunk.append(-1)
        else:
            # a word that changes script («محمدreza») is read as the words the
            # normalised text writes it as (محمد reza), so that a second reading of
            # that text finds the same connectives («ؠD:Oؠ» is no "d/o" clause either time)
            for k, part in enumerate(token_script_split(w)):
                if k or not (join and chunk and chunk[-1] == n):
                    n += 1
                out.append(part)
                chunk.append(n)
        join = False
    return out, chunk


def _rejoin(idx: list[int], items: list[str], chunk: list[int]) -> str:
    """Items ``idx`` as text again: words of one chunk joined by a ZWNJ, commas kept."""
    text = ""
    prev = -2
    for i in idx:
        w = items[i]
        if w in ("(", ")"):
            prev = -2
            continue
        if w == ",":
            text += ","
        elif text:
            text += ("\u200c" if chunk[i] == prev and prev >= 0 else " ") + w
        else:
            text = w
        prev = chunk[i]
    return text.strip(" ,")


def _looks_given(token: str, table: VariantTable) -> bool:
    keys = table.token_keys(token)
    return bool(keys) and all(is_given_key(k) or k in _roles()[2] for k in keys)


def _find_father_clause(raw: str, table: VariantTable) -> tuple[str, str] | None:
    """(name side, father side) of a full name with a father connective, else None.

    The name side keeps its commas (``Rezaei, Hossein``); the father side ends
    at a closing bracket or a comma; words after a closing bracket go back to
    the name side («حسین (فرزند علی) رضایی»).
    """
    items, chunk = _pieces(raw)
    words = [(i, w) for i, w in enumerate(items) if w not in (",", "(", ")")]
    glued: set[str] | None = None
    for j, (i, w) in enumerate(words):
        if w not in _MARKER_FIRST:
            continue
        for marker in _MARKERS_STRONG + _MARKERS_WEAK:
            n = len(marker)
            if tuple(x for _, x in words[j : j + n]) != marker:
                continue
            # the marker's words must be adjacent items (no comma inside "son , of")
            if words[j + n - 1][0] - i != n - 1:
                continue
            end = i + n
            after: list[str] = []
            k = end
            while k < len(items) and items[k] not in (",", ")"):
                if items[k] != "(":
                    after.append(items[k])
                k += 1
            rest = list(range(k + 1, len(items))) if k < len(items) and items[k] == ")" else []
            name_side = _rejoin(list(range(i)) + rest, items, chunk)
            if not after:
                # "X Y son of" (or "X Y son of,"): no name after the connective
                if marker in _MARKERS_STRONG and all(x in ",()" for x in items[k:]):
                    return name_side, ""
                continue
            if marker in _MARKERS_WEAK:
                # «X Y پسر Z»: given and family before the word (not «امیرحسین بن سعید»,
                # Bensaeed being a family name), a given name after it
                n_before = sum(1 for x in items[:i] if x not in (",", "(", ")"))
                if n_before < 2 or not _looks_given(after[0], table):
                    continue
                if glued is None:
                    glued = set(normalize_text(raw.replace("\u200c", "")).split())
                if marker[0] not in glued:
                    continue
            return name_side, " ".join(after)
    return None


def join_words(a: str, b: str) -> str:
    """``a`` and ``b`` joined by a space, either of them possibly empty."""
    return a + " " + b if a and b else a or b


@dataclass(frozen=True)
class Reading:
    """One reading of a full name: given, family and father parts, and what was done."""

    given: NamePart
    family: NamePart
    father: NamePart
    flags: tuple[str, ...]


@dataclass(frozen=True)
class FullName:
    """A full-name column read into parts (:func:`parse_full_name`).

    ``own`` is the person's own name as written, with a father clause (``son of
    Z``, «فرزند Z») taken out; ``reading`` the parts roshan settles on when the
    record has no father's name of its own. When the middle token of "X Z Y"
    may be the father's name (``middle_key``), ``alternative`` is the other
    reading: :meth:`resolve` picks it when the record's own father's name
    contradicts (or repeats) the middle token.
    """

    own: NamePart
    reading: Reading
    middle_key: str | None = None
    middle_is_father: bool = False
    alternative: Reading | None = None

    def resolve(self, own_father_key: str | None) -> Reading:
        """The reading for a record whose own father's-name key is ``own_father_key``."""
        if self.alternative is None or self.middle_key is None:
            return self.reading
        if self.middle_is_father:
            use_alt = bool(own_father_key) and own_father_key != self.middle_key
        else:
            use_alt = own_father_key == self.middle_key
        return self.alternative if use_alt else self.reading


_EMPTY_READING = Reading(_EMPTY, _EMPTY, _EMPTY, ())


def _parts(g_toks: list[str], f_toks: list[str], table: VariantTable) -> tuple[NamePart, NamePart]:
    return sub_part(g_toks, "given", table), sub_part(f_toks, "family", table)


# Family-name suffixes that are never a family name on their own: a name whose second
# word is one of them («رحیم زاده», «یوسف وند», "Hossein Zadeh") is one family name
# written apart, not a given name and a family name. The family suffixes of
# roshan.normalize.variants but for those that are names of their own (Nia, Far, Rad,
# Abadi, Pouri).
_FREE_SUFFIXES = frozenset("نیا فر راد آبادی ابادی پوری nia niya far rad abadi".split())
BOUND_SUFFIXES = frozenset(FAMILY_SUFFIXES_FA + FAMILY_SUFFIXES_LATIN) - _FREE_SUFFIXES


def _bound_suffix(token: str) -> bool:
    return normalize_text(token) in BOUND_SUFFIXES


def _family_first(toks: list[str], table: VariantTable) -> bool:
    """ "Rezaei Hossein", "Karimi Mohammad Reza": the first word clearly a family
    name, the rest clearly one given name (simple or a usual compound)."""
    if len(toks) not in (2, 3):
        return False
    first = table.token_keys(toks[0])
    rest = [k for t in toks[1:] for k in table.token_keys(t)]
    if family_level(first) < 2 or given_level(first) > 0:
        return False
    if given_level(rest) < 2 or family_level(rest) > 0:
        return False
    if len(toks) == 3:
        k1, k2 = table.token_keys(toks[1]), table.token_keys(toks[2])
        return len(k1) == 1 and len(k2) == 1 and _is_compound(k1[0], k2[0])
    return True


def _middle_candidate(
    toks: list[str], raw: str, table: VariantTable
) -> tuple[list[str], list[str], list[str]] | None:
    """(given tokens X, middle tokens Z, family tokens Y) when "X Z Y" could carry
    the father's name in the middle. Y is the last word, with the word before
    it when the two are written joined («حسن‌پور», "Hassan-Pour") or the last
    is a detached suffix or second part (Hassan Pour, Ahmadi Asl); X and Z are
    each one word, or two that are written joined («علی‌رضا», "Ali-Reza") or make
    an attested compound (Mohammad Reza); a joined pair is never cut. When both
    X and Z could take the third word ("Mohammad Ali Reza Rezaei"), X gets it
    (Mohammad Ali, son of Reza). 3 to 6 words in all."""
    if not 3 <= len(toks) <= 6:
        return None
    joined = _joined_pairs(raw)
    j = len(toks) - 1
    while j > 0 and (
        (toks[j - 1], toks[j]) in joined or (j == len(toks) - 1 and _is_second_part(toks[j], table))
    ):
        j -= 1
    if j < 2 or j > 4:
        return None
    rest, y = toks[:j], toks[j:]

    def one_name(words: list[str]) -> bool:
        if len(words) == 1:
            return True
        if (words[0], words[1]) in joined:
            return True
        k1, k2 = table.token_keys(words[0]), table.token_keys(words[1])
        return len(k1) == 1 and len(k2) == 1 and _is_compound(k1[0], k2[0])

    for n_x in (2, 1):
        x, z = rest[:n_x], rest[n_x:]
        if not x or not z or len(z) > 2 or (x[-1], z[0]) in joined:
            continue
        if any(is_suffix_token(t) for t in z) or not (one_name(x) and one_name(z)):
            continue
        return x, z, y
    return None


def _misspelt_title(token: str) -> bool:
    """A word with the key of a title (سیید, Seyd: سید) that is not a spelling of
    Saeed (سعید with its ع; Latin Saeed, Saeid, Said: "sa" and no "y", while
    Seyyed is written with "e" or "y": Seyed, Sayyed, Syed)."""
    if rule_key(token) not in _title_keys():
        return False
    if "ع" in token:
        return False
    return not (token.isascii() and token.startswith("sa") and "y" not in token)


def _plausible_family(keys: list[str]) -> int:
    """How clearly a name is a family name for the "X Z Y" rule: 2 clearly
    (:func:`family_level`), 1 plausibly (the lexicon knows it as a family name,
    even if also as a given name: Lotfi, Mashki; or a word ending in -i: most
    Iranian family names are nisbas, Lordegani, Tabrizi), 0 not (a usual given
    name, or nothing known)."""
    if not keys or given_level(keys) == 2:
        return 0
    level = family_level(keys)
    if level:
        return level
    usual = _roles()[2]
    last = keys[-1]
    if any(is_family_key(k) and k not in usual for k in keys):
        return 1
    return 1 if last.endswith("Y") and len(last) >= 4 and not is_given_key(last) else 0


def _middle_is_father(x: list[str], z: list[str], y: list[str], table: VariantTable) -> bool:
    """The "X Z Y" rule (docs/normalization.md): Z is read as the father's name
    when it is a usual man's name, Y a plausible family name, X a given name
    that makes no attested compound with Z, and Z Y no attested family name."""
    male = _roles()[0]
    zks, yk, xk = (
        list(table.merge_adjacent(tuple(k for t in w for k in table.token_keys(t))))
        for w in (z, y, x)
    )  # "Abol Fazl" = Abolfazl
    if not zks or len(zks) > 2 or not all(k in male for k in zks):
        return False  # Z: a usual man's name (Ali; Amirhossein or Amir Hossein)
    if any(honorific_of(t) for t in z):
        return False  # "Ali Seyyed Ahmadi": a title in a family name (Seyyed-Ahmadi)
    if len(z) == 1 and len(zks) == 2 and not _is_compound(zks[0], zks[1]):
        return False  # one written word the lexicon splits into two names
    y_level = _plausible_family(yk)
    if y_level == 0:
        return False  # Y: a plausible family name, not a given name
    if not xk or _misspelt_title(x[0]):
        return False  # X: not a misspelt title (سیید)
    if given_level(xk) == 0 and (y_level < 2 or len(x) > 1 or family_level(xk) > 0):
        return False  # an unknown X (a typo, Riaz) only when Y is clearly a family name
    if (
        len(x) == 1
        and len(z) == 1
        and len(xk) == 1
        and len(zks) == 1
        and _is_compound(xk[0], zks[0])
    ):
        return False  # "Hossein Ali", "Mohammad Reza": an attested compound given name
    # "Ali Mohammadi", "Gholam Hosseini", "Rostam Khani": one family name
    return not _is_two_word_family(zks[-1], y[0], table, alone=len(y) == 1)


def _split_own(own: NamePart, name_raw: str, table: VariantTable, middle_rules: bool) -> FullName:
    """Given/family (and maybe middle-father) readings of a name without father clause."""
    toks = list(own.tokens)
    if "," in name_raw or "،" in name_raw:  # "Family, Given": the given part's titles kept
        sep = "," if "," in name_raw else "،"
        fam_raw, giv_raw = name_raw.split(sep, 1)
        fam, giv = _cached_part(fam_raw, table, "family"), _cached_part(giv_raw, table, "given")
        if fam.tokens and giv.tokens:
            return FullName(own, Reading(giv, fam, _EMPTY, ()))
    g_toks, f_toks = split_full_name(own, name_raw, table)
    flags: tuple[str, ...] = ()
    if len(toks) >= 3 and _bound_suffix(toks[1]) and not _bound_suffix(toks[2]):
        # «حسین نژاد بابک», "Rahim Zadeh Ali": a family name written apart, then the
        # given name (read given-first it left the family name "Nejad Babak")
        g_toks, f_toks, flags = toks[2:], toks[:2], (FLAG_FAMILY_FIRST,)
    elif _family_first(toks, table):
        g_toks, f_toks, flags = toks[1:], toks[:1], (FLAG_FAMILY_FIRST,)
    plain = Reading(*_parts(g_toks, f_toks, table), _EMPTY, flags)
    if flags or not middle_rules:
        return FullName(own, plain)
    cand = _middle_candidate(toks, name_raw, table)
    if cand is None:
        return FullName(own, plain)
    x, z, y = cand
    fires = _middle_is_father(x, z, y, table)
    mid_given, mid_family = _parts(x, y, table)
    father = sub_part(z, "father", table)
    middle = Reading(mid_given, mid_family, father, (FLAG_FATHER_IN_MIDDLE,))
    mkey = father.key or None
    if fires:
        return FullName(own, middle, mkey, True, plain)
    return FullName(own, plain, mkey, False, middle)


# A word as normalised text splits it: Persian letters, or other letters (with the
# apostrophes normalised text drops: Sa'id); marks, digits and a change of script part them.
_SEYYED_LETTER = frozenset({"س", "s"})
_RAW_WORD = re.compile(
    r"[\u0620-\u065f\u066e-\u06d3\u06d5\u06fa-\u06ff]+"
    r"|[^\W\d_\u0600-\u06ff]+(?:['’`][^\W\d_\u0600-\u06ff]+)*"
)


def comma_before_seyyed(raw: str, table: VariantTable) -> str:
    """«حیدری سید محمد», "Najafi Seyyedeh Mahsa": a family name, then the title سید /
    سیده and a given name, with no comma. Registers that write the family name first
    put the title before the given name, where it always stands; so a Seyyed after a
    word that is no given name and before one that is marks where the given name
    begins. Also run together with the given name («امیری سیدسعید») or cut to its first
    letter, its dot lost («موسوی س علی»). ``raw`` is returned with a comma there (read
    as "Family, Given"), or as it is.
    """
    if "," in raw or "،" in raw:
        return raw
    words = list(_RAW_WORD.finditer(raw))
    norms = [normalize_text(w.group()) for w in words]
    k = 0  # leading titles (Haji) are the person's: they go with the given name
    while k < len(norms) and norms[k] and honorific_of(norms[k]) is not None:
        k += 1
    for i in range(k + 1, len(words)):
        word = norms[i]
        if word in _MARKER_FIRST:
            return raw  # a Seyyed after «فرزند» / "son" is the father's
        nxt = norms[i + 1] if i + 1 < len(norms) else ""
        if _honorifics().get(word) == "seyyed" or word in _SEYYED_LETTER:
            given = nxt
        else:
            h, rest = _detach_honorific(word, table, mir=False)
            if h != "seyyed":
                continue
            given = rest
        if not (
            given
            and honorific_of(given) is None  # «سیدسید»: سید keys as سعید (sYd)
            and given_level(table.token_keys(given)) >= 1
            and all(b and honorific_of(b) is None for b in norms[k:i])
            and given_level(table.token_keys(norms[i - 1])) == 0
        ):
            return raw
        family = raw[words[k].start() : words[i].start()].rstrip()
        titles = raw[words[0].start() : words[k - 1].end()] + " " if k else ""
        if word in _SEYYED_LETTER:
            return f"{family}, {titles}سید{raw[words[i].end() :]}"
        return f"{family}, {titles}{raw[words[i].start() :]}"
    return raw


def parse_full_name(
    raw: str | None,
    table: VariantTable | None = None,
    part: NamePart | None = None,
    split: bool = True,
) -> FullName:
    """Read a full-name column into title, given, family and father's names.

    Handles «X Y فرزند Z» (also پسر، دختر، ولد، بن), "X Y son of Z",
    "daughter of", "s/o", "d/o", with a comma or in brackets, "Family, Given",
    family-first order without a comma when the lexicon is clear, and "X Z Y"
    with the father's name in the middle when X Z is no attested compound given
    name and Z Y no attested two-word family name (see docs/normalization.md). ``part`` is ``name_part(raw, table, "full")`` if
    already computed; ``split=False`` only takes out a father clause (for
    records that have given/family columns of their own).
    """
    table = table or default_table()
    if not raw:
        return FullName(_EMPTY, _EMPTY_READING)
    spelled = spell_connectives(spell_seyyed(raw))  # "s/o" as "son of", also in brackets
    marked = spelled != raw
    spelled = comma_before_seyyed(spelled, table)
    raw = strip_name_notes(spelled)
    if part is None:
        part = name_part(raw, table, "full")
    clause = _find_father_clause(raw, table) if marked or has_marker_word(part.norm) else None
    if clause is None:
        if not split or not part.tokens:
            return FullName(part, _EMPTY_READING)
        return _split_own(part, raw, table, middle_rules=True)
    name_raw, father_raw = clause
    own = _cached_part(name_raw, table, "full")
    father = _cached_part(father_raw, table, "father")
    if not split or not own.tokens:
        return FullName(own, Reading(_EMPTY, _EMPTY, father, (FLAG_FATHER_IN_NAME,)))
    split_own = _split_own(own, name_raw, table, middle_rules=False)
    own, base = split_own.own, split_own.reading
    given, family = base.given, base.family
    if not family.tokens and len(father.tokens) >= 2:
        # "Ali bin Hossein Kaabi", "Hossein son of Ali Rezaei": the family name
        # written after the father's when it is clearly one
        last = table.token_keys(father.tokens[-1])
        if family_level(last) == 2 and given_level(last) == 0 and given_level(given.keys) >= 1:
            family = sub_part(father.tokens[-1:], "family", table)
            father = sub_part(father.tokens[:-1], "father", table)
            own = _cached_part(join_words(name_raw, family.norm), table, "full")
    elif (
        len(father.keys) >= 2
        and family.keys
        and len(father.tokens) >= 2
        and father.keys[-1] == family.keys[-1]
    ):
        # "Hossein Rezaei son of Ali Rezaei": the family name repeated
        father = sub_part(father.tokens[:-1], "father", table)
    flags = tuple(f for f in NAME_FLAGS if f in base.flags or f == FLAG_FATHER_IN_NAME)
    return FullName(own, Reading(given, family, father, flags))


def _swap_evidence(given: NamePart, family: NamePart) -> tuple[int, int]:
    """(how clearly the given field holds a family name, how clearly the family
    field holds a given name): 2 clearly, 1 weakly, 0 no or contradicted."""
    g = family_level(given.keys) if given.keys and given_level(given.keys) == 0 else 0
    f = given_level(family.keys) if family.keys and family_level(family.keys) == 0 else 0
    return g, f


def swapped_columns(given: NamePart, family: NamePart) -> bool:
    """True when a record's given-name field holds a family name and its
    family-name field a given name (given="Rezaei", family="Hossein"), judged by
    the lexicon: the family field is clearly a usual given name, the given
    field at least weakly a family name, and neither looks like its own role.
    (``normalize_frame`` also swaps weaker pairs in a list where most rows are
    swapped: see docs/normalization.md.)"""
    g, f = _swap_evidence(given, family)
    return g >= 1 and f == 2


def given_field_is_family(part: NamePart) -> int:
    """The given-name half of :func:`swapped_columns`: 0, 1 or 2 (vectorised in the snapshot)."""
    return _swap_evidence(part, _EMPTY)[0]


def family_field_is_given(part: NamePart) -> int:
    """The family-name half of :func:`swapped_columns`: 0, 1 or 2."""
    return _swap_evidence(_EMPTY, part)[1]


@dataclass(frozen=True)
class PersonName:
    """All the name columns of one record."""

    full: NamePart
    given: NamePart
    family: NamePart
    father: NamePart
    honorifics: str | None
    script: str | None
    flags: tuple[str, ...] = ()

    @property
    def full_key(self) -> str:
        """Token keys of the whole name, sorted: order-free so "Family Given" lists match."""
        return (
            " ".join(sorted(self.given.keys + self.family.keys))
            if (self.given.keys or self.family.keys)
            else " ".join(sorted(self.full.keys))
        )

    @property
    def name_tokens(self) -> list[str]:
        """Token keys of the whole name in written order (given then family)."""
        if self.given.keys or self.family.keys:
            return list(self.given.keys + self.family.keys)
        return list(self.full.keys)


def split_full_name(part: NamePart, raw: str, table: VariantTable) -> tuple[list[str], list[str]]:
    """Split a full name's tokens into (given tokens, family tokens).

    "Family, Given" when there is a comma; otherwise the last token is the
    family name, with the one before it when the last is a detached suffix
    (Hosseini Nejad, حسینی نژاد); a lone token is a given name if the lexicon
    knows it as one and it is not clearly a family name (Rezaei), else a family name.
    """
    toks = list(part.tokens)
    if not toks:
        return [], []
    if "," in raw or "،" in raw:  # "Family, Given"
        sep = "," if "," in raw else "،"
        fam_raw, giv_raw = raw.split(sep, 1)
        fam = _cached_part(fam_raw, table, "family").tokens
        giv = _cached_part(giv_raw, table, "given").tokens
        if fam and giv:
            return list(giv), list(fam)
    if len(toks) == 1:
        keys = table.token_keys(toks[0])
        if (
            len(keys) == 1
            and is_given_key(keys[0])
            and not (family_level(keys) == 2 and given_level(keys) == 0)
        ):  # not Rezaei
            return toks, []
        return [], toks
    # Given name: the first token, plus a second one when the two form an
    # attested compound (Mohammad Reza, Ali Akbar, Fatemeh Zahra:
    # data/compound_given_names.tsv) or are written as one word («مهدی‌رضا»); the
    # rest is the family name, which can be two words (Karimi Afshar, Jahan Panah).
    n_given = 1
    if len(toks) >= 3:
        joined = _joined_pairs(raw)
        k1 = table.token_keys(toks[0])
        k2 = table.token_keys(toks[1])
        if (toks[1], toks[2]) not in joined and (  # «نوید علی‌اکبری»
            (
                (toks[0], toks[1]) in joined
                and _looks_given(toks[0], table)
                and _looks_given(toks[1], table)
            )
            or (len(k1) == 1 and len(k2) == 1 and _is_compound(k1[0], k2[0]))
        ):
            n_given = 2
        elif (
            len(toks) == 3
            and (toks[1], toks[2]) not in joined
            and _middle_given(toks[0], toks[1], toks[2], table)
        ):
            n_given = 2  # "Navid Hassan Karimi" when Hassan is not the father
    if n_given > 1 and (
        is_suffix_token(toks[n_given])
        or (n_given == len(toks) - 1 and _is_second_part(toks[n_given], table))
    ):
        n_given -= 1  # "Mohammad Yousef Zadeh", "Ali Karim Abadi": the suffix needs its root
    elif is_suffix_token(toks[n_given]) and len(toks) == 2:
        first = table.token_keys(toks[0])
        if _bound_suffix(toks[1]) or not (len(first) == 1 and is_given_key(first[0])):
            # «رحیم زاده», "Bahman Pour" alone: one family name (a register that gives
            # only the family name); زاده or پور is no family name by itself
            return [], toks
    return toks[:n_given], toks[n_given:]


def _middle_given(x: str, z: str, y: str, table: VariantTable) -> bool:
    """In "X Z Y" read without a father: Z goes with the given name when it is a
    usual given name (not a title: Seyed) and Y a plausible family name that Z
    does not make an attested two-word family name with ("Navid Hassan Karimi",
    not "Navid Ali Mohammadi"), and X is no misspelt title."""
    zk, yk = table.token_keys(z), table.token_keys(y)
    return (
        len(zk) == 1
        and zk[0] in _roles()[2]
        and not _misspelt_title(x)
        and honorific_of(z) is None  # "Navid Seyed Ahmadi": Seyed-Ahmadi
        and _plausible_family(list(yk)) > 0
        and not _is_two_word_family(zk[0], y, table, alone=True)
    )


def person_name(
    full: str | None,
    given: str | None,
    family: str | None,
    father: str | None = None,
    table: VariantTable | None = None,
) -> PersonName:
    """Normalise a record's name fields.

    ``full`` is split when given/family are missing (:func:`parse_full_name`);
    given/family columns that are clearly swapped are swapped back; a father's
    name found in ``full`` fills ``father`` only when the record has none. What
    was done is listed in ``flags`` (:data:`NAME_FLAGS`).
    """
    table = table or default_table()
    gp = name_part(given, table, "given")
    fam = name_part(family, table, "family")
    fa = name_part(father, table, "father")
    flags: list[str] = []
    if gp.tokens or fam.tokens:
        parsed = parse_full_name(full, table, split=False)
        reading = parsed.reading
        if swapped_columns(gp, fam):
            gp, fam = name_part(family, table, "given"), name_part(given, table, "family")
            flags.append(FLAG_SWAPPED)
    else:
        parsed = parse_full_name(full, table)
        reading = parsed.resolve(fa.key or None)
        gp, fam = reading.given, reading.family
    fp = parsed.own
    flags.extend(reading.flags)
    if not fa.tokens and reading.father.tokens:
        fa = reading.father
        flags.append(FLAG_FATHER_FILLED)
    hons: list[str] = []
    for p in (fp, gp, fam):
        for h in p.honorifics:
            if h not in hons:
                hons.append(h)
    if not fp.tokens and (gp.tokens or fam.tokens):
        norm = " ".join(x for x in (gp.norm, fam.norm) if x)
        fp = NamePart(
            norm,
            gp.tokens + fam.tokens,
            gp.keys + fam.keys,
            " ".join(x for x in (gp.roman, fam.roman) if x),
            (),
        )
    script = script_of(" ".join(x for x in (fp.norm, gp.norm, fam.norm) if x))
    order = [f for f in NAME_FLAGS if f in flags]
    return PersonName(fp, gp, fam, fa, " ".join(hons) if hons else None, script, tuple(order))


@dataclass(frozen=True)
class NameResult:
    """What ``roshan normalize name VALUE`` shows."""

    normalized: str
    key: str
    romanized: str
    tokens: list[str]
    honorifics: list[str]
    script: str | None
    given: str | None = None
    family: str | None = None
    father: str | None = None
    title: str | None = None
    given_key: str | None = None
    family_key: str | None = None
    father_key: str | None = None
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict."""
        return {
            "normalized": self.normalized,
            "key": self.key,
            "romanized": self.romanized,
            "tokens": self.tokens,
            "honorifics": self.honorifics,
            "script": self.script,
            "given": self.given,
            "family": self.family,
            "father": self.father,
            "title": self.title,
            "given_key": self.given_key,
            "family_key": self.family_key,
            "father_key": self.father_key,
            "flags": self.flags,
        }


def normalize_name(value: str | None, table: VariantTable | None = None) -> NameResult:
    """Normalise one name string: script-folded text, cross-script key, romanisation,
    and the parts roshan reads in it as a full name.

    ``key`` is the space-separated token keys of the person's own name in written
    order (compounds split; a father clause such as "son of Ali" left out):
    ``normalize_name("محمدرضا حسینی").key == normalize_name("Mohammad-Reza Hosseini").key``.
    ``given``/``family``/``father``/``title`` are what a full-name column holding
    ``value`` is split into (:func:`person_name`).
    """
    table = table or default_table()
    p = person_name(value, None, None, None, table)
    own = p.full
    titles = p.honorifics.split() if p.honorifics else []
    return NameResult(
        own.norm,
        own.key,
        own.roman,
        list(own.keys),
        titles,
        script_of(own.norm),
        given=p.given.norm or None,
        family=p.family.norm or None,
        father=p.father.norm or None,
        title=p.honorifics,
        given_key=p.given.key or None,
        family_key=p.family.key or None,
        father_key=p.father.key or None,
        flags=list(p.flags),
    )
