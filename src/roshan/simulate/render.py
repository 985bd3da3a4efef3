"""Turn captured victims into one source's records, written the way that source writes.

Vectorised: every field is produced by choosing, per record, among a small
vocabulary of precomputed strings (name variants, date renderings for ~40
days, age renderings for ~100 ages); only the few records that get a typo go
through a Python call. The output is a DataFrame of canonical field names with
string values exactly as the file will hold them ("" = empty cell).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

from roshan.i18n import GREGORIAN_MONTHS_EN, JALALI_MONTHS_FA
from roshan.simulate.config import ScenarioConfig, SourceSpec
from roshan.simulate.names import NameTable, family_names, given_names
from roshan.simulate.places import load_places
from roshan.simulate.population import CAUSE_PROBS, Population
from roshan.simulate.spelling import (
    house_form,
    latin_variants,
    persian_variants,
    to_arabic_letters,
    to_persian_digits,
    typo,
)

JALALI_MONTHS_EN = (
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
)
SEYED = {  # roman style -> (male, female) Latin title
    "standard": ("Seyed", "Seyedeh"),
    "anglo": ("Seyyed", "Seyyedeh"),
    "academic": ("Sayyid", "Sayyideh"),
    "arabic": ("Sayed", "Sayeda"),
    "diaspora": ("Seyed", "Seyedeh"),
}

CAUSE_TEXT = {
    "live_ammunition": (
        ["gunshot", "shot with live ammunition", "gunshot wound to the head", "shot"],
        ["شلیک گلوله", "اصابت گلوله جنگی", "گلوله"],
    ),
    "pellets": (["pellet wounds", "shotgun pellets"], ["ساچمه", "اصابت ساچمه"]),
    "beating": (["beaten to death", "beating by security forces"], ["ضرب و شتم", "ضربات باتوم"]),
    "in_custody": (["died in custody", "died in detention"], ["مرگ در بازداشت", "زیر شکنجه"]),
    "vehicle": (["run over by a security vehicle"], ["زیر گرفتن با خودرو"]),
    "tear_gas": (["tear gas"], ["گاز اشک‌آور"]),
    "execution": (["executed"], ["اعدام"]),
    "other": (["other"], ["سایر"]),
    "unknown": (["unknown"], ["نامعلوم"]),
}

NAME_FIELDS_WRITTEN = ("full_name", "given_name", "family_name", "father_name")

# field -> multiplier on the missing rate
MISSING_FACTOR = {
    "given_name": 0.1,
    "family_name": 0.3,
    "full_name": 0.0,
    "father_name": 1.5,
    "sex": 1.0,
    "age": 2.0,
    "date_of_death": 1.0,
    "city": 1.0,
    "province": 1.5,
    "cause_of_death": 2.0,
    "body_withheld": 3.0,
    "source_reference": 2.0,
    "witness": 4.0,
    "date_of_birth": 3.0,
}


@dataclass(frozen=True)
class _Flat:
    """Variants of a vocabulary flattened for vectorised random choice."""

    flat: np.ndarray
    start: np.ndarray
    count: np.ndarray


def _flatten(variants: list[list[str]]) -> _Flat:
    count = np.array([len(v) for v in variants], dtype=np.int64)
    start = np.concatenate([[0], np.cumsum(count)[:-1]]) if len(count) else np.zeros(0, np.int64)
    flat = np.array([x for v in variants for x in v], dtype=object)
    return _Flat(flat, start, count)


@lru_cache(maxsize=16)
def _flats(which: str) -> tuple[_Flat, _Flat]:
    table = _table(which)
    return _flatten(table.fa_variants), _flatten(table.latin_variants)


@lru_cache(maxsize=16)
def _table(which: str) -> NameTable:
    if which == "M":
        return given_names("M")
    if which == "F":
        return given_names("F")
    if which == "family":
        return family_names()
    places = load_places()
    if which == "city":
        fav = [persian_variants(c) for c in places.city_fa]
        latv = [latin_variants(c, limit=4) for c in places.city_en]
        return NameTable(places.city_fa, places.city_en, fav, latv, np.ones(len(fav)) / len(fav))
    if which == "province":
        fav = [[p] for p in places.province_fa]
        latv = [list(v) for v in places.province_en]
        lat = np.array([v[0] for v in latv], dtype=object)
        return NameTable(places.province_fa, lat, fav, latv, np.ones(len(fav)) / len(fav))
    raise KeyError(which)


def _pick(
    flat: _Flat, ids: np.ndarray, noise: np.ndarray, rng: np.random.Generator, preferred: np.ndarray
) -> np.ndarray:
    """Preferred form per record, or a uniformly random variant where ``noise`` is True."""
    out = preferred.copy()
    if noise.any():
        sub = ids[noise]
        j = flat.start[sub] + (rng.random(len(sub)) * flat.count[sub]).astype(np.int64)
        out[noise] = flat.flat[j]
    return out


def _house(table: NameTable, ids: np.ndarray, style: str) -> np.ndarray:
    """The source's house Latin form for each record's name id."""
    uniq, inv = np.unique(ids, return_inverse=True)
    forms = np.array(
        [house_form(table.latin[u], table.latin_variants[u], style) for u in uniq], dtype=object
    )
    return forms[inv] if len(uniq) else np.zeros(0, dtype=object)


def _apply_typos(values: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    hit = np.flatnonzero((rng.random(len(values)) < rate) & (values != ""))
    for i in hit:
        values[i] = typo(values[i], rng)
    return values


def render_name(
    which: str,
    ids: np.ndarray,
    fa: np.ndarray,
    src: SourceSpec,
    cfg: ScenarioConfig,
    rng: np.random.Generator,
) -> np.ndarray:
    """One name field for a batch of records: Persian or Latin, house style, variants, typos."""
    table = _table(which)
    fa_flat, lat_flat = _flats(which)
    n = len(ids)
    out = np.empty(n, dtype=object)
    err = cfg.error_rate * src.error_mult
    if fa.any():
        f_ids = ids[fa]
        rate = cfg.variant_rate if cfg.variant_rate is not None else 0.08 + 2 * err
        noise = rng.random(len(f_ids)) < min(1.0, rate)
        out[fa] = _pick(fa_flat, f_ids, noise, rng, table.fa[f_ids])
    lat = ~fa
    if lat.any():
        l_ids = ids[lat]
        rate = cfg.variant_rate if cfg.variant_rate is not None else 0.04 + 3 * err
        noise = rng.random(len(l_ids)) < min(1.0, rate)
        out[lat] = _pick(lat_flat, l_ids, noise, rng, _house(table, l_ids, src.roman_style))
    return out


def _day_strings(
    cfg: ScenarioConfig, style: str, n_days: int, pad: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """Full and month-only renderings for day offsets -pad .. n_days+pad (index = offset + pad)."""
    import jdatetime

    full, part = [], []
    for off in range(-pad, n_days + pad + 1):
        g = cfg.start_date + timedelta(days=off)
        j = jdatetime.date.fromgregorian(date=g)
        if style == "jalali_slash":
            f, p = f"{j.year}/{j.month:02d}/{j.day:02d}", f"{j.year}/{j.month:02d}"
        elif style == "jalali_slash_fa":
            f = to_persian_digits(f"{j.year}/{j.month:02d}/{j.day:02d}")
            p = to_persian_digits(f"{j.year}/{j.month:02d}")
        elif style == "jalali_words_en":
            f, p = (
                f"{j.day} {JALALI_MONTHS_EN[j.month - 1]} {j.year}",
                f"{JALALI_MONTHS_EN[j.month - 1]} {j.year}",
            )
        elif style == "jalali_words_fa":
            f = to_persian_digits(f"{j.day} {JALALI_MONTHS_FA[j.month - 1]} {j.year}")
            p = to_persian_digits(f"{JALALI_MONTHS_FA[j.month - 1]} {j.year}")
        elif style == "iso":
            f, p = g.isoformat(), f"{g.year}-{g.month:02d}"
        elif style == "dmy":
            f, p = f"{g.day:02d}/{g.month:02d}/{g.year}", f"{g.month:02d}/{g.year}"
        else:  # long_en
            f, p = (
                f"{g.day} {GREGORIAN_MONTHS_EN[g.month - 1]} {g.year}",
                f"{GREGORIAN_MONTHS_EN[g.month - 1]} {g.year}",
            )
        full.append(f)
        part.append(p)
    return np.array(full, dtype=object), np.array(part, dtype=object)


def render_dates(
    day: np.ndarray,
    fa: np.ndarray,
    src: SourceSpec,
    cfg: ScenarioConfig,
    rng: np.random.Generator,
    aux: np.random.Generator | None = None,
) -> np.ndarray:
    """Date of death strings: source style, day errors, month-only partial dates.

    A share ``date_jitter_rate`` of records (default ``2·error_rate·error_mult``) is
    off by 1..``date_jitter_days`` days, either sign (the magnitude is drawn from
    ``aux`` only when it can exceed 1, so the default draws are unchanged).
    Persian-script records of a source that uses Persian digits get them here too.
    """
    n_days = (cfg.end_date - cfg.start_date).days + 1
    k = cfg.date_jitter_days
    pad = max(3, k)
    full, part = _day_strings(cfg, src.date_style, n_days, pad)
    err = cfg.error_rate * src.error_mult
    rate = cfg.date_jitter_rate if cfg.date_jitter_rate is not None else 2 * err
    shift = np.where(rng.random(len(day)) < rate, rng.choice([-1, 1], len(day)), 0)
    if k != 1:
        mag = (aux if aux is not None else rng).integers(1, k + 1, len(day)) if k > 1 else 0
        shift = shift * mag
    idx = day + shift + pad
    partial = rng.random(len(day)) < src.partial_date_rate
    out = np.where(partial, part[idx], full[idx]).astype(object)
    if src.alt_date_style:
        alt_full, alt_part = _day_strings(cfg, src.alt_date_style, n_days, pad)
        alt = rng.random(len(day)) < src.alt_date_rate
        out = np.where(alt, np.where(partial, alt_part[idx], alt_full[idx]), out).astype(object)
    if src.digits == "persian" and fa.any():
        out[fa] = [to_persian_digits(x) for x in out[fa]]
    return out


def render_birth_dates(
    birth_day: np.ndarray,
    fa: np.ndarray,
    src: SourceSpec,
    cfg: ScenarioConfig,
    rng: np.random.Generator,
) -> np.ndarray:
    """Dates of birth: Jalali '1381/05/12' in Persian-script records, ISO in Latin ones;
    30% give the year only (Jalali or Gregorian)."""
    import jdatetime

    uniq, inv = np.unique(birth_day, return_inverse=True)
    jal, jal_y, iso, iso_y = [], [], [], []
    for d in uniq:
        g = cfg.start_date + timedelta(days=int(d))
        j = jdatetime.date.fromgregorian(date=g)
        jal.append(f"{j.year}/{j.month:02d}/{j.day:02d}")
        jal_y.append(str(j.year))
        iso.append(g.isoformat())
        iso_y.append(str(g.year))
    year_only = rng.random(len(birth_day)) < 0.3
    as_fa = np.where(
        year_only, np.array(jal_y, dtype=object)[inv], np.array(jal, dtype=object)[inv]
    )
    as_lat = np.where(
        year_only, np.array(iso_y, dtype=object)[inv], np.array(iso, dtype=object)[inv]
    )
    out = np.where(fa, as_fa, as_lat).astype(object)
    if src.digits == "persian" and fa.any():
        out[fa] = [to_persian_digits(x) for x in out[fa]]
    return out


def render_ages(
    age: np.ndarray, fa: np.ndarray, src: SourceSpec, cfg: ScenarioConfig, rng: np.random.Generator
) -> np.ndarray:
    """Age strings: '23', '۲۳', '23 years', '۲۳ ساله', 'about 30', '20-25', 'teenager'."""
    n = len(age)
    err = cfg.error_rate * src.error_mult
    bump = np.where(rng.random(n) < 2 * err, rng.choice([-2, -1, 1, 2], n), 0)
    a = np.clip(age + bump, 1, 99)
    nums = np.array([str(i) for i in range(100)], dtype=object)
    fa_nums = np.array([to_persian_digits(str(i)) for i in range(100)], dtype=object)
    persian_digits = fa & (src.digits == "persian" or src.age_style == "num_fa")
    base = np.where(persian_digits, fa_nums[a], nums[a])
    out = base.copy()
    if src.age_style == "years":
        out = np.where(fa, base + " ساله", base + " years")
    if src.age_style == "words":
        kind = rng.choice(4, n, p=[0.6, 0.2, 0.1, 0.1])
        r5 = np.clip((np.round(a / 5) * 5).astype(np.int64), 5, 95)
        about = np.where(
            fa, "حدود " + np.where(persian_digits, fa_nums[r5], nums[r5]), "about " + nums[r5]
        )
        lo = np.clip(a - a % 5, 0, 95)
        hi = np.clip(lo + 5, 0, 99)
        rng_txt = np.where(
            fa,
            np.where(persian_digits, fa_nums[lo], nums[lo])
            + " تا "
            + np.where(persian_digits, fa_nums[hi], nums[hi]),
            nums[lo] + "-" + nums[hi],
        )
        teen = np.where(fa, "نوجوان", "teenager")
        out = np.where(kind == 1, about, out)
        out = np.where(kind == 2, rng_txt, out)
        out = np.where((kind == 3) & (a >= 13) & (a <= 19), teen, out)
    return out.astype(object)


def render_sex(male: np.ndarray, fa: np.ndarray, src: SourceSpec) -> np.ndarray:
    """Sex terms: مرد/زن, male/female or M/F."""
    if src.sex_style == "MF":
        return np.where(male, "M", "F").astype(object)
    if src.sex_style == "fa":
        return np.where(fa, np.where(male, "مرد", "زن"), np.where(male, "male", "female")).astype(
            object
        )
    return np.where(male, "male", "female").astype(object)


def _record_ids(src: SourceSpec, index: int, n: int) -> np.ndarray:
    letter = src.name.rsplit("-", 1)[-1]
    style = index % 3
    k = np.arange(1, n + 1)
    if style == 0:
        return np.array([f"{letter}-{i:05d}" for i in k], dtype=object)
    if style == 1:
        return np.array([str(1000 + i) for i in k], dtype=object)
    return np.array([f"{src.kind[:3].upper()}-2026-{i:04d}" for i in k], dtype=object)


_CP1256_FIX = {
    "ی": "ي",
    "ک": "ك",
    "ۀ": "ه",
    "ى": "ي",
    **{d: str(i) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹")},
}


def cp1256_safe(values: np.ndarray) -> np.ndarray:
    """Make strings encodable in windows-1256 (Arabic letters, Latin digits, '?' otherwise)."""
    uniq, inv = np.unique(values.astype(str), return_inverse=True)
    fixed = []
    for u in uniq:
        u = "".join(_CP1256_FIX.get(ch, ch) for ch in u)
        fixed.append(u.encode("cp1256", errors="replace").decode("cp1256"))
    return np.array(fixed, dtype=object)[inv] if len(uniq) else values


RELATIONS = (
    ("brother", "برادر"),
    ("father", "پدر"),
    ("uncle", "عمو"),
    ("cousin", "پسرعمو"),
    ("neighbour", "همسایه"),
    ("friend", "دوست"),
)  # the informant's name is a male name


def _references(src: SourceSpec, n: int, rng: np.random.Generator) -> np.ndarray:
    """Source references: example.org URLs (media/NGO) or interview codes (field intake)."""
    k = rng.integers(1000, 99999, n)
    if src.kind in ("field_intake", "family_report"):
        return np.array([f"INT-SYNTHETIC-{i:05d}" for i in k], dtype=object)
    return np.array([f"https://example.org/SYNTHETIC/{src.kind}/{i}" for i in k], dtype=object)


def _witnesses(
    fa: np.ndarray, src: SourceSpec, cfg: ScenarioConfig, rng: np.random.Generator
) -> np.ndarray:
    """A SYNTHETIC informant: a random given name and a relation ('Ali (brother)')."""
    gm = _table("M")
    ids = rng.choice(len(gm), len(fa), p=gm.weight)
    names = render_name("M", ids, fa, src, cfg, rng)
    rel = rng.integers(len(RELATIONS), size=len(fa))
    rel_en = np.array([r[0] for r in RELATIONS], dtype=object)[rel]
    rel_fa = np.array([r[1] for r in RELATIONS], dtype=object)[rel]
    return np.where(fa, names + " (" + rel_fa + ")", names + " (" + rel_en + ")").astype(object)


def source_fields(src: SourceSpec) -> list[str]:
    """Canonical fields this source's file carries, in column order."""
    f = ["record_id"] if src.has_record_id else []
    f += ["full_name"] if src.name_layout == "full" else ["given_name", "family_name"]
    if src.has_father:
        f.append("father_name")
    f += ["sex", "age"]
    if src.has_date_of_birth:
        f.append("date_of_birth")
    f += ["date_of_death", "city"]
    if src.has_province:
        f.append("province")
    if src.has_cause:
        f.append("cause_of_death")
    if src.has_body_withheld:
        f.append("body_withheld")
    if src.has_source_reference:
        f.append("source_reference")
    if src.has_witness:
        f.append("witness")
    return f


