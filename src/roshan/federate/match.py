"""Matching at the coordinator: shared-token counts → victims → capture-pattern counts.

The coordinator holds, for each party, that party's victims as rows of blinded tokens
(equal tokens are equal 32-byte elements; padding never matches). Two rows of
different parties *match* when they share at least ``threshold`` (4) tokens, or at least
``unique_threshold`` (2) when each is the other's only candidate in that party with that
many shared tokens (a misspelt name leaves few exact tokens in common); within each
pair of parties a row keeps only its best match (greedy one-to-one, highest score
first), and matched rows are joined transitively into one victim. A victim's capture
pattern is the set of parties with a row in it; its stratum is that of its row from the
first party in session order.

Tokens held by more than ``max_df`` rows (a very common name with nothing else) are
ignored for scoring: they carry almost no evidence and would make the pair count
quadratic.

The same code runs on clear token strings (hashed to 64-bit ids) for calibration:
blinding is a bijection on tokens, so the matches are the same as on blinded values.

Calibration (bench/federate.py, docs/federate.md): on the simulator's scenarios,
``DEFAULT_THRESHOLD``/``DEFAULT_UNIQUE_THRESHOLD`` brought the estimate from these
pattern counts closest to the estimate from roshan's clear-text linkage of all lists
together (pattern counts alone favoured 3 without the unique rule, but left the
estimate 5-10 % high: missed matches all push the same way).

The rule is not certain, so :func:`match_draws` draws plausible alternative matchings:
each row's best candidate in another party is linked with the probability, measured on
the simulator against its truth, that a pair with that many shared tokens (and that
uniqueness) is the same person (:data:`ACCEPT_PROBABILITY`). ``roshan federate count``
writes their pattern counts beside the point counts and ``roshan estimate --counts``
pools over them (docs/federate.md, "The private linkage's error").
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "ACCEPT_CAP",
    "ACCEPT_PROBABILITY",
    "DEFAULT_LINKAGE_DRAWS",
    "DEFAULT_MAX_DF",
    "MISSED_RATE",
    "DEFAULT_THRESHOLD",
    "DEFAULT_UNIQUE_THRESHOLD",
    "accept_probability",
    "best_candidates",
    "candidate_scores",
    "clear_ids",
    "count_error",
    "match_counts",
    "match_draws",
    "pair_truth_table",
    "party_histories",
]

DEFAULT_THRESHOLD = 4
DEFAULT_UNIQUE_THRESHOLD = 2
DEFAULT_MAX_DF = 200

#: Plausible matchings drawn by ``roshan federate count`` (0 = none; the estimate is then
#: plug-in, the matching treated as certain).
DEFAULT_LINKAGE_DRAWS = 20
#: Shared-token counts at or above this are one cell of :data:`ACCEPT_PROBABILITY`.
ACCEPT_CAP = 8
#: P(same person | shared tokens s, unique candidate) for a row's best candidate in another
#: party (s capped at ACCEPT_CAP), used by :func:`match_draws`: (same + 0.5) / (pairs + 1)
#: over six SYNTHETIC scenarios against the simulator's truth, measured by
#:   bench/federate.py --population 3000 --lists 6 --parties 3 --seeds 7 8 9 10 \
#:       --no-crypto --draws 0
#:   bench/federate.py --population 6000 --lists 8 --parties 4 --seeds 11 12 \
#:       --no-crypto --draws 0
#: (bench/results/federate-accept-{3,4}party.json; seeds apart from those the coverage was
#: measured on). Pairs per cell in the comments. A unique candidate at 2 shared tokens,
#: which the default rule accepts, is the same person only 29 % of the time.
#: True cross-party pairs of rows that are no row's best candidate (they share fewer than
#: 2 tokens, or lose to a namesake), per true pair among the best candidates: 655 of
#: 23,568 true pairs on the same six SYNTHETIC scenarios and commands as
#: ACCEPT_PROBABILITY (655 / 22,913 = 0.0286; 2.1-3.1 % per scenario).
MISSED_RATE = 0.0286
ACCEPT_PROBABILITY: dict[tuple[int, bool], float] = {
    (2, False): 0.056,  # 1,241 pairs
    (2, True): 0.293,  # 1,081
    (3, False): 0.098,  # 401
    (3, True): 0.529,  # 170
    (4, False): 0.693,  # 326
    (4, True): 0.983,  # 453
    (5, False): 0.800,  # 506
    (5, True): 0.991,  # 856
    (6, False): 0.813,  # 66
    (6, True): 0.995,  # 101
    (7, False): 0.995,  # 475
    (7, True): 1.000,  # 1,025
    (8, False): 0.995,  # 7,320
    (8, True): 1.000,  # 11,536
}


def clear_ids(tokens: Sequence[Sequence[str]], width: int) -> np.ndarray:
    """Rows of 64-bit ids of clear tokens (calibration only), padded with -1."""
    out = np.full((len(tokens), width), -1, dtype=np.int64)
    for i, toks in enumerate(tokens):
        for j, t in enumerate(toks[:width]):
            out[i, j] = (
                int.from_bytes(
                    hashlib.blake2b(t.encode(), digest_size=8).digest(), "little", signed=True
                )
                & 0x7FFF_FFFF_FFFF_FFFF
            )
    return out


def element_ids(blob: bytes, width: int) -> np.ndarray:
    """Rows of 64-bit ids of blinded 32-byte elements (the first 8 bytes of each)."""
    arr = np.frombuffer(blob, dtype=np.uint8).reshape(-1, 32)[:, :8].copy()
    ids = arr.view("<i8").reshape(-1) & 0x7FFF_FFFF_FFFF_FFFF
    return ids.reshape(-1, width)


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    g = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, labels = connected_components(g, directed=False)
    return labels


def candidate_scores(
    rows: Sequence[np.ndarray], *, min_shared: int, max_df: int = DEFAULT_MAX_DF
) -> pd.DataFrame:
    """Every pair of rows of different parties sharing at least ``min_shared`` tokens.

    Columns ``rec_l``, ``rec_r`` (global row numbers), ``party_l`` < ``party_r``, ``s``
    (shared tokens) and ``unique`` (each row is the other's only candidate in that party
    with ``min_shared`` or more). This is all the coordinator knows about a pair.
    """
    sizes = [len(r) for r in rows]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    tok_parts, rec_parts, party_parts = [], [], []
    for i, r in enumerate(rows):
        k = r.shape[1] if r.ndim == 2 else 0
        recs = np.repeat(np.arange(sizes[i], dtype=np.int64) + offsets[i], k)
        flat = r.reshape(-1)
        keep = flat >= 0
        tok_parts.append(flat[keep])
        rec_parts.append(recs[keep])
        party_parts.append(np.full(int(keep.sum()), i, dtype=np.int16))
    frame = pd.DataFrame(
        {
            "tok": np.concatenate(tok_parts),
            "rec": np.concatenate(rec_parts),
            "party": np.concatenate(party_parts),
        }
    ).drop_duplicates(["tok", "rec"])
    df = frame.groupby("tok")["party"].agg(["size", "nunique"])
    useful = df.index[(df["nunique"] >= 2) & (df["size"] <= max_df)]
    frame = frame[frame["tok"].isin(useful)]
    pairs = frame.merge(frame, on="tok", suffixes=("_l", "_r"))
    pairs = pairs[pairs["party_l"] < pairs["party_r"]]
    scores = pairs.groupby(["rec_l", "rec_r", "party_l", "party_r"]).size().reset_index(name="s")
    scores = scores[scores["s"] >= min_shared].reset_index(drop=True)
    n_l = scores.groupby(["rec_l", "party_r"])["s"].transform("size")
    n_r = scores.groupby(["rec_r", "party_l"])["s"].transform("size")
    scores["unique"] = ((n_l == 1) & (n_r == 1)).to_numpy()
    return scores


def best_candidates(scores: pd.DataFrame, rng: int | np.random.Generator) -> pd.DataFrame:
    """Greedy one-to-one within each pair of parties, highest score first (ties random):
    each row keeps at most one candidate per other party."""
    state = rng if isinstance(rng, int) else np.random.RandomState(int(rng.integers(0, 2**31 - 1)))
    scores = scores.sample(frac=1.0, random_state=state).sort_values(
        "s", ascending=False, kind="stable"
    )
    return scores.drop_duplicates(["rec_l", "party_r"]).drop_duplicates(["rec_r", "party_l"])


def _tabulate(
    links: pd.DataFrame,
    sizes: Sequence[int],
    parties: Sequence[str],
    strata: Sequence[Sequence[dict[str, str]]] | None,
    by: Sequence[str],
) -> pd.DataFrame:
    n = int(sum(sizes))
    labels = _components(n, links["rec_l"].to_numpy(), links["rec_r"].to_numpy())
    party_of = np.repeat(np.arange(len(sizes)), sizes)
    out = pd.DataFrame({"comp": labels, "party": party_of, "rec": np.arange(n)})
    for p_i, name in enumerate(parties):
        out[name] = (out["party"] == p_i).astype(np.int64)
    agg = out.groupby("comp").agg({**{name: "max" for name in parties}, "rec": "min"})
    by = list(by)
    if by:
        flat_strata = [s for part in (strata or []) for s in part]
        for b in by:
            agg[b] = [
                flat_strata[r].get(b, "unknown") if r < len(flat_strata) else "unknown"
                for r in agg["rec"]
            ]
    res = agg.groupby([*parties, *by]).size().reset_index(name="count")
    return res[[*parties, *by, "count"]].sort_values([*by, *parties]).reset_index(drop=True)


def match_counts(
    rows: Sequence[np.ndarray],
    parties: Sequence[str],
    *,
    strata: Sequence[Sequence[dict[str, str]]] | None = None,
    by: Sequence[str] = (),
    threshold: int = DEFAULT_THRESHOLD,
    max_df: int = DEFAULT_MAX_DF,
    unique_threshold: int | None = DEFAULT_UNIQUE_THRESHOLD,
) -> pd.DataFrame:
    """Capture-pattern counts (one 0/1 column per party, strata in ``by``, ``count``).

    ``rows[i]`` is party i's (n_i × K) int64 array of token ids (negative = padding).
    """
    weak = unique_threshold is not None and unique_threshold < threshold
    scores = candidate_scores(
        rows,
        min_shared=int(unique_threshold) if weak and unique_threshold is not None else threshold,
        max_df=max_df,
    )
    if weak:
        # a weaker pair counts when each row is the other's only candidate in that party
        scores = scores[(scores["s"] >= threshold) | scores["unique"]]
    links = best_candidates(scores, 0)
    return _tabulate(links, [len(r) for r in rows], parties, strata, by)


def accept_probability(
    s: np.ndarray, unique: np.ndarray, table: dict[tuple[int, bool], float] | None = None
) -> np.ndarray:
    """Calibrated probability that a candidate pair is the same person, from its shared-token
    count ``s`` (capped at :data:`ACCEPT_CAP`) and whether it is a unique candidate."""
    table = ACCEPT_PROBABILITY if table is None else table
    s = np.minimum(np.asarray(s, dtype=np.int64), ACCEPT_CAP)
    out = np.array(
        [
            table.get((int(a), bool(b)), 1.0 if a >= ACCEPT_CAP else 0.0)
            for a, b in zip(s, np.asarray(unique, dtype=bool), strict=True)
        ],
        dtype=float,
    )
    return np.clip(out, 0.0, 1.0)


def _missed_links(
    best: pd.DataFrame,
    kept: pd.DataFrame,
    sizes: Sequence[int],
    rate: float,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Links for the true pairs no candidate shows: for each pair of parties, a Poisson
    number (``rate`` × the expected true links there) of links between rows linked to
    nobody in the other party, chosen at random. The coordinator cannot know which rows
    they are; for the pattern counts, only how many there are matters."""
    if rate <= 0 or not len(best):
        return kept.iloc[0:0]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    extra = []
    for (pl, pr), grp in best.groupby(["party_l", "party_r"]):
        k = int(rng.poisson(rate * float(grp["p"].sum())))
        if k <= 0:
            continue
        here = kept[(kept["party_l"] == pl) & (kept["party_r"] == pr)]
        free_l = np.setdiff1d(np.arange(offsets[pl], offsets[pl + 1]), here["rec_l"].to_numpy())
        free_r = np.setdiff1d(np.arange(offsets[pr], offsets[pr + 1]), here["rec_r"].to_numpy())
        k = min(k, len(free_l), len(free_r))
        if k <= 0:
            continue
        extra.append(
            pd.DataFrame(
                {
                    "rec_l": rng.choice(free_l, k, replace=False),
                    "rec_r": rng.choice(free_r, k, replace=False),
                    "party_l": pl,
                    "party_r": pr,
                    "s": 0,
                }
            )
        )
    return pd.concat(extra, ignore_index=True) if extra else kept.iloc[0:0]


