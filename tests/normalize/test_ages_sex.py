"""Ages to ranges; sex terms; sex imputed from a given name, never over a reported value."""

from __future__ import annotations

import pytest

from roshan.normalize.ages import parse_age
from roshan.normalize.names import person_name
from roshan.normalize.sex import parse_sex, resolve_sex


@pytest.mark.parametrize(
    ("value", "lo", "hi"),
    [
        ("23", 23, 23),
        ("۲۳", 23, 23),
        ("23 years", 23, 23),
        ("23 years old", 23, 23),
        ("۲۳ ساله", 23, 23),
        ("about 30", 27, 33),
        ("حدود ۳۰", 27, 33),
        ("~40", 37, 43),
        ("30s", 30, 39),
        ("دهه ۳۰", 30, 39),
        ("20-25", 20, 25),
        ("۲۰ تا ۲۵", 20, 25),
        ("teenager", 13, 19),
        ("نوجوان", 13, 19),
        ("child", 0, 12),
        ("کودک", 0, 12),
        ("infant", 0, 1),
        ("under 18", 0, 17),
        ("زیر ۱۸ سال", 0, 17),
        ("over 60", 61, 120),
        # "N+" and "N and over": that age or older (before, "50+" read as 50 exactly)
        ("50+", 50, 120),
        ("۶۰+", 60, 120),
        ("60 and over", 60, 120),
        ("60 or older", 60, 120),
        ("۶۰ به بالا", 60, 120),
        ("۶۰ سال به بالا", 60, 120),
        ("6 months", 0, 0),
        ("elderly", 60, 120),
    ],
)
def test_ages(value: str, lo: int, hi: int) -> None:
    r = parse_age(value)
    assert r.ok and (r.min, r.max) == (lo, hi)


def test_impossible_and_unknown_ages() -> None:
    assert parse_age("150").impossible and not parse_age("150").ok
    assert not parse_age("abc").ok and not parse_age("abc").impossible
    assert not parse_age(None).ok and not parse_age("نامعلوم").ok


@pytest.mark.parametrize(
    ("value", "lo", "hi", "approx"),
    [
        # units glued to the number
        ("25y", 25, 25, False),
        ("25yo", 25, 25, False),
        ("25yrs", 25, 25, False),
        ("۲۵ساله", 25, 25, False),
        ("under18", 0, 17, False),
        # numbers in words
        ("بیست و پنج", 25, 25, False),
        ("بیست‌وپنج ساله", 25, 25, False),
        ("بیستوپنج", 25, 25, False),
        ("هفده ساله", 17, 17, False),
        ("هیجده سال", 18, 18, False),
        ("سی و دو", 32, 32, False),
        ("چهل‌ودو", 42, 42, False),
        ("شش ماهه", 0, 0, False),
        ("twenty-five", 25, 25, False),
        ("twenty five", 25, 25, False),
        ("ten years old", 10, 10, False),
        ("ninety-nine", 99, 99, False),
        ("under eighteen", 0, 17, False),
        ("حدود بیست سال", 17, 23, True),
        ("about twenty", 17, 23, True),
        ("بیست تا بیست و پنج", 20, 25, False),
        ("بیست و چند ساله", 20, 29, True),
        ("thirty-something", 30, 39, True),
        # an explicit number wins over a category word beside it
        ("17 (minor)", 17, 17, False),
        ("۱۷ ساله (نوجوان)", 17, 17, False),
        ("نوجوان ۱۶ ساله", 16, 16, False),
        # these worked before and must keep working
        ("minor", 0, 17, True),
        ("6months", 0, 0, False),
        # other forms
        ("middle-aged", 40, 60, True),
        ("3 years 6 months", 3, 3, False),
        ("۳ سال و ۶ ماه", 3, 3, False),
    ],
)
def test_ages_other_lists(value: str, lo: int, hi: int, approx: bool) -> None:
    r = parse_age(value)
    assert r.ok and (r.min, r.max, r.approximate) == (lo, hi, approx), value


