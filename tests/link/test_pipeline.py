"""The workspace pipeline on a SYNTHETIC scenario: quality, outputs, stable ids, review."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from link_helpers import add_sources, build_workspace, clusters_by_pk, truth_by_pk

from roshan.link.quality import bcubed_scores, pairwise_scores
from roshan.link.settings import DEFAULT_THRESHOLD


def test_quality_at_default_threshold(linked, scenario):
    ws, summary = linked
    assert summary.threshold == pytest.approx(DEFAULT_THRESHOLD)
    truth = truth_by_pk(ws, scenario)
    pred = clusters_by_pk(ws)
    pw = pairwise_scores(pred, truth)
    b3 = bcubed_scores(pred, truth)
    assert pw.precision >= 0.98, pw
    assert pw.recall >= 0.95, pw
    assert b3.f1 >= 0.97, b3
    # the number of victims is close to the truth (within 5%)
    assert abs(pred.nunique() - truth.nunique()) <= 0.05 * truth.nunique()


def test_linkage_quality_of_a_simulated_workspace(linked, scenario):
    """roshan.simulate.truth (what the scale benchmarks report) agrees with this file's
    own join of the truth, and knows every record."""
    from roshan.simulate.truth import linkage_quality, truth_by_record

    ws, summary = linked
    truth = truth_by_pk(ws, scenario)
    got = truth_by_record(ws, scenario.root)
    assert got.sort_index().equals(truth.sort_index().rename("victim_id"))
    q = linkage_quality(ws, scenario.root)
    pred = clusters_by_pk(ws)
    assert q["pairwise"] == pairwise_scores(pred, truth).to_dict()
    assert q["bcubed"] == bcubed_scores(pred, truth).to_dict()
    assert q["records_scored"] == summary.n_records
    assert q["true_people"] == truth.nunique()
    assert 0.9 < q["pairwise"]["precision"] <= 1.0


def test_outputs_written(linked):
    ws, summary = linked
    snap = ws.snapshots_dir
    pairs = pd.read_parquet(snap / "pairs.parquet")
    for col in (
        "record_pk_l",
        "record_pk_r",
        "match_probability",
        "match_weight",
        "gamma_family_name",
        "gamma_dod",
    ):
        assert col in pairs.columns
    assert (pairs["record_pk_l"] < pairs["record_pk_r"]).all()
    assert pairs["match_probability"].between(0.01, 1.0).all()
    clusters = pd.read_parquet(snap / "clusters.parquet")
    assert {"record_pk", "cluster_id", "match_probability"} <= set(clusters.columns)
    assert len(clusters) == summary.n_records
    assert clusters["cluster_id"].str.match(r"^V-\d{6}$").all()
    assert clusters["cluster_id"].nunique() == summary.n_victims
    model = json.loads((ws.models_dir / "link_model.json").read_text(encoding="utf-8"))
    assert model["comparisons"] and model["probability_two_random_records_match"] > 0
    html = (ws.models_dir / "link_model_match_weights.html").read_text(encoding="utf-8")
    assert "cdn.jsdelivr" not in html and "<script" in html  # inlined, offline


def test_victims_and_links_in_store(linked):
    from roshan.link.outputs import links_frame, victims_table

    ws, summary = linked
    victims = victims_table(ws)
    assert len(victims) == summary.n_victims
    assert victims["n_records"].sum() == summary.n_records
    multi = victims[victims["n_records"] > 1]
    assert len(multi) == summary.n_linked_victims
    assert all(len(s) >= 1 for s in victims["sources"])
    links = links_frame(ws)
    assert list(links.columns) == ["source", "record_id", "victim_id", "match_probability"]
    assert len(links) == summary.n_records
    assert set(links["victim_id"]) == set(victims["uid"])


def test_capture_histories(linked):
    from roshan.link.histories import capture_histories

    ws, summary = linked
    h = capture_histories(ws, ["province", "period", "sex", "age_group"])
    sources = links_sources(ws)
    for s in sources:
        assert set(h[s].unique()) <= {0, 1}
    assert h["count"].sum() == summary.n_victims
    assert set(h["period"]) <= {"before_blackout", "blackout", "unknown"}
    assert (h[sources].sum(axis=1) > 0).all()  # the all-zero pattern is never observed
    total = capture_histories(ws)
    assert total["count"].sum() == summary.n_victims
    assert list(total.columns) == [*sources, "count"]


def links_sources(ws) -> list[str]:
    from roshan.link.outputs import links_frame

    return sorted(links_frame(ws)["source"].unique())


def test_stable_ids_when_a_list_is_added(scenario, tmp_path):
    from roshan.link.pipeline import link_workspace

    names = [s["name"] for s in scenario.sources]
    ws = build_workspace(scenario, tmp_path / "ws", names[:-1])
    try:
        link_workspace(ws)
        before = clusters_by_pk(ws)
        add_sources(ws, scenario, names[-1:])
        summary = link_workspace(ws)
        after = clusters_by_pk(ws)
        old = after.loc[before.index]
        # victims whose old records are still grouped exactly the same keep their id
        groups_before = before.groupby(before).apply(lambda s: frozenset(s.index))
        groups_after_old = old.groupby(old).apply(lambda s: frozenset(s.index))
        unchanged = set(groups_before) & set(groups_after_old)
        assert len(unchanged) > 0.9 * len(groups_before)
        for g in unchanged:
            uids_before = set(before.loc[list(g)])
            uids_after = set(after.loc[list(g)])
            assert uids_before == uids_after
        assert summary.n_new_victims > 0  # people only the new list knows
        new_ids = set(after) - set(before)
        assert min(int(u[2:]) for u in new_ids) > max(int(u[2:]) for u in set(before))
    finally:
        ws.close()


def test_review_constraints_are_applied(scenario, tmp_path):
    from roshan.link.pipeline import link_workspace
    from roshan.link.review import record_decision

    ws = build_workspace(scenario, tmp_path / "ws")
    try:
        link_workspace(ws)
        cl = clusters_by_pk(ws)
        sizes = cl.value_counts()
        big = sizes[sizes >= 2].index[0]
        a, b = sorted(cl[cl == big].index)[:2]
        singles = sizes[sizes == 1].index[:2]
        c, d = sorted(int(cl[cl == u].index[0]) for u in singles)
        record_decision(ws, int(a), int(b), "non_match", "tester")
        record_decision(ws, c, d, "match", "tester")
        summary = link_workspace(ws)
        cl2 = clusters_by_pk(ws)
        assert cl2[a] != cl2[b]
        assert cl2[c] == cl2[d]
        assert summary.must_links == 1 and summary.cannot_links == 1
    finally:
        ws.close()
