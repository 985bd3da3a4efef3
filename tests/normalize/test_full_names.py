"""Full-name-only lists: title, given, family and father's names read from one column.

Issue 18, item 4. Names are SYNTHETIC combinations of common given and family
names (no real persons). Persian and Latin script, Arabic ي/ك, ZWNJ variants.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from roshan.canonical import FIELD_NAMES
from roshan.normalize.names import NAME_FLAGS, normalize_name, person_name
from roshan.normalize.snapshot import normalize_frame

FATHER_FLAGS = ["father_in_full_name", "father_from_full_name"]


def read(full: str, father: str | None = None) -> tuple:
    p = person_name(full, None, None, father)
    return (p.given.norm or None, p.family.norm or None, p.father.norm or None, p.honorifics)


# ------------------------------------------------------------ father connectives


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("حسین رضایی فرزند علی", ("حسین", "رضایی", "علی", None)),
        ("حسين رضايي فرزند علي", ("حسین", "رضایی", "علی", None)),  # Arabic ي
        ("حسین رضایی پسر علی", ("حسین", "رضایی", "علی", None)),
        ("زهرا رضایی دختر علی", ("زهرا", "رضایی", "علی", None)),
        ("حسین رضایی ولد علی", ("حسین", "رضایی", "علی", None)),
        ("حسین رضایی بن علی", ("حسین", "رضایی", "علی", None)),
        ("حسین رضایی (فرزند علی)", ("حسین", "رضایی", "علی", None)),
        ("حسین رضایی، فرزند علی", ("حسین", "رضایی", "علی", None)),
        ("رضایی، حسین فرزند علی", ("حسین", "رضایی", "علی", None)),  # Persian comma
        ("سید علی موسوی فرزند سید مهدی", ("علی", "موسوی", "مهدی", "seyyed")),
        ("سیده فاطمه حسینی دختر علی", ("فاطمه", "حسینی", "علی", "seyyed")),
        # «س.» abbreviates سید/سیده: a title, not a one-letter given name
        ("س.محمد حسینی فرزند علی", ("محمد", "حسینی", "علی", "seyyed")),
        ("س. هیمن موسوی فرزند جعفر", ("هیمن", "موسوی", "جعفر", "seyyed")),
        ("كاظم كريمي فرزند علي", ("کاظم", "کریمی", "علی", None)),  # Arabic ك and ي
        ("Hossein Rezaei son of Ali", ("hossein", "rezaei", "ali", None)),
        ("Rezaei, Hossein son of Ali", ("hossein", "rezaei", "ali", None)),
        ("REZAEI, Hossein son of ALI", ("hossein", "rezaei", "ali", None)),
        ("Zahra Rezaei daughter of Ali", ("zahra", "rezaei", "ali", None)),
        ("Hossein Rezaei s/o Ali", ("hossein", "rezaei", "ali", None)),
        ("Zahra Rezaei D/O Ali", ("zahra", "rezaei", "ali", None)),
        ("Hossein Rezaei, son of Ali", ("hossein", "rezaei", "ali", None)),
        ("Hossein Rezaei (son of Ali)", ("hossein", "rezaei", "ali", None)),
        ("Seyed Ali Mousavi son of Seyed Mahdi", ("ali", "mousavi", "mahdi", "seyyed")),
        ("Sayyid Ali Mousavi son of Mahdi", ("ali", "mousavi", "mahdi", "seyyed")),
        ("Rezaei, Seyyed Hossein son of Ali", ("hossein", "rezaei", "ali", "seyyed")),
        ("Fatemeh Sadat Rezaei daughter of Ali", ("fatemeh", "rezaei", "ali", "sadat")),
    ],
)
def test_father_connectives(full: str, expected: tuple) -> None:
    assert read(full) == expected
    assert list(person_name(full, None, None).flags) == FATHER_FLAGS


def test_connective_words_are_not_name_tokens() -> None:
    for full in ("Hossein Rezaei son of Ali", "حسین رضایی فرزند علی", "Rezaei, Hossein son of Ali"):
        r = normalize_name(full)
        assert r.key in ("hsYn rzY", "rzY hsYn"), full
        assert not {"sn", "Af", "frznd"} & set(r.tokens)


def test_both_scripts_give_the_same_keys() -> None:
    forms = [
        "محمدرضا حسینی فرزند علی‌اکبر",
        "محمد‌رضا حسینی فرزند علیاکبر",
        "محمد رضا حسيني فرزند علي اكبر",
        "Mohammad-Reza Hosseini son of Ali Akbar",
        "Mohammadreza Hosseini s/o Aliakbar",
        "Hosseini, Mohammad Reza son of Ali-Akbar",
    ]
    keys = {
        (p.given.key, p.family.key, p.father.key)
        for p in (person_name(f, None, None) for f in forms)
    }
    assert keys == {("mhmd rzA", "hsYnY", "AlY Akbr")}


@pytest.mark.parametrize(
    "full",
    [
        "محمدرضا حسینی",
        "محمد رضا حسینی",
        "محمد‌رضا حسینی",
        "محمد رضا حسيني",
        "Mohammad Reza Hosseini",
        "Mohammadreza Hosseini",
        "Mohammad-Reza Hosseini",
        "MOHAMMAD REZA HOSSEINI",
        "Hosseini, Mohammad Reza",
        "Hosseini, Mohammadreza",
    ],
)
def test_compound_given_name_stays_one_given_name(full: str) -> None:
    p = person_name(full, None, None)
    assert (p.given.key, p.family.key, p.father.key) == ("mhmd rzA", "hsYnY", "")
    assert "father_in_middle" not in p.flags


def test_father_clause_edge_cases() -> None:
    # only "son of Z": no name of the person, the father's name is kept
    assert read("son of Ali") == (None, None, "ali", None)
    assert read("فرزند علی") == (None, None, "علی", None)
    # a connective with nothing after it is taken out, no father
    assert read("Hossein Rezaei son of") == ("hossein", "rezaei", None, None)
    # the family name repeated after the father's, or written after it
    assert read("Hossein Rezaei son of Ali Rezaei") == ("hossein", "rezaei", "ali", None)
    assert read("Hossein son of Ali Rezaei") == ("hossein", "rezaei", "ali", None)
    # detached suffixes stay with the family name
    assert read("Ali Hossein Pour son of Reza") == ("ali", "hossein pour", "reza", None)
    assert read("علی حسین زاده فرزند رضا") == ("علی", "حسین زاده", "رضا", None)
    assert read("علی حسین‌زاده فرزند رضا") == ("علی", "حسین زاده", "رضا", None)


def test_weak_connectives_need_a_name_on_both_sides() -> None:
    # «بن سعید» is a family name; پسر / ولد written into a family name are words of it
    assert read("امیرحسین بن سعید") == ("امیرحسین", "بن سعید", None, None)
    assert read("علی ولد‌خانی")[2] is None
    assert read("حسین پسر")[2] is None
    assert person_name("علی ولد‌خانی", None, None).flags == ()


# ------------------------------------------------------------ "X Z Y"


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("Navid Hassan Karimi", ("navid", "karimi", "hassan", None)),
        ("نوید حسن کریمی", ("نوید", "کریمی", "حسن", None)),
        ("نويد حسن كريمي", ("نوید", "کریمی", "حسن", None)),
        # a woman's given name before a man's: not a compound, the father's name
        ("Zahra Hossein Rezaei", ("zahra", "rezaei", "hossein", None)),
        ("زهرا حسین رضایی", ("زهرا", "رضایی", "حسین", None)),
        # family name written joined or with a detached suffix
        ("Navid Amir Hassan-Pour", ("navid", "hassan pour", "amir", None)),
        ("نوید امیر حسن‌پور", ("نوید", "حسن پور", "امیر", None)),
        ("Seyyed Omid Javad Rahimpour", ("omid", "rahimpour", "javad", "seyyed")),
        ("سید امید جواد رحیم‌پور", ("امید", "رحیم پور", "جواد", "seyyed")),
    ],
)
def test_father_in_the_middle(full: str, expected: tuple) -> None:
    assert read(full) == expected
    assert list(person_name(full, None, None).flags) == [
        "father_in_middle",
        "father_from_full_name",
    ]


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        # compound given names stay one given name
        ("Mohammad Reza Hosseini", ("mohammad reza", "hosseini")),
        ("محمد رضا حسینی", ("محمد رضا", "حسینی")),
        ("محمد‌رضا حسینی", ("محمد رضا", "حسینی")),
        ("Hossein Ali Rezaei", ("hossein ali", "rezaei")),  # حسینعلی is a given name
        ("Ali Akbar Rezaei", ("ali akbar", "rezaei")),
        ("Fatemeh Zahra Rezaei", ("fatemeh zahra", "rezaei")),
        # two-word family names
        ("Akbar Karimi Afshar", ("akbar", "karimi afshar")),
        ("Maryam Ali Akbarzadeh", ("maryam", "ali akbarzadeh")),
        ("جواد هاشم خانی", ("جواد", "هاشم خانی")),
        ("نوید علی‌اکبری", ("نوید", "علی اکبری")),
        ("Milad Haji Abadi", ("milad", "haji abadi")),
        ("Ali Hossein Zadeh", ("ali", "hossein zadeh")),
        ("Amir Hassan Pour", ("amir", "hassan pour")),
        # the middle name is not a usual man's name / the first not a usual given name
        ("Omid Parhan Paidar", ("omid", "parhan paidar")),
        ("سیید ابراهیم محمدی", ("سیید", "ابراهیم محمدی")),  # a misspelt title
    ],
)
def test_middle_token_kept_in_the_name(full: str, expected: tuple) -> None:
    p = person_name(full, None, None)
    assert (p.given.norm, p.family.norm) == expected
    assert p.father.norm == "" and "father_in_middle" not in p.flags


def test_middle_token_and_the_records_own_father() -> None:
    # the record's father's name repeats the middle token: it is the father
    p = person_name("Hossein Ali Rezaei", None, None, "Ali")
    assert (p.given.norm, p.family.norm, p.father.norm) == ("hossein", "rezaei", "ali")
    assert p.flags == ("father_in_middle",)
    p = person_name("حسین علی رضایی", None, None, "علي")
    assert (p.given.norm, p.family.norm, p.father.norm) == ("حسین", "رضایی", "علی")
    # ... contradicts it: the middle token is part of the name, the record's father wins
    p = person_name("Navid Hassan Karimi", None, None, "Mahdi")
    assert (p.given.norm, p.family.norm, p.father.norm) == ("navid hassan", "karimi", "mahdi")
    assert p.flags == ()


# ------------------------------------------------ "X Z Y": attested compounds only


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        # two usual names that make no attested compound: given + father
        ("mehdi reza rezayi", ("mehdi", "rezayi", "reza", None)),
        ("مهدی رضا رضایی", ("مهدی", "رضایی", "رضا", None)),
        ("hossein mohammad rezaei", ("hossein", "rezaei", "mohammad", None)),
        ("حسين محمد رضايي", ("حسین", "رضایی", "محمد", None)),
        ("Saeed Ali Ghasemi", ("saeed", "ghasemi", "ali", None)),  # Saeed is no misspelt Seyyed
        ("سعید علی قاسمی", ("سعید", "قاسمی", "علی", None)),
        ("Hossein Hossein Najafi", ("hossein", "najafi", "hossein", None)),  # a name repeated
        # "said ahmadi" is not glued into one family name (the lexicon's سیداحمدی is
        # Seyyed-Ahmadi); an unknown first word (Riaz, a typo of Reza) does not block
        ("riaz said ahmadi", ("riaz", "ahmadi", "said", None)),
        ("Rza Saeed Ahmadi", ("rza", "ahmadi", "saeed", None)),
        # a compound father's name in the middle: one word, joined, or spaced
        ("amirhossein mohammadreza sadeghi", ("amirhossein", "sadeghi", "mohammadreza", None)),
        ("امیرحسین محمدرضا صادقی", ("امیرحسین", "صادقی", "محمدرضا", None)),
        ("امیر‌حسین محمد‌رضا صادقی", ("امیر حسین", "صادقی", "محمد رضا", None)),
        ("سید جواد علی‌رضا جعفری", ("جواد", "جعفری", "علی رضا", "seyyed")),
        ("Hossein Mohammad Reza Rezaei", ("hossein", "rezaei", "mohammad reza", None)),
        ("Zahra Abol-Fazl Rahimi", ("zahra", "rahimi", "abol fazl", None)),
        # a compound given name before the father's
        ("Mohammad Reza Javad Karimi", ("mohammad reza", "karimi", "javad", None)),
        # a family name the lexicon knows as a given name too (Lotfi) is plausible
        ("Vahid Reza Lotfi", ("vahid", "lotfi", "reza", None)),
    ],
)
def test_father_in_the_middle_without_an_attested_compound(full: str, expected: tuple) -> None:
    assert read(full) == expected
    assert "father_in_middle" in person_name(full, None, None).flags


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        # attested compounds (data/compound_given_names.tsv) stay one given name
        ("Mohammad Hassan Rezaei", ("mohammad hassan", "rezaei")),
        ("محمد مهدی کاظمی", ("محمد مهدی", "کاظمی")),
        ("Hamid Reza Karimi", ("hamid reza", "karimi")),
        ("Amir Abbas Karimi", ("amir abbas", "karimi")),
        ("Gholam Hossein Karimi", ("gholam hossein", "karimi")),  # Gholam- before any name
        ("Abdol Reza Karimi", ("abdol reza", "karimi")),
        ("Hossein Gholi Karimi", ("hossein gholi", "karimi")),  # any name before -Gholi
        ("Heydar Ali Karimi", ("heydar ali", "karimi")),
        # a name written as one word with its neighbour is one name («مهدی‌رضا»)
        ("مهدی‌رضا کریمی", ("مهدی رضا", "کریمی")),
        # attested two-word family names and titles in the middle
        ("Navid Ali Mohammadi", ("navid", "ali mohammadi")),
        ("Navid Gholam Hosseini", ("navid", "gholam hosseini")),
        ("Navid Seyed Ahmadi", ("navid", "seyed ahmadi")),
        ("Mohammad Karim Abadi", ("mohammad", "karim abadi")),
        # the middle word is no usual man's name / the last no family name
        ("Navid Matan Karimi", ("navid", "matan karimi")),
        ("Ali Reza Hossein", ("ali reza", "hossein")),
        ("Seyd Ali Ghasemi", ("seyd", "ali ghasemi")),  # a misspelt title first
    ],
)
def test_no_father_in_the_middle(full: str, expected: tuple) -> None:
    p = person_name(full, None, None)
    assert (p.given.norm, p.family.norm) == expected
    assert p.father.norm == "" and "father_in_middle" not in p.flags


def test_compound_list_is_read() -> None:
    from roshan.normalize.names import _compounds, _is_compound

    pairs, any_after, any_before = _compounds()
    assert len(pairs) > 60 and any_after and any_before
    key = {
        w: person_name(None, w, None).given.keys[0]
        for w in ("mohammad", "reza", "mehdi", "hossein", "ali", "gholam", "abbas", "gholi")
    }
    assert _is_compound(key["mohammad"], key["reza"])
    assert _is_compound(key["hossein"], key["ali"])
    assert _is_compound(key["gholam"], key["abbas"]) and _is_compound(key["abbas"], key["gholi"])
    assert not _is_compound(key["mehdi"], key["reza"])
    assert not _is_compound(key["hossein"], key["mohammad"])
    assert not _is_compound(key["mohammad"], key["mohammad"])


def test_own_father_column_still_settles_x_z_y() -> None:
    # the rule fires, but the record's own father's name says otherwise
    p = person_name("Mehdi Reza Rezaei", None, None, "Hassan")
    assert (p.given.norm, p.family.norm, p.father.norm) == ("mehdi reza", "rezaei", "hassan")
    assert "father_in_middle" not in p.flags
    # an attested compound, but the record's father is the middle word
    p = person_name("Mohammad Ali Rezaei", None, None, "Ali")
    assert (p.given.norm, p.family.norm, p.father.norm) == ("mohammad", "rezaei", "ali")
    # the same in the snapshot
    out = normalize_frame(
        _records(
            [
                {"full_name": "Mehdi Reza Rezaei", "father_name": "Hassan"},
                {"full_name": "Mehdi Reza Rezaei"},
                {"full_name": "مهدی رضا رضایی"},
            ]
        )
    )
    assert out["given_norm"].tolist() == ["mehdi reza", "mehdi", "مهدی"]
    assert out["father_key"].tolist()[1:] == ["rzA", "rzA"]
    assert out["family_key"].tolist() == ["rzY"] * 3


# ------------------------------------------------------------ order and swaps


def test_family_first_without_comma() -> None:
    for full, given, family in [
        ("Rezaei Hossein", "hossein", "rezaei"),
        ("رضایی محمدرضا", "محمدرضا", "رضایی"),
        ("Karimi Mohammad Reza", "mohammad reza", "karimi"),
        ("رضايي حسين فرزند علي", "حسین", "رضایی"),
    ]:
        p = person_name(full, None, None)
        assert (p.given.norm, p.family.norm) == (given, family), full
        assert "family_first" in p.flags
    assert person_name("Hossein Rezaei", None, None).flags == ()


def test_swapped_columns_are_swapped_back_and_flagged() -> None:
    p = person_name(None, "Rezaei", "Hossein")
    assert (p.given.norm, p.family.norm, p.flags) == (
        "hossein",
        "rezaei",
        ("given_family_swapped",),
    )
    p = person_name(None, "رضايي", "محمد رضا")
    assert (p.given.key, p.family.key) == ("mhmd rzA", "rzY")
    p = person_name(None, "Karimi", "Seyed Ali")  # the title moves with the given name
    assert (p.given.norm, p.family.norm, p.honorifics) == ("ali", "karimi", "seyyed")
    p = person_name(None, "Hosseinzadeh", "Mahdi")
    assert (p.given.norm, p.family.norm) == ("mahdi", "hosseinzadeh")


@pytest.mark.parametrize(
    ("given", "family"),
    [
        ("Ali", "Rezaei"),
        ("Mohammad", "Ali"),
        ("Hossein", "Karimi"),
        ("Rezaei", None),
        ("Seyed Ali", "Mir Hosseini"),
        ("زهرا", "کریمی"),
        ("Fakhri", "Hosseini"),
    ],
)
def test_columns_not_swapped_without_clear_evidence(given: str, family: str | None) -> None:
    p = person_name(None, given, family)
    assert "given_family_swapped" not in p.flags


def test_own_father_wins_and_titles_go_to_honorifics() -> None:
    p = person_name("Ali Rezaei son of Hossein", None, None, "Mahdi")
    assert (p.father.norm, p.flags) == ("mahdi", ("father_in_full_name",))
    # given/family columns and a full name with the father: the father is taken from it
    p = person_name("Ali Rezaei son of Hossein", "Ali", "Rezaei")
    assert (p.given.norm, p.family.norm, p.father.norm) == ("ali", "rezaei", "hossein")
    assert list(p.flags) == FATHER_FLAGS
    p = person_name("Haj Seyyed Ali Karimi son of Reza", None, None)
    assert (p.given.norm, p.honorifics, p.father.norm) == ("ali", "haj seyyed", "reza")


# ------------------------------------------------------------ edge cases


def test_edge_cases() -> None:
    for empty in (None, "", "   ", "،", "()"):
        p = person_name(empty, None, None)
        assert (p.given.norm, p.family.norm, p.father.norm, p.flags) == ("", "", "", ())
    assert read("Ali") == ("ali", None, None, None)
    assert read("Rezaei") == (None, "rezaei", None, None)  # a family name, not a given name
    assert read("رضایی") == (None, "رضایی", None, None)
    # a suffix that is no family name by itself: one family name written apart, as
    # registers that give only the family name write it (it was given Bahman, family Pour)
    assert read("Bahman Pour") == (None, "bahman pour", None, None)
    assert read("رحیم زاده") == (None, "رحیم زاده", None, None)
    assert read("بهرام وند") == (None, "بهرام وند", None, None)
    # ... and family-first before a given name (it was given حسین, family «نژاد بابک»)
    assert read("حسین نژاد بابک") == ("بابک", "حسین نژاد", None, None)
    assert read("Rahim Zadeh Ali") == ("ali", "rahim zadeh", None, None)
    # a suffix that is a name of its own keeps the given + family reading
    assert read("علی نیا") == ("علی", "نیا", None, None)
    assert read("Seyed") == ("seyed", None, None, None)  # a lone title-like token is a name
    assert read("Hossein Zadeh")[:2] == (None, "hossein zadeh")


def test_normalize_name_result() -> None:
    r = normalize_name("Rezaei, Seyyed Hossein son of Ali")
    assert (r.given, r.family, r.father, r.title) == ("hossein", "rezaei", "ali", "seyyed")
    assert (r.given_key, r.family_key, r.father_key) == ("hsYn", "rzY", "AlY")
    # read given-first, as the name without a comma (and so again the same)
    assert r.normalized == "hossein rezaei" and r.honorifics == ["seyyed"]
    assert r.flags == FATHER_FLAGS
    d = r.to_dict()
    assert {"given", "family", "father", "title", "flags"} <= set(d)
    empty = normalize_name("")
    assert (empty.given, empty.family, empty.father, empty.title, empty.key) == (
        None,
        None,
        None,
        None,
        "",
    )
    # the old fields are unchanged for a plain name
    assert normalize_name("محمدرضا حسینی").key == "mhmd rzA hsYnY"


# ------------------------------------------------------------ the snapshot


def _records(rows: list[dict]) -> pd.DataFrame:
    out = []
    for i, r in enumerate(rows):
        rec = {f: None for f in FIELD_NAMES}
        rec.update(r)
        rec.setdefault("source", "list-a")
        rec.update(record_pk=i + 1, source_kind="ngo_list", row_number=i + 2)
        out.append(rec)
    return pd.DataFrame(out)


ROWS = [
    {"full_name": "حسین رضایی فرزند علی"},
    {"full_name": "Rezaei, Hossein son of Ali"},
    {"full_name": "Navid Hassan Karimi"},
    {"full_name": "Navid Hassan Karimi", "father_name": "Mahdi"},
    {"full_name": "Hossein Ali Rezaei", "father_name": "Ali"},
    {"full_name": "Hossein Ali Rezaei"},
    {"given_name": "Rezaei", "family_name": "Hossein"},
    {"given_name": "Hossein", "family_name": "Rezaei", "full_name": "Hossein Rezaei son of Ali"},
    {
        "given_name": "Hossein",
        "family_name": "Rezaei",
        "full_name": "Hossein Rezaei s/o Ali",
        "father_name": "Mahdi",
    },
    {"full_name": "Rezaei Hossein"},
    {"full_name": "son of Ali"},
    {"full_name": "سید علی موسوی فرزند سید مهدی"},
    {"given_name": "Seyed Ali", "family_name": "Mir Hosseini"},
    {"given_name": "كريمي", "family_name": "سيد محمد رضا"},
    {},
]


def test_snapshot_reads_full_names_like_person_name() -> None:
    df = _records(ROWS)
    before = df.copy()
    out = normalize_frame(df)
    pd.testing.assert_frame_equal(df, before)  # the source values are never changed
    for i, r in enumerate(ROWS):
        p = person_name(
            r.get("full_name"), r.get("given_name"), r.get("family_name"), r.get("father_name")
        )
        o = out.iloc[i]
        assert (o.given_norm, o.family_norm, o.father_norm, o.father_key, o.father_roman) == (
            p.given.norm or None,
            p.family.norm or None,
            p.father.norm or None,
            p.father.key or None,
            p.father.roman or None,
        ), r
        assert (o.honorifics, o.name_flags) == (p.honorifics, " ".join(p.flags) or None), r
        assert o.full_key == (p.full_key or None), r
    assert out.loc[0, "full_key"] == out.loc[1, "full_key"] == "hsYn rzY"
    assert out.loc[0, "father_key"] == out.loc[1, "father_key"] == "AlY"
    assert out.loc[0, "full_name_norm"] == "حسین رضایی"
    assert (
        out.loc[6, "given_norm"] == "hossein" and out.loc[6, "name_flags"] == "given_family_swapped"
    )
    assert set(" ".join(out["name_flags"].dropna()).split()) <= set(NAME_FLAGS)


def test_snapshot_swaps_a_list_swapped_throughout() -> None:
    # list-b's columns are swapped throughout: clear pairs, and a weaker one
    # (Behrouzeh: a given name the lexicon knows, but not a usual one)
    swapped = [
        {"given_name": g, "family_name": f, "source": "list-b"}
        for g, f in [
            ("Rezaei", "Hossein"),
            ("Karimi", "Ali"),
            ("Ahmadi", "Zahra"),
            ("Ghasemi", "Behrouzeh"),
        ]
    ]
    as_written = [
        {"given_name": "Ghasemi", "family_name": "Behrouzeh", "source": "list-a"},
        {"given_name": "Mohammad", "family_name": "Rezaei", "source": "list-a"},
    ]
    out = normalize_frame(_records(swapped + as_written))
    assert out["given_norm"].tolist()[:4] == ["hossein", "ali", "zahra", "behrouzeh"]
    assert out["name_flags"].tolist()[:4] == ["given_family_swapped"] * 4
    # list-a is not swapped throughout: the weaker pair stays as written
    assert out["given_norm"].tolist()[4:] == ["ghasemi", "mohammad"]
    assert out["name_flags"].tolist()[4:] == [None, None]
    assert "given_family_swapped" not in person_name(None, "Ghasemi", "Behrouzeh").flags
    # one record alone: a usual given name in the family field, a family-like given field
    assert person_name(None, "Sabahi", "Ali").flags == ("given_family_swapped",)


def test_a_list_of_family_names_alone_reads_a_doubtful_word_as_a_family_name() -> None:
    """A register that writes the family name alone («رستمی», «فرهادی»): its one-word
    names the lexicon only weakly knows as given names (Zahedi, Kaabi) are family names
    too. Before, «زاهدی» there was a given name and never met Danial Zahedi."""
    register = [
        {"full_name": n, "source": "register"}
        for n in [
            "رستمی",
            "فرهادی",
            "یوسفی",
            "نوری",
            "اسماعیلی",
            "زاهدی فرزند محمد",  # with a father clause: still one word of its own name
            "کعبی",
            "علی",
        ]
    ]
    other = [
        {"full_name": "زاهدی", "source": "ngo"},
        {"full_name": "دانیال زاهدی", "source": "ngo"},
        {"full_name": "حسین", "source": "ngo"},
    ]
    out = normalize_frame(_records(register + other))
    fam = out["family_key"].tolist()
    giv = out["given_key"].tolist()
    assert fam[:7] == ["rstmY", "frhdY", "YvsfY", "nvrY", "AsmYlY", "zhdY", "kbY"]
    assert giv[:7] == [None] * 7
    # a usual given name alone stays a given name, even there
    assert (giv[7], fam[7]) == ("AlY", None)
    # a list that does not write family names alone keeps the word's usual reading
    assert (giv[8], fam[8]) == ("zhdY", None)
    assert (giv[10], fam[10]) == ("hsYn", None)


# ------------------------------------------------------------ the installed CLI


def test_installed_cli_shows_the_parts() -> None:
    exe = Path(sys.executable).parent / "roshan"
    if not exe.exists():
        pytest.skip("the roshan script is not installed next to this interpreter")

    def run(value: str) -> dict:
        res = subprocess.run(
            [str(exe), "normalize", "name", value, "--json"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert res.returncode == 0, res.stderr
        return json.loads(res.stdout)

    fa = run("سید حسین رضایی فرزند علی")
    assert (fa["given"], fa["family"], fa["father"], fa["title"]) == (
        "حسین",
        "رضایی",
        "علی",
        "seyyed",
    )
    lat = run("Rezaei, Seyed Hossein son of Ali")
    assert (lat["given"], lat["family"], lat["father"], lat["title"]) == (
        "hossein",
        "rezaei",
        "ali",
        "seyyed",
    )
    assert (fa["given_key"], fa["family_key"], fa["father_key"]) == (
        lat["given_key"],
        lat["family_key"],
        lat["father_key"],
    )
    mid = run("Navid Hassan Karimi")
    assert (mid["given"], mid["family"], mid["father"]) == ("navid", "karimi", "hassan")
    assert mid["flags"] == ["father_in_middle", "father_from_full_name"]
    one = run("Ali")
    assert (one["given"], one["family"], one["father"], one["title"]) == ("ali", None, None, None)


def test_installed_cli_reads_x_z_y_in_both_scripts() -> None:
    exe = Path(sys.executable).parent / "roshan"
    if not exe.exists():
        pytest.skip("the roshan script is not installed next to this interpreter")

    def run(value: str) -> dict:
        res = subprocess.run(
            [str(exe), "normalize", "name", value, "--json"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert res.returncode == 0, res.stderr
        return json.loads(res.stdout)

    lat = run("mehdi reza rezayi")
    assert (lat["given"], lat["family"], lat["father"]) == ("mehdi", "rezayi", "reza")
    assert lat["flags"] == ["father_in_middle", "father_from_full_name"]
    fa = run("مهدي رضا رضايي")
    assert (fa["given"], fa["family"], fa["father"]) == ("مهدی", "رضایی", "رضا")
    assert (
        (fa["given_key"], fa["family_key"], fa["father_key"])
        == (lat["given_key"], lat["family_key"], lat["father_key"])
        == ("mhdY", "rzY", "rzA")
    )
    one = run("امیرحسین محمدرضا صادقی")
    assert (one["given_key"], one["family_key"], one["father_key"]) == (
        "AmYr hsYn",
        "sdqY",
        "mhmd rzA",
    )
    comp = run("Mohammad Hassan Rezaei")  # an attested compound: no father
    assert (comp["given"], comp["family"], comp["father"], comp["flags"]) == (
        "mohammad hassan",
        "rezaei",
        None,
        [],
    )


@pytest.mark.parametrize(
    "full", ["حاجی زاده محمدمهدی", "محمدمهدی حاجی زاده", "Haji Zadeh Ali", "میر زاده علی"]
)
def test_a_title_before_a_family_suffix_is_part_of_the_name(full: str) -> None:
    """«حاجی زاده» is the family name Hajizadeh written in two words, not the title Haji
    and a family name «زاده»: the blind generator's family-first lists lost the Haji."""
    r = normalize_name(full)
    assert r.title is None
    assert any(k in r.key.split() for k in ("hjY", "mYr")), r.key


