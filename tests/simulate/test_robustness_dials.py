"""Dials for the linkage robustness sweep (issue 18): each shows in the records, and the
defaults leave the generator's output as it was. All data here is SYNTHETIC."""

import dataclasses
import hashlib
import re

import numpy as np
import pandas as pd
import pytest

from roshan.errors import RoshanError
from roshan.simulate import ScenarioConfig, SourceSpec, default_sources, generate
from roshan.simulate.families import FAMILIES, family_config
from roshan.simulate.names import family_names, given_names
from roshan.simulate.spelling import house_form

CLEAN = dict(error_rate=0.0, variant_rate=0.0, missing_rate=0.0, duplicate_rate=0.0)
FA_LETTERS = re.compile(r"[\u0600-\u06FF]")
LATIN_LETTERS = re.compile(r"[A-Za-z]")
FA_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def _sha(df: pd.DataFrame) -> str:
    return hashlib.sha256(df.to_csv(index=False).encode()).hexdigest()


def test_defaults_leave_the_output_unchanged():
    """Pinned before the dials were added: records and truth of seed 1, population 500."""
    scen = generate(ScenarioConfig(seed=1, population=500))
    assert _sha(scen.records) == "d5902edbc155b60fed9995692c0577f796b324c9ea7d086fcec76cbd37f3a132"
    assert (
        _sha(scen.population) == "27fe6fb0197a0570c18446e4c44f01ba6c684648bf344e1525a4c7fb77c1091d"
    )
    assert scen.namesakes.empty


def _top30(s: pd.Series) -> float:
    return float(s.value_counts().head(30).sum() / len(s))


def test_name_concentration_top_30_cover_the_share_asked():
    pop = generate(
        ScenarioConfig(seed=1, population=4000, lists=1, name_concentration=0.7)
    ).population
    assert 0.65 <= _top30(pop["given_name"]) <= 0.75
    assert 0.65 <= _top30(pop["family_name"]) <= 0.75
    base = generate(ScenarioConfig(seed=1, population=4000, lists=1)).population
    assert _top30(base["family_name"]) < 0.45  # the default is far less concentrated
    thin = generate(
        ScenarioConfig(seed=1, population=4000, lists=1, name_concentration=0.3)
    ).population
    assert _top30(thin["family_name"]) < 0.36


def test_small_name_pool_is_small_and_zipf():
    pop = generate(
        ScenarioConfig(seed=2, population=4000, lists=1, given_pool_size=35, family_pool_size=36)
    ).population
    assert 30 <= pop["given_name"].nunique() <= 35
    assert 30 <= pop["family_name"].nunique() <= 36
    fam = pop["family_name"].value_counts()
    assert fam.iloc[0] > 2 * fam.iloc[9] > 2 * fam.iloc[-1]  # Zipf: a steep head
    assert set(pop["father_name"]) <= set(given_names("M").fa[:40])  # fathers from the pool


def test_namesakes_share_name_city_and_week():
    scen = generate(
        ScenarioConfig(
            seed=3, population=3000, lists=3, namesake_rate=0.1, namesake_same_father=0.3
        )
    )
    pairs = scen.namesakes
    assert len(pairs) == 150
    pop = scen.population.set_index("victim_id")
    a, b = pop.loc[pairs["victim_id"]].reset_index(), pop.loc[pairs["namesake_id"]].reset_index()
    for col in ("given_name", "family_name", "sex", "city", "province"):
        assert (a[col] == b[col]).all(), col
    gap = (pd.to_datetime(a["date_of_death"]) - pd.to_datetime(b["date_of_death"])).dt.days.abs()
    assert gap.max() <= 3
    same = pairs["same_father"].to_numpy()
    assert 0.15 < same.mean() < 0.45
    assert (a["father_name"][same] == b["father_name"][same]).all()
    assert (a["age"][same] != b["age"][same]).all()  # brothers/cousins differ in age
    assert (a["father_name"][~same] != b["father_name"][~same]).all()
    listed = set(scen.records["victim_id"])
    both = pairs["victim_id"].isin(listed) & pairs["namesake_id"].isin(listed)
    assert both.sum() > 30  # the lists hold namesake pairs linkage must keep apart


def _house_maps(style: str) -> dict[str, dict[str, str]]:
    out = {}
    for key, t in (("M", given_names("M")), ("F", given_names("F")), ("family", family_names())):
        out[key] = {
            t.latin[i]: house_form(t.latin[i], t.latin_variants[i], style) for i in range(len(t))
        }
    return out


