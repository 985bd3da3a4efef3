"""Name vocabularies for synthetic victims, with weights and every spelling variant.

Given and family names come from a curated head (``data/given_names.csv``,
``data/family_names.csv``: common Iranian names with their usual romanisations,
ranked) plus a long tail from the MIT-licensed name pools of ``farsi-faker``
(filtered against ``persian-gender-detection``'s name/sex list so that place
names and oddities in the raw pools are dropped), plus family names composed
the usual Iranian way (root + ی/پور/زاده/نیا/…). Weights are Zipf-like by rank:
an assumption for simulation, documented in docs/simulator.md.

Romanisation variants of the curated names are extended with the variant
seeds of ``name-variants`` (MIT); tail names found there take its forms instead
of a rule-based guess.

Each vocabulary entry carries its canonical Persian form, its Persian spelling
variants, a canonical Latin form and its Latin variants, so renderers can pick
by index without per-record string work.
"""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from roshan.simulate.places import DATA_DIR
from roshan.simulate.spelling import (
    ZWNJ,
    join_compound,
    latin_variants,
    persian_variants,
    romanise_rule_based,
)


@dataclass(frozen=True)
class NameTable:
    """A vocabulary of names: aligned arrays indexed by name id."""

    fa: np.ndarray  # canonical Persian spelling
    latin: np.ndarray  # canonical Latin spelling
    fa_variants: list[list[str]]
    latin_variants: list[list[str]]
    weight: np.ndarray  # sampling probability (sums to 1)

    def __len__(self) -> int:
        return len(self.fa)


def _zipf(n: int, s: float = 1.0, offset: float = 2.0) -> np.ndarray:
    w = 1.0 / (np.arange(n) + offset) ** s
    return w / w.sum()


def _clean_fa(name: str) -> str:
    return name.replace("ي", "ی").replace("ك", "ک").strip()


@lru_cache(maxsize=1)
def _sex_of() -> dict[str, str]:
    """persian-gender-detection's name -> 'M'/'F' list."""
    from importlib import resources

    pgd = resources.files("persian_gender_detection").joinpath("gender/iranianNamesDataset.csv")
    sex_of: dict[str, str] = {}
    with pgd.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            sex_of[_clean_fa(row["Names"])] = row["Gender"].strip().upper()
    return sex_of


@lru_cache(maxsize=1)
def _raw_pools() -> tuple[list[str], list[str], list[str]]:
    """farsi-faker's male, female and family pools, filtered for plausibility."""
    import pickle
    from importlib import resources

    raw = pickle.loads(resources.files("farsi_faker").joinpath("data/names.pkl").read_bytes())
    sex_of = _sex_of()

    def keep(names: list[str], sex: str) -> list[str]:
        out = []
        for n in names:
            n = _clean_fa(n)
            if 2 <= len(n) <= 12 and " " not in n and sex_of.get(n) == sex:
                out.append(n)
        return sorted(set(out))

    fam = sorted({_clean_fa(n) for n in raw["last_names"] if 3 <= len(_clean_fa(n)) <= 14})
    return keep(raw["male_names"], "M"), keep(raw["female_names"], "F"), fam


@lru_cache(maxsize=1)
def _seed_variants() -> dict[str, list[str]]:
    """Romanisation variant seeds from ``name-variants`` (MIT): Persian name -> Latin forms.

    Forms are capitalised; non-ASCII forms and forms that do not share the first
    form's initial (translations such as Cyrus for Kourosh) are dropped.
    """
    from name_variants.persian_names import PERSIAN_NAME_VARIANTS

    out: dict[str, list[str]] = {}
    for fa, entry in PERSIAN_NAME_VARIANTS.items():
        forms = [f for f in entry.get("forms", []) if f.isascii() and f.isalpha()]
        if not forms:
            continue
        first = forms[0][0]
        out[_clean_fa(fa)] = [f.capitalize() for f in forms if f[0] == first]
    return out


def _merge_forms(curated: list[str], seeds: list[str]) -> list[str]:
    return list(dict.fromkeys([*curated, *seeds]))


