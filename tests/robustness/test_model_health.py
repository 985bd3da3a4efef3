"""The linkage model's health check (roshan.link.health) on outside scenarios (SYNTHETIC).

The same-script trap of issue 18 — EM taking "same spelling" for the mark of a match
and the same name in the other script for a non-match — is forced here on purpose,
and the check must catch it, retrain, and say so; with the fallback also broken the
run must end ``failed`` with a loud warning.
"""

from __future__ import annotations

import pandas as pd
import pytest
from robustness.trap import trap
from splink import Linker

import roshan.link.train as train_mod
from roshan.link.core import link_prepared
from roshan.link.prepare import prepare_frame
from roshan.link.quality import pairwise_scores
from roshan.link.settings import roshan_spec


@pytest.fixture()
def forced_em(monkeypatch):
    """Every EM start ends in the same-script trap (bench/robustness/trap.py)."""
    real = train_mod._run_em

    def trapped(backend, linker, sdf, spec, report, max_pairs, rules=None):
        linker = real(backend, linker, sdf, spec, report, max_pairs, rules=rules)
        return Linker(sdf, trap(linker.misc.save_model_to_json()), log_level=None)

    monkeypatch.setattr(train_mod, "_run_em", trapped)


def _quality(res, truth) -> tuple[float, float]:
    pred = res.clustering.labels.set_index("record_pk")["cluster"]
    pw = pairwise_scores(pred, truth)
    return pw.precision, pw.recall


def test_healthy_model_passes_and_links_across_scripts(outside_small):
    res = link_prepared(prepare_frame(outside_small.normalized), roshan_spec(), seed=1)
    assert res.health.verdict == "ok", res.health.to_dict()
    by = {c.name: c for c in res.health.checks}
    combos = by["group_balance"].figures["by_combination"]
    assert {"fa-latin", "fa-fa", "latin-latin"} <= set(combos)
    assert all(v["rate"] > 0.9 for v in combos.values() if v["pairs"] >= 20)
    p, r = _quality(res, outside_small.truth)
    assert p >= 0.97 and r >= 0.93, (p, r)


def test_forced_same_script_trap_is_caught_and_retrained(outside_small, forced_em):
    prepared = prepare_frame(outside_small.normalized)
    res = link_prepared(prepared, roshan_spec(spelling_level=True), seed=1)
    first = res.health.attempts[0]
    assert not first["ok"]
    assert {"negative_agreement", "group_balance"} <= set(first["failed"])
    # the fallback (m from leave-one-out sure matches, no EM) is what links
    assert res.health.verdict == "repaired"
    assert res.health.model_used == "sure-matches"
    p, r = _quality(res, outside_small.truth)
    assert p >= 0.95 and r >= 0.9, (p, r)


def test_trap_that_survives_retraining_fails_loudly(outside_small, forced_em, monkeypatch):
    real = train_mod.sure_m

    def trapped_sure(*a, **k):
        model = real(*a, **k)
        return None if model is None else trap(model)

    monkeypatch.setattr(train_mod, "sure_m", trapped_sure)
    res = link_prepared(
        prepare_frame(outside_small.normalized), roshan_spec(spelling_level=True), seed=1
    )
    assert res.health.verdict == "failed"
    failed = {c.name for c in res.health.failed_checks()}
    assert "group_balance" in failed
    msg = res.health.message()
    assert msg.startswith("LINKAGE IS NOT TRUSTWORTHY") and "Review at least" in msg
    assert res.warnings[0] == msg
    # the cross-script combination is the one named
    assert "fa-latin" in res.health.to_dict()["message"]
    p, r = _quality(res, outside_small.truth)
    assert r < 0.8  # the trap really is broken: this is what the check protects against


def test_health_report_round_trips_without_names(outside_small):
    res = link_prepared(prepare_frame(outside_small.normalized), roshan_spec(), seed=1)
    doc = res.health.to_dict()
    text = repr(doc)
    names = (
        pd.concat([outside_small.normalized["given_norm"], outside_small.normalized["family_norm"]])
        .dropna()
        .unique()
    )
    assert not [n for n in names if len(str(n)) > 3 and f"'{n}'" in text]
    assert doc["verdict"] in ("ok", "repaired", "failed")
    assert {c["name"] for c in doc["checks"]} >= {
        "level_order",
        "negative_agreement",
        "group_balance",
        "sure_nonmatches",
        "links_vs_prior",
    }
