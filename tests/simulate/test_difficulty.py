"""The dials change difficulty the way they say (SYNTHETIC scenarios)."""

import numpy as np
import pandas as pd
import pytest

from roshan.simulate import ScenarioConfig, SourceSpec, generate
from roshan.simulate.population import LATENT_CLASSES


def _two_sources(**kw):
    return [SourceSpec(name=f"SYNTHETIC-T-{c}", base_capture=0.4, **kw) for c in "AB"]


def _corr(caught: np.ndarray) -> float:
    return float(np.corrcoef(caught[:, 0].astype(float), caught[:, 1].astype(float))[0, 1])


def test_more_lists_more_records():
    small = generate(ScenarioConfig(seed=1, population=800, lists=3))
    big = generate(ScenarioConfig(seed=1, population=800, lists=8))
    assert len(big.records) > len(small.records) * 1.8
    assert big.records["victim_id"].nunique() > small.records["victim_id"].nunique()


def _spelling_mismatch(error_rate: float) -> float:
    scen = generate(
        ScenarioConfig(seed=2, population=1500, lists=1, error_rate=error_rate, missing_rate=0.0)
    )
    df = scen.records.merge(scen.population, on="victim_id", suffixes=("", "_true"))
    df = df[df["family_name"] != ""]
    return float((df["family_name"] != df["family_name_latin"]).mean())


def test_higher_error_rate_more_variant_spellings():
    low, high = _spelling_mismatch(0.0), _spelling_mismatch(0.15)
    assert high > low + 0.2


def test_duplicate_rate_adds_within_list_duplicates():
    def dup_share(rate):
        r = generate(ScenarioConfig(seed=3, population=1500, lists=2, duplicate_rate=rate)).records
        return r.duplicated(["source", "victim_id"]).mean()

    assert dup_share(0.0) == 0.0
    assert 0.07 < dup_share(0.1) < 0.13


def test_missing_rate_empties_cells():
    def empty_share(rate):
        r = generate(ScenarioConfig(seed=4, population=1000, lists=2, missing_rate=rate)).records
        cols = ["sex", "age", "date_of_death", "city"]
        return float((r[cols] == "").to_numpy().mean())

    assert empty_share(0.0) < 0.01
    assert empty_share(0.2) > 0.2


@pytest.mark.parametrize("factor, lo, hi", [(0.4, 0.3, 0.5), (1.0, 0.9, 1.1)])
def test_blackout_lowers_capture_after_8_january(factor, lo, hi):
    cfg = ScenarioConfig(
        seed=5,
        population=12000,
        heterogeneity=0.0,
        dependence=0.0,
        blackout_factor=factor,
        sources=_two_sources(),
    )
    scen = generate(cfg)
    after = pd.to_datetime(scen.population["date_of_death"]) >= "2026-01-08"
    rate_after = scen.capture[after.to_numpy()].mean()
    rate_before = scen.capture[~after.to_numpy()].mean()
    assert lo < rate_after / rate_before < hi


def test_heterogeneity_drives_capture_by_latent_class():
    def by_class(h):
        scen = generate(
            ScenarioConfig(
                seed=6, population=12000, heterogeneity=h, dependence=0.0, sources=_two_sources()
            )
        )
        cls = scen.population["latent_class"].to_numpy()
        return {c: scen.capture[cls == c].mean() for c in LATENT_CLASSES}

    flat, steep = by_class(0.0), by_class(1.0)
    assert steep["visible"] > 3 * steep["hidden"]
    assert flat["visible"] < 1.5 * flat["hidden"]


@pytest.mark.parametrize("sign", [1, -1])
def test_dependence_produces_the_sign_asked_for(sign):
    cfg = ScenarioConfig(
        seed=8,
        population=12000,
        heterogeneity=0.0,
        dependence=0.6,
        dependence_pairs=[(1, 0, sign)],
        blackout_factor=1.0,
        sources=_two_sources(),
    )
    r = _corr(generate(cfg).capture)
    assert r * sign > 0.15
    indep = ScenarioConfig(
        seed=8,
        population=12000,
        heterogeneity=0.0,
        dependence=0.0,
        blackout_factor=1.0,
        sources=_two_sources(),
    )
    assert abs(_corr(generate(indep).capture)) < 0.05


def test_default_scenario_is_the_documented_default_difficulty():
    scen = generate(ScenarioConfig())
    assert len(scen.population) == 2000 and len(scen.sources) == 5
    observed = scen.records["victim_id"].nunique()
    assert 0.6 * 2000 < observed < 0.97 * 2000  # some victims are on no list: MSE has work
    assert scen.records.duplicated(["source", "victim_id"]).mean() < 0.06


def test_presets_order_difficulty_and_accept_overrides():
    easy = ScenarioConfig.preset("easy", population=600, lists=2)
    hard = ScenarioConfig.preset("hard", population=600, lists=2)
    assert easy.error_rate == 0 and hard.error_rate > ScenarioConfig().error_rate
    assert ScenarioConfig.preset("hard").lists == 8
    assert ScenarioConfig.preset("default") == ScenarioConfig()

    def empty_share(cfg):
        r = generate(cfg).records
        return float((r[["age", "date_of_death", "city"]] == "").to_numpy().mean())

    assert empty_share(easy) < 0.01 < empty_share(hard)
    with pytest.raises(Exception, match="unknown preset"):
        ScenarioConfig.preset("nightmare")


def test_variant_rate_zero_gives_house_spellings_only():
    scen = generate(
        ScenarioConfig(
            seed=3, population=800, lists=1, error_rate=0.0, missing_rate=0.0, variant_rate=0.0
        )
    )
    df = scen.records.merge(scen.population, on="victim_id", suffixes=("", "_true"))
    # source 0 writes standard-style Latin: the canonical romanisation, always
    assert (df["family_name"] == df["family_name_latin"]).all()


def _copied_name_agreement(copy_spelling: float) -> float:
    sources = [SourceSpec(name=f"SYNTHETIC-T-{c}", base_capture=0.4, script="latin") for c in "AB"]
    cfg = ScenarioConfig(
        seed=9,
        population=3000,
        heterogeneity=0.0,
        dependence=0.8,
        dependence_pairs=[(1, 0, 1)],
        error_rate=0.15,
        sources=sources,
        copy_spelling=copy_spelling,
    )
    r = generate(cfg).records
    a = r[r["source"] == "SYNTHETIC-T-A"].drop_duplicates("victim_id").set_index("victim_id")
    b = r[r["source"] == "SYNTHETIC-T-B"]
    b = b[b["victim_id"].isin(a.index)]
    same = b["family_name"].to_numpy() == a.loc[b["victim_id"], "family_name"].to_numpy()
    return float(same.mean())


def test_copying_lists_paste_the_original_spelling():
    assert _copied_name_agreement(1.0) > _copied_name_agreement(0.0) + 0.2