def match_draws(
    rows: Sequence[np.ndarray],
    parties: Sequence[str],
    n_draws: int,
    *,
    strata: Sequence[Sequence[dict[str, str]]] | None = None,
    by: Sequence[str] = (),
    min_shared: int = DEFAULT_UNIQUE_THRESHOLD,
    max_df: int = DEFAULT_MAX_DF,
    seed: int | None = None,
    table: dict[tuple[int, bool], float] | None = None,
    missed_rate: float | None = None,
) -> list[pd.DataFrame]:
    """``n_draws`` plausible pattern-count tables. In each, every row's best candidate in
    each other party (:func:`best_candidates` over pairs sharing ``min_shared`` or more
    tokens, ties broken at random) is linked with its calibrated probability
    (:func:`accept_probability`); then, for the true pairs that share too few tokens to be
    candidates at all, a Poisson number of links (``missed_rate``, default
    :data:`MISSED_RATE`, × the expected true links) between rows left unlinked to that
    party; linked rows are joined transitively as in :func:`match_counts`.

    The private analogue of roshan's drawn clusterings (docs/linkage-uncertainty.md): the
    coordinator knows only each pair's shared-token count, so that is all a draw uses.
    With probabilities 1 for the pairs the rule accepts, 0 for the others and no missed
    links, a draw is :func:`match_counts` (a pair the rule rejects never blocks one it
    accepts: it has fewer shared tokens, or is a unique candidate and so has no rival).
    Each table is counts only, like the point table.
    """
    rng = np.random.default_rng(seed)
    rate = MISSED_RATE if missed_rate is None else float(missed_rate)
    scores = candidate_scores(rows, min_shared=min_shared, max_df=max_df)
    sizes = [len(r) for r in rows]
    out = []
    for _ in range(int(n_draws)):
        best = best_candidates(scores, rng)
        best = best.assign(
            p=accept_probability(best["s"].to_numpy(), best["unique"].to_numpy(), table)
        )
        kept = best[rng.random(len(best)) < best["p"].to_numpy()]
        links = pd.concat([kept, _missed_links(best, kept, sizes, rate, rng)], ignore_index=True)
        out.append(_tabulate(links, sizes, parties, strata, by))
    return out


