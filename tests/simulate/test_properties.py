"""Invariants over random small configurations (hypothesis; SYNTHETIC data)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roshan.simulate import ScenarioConfig, generate

configs = st.builds(
    ScenarioConfig,
    seed=st.integers(0, 2**32 - 1),
    population=st.integers(1, 150),
    lists=st.integers(1, 12),
    heterogeneity=st.floats(0, 2),
    dependence=st.floats(0, 1),
    error_rate=st.floats(0, 1),
    duplicate_rate=st.floats(0, 1),
    missing_rate=st.floats(0, 1),
    capture_scale=st.floats(0.05, 3),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs)
def test_invariants_hold_for_any_options(cfg):
    scen = generate(cfg)
    pop, rec = scen.population, scen.records
    assert len(pop) == cfg.population and pop["victim_id"].is_unique
    assert scen.capture.shape == (cfg.population, cfg.lists)
    if len(rec) == 0:
        assert not scen.capture.any()
        return
    assert set(rec["victim_id"]) <= set(pop["victim_id"])
    for src in scen.sources:
        r = rec[rec["source"] == src.name]
        assert r["row_number"].tolist() == list(range(1, len(r) + 1))
        if src.has_record_id:
            assert r["record_id"].is_unique and (r["record_id"] != "").all()
        # every captured victim appears, and only those
        k = scen.sources.index(src)
        assert set(r["victim_id"]) == set(pop["victim_id"][scen.capture[:, k]])
    same = generate(cfg).records
    assert same.equals(rec)
