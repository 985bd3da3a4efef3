"""One entry per person per list: a check of a model's match probabilities that needs
no truth, and the choice between two trained models that it allows.

A list names a person once (a few duplicates aside). So for a record r and another
list L, the number of records of L that are r's person is 0 or 1, and under a
calibrated pairwise model its expectation is S(r, L) = Σ_{j in L} P(match r, j). A
model that gives r three namesakes in L at 0.6 each says r is on L 1.8 times: it is
over-confident, whatever the truth. The *list excess*

    E = Σ_{r, L} max(S(r, L) − 1, 0) / Σ_{r, L} S(r, L)

is the share of the model's expected cross-list matches that the lists' structure
rules out. It is not zero for a good model (within-list duplicates and genuinely
ambiguous pairs put some records above 1), but it grows with over-confidence.

Why it matters: on lists where names are regional (Kurdish, Baluch and Arab given
and family names, so namesakes share a city far more often than random pairs do), the
model's conditional independence fails and EM lets namesakes into its "match" class.
On the outside ``wild_ngo`` family (bench/robustness/wild.py) EM gave a disagreeing
age m = 0.17 and a disagreeing family name m = 0.14 where the true matches had 0.003
and 0.001; pairs it scored 0.2–0.99 were true at half the rate it said, its expected
matches were 1.7 times the true ones, and the estimate's linkage draws, which take the
probabilities at their word, merged namesakes and under-counted (2,554 [2,314, 2,880]
for 3,000). m from the leave-one-out sure matches (train.sure_m) keeps namesakes out,
because a sure pair must be each record's only partner in its list. Its list excess
there was 0.12 against EM's 0.25 (E on outside families where EM is right: about 0.04
for both). So after scoring, :func:`choose_by_list_excess` compares the two: the sure
model is used when its excess is clearly lower (:data:`SWITCH_RATIO`,
:data:`SWITCH_MIN_DIFF`). The sure model's excess is computed without scoring again:
both models share u (and so the term-frequency terms), so its match weights are the
EM model's plus the per-level differences of log2(m/u) (:func:`rescore`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from roshan.link.prior import calibrate_prior, logit2, reweight
from roshan.link.train import level_values

__all__ = [
    "SWITCH_MIN_DIFF",
    "SWITCH_RATIO",
    "ListExcess",
    "choose_by_list_excess",
    "list_excess",
    "rescore",
]

#: The sure model replaces the EM model when its list excess is at most this share of
#: the EM model's ...
SWITCH_RATIO = 0.8
#: ... and lower by at least this much (on outside families where both models are
#: right they differ by less than 0.01; where EM had taken namesakes in, by 0.04–0.15).
SWITCH_MIN_DIFF = 0.02


@dataclass(frozen=True)
class ListExcess:
    """The list excess of one model's probabilities (see the module docstring)."""

    excess: float
    expected_cross: float  # Σ S(r, L): the model's expected cross-list matches (×2)
    records_over: int  # (record, list) with S > 1.2

    def to_dict(self) -> dict[str, Any]:
        return {
            "excess": round(self.excess, 4),
            "expected_cross_matches": round(self.expected_cross / 2, 1),
            "record_lists_over": int(self.records_over),
        }


def list_excess(
    probability: np.ndarray,
    list_l: np.ndarray,
    list_r: np.ndarray,
    rec_l: np.ndarray,
    rec_r: np.ndarray,
) -> ListExcess | None:
    """The list excess of pairs (records ``rec_l``/``rec_r`` on lists ``list_l``/
    ``list_r``, match ``probability``). None when no pair crosses lists."""
    p = np.asarray(probability, dtype="float64")
    cross = np.asarray(list_l) != np.asarray(list_r)
    if not cross.any():
        return None
    frame = pd.DataFrame(
        {
            "r": np.r_[np.asarray(rec_l)[cross], np.asarray(rec_r)[cross]],
            "L": np.r_[np.asarray(list_r)[cross], np.asarray(list_l)[cross]],
            "p": np.r_[p[cross], p[cross]],
        }
    )
    s = frame.groupby(["r", "L"], sort=False)["p"].sum().to_numpy()
    total = float(s.sum())
    if total <= 0:
        return None
    return ListExcess(
        excess=float(np.clip(s - 1.0, 0.0, None).sum() / total),
        expected_cross=total,
        records_over=int((s > 1.2).sum()),
    )


