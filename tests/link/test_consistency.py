"""The list excess (roshan.link.consistency): expected cross-list matches that lists
naming a person once rule out, and the choice between the EM and the sure-match model."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from roshan.link.consistency import (
    SWITCH_MIN_DIFF,
    choose_by_list_excess,
    list_excess,
    rescore,
)


def test_a_record_with_three_namesakes_in_one_list_is_counted_over_once() -> None:
    # record 1 (list A) has three partners in list B at 0.6 each: S = 1.8, 0.8 too many.
    # Record 2 (A) has one partner in B at 0.9. Records 3, 4, 5 (B) each see one A record.
    ex = list_excess(
        np.array([0.6, 0.6, 0.6, 0.9]),
        np.array(["A", "A", "A", "A"]),
        np.array(["B", "B", "B", "B"]),
        np.array([1, 1, 1, 2]),
        np.array([3, 4, 5, 6]),
    )
    assert ex is not None
    # S over (record, list): (1,B) 1.8, (2,B) 0.9, (3,A) (4,A) (5,A) 0.6, (6,A) 0.9
    total = 1.8 + 0.9 + 0.6 * 3 + 0.9
    assert ex.excess == pytest.approx(0.8 / total)
    assert ex.records_over == 1
    assert ex.to_dict()["expected_cross_matches"] == pytest.approx(total / 2, abs=0.05)


def test_within_list_pairs_do_not_count_and_one_partner_each_is_no_excess() -> None:
    ex = list_excess(
        np.array([0.99, 0.99, 0.95]),
        np.array(["A", "A", "B"]),
        np.array(["A", "B", "C"]),
        np.array([1, 1, 3]),
        np.array([2, 3, 4]),
    )
    assert ex is not None and ex.excess == 0.0
    assert list_excess(np.array([0.9]), np.array(["A"]), np.array(["A"]), [1], [2]) is None


def _model(lam: float, m_name: tuple[float, float], u_name: tuple[float, float]) -> dict:
    return {
        "probability_two_random_records_match": lam,
        "comparisons": [
            {
                "output_column_name": "name",
                "comparison_levels": [
                    {"is_null_level": True},
                    {"m_probability": m_name[0], "u_probability": u_name[0]},
                    {"m_probability": m_name[1], "u_probability": u_name[1]},
                ],
            }
        ],
    }


def _logit2(p: float) -> float:
    return math.log2(p / (1 - p))


def test_rescore_is_the_change_of_log_bayes_factor_per_level_and_of_prior() -> None:
    a = _model(0.01, (0.9, 0.1), (0.05, 0.95))
    b = _model(0.02, (0.99, 0.01), (0.05, 0.95))
    pairs = pd.DataFrame({"match_weight": [3.0, -2.0, 1.0], "gamma_name": [1, 0, -1]})
    w = rescore(pairs, a, b)
    d_prior = _logit2(0.02) - _logit2(0.01)
    assert w[0] == pytest.approx(3.0 + math.log2(0.99 / 0.9) + d_prior)
    assert w[1] == pytest.approx(-2.0 + math.log2(0.01 / 0.1) + d_prior)
    assert w[2] == pytest.approx(1.0 + d_prior)  # the null level weighs nothing in both


def _namesake_pairs() -> pd.DataFrame:
    """40 records of list A, each with a true partner in B and two namesakes in B; the
    model scores the partner ``gamma_name`` 1 and the namesakes 0."""
    rows = []
    for i in range(40):
        a, true, n1, n2 = 4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3
        rows += [(a, true, 1), (a, n1, 0), (a, n2, 0)]
    frame = pd.DataFrame(rows, columns=["record_pk_l", "record_pk_r", "gamma_name"])
    frame["source_l"], frame["source_r"] = "A", "B"
    return frame


def _scored(frame: pd.DataFrame, model: dict, n: int) -> tuple[pd.DataFrame, dict]:
    from roshan.link.prior import calibrate_prior

    lam = model["probability_two_random_records_match"]
    tables = {1: model["comparisons"][0]["comparison_levels"][1]}
    tables[0] = model["comparisons"][0]["comparison_levels"][2]
    bf = frame["gamma_name"].map(
        lambda g: math.log2(tables[g]["m_probability"] / tables[g]["u_probability"])
    )
    w = bf.to_numpy() + _logit2(lam)
    lam2 = calibrate_prior(w, lam, n)
    w = w - _logit2(lam) + _logit2(lam2)
    out = frame.assign(match_weight=w, match_probability=1 / (1 + np.exp2(-w)))
    return out, {**model, "probability_two_random_records_match": lam2}


def test_an_over_confident_model_gives_way_to_the_sure_match_model() -> None:
    frame = _namesake_pairs()
    n = 160
    # the EM model: a namesake (level 0) is taken for a match 60% of the time (m 0.4
    # for "else" against u 0.002 here); the sure-match model: disagreement is rare in
    # matches
    em = _model(0.02, (0.6, 0.4), (0.0001, 0.002))
    sure = _model(0.02, (0.99, 0.01), (0.0001, 0.002))
    pairs, fitted = _scored(frame, em, n)
    switch, fig = choose_by_list_excess(pairs, fitted, sure, n)
    assert switch
    assert fig["model"]["excess"] - fig["sure_match_model"]["excess"] >= SWITCH_MIN_DIFF
    assert fig["switched"] is True
    # and the other way round: a calibrated model keeps its place
    pairs2, fitted2 = _scored(frame, sure, n)
    switch2, fig2 = choose_by_list_excess(pairs2, fitted2, em, n)
    assert not switch2 and fig2["switched"] is False


def test_no_choice_without_list_columns() -> None:
    frame = _namesake_pairs().drop(columns=["source_l", "source_r"])
    em = _model(0.02, (0.6, 0.4), (0.0001, 0.002))
    pairs, fitted = _scored(frame, em, 160)
    assert choose_by_list_excess(pairs, fitted, em, 160) == (False, {})


def test_every_health_check_has_words_in_both_languages() -> None:
    """A failed check is named on the dashboard and in the report; a check without
    strings showed its raw key ("check_weak_agreement") there."""
    import re
    import tomllib
    from pathlib import Path

    import roshan
    from roshan.link.health import CHECK_NAMES

    root = Path(roshan.__file__).parent
    made = set()
    for mod in ("link/health.py", "link/core.py"):
        text = (root / mod).read_text(encoding="utf-8")
        made |= set(re.findall(r'Check\(\s*"([a-z_]+)"', text))
    assert made and made <= set(CHECK_NAMES), made - set(CHECK_NAMES)
    for strings in ("web/strings.toml", "report/strings.toml"):
        table = tomllib.loads((root / strings).read_text(encoding="utf-8"))
        for name in CHECK_NAMES:
            entry = table.get(f"check_{name}")
            assert entry and entry.get("en") and entry.get("fa"), (strings, name)


def test_the_health_message_says_when_the_sure_match_model_was_chosen() -> None:
    from roshan.link.health import Check, HealthReport

    switched = Check("one_entry_per_list", True, "", {"switched": True}, judged=False)
    kept = Check("one_entry_per_list", True, "", {"switched": False}, judged=False)
    assert "sure matches" in HealthReport(checks=[switched]).message()
    assert HealthReport(checks=[kept]).message() == "the linkage model passed its health check"
