"""The synthetic victims: who they are, where and when they died (vectorised).

Every attribute is drawn with numpy from the shipped tables, so a million
victims take a few seconds. The distributions are *assumptions for simulation*
(documented in docs/simulator.md), not estimates of the real crackdown:
mostly young men; provinces weighted by 2016 census population times a
crackdown-intensity factor; deaths from 28 December 2025 to 31 January 2026
with the escalation after the 8 January blackout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from roshan.canonical import CauseOfDeath
from roshan.simulate.config import ScenarioConfig
from roshan.simulate.names import NameTable, family_names, given_names
from roshan.simulate.places import Places, load_places

LATENT_CLASSES = ("visible", "ordinary", "hidden")
LATENT_PROBS = (0.2, 0.55, 0.25)
LATENT_EFFECT = np.array([1.0, 0.0, -1.2])  # log-multiplier on capture, times heterogeneity

# Crackdown-intensity multipliers on population weight (simulation assumption).
PROVINCE_INTENSITY = {
    "IR-12": 2.5,
    "IR-05": 2.0,
    "IR-11": 2.0,
    "IR-04": 1.5,
    "IR-16": 1.5,
    "IR-23": 1.3,
    "IR-10": 1.2,
    "IR-06": 1.2,
}

CAUSE_PROBS = {
    CauseOfDeath.LIVE_AMMUNITION: 0.68,
    CauseOfDeath.PELLETS: 0.1,
    CauseOfDeath.BEATING: 0.06,
    CauseOfDeath.IN_CUSTODY: 0.05,
    CauseOfDeath.VEHICLE: 0.02,
    CauseOfDeath.TEAR_GAS: 0.02,
    CauseOfDeath.EXECUTION: 0.01,
    CauseOfDeath.OTHER: 0.02,
    CauseOfDeath.UNKNOWN: 0.04,
}


@dataclass
class Population:
    """Victims as aligned arrays (indices into vocabularies) plus the truth table."""

    n: int
    male: np.ndarray  # bool
    age: np.ndarray  # int
    given: np.ndarray  # index into the sex's given-name table
    family: np.ndarray  # index into family_names()
    father: np.ndarray  # index into given_names('M')
    seyed: np.ndarray  # bool: carries the Seyed/Seyyede title
    province: np.ndarray  # index into places.province_*
    city: np.ndarray  # index into places.city_*
    day: np.ndarray  # days since config.start_date
    latent: np.ndarray  # index into LATENT_CLASSES
    cause: np.ndarray  # index into list(CAUSE_PROBS)
    body_withheld: np.ndarray  # bool
    victim_id: np.ndarray  # str
    birth_day: np.ndarray  # date of birth as days since config.start_date (negative)
    # deliberate namesakes (ScenarioConfig.namesake_rate): index of the other member of
    # the victim's pair or -1, and whether the pair shares the father's name
    namesake_of: np.ndarray | None = None
    namesake_same_father: np.ndarray | None = None


def day_weights(cfg: ScenarioConfig) -> np.ndarray:
    """Relative death intensity per day: slow rise, peak after the blackout, decay."""
    n_days = (cfg.end_date - cfg.start_date).days + 1
    days = np.arange(n_days)
    b = (cfg.blackout_date - cfg.start_date).days
    w = np.where(days < b, 1.0 + 0.3 * days, 0.0)
    after = days - b
    w = np.where(days >= b, 2.0 + 25.0 * np.exp(-after / 4.0) + 1.5, w)
    return w / w.sum()


def _ages(rng: np.random.Generator, n: int) -> np.ndarray:
    comp = rng.choice(4, size=n, p=[0.62, 0.22, 0.08, 0.08])
    age = np.empty(n)
    age[comp == 0] = rng.normal(25, 5, (comp == 0).sum())
    age[comp == 1] = rng.normal(40, 8, (comp == 1).sum())
    age[comp == 2] = rng.uniform(9, 18, (comp == 2).sum())
    age[comp == 3] = rng.uniform(50, 78, (comp == 3).sum())
    return np.clip(np.round(age), 7, 85).astype(np.int64)


def province_weights(places: Places) -> np.ndarray:
    """Census population times crackdown intensity, normalised."""
    w = places.province_pop.astype(float).copy()
    for i, code in enumerate(places.province_code):
        w[i] *= PROVINCE_INTENSITY.get(code, 1.0)
    return w / w.sum()


def _sample_cities(rng: np.random.Generator, places: Places, province: np.ndarray) -> np.ndarray:
    city = np.empty(len(province), dtype=np.int64)
    for p in np.unique(province):
        idx = np.flatnonzero(places.city_province == p)
        w = places.city_pop[idx].astype(float) ** 0.9
        sel = province == p
        city[sel] = rng.choice(idx, size=sel.sum(), p=w / w.sum())
    return city


def _top(weight: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` heaviest names (ties by table order)."""
    return np.argsort(-weight, kind="stable")[:k]


