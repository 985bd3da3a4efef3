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
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_MAX_DF", "DEFAULT_THRESHOLD", "DEFAULT_UNIQUE_THRESHOLD", "count_error", "clear_ids",
           "match_counts", "party_histories"]

DEFAULT_THRESHOLD = 4
DEFAULT_UNIQUE_THRESHOLD = 2
DEFAULT_MAX_DF = 200


def clear_ids(tokens: Sequence[Sequence[str]], width: int) -> np.ndarray:
    """Rows of 64-bit ids of clear tokens (calibration only), padded with -1."""
    out = np.full((len(tokens), width), -1, dtype=np.int64)
    for i, toks in enumerate(tokens):
        for j, t in enumerate(toks[:width]):
            out[i, j] = int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(),
                                       "little", signed=True) & 0x7FFF_FFFF_FFFF_FFFF
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


def match_counts(rows: Sequence[np.ndarray], parties: Sequence[str], *,
                 strata: Sequence[Sequence[dict[str, str]]] | None = None,
                 by: Sequence[str] = (), threshold: int = DEFAULT_THRESHOLD,
                 max_df: int = DEFAULT_MAX_DF,
                 unique_threshold: int | None = DEFAULT_UNIQUE_THRESHOLD) -> pd.DataFrame:
    """Capture-pattern counts (one 0/1 column per party, strata in ``by``, ``count``).

    ``rows[i]`` is party i's (n_i × K) int64 array of token ids (negative = padding).
    """
    sizes = [len(r) for r in rows]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    n = int(offsets[-1])
    tok_parts, rec_parts, party_parts = [], [], []
    for i, r in enumerate(rows):
        k = r.shape[1] if r.ndim == 2 else 0
        recs = np.repeat(np.arange(sizes[i], dtype=np.int64) + offsets[i], k)
        flat = r.reshape(-1)
        keep = flat >= 0
        tok_parts.append(flat[keep])
        rec_parts.append(recs[keep])
        party_parts.append(np.full(int(keep.sum()), i, dtype=np.int16))
    frame = pd.DataFrame({"tok": np.concatenate(tok_parts), "rec": np.concatenate(rec_parts),
                          "party": np.concatenate(party_parts)}).drop_duplicates(["tok", "rec"])
    df = frame.groupby("tok")["party"].agg(["size", "nunique"])
    useful = df.index[(df["nunique"] >= 2) & (df["size"] <= max_df)]
    frame = frame[frame["tok"].isin(useful)]
    pairs = frame.merge(frame, on="tok", suffixes=("_l", "_r"))
    pairs = pairs[pairs["party_l"] < pairs["party_r"]]
    scores = pairs.groupby(["rec_l", "rec_r", "party_l", "party_r"]).size().reset_index(name="s")
    if unique_threshold is not None and unique_threshold < threshold:
        # a weaker pair counts when each row is the other's only candidate in that party
        lo = scores[scores["s"] >= unique_threshold]
        n_l = lo.groupby(["rec_l", "party_r"])["s"].transform("size")
        n_r = lo.groupby(["rec_r", "party_l"])["s"].transform("size")
        scores = lo[(lo["s"] >= threshold) | ((n_l == 1) & (n_r == 1))]
    else:
        scores = scores[scores["s"] >= threshold]
    scores = scores.sample(frac=1.0, random_state=0).sort_values("s", ascending=False,
                                                                 kind="stable")
    scores = scores.drop_duplicates(["rec_l", "party_r"]).drop_duplicates(["rec_r", "party_l"])
    labels = _components(n, scores["rec_l"].to_numpy(), scores["rec_r"].to_numpy())
    party_of = np.repeat(np.arange(len(rows)), sizes)
    out = pd.DataFrame({"comp": labels, "party": party_of, "rec": np.arange(n)})
    for p_i, name in enumerate(parties):
        out[name] = (out["party"] == p_i).astype(np.int64)
    agg = out.groupby("comp").agg({**{name: "max" for name in parties}, "rec": "min"})
    by = list(by)
    if by:
        flat_strata = [s for part in (strata or []) for s in part]
        for b in by:
            agg[b] = [flat_strata[r].get(b, "unknown") if r < len(flat_strata) else "unknown"
                      for r in agg["rec"]]
    res = agg.groupby([*parties, *by]).size().reset_index(name="count")
    return res[[*parties, *by, "count"]].sort_values([*by, *parties]).reset_index(drop=True)


def party_histories(victims: pd.DataFrame, source_party: dict[str, str],
                    parties: Sequence[str], by: Sequence[str] = ()) -> pd.DataFrame:
    """Clear-text reference: pattern counts over *parties* from a workspace that linked
    all lists together (a party captures a victim when any of its lists names it)."""
    from roshan.link.histories import histories_from_victims

    v = victims.copy()
    v["sources"] = v["sources"].map(
        lambda s: sorted({source_party[x] for x in (s if s is not None else [])
                          if x in source_party}))
    v = v[v["sources"].map(len) > 0]
    return histories_from_victims(v, list(parties), list(by))


def count_error(private: pd.DataFrame, clear: pd.DataFrame, parties: Sequence[str],
                by: Sequence[str] = ()) -> dict[str, float]:
    """How far two pattern-count tables are apart: ``l1`` = Σ|a-b| / Σ clear (the
    share of victims counted in a different cell), ``total`` = relative difference of
    the totals."""
    keys = [*parties, *by]
    a = private.groupby(keys)["count"].sum()
    b = clear.groupby(keys)["count"].sum()
    both = pd.concat([a.rename("a"), b.rename("b")], axis=1).fillna(0)
    tb = float(both["b"].sum())
    return {"l1": float((both["a"] - both["b"]).abs().sum() / tb) if tb else 0.0,
            "total": float((both["a"].sum() - tb) / tb) if tb else 0.0,
            "private_total": float(both["a"].sum()), "clear_total": tb}