# Written out here independently of the parser's tables.
_FA_UNITS = "یک دو سه چهار پنج شش هفت هشت نه".split()
_FA_TEENS = "ده یازده دوازده سیزده چهارده پانزده شانزده هفده هجده نوزده".split()
_FA_TENS = "بیست سی چهل پنجاه شصت هفتاد هشتاد نود".split()
_EN_UNITS = "one two three four five six seven eight nine".split()
_EN_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
_EN_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def _fa_words(n: int, joiner: str) -> str:
    if n < 10:
        return _FA_UNITS[n - 1]
    if n < 20:
        return _FA_TEENS[n - 10]
    tens, unit = divmod(n, 10)
    return _FA_TENS[tens - 2] + (joiner + _FA_UNITS[unit - 1] if unit else "")


def _en_words(n: int, joiner: str) -> str:
    if n < 10:
        return _EN_UNITS[n - 1]
    if n < 20:
        return _EN_TEENS.split()[n - 10]
    tens, unit = divmod(n, 10)
    return _EN_TENS[tens - 2] + (joiner + _EN_UNITS[unit - 1] if unit else "")


@pytest.mark.parametrize("n", range(1, 100))
def test_number_words_1_to_99(n: int) -> None:
    for words in (
        _fa_words(n, " و "),
        _fa_words(n, "\u200cو\u200c") + " ساله",
        _fa_words(n, "و"),
        _en_words(n, "-"),
        _en_words(n, " ") + " years old",
    ):
        r = parse_age(words)
        assert r.ok and (r.min, r.max) == (n, n), words


@pytest.mark.parametrize(
    "value",
    # a birth year is not an age: parse_age has no date of death to subtract it from
    ["born 1380", "b. 2001", "متولد ۱۳۸۰", "متولد سال ۱۳۸۰", "DOB 2001", "1990s"],
)
def test_birth_years_are_not_ages(value: str) -> None:
    r = parse_age(value)
    assert not r.ok and r.min is None and not r.impossible, value


@pytest.mark.parametrize(
    ("value", "sex"),
    [
        ("m", "m"),
        ("Male", "m"),
        ("مرد", "m"),
        ("مذکر", "m"),
        ("پسر", "m"),
        ("F", "f"),
        ("female", "f"),
        ("زن", "f"),
        ("مؤنث", "f"),
        ("دختر", "f"),
        ("خانم", "f"),
    ],
)
def test_sex_terms(value: str, sex: str) -> None:
    r = parse_sex(value)
    assert r.value == sex and r.recognised


def test_unknown_sex_terms() -> None:
    assert parse_sex("unknown").value is None and parse_sex("unknown").recognised
    assert parse_sex("xyz").recognised is False
    assert parse_sex(None).value is None


def test_imputation_is_flagged_and_never_overrides() -> None:
    zahra = person_name(None, "Zahra", "Rezaei")
    r = resolve_sex(None, zahra.given.keys)
    assert (r.value, r.imputed) == ("f", True)
    r = resolve_sex("male", zahra.given.keys)  # reported wins, even if the name disagrees
    assert (r.value, r.imputed) == ("m", False)
    mohammad = person_name("محمدرضا حسینی", None, None)
    assert resolve_sex(None, mohammad.given.keys).value == "m"
    assert resolve_sex(None, ()).value is None


@pytest.mark.parametrize(
    ("value", "age"), [("25.0", 25), ("۲۵.۰", 25), ("۲۵٫۰", 25), ("25.5", 25), ("100.0", 100)]
)
def test_a_decimal_age_is_that_age(value: str, age: int) -> None:
    """A float column ("25.0") read 0-25 before: the point was taken for a range."""
    r = parse_age(value)
    assert (r.min, r.max) == (age, age)


