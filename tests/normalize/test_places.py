"""Gazetteer: provinces, counties, cities; variants; confidence; unknown kept and flagged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roshan.normalize.places import gazetteer, normalize_place, province_of, resolve_place

DATA = Path(__file__).resolve().parents[2] / "src" / "roshan" / "normalize" / "data"


def test_gazetteer_contents() -> None:
    g = gazetteer()
    assert len(g.provinces) == 31
    assert {p.code for p in g.provinces.values()} == {f"IR-{i:02d}" for i in range(31)}
    assert len(g.places) >= 2400
    assert sum(1 for p in g.places if p["names_fa"]) > 2000
    assert all(p["province"] for p in g.places[:500])


def test_attribution_is_shipped() -> None:
    text = (DATA / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "GeoNames" in text and "CC BY 4.0" in text and "ISO 3166-2" in text
    doc = json.loads((DATA / "gazetteer_ir.json").read_text(encoding="utf-8"))
    assert "GeoNames" in doc["sources"]["places"]


def test_brief_examples() -> None:
    for v in ("Lordegan", "Lordjan", "لردگان"):
        r = normalize_place(v)
        assert (r.city, r.county, r.province_code) == ("Lordegan", "Lordegan", "IR-14")
        assert r.province == "Chaharmahal and Bakhtiari" and r.province_fa == "چهارمحال و بختیاری"
    for v in ("Malekshahi", "Malikshahi", "ملکشاهی"):
        r = normalize_place(v)
        assert (r.county, r.province_code) == ("Malekshahi", "IR-16")
    for v in ("Abdanan", "Abdenan", "آبدانان"):
        assert normalize_place(v).province == "Ilam"


def test_provinces() -> None:
    assert province_of("Kordestan").code == "IR-12"
    assert province_of("استان کردستان").code == "IR-12"
    assert province_of("Sistan va Baluchestan").code == "IR-11"
    assert province_of("IR-14").name == "Chaharmahal and Bakhtiari"
    assert province_of("Atlantis") is None
    r = normalize_place("Kurdistan")
    assert r.city is None and r.province_code == "IR-12" and r.confidence == 0.8


def test_confidence_levels() -> None:
    assert normalize_place("Mashhad").confidence == 1.0
    assert normalize_place("Tehran").confidence >= 0.95
    assert resolve_place("Lordegan", None, "Chaharmahal").confidence == 1.0
    fuzzy = resolve_place("Lordagaan")
    assert fuzzy.city == "Lordegan" and fuzzy.confidence == 0.6
    elsewhere = resolve_place("Mashhad", None, "Fars")  # trust the source's province
    assert elsewhere.province_code == "IR-07" and elsewhere.confidence == 0.5


def test_unknown_place_kept_verbatim_and_flagged() -> None:
    r = resolve_place("Nowhere-ville")
    assert r.unresolved and r.city == "nowhere ville" and r.confidence == 0.0
    r = resolve_place("Nowhere-ville", None, "Ilam")
    assert r.unresolved and r.province == "Ilam"
    assert resolve_place(None).unresolved is False


def test_place_of_death_free_text() -> None:
    r = resolve_place(None, None, None, "Imam Reza hospital, Mashhad")
    assert r.city == "Mashhad" and r.confidence == 0.5


def test_typos_and_french_spellings() -> None:
    r = resolve_place("Sanantaj", None, "Kurdistan")
    assert r.city == "Sanandaj" and r.confidence == 0.4
    assert resolve_place("Rafsandjan").city == "Rafsanjan"
    assert resolve_place("Lahidjan").province_code == "IR-01"
    joined = resolve_place("علیآبادکتول")
    assert joined.province_code == "IR-27" and "'" not in joined.city
    assert resolve_place("Qwxyzzz", None, "Ilam").unresolved


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Sistan & Baluchistan", "IR-11"),
        ("W. Azerbaijan", "IR-04"),
        ("Azerbaijan, West", "IR-04"),
        ("Azerbaijan West", "IR-04"),
        ("Khorasan North", "IR-28"),
        ("N. Khorasan", "IR-28"),
        ("S. Khorasan", "IR-29"),
        ("Ilam, Iran", "IR-16"),
        ("ایلام، ایران", "IR-16"),
    ],
)
def test_province_abbreviations_and_country(text: str, code: str) -> None:
    """Each of these named no province: an ampersand, an abbreviated or trailing
    direction, or the country written after the province."""
    found = province_of(text)
    assert found is not None and found.code == code


def test_the_country_alone_is_no_province() -> None:
    assert province_of("Iran") is None


def test_every_province_name_alone_is_that_province() -> None:
    """A province's name in a city cell is the province, not a town whose name or
    spelling key it shares: before, 9 of the 62 English and Persian province names were
    read as a town of another province ("Gilan" as Gilan-e Gharb in Kermanshah,
    «گیلان» as Golian, "Lorestan" as Lar in Fars, "Fars" as Fardis, "Alborz" as Alvand)."""
    from roshan.normalize.places import gazetteer, resolve_place

    g = gazetteer()
    assert len(g.province_by_name) >= 62
    wrong = [
        (name, normalize_place(name).province_code, resolve_place(name).province_code)
        for name, code in g.province_by_name.items()
        if normalize_place(name).province_code != code or resolve_place(name).province_code != code
    ]
    assert wrong == []
    # a province's capital of the same name is still the town
    assert (normalize_place("Tehran").city, normalize_place("Qom").city) == ("Tehran", "Qom")
    # and a town elsewhere named like it is read when the list gives its province
    assert resolve_place("Gilan", None, "Kermanshah").city == "Gilan-e Gharb"
    assert normalize_place("Gilan-e Gharb").province == "Kermanshah"


@pytest.mark.parametrize(
    ("text", "city", "province"),
    [
        ("Evin prison", "Tehran", "Tehran"),
        ("زندان اوین", "Tehran", "Tehran"),
        ("قزلحصار", "Karaj", "Alborz"),
        ("Rajaei Shahr prison", "Karaj", "Alborz"),
        ("Vakilabad prison", "Mashhad", "Razavi Khorasan"),
        ("زندان عادل آباد", "Shiraz", "Fars"),
        ("Dastgerd prison", "Isfahan", "Isfahan"),  # not the village of Dastgerd
        ("Lakan prison, Rasht", "Rasht", "Gilan"),
        ("Sheiban prison", "Ahvaz", "Khuzestan"),
    ],
)
def test_a_prison_that_does_not_name_its_city(text: str, city: str, province: str) -> None:
    """A death in custody recorded with the prison alone: it was unresolved (no place)."""
    r = normalize_place(text)
    assert (r.city, r.province, r.unresolved) == (city, province, False)
    assert r.confidence == 0.7
    # also as the place of death of a record without a city

    assert resolve_place(None, None, None, text).city == city
    # a prison named after its city needs no entry
    assert normalize_place("زندان مرکزی زاهدان").city == "Zahedan"
