"""Person names: tokens, honorifics, given/family split, keys and romanisation.

Builds on :mod:`text` (script folding), :mod:`keys` (rule key) and
:mod:`variants` (variant table, compound splitting). Honorifics and titles
(Seyyed, Sadat, Haj, Mirza, Sheikh, Mir; سید، سادات، حاج، میرزا...) are moved
into their own field rather than deleted: they carry information (Sadat marks
descent, Haj a pilgrimage) but are written inconsistently from list to list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from roshan.normalize.text import is_persian_token, normalize_text, script_of
from roshan.normalize.variants import (
    VariantTable,
    _data_path,
    _read_tsv,
    default_table,
    is_family_key,
    is_given_key,
    is_suffix_token,
    token_script_split,
)


@lru_cache(maxsize=1)
def _honorifics() -> dict[str, str]:
    out: dict[str, str] = {}
    for row in _read_tsv(_data_path("honorifics.tsv")):
        if len(row) >= 2:
            for form in row[1].split(","):
                f = normalize_text(form)
                if f:
                    out[f] = row[0]
    return out


def honorific_of(token: str) -> str | None:
    """Canonical honorific for a normalised token (``"seyyed"`` for سید/Seyed), else None."""
    return _honorifics().get(token)


# Readable fallback transliteration of Persian letters (display only).
_FA_ROMAN = {
    "ا": "a", "آ": "a", "ب": "b", "پ": "p", "ت": "t", "ث": "s", "ج": "j", "چ": "ch",
    "ح": "h", "خ": "kh", "د": "d", "ذ": "z", "ر": "r", "ز": "z", "ژ": "zh", "س": "s",
    "ش": "sh", "ص": "s", "ض": "z", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f",
    "ق": "gh", "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "و": "v", "ه": "h",
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
# Honorific prefixes written run-together with the name (سیدمحمد, Seyedmohammad).
_ATTACHED = ("سید", "seyyed", "seyed", "sayyed", "sayed", "sayyid")


def _tokens(norm: str) -> list[str]:
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
    return out


def _detach_honorific(token: str, table: VariantTable) -> tuple[str | None, str]:
    """Split a run-together honorific prefix (سیدمحمد → seyyed + محمد) when the rest is a name."""
    if not token.startswith(_ATTACHED):
        return None, token
    for pre in _ATTACHED:
        if token.startswith(pre) and len(token) >= len(pre) + 3:
            rest = token[len(pre):]
            keys = table.token_keys(rest)
            if len(keys) >= 1 and table._score(keys[0]) is not None:
                return honorific_of(pre), rest
    return None, token


@dataclass(frozen=True)
class NamePart:
    """One name field after normalisation."""

    norm: str                 # script-normalised text (original script), honorifics removed
    tokens: tuple[str, ...]   # normalised tokens
    keys: tuple[str, ...]     # cross-script token keys (compounds split)
    roman: str                # readable romanisation
    honorifics: tuple[str, ...]

    @property
    def key(self) -> str:
        """Space-separated token keys, in written order."""
        return " ".join(self.keys)


_EMPTY = NamePart("", (), (), "", ())


ROLES = ("given", "family", "full", "father")


def name_part(value: str | None, table: VariantTable | None = None,
              role: str = "given") -> NamePart:
    """Normalise one name field into a :class:`NamePart`.

    ``role`` says where titles are taken out: in a ``given``/``father`` field
    every title token (Seyyed Mohammad, Fatemeh Sadat); in a ``full`` name only
    the titles before the family name (Seyyed Ali Mousavi, Fatemeh Sadat Rezaei,
    but not the Haji of Milad Haji Abadi or the Mir of Ali Mir Hosseini); in a
    ``family`` field none — there they are part of the name.
    """
    norm = normalize_text(value)
    if not norm:
        return _EMPTY
    table = table or default_table()
    hons: list[str] = []
    kept: list[str] = []
    toks = _tokens(norm)
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
        # A lone token is a name even if it looks like a title ("Mir" alone).
        if h is not None and len(toks) > 1:
            if h not in hons:
                hons.append(h)
            continue
        if role != "family" and (role != "full" or leading):
            h, t = _detach_honorific(t, table)
            if h is not None and h not in hons:
                hons.append(h)
        leading = False
        kept.append(t)
    keys: list[str] = []
    for t in kept:
        tk = table.token_keys(t)
        if role in ("given", "father") and t.isascii() and t.endswith("ie") and len(t) > 3:
            # Razie (راضیه) in a given-name field, not Rezaie (رضایی)
            alt = table.token_keys(t + "h")
            if len(alt) == 1 and is_given_key(alt[0]) and not (
                    len(tk) == 1 and is_given_key(tk[0]) and not is_family_key(tk[0])):
                tk = alt
        keys.extend(tk)
    keys = list(table.merge_adjacent(tuple(keys)))
    roman = " ".join([r for r in [romanize_token(t, table) for t in kept] if r])
    return NamePart(" ".join(kept), tuple(kept), tuple(keys), roman, tuple(hons))


@dataclass(frozen=True)
class PersonName:
    """All the name columns of one record."""

    full: NamePart
    given: NamePart
    family: NamePart
    father: NamePart
    honorifics: str | None
    script: str | None

    @property
    def full_key(self) -> str:
        """Token keys of the whole name, sorted: order-free so "Family Given" lists match."""
        return " ".join(sorted(self.given.keys + self.family.keys)) if (
            self.given.keys or self.family.keys) else " ".join(sorted(self.full.keys))

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
    knows it as one, else a family name.
    """
    toks = list(part.tokens)
    if not toks:
        return [], []
    if "," in raw or "،" in raw:  # "Family, Given"
        sep = "," if "," in raw else "،"
        fam_raw, giv_raw = raw.split(sep, 1)
        fam = name_part(fam_raw, table, "family").tokens
        giv = name_part(giv_raw, table, "given").tokens
        if fam and giv:
            return list(giv), list(fam)
    if len(toks) == 1:
        keys = table.token_keys(toks[0])
        if len(keys) == 1 and is_given_key(keys[0]):
            return toks, []
        return [], toks
    # Given name: the first token, plus a second one when the two form a usual
    # compound (Mohammad Reza, Ali Akbar, Fatemeh Zahra); the rest is the family
    # name, which can be two words (Karimi Afshar, Jahan Panah).
    n_given = 1
    if len(toks) >= 3:
        k1 = table.token_keys(toks[0])
        k2 = table.token_keys(toks[1])
        if (len(k1) == 1 and len(k2) == 1 and k2[0] in _compound_second(table)
                and (k1[0] in _compound_first(table) or is_given_key(k1[0]))):
            n_given = 2
    if is_suffix_token(toks[n_given]) and n_given > 1:
        n_given -= 1  # "Amir Sohrab Pour": the suffix needs its root
    elif is_suffix_token(toks[n_given]) and len(toks) == 2:
        first = table.token_keys(toks[0])
        if not (len(first) == 1 and is_given_key(first[0])):
            return [], toks  # "Bahman Pour" alone: one family name
    return toks[:n_given], toks[n_given:]


