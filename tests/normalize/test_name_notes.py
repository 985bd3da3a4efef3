"""What lists write into a name cell besides the name: memorial and courtesy titles,
ages and aliases in brackets, "father:" clauses, and placeholders for an unknown name.

Each case failed before these rules: «جاویدنام حسین رضایی» read جاویدنام as the given
name and حسین as the father; «حسین رضایی (۲۵ ساله)» made «ساله» part of the family
name; «ناشناس» was a family name shared by every unidentified body.
"""

from __future__ import annotations

import pandas as pd
import pytest

from roshan.normalize import normalize_frame, normalize_name
from roshan.normalize.names import (
    father_in_notes,
    is_placeholder_name,
    name_alias,
    person_name,
    strip_name_notes,
)


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("جاویدنام حسین رضایی", "javidnam"),
        ("جاوید نام حسین رضایی", "javidnam"),
        ("Javidnam Hossein Rezaei", "javidnam"),
        ("زنده\u200cیاد حسین رضایی", "zendeyad"),
        ("زنده یاد حسین رضایی", "zendeyad"),
        ("شهید حسین رضایی", "shahid"),
        ("Martyr Hossein Rezaei", "shahid"),
        ("مرحوم حسین رضایی", "late"),
        ("the late Hossein Rezaei", "late"),
        ("آقای حسین رضایی", "mr"),
        ("Dr. Hossein Rezaei", "dr"),
        ("دکتر حسین رضایی", "dr"),
        ("مهندس حسین رضایی", "eng"),
    ],
)
def test_memorial_and_courtesy_titles_are_not_names(raw: str, title: str) -> None:
    r = normalize_name(raw)
    assert (r.given_key, r.family_key, r.father_key) == ("hsYn", "rzY", None), raw
    assert title in r.honorifics


def test_titles_combine_and_keep_the_lineage_title() -> None:
    r = normalize_name("زنده یاد سید محمد حسینی")
    assert (r.given_key, r.family_key) == ("mhmd", "hsYnY")
    assert r.honorifics == ["zendeyad", "seyyed"]
    assert normalize_name("سرکار خانم فاطمه احمدی").given_key == "ftmE"


@pytest.mark.parametrize(
    "raw",
    ["Javid Namdar", "جاوید نامدار", "Javid Rezaei"],
)
def test_a_name_that_starts_like_a_title_stays(raw: str) -> None:
    r = normalize_name(raw)
    assert r.given_key == "jvYd" and r.family_key in ("nmdr", "rzY")
    assert not r.honorifics


def test_a_lone_title_word_is_kept_as_a_name() -> None:
    assert normalize_name("شهید").key  # one word: never taken out
    # two words: the title goes, the family name is left
    r = normalize_name("Shahid Rezaei")
    assert (r.given_key, r.family_key, r.title) == (None, "rzY", "shahid")


@pytest.mark.parametrize(
    "raw",
    [
        "حسین رضایی (۲۵ ساله)",
        "حسین رضایی - ۲۵ ساله",
        "حسین رضایی ۲۵ ساله",
        "حسین رضایی (۱۷)",
        "Hossein Rezaei (25)",
        "Hossein Rezaei, 25",
        "Hossein Rezaei aged 25",
        "Hossein Rezaei 25 years old",
        "کودک ۹ ساله حسین رضایی",
    ],
)
def test_an_age_in_the_name_cell_is_no_part_of_the_name(raw: str) -> None:
    r = normalize_name(raw)
    assert (r.given_key, r.family_key) == ("hsYn", "rzY"), raw
    assert r.key == "hsYn rzY"


def test_a_letter_and_digit_token_is_not_an_age() -> None:
    assert strip_name_notes("a1") == "a1"
    assert normalize_name("a1").normalized == "a1"


