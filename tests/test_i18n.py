"""Shared language helpers (roshan.i18n) and the string catalogs of the report and web app."""

from __future__ import annotations

from datetime import date

import pytest

from roshan import i18n
from roshan.report import i18n as report_i18n
from roshan.web import i18n as web_i18n


def test_persian_digits_and_direction() -> None:
    assert i18n.persian_digits("ab 0123456789, 1.5") == "ab ۰۱۲۳۴۵۶۷۸۹, ۱.۵"
    assert i18n.direction("fa") == "rtl"
    assert i18n.direction("en") == i18n.direction("de") == "ltr"


@pytest.mark.parametrize(
    ("value", "decimals", "en", "fa"),
    [
        (0, 0, "0", "۰"),
        (1234567, 0, "1,234,567", "۱٬۲۳۴٬۵۶۷"),
        (-9876.5, 1, "-9,876.5", "-۹٬۸۷۶٫۵"),
        ("1234.567", 2, "1,234.57", "۱٬۲۳۴٫۵۷"),
    ],
)
def test_grouped(value: object, decimals: int, en: str, fa: str) -> None:
    assert i18n.grouped(value, "en", decimals) == en
    assert i18n.grouped(value, "fa", decimals) == fa


def test_grouped_rejects_text() -> None:
    with pytest.raises(ValueError):
        i18n.grouped("abc", "fa")


def test_report_and_web_write_whole_numbers_alike() -> None:
    for value in (0, 7, 1234, 1_234_567, -42):
        for lang in i18n.LANGS:
            assert report_i18n.num(value, lang) == web_i18n.number(value, lang)


def test_jalali_date_and_each_surface_layout() -> None:
    d = date(2026, 1, 8)
    j = i18n.jalali_date(d)
    assert (j.year, j.month, j.day) == (1404, 10, 18)
    assert i18n.JALALI_MONTHS_FA[j.month - 1] == "دی"
    assert report_i18n.date_label(d, "fa") == "۱۸ دی ۱۴۰۴ (۲۰۲۶-۰۱-۰۸)"
    assert report_i18n.date_label(d, "en") == "8 January 2026"
    assert web_i18n.format_date(d, "fa") == "۱۴۰۴/۱۰/۱۸"
    assert web_i18n.format_date("2026-01-08T12:34:56", "en") == "2026-01-08 12:34"


def test_catalogs_load_from_packaged_toml_with_english_for_every_key() -> None:
    method = i18n.load_catalog("roshan.report", "method.toml")
    assert set(method) == {"paragraphs", "linkage"}
    for lang in i18n.LANGS:
        assert len(report_i18n.method_paragraphs(lang)) == 4
        assert "--linkage-draws" in report_i18n.method_linkage_paragraph(lang)
    for entry in report_i18n.STRINGS.values():
        assert set(entry) == set(i18n.LANGS) and all(entry.values())
    for key, entry in web_i18n.STRINGS.items():
        assert set(entry) == set(i18n.LANGS), key
        assert entry["en"] or key == "synthetic_note"
    # multi-line TOML strings are joined without a break or doubled space
    assert report_i18n.t("synthetic_banner") == (
        "SYNTHETIC DATA — this report was made from simulated lists. The people, numbers "
        "and places in it are not real."
    )
    assert report_i18n.t("undated", "fa", n="۵").startswith("۵ قربانی")


def test_lookup_fallbacks() -> None:
    assert i18n.pick({"en": "yes", "fa": ""}, "fa") == "yes"
    assert i18n.pick({"en": "yes"}, "de") == "yes"
    assert web_i18n.t("fa", "no-such-key") == "no-such-key"
    with pytest.raises(KeyError):
        report_i18n.t("no-such-key")


# ---------------------------------------------------------------- ingest notes in Persian

#: A value for each field of the ingest notes (the file's text written as the readers do).
NOTE_VALUES = {
    "n": "12",
    "across": "3",
    "row": "4",
    "rows": "3, 5, 8 …",
    "sheet": "'Sheet 1: Tehran'",
    "before": "'Cover', 'درباره'",
    "sheets": "'Tehran', 'کرج'",
    "column": "'sheet'",
    "ref": "A6:B6",
    "path": "data.records",
    "columns": "“Full Name” → full_name, “سن” → age",
    "note": "2 formula cells read as the values Excel cached for them",
}


def _fields(template: str) -> list[tuple[str, str, str]]:
    from string import Formatter

    return [(n, s, c or "") for _, n, s, c in Formatter().parse(template) if n is not None]


def test_every_ingest_note_has_a_persian_template_with_its_fields() -> None:
    from roshan.ingest import NOTES

    assert set(web_i18n.NOTES_FA) == set(NOTES)
    for key, english in NOTES.items():
        persian = web_i18n.NOTES_FA[key]
        assert sorted(_fields(persian)) == sorted(_fields(english)), key
        assert all(spec == conv == "" for _, spec, conv in _fields(english)), key
        assert any("\u0600" <= ch <= "\u06ff" for ch in persian), key  # written in Persian
        assert set(_fields(english)) <= {(n, "", "") for n in NOTE_VALUES}, key


@pytest.mark.parametrize("key", sorted(web_i18n.NOTES_FA))
def test_ingest_note_round_trip_to_persian(key: str) -> None:
    from roshan.ingest import NOTE_NUMBERS, NOTES, format_note, parse_note

    fields = {n: NOTE_VALUES[n] for n, _, _ in _fields(NOTES[key])}
    english = format_note(key, **fields)
    assert parse_note(english) == (key, fields)
    assert web_i18n.note_text(english, "en") == english
    expected = {
        n: (
            web_i18n.note_text(v, "fa")
            if n == "note"
            else i18n.persian_digits(v)
            if n in NOTE_NUMBERS
            else f"\u2068{v}\u2069"
        )
        for n, v in fields.items()
    }
    persian = web_i18n.note_text(english, "fa")
    assert persian == web_i18n.NOTES_FA[key].format(**expected)
    for n, v in fields.items():  # the file's text as written, numbers in Persian digits
        if n != "note":
            assert (i18n.persian_digits(v) if n in NOTE_NUMBERS else v) in persian
    if "note" in fields:
        assert "۲ سلول فرمول‌دار" in persian


def test_ingest_notes_keep_their_english_and_unknown_notes_stay_english() -> None:
    from roshan.ingest import format_note

    assert format_note("preamble_one", n=1) == (
        "1 row above the header (a title or blank) was not read as data; data rows are "
        "numbered from the row after the header"
    )
    assert format_note("json_wrapped", path="data") == "the records were read from data"
    for text in ("a note no reader writes", "sheet 'X': not a note", ""):
        assert web_i18n.note_text(text, "fa") == text
