"""Rule-based cross-script phonetic key of one name token.

Persian script writes consonants and the long vowels (ا ā, و u/ow, ی i/ey) but
not the short vowels a, e, o; Latin spellings write every vowel, in many ways
(Hossein/Hosein/Hosseyn, Mousavi/Moosavi/Musavi). The key keeps what both
scripts agree on:

* consonants in sound classes: ح/ه and h → ``h``; خ and kh/x → ``x``; ق/غ and
  q/gh → ``q``; ش/sh → ``S``; چ/ch → ``C``; ج/ژ and j/zh → ``j``; س/ص/ث → ``s``;
  ز/ذ/ض/ظ → ``z``; ت/ط → ``t``; ک/c/k → ``k``; و (consonant)/v/w → ``v``;
* long vowels: ی and i/ee/ei/ey/y → ``Y``; و and v/w/u/ou/oo/ow → ``v`` (one
  class: Persian cannot tell the consonant و of Daneshvar from the vowel of Kourosh);
* a word-initial vowel (ا آ ع, or any Latin vowel) → ``A``;
* word-final vowels: ا/a → ``A``, silent ه/e/eh → ``E``, ی/i → ``Y``, و/o/u → ``v``;
* short vowels (Latin a e o in the middle of a word), ع, ء and apostrophes are
  dropped; repeated classes are collapsed (Hassan = Hasan).

So حسین, Hossein, Hosein, Hosseyn all give ``hsYn``; حسن/Hassan give ``hsn``;
محمد/Mohammad/Mohamad/Mohammed give ``mhmd`` while محمود/Mahmoud give
``mhmvd``; زهرا/Zahra ``zhrA`` and زهره/Zohreh ``zhrE``. Irregular spellings
(Muhammad, Hussein, Mostafa for مصطفی) are reconciled by the variant table in
:mod:`roshan.normalize.variants`, which maps rule keys onto each other.

The input is a single token already passed through
:func:`roshan.normalize.text.normalize_text` (lower-case, no punctuation).
"""

from __future__ import annotations

import re

from roshan.normalize.text import is_persian_token

# ---------------------------------------------------------------- Persian side
_FA_CONS = {
    "ب": "b",
    "پ": "p",
    "ت": "t",
    "ط": "t",
    "ث": "s",
    "س": "s",
    "ص": "s",
    "ج": "j",
    "ژ": "j",
    "چ": "C",
    "ح": "h",
    "ه": "h",
    "خ": "x",
    "د": "d",
    "ذ": "z",
    "ز": "z",
    "ض": "z",
    "ظ": "z",
    "ر": "r",
    "ش": "S",
    "ع": "",
    "غ": "q",
    "ق": "q",
    "ف": "f",
    "ک": "k",
    "گ": "g",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ی": "Y",
}
_FA_ALEFS = "اآ"
_FA_VOWEL_LETTERS = "اآیو"
# Names whose final ی is pronounced ā (alef maqsura): مصطفی = Mostafa.
_ALEF_MAQSURA = frozenset(
    "مصطفی مرتضی مجتبی موسی عیسی یحیی کبری صغری هدی مولی اعلی عظمی طوبی".split()
)


_MAQSURA_PREFIXES = ("مصطفی", "مرتضی", "مجتبی", "موسی", "عیسی", "یحیی")


def _persian_key(tok: str) -> str:
    if tok in _ALEF_MAQSURA:
        tok = tok[:-1] + "ا"
    elif tok.startswith(_MAQSURA_PREFIXES):  # مرتضی‌پور = Mortezapour
        for w in _MAQSURA_PREFIXES:
            if tok.startswith(w) and len(tok) > len(w):
                tok = w[:-1] + "ا" + tok[len(w) :]
                break
    # Arabic article after Abu (ابوالفضل = Abolfazl): the و is a vowel.
    if tok.startswith("ابوال"):
        tok = "ابل" + tok[5:]
    out: list[str] = []
    n = len(tok)
    for i, ch in enumerate(tok):
        prev = tok[i - 1] if i else "^"
        nxt = tok[i + 1] if i + 1 < n else "$"
        last = i == n - 1
        if i == 0 and ch in _FA_ALEFS + "ع":
            out.append("A")
            continue
        if ch in _FA_ALEFS:
            if last:
                out.append("A")
            continue
        if ch == "و":
            if i == 0 or prev in _FA_ALEFS:
                out.append("v")
            elif nxt in _FA_ALEFS:
                out.append("v")
            elif nxt == "ی":
                after = tok[i + 2] if i + 2 < n else "$"
                # رویا/پویا: the و is a vowel glide before یا, written or not in Latin.
                if after not in _FA_ALEFS and after != "و":
                    out.append("v")
            else:
                out.append("W")
            continue
        if ch == "ه":
            if last and i > 0:
                if prev in "او" or tok.endswith("لله"):
                    out.append("h")
                else:
                    out.append("E")
            else:
                out.append("h")
            continue
        if ch == "ع" and last and i > 0:
            # زارع = Zare, شجاع = Shoja: a final ع is heard as a short vowel
            if prev in _FA_ALEFS:
                out.append("A")
            elif prev not in "یو":
                out.append("E")
            continue
        if ch in _FA_CONS:
            out.append(_FA_CONS[ch])
        elif ch.isascii() and ch.isalnum():
            out.append(ch)
        # anything else (other Arabic-script letters, marks) is ignored
    return _collapse("".join(out).replace("W", "v"))