def test_brackets_alias_title_and_father() -> None:
    r = normalize_name("مهسا (ژینا) امینی")  # an alias: the first name is the one read
    assert (r.given_key, r.family_key) == ("mhsA", "AmYnY")
    assert normalize_name("Mahsa (Zhina) Amini").key == r.key
    r = normalize_name("Mohammad Hosseini (Seyed)")  # a title in brackets: a title
    assert (r.given_key, r.family_key, r.title) == ("mhmd", "hsYnY", "seyyed")
    r = normalize_name("حسین (فرزند علی) رضایی")  # a father in brackets: the father
    assert (r.given_key, r.family_key, r.father_key) == ("hsYn", "rzY", "AlY")


@pytest.mark.parametrize(
    ("raw", "alias"),
    [
        ("مهسا (ژینا) امینی", "jYnA"),
        ("Mahsa (Zhina) Amini", "jYnA"),
        ("Hiwa (Khaled)", "xld"),
        ("خالد (هیوا)", "hYvA"),
        ("Hiwa [Khaled] Rasuli", "xld"),
        ("مهسا (ژینا)‌ امینی", "jYnA"),
        # an alias written as a clause, not in brackets: was read into the family name
        ("Hossein Rezaei a.k.a. Hassan", "hsn"),
        ("Hossein Rezaei aka Hassan", "hsn"),
        # hyphens around the word (Hypothesis: 'A-aka-A' read differently a second time)
        ("Hossein Rezaei-aka-Hassan", "hsn"),
        ("Hossein Rezaei, known as 'Hassan'", "hsn"),
        ("حسین رضایی معروف به حسن", "hsn"),
        ("حسین رضایی مشهور به «حسن»", "hsn"),
    ],
)
def test_the_other_given_name_in_brackets_is_kept_as_an_alias(raw: str, alias: str) -> None:
    assert name_alias(raw).key == alias


@pytest.mark.parametrize(
    "raw",
    [
        "Hossein Rezaei",
        "حسین رضایی (۱۷ ساله)",
        "Ali (17)",
        "Mohammad Hosseini (Seyed)",
        "حسین (فرزند علی) رضایی",
        "Ali Rezaei (unknown)",
        "Ali Rezaei (shot in the head by police)",
        "Maruf Rezaei",  # معروف is a given name; only «معروف به» introduces an alias
        "معروف رضایی",
        None,
    ],
)
def test_an_age_title_father_or_note_in_brackets_is_no_alias(raw: str | None) -> None:
    assert name_alias(raw).key == ""


def test_the_snapshot_keeps_the_alias_beside_the_given_name() -> None:
    df = pd.DataFrame(
        {
            "record_pk": [1, 2, 3, 4],
            "source": ["A", "A", "B", "B"],
            "given_name": ["هیوا (خالد)", None, "Khaled", None],
            "family_name": ["رسولی", None, "Rasuli", None],
            "full_name": [None, "Zhina (Mahsa) Amini", None, "Ali Rezaei (25)"],
        }
    )
    out = normalize_frame(df)
    assert list(out["given_key"]) == ["hYvA", "jYnA", "xld", "AlY"]
    assert list(out["alias_key"]) == ["xld", "mhsA", None, None]


@pytest.mark.parametrize(
    "raw",
    [
        "Hossein Rezaei, father: Ali",
        "Hossein Rezaei (father: Ali)",
        "Hossein Rezaei (Father's name: Ali)",
        "حسین رضایی، نام پدر: علی",
    ],
)
def test_a_labelled_father(raw: str) -> None:
    r = normalize_name(raw)
    assert (r.given_key, r.family_key, r.father_key) == ("hsYn", "rzY", "AlY"), raw


@pytest.mark.parametrize(
    "raw",
    [
        "ناشناس",
        "نامشخص",
        "نا معلوم",
        "بی\u200cنام",
        "جسد ناشناس",
        "مرد ناشناس",
        "هویت نامعلوم",
        "جوان ناشناس (۲۰ ساله)",
        "unknown",
        "Unknown male",
        "Unidentified",
        "unidentified man",
        "N/A",
        "Not known",
    ],
)
def test_a_placeholder_is_no_name(raw: str) -> None:
    assert is_placeholder_name(strip_name_notes(raw)), raw
    r = normalize_name(raw)
    assert r.key == "" and r.given is None and r.family is None, raw


