"""Matching at the coordinator: shared-token counts → victims → capture-pattern counts.

Protocol version 2 sessions use the *scored* rule (:data:`DEFAULT_RULE`): each pair of
rows sharing :data:`DEFAULT_MIN_SHARED` or more tokens gets a calibrated probability of
being one person (:func:`pair_probability`, :data:`SCORE_COEF`) and pairs at
:data:`DEFAULT_ACCEPT` or above are linked, greedy one-to-one by probability. The
threshold rule below is that of version 1, kept for calibration and comparison.

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

from roshan.unionfind import UnionFind

__all__ = [
    "ACCEPT_CAP",
    "DEFAULT_ACCEPT",
    "DEFAULT_ACCEPT_MANY",
    "MANY_PARTIES",
    "default_accept",
    "DEFAULT_MIN_SHARED",
    "DEFAULT_ONE_PER_VICTIM",
    "DEFAULT_RULE",
    "SCORE_COEF",
    "pair_features",
    "pair_probability",
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
    "one_per_party",
    "pair_truth_table",
    "party_histories",
]

DEFAULT_THRESHOLD = 4
DEFAULT_UNIQUE_THRESHOLD = 2
DEFAULT_MAX_DF = 200

#: Matching rule of new sessions: ``"scored"`` (a pair's calibrated probability of being
#: one person, :func:`pair_probability`, at least :data:`DEFAULT_ACCEPT`) or
#: ``"threshold"`` (the rule of protocol version 1: ``threshold`` shared tokens, or
#: ``unique_threshold`` for a unique candidate).
DEFAULT_RULE = "scored"
#: Pairs sharing fewer tokens are not candidates under the scored rule.
DEFAULT_MIN_SHARED = 2
#: A pair is a match when its probability is at least this (then greedy one-to-one,
#: most probable first), in sessions of 2 or 3 parties. Chosen on SYNTHETIC development
#: scenarios (docs/federate.md): the missed and the wrong links then balance in the
#: pattern counts.
DEFAULT_ACCEPT = 0.4
#: The cut in sessions of :data:`MANY_PARTIES` or more. With more parties a person has
#: more cross-party pairs, and joining them one row per party per victim drops more true
#: links in conflicts, so the same cut leaves the estimate high; on 6 SYNTHETIC
#: 4-organisation development scenarios 0.35 brought the estimate to the clear-text one's
#: (mean difference +0.03 %, against +1.25 % at 0.4) at the same pattern-count L1
#: (``bench/federate.py --accept-grid``; docs/federate.md, "The acceptance cut").
DEFAULT_ACCEPT_MANY = 0.35
MANY_PARTIES = 4


def default_accept(n_parties: int) -> float:
    """The acceptance cut a new session of ``n_parties`` parties signs."""
    return DEFAULT_ACCEPT_MANY if n_parties >= MANY_PARTIES else DEFAULT_ACCEPT


#: Logistic model of P(same person | what the coordinator sees of a pair), fitted by
#: bench/federate.py --fit-model on SYNTHETIC development scenarios (4 organisations,
#: population 15,000, seeds 21 22; 3 organisations, population 3,000, seeds 7 8) against
#: the simulator's truth. Features, in order (see :func:`pair_features`): 1, s, log s,
#: mean and min of log(df) over the shared tokens (df = rows holding the token, all
#: parties), log of each row's number of candidates in the other party, each row's margin
#: (s minus its next-best candidate's s when this is its best, else s minus its best; ±8),
#: and whether each is the other's only candidate.
SCORE_COEF: tuple[float, ...] = (
    -2.97616,
    -0.03525,
    3.23041,
    -0.69015,
    -0.72986,
    -0.31866,
    -0.36664,
    0.32488,
    0.25043,
    0.31963,
)

#: Keep every victim to at most one row per party when joining links (:func:`one_per_party`),
#: strongest links first. Measured on held-out SYNTHETIC scenarios (docs/federate.md).
DEFAULT_ONE_PER_VICTIM = True
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
    (shared tokens), ``mlw``/``minlw`` (mean and least log of how many rows hold each
    shared token) and ``unique`` (each row is the other's only candidate in that party
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
    frame = frame.assign(lw=np.log(frame["tok"].map(df["size"]).to_numpy(dtype=float)))
    # rows of party i paired only with rows of later parties (a self-merge would also make
    # every same-party and reversed pair), grouped on one int64 key per pair of rows
    n_all = int(offsets[-1])
    by_party = [frame[frame["party"] == i] for i in range(len(rows))]
    parts = [
        by_party[i][["tok", "rec", "lw"]].merge(
            by_party[j][["tok", "rec"]], on="tok", suffixes=("_l", "_r")
        )
        for i in range(len(rows))
        for j in range(i + 1, len(rows))
    ]
    pairs = pd.concat(parts, ignore_index=True) if parts else frame.iloc[0:0]
    key = pairs["rec_l"].to_numpy(dtype=np.int64) * n_all + pairs["rec_r"].to_numpy(np.int64)
    agg = (
        pd.DataFrame({"key": key, "lw": pairs["lw"].to_numpy(dtype=float)})
        .groupby("key")["lw"]
        .agg(["size", "mean", "min"])
    )
    keys = agg.index.to_numpy(dtype=np.int64)
    party_of = np.repeat(np.arange(len(rows), dtype=np.int16), sizes)
    rec_l, rec_r = keys // n_all, keys % n_all
    scores = pd.DataFrame(
        {
            "rec_l": rec_l,
            "rec_r": rec_r,
            "party_l": party_of[rec_l] if len(keys) else np.zeros(0, np.int16),
            "party_r": party_of[rec_r] if len(keys) else np.zeros(0, np.int16),
            "s": agg["size"].to_numpy(dtype=np.int64),
            "mlw": agg["mean"].to_numpy(dtype=float),
            "minlw": agg["min"].to_numpy(dtype=float),
        }
    )
    scores = scores[scores["s"] >= min_shared].reset_index(drop=True)
    n_l = scores.groupby(["rec_l", "party_r"])["s"].transform("size")
    n_r = scores.groupby(["rec_r", "party_l"])["s"].transform("size")
    scores["unique"] = ((n_l == 1) & (n_r == 1)).to_numpy()
    return scores


def pair_features(scores: pd.DataFrame) -> np.ndarray:
    """The scored rule's features of each candidate pair (rows of :func:`candidate_scores`),
    in the order of :data:`SCORE_COEF`."""
    if not len(scores):
        return np.zeros((0, len(SCORE_COEF)))
    s = scores["s"].to_numpy(dtype=float)
    cols = [np.ones(len(scores)), np.minimum(s, 17.0), np.log(s), scores["mlw"], scores["minlw"]]
    ns, margins = [], []
    for side, other in (("rec_l", "party_r"), ("rec_r", "party_l")):
        grp = scores.groupby([side, other])["s"]
        n = grp.transform("size").to_numpy(dtype=float)
        best = grp.transform("max").to_numpy(dtype=float)
        order = scores.sort_values("s", ascending=False, kind="stable")
        rank = order.groupby([side, other]).cumcount()
        second = order[rank == 1].set_index([side, other])["s"]
        key = pd.MultiIndex.from_frame(scores[[side, other]])
        sec = second.reindex(key).fillna(0).to_numpy(dtype=float)
        ns.append(np.log(n))
        margins.append(np.clip(np.where(s == best, s - sec, s - best), -8, 8))
    unique = (scores.groupby(["rec_l", "party_r"])["s"].transform("size") == 1) & (
        scores.groupby(["rec_r", "party_l"])["s"].transform("size") == 1
    )
    cols += [ns[0], ns[1], margins[0], margins[1], unique.to_numpy(dtype=float)]
    return np.column_stack([np.asarray(c, dtype=float) for c in cols])


def pair_probability(scores: pd.DataFrame, coef: Sequence[float] | None = None) -> np.ndarray:
    """Calibrated probability that each candidate pair is one person (the scored rule)."""
    b = np.asarray(SCORE_COEF if coef is None else coef, dtype=float)
    return 1.0 / (1.0 + np.exp(-(pair_features(scores) @ b)))


def best_candidates(
    scores: pd.DataFrame, rng: int | np.random.Generator, *, key: str = "s"
) -> pd.DataFrame:
    """Greedy one-to-one within each pair of parties, highest ``key`` first (ties random):
    each row keeps at most one candidate per other party."""
    state = rng if isinstance(rng, int) else np.random.RandomState(int(rng.integers(0, 2**31 - 1)))
    scores = scores.sample(frac=1.0, random_state=state).sort_values(
        key, ascending=False, kind="stable"
    )
    return scores.drop_duplicates(["rec_l", "party_r"]).drop_duplicates(["rec_r", "party_l"])


def one_per_party(links: pd.DataFrame, sizes: Sequence[int], *, key: str = "p") -> pd.DataFrame:
    """The links that keep every victim to at most one row per party, strongest first.

    Each party's list is already linked (one row per victim), so a person is at most one
    row of each party. Joining pairwise links transitively can still put two rows of one
    party into one victim (A1-B1, B1-C1, C1-A2), which the counts would read as one
    victim where the party has two. Here links are added in decreasing ``key`` (ties in
    their order) to a union-find that refuses a link joining two groups that already
    hold rows of the same party; the refused links are the weakest of each conflict.
    """
    if not len(links):
        return links
    order = links.sort_values(key, ascending=False, kind="stable") if key in links else links
    party_of = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    uf: UnionFind[int] = UnionFind()
    parties_in: dict[int, int] = {}  # root -> bit mask of the parties in its group
    keep = np.zeros(len(order), dtype=bool)
    for i, (a, b) in enumerate(zip(order["rec_l"].tolist(), order["rec_r"].tolist(), strict=True)):
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            keep[i] = True
            continue
        ma = parties_in.get(ra, 1 << int(party_of[a]))
        mb = parties_in.get(rb, 1 << int(party_of[b]))
        if not ma & mb:
            parties_in[uf.union(a, b)] = ma | mb
            keep[i] = True
    return order[keep]


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
    rule: str = "threshold",
    accept: float = DEFAULT_ACCEPT,
    min_shared: int = DEFAULT_MIN_SHARED,
    coef: Sequence[float] | None = None,
    one_per_victim: bool = False,
) -> pd.DataFrame:
    """Capture-pattern counts (one 0/1 column per party, strata in ``by``, ``count``).

    ``rows[i]`` is party i's (n_i × K) int64 array of token ids (negative = padding).
    ``rule="scored"``: pairs sharing ``min_shared`` or more tokens whose
    :func:`pair_probability` is at least ``accept``, greedy one-to-one by probability;
    ``rule="threshold"``: ``threshold`` shared tokens, or ``unique_threshold`` for a
    unique candidate (protocol version 1). ``one_per_victim`` (scored rule): links are
    joined strongest first so that no victim holds two rows of one party
    (:func:`one_per_party`).
    """
    if rule == "scored":
        scores = candidate_scores(rows, min_shared=min_shared, max_df=max_df)
        scores = scores.assign(p=pair_probability(scores, coef))
        scores = scores[scores["p"] >= accept]
        links = best_candidates(scores, 0, key="p")
        sizes = [len(r) for r in rows]
        if one_per_victim:
            links = one_per_party(links, sizes)
        return _tabulate(links, sizes, parties, strata, by)
    if rule != "threshold":
        raise ValueError(f"unknown matching rule {rule!r}")
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
    rule: str = "threshold",
    coef: Sequence[float] | None = None,
    one_per_victim: bool = False,
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

    With ``rule="scored"`` the best candidates are chosen by :func:`pair_probability`
    and each is kept with that probability instead of the ``table``'s. With
    ``one_per_victim``, links are joined as in :func:`match_counts` with it.
    """
    rng = np.random.default_rng(seed)
    rate = MISSED_RATE if missed_rate is None else float(missed_rate)
    scores = candidate_scores(rows, min_shared=min_shared, max_df=max_df)
    sizes = [len(r) for r in rows]
    out = []
    if rule == "scored":
        scores = scores.assign(p=pair_probability(scores, coef))
    for _ in range(int(n_draws)):
        if rule == "scored":
            best = best_candidates(scores, rng, key="p")
        else:
            best = best_candidates(scores, rng)
            best = best.assign(
                p=accept_probability(best["s"].to_numpy(), best["unique"].to_numpy(), table)
            )
        kept = best[rng.random(len(best)) < best["p"].to_numpy()]
        links = pd.concat([kept, _missed_links(best, kept, sizes, rate, rng)], ignore_index=True)
        if one_per_victim:  # missed links (no p) are added last
            links = one_per_party(links, sizes)
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