# ------------------------------------------------------------------ Latin side
_LATIN_DIGRAPHS = [
    ("tch", "C"),
    ("sch", "S"),
    ("kh", "x"),
    ("gh", "q"),
    ("sh", "S"),
    ("ch", "C"),
    ("zh", "j"),
    ("ph", "f"),
    ("ck", "k"),
    ("c", "k"),
    ("w", "v"),
    ("q", "q"),
]
_VOWELS = "aeiou"
_OW = re.compile(r"ow(?![aeiouy])")
_CLUSTER = re.compile(r"[aeiou]+")
_ABUL = re.compile(r"^(?:aboul|abul|aboal|abool)")
_GLIDE = re.compile(r"^y[aeiou]")
_DJ = re.compile(r"^dj")
_GU = re.compile(r"gu(?=[ei])")


def _mid_cluster(c: str) -> str:
    """Long-vowel markers of a vowel run inside a word."""
    marks: list[tuple[int, str]] = []
    for pat, mark in (("i", "Y"), ("ee", "Y"), ("ae", "Y"), ("u", "W"), ("oo", "W")):
        pos = c.find(pat)
        if pos >= 0:
            marks.append((pos, mark))
    marks.sort()
    out = ""
    for _, m in marks:
        if not out.endswith(m):
            out += m
    return out


def _final_cluster(c: str, from_eh: bool) -> str:
    if c.endswith("ee") or c.endswith("i") or c.endswith("u") or c.endswith("oo"):
        return _mid_cluster(c)
    if c.endswith("ie") and not from_eh:
        return _mid_cluster(c)
    last = c[-1]
    body = _mid_cluster(c[:-1])
    if last == "a":
        return body + "A"
    if last == "e":
        return body + "E"
    return body + "W"  # o


def _latin_key(tok: str) -> str:
    s = "".join(ch for ch in tok if ch.isascii() and ch.isalnum())
    if not s:
        return ""
    from_eh = False
    if len(s) > 2 and s.endswith("eh"):
        s = s[:-1]
        from_eh = True
    s = _OW.sub("ou", s)
    s = _DJ.sub("j", s)  # Djamshid, Djavad (French spellings)
    s = _GU.sub("g", s)  # Neguin, Guilan (French spellings)
    # Abol-/Abul-/Aboul- (ابوال...): the Arabic article, no long vowel written.
    s = _ABUL.sub("abol", s)
    for a, b in _LATIN_DIGRAPHS:
        s = s.replace(a, b)
    out: list[str] = []
    pos = 0
    for m in _CLUSTER.finditer(s):
        seg = s[pos : m.start()]
        out.extend("Y" if ch == "y" else ch for ch in seg)
        c = m.group()
        if m.start() == 0:
            out.append("A")
            if m.end() == len(s):
                pass
            elif c.startswith("i") or c in ("ei", "ee", "ai", "ae"):
                out.append("Y")
            elif c in ("ou", "oo", "u"):
                out.append("W")
        elif m.end() == len(s):
            out.append(_final_cluster(c, from_eh))
        else:
            mark = _mid_cluster(c)
            if _GLIDE.match(s[m.end() :]):
                mark = mark.replace("W", "")  # Pouya = Poya = پویا
            out.append(mark)
        pos = m.end()
    out.extend("Y" if ch == "y" else ch for ch in s[pos:])
    # و is one letter whether it is read v, u, ou or ow: one class.
    return _collapse("".join(out).replace("W", "v"))


def _collapse(key: str) -> str:
    out: list[str] = []
    for ch in key:
        if out and out[-1] == ch:
            continue
        out.append(ch)
    return "".join(out)


def rule_key(token: str) -> str:
    """Cross-script rule key of one normalised token (Persian or Latin script).

    Deterministic and total: returns ``""`` for a token with no usable letter.
    Digits are kept as they are (they are rare in names and should not vanish).
    """
    if not token:
        return ""
    if is_persian_token(token):
        return _persian_key(token)
    return _latin_key(token.lower())


# Letters that differ only by their dots in Persian script, by their key classes:
# ح خ ج چ (h x j C; ژ keys as j, with ج), ر ز (r z), ب پ (b p), ک گ (k g), س ش (s S).
# A dot dropped, added or misplaced by a hand, a scan or a hurried typist (مخمدی for
# محمدی, پهرامیان for بهرامیان, رارعی for زارعی) changes the key but not the skeleton.
# Not merged, because common names would meet: ت with ب (طاهره, بهاره), د with ذ (which
# keys as z: نادری, نظری), ف with ق (فاضل, غزل); and repeated letters are not collapsed
# again (مهرداد, مهرزاد).
_DOT_SKELETON = str.maketrans(
    {"x": "h", "j": "h", "C": "h", "z": "r", "p": "b", "g": "k", "S": "s"}
)


def dot_skeleton(key: str | None) -> str | None:
    """``key`` (one or more rule keys) with letters that differ only by their dots in
    Persian script made one: ``dot_skeleton("mxmdY") == dot_skeleton("mhmdY")``.
    None stays None."""
    if not key:
        return key
    return key.translate(_DOT_SKELETON)
