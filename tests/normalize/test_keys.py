"""Cross-script keys: the issue's examples collide, near-namesakes don't."""

from __future__ import annotations

import pytest

from roshan.normalize.keys import rule_key
from roshan.normalize.names import normalize_name
from roshan.normalize.text import normalize_text

BRIEF_GROUPS = [
    ["محمد", "Mohammad", "Mohammed", "Muhammad", "Mohamad"],
    ["حسین", "Hossein", "Hosein", "Hussein"],
    ["سعید", "Saeed", "Saeid", "Said"],
    ["قاسم", "Ghasem", "Qasem"],
    ["رضایی", "Rezaei", "Rezaee", "Rezaie"],
    ["موسوی", "Mousavi", "Moosavi", "Musavi"],
    ["محمدرضا حسینی", "Mohammad Reza Hosseini", "Mohamadreza Husseini", "محمدرضا حسيني"],
    ["علی‌رضا", "علیرضا", "علی رضا", "Mohammad-Reza"[0:0] + "Alireza", "Ali-Reza"],
    # the Abd-ol- names: four keys among these spellings before
    ["عبدالرضا", "Abdolreza", "Abdulreza", "Abdul Reza", "Abd-ol-Reza", "Abd al-Reza", "Abdorreza"],
    ["عبدالرحمن", "Abdolrahman", "Abdul Rahman", "Abdurrahman", "Abdorrahman"],
    ["عبدالکریم", "Abdolkarim", "Abdelkarim", "Abdel Karim"],
    ["عبدالله", "Abdollah", "Abdullah", "Abd-Allah"],
    ["روح‌الله", "Ruhollah", "Rouhollah", "Ruhullah", "Rouh Allah"],
    ["ذبیح‌الله", "Zabihollah", "Zabihullah"],
]


@pytest.mark.parametrize("forms", BRIEF_GROUPS, ids=lambda g: g[0])
def test_brief_variants_collide(forms: list[str]) -> None:
    keys = {normalize_name(f).key for f in forms}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("حسین", "حسن"),
        ("Hossein", "Hassan"),
        ("Mohsen", "Mohammad"),
        ("Zahra", "Zohreh"),
        ("محمود", "محمد"),
        ("Mahmoud", "Mohammad"),
        ("حمید", "حامد"),
        ("Ehsan", "Hassan"),
        ("مهدی", "مهدیه"),
        ("Reza", "Rezaei"),
        ("Amir", "Amin"),
        ("Abdi", "Abdoli"),  # عبدی, عبدلی: not Abd-ol- names
        ("Abdi", "Abdollahi"),
    ],
)
def test_near_namesakes_differ(a: str, b: str) -> None:
    assert normalize_name(a).key != normalize_name(b).key


def test_rule_key_examples() -> None:
    assert rule_key("hossein") == rule_key(normalize_text("حسین")) == "hsYn"
    assert rule_key("hassan") == "hsn"
    assert rule_key("zahra") == "zhrA"
    assert rule_key("zohreh") == "zhrE"
    assert rule_key("") == ""
    assert rule_key("!!!") == ""


def test_compound_token_order_and_split() -> None:
    r = normalize_name("Mohammadreza")
    assert r.tokens == ["mhmd", "rzA"]
    assert normalize_name("Hosseinzadeh").key == normalize_name("حسین‌زاده").key


@pytest.mark.parametrize(
    "forms",
    [
        # the letter where two names meet written once for two (امیر + رضا): the
        # run-together form was split امی + رضا, so «امیررضا» and «امیر رضا» differed
        ["امیررضا", "Amirreza", "امیر رضا", "Amir Reza", "امیر‌رضا", "Amir-Reza"],
        ["امیررحیم", "Amirrahim", "امیر رحیم"],
    ],
)
def test_a_shared_boundary_letter_splits_like_two_words(forms: list[str]) -> None:
    assert len({normalize_name(f).key for f in forms}) == 1, forms
    # a name of its own is not split at a letter it would have to share
    assert normalize_name("Nasrin").key == normalize_name("نسرین").key == "nsrYn"


def test_honorifics_split_not_deleted() -> None:
    r = normalize_name("Seyyed Mohammad Mousavi")
    assert r.honorifics == ["seyyed"]
    assert r.key == normalize_name("سید محمد موسوی").key == normalize_name("Mohammad Mousavi").key
    assert normalize_name("Haj Ghasem").honorifics == ["haj"]
    assert normalize_name("Fatemeh Sadat Rezaei").honorifics == ["sadat"]
    assert normalize_name("سیدمحمد").honorifics == ["seyyed"]
    # a lone title-like token stays a name
    assert normalize_name("Mir").key != ""


def test_romanization_is_readable_ascii() -> None:
    r = normalize_name("محمدرضا حسینی")
    assert r.romanized == "mohammadreza hosseini"
    fallback = normalize_name("لردگان").romanized
    assert fallback.isascii() and fallback.startswith("l") and fallback.endswith("gan")


def test_full_name_split_keeps_two_word_family_names() -> None:
    from roshan.normalize.names import person_name

    cases = {
        "اکبر کریمی افشار": ("اکبر", "کریمی افشار"),
        "محمد رضا حسینی": ("محمد رضا", "حسینی"),
        "Mohammad Reza Hosseini": ("mohammad reza", "hosseini"),
        "Ali Hosseini Nejad": ("ali", "hosseini nejad"),
        "Hosseini, Mohammad Reza": ("mohammad reza", "hosseini"),
        "سید سعید صالح": ("سعید", "صالح"),
        "Zahra": ("zahra", ""),
    }
    for full, (given, family) in cases.items():
        p = person_name(full, None, None)
        assert (p.given.norm, p.family.norm) == (given, family), full


def test_titles_inside_family_names_are_kept() -> None:
    from roshan.normalize.names import person_name

    p = person_name("Milad Haji Abadi", None, None)
    assert (p.given.norm, p.family.norm, p.honorifics) == ("milad", "haji abadi", None)
    p = person_name("Haj Seyyed Ali Karimi", None, None)
    assert (p.given.norm, p.family.norm, p.honorifics) == ("ali", "karimi", "haj seyyed")
    p = person_name(None, "Seyed Mohammad", "Mir Hosseini")
    assert (p.given.norm, p.family.norm, p.honorifics) == ("mohammad", "mir hosseini", "seyyed")
    assert p.family.key == person_name("Ali Mir Hosseini", None, None).family.key


def test_latin_ie_ending_read_by_field() -> None:
    from roshan.normalize.names import person_name

    latin = person_name(None, "Razie", "Rezaie")
    persian = person_name(None, "راضیه", "رضایی")
    assert latin.given.key == persian.given.key
    assert latin.family.key == persian.family.key
    assert latin.given.key != latin.family.key
