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
