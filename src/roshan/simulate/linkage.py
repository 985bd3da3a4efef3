"""A SYNTHETIC linkage problem with known truth: records on several lists, candidate pairs
and calibrated match probabilities, for the coverage studies of linkage uncertainty
(bench/linkage_uncertainty.py) and its tests. Needs nothing from the linkage stage."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["SyntheticLinkage", "synthetic_problem"]


@dataclass
class SyntheticLinkage:
    """A SYNTHETIC linkage problem with known truth, for coverage studies and tests.

    ``records``: list index and true person of each record; ``pairs``: candidate pairs
    with calibrated match probabilities; ``n_true``: the true total.
    """

    list_index: np.ndarray
    person: np.ndarray
    pairs: pd.DataFrame
    lists: list[str]
    n_true: int
    logit_prior: float

    @property
    def record_pks(self) -> np.ndarray:
        return np.arange(1, len(self.person) + 1, dtype=np.int64)


def synthetic_problem(
    rng: np.random.Generator,
    *,
    population: int = 1000,
    capture: Sequence[float] = (0.35, 0.4, 0.3, 0.45),
    decoys: float = 2.0,
    separation: float = 2.0,
    hard_share: float = 0.0,
    hard_factor: float = 0.3,
) -> SyntheticLinkage:
    """Draw a SYNTHETIC population, its lists, and noisy but calibrated pair scores.

    Each person is on list j with probability ``capture[j]`` independently (so the
    log-linear independence model and dga are right when linkage is perfect). Every
    pair of records of one person is a candidate pair; so are about ``decoys`` random
    cross-list pairs per record. A pair's score is Normal(+separation, 1) for a true
    match and Normal(−separation, 1) otherwise, and its match probability is the exact
    posterior given the score — calibrated, as a well-trained Fellegi–Sunter model
    aims to be. Larger ``separation`` = cleaner linkage. ``hard_share`` of the people
    (the first ones) are hard to list: their capture probabilities are multiplied by
    ``hard_factor`` (heterogeneous capture, where log-linear independence and dga miss
    low and ``recommended`` is meant to cover).
    """
    caps = np.asarray(capture, dtype=float)
    j = len(caps)
    if hard_share > 0:
        hard = np.arange(population) < int(round(hard_share * population))
        p_on = np.where(hard[:, None], caps * hard_factor, caps)
    else:
        p_on = caps
    on = rng.random((population, j)) < p_on
    person, lst = np.nonzero(on)
    n_rec = len(person)
    rec = np.arange(n_rec)
    # true pairs: all record pairs sharing a person (records are sorted by person)
    starts = np.flatnonzero(np.r_[True, person[1:] != person[:-1]])
    ends = np.r_[starts[1:], n_rec]
    tl, tr = [], []
    for s_, e_ in zip(starts, ends, strict=False):
        for a in range(s_, e_):
            for b in range(a + 1, e_):
                tl.append(a)
                tr.append(b)
    tl_a, tr_a = np.asarray(tl, dtype=np.int64), np.asarray(tr, dtype=np.int64)
    n_dec = int(round(decoys * n_rec))
    dl = rng.integers(0, n_rec, n_dec)
    dr = rng.integers(0, n_rec, n_dec)
    keep = (person[dl] != person[dr]) & (lst[dl] != lst[dr])
    dl, dr = dl[keep], dr[keep]
    dkey = np.unique(np.minimum(dl, dr) * n_rec + np.maximum(dl, dr))
    dl, dr = dkey // n_rec, dkey % n_rec
    left = np.r_[tl_a, dl]
    right = np.r_[tr_a, dr]
    truth = np.r_[np.ones(len(tl_a), bool), np.zeros(len(dl), bool)]
    score = rng.normal(np.where(truth, separation, -separation), 1.0)
    prior = truth.mean() if len(truth) else 0.5
    logit = 2 * separation * score + math.log(prior / (1 - prior))
    prob = 1 / (1 + np.exp(-logit))
    # The prior a Fellegi-Sunter model reports (Splink's λ): two random records that could
    # be compared match. Only pairs across lists can be candidates here, so λ is taken over
    # those; then odds(p)/odds(λ) is the exact likelihood ratio of a candidate pair, blocking
    # included (a decoy is a cross-list non-match pair chosen with probability q, and
    # odds(prior among candidates)/odds(λ) = 1/q).
    per_list = np.bincount(lst, minlength=j).astype(float)
    cross_pairs = (float(n_rec) ** 2 - float((per_list**2).sum())) / 2
    lam = min(max(len(tl_a), 1) / max(cross_pairs, 1.0), 0.5)
    pairs = pd.DataFrame(
        {
            "record_pk_l": rec[left] + 1,
            "record_pk_r": rec[right] + 1,
            "match_probability": prob,
            "is_match": truth,
        }
    )
    return SyntheticLinkage(
        list_index=lst.astype(np.int64),
        person=person.astype(np.int64),
        pairs=pairs,
        lists=[f"SYNTHETIC-L{k + 1}" for k in range(j)],
        n_true=population,
        logit_prior=math.log(lam / (1 - lam)),
    )