def test_fullname_family_writes_the_father_inside_the_name():
    cfg = family_config("fullname", seed=4, population=1500, **CLEAN, missing_father_rate=0.0)
    scen = generate(cfg)
    assert all("father_name" not in scen.fields[s.name] for s in scen.sources)
    assert all(s.name_layout == "full" for s in scen.sources)
    a, b, c, d = (scen.records_of(s.name)["full_name"] for s in scen.sources)
    assert a.str.match(r"^[^,]+, .+ (son|daughter) of \S+").mean() > 0.99  # "Y, X son of Z"
    assert a.str.contains(" daughter of ").any()
    assert b.str.contains(" فرزند ").mean() > 0.99  # «X Y فرزند Z»
    assert c.str.contains(" (?:پسر|دختر) ").mean() > 0.99  # «X Y پسر/دختر Z»
    assert c.str.contains(" دختر ").any()
    # "X Z Y": the father's name between given and family name
    src = scen.sources[3]
    df = scen.records_of(src.name).merge(scen.population, on="victim_id", suffixes=("", "_t"))
    df = df[~df["seyed"]]
    h = _house_maps(src.roman_style)
    given = [
        h["M" if s == "male" else "F"][g]
        for s, g in zip(df["sex_t"], df["given_name_latin"], strict=True)
    ]
    want = [
        f"{g} {h['M'][f]} {h['family'][y]}"
        for g, f, y in zip(given, df["father_name_latin"], df["family_name_latin"], strict=True)
    ]
    assert (df["full_name"].to_numpy() == np.array(want, dtype=object)).mean() > 0.99


def test_missing_father_drops_it_from_the_full_name():
    src = SourceSpec(
        name="SYNTHETIC-T-A",
        script="latin",
        name_layout="full",
        has_father=False,
        full_name_style="son_of",
        base_capture=0.6,
    )
    scen = generate(ScenarioConfig(seed=5, population=3000, sources=[src], missing_father_rate=0.4))
    full = scen.records["full_name"]
    assert abs((~full.str.contains(" of ")).mean() - 0.4) < 0.03
    # the style alone implies the layout: a split list with a father column becomes full-name only
    implied = SourceSpec(name="SYNTHETIC-T-B", full_name_style="farzand")
    scen = generate(ScenarioConfig(seed=5, population=300, sources=[implied]))
    assert scen.fields["SYNTHETIC-T-B"][:2] == ["record_id", "full_name"]
    assert "father_name" not in scen.fields["SYNTHETIC-T-B"]


def test_swap_rate_puts_family_names_in_the_given_column():
    srcs = [
        dataclasses.replace(s, swap_rate=r)
        for s, r in zip(default_sources(2), (1.0, 0.3), strict=True)
    ]
    scen = generate(ScenarioConfig(seed=6, population=2000, sources=srcs, **CLEAN))
    df = scen.records.merge(scen.population, on="victim_id", suffixes=("", "_t"))
    whole = df[df["source"] == srcs[0].name]  # Latin, standard spelling: canonical forms
    assert (whole["given_name"] == whole["family_name_latin"]).mean() > 0.99
    assert all(
        f.endswith(g) for f, g in zip(whole["family_name"], whole["given_name_latin"], strict=True)
    )
    part = df[df["source"] == srcs[1].name]  # Persian full names: the two parts trade places
    swapped = part.apply(lambda r: r["full_name"].startswith(r["family_name_t"] + " "), axis=1)
    assert abs(swapped.mean() - 0.3) < 0.05
    plain = generate(ScenarioConfig(seed=6, population=2000, sources=default_sources(2), **CLEAN))
    assert plain.records["victim_id"].tolist() == scen.records["victim_id"].tolist()


def _iso_shift(jitter_days: int, rate: float) -> pd.Series:
    src = SourceSpec(
        name="SYNTHETIC-T-A", date_style="iso", partial_date_rate=0.0, base_capture=0.7
    )
    scen = generate(
        ScenarioConfig(
            seed=7,
            population=2000,
            sources=[src],
            missing_rate=0.0,
            duplicate_rate=0.3,
            date_jitter_days=jitter_days,
            date_jitter_rate=rate,
        )
    )
    df = scen.records.merge(scen.population, on="victim_id", suffixes=("", "_t"))
    return (pd.to_datetime(df["date_of_death"]) - pd.to_datetime(df["date_of_death_t"])).dt.days


def test_date_jitter_reaches_the_days_asked_and_no_further():
    two = _iso_shift(2, 0.4)
    assert two.abs().max() == 2 and (two.abs() == 1).any()
    assert abs((two != 0).mean() - 0.4) < 0.04
    assert _iso_shift(1, 0.4).abs().max() == 1
    assert (_iso_shift(0, 1.0) == 0).all()
    # between two records of one person (within-list duplicates) dates differ by up to 4
    src = SourceSpec(
        name="SYNTHETIC-T-A", date_style="iso", partial_date_rate=0.0, base_capture=0.7
    )
    r = generate(
        ScenarioConfig(
            seed=7,
            population=2000,
            sources=[src],
            missing_rate=0.0,
            duplicate_rate=0.3,
            date_jitter_days=2,
            date_jitter_rate=0.4,
        )
    ).records
    span = (
        r.assign(d=pd.to_datetime(r["date_of_death"]))
        .groupby("victim_id")["d"]
        .agg(lambda d: (d.max() - d.min()).days)
    )
    assert span.max() >= 2


