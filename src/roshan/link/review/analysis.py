"""The analysis of the clusters behind the suspicious-cluster list, computed once per
version of the snapshots (:mod:`roshan.link.review.suspicious` caches it).

For every cluster of clusters.parquet with more than one record, vectorised: whether
its records disagree on sex or on the date of death, the weakest scored edge that holds
it together (Kruskal, strongest edge first), the linker's own flags, and the pair a
reviewer should look at; the result, :class:`SuspiciousBase`, does not depend on
reviewers' decisions, which are applied to it at each query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from roshan.errors import LinkageError
from roshan.link.review.attributes import cluster_attributes
from roshan.link.review.decisions import DecidedPairs, pair_key
from roshan.link.review.reading import read_pairs
from roshan.store.workspace import Workspace
from roshan.unionfind import UnionFind


def _bottleneck(
    members: list[int], edges: pd.DataFrame
) -> tuple[float | None, tuple[int, int] | None]:
    """Kruskal on the cluster's internal edges, strongest first: the weakest edge that is
    still needed to hold the cluster together (None if the pairs never connect it)."""
    ordered = edges.sort_values("match_probability", ascending=False)
    return _weakest_holding_edge(
        members,
        ordered["record_pk_l"].to_numpy(),
        ordered["record_pk_r"].to_numpy(),
        ordered["match_probability"].to_numpy(),
        range(len(ordered)),
    )


def _descending_order(p: np.ndarray) -> np.ndarray:
    """The row order of ``DataFrame.sort_values(col, ascending=False)`` (default quicksort,
    which is not stable) for a column without NaN: what pandas' ``nargsort`` does."""
    idx = np.arange(len(p))
    non_nans = p[np.ones(len(p), dtype=bool)]
    return idx[::-1][non_nans[::-1].argsort(kind="quicksort")][::-1]


def _bottleneck_sorted(
    members: list[int], lefts: np.ndarray, rights: np.ndarray, probs: np.ndarray
) -> tuple[float | None, tuple[int, int] | None]:
    """:func:`_bottleneck` on plain arrays (no NaN, no repeated member), visiting edges of
    equal probability in the same order as pandas' sort does, without building a frame."""
    return _weakest_holding_edge(members, lefts, rights, probs, _descending_order(probs).tolist())


def _weakest_holding_edge(
    members: list[int],
    lefts: np.ndarray,
    rights: np.ndarray,
    probs: np.ndarray,
    order: Any,
) -> tuple[float | None, tuple[int, int] | None]:
    """Union the members along the edges in ``order`` (strongest first); the last edge
    that joined two parts is the weakest one holding the cluster. ``(0.0, None)`` if the
    edges never connect all members; ``(None, None)`` for fewer than two members."""
    if len(members) < 2:
        return None, None
    parts: UnionFind[int] = UnionFind(members)
    comps = len(members)
    weakest: tuple[float, tuple[int, int]] | None = None
    ls, rs, ps = lefts.tolist(), rights.tolist(), probs.tolist()
    for i in order:
        a, b = int(ls[i]), int(rs[i])
        if parts.find(a) != parts.find(b):
            parts.union(a, b)
            comps -= 1
            weakest = (float(ps[i]), (int(ls[i]), int(rs[i])))
            if comps == 1:
                break
    if comps > 1:
        return 0.0, None
    assert weakest is not None
    return weakest[0], weakest[1]


_DAY_NS = 86_400 * 10**9


_SEX, _DATES, _WEAK = 1, 2, 4
_REASON_BITS = ((_SEX, "conflicting_sex"), (_DATES, "dates_far_apart"), (_WEAK, "weak_edges"))