def test_a_year_of_birth_in_the_age_column_gives_the_age_at_death() -> None:
    import pandas as pd

    from roshan.normalize import normalize_frame
    from roshan.normalize.validate import BIRTH_YEAR_AS_AGE, check_fields

    df = pd.DataFrame(
        {
            "record_pk": [1, 2, 3, 4, 5],
            "source": ["A"] * 5,
            "full_name": ["Hossein Rezaei"] * 5,
            "age": ["متولد ۱۳۸۰", "b. 2001", "25", "born 1380", None],
            "date_of_death": ["2026-01-08", "2026-01-08", "2026-01-08", None, "2026-01-08"],
            "date_of_birth": [None, None, None, None, "2000-05-01"],
        }
    )
    out = normalize_frame(df)
    assert list(out["age_min"]) == [24, 24, 25, pd.NA, 25]
    assert list(out["age_max"]) == [25, 25, 25, pd.NA, 26]
    msgs = [i.message for i in check_fields({"full_name": "x", "age": "متولد ۱۳۸۰"})]
    assert BIRTH_YEAR_AS_AGE in msgs


@pytest.mark.parametrize(
    ("value", "lo", "hi"),
    [
        ("early 20s", 20, 23),
        ("mid 30s", 33, 36),
        ("late 20s", 26, 29),
        ("اوایل دهه ۲۰", 20, 23),
        ("twenties", 20, 29),
        ("in his 20s", 20, 29),
        ("in her thirties", 30, 39),
        ("17 or 18", 17, 18),
        ("۱۷ یا ۱۸", 17, 18),
    ],
)
def test_parts_of_decades_and_alternatives(value: str, lo: int, hi: int) -> None:
    """All unparsed before (no age at all)."""
    r = parse_age(value)
    assert (r.min, r.max) == (lo, hi)


def test_daughter_of_beats_the_names_usual_sex() -> None:
    """Hiwa is mostly a man's name; "daughter of" in the record says otherwise. Before,
    every row here was imputed male, and a list reporting F then disagreed on sex."""
    import pandas as pd

    from roshan.normalize import normalize_frame
    from roshan.normalize.names import kin_sex

    df = pd.DataFrame(
        {
            "record_pk": [1, 2, 3, 4, 5],
            "source": ["A"] * 5,
            "full_name": [
                "Hiwa Rezaei daughter of Ali",
                "هیوا رضایی دختر علی",
                "Hiwa Rezaei",
                "Hiwa Rezaei daughter of Ali",
                "Zahra Rigi",
            ],
            "notes": [None, None, "Daughter of Ali", None, "پدر دو دختر"],
            "sex": [None, None, None, "M", None],
        }
    )
    out = normalize_frame(df)
    assert list(out["sex"]) == ["f", "f", "f", "m", "f"]  # a reported sex always wins
    assert list(out["sex_imputed"]) == [True, True, True, False, True]
    assert kin_sex(None, "پدر دو دختر") is None  # father of two daughters: not her sex
    assert kin_sex("Ali son of Reza daughter of Hasan") is None  # contradicts itself


@pytest.mark.parametrize("value", ["Unknown", "نامعلوم", "N/A", "-", "?", "؟", "??", "—"])
def test_an_unknown_age_is_no_warning(value: str) -> None:
    from roshan.normalize.validate import check_fields

    assert parse_age(value).min is None
    assert check_fields({"full_name": "x", "age": value}) == []


@pytest.mark.parametrize(
    ("value", "sex"),
    [("Female (F)", "f"), ("m (boy)", "m"), ("مرد - M", "m"), ("M/F", None), ("male female", None)],
)
def test_several_terms_that_agree_say_the_sex(value: str, sex: str | None) -> None:
    """A cell that repeats the sex in two forms was unrecognised; one that names both
    sexes (the header "M/F" typed into a cell) still is."""
    r = parse_sex(value)
    assert (r.value, r.recognised) == (sex, sex is not None)


@pytest.mark.parametrize(
    ("value", "sex"),
    [
        ("♂", "m"),
        ("♀", "f"),
        ("♀\ufe0f", "f"),  # the emoji form
        ("Mard", "m"),  # Persian written in Latin letters
        ("Zan", "f"),
        ("Khanom", "f"),
        ("آقای", "m"),
        ("خانوم", "f"),  # spoken spelling of خانم
    ],
)
def test_sex_in_symbols_finglish_and_spoken_spelling(value: str, sex: str) -> None:
    """These were unrecognised (the symbols were even read as a recognised blank)."""
    r = parse_sex(value)
    assert (r.value, r.recognised) == (sex, True)