@pytest.mark.parametrize("raw", ["Mard", "زن", "Nima", "Hossein", "Not Rezaei", "Ali Man"])
def test_a_name_is_not_a_placeholder(raw: str) -> None:
    assert not is_placeholder_name(raw)
    assert normalize_name(raw).key


def test_a_placeholder_word_beside_a_name_is_dropped() -> None:
    assert normalize_name("حسین ناشناس").key == "hsYn"
    p = person_name(None, "حسین", "نامشخص", "نامعلوم")
    assert (p.given.key, p.family.key, p.father.key) == ("hsYn", "", "")


def test_the_snapshot_reads_the_same() -> None:
    df = pd.DataFrame(
        {
            "record_pk": [1, 2, 3, 4],
            "source": ["A", "A", "B", "B"],
            "full_name": [
                "جاویدنام حسین رضایی (۱۷ ساله)",
                "ناشناس",
                "Martyr Hossein Rezaei, son of Ali",
                "Unknown male",
            ],
        }
    )
    out = normalize_frame(df)
    assert list(out["given_key"]) == ["hsYn", None, "hsYn", None]
    assert list(out["family_key"]) == ["rzY", None, "rzY", None]
    assert out["father_key"].iloc[2] == "AlY"
    assert out["honorifics"].iloc[0] == "javidnam"


@pytest.mark.parametrize(
    ("notes", "father"),
    [
        ("Shot. Son of Ali Akbar.", "AlY Akbr"),
        ("Shot; son of Yousef", "Yvsf"),
        ("Shopkeeper, father of two, son of Mohamad", "mhmd"),
        ("Daughter of Abdollah", "Abdlh"),
        ("فرزند علی. خاکسپاری شبانه", "AlY"),
        ("S/O Reza", "rzA"),
    ],
)
def test_father_stated_in_the_notes(notes: str, father: str) -> None:
    assert father_in_notes(notes).key == father


@pytest.mark.parametrize(
    "notes", ["پدر دو فرزند", "son of a teacher", "Killed with his son of 5", "father of two", None]
)
def test_notes_without_a_father(notes: str | None) -> None:
    assert father_in_notes(notes).key == ""


def test_snapshot_takes_the_father_from_notes_only_when_the_names_give_none() -> None:
    df = pd.DataFrame(
        {
            "record_pk": [1, 2, 3],
            "source": ["A", "A", "A"],
            "full_name": ["Hossein Rezaei", "Reza Karimi son of Hasan", "Ali Ahmadi"],
            "notes": ["Shot. Son of Ali Akbar.", "son of Mohammad", None],
        }
    )
    out = normalize_frame(df)
    assert list(out["father_key"]) == ["AlY Akbr", "hsn", None]
    assert out["name_flags"].iloc[0] == "father_from_notes"


@pytest.mark.parametrize(
    "raw",
    [
        "Hossein Rezaei a.k.a. Hassan",
        "حسین رضایی معروف به حسن",
        "Hossein Rezaei alias Hassan",
        "Hossein Rezaei a k a Hassan",
        "Hossein Rezaei known-as Hassan",
        "Hossein Rezaei AK{A Hassan",  # normalised text reads it "ak a": one clause both times
    ],
)
def test_an_alias_clause_stays_out_of_the_family_name(raw: str) -> None:
    r = normalize_name(raw)
    assert (r.given_key, r.family_key) == ("hsYn", "rzY")
    assert normalize_name(r.normalized).key == r.key


@pytest.mark.parametrize(
    "raw",
    [
        "حسین رضایی - تهران",
        "Hossein Rezaei, Tehran",  # was read as "Family, Given": given name "Tehran"
        "Hossein Rezaei / Zahedan",
        "Hossein Rezaei from Zahedan",
        "حسین رضایی از زاهدان",
        "حسین رضایی، اهل زاهدان",
    ],
)
def test_a_place_after_the_name_is_no_part_of_it(raw: str) -> None:
    r = normalize_name(raw)
    assert (r.given_key, r.family_key) == ("hsYn", "rzY")