@dataclass
class SuspiciousBase:
    """Everything about the clusters that does not depend on reviewers' decisions.

    Clusters are numbered 0..n-1 ("codes") in sorted cluster-id order; per-cluster facts
    are arrays indexed by code (compact: a 1M-record workspace has ~400k clusters).
    ``ranked`` are the codes that are suspicious without any cannot-link rule, most
    suspicious first.
    """

    cluster_ids: np.ndarray  # code -> the cluster id as stored
    members_pk: np.ndarray  # record_pks sorted by (code, record_pk)
    offsets: np.ndarray  # members of code c: members_pk[offsets[c]:offsets[c + 1]]
    bott: np.ndarray  # the weakest edge holding the cluster together (0: none)
    reason_bits: np.ndarray  # _SEX | _DATES | _WEAK
    flag_reasons: dict[int, tuple[str, ...]]  # code -> ("linker:<flag>", ...)
    show_a: np.ndarray  # the pair to show when no cannot-link rule is broken
    show_b: np.ndarray
    ranked: np.ndarray  # int64 codes
    record_codes: pd.DataFrame  # record_pk, code (for cannot-link rules)
    prob_keys: np.ndarray  # scored pairs inside clusters, sorted pair_key values
    prob_values: np.ndarray
    #: the last :meth:`cannot_link_violations` answer, with the decisions it was for
    violations_memo: tuple[DecidedPairs, dict[int, tuple[int, int]]] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def n(self) -> int:
        return len(self.cluster_ids)

    def members(self, code: int) -> tuple[int, ...]:
        return tuple(int(x) for x in self.members_pk[self.offsets[code] : self.offsets[code + 1]])

    def size(self, code: int) -> int:
        return int(self.offsets[code + 1] - self.offsets[code])

    def reasons(self, code: int, violated: bool = False) -> tuple[str, ...]:
        bits = int(self.reason_bits[code])
        out = tuple(name for bit, name in _REASON_BITS if bits & bit)
        if violated:
            out += ("cannot_link_violated",)
        return out + self.flag_reasons.get(code, ())

    def show(self, code: int) -> tuple[int, int]:
        return int(self.show_a[code]), int(self.show_b[code])

    def order_key(self, code: int, n_reasons: int) -> tuple[tuple[float, ...], str, int]:
        score = (-float(n_reasons), float(self.bott[code]), -self.size(code))
        return score, str(self.cluster_ids[code]), code

    def probability(self, a: int, b: int) -> float | None:
        """The stored match probability of the pair (smaller id first), if it was scored."""
        if not (0 <= a < 2**31 and 0 <= b < 2**31):
            return None
        key = pair_key(np.array([a]), np.array([b]))[0]
        i = int(np.searchsorted(self.prob_keys, key))
        if i < len(self.prob_keys) and self.prob_keys[i] == key:
            return float(self.prob_values[i])
        return None

    def cannot_link_violations(self, decided: DecidedPairs) -> dict[int, tuple[int, int]]:
        """Clusters that join a pair a reviewer said is not a match: code -> the smallest
        such pair (computed once per decisions × analysis)."""
        memo = self.violations_memo
        if memo is not None and memo[0] is decided:
            return memo[1]
        out: dict[int, tuple[int, int]] = {}
        if decided.cannot:
            rules = pd.DataFrame(decided.cannot, columns=["a", "b"])
            rc = self.record_codes
            hit = rules.merge(rc.rename(columns={"record_pk": "a", "code": "ca"}), on="a").merge(
                rc.rename(columns={"record_pk": "b", "code": "cb"}), on="b"
            )
            hit = hit.loc[hit["ca"] == hit["cb"]]
            for c, a, b in sorted(
                zip(hit["ca"].tolist(), hit["a"].tolist(), hit["b"].tolist(), strict=True)
            ):
                out.setdefault(int(c), (int(a), int(b)))
        self.violations_memo = (decided, out)
        return out


def _empty_base() -> SuspiciousBase:
    empty = np.zeros(0, dtype="int64")
    return SuspiciousBase(
        np.zeros(0, dtype=object),
        empty,
        np.zeros(1, dtype="int64"),
        np.zeros(0),
        np.zeros(0, dtype="int8"),
        {},
        empty,
        empty,
        empty,
        pd.DataFrame({"record_pk": empty, "code": empty}),
        empty,
        np.zeros(0),
    )


def read_clusters(path: Path) -> tuple[pd.DataFrame, str]:
    clusters = pd.read_parquet(path)
    cid_col = next(
        (c for c in ("cluster_id", "victim_uid", "victim_id", "uid") if c in clusters.columns), None
    )
    if "record_pk" not in clusters.columns or cid_col is None:
        raise LinkageError("clusters.parquet lacks record_pk / cluster_id columns")
    return clusters, cid_col