def _level_log_bf(model: dict[str, Any]) -> dict[str, dict[int, float | None]]:
    """Per comparison, gamma value → log2(m/u) of that level (the null level is 0; None
    for a level left untrained, which Splink scores with its default)."""
    out: dict[str, dict[int, float | None]] = {}
    for comp in model.get("comparisons", []):
        table: dict[int, float | None] = {-1: 0.0}
        for value, lv in level_values(comp):
            m, u = lv.get("m_probability"), lv.get("u_probability")
            table[value] = None
            if isinstance(m, (int, float)) and isinstance(u, (int, float)) and m > 0 and u > 0:
                table[value] = float(np.log2(m / u))
        out[str(comp.get("output_column_name"))] = table
    return out


def rescore(
    pairs: pd.DataFrame, model_from: dict[str, Any], model_to: dict[str, Any]
) -> np.ndarray:
    """Match weights of ``pairs`` (scored under ``model_from``, with its ``gamma_*``
    columns) under ``model_to``, which shares its u: the weight plus, per comparison,
    log2(m/u) of the level under ``model_to`` minus that under ``model_from``, and the
    change of prior."""
    w = pairs["match_weight"].to_numpy(dtype="float64").copy()
    a, b = _level_log_bf(model_from), _level_log_bf(model_to)
    for col, table_b in b.items():
        g = f"gamma_{col}"
        if g not in pairs.columns or col not in a:
            continue
        gamma = pairs[g].to_numpy()
        for value in np.unique(gamma):
            to, fro = table_b.get(int(value)), a[col].get(int(value))
            if to is not None and fro is not None:  # an untrained level: Splink's default
                w[gamma == value] += to - fro
    lam_a = float(model_from["probability_two_random_records_match"])
    lam_b = float(model_to["probability_two_random_records_match"])
    return w - logit2(lam_a) + logit2(lam_b)


def choose_by_list_excess(
    pairs: pd.DataFrame,
    model: dict[str, Any],
    alternative: dict[str, Any],
    n_records: int,
    list_column: str = "source",
) -> tuple[bool, dict[str, Any]]:
    """Whether to use ``alternative`` (the sure-match model) instead of ``model`` (the
    one the pairs were scored with, its λ already re-estimated), and the figures.

    ``alternative``'s probabilities are its rescored weights with λ re-estimated the
    same way (roshan.link.prior). No switch when the pairs carry no list columns or no
    pair crosses lists."""
    lcol, rcol = f"{list_column}_l", f"{list_column}_r"
    if pairs.empty or lcol not in pairs.columns or rcol not in pairs.columns:
        return False, {}
    ids = pairs["record_pk_l"].to_numpy(), pairs["record_pk_r"].to_numpy()
    lists = pairs[lcol].astype(str).to_numpy(), pairs[rcol].astype(str).to_numpy()
    here = list_excess(pairs["match_probability"].to_numpy(), *lists, *ids)
    if here is None:
        return False, {}
    w = rescore(pairs, model, alternative)
    lam_b = float(alternative["probability_two_random_records_match"])
    alt = reweight(pd.DataFrame({"match_weight": w}), lam_b, calibrate_prior(w, lam_b, n_records))
    there = list_excess(alt["match_probability"].to_numpy(), *lists, *ids)
    if there is None:
        return False, {}
    switch = (
        there.excess <= SWITCH_RATIO * here.excess and here.excess - there.excess >= SWITCH_MIN_DIFF
    )
    return switch, {
        "model": here.to_dict(),
        "sure_match_model": there.to_dict(),
        "switch_ratio": SWITCH_RATIO,
        "switch_min_diff": SWITCH_MIN_DIFF,
        "switched": bool(switch),
    }