# Connectives of full names that carry the father's name (SourceSpec.full_name_style):
# style -> (Persian male, Persian female, Latin male, Latin female)
FATHER_LINK = {
    "farzand": ("فرزند", "فرزند", "son of", "daughter of"),
    "son_of": ("پسر", "دختر", "son of", "daughter of"),
}


def _full_names(
    given: np.ndarray,
    family: np.ndarray,
    father: np.ndarray | None,
    male: np.ndarray,
    fa: np.ndarray,
    src: SourceSpec,
) -> np.ndarray:
    """The full_name column: ``given family`` / ``family, given`` (``name_order``), with
    the father's name written in where the style says so and the record has one."""
    if src.name_order == "family_given":
        sep = np.where(fa, " ", ", ")
        names = np.where(family == "", given, family + sep + given).astype(object)
    else:
        names = (given + " " + family).astype(object)
    if father is None or src.full_name_style == "plain":
        return names
    has = father != ""
    if src.full_name_style == "father_middle":  # "X Z Y"
        return np.where(has, given + " " + father + " " + family, names).astype(object)
    fa_m, fa_f, lat_m, lat_f = FATHER_LINK[src.full_name_style]
    link = np.where(fa, np.where(male, fa_m, fa_f), np.where(male, lat_m, lat_f))
    return np.where(has, names + " " + link + " " + father, names).astype(object)


