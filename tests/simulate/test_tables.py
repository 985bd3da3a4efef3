"""Shipped reference tables: provinces, cities, name vocabularies."""

import numpy as np

from roshan.simulate.names import family_names, given_names
from roshan.simulate.places import load_places


def test_provinces_match_2016_census_total_and_iso_codes():
    p = load_places()
    assert len(p.province_code) == 31
    assert int(p.province_pop.sum()) == 79_926_270  # published national total
    assert sorted(p.province_code) == [f"IR-{i:02d}" for i in range(31)]


def test_every_province_has_cities_with_persian_names():
    p = load_places()
    assert set(np.unique(p.city_province)) == set(range(31))
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in c) for c in p.city_fa)
    assert "تهران" in set(p.city_fa)


def test_name_tables_are_weighted_and_carry_variants():
    for t in (given_names("M"), given_names("F"), family_names()):
        assert abs(t.weight.sum() - 1) < 1e-9
        assert len(t) > 1000
        assert len(t.fa) == len(t.latin) == len(t.fa_variants) == len(t.latin_variants)
    m = given_names("M")
    i = list(m.fa).index("محمد")
    assert {"Mohammad", "Mohammed", "Muhammad", "Mohamad"} <= set(m.latin_variants[i])
    assert m.weight[i] == m.weight.max()
    j = list(m.fa).index("محمدرضا")
    assert {"Mohammadreza", "Mohammad Reza", "Mohammad-Reza"} <= set(m.latin_variants[j])
    assert "محمد رضا" in m.fa_variants[j]


def test_name_variants_package_seeds_romanisations():
    f = given_names("F")
    i = list(f.fa).index("مهناز")  # only in name-variants' table, not in the curated head
    assert f.latin[i] == "Mahnaz"
    m = given_names("M")
    j = list(m.fa).index("کورش")
    assert "Cyrus" not in m.latin_variants[j]  # translations are not spellings