def _conflict_shows(
    multi: pd.DataFrame,
    sex_codes: np.ndarray,
    date_codes: np.ndarray,
    prob_frame: pd.DataFrame,
    date_gap_days: int,
) -> dict[int, tuple[int, int]]:
    """For clusters with conflicting sex or far-apart dates: the disagreeing pair with the
    lowest match probability (unscored pairs count as -1), ties by record ids.

    Pairs are enumerated within each such cluster only, a batch of clusters at a time
    (at most ~2 million candidate pairs in memory at once).
    """
    codes = np.union1d(sex_codes, date_codes)
    if len(codes) == 0:
        return {}
    sub = multi.loc[multi["code"].isin(codes), ["code", "record_pk", "sex", "dod_ns"]]
    sizes = sub.groupby("code").size()
    is_sex = set(int(c) for c in sex_codes)
    is_date = set(int(c) for c in date_codes)
    out: dict[int, tuple[int, int]] = {}
    batch: list[int] = []
    load = 0

    def flush(batch: list[int]) -> None:
        part = sub.loc[sub["code"].isin(batch)]
        m = part.merge(part, on="code", suffixes=("_x", "_y"))
        m = m.loc[m["record_pk_x"] < m["record_pk_y"]]
        sx, sy = m["sex_x"].to_numpy(dtype=object), m["sex_y"].to_numpy(dtype=object)
        sex_bad = ((sx == "m") & (sy == "f")) | ((sx == "f") & (sy == "m"))
        sex_bad &= m["code"].isin(is_sex).to_numpy()
        dx, dy = m["dod_ns_x"].to_numpy(), m["dod_ns_y"].to_numpy()
        both = (dx != _NAT) & (dy != _NAT)
        # Timedelta.days floors, so |(d[x] - d[y]).days| as the reference computed it
        gap = np.abs(np.floor_divide(np.where(both, dx, 0) - np.where(both, dy, 0), _DAY_NS))
        date_bad = both & (gap > date_gap_days) & m["code"].isin(is_date).to_numpy()
        bad = m.loc[sex_bad | date_bad, ["code", "record_pk_x", "record_pk_y"]]
        bad = bad.rename(columns={"record_pk_x": "a", "record_pk_y": "b"})
        bad = bad.merge(prob_frame, on=["a", "b"], how="left")
        bad["p"] = bad["p"].fillna(-1.0)
        bad = bad.sort_values(["code", "p", "a", "b"], kind="mergesort")
        bad = bad.drop_duplicates("code", keep="first")
        for c, a, b in zip(bad["code"].tolist(), bad["a"].tolist(), bad["b"].tolist(), strict=True):
            out[int(c)] = (int(a), int(b))

    for c, n in sizes.items():
        batch.append(int(c))
        load += int(n) * int(n)
        if load >= 2_000_000:
            flush(batch)
            batch, load = [], 0
    if batch:
        flush(batch)
    return out


_NAT = np.datetime64("NaT", "ns").astype("int64")