@pytest.mark.parametrize(
    ("full", "normalized", "given", "family"),
    [
        ("Mir Hosseini, Ali", "ali mir hosseini", "ali", "mir hosseini"),
        ("میر حسینی، علی", "علی میر حسینی", "علی", "میر حسینی"),
        ("Haji, Ali", "ali haji", "ali", "haji"),
        ("Rezaei, Seyed Ali", "ali rezaei", "ali", "rezaei"),
    ],
)
def test_a_family_given_name_reads_again_the_same(
    full: str, normalized: str, given: str, family: str
) -> None:
    """The normalised text of "Family, Given" has no comma. Written family-first, its
    second reading took the Mir or Haji that opens the family name for a title
    ("mir hosseini ali" → "hosseini ali"); written given-first it reads the same."""
    r = normalize_name(full)
    assert (r.normalized, r.given, r.family) == (normalized, given, family)
    again = normalize_name(r.normalized)
    assert (again.normalized, again.key, again.given, again.family) == (
        r.normalized,
        r.key,
        given,
        family,
    )


@pytest.mark.parametrize(
    ("full", "given", "family", "title"),
    [
        ("حیدری سید محمد", "mhmd", "hYdrY", "seyyed"),
        ("نجفی سیده مهسا", "mhsA", "njfY", "seyyed"),
        ("زمان‌فر سید محمد امین", "mhmd AmYn", "zmn fr", "seyyed"),
        ("Heidari Seyed Mohammad", "mhmd", "hYdrY", "seyyed"),
        ("حاجی حیدری سید محمد", "mhmd", "hYdrY", "haj seyyed"),
        ("امیری سیدسعید", "sYd", "AmYrY", "seyyed"),  # run together
        ("موسوی س علی رضا", "AlY rzA", "mvsvY", "seyyed"),  # its first letter, no dot
        ("Hashemi S. Amir Hossein", "AmYr hsYn", "hSmY", "seyyed"),
        ("ساکی سیدهفاطمهزهرا", "ftmE zhrA", "skY", "seyyed"),
        # not family-first: the title at the front, or a given name before it
        ("سید محمد حیدری", "mhmd", "hYdrY", "seyyed"),
        ("محمد سید حیدری", "mhmd sYd", "hYdrY", None),
        ("محمد س رضایی", "mhmd", "s rzY", None),
    ],
)
def test_a_seyyed_after_the_family_name_starts_the_given_name(
    full: str, given: str, family: str, title: str | None
) -> None:
    """A cemetery register writing the family name first puts the title before the given
    name: «حیدری سید محمد» was read as given حیدری, family «سید محمد» (the blind
    generator's register), so it met Mohammad Heidari nowhere. «سیدهفاطمه» was cut as
    سید + «هفاطمه»."""
    r = normalize_name(full)
    assert (r.given_key, r.family_key, r.title) == (given, family, title)
    assert normalize_name(r.normalized).key == r.key


def test_a_seyyed_in_the_fathers_clause_stays_the_fathers() -> None:
    r = normalize_name("موسوی علی فرزند سید مهدی")
    assert r.father_key == "mhdY" and "sYd" not in r.key.split()
