"""Spelling machinery: romanisation variants, Persian variants, digits, typos (SYNTHETIC strings)."""

import numpy as np

from roshan.simulate.spelling import (
    house_form,
    latin_variants,
    persian_variants,
    romanise_rule_based,
    to_arabic_letters,
    to_persian_digits,
    typo,
)


def test_latin_variants_keep_canonical_first_and_add_usual_forms():
    v = latin_variants("Rezaei")
    assert v[0] == "Rezaei"
    assert {"Rezaee", "Rezaie"} <= set(v)
    assert "Qasemi" in latin_variants("Ghasemi")
    assert {"Musavi", "Moosavi"} <= set(latin_variants("Mousavi"))
    assert len(v) == len(set(v))


def test_house_style_changes_the_preferred_form():
    v = latin_variants("Mohammadi")
    assert house_form("Mohammadi", v, "standard") == "Mohammadi"
    assert house_form("Mohammadi", v, "arabic") == "Muhammadi"
    assert house_form("Ghasemi", latin_variants("Ghasemi"), "academic") == "Qasemi"


def test_persian_variants_space_zwnj_and_alef():
    v = persian_variants("حسین\u200cزاده")
    assert "حسین زاده" in v and "حسینزاده" in v
    assert "ارش" in persian_variants("آرش")


def test_letters_and_digits():
    assert to_arabic_letters("کریمی") == "كريمي"
    assert to_persian_digits("1404/10/18") == "۱۴۰۴/۱۰/۱۸"


def test_rule_based_romaniser_gives_readable_forms():
    assert romanise_rule_based("بهرام") == "Bahram"
    assert romanise_rule_based("شیرازی") == "Shirazi"
    assert romanise_rule_based("نیک\u200cپور") == "Nikpour"


def test_typo_changes_text_but_keeps_it_close():
    rng = np.random.default_rng(0)
    outs = [typo("Mohammadreza", rng) for _ in range(50)]
    assert sum(o != "Mohammadreza" for o in outs) >= 40
    assert all(abs(len(o) - 12) <= 1 for o in outs)
    assert typo("Al", rng) == "Al"  # too short to mangle