def _missing_rate(name: str, src: SourceSpec, cfg: ScenarioConfig) -> float:
    """Probability that field ``name`` is empty in a record of ``src``."""
    if name == "age" and cfg.missing_age_rate is not None:
        return cfg.missing_age_rate
    if name == "father_name" and cfg.missing_father_rate is not None:
        return cfg.missing_father_rate
    return min(0.95, cfg.missing_rate * src.missing_mult * MISSING_FACTOR.get(name, 1.0))


def render_source(
    src: SourceSpec,
    index: int,
    victims: np.ndarray,
    pop: Population,
    cfg: ScenarioConfig,
    rng: np.random.Generator,
    aux: np.random.Generator | None = None,
) -> pd.DataFrame:
    """Render the records of one source for the captured ``victims`` (indices into ``pop``).

    Adds within-list duplicates (the same victim again, independently noised),
    shuffles the rows, numbers them and gives record ids. Returns a DataFrame
    with ``source, record_id, row_number, victim_id`` plus the source's fields.

    ``aux`` draws what the robustness dials need (father's names inside full names,
    swapped name columns, day errors beyond ±1), so the draws from ``rng`` — and the
    default output — are the same with or without them; it defaults to ``rng``.
    """
    aux = aux if aux is not None else rng
    dup_rate = min(1.0, cfg.duplicate_rate * src.duplicate_mult)
    n_dup = rng.binomial(len(victims), dup_rate) if len(victims) else 0
    dups = rng.choice(victims, n_dup, replace=False) if n_dup else np.zeros(0, np.int64)
    v = np.concatenate([victims, dups]).astype(np.int64)
    v = v[rng.permutation(len(v))]
    n = len(v)
    if src.script == "fa":
        fa = np.ones(n, bool)
    elif src.script == "latin":
        fa = np.zeros(n, bool)
    else:
        fa = rng.random(n) < 0.5
    male = pop.male[v]
    err = cfg.error_rate * src.error_mult
    cols: dict[str, np.ndarray] = {}

    # given names: male and female vocabularies rendered separately
    given = np.empty(n, dtype=object)
    for sex_key, mask in (("M", male), ("F", ~male)):
        if mask.any():
            given[mask] = render_name(sex_key, pop.given[v][mask], fa[mask], src, cfg, rng)
    seyed = pop.seyed[v] & (rng.random(n) < src.seyed_prefix)
    if seyed.any():
        lat_m, lat_f = SEYED[src.roman_style]
        title = np.where(fa, np.where(male, "سید", "سیده"), np.where(male, lat_m, lat_f))
        given[seyed] = title[seyed] + " " + given[seyed]
    family = render_name("family", pop.family[v], fa, src, cfg, rng)
    if src.upper_case:
        given = np.where(fa, given, np.char.upper(given.astype(str)).astype(object))
        family = np.where(fa, family, np.char.upper(family.astype(str)).astype(object))
    given = _apply_typos(given, err, rng)
    family = _apply_typos(family, err, rng)
    swap = aux.random(n) < src.swap_rate if src.swap_rate > 0 else np.zeros(n, bool)
    if src.name_layout == "full":
        father_in = None
        if src.full_name_style != "plain":  # the father's name inside the full name
            father_in = render_name("M", pop.father[v], fa, src, cfg, aux)
            if src.upper_case:
                father_in = np.where(
                    fa, father_in, np.char.upper(father_in.astype(str)).astype(object)
                )
            father_in = _apply_typos(father_in, err, aux)
            gone = aux.random(n) < _missing_rate("father_name", src, cfg)
            father_in = np.where(gone, "", father_in).astype(object)
        if swap.any():  # the two names trade places inside the full name
            given, family = np.where(swap, family, given), np.where(swap, given, family)
        cols["full_name"] = _full_names(given, family, father_in, male, fa, src)
    else:
        cols["given_name"] = given
        cols["family_name"] = family
    if src.has_father:
        father = render_name("M", pop.father[v], fa, src, cfg, rng)
        if src.upper_case:
            father = np.where(fa, father, np.char.upper(father.astype(str)).astype(object))
        cols["father_name"] = _apply_typos(father, err, rng)
    cols["sex"] = render_sex(male, fa, src)
    cols["age"] = render_ages(pop.age[v], fa, src, cfg, rng)
    if src.has_date_of_birth:
        cols["date_of_birth"] = render_birth_dates(pop.birth_day[v], fa, src, cfg, rng)
    cols["date_of_death"] = render_dates(pop.day[v], fa, src, cfg, rng, aux)
    cols["city"] = _apply_typos(render_name("city", pop.city[v], fa, src, cfg, rng), err / 2, rng)
    if src.has_province:
        cols["province"] = render_name("province", pop.province[v], fa, src, cfg, rng)
    if src.has_cause:
        causes = [c.value for c in CAUSE_PROBS]
        en_flat = _flatten([CAUSE_TEXT[c][0] for c in causes])
        fa_flat = _flatten([CAUSE_TEXT[c][1] for c in causes])
        cid = pop.cause[v]
        every = np.ones(n, bool)
        en_txt = _pick(en_flat, cid, every, rng, np.empty(n, dtype=object))
        fa_txt = _pick(fa_flat, cid, every, rng, np.empty(n, dtype=object))
        cols["cause_of_death"] = np.where(fa, fa_txt, en_txt)
    if src.has_body_withheld:
        bw = pop.body_withheld[v]
        unknown = rng.random(n) < 0.2
        txt = np.where(fa, np.where(bw, "بله", "خیر"), np.where(bw, "yes", "no"))
        cols["body_withheld"] = np.where(unknown, np.where(fa, "نامعلوم", "unknown"), txt).astype(
            object
        )

    if src.has_source_reference:
        cols["source_reference"] = _references(src, n, rng)
    if src.has_witness:
        cols["witness"] = _witnesses(fa, src, cfg, rng)

    # Arabic ي/ك in Persian-script records
    arab = fa & (rng.random(n) < src.arabic_letters)
    before = dict(cols)
    for name, values in cols.items():
        if arab.any():
            values = values.copy()
            values[arab] = [to_arabic_letters(x) for x in values[arab]]
            before[name] = values
        miss = _missing_rate(name, src, cfg)
        values = np.where(rng.random(n) < miss, "", values).astype(object)
        cols[name] = values
    if "given_name" in cols:  # every record keeps at least one name (ingest rejects nameless rows)
        nameless = (cols["given_name"] == "") & (cols["family_name"] == "")
        cols["given_name"] = np.where(nameless, before["given_name"], cols["given_name"]).astype(
            object
        )
        if swap.any():  # swapped columns: the given cell holds the family name and vice versa
            g, f = cols["given_name"], cols["family_name"]
            cols["given_name"] = np.where(swap, f, g).astype(object)
            cols["family_name"] = np.where(swap, g, f).astype(object)

    if src.encoding == "windows-1256":
        for name in cols:
            cols[name] = cp1256_safe(cols[name])

    head = {
        "source": np.full(n, src.name, dtype=object),
        "record_id": _record_ids(src, index, n)
        if src.has_record_id
        else np.full(n, "", dtype=object),
        "row_number": np.arange(1, n + 1),
        "victim_id": pop.victim_id[v],
    }
    df = pd.DataFrame({**head, **{k: c for k, c in cols.items()}})
    return df