_COMPOUND_FIRST = ("محمد", "علی", "امیر", "غلام", "ابو", "عبد", "فاطمه", "حسین", "سید", "میر")
# Usual second parts of compound given names. Names that also often start a
# two-word family name (Rahim Khanli, Karim Abadi, Yousef Zadeh) are left out.
_COMPOUND_SECOND = ("رضا", "علی", "حسین", "حسن", "مهدی", "امین", "جواد", "صادق", "تقی", "اکبر",
                    "اصغر", "زهرا", "سادات", "باقر", "کاظم", "محمد", "عباس", "هادی")


@lru_cache(maxsize=1)
def _compound_sets() -> tuple[frozenset[str], frozenset[str]]:
    t = default_table()
    first = frozenset(k for w in _COMPOUND_FIRST for k in t.token_keys(w))
    second = frozenset(k for w in _COMPOUND_SECOND for k in t.token_keys(w))
    return first, second


def _compound_first(table: VariantTable) -> frozenset[str]:
    return _compound_sets()[0]


def _compound_second(table: VariantTable) -> frozenset[str]:
    return _compound_sets()[1]


def person_name(full: str | None, given: str | None, family: str | None,
                father: str | None = None, table: VariantTable | None = None) -> PersonName:
    """Normalise a record's name fields; split ``full`` when given/family are missing."""
    table = table or default_table()
    fp = name_part(full, table, "full")
    gp = name_part(given, table, "given")
    fam = name_part(family, table, "family")
    fa = name_part(father, table, "father")
    if not gp.tokens and not fam.tokens and fp.tokens:
        g_toks, f_toks = split_full_name(fp, full or "", table)
        gp = name_part(" ".join(g_toks), table, "given")
        fam = name_part(" ".join(f_toks), table, "family")
    hons: list[str] = []
    for p in (fp, gp, fam):
        for h in p.honorifics:
            if h not in hons:
                hons.append(h)
    if not fp.tokens and (gp.tokens or fam.tokens):
        norm = " ".join(x for x in (gp.norm, fam.norm) if x)
        fp = NamePart(norm, gp.tokens + fam.tokens, gp.keys + fam.keys,
                      " ".join(x for x in (gp.roman, fam.roman) if x), ())
    script = script_of(" ".join(x for x in (fp.norm, gp.norm, fam.norm) if x))
    return PersonName(fp, gp, fam, fa, " ".join(hons) if hons else None, script)


@dataclass(frozen=True)
class NameResult:
    """What ``roshan normalize name VALUE`` shows."""

    normalized: str
    key: str
    romanized: str
    tokens: list[str]
    honorifics: list[str]
    script: str | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict."""
        return {
            "normalized": self.normalized, "key": self.key, "romanized": self.romanized,
            "tokens": self.tokens, "honorifics": self.honorifics, "script": self.script,
        }


def normalize_name(value: str | None, table: VariantTable | None = None) -> NameResult:
    """Normalise one name string: script-folded text, cross-script key, romanisation.

    ``key`` is the space-separated token keys in written order (compounds split):
    ``normalize_name("محمدرضا حسینی").key == normalize_name("Mohammad-Reza Hosseini").key``.
    """
    p = name_part(value, table, "full")
    return NameResult(p.norm, p.key, p.roman, list(p.keys), list(p.honorifics),
                      script_of(p.norm))