def _read(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _compound_forms(parts_latin: list[list[str]]) -> list[str]:
    forms: list[str] = []
    joiners = ["", " ", "-"]
    for j in joiners:  # canonical part forms first, each joiner
        forms.append(join_compound([p[0] for p in parts_latin], j))
    for combo in itertools.product(*[p[:2] for p in parts_latin]):
        for j in joiners:
            f = join_compound(list(combo), j)
            if f not in forms:
                forms.append(f)
    return forms[:8]


@lru_cache(maxsize=2)
def given_names(sex: str, tail_share: float = 0.15) -> NameTable:
    """Given names for ``sex`` ('M' or 'F'): curated head (Zipf) + farsi-faker tail."""
    rows = [r for r in _read("given_names.csv") if r["sex"] == sex]
    curated_latin = {
        r["name_fa"]: [f for f in r["latin_forms"].split("|") if f]
        for r in _read("given_names.csv")
        if r["latin_forms"]
    }
    fa, lat, fav, latv = [], [], [], []
    for r in rows:
        name = r["name_fa"]
        if r["parts"]:
            parts = r["parts"].split("+")
            plat = [curated_latin.get(p) or [romanise_rule_based(p)] for p in parts]
            forms = _compound_forms(plat)
            pv = [name.replace(ZWNJ, ""), " ".join(parts), ZWNJ.join(parts)]
            pv = list(dict.fromkeys([name] + pv))
        else:
            forms = _merge_forms(curated_latin[name], _seed_variants().get(name, []))
            pv = persian_variants(name)
        fa.append(name)
        lat.append(forms[0])
        latv.append(latin_variants(forms[0], forms[1:]))
        fav.append(pv)
    n_head = len(fa)
    male, female, _ = _raw_pools()
    seen = set(fa) | {f.replace(ZWNJ, "") for f in fa}
    pool = male if sex == "M" else female
    extra = sorted(n for n in _seed_variants() if _sex_of().get(n) == sex and n not in set(pool))
    for name in [*pool, *extra]:
        if name in seen:
            continue
        seen.add(name)
        seeds = _seed_variants().get(name)
        canon = seeds[0] if seeds else romanise_rule_based(name)
        fa.append(name)
        lat.append(canon)
        fav.append(persian_variants(name))
        latv.append(latin_variants(canon, seeds[1:] if seeds else None))
    n_tail = len(fa) - n_head
    w = np.concatenate(
        [_zipf(n_head) * (1 - tail_share), np.full(n_tail, tail_share / max(n_tail, 1))]
    )
    return NameTable(
        np.array(fa, dtype=object), np.array(lat, dtype=object), fav, latv, w / w.sum()
    )


_SUFFIXES = (  # Persian suffix, Latin suffix, relative weight
    ("ی", "i", 5.0),
    ("پور", "pour", 2.0),
    ("زاده", "zadeh", 2.0),
    ("نیا", "nia", 1.0),
    ("فر", "far", 0.7),
    ("راد", "rad", 0.5),
    ("وند", "vand", 0.7),
    ("نژاد", "nejad", 0.8),
    ("لو", "lou", 0.5),
)


@lru_cache(maxsize=1)
def family_names(composed_share: float = 0.35, tail_share: float = 0.2) -> NameTable:
    """Family names: curated head (Zipf) + root+suffix compositions + farsi-faker tail."""
    fa, lat, fav, latv = [], [], [], []
    for r in _read("family_names.csv"):
        forms = _merge_forms(r["latin_forms"].split("|"), _seed_variants().get(r["name_fa"], []))
        fa.append(r["name_fa"])
        lat.append(forms[0])
        fav.append(persian_variants(r["name_fa"]))
        latv.append(latin_variants(forms[0], forms[1:]))
    n_head = len(fa)
    seen = set(fa)
    roots = [r for r in _read("given_names.csv") if r["sex"] == "M" and not r["parts"]][:70]
    comp_w = []
    for rank, r in enumerate(roots):
        root_fa, root_lat = r["name_fa"], r["latin_forms"].split("|")[0]
        for suf_fa, suf_lat, sw in _SUFFIXES:
            if suf_fa == "ی":
                if root_fa.endswith("ا"):
                    name, latin = root_fa + "یی", root_lat + "ei"
                elif root_fa.endswith(("ی", "ه", "و")):
                    continue
                else:
                    name, latin = root_fa + "ی", root_lat + "i"
                spaced = [name]
            else:
                # after final ی/ه Persian writes a zero-width non-joiner, not a glued form
                glue = ZWNJ if root_fa.endswith(("ی", "ه")) else ""
                name = root_fa + glue + suf_fa
                latin = root_lat + suf_lat
                spaced = [name, root_fa + ZWNJ + suf_fa, root_fa + " " + suf_fa, root_fa + suf_fa]
            if name in seen:
                continue
            seen.add(name)
            fa.append(name)
            lat.append(latin)
            fav.append(list(dict.fromkeys(spaced)))
            latv.append(
                latin_variants(
                    latin, [root_lat + "-" + suf_lat.capitalize()] if suf_fa != "ی" else []
                )
            )
            comp_w.append(sw / (rank + 2))
    n_comp = len(fa) - n_head
    _, _, tail = _raw_pools()
    for name in tail:
        if name in seen:
            continue
        seen.add(name)
        canon = romanise_rule_based(name)
        fa.append(name)
        lat.append(canon)
        fav.append(persian_variants(name))
        latv.append(latin_variants(canon))
    n_tail = len(fa) - n_head - n_comp
    cw = np.array(comp_w)
    w = np.concatenate(
        [
            _zipf(n_head, s=0.8) * (1 - composed_share - tail_share),
            cw / cw.sum() * composed_share,
            np.full(n_tail, tail_share / max(n_tail, 1)),
        ]
    )
    return NameTable(
        np.array(fa, dtype=object), np.array(lat, dtype=object), fav, latv, w / w.sum()
    )