def pair_truth_table(scores: pd.DataFrame, truth: np.ndarray) -> pd.DataFrame:
    """Calibration: for pairs (the best candidates, :func:`best_candidates`), how often
    each (shared tokens, unique) cell is the same true person (``truth[rec]`` = the true
    id of a row; SYNTHETIC scenarios only)."""
    same = truth[scores["rec_l"].to_numpy()] == truth[scores["rec_r"].to_numpy()]
    frame = pd.DataFrame(
        {
            "s": np.minimum(scores["s"].to_numpy(), ACCEPT_CAP),
            "unique": scores["unique"].to_numpy(),
            "same": same,
        }
    )
    return (
        frame.groupby(["s", "unique"])["same"]
        .agg(["size", "sum"])
        .rename(columns={"size": "pairs", "sum": "same"})
        .reset_index()
    )


def party_histories(
    victims: pd.DataFrame,
    source_party: dict[str, str],
    parties: Sequence[str],
    by: Sequence[str] = (),
) -> pd.DataFrame:
    """Clear-text reference: pattern counts over *parties* from a workspace that linked
    all lists together (a party captures a victim when any of its lists names it)."""
    from roshan.link.histories import histories_from_victims

    v = victims.copy()
    v["sources"] = v["sources"].map(
        lambda s: sorted(
            {source_party[x] for x in (s if s is not None else []) if x in source_party}
        )
    )
    v = v[v["sources"].map(len) > 0]
    return histories_from_victims(v, list(parties), list(by))


def count_error(
    private: pd.DataFrame, clear: pd.DataFrame, parties: Sequence[str], by: Sequence[str] = ()
) -> dict[str, float]:
    """How far two pattern-count tables are apart: ``l1`` = Σ|a-b| / Σ clear (the
    share of victims counted in a different cell), ``total`` = relative difference of
    the totals."""
    keys = [*parties, *by]
    a = private.groupby(keys)["count"].sum()
    b = clear.groupby(keys)["count"].sum()
    both = pd.concat([a.rename("a"), b.rename("b")], axis=1).fillna(0)
    tb = float(both["b"].sum())
    return {
        "l1": float((both["a"] - both["b"]).abs().sum() / tb) if tb else 0.0,
        "total": float((both["a"].sum() - tb) / tb) if tb else 0.0,
        "private_total": float(both["a"].sum()),
        "clear_total": tb,
    }