def test_per_field_missing_rates_are_honoured():
    scen = generate(
        ScenarioConfig(
            seed=8, population=3000, lists=4, missing_age_rate=0.3, missing_father_rate=0.4
        )
    )
    r = scen.records
    assert abs((r["age"] == "").mean() - 0.3) < 0.03
    fathers = r.loc[r["father_name"].notna(), "father_name"]
    assert len(fathers) > 1500 and abs((fathers == "").mean() - 0.4) < 0.03
    assert (r["city"] == "").mean() < 0.1  # other fields keep the global rate
    none = generate(ScenarioConfig(seed=8, population=800, lists=2, missing_age_rate=0.0)).records
    assert (none["age"] != "").all()


def _script_of(values: pd.Series) -> set[str]:
    text = " ".join(values.dropna())
    return {s for s, pat in (("fa", FA_LETTERS), ("latin", LATIN_LETTERS)) if pat.search(text)}


def test_single_script_mode_writes_every_list_in_one_script():
    scen = generate(ScenarioConfig(seed=9, population=1500, lists=6, script_mode="single"))
    assert [s.script for s in scen.sources] == ["latin", "fa"] * 3
    for src in scen.sources:
        r = scen.records_of(src.name)
        names = pd.concat(
            [
                r[c]
                for c in ("full_name", "given_name", "family_name", "father_name", "city")
                if c in r
            ]
        )
        assert _script_of(names) == {src.script}, src.name
        dates = r.loc[r["date_of_death"] != "", "date_of_death"]
        if src.script == "fa":
            assert dates.str.contains("[۰-۹]").all() and not dates.str.contains("[0-9]").any()
            years = dates.str.translate(FA_DIGITS).str.extract(r"(1[34]\d\d)")[0]
            assert years.isin(["1404"]).all(), src.name  # Jalali
        else:
            assert dates.str.contains("2025|2026").all(), src.name  # Gregorian
    latin_styles = {s.date_style for s in scen.sources if s.script == "latin"}
    assert latin_styles == {"iso", "long_en", "dmy"}
    for mode in ("fa", "latin"):
        scen = generate(ScenarioConfig(seed=9, population=300, lists=3, script_mode=mode))
        assert {s.script for s in scen.sources} == {mode}


@pytest.mark.parametrize(
    "bad",
    [
        dict(name_concentration=1.2),
        dict(name_concentration=0.0),
        dict(given_pool_size=1),
        dict(namesake_rate=1.5),
        dict(date_jitter_days=9),
        dict(date_jitter_rate=-0.1),
        dict(missing_age_rate=2.0),
        dict(script_mode="greek"),
        dict(script_mode="single", sources=[SourceSpec(name="SYNTHETIC-T-A")]),
        dict(sources=[SourceSpec(name="SYNTHETIC-T-A", swap_rate=1.5)]),
        dict(sources=[SourceSpec(name="SYNTHETIC-T-A", full_name_style="patronymic")]),
        dict(
            sources=[
                SourceSpec(
                    name="SYNTHETIC-T-A", full_name_style="father_middle", name_order="family_given"
                )
            ]
        ),
    ],
)
def test_bad_dial_values_are_refused(bad):
    with pytest.raises(RoshanError):
        generate(ScenarioConfig(population=50, **bad))


def test_dials_are_deterministic_for_a_seed():
    def run():
        return generate(family_config("hard", seed=10, population=600)).records

    assert _sha(run()) == _sha(run())
    other = generate(family_config("hard", seed=11, population=600)).records
    assert _sha(other) != _sha(run())


def test_families_are_named_sized_and_differ_only_in_their_dial():
    assert FAMILIES == (
        "default",
        "one_script",
        "concentrated",
        "namesakes",
        "fullname",
        "swapped",
        "dates2",
        "missing",
        "hard",
    )
    with pytest.raises(RoshanError, match="unknown scenario family"):
        family_config("nightmare", seed=1)
    base = generate(family_config("default", seed=1))
    assert len(base.population) == 3000 and 3 <= len(base.sources) <= 5
    assert 1800 <= base.records["victim_id"].nunique() <= 2200
    for name in FAMILIES[1:]:
        cfg = family_config(name, seed=1, population=600)
        scen = generate(cfg)
        assert len(scen.population) == 600 and 3 <= len(scen.sources) <= 5, name
        if name not in ("namesakes", "hard"):  # namesakes move people: captures change
            assert (
                scen.records["victim_id"].tolist()
                == generate(family_config("default", seed=1, population=600))
                .records["victim_id"]
                .tolist()
            ), name
    hard = family_config("hard", seed=1)
    assert (
        hard.script_mode,
        hard.name_concentration,
        hard.namesake_rate,
        hard.date_jitter_days,
        hard.missing_age_rate,
    ) == ("single", 0.7, 0.1, 2, 0.3)
    assert family_config("dates2", seed=1, population=500, lists=5).lists == 5  # overrides