def compute_suspicious_base(
    ws: Workspace, path: Path, weak: float, date_gap_days: int
) -> SuspiciousBase:
    clusters, cid_col = read_clusters(path)
    flags_by: dict[str, set[str]] = {}
    if "flags" in clusters.columns:  # the linker's own flags (chain_split, large_cluster, ...)
        for cid, fl in zip(clusters[cid_col], clusters["flags"], strict=False):
            if fl is not None and not isinstance(fl, float) and len(fl):
                flags_by.setdefault(str(cid), set()).update(str(f) for f in fl)
    clusters = clusters[["record_pk", cid_col]].rename(columns={cid_col: "cluster_id"})
    sizes = clusters.groupby("cluster_id")["record_pk"].transform("size")
    multi = clusters.loc[sizes > 1].copy()
    if multi.empty:
        return _empty_base()
    multi["record_pk"] = multi["record_pk"].astype("int64")
    attrs = cluster_attributes(ws, multi["record_pk"].tolist())
    multi = multi.join(attrs, on="record_pk")
    codes, uniques = pd.factorize(multi["cluster_id"], sort=True)
    multi["code"] = codes.astype("int64")
    n = len(uniques)
    cluster_ids = uniques
    pk = multi["record_pk"].to_numpy(dtype="int64")
    order = np.lexsort((pk, codes))
    members_pk = pk[order]
    counts = np.bincount(codes, minlength=n)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype("int64")

    # Attributes: sex conflicts and the span of exact dates of death, per cluster.
    sex = multi["sex"].to_numpy(dtype=object)
    has_m = np.bincount(codes[sex == "m"], minlength=n) > 0
    has_f = np.bincount(codes[sex == "f"], minlength=n) > 0
    conflicting_sex = has_m & has_f
    dod = multi["dod"]
    if not pd.api.types.is_datetime64_any_dtype(dod):
        dod = pd.to_datetime(dod, errors="coerce")
    if getattr(dod.dt, "tz", None) is not None:
        dod = dod.dt.tz_localize(None)
    dod_ns = dod.astype("datetime64[ns]").to_numpy().astype("int64")
    multi["dod_ns"] = dod_ns
    has_dod = dod_ns != _NAT
    dmin = np.full(n, np.iinfo("int64").max)
    dmax = np.full(n, np.iinfo("int64").min)
    np.minimum.at(dmin, codes[has_dod], dod_ns[has_dod])
    np.maximum.at(dmax, codes[has_dod], dod_ns[has_dod])
    n_dod = np.bincount(codes[has_dod], minlength=n)
    span_days = np.where(n_dod > 1, (dmax - np.where(n_dod > 1, dmin, dmax)) // _DAY_NS, 0)
    dates_far = (n_dod > 1) & (span_days > date_gap_days)

    # Scored pairs inside one cluster (the record→cluster map keeps the last row of a record,
    # as the reference did with a dict).
    try:
        pairs = read_pairs(ws, ["record_pk_l", "record_pk_r", "match_probability"])
    except LinkageError:
        pairs = pd.DataFrame(columns=["record_pk_l", "record_pk_r", "match_probability"])
    code_of = pd.Series(codes, index=pk)
    dup_records = code_of.index.duplicated(keep=False)
    code_of = code_of[~code_of.index.duplicated(keep="last")]
    cl = pairs["record_pk_l"].map(code_of)
    cr = pairs["record_pk_r"].map(code_of)
    inside = (cl.notna() & (cl == cr)).to_numpy()
    internal = pairs.loc[inside, ["record_pk_l", "record_pk_r", "match_probability"]]
    internal = internal.reset_index(drop=True)
    e_code = cl.to_numpy()[inside].astype("int64")
    e_l = internal["record_pk_l"].to_numpy().astype("int64")
    e_r = internal["record_pk_r"].to_numpy().astype("int64")
    e_p = internal["match_probability"].to_numpy().astype(float)
    e_lo, e_hi = np.minimum(e_l, e_r), np.maximum(e_l, e_r)

    # Bottleneck (Kruskal, strongest edge first) for every cluster in one pass. The
    # union-find is written inline here, not roshan.unionfind: this loop runs over every
    # scored edge of the workspace on each review-queue refresh (tests/link/
    # test_review_fastpath.py), where method calls would cost more than the search.
    bott = np.zeros(n)
    weak_l = np.full(n, -1, dtype="int64")
    weak_r = np.full(n, -1, dtype="int64")
    comps = counts.astype("int64").tolist()
    exact = np.zeros(n, dtype=bool)  # clusters the exact per-cluster routine settles
    exact[np.unique(codes[dup_records])] = True
    nan_edge = np.isnan(e_p)
    exact[np.unique(e_code[nan_edge])] = True
    edge_order = np.lexsort((np.arange(len(e_p)), -e_p, e_code))
    parent: dict[int, int] = {}
    done = exact.tolist()
    bott_l = bott.tolist()
    wl, wr = weak_l.tolist(), weak_r.tolist()
    ec, el, er, ep = e_code.tolist(), e_l.tolist(), e_r.tolist(), e_p.tolist()
    for i in edge_order.tolist():
        c = ec[i]
        if done[c]:
            continue
        a, b = el[i], er[i]
        ra = a
        while parent.get(ra, ra) != ra:
            ra = parent[ra]
        rb = b
        while parent.get(rb, rb) != rb:
            rb = parent[rb]
        if ra != rb:
            parent[ra] = rb
            # path compression for the two endpoints
            parent[a] = rb
            parent[b] = rb
            comps[c] -= 1
            bott_l[c], wl[c], wr[c] = ep[i], a, b
            if comps[c] == 1:
                done[c] = True
    connected = np.array(comps) == 1
    bott = np.where(connected, np.array(bott_l), 0.0)
    weak_l = np.where(connected, np.array(wl), -1)
    weak_r = np.where(connected, np.array(wr), -1)
    # Which edge of equal probability is the weakest holding one depends on the order the
    # edges are sorted in (pandas' default quicksort, as the reference does): where two or
    # more edges share the bottleneck probability, settle it with the reference routine.
    at_bott = e_p == bott[e_code]
    ties = np.bincount(e_code[at_bott], minlength=n) >= 2
    exact |= connected & ties
    if exact.any():
        by_code = np.argsort(e_code, kind="stable")
        starts = np.searchsorted(e_code[by_code], np.arange(n + 1))
        p_raw = internal["match_probability"].to_numpy()  # the stored dtype, as sorted before
        plain = np.ones(n, dtype=bool)  # no repeated member and no unscored (NaN) edge
        plain[np.unique(codes[dup_records])] = False
        plain[np.unique(e_code[nan_edge])] = False
        for c in np.flatnonzero(exact).tolist():
            members = [int(x) for x in members_pk[offsets[c] : offsets[c + 1]]]
            rows = by_code[starts[c] : starts[c + 1]]
            if plain[c]:
                b_, pair = _bottleneck_sorted(members, e_l[rows], e_r[rows], p_raw[rows])
            else:
                b_, pair = _bottleneck(members, internal.iloc[rows])
            bott[c] = 0.0 if b_ is None else b_
            weak_l[c], weak_r[c] = pair if pair is not None else (-1, -1)

    prob_frame = pd.DataFrame({"a": e_lo, "b": e_hi, "p": e_p}).drop_duplicates(
        ["a", "b"], keep="last"
    )
    conflict_show = _conflict_shows(
        multi, np.flatnonzero(conflicting_sex), np.flatnonzero(dates_far), prob_frame, date_gap_days
    )

    bits = (
        np.where(conflicting_sex, _SEX, 0)
        | np.where(dates_far, _DATES, 0)
        | np.where(bott < weak, _WEAK, 0)
    ).astype("int8")
    flag_reasons: dict[int, tuple[str, ...]] = {}
    if flags_by:
        for c, cid in enumerate(cluster_ids):
            fl = flags_by.get(str(cid))
            if fl:
                flag_reasons[c] = tuple(f"linker:{f}" for f in sorted(fl))
    # The pair to show: a disagreeing pair, else the weakest holding edge, else the first two.
    show_a = members_pk[offsets[:-1]].copy()
    show_b = members_pk[offsets[:-1] + 1].copy()
    has_weak = weak_l >= 0
    show_a[has_weak] = np.minimum(weak_l, weak_r)[has_weak]
    show_b[has_weak] = np.maximum(weak_l, weak_r)[has_weak]
    for c, (a, b) in conflict_show.items():
        show_a[c], show_b[c] = a, b
    if len(e_lo) and (e_lo.min() < 0 or e_hi.max() >= 2**31):
        raise LinkageError("record ids in pairs.parquet are outside the store's id range")
    keys = pair_key(prob_frame["a"].to_numpy(), prob_frame["b"].to_numpy())
    korder = np.argsort(keys, kind="stable")
    base = SuspiciousBase(
        cluster_ids=np.asarray(cluster_ids, dtype=object),
        members_pk=members_pk,
        offsets=offsets,
        bott=bott.astype(float),
        reason_bits=bits,
        flag_reasons=flag_reasons,
        show_a=show_a,
        show_b=show_b,
        ranked=np.zeros(0, dtype="int64"),
        record_codes=pd.DataFrame({"record_pk": pk, "code": codes.astype("int64")}),
        prob_keys=keys[korder],
        prob_values=prob_frame["p"].to_numpy(dtype=float)[korder],
    )
    n_reasons = np.array([bin(b).count("1") for b in range(8)])[bits]
    for c in flag_reasons:
        n_reasons[c] += len(flag_reasons[c])
    candidates = np.flatnonzero(n_reasons > 0).tolist()
    base.ranked = np.array(
        sorted(candidates, key=lambda c: base.order_key(c, int(n_reasons[c]))), dtype="int64"
    )
    return base
