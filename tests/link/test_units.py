"""Unit tests of the linkage building blocks on tiny SYNTHETIC inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from roshan.errors import LinkageError
from roshan.link.blocking import BlockingPass, add_blocking_keys
from roshan.link.cluster import FLAG_CHAIN_SPLIT, FLAG_REVIEW_CONFLICT, cluster_pairs
from roshan.link.histories import age_group_of, histories_from_victims, period_of
from roshan.link.quality import bcubed_scores, pair_set_scores, pairwise_scores
from roshan.link.train import floor_m
from roshan.link.victims import assign_uids, format_uid, uid_number


def _pairs(rows):
    return pd.DataFrame(rows, columns=["record_pk_l", "record_pk_r", "match_probability"])


# ------------------------------------------------------------------ clustering
def test_cluster_is_connected_components_without_constraints():
    pairs = _pairs([(1, 2, 0.99), (2, 3, 0.95), (4, 5, 0.5), (6, 7, 0.91)])
    c = cluster_pairs([1, 2, 3, 4, 5, 6, 7, 8], pairs, 0.9)
    assert c.groups() == [[1, 2, 3], [4], [5], [6, 7], [8]]
    assert c.labels.set_index("record_pk").loc[3, "cluster"] == 1
    assert np.isnan(c.labels.set_index("record_pk").loc[8, "match_probability"])
    assert c.flags == {}


def test_cannot_link_splits_along_weakest_edge():
    # chain 1-2 (0.99), 2-3 (0.92), 3-4 (0.99): 1 and 4 must not be together
    pairs = _pairs([(1, 2, 0.99), (2, 3, 0.92), (3, 4, 0.99)])
    c = cluster_pairs([1, 2, 3, 4], pairs, 0.9, cannot_link=[(1, 4)])
    assert c.groups() == [[1, 2], [3, 4]]
    assert c.flags == {}  # a reviewer's decision applied is not a problem to flag
    assert c.n_skipped_edges == 1


def test_guard_pairs_split_and_flag_chains():
    pairs = _pairs([(1, 2, 0.97), (2, 3, 0.93), (3, 4, 0.98)])
    c = cluster_pairs([1, 2, 3, 4], pairs, 0.9, guard_pairs=[(1, 3)])
    assert c.groups() == [[1, 2], [3, 4]]
    assert c.flags[1] == [FLAG_CHAIN_SPLIT]
    assert c.n_skipped_edges == 1


def test_must_link_merges_below_threshold():
    pairs = _pairs([(1, 2, 0.3)])
    c = cluster_pairs([1, 2, 3], pairs, 0.9, must_link=[(2, 1), (3, 99)])
    assert c.groups() == [[1, 2], [3]]  # unknown record 99 is ignored


def test_must_link_conflicting_with_cannot_link_is_flagged():
    c = cluster_pairs([1, 2, 3], _pairs([]), 0.9, must_link=[(1, 2), (2, 3)], cannot_link=[(1, 3)])
    assert c.groups() == [[1, 2], [3]]
    assert FLAG_REVIEW_CONFLICT in c.flags[1]


def test_clustering_is_deterministic_under_row_order():
    rng = np.random.default_rng(0)
    rows = [
        (int(a), int(b), float(p))
        for a, b, p in zip(
            rng.integers(0, 50, 200), rng.integers(50, 100, 200), rng.random(200), strict=False
        )
    ]
    pairs = _pairs(rows)
    c1 = cluster_pairs(range(100), pairs, 0.7, guard_pairs=[(0, 60), (5, 70)])
    c2 = cluster_pairs(
        range(100), pairs.sample(frac=1, random_state=1), 0.7, guard_pairs=[(60, 0), (70, 5)]
    )
    assert c1.groups() == c2.groups()


# ------------------------------------------------------------------ stable ids
def test_uids_kept_for_unchanged_grown_and_larger_part():
    previous = {
        1: "V-000001",
        2: "V-000001",
        3: "V-000002",
        4: "V-000003",
        5: "V-000003",
        6: "V-000003",
    }
    labels = pd.DataFrame(
        {
            "record_pk": [1, 2, 7, 3, 4, 5, 6, 8],
            # 1,2 grew by a new record 7; 3 unchanged; 4,5 split from 6; 8 new person
            "cluster": [1, 1, 1, 3, 4, 4, 6, 8],
        }
    )
    out = assign_uids(labels, previous, {"V-000001", "V-000002", "V-000003", "V-000009"})
    assert out[1] == "V-000001"
    assert out[3] == "V-000002"
    assert out[4] == "V-000003"  # the larger part keeps the id
    assert {out[6], out[8]} == {"V-000010", "V-000011"}  # numbers never reused


def test_uid_format_roundtrip():
    assert format_uid(123) == "V-000123"
    assert uid_number("V-000123") == 123
    assert uid_number("X-1") is None


# ------------------------------------------------------------------ quality
def test_pairwise_and_bcubed_scores():
    truth = {1: "a", 2: "a", 3: "a", 4: "b"}
    perfect = pairwise_scores(truth, truth)
    assert perfect.precision == perfect.recall == perfect.f1 == 1.0
    pred = {1: 1, 2: 1, 3: 2, 4: 2}
    s = pairwise_scores(pred, truth)
    assert s.precision == pytest.approx(0.5)  # (1,2) right, (3,4) wrong
    assert s.recall == pytest.approx(1 / 3)  # of (1,2),(1,3),(2,3)
    b = bcubed_scores(pred, truth)
    assert b.precision == pytest.approx((1 + 1 + 0.5 + 0.5) / 4)
    assert b.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    ps = pair_set_scores({(2, 1), (3, 4)}, {(1, 2), (1, 3)})
    assert ps.precision == 0.5 and ps.recall == 0.5


# ------------------------------------------------------------------ blocking
def test_block_cap_refines_then_drops_with_warning():
    n = 60
    frame = pd.DataFrame(
        {
            "family_key": ["mhmdY"] * n + ["rare"],
            "given_key": ["mhmd"] * n + ["x"],
            "province_code": ["IR-01"] * 50 + ["IR-02"] * 10 + ["IR-03"],
        }
    )
    bp = BlockingPass("names", ("family_key", "given_key"), ("province_code",))
    report = add_blocking_keys(frame, [bp], cap=20)
    keys = frame["blk_names"]
    assert keys.iloc[55] == "mhmdY|mhmd#IR-02"  # small enough after refinement
    assert keys.iloc[:50].isna().all()  # still too big: left to other passes
    assert keys.iloc[-1] == "rare|x"
    assert report.dropped_records["names"] == 50
    assert any("larger than 20" in w for w in report.warnings)
    assert "mhmd" not in " ".join(report.warnings)  # no names in messages


# ------------------------------------------------------------------ histories
def test_period_and_age_groups():
    assert period_of("2026-01-07") == "before_blackout"
    assert period_of("2026-01-08") == "blackout"
    assert period_of("2026-01") == "unknown"  # the month straddles the blackout
    assert period_of("2025-12") == "before_blackout"
    assert period_of("2026-02") == "blackout"
    assert period_of(None) == "unknown"
    assert period_of("2026-01-08", kind="week") == "2026-W02"
    assert age_group_of(17.5) == "0-17"
    assert age_group_of(18) == "18-29"
    assert age_group_of(None) == "unknown"
    assert age_group_of(75) == "60+"


def test_histories_from_victims_counts_patterns():
    victims = pd.DataFrame(
        {
            "uid": ["V-1", "V-2", "V-3", "V-4"],
            "sources": [["A", "B"], ["A"], ["A", "B"], ["C"]],
            "province_code": ["IR-01", "IR-01", "IR-01", None],
            "date_of_death": ["2026-01-02", "2026-01-09", "2026-01-03", None],
            "sex": ["m", "m", "m", None],
            "age_years": [20.0, 30.0, 22.0, np.nan],
        }
    )
    h = histories_from_victims(victims, ["A", "B", "C"], ["province", "period"])
    assert list(h.columns) == ["A", "B", "C", "province", "period", "count"]
    row = h[(h["A"] == 1) & (h["B"] == 1)]
    assert row["count"].tolist() == [2] and row["period"].tolist() == ["before_blackout"]
    assert h["count"].sum() == 4
    assert h[h["C"] == 1]["province"].tolist() == ["unknown"]
    with pytest.raises(LinkageError):
        histories_from_victims(victims, ["A"], ["colour"])


# ------------------------------------------------------------------ training helpers
def test_floor_m_keeps_every_level_possible():
    model = {
        "comparisons": [
            {
                "comparison_levels": [
                    {"is_null_level": True},
                    {"m_probability": 0.999999, "u_probability": 0.7},
                    {"m_probability": 1e-30, "u_probability": 0.3},
                    {"m_probability": None, "u_probability": 0.01},
                ]
            }
        ]
    }
    out = floor_m(model)
    levels = out["comparisons"][0]["comparison_levels"]
    assert levels[2]["m_probability"] >= 9e-4
    assert levels[1]["m_probability"] + levels[2]["m_probability"] == pytest.approx(1.0)
    assert levels[3]["m_probability"] is None


def test_guard_never_splits_a_reviewers_must_link():
    c = cluster_pairs([1, 2], _pairs([]), 0.9, must_link=[(1, 2)], guard_pairs=[(1, 2)])
    assert c.groups() == [[1, 2]]
    assert c.flags == {}
