"""Linkage quality against known truth: pairwise and B-cubed precision/recall/F1.

Pairwise metrics count record pairs put in one cluster (predicted) vs pairs that
are truly one person. They weigh large clusters quadratically; B-cubed metrics
average per record (how much of my cluster is really me, how much of me is in my
cluster) and are the fairer summary of how many victims are split or merged.
Both are computed exactly from contingency counts, never by listing pairs.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass

import pandas as pd


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _pairs(sizes: pd.Series) -> float:
    s = sizes.astype("float64")
    return float((s * (s - 1) / 2).sum())


def _frame(
    predicted: Mapping[Hashable, Hashable] | pd.Series,
    truth: Mapping[Hashable, Hashable] | pd.Series,
) -> pd.DataFrame:
    p = pd.Series(predicted) if not isinstance(predicted, pd.Series) else predicted
    t = pd.Series(truth) if not isinstance(truth, pd.Series) else truth
    common = p.index.intersection(t.index)
    return pd.DataFrame({"pred": p.loc[common].values, "true": t.loc[common].values})


def pairwise_scores(
    predicted: Mapping[Hashable, Hashable] | pd.Series,
    truth: Mapping[Hashable, Hashable] | pd.Series,
) -> Scores:
    """Pairwise precision/recall/F1 of a clustering (record → cluster) vs truth (record → entity)."""
    df = _frame(predicted, truth)
    tp = _pairs(df.groupby(["pred", "true"]).size())
    pred_pairs = _pairs(df.groupby("pred").size())
    true_pairs = _pairs(df.groupby("true").size())
    p = tp / pred_pairs if pred_pairs else 1.0
    r = tp / true_pairs if true_pairs else 1.0
    return Scores(p, r, _f1(p, r))


def bcubed_scores(
    predicted: Mapping[Hashable, Hashable] | pd.Series,
    truth: Mapping[Hashable, Hashable] | pd.Series,
) -> Scores:
    """B-cubed precision/recall/F1 (averaged over records)."""
    df = _frame(predicted, truth)
    if df.empty:
        return Scores(1.0, 1.0, 1.0)
    both = df.groupby(["pred", "true"]).size().rename("nb").reset_index()
    both = both.merge(df.groupby("pred").size().rename("np").reset_index(), on="pred")
    both = both.merge(df.groupby("true").size().rename("nt").reset_index(), on="true")
    n = len(df)
    p = float((both["nb"] ** 2 / both["np"]).sum() / n)
    r = float((both["nb"] ** 2 / both["nt"]).sum() / n)
    return Scores(p, r, _f1(p, r))


def pair_set_scores(
    predicted_pairs: set[tuple[Hashable, Hashable]], true_pairs: set[tuple[Hashable, Hashable]]
) -> Scores:
    """Precision/recall/F1 of a set of predicted matching pairs (unordered) vs true pairs."""
    norm = lambda s: {tuple(sorted(x)) for x in s}  # noqa: E731
    pp, tt = norm(predicted_pairs), norm(true_pairs)
    tp = len(pp & tt)
    p = tp / len(pp) if pp else 1.0
    r = tp / len(tt) if tt else 1.0
    return Scores(p, r, _f1(p, r))
