"""Script normalisation of free text: Persian/Arabic letters and Latin spellings.

Lists of the dead are typed by many hands on many keyboards: Arabic ``ي``/``ك``
instead of Persian ``ی``/``ک``, ``ة`` for ``ه``, hamza carriers, tatweel,
diacritics, zero-width (non-)joiners, Persian or Arabic-Indic digits, accented
or apostrophised Latin transliterations. :func:`normalize_text` folds all of
these into one form *in the original script* so that equal names are equal
strings; the cross-script comparison is the job of :mod:`roshan.normalize.keys`.

Everything here is total: any ``str`` (or ``None``) is accepted and nothing raises.
"""

from __future__ import annotations

import re
import unicodedata

# Persian (U+06F0..U+06F9) and Arabic-Indic (U+0660..U+0669) digits -> ASCII.
_DIGITS = {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")})

# Letter folding: Arabic code points and hamza carriers to their Persian base letter.
_LETTERS = {
    "ي": "ی",
    "ى": "ی",
    "ې": "ی",
    "ۍ": "ی",
    "ێ": "ی",
    "ے": "ی",
    "ك": "ک",
    "ڪ": "ک",
    "ػ": "ک",
    "ة": "ه",
    "ۀ": "ه",
    "ە": "ه",
    "ھ": "ه",
    "ہ": "ه",
    "ۂ": "ه",
    "أ": "ا",
    "إ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ؤ": "و",
    "ۄ": "و",
    "ۆ": "و",
    "ئ": "ی",
    "ء": "",  # bare hamza: dropped (اسماء -> اسما)
    "ـ": "",  # tatweel (kashida)
    "٪": "%",
    "،": ",",
    "؛": ";",
    "؟": "?",
    "٫": ".",
    "٬": ",",
}
_LETTER_TABLE = str.maketrans({**{ord(k): v for k, v in _LETTERS.items()}, **_DIGITS})

# Zero-width and bidi control characters are removed. ZWNJ (U+200C) separates
# the parts of a compound (علی‌رضا, حسین‌زاده, قلعه‌نوی) and becomes a space:
# keys then see علی رضا, and split the joined spelling علیرضا the same way.
_ZWNJ = re.compile("[\u200c\u200d]")
_INVISIBLE = re.compile(
    "[\u200b\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
    "\u202a-\u202e\u2066-\u2069\u00ad\u034f\u180e]"
)
# Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef, hamza marks...).
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_SPACES = re.compile(r"\s+")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u02bb\u02bf\u02be\u0060\u00b4\u2032]")


_LATIN_ACCENTED = re.compile("[\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f]")
_NOT_WORD = re.compile(r"[^\w\s]|_")


def strip_latin_accents(text: str) -> str:
    """Drop combining marks from Latin letters only (â, ā -> a), keeping Persian intact."""
    if text.isascii() or not _LATIN_ACCENTED.search(text):
        return text
    decomposed = unicodedata.normalize("NFD", text)
    out: list[str] = []
    for ch in decomposed:
        if unicodedata.combining(ch) and out and out[-1].isascii():
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


# Sorani Kurdish spelling (Kurdish lists write names in it: ڕێبین، هەژار، ئەحمەد ئەمینی).
# It writes every vowel: ئ opens a word that starts with a vowel (ئا = آ, ئە = ا), and ە
# is a short e/a that Persian leaves unwritten inside a word and writes ه at its end
# (فاتمە = فاطمه). ڕ ڵ are Persian ر ل. Persian text never has these, so the rules
# change nothing there.
_WORD_START = "(?<![\u0600-\u06ff\u0750-\u077f])"
_KURDISH_ALEF = re.compile(_WORD_START + "ئا")
_KURDISH_VOWEL = re.compile(_WORD_START + "ئ")
_KURDISH_E_END = re.compile("\u06d5(?![\u0600-\u06ff\u0750-\u077f])")
_KURDISH_LETTERS = str.maketrans({"\u06d5": "", "\u0695": "ر", "\u06b5": "ل", "\u06a4": "و"})


def _sorani(text: str) -> str:
    if "ئ" in text:
        text = _KURDISH_VOWEL.sub("ا", _KURDISH_ALEF.sub("آ", text))
    if "\u06d5" in text or "\u0695" in text or "\u06b5" in text or "\u06a4" in text:
        text = _KURDISH_E_END.sub("ه", text).translate(_KURDISH_LETTERS)
    return text


def _fold_once(value: str) -> str:
    # NFKC folds Arabic presentation forms (ﻣﺤﻤﺪ) and full-width Latin.
    text = unicodedata.normalize("NFKC", value)
    text = _INVISIBLE.sub("", text)
    text = _ZWNJ.sub(" ", text)
    text = _sorani(text)
    text = text.translate(_LETTER_TABLE)
    text = _ARABIC_MARKS.sub("", text)
    text = strip_latin_accents(text)
    text = _APOSTROPHES.sub("", text)
    text = text.lower()
    # Keep letters and digits of any script (\w is str.isalnum() plus "_");
    # everything else separates words.
    text = _NOT_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def normalize_text(value: str | None) -> str:
    """Return ``value`` with script variants folded, in its original script.

    Persian side: Arabic ي/ى→ی, ك→ک, ة/ۀ→ه, hamza carriers (أ إ ٱ ؤ ئ) to their
    base letter, tatweel and diacritics removed, zero-width characters removed
    (so علی‌رضا becomes علیرضا), digits to ASCII. Latin side: accents removed,
    lower-cased, apostrophes dropped (Sa'id→said), hyphens and other
    punctuation become spaces. Whitespace is collapsed. ``None`` → ``""``.
    Idempotent: ``normalize_text(normalize_text(x)) == normalize_text(x)``.
    """
    if not value:
        return ""
    if not isinstance(value, str):
        value = str(value)
    # Fold until stable (at most a few passes) so the function is idempotent
    # even when NFKC or lower-casing produce new foldable characters.
    text = value
    for _ in range(4):
        folded = _fold_once(text)
        if folded == text or folded.isascii():  # ASCII output is already stable
            return folded
        text = folded
    return text


def to_ascii_digits(value: str) -> str:
    """Replace Persian and Arabic-Indic digits with ASCII digits, nothing else."""
    return value.translate(_DIGITS) if value else ""  # already an ordinal table


def script_of(text: str | None) -> str | None:
    """Classify ``text`` as ``"fa"`` (Arabic script), ``"latin"``, ``"mixed"`` or ``None``."""
    if not text:
        return None
    has_fa = bool(_ARABIC_LETTER.search(text))
    has_lat = bool(_LATIN_LETTER.search(text))
    if has_fa and has_lat:
        return "mixed"
    if has_fa:
        return "fa"
    if has_lat:
        return "latin"
    return None


def is_persian_token(token: str) -> bool:
    """True when ``token`` contains any Arabic-script letter."""
    return bool(_ARABIC_LETTER.search(token))