@pytest.mark.parametrize(
    ("raw", "family"),
    [
        ("Hossein Rezaei - Mehran", "rzY mhrn"),  # Mehran is a county and a given name
        ("Hossein Tehran", "thrn"),  # no separator: a family name
        ("Rezaei, Hossein", "rzY"),
        # the gazetteer lists "Kermani" and "Shirazi" among Kerman's and Shiraz's
        # names; as family names they stay
        ("Hossein Rezaei - Kermani", "rzY krmnY"),
        ("Hossein Rezaei / Shirazi", "rzY SYrzY"),
    ],
)
def test_a_name_that_is_also_a_place_stays(raw: str, family: str) -> None:
    assert normalize_name(raw).family_key == family


@pytest.mark.parametrize(
    "raw",
    [
        "Hossein Rezaei / حسین رضایی",
        "حسین رضایی / Hossein Rezaei",
        "حسین رضایی/Hossein Rezaei",
        "Hossein Rezaei - Hossein Rezaie",  # two spellings of one name
        "Hossein Rezaei | Hosein Rezaee",
    ],
)
def test_a_name_written_twice_in_one_cell_is_read_once(raw: str) -> None:
    r = normalize_name(raw)
    assert (r.given_key, r.family_key) == ("hsYn", "rzY")


def test_two_names_in_one_cell_are_not_taken_for_two_writings() -> None:
    # two people, or a name and something else: left as written
    assert normalize_name("Hossein Rezaei - Ali Rezaei").family_key == "rzY AlY rzY"


@pytest.mark.parametrize(
    "raw", ["Mir Hossein Mousavi", "Mirhossein Mousavi", "میرحسین موسوی", "میر حسین موسوی"]
)
def test_mir_reads_the_same_written_apart_or_run_together(raw: str) -> None:
    r = normalize_name(raw)
    assert (r.given_key, r.family_key, r.title) == ("hsYn", "mvsvY", "mir")


@pytest.mark.parametrize(
    ("raw", "given"),
    [("Miriam Rezaei", "mYrYm"), ("Miran Rezaei", "mYrn"), ("Mirna Rezaei", "mYrnA")],
)
def test_a_name_that_starts_with_mir_stays_whole(raw: str, given: str) -> None:
    r = normalize_name(raw)
    assert (r.given_key, r.title) == (given, None)


@pytest.mark.parametrize(
    ("raw", "given"),
    [
        ("Mohd Reza Rezaei", "mhmd rzA"),
        ("M. Reza Rezaei", "mhmd rzA"),  # was: given "m", father "Reza" (in the middle)
        ("M. Javad Zarif", "mhmd jvd"),
        ("M. Rezaei", "m"),  # an initial before a family name stays an initial
        ("M. Zahra Karimi", "m zhrA"),  # Mohammad makes no compound with a woman's name
    ],
)
def test_mohammad_cut_short(raw: str, given: str) -> None:
    r = normalize_name(raw)
    assert r.given_key == given
    assert r.father_key is None


@pytest.mark.parametrize("raw", ["مجهول‌الهویه", "مجهول الهویه", "جسد مجهول‌الهویه"])
def test_unknown_identity_is_no_name(raw: str) -> None:
    r = normalize_name(raw)
    assert (r.given_key, r.family_key) == (None, None)


@pytest.mark.parametrize(
    ("raw", "given", "family"),
    [
        ("خانواده فرهادی", None, "frhdY"),  # a register naming the family, not the person
        ("خانواده‌ی فرهادی", None, "frhdY"),
        ("family of Farhadi", None, "frhdY"),
        ("خانواده محمد فرهادی", "mhmd", "frhdY"),
    ],
)
def test_the_family_of_is_no_given_name(raw: str, given: str | None, family: str) -> None:
    """«خانواده فرهادی» ("the Farhadi family") was read as given name «خانواده»: the
    blind generator's cemetery register writes such rows, which then met no one."""
    r = normalize_name(raw)
    assert (r.given_key, r.family_key, r.title) == (given, family, "family")