def _reweight(weight: np.ndarray, pool: int | None, top: int, mass: float | None) -> np.ndarray:
    """Name weights with the pool cut to the ``pool`` heaviest names (Zipf weights kept,
    renormalised) and/or the ``top`` heaviest names given total weight ``mass``."""
    w = weight.astype(float).copy()
    if pool is not None and pool < len(w):
        keep = np.zeros(len(w), bool)
        keep[_top(w, pool)] = True
        w = np.where(keep, w, 0.0)
    w /= w.sum()
    if mass is not None:
        head = np.zeros(len(w), bool)
        head[_top(w, min(top, int((w > 0).sum())))] = True
        rest = w[~head].sum()
        if rest > 0:
            w = np.where(head, w / w[head].sum() * mass, w / rest * (1.0 - mass))
    return w / w.sum()


def _split(total: int, male_share: float) -> tuple[int, int]:
    """Split a number of given names between the male and female tables."""
    k_m = max(1, int(round(total * male_share)))
    return k_m, max(1, total - k_m)


def name_weights(cfg: ScenarioConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sampling weights of the (male given, female given, family) tables under the
    config's name-pool dials; the tables' own weights when none is set."""
    gm, gf, fam = given_names("M"), given_names("F"), family_names()
    if (
        cfg.name_concentration is None
        and cfg.given_pool_size is None
        and cfg.family_pool_size is None
    ):
        return gm.weight, gf.weight, fam.weight
    top_m, top_f = _split(cfg.name_top, cfg.male_share)
    pool_m, pool_f = (
        _split(cfg.given_pool_size, cfg.male_share) if cfg.given_pool_size else (None, None)
    )
    return (
        _reweight(gm.weight, pool_m, top_m, cfg.name_concentration),
        _reweight(gf.weight, pool_f, top_f, cfg.name_concentration),
        _reweight(fam.weight, cfg.family_pool_size, cfg.name_top, cfg.name_concentration),
    )


def make_population(cfg: ScenarioConfig, rng: np.random.Generator) -> Population:
    """Draw ``cfg.population`` victims."""
    n = cfg.population
    places = load_places()
    male = rng.random(n) < cfg.male_share
    gm, gf, fam = given_names("M"), given_names("F"), family_names()
    w_m, w_f, w_fam = name_weights(cfg)
    given = np.where(male, rng.choice(len(gm), n, p=w_m), rng.choice(len(gf), n, p=w_f))
    family = rng.choice(len(fam), n, p=w_fam)
    father = rng.choice(len(gm), n, p=w_m)
    province = rng.choice(len(places.province_code), n, p=province_weights(places))
    city = _sample_cities(rng, places, province)
    day = rng.choice(len(day_weights(cfg)), n, p=day_weights(cfg))
    latent = rng.choice(3, n, p=LATENT_PROBS)
    cause = rng.choice(
        len(CAUSE_PROBS), n, p=np.array(list(CAUSE_PROBS.values())) / sum(CAUSE_PROBS.values())
    )
    b = (cfg.blackout_date - cfg.start_date).days
    body_withheld = rng.random(n) < np.where(day >= b, 0.35, 0.15)
    width = max(6, len(str(n)))
    victim_id = np.array([f"V{i:0{width}d}" for i in range(1, n + 1)], dtype=object)
    age = _ages(rng, n)
    pop = Population(
        n=n,
        male=male,
        age=age,
        given=given,
        family=family,
        father=father,
        seyed=rng.random(n) < 0.07,
        province=province,
        city=city,
        day=day,
        latent=latent,
        cause=cause,
        body_withheld=body_withheld,
        victim_id=victim_id,
        birth_day=np.zeros(n, dtype=np.int64),
    )
    # drawn last so adding it left every earlier draw of a seed unchanged
    pop.birth_day = day - np.floor(age * 365.25 + rng.uniform(0, 365, n)).astype(np.int64)
    if cfg.namesake_rate > 0:  # after every default draw: namesake-free scenarios are unchanged
        _add_namesakes(pop, cfg, w_m, rng)
    return pop


NAMESAKE_DAYS = 3  # a namesake died within this many days of the other (one week)


def _add_namesakes(
    pop: Population, cfg: ScenarioConfig, w_father: np.ndarray, rng: np.random.Generator
) -> None:
    """Turn ``namesake_rate`` of the victims into pairs of namesakes, in place.

    For each pair (a, b), b takes a's sex, given and family name, province and
    city, and dies within NAMESAKE_DAYS days of a. In ``namesake_same_father`` of
    the pairs b also takes a's father's name and Seyed title (brothers or cousins
    named after one grandfather) and is 1–10 years older or younger; in the others
    b gets a different father's name and an age of its own.
    """
    n = pop.n
    pairs = min(n // 2, int(round(cfg.namesake_rate * n / 2)))
    pop.namesake_of = np.full(n, -1, dtype=np.int64)
    pop.namesake_same_father = np.zeros(n, dtype=bool)
    if pairs == 0:
        return
    perm = rng.permutation(n)
    a, b = perm[:pairs], perm[pairs : 2 * pairs]
    for attr in ("male", "given", "family", "province", "city"):
        arr = getattr(pop, attr)
        arr[b] = arr[a]
    n_days = (cfg.end_date - cfg.start_date).days + 1
    pop.day[b] = np.clip(
        pop.day[a] + rng.integers(-NAMESAKE_DAYS, NAMESAKE_DAYS + 1, pairs), 0, n_days - 1
    )
    same = rng.random(pairs) < cfg.namesake_same_father
    father = rng.choice(len(w_father), pairs, p=w_father)
    for _ in range(20):  # a different father's name unless the pair shares it
        clash = ~same & (father == pop.father[a])
        if not clash.any():
            break
        father[clash] = rng.choice(len(w_father), int(clash.sum()), p=w_father)
    pop.father[b] = np.where(same, pop.father[a], father)
    pop.seyed[b] = np.where(same, pop.seyed[a], pop.seyed[b])
    gap = rng.integers(1, 11, pairs) * rng.choice([-1, 1], pairs)
    sib_age = pop.age[a] + gap
    sib_age = np.where((sib_age < 7) | (sib_age > 85), pop.age[a] - gap, sib_age)
    pop.age[b] = np.where(same, np.clip(sib_age, 7, 85), _ages(rng, pairs))
    pop.birth_day[b] = pop.day[b] - np.floor(
        pop.age[b] * 365.25 + rng.uniform(0, 365, pairs)
    ).astype(np.int64)
    pop.namesake_of[a], pop.namesake_of[b] = b, a
    pop.namesake_same_father[a] = pop.namesake_same_father[b] = same


def given_table(pop: Population) -> tuple[NameTable, NameTable]:
    """The (male, female) given-name tables ``pop.given`` indexes into."""
    return given_names("M"), given_names("F")


def truth_frame(pop: Population, cfg: ScenarioConfig) -> pd.DataFrame:
    """The whole population as a DataFrame: true canonical values and latent class."""
    import jdatetime

    places = load_places()
    gm, gf = given_table(pop)
    fam = family_names()
    given_fa = np.where(
        pop.male,
        gm.fa[np.minimum(pop.given, len(gm) - 1)],
        gf.fa[np.minimum(pop.given, len(gf) - 1)],
    )
    given_lat = np.where(
        pop.male,
        gm.latin[np.minimum(pop.given, len(gm) - 1)],
        gf.latin[np.minimum(pop.given, len(gf) - 1)],
    )
    days = (
        [cfg.start_date + timedelta(days=int(d)) for d in range(int(pop.day.max()) + 1)]
        if pop.n
        else []
    )
    iso = np.array([d.isoformat() for d in days], dtype=object)
    jal = np.array(
        [jdatetime.date.fromgregorian(date=d).strftime("%Y/%m/%d") for d in days], dtype=object
    )
    causes = np.array([c.value for c in CAUSE_PROBS], dtype=object)
    return pd.DataFrame(
        {
            "victim_id": pop.victim_id,
            "given_name": given_fa,
            "family_name": fam.fa[pop.family],
            "father_name": gm.fa[pop.father],
            "given_name_latin": given_lat,
            "family_name_latin": fam.latin[pop.family],
            "father_name_latin": gm.latin[pop.father],
            "seyed": pop.seyed,
            "sex": np.where(pop.male, "male", "female"),
            "age": pop.age,
            "date_of_death": iso[pop.day] if pop.n else [],
            "date_of_death_jalali": jal[pop.day] if pop.n else [],
            "date_of_birth": [
                (cfg.start_date + timedelta(days=int(d))).isoformat() for d in pop.birth_day
            ],
            "city": places.city_fa[pop.city],
            "city_latin": places.city_en[pop.city],
            "province": places.province_fa[pop.province],
            "province_code": places.province_code[pop.province],
            "latent_class": np.array(LATENT_CLASSES, dtype=object)[pop.latent],
            "cause_category": causes[pop.cause],
            "body_withheld": np.where(pop.body_withheld, "yes", "no"),
        }
    )


def start_plus(cfg: ScenarioConfig, day: int) -> date:
    """The calendar date ``day`` days after the start date."""
    return cfg.start_date + timedelta(days=day)
