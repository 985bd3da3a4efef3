"""The cached, vectorised review queue equals a straightforward reference (SYNTHETIC data).

``ref_*`` below are the per-cluster Python loops roshan used before the queue was
vectorised and cached (kept here, unchanged, as the reference). Random SYNTHETIC cases —
random clusters over the fixture's records, random scores with many ties, random sex
and dates of death (raw records and a normalise snapshot), linker flags, and reviewers'
decisions including cannot-link rules broken by a cluster — must give exactly the same
suspicious clusters (reasons, pair shown, order), uncertain pairs and review queue.
"""
# ruff: noqa: F811 - fixtures imported from test_review_fixtures are redefined as arguments

from __future__ import annotations

import math
import random
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select
from test_review_fixtures import (  # noqa: F401 - fixtures
    record_pks,
    review_template,
    rws,
    set_fields,
    write_clusters,
    write_pairs,
)

from roshan.errors import LinkageError
from roshan.link import review as rv
from roshan.link.review import analysis, attributes, decisions, queue, suspicious


# ----------------------------------------------------------------------------- reference
def ref_cluster_attributes(ws, pks: list[int]) -> pd.DataFrame:
    from roshan.store.models import Record

    norm = Path(ws.snapshots_dir) / "normalized.parquet"
    if norm.is_file():
        try:
            frame = pd.read_parquet(norm)
            cols = [
                c
                for c in ("record_pk", "sex", "sex_imputed", "dod", "dod_precision")
                if c in frame.columns
            ]
            frame = frame[cols]
            frame = frame.loc[frame["record_pk"].isin(pks)].copy()
            if "sex_imputed" in frame.columns:
                frame.loc[frame["sex_imputed"].fillna(False).astype(bool), "sex"] = None
            if "dod_precision" in frame.columns and "dod" in frame.columns:
                frame.loc[frame["dod_precision"] != "day", "dod"] = None
            frame["sex"] = frame.get("sex", pd.Series(None, index=frame.index)).map(
                attributes._sex_code
            )
            frame["dod"] = pd.to_datetime(
                frame.get("dod", pd.Series(None, index=frame.index)), errors="coerce"
            )
            return frame[["record_pk", "sex", "dod"]].set_index("record_pk")
        except Exception:  # noqa: BLE001
            pass
    stmt = select(Record.id, Record.sex, Record.date_of_death).where(Record.id.in_(pks))
    with ws.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["record_pk", "sex", "dod"])
    frame["sex"] = frame["sex"].map(attributes._sex_code)
    frame["dod"] = pd.to_datetime(frame["dod"], format="%Y-%m-%d", errors="coerce")
    return frame.set_index("record_pk")


def ref_bottleneck(members, edges):
    if len(members) < 2:
        return None, None
    parent = {m: m for m in members}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    comps = len(members)
    weakest = None
    for a, b, p in edges.sort_values("match_probability", ascending=False)[
        ["record_pk_l", "record_pk_r", "match_probability"]
    ].itertuples(index=False):
        rl, rr = find(int(a)), find(int(b))
        if rl != rr:
            parent[rl] = rr
            comps -= 1
            weakest = (float(p), (int(a), int(b)))
            if comps == 1:
                break
    if comps > 1:
        return 0.0, None
    return weakest[0], weakest[1]


def ref_suspicious_clusters(ws, limit=20, *, weak_probability=None, date_gap_days=7):
    path = Path(ws.snapshots_dir) / "clusters.parquet"
    clusters = pd.read_parquet(path)
    cid_col = "cluster_id"
    flags_by: dict[str, set[str]] = {}
    if "flags" in clusters.columns:
        for cid, fl in zip(clusters[cid_col], clusters["flags"], strict=False):
            if fl is not None and not isinstance(fl, float) and len(fl):
                flags_by.setdefault(str(cid), set()).update(str(f) for f in fl)
    clusters = clusters[["record_pk", cid_col]].rename(columns={cid_col: "cluster_id"})
    sizes = clusters.groupby("cluster_id")["record_pk"].transform("size")
    multi = clusters.loc[sizes > 1].copy()
    if multi.empty or limit <= 0:
        return []
    weak = rv.current_threshold(ws) if weak_probability is None else float(weak_probability)
    multi["record_pk"] = multi["record_pk"].astype("int64")
    attrs = ref_cluster_attributes(ws, multi["record_pk"].tolist())
    multi = multi.join(attrs, on="record_pk")
    try:
        pairs = rv.read_pairs(ws, ["record_pk_l", "record_pk_r", "match_probability"])
    except LinkageError:
        pairs = pd.DataFrame(columns=["record_pk_l", "record_pk_r", "match_probability"])
    cmap = dict(zip(multi["record_pk"], multi["cluster_id"], strict=False))
    pl = pairs["record_pk_l"].map(cmap)
    pr = pairs["record_pk_r"].map(cmap)
    internal = pairs.loc[pl.notna() & (pl == pr)].copy()
    internal["cluster_id"] = pl[internal.index]
    edges_by = dict(tuple(internal.groupby("cluster_id"))) if not internal.empty else {}
    decided = decisions._decided_keys(ws)
    _, cannot = rv.load_constraints(ws)
    cannot_set = set(cannot)
    prob = {
        (min(int(a), int(b)), max(int(a), int(b))): float(p)
        for a, b, p in internal[["record_pk_l", "record_pk_r", "match_probability"]].itertuples(
            index=False
        )
    }
    found = []
    for cid, grp in multi.groupby("cluster_id", sort=True):
        members = sorted(int(x) for x in grp["record_pk"])
        edges = edges_by.get(cid, internal.iloc[0:0])
        bott, weak_pair = ref_bottleneck(members, edges)
        reasons: list[str] = []
        conflict_pairs: list[tuple[int, int]] = []
        sexes = grp.dropna(subset=["sex"])
        if sexes["sex"].nunique() > 1:
            reasons.append("conflicting_sex")
            ms = sorted(int(x) for x in sexes.loc[sexes["sex"] == "m", "record_pk"])
            fs = sorted(int(x) for x in sexes.loc[sexes["sex"] == "f", "record_pk"])
            conflict_pairs += [(min(x, y), max(x, y)) for x in ms for y in fs]
        dates = grp.dropna(subset=["dod"])
        if len(dates) > 1:
            span = (dates["dod"].max() - dates["dod"].min()).days
            if span > date_gap_days:
                reasons.append("dates_far_apart")
                d = dates.set_index("record_pk")["dod"]
                conflict_pairs += [
                    (min(x, y), max(x, y))
                    for x in d.index
                    for y in d.index
                    if x < y and abs((d[x] - d[y]).days) > date_gap_days
                ]
        if bott is None or bott < weak:
            reasons.append("weak_edges")
        violated = [
            (x, y) for i, x in enumerate(members) for y in members[i + 1 :] if (x, y) in cannot_set
        ]
        if violated:
            reasons.append("cannot_link_violated")
        reasons += [f"linker:{f}" for f in sorted(flags_by.get(str(cid), ()))]
        if not reasons:
            continue
        if violated:
            show = violated[0]
        elif conflict_pairs:
            show = min(conflict_pairs, key=lambda pr_: (prob.get(pr_, -1.0), pr_))
        elif weak_pair is not None:
            show = (min(weak_pair), max(weak_pair))
        else:
            show = (members[0], members[1])
        if show in decided and not violated:
            continue
        score = (-float(len(reasons)), bott if bott is not None else 0.0, -len(members))
        found.append(
            (
                score,
                rv.SuspiciousCluster(
                    cluster_id=str(cid),
                    record_pks=tuple(members),
                    reasons=tuple(reasons),
                    bottleneck_probability=None if bott is None else round(float(bott), 6),
                    record_a=show[0],
                    record_b=show[1],
                ),
            )
        )
    found.sort(key=lambda t: (t[0], t[1].cluster_id))
    return [c for _, c in found[:limit]]


def ref_uncertain_pairs(ws, limit=50, *, threshold=None, band=rv.REVIEW_BAND):
    t = rv.current_threshold(ws) if threshold is None else float(threshold)
    pairs = rv.read_pairs(ws)
    lo, hi = band
    p = pairs["match_probability"].astype(float)
    pairs = pairs.loc[(p >= lo) & (p <= hi)]
    a = pairs["record_pk_l"].astype("int64").to_numpy()
    b = pairs["record_pk_r"].astype("int64").to_numpy()
    out = pd.DataFrame(
        {
            "record_pk_l": np.minimum(a, b),
            "record_pk_r": np.maximum(a, b),
            "match_probability": pairs["match_probability"].astype(float).to_numpy(),
        }
    )
    out["match_weight"] = pairs["match_weight"].astype(float).to_numpy()
    out["distance"] = np.abs(
        queue._logit(out["match_probability"].to_numpy()) - float(queue._logit(t))
    )
    out = out.drop_duplicates(["record_pk_l", "record_pk_r"])
    decided = decisions._decided_keys(ws)
    if decided:
        keys = pd.MultiIndex.from_arrays([out["record_pk_l"], out["record_pk_r"]])
        out = out.loc[~keys.isin(list(decided))]
    out = out.sort_values(["distance", "record_pk_l", "record_pk_r"], kind="mergesort")
    return out.head(limit).reset_index(drop=True)


def ref_review_queue(ws, limit=50, cluster_limit=20):
    items, seen = [], set()
    pairs = ref_uncertain_pairs(ws, limit)
    for lo, hi, p in pairs[["record_pk_l", "record_pk_r", "match_probability"]].itertuples(
        index=False
    ):
        key = (int(lo), int(hi))
        seen.add(key)
        items.append(
            {
                "kind": "uncertain_pair",
                "record_a": key[0],
                "record_b": key[1],
                "match_probability": float(p),
                "reason": "near_threshold",
                "cluster_id": None,
                "cluster_size": None,
            }
        )
    prob = {}
    sus = ref_suspicious_clusters(ws, cluster_limit)
    if sus:
        allp = rv.read_pairs(ws, ["record_pk_l", "record_pk_r", "match_probability"])
        want = {(c.record_a, c.record_b) for c in sus}
        lo = np.minimum(allp["record_pk_l"].to_numpy(), allp["record_pk_r"].to_numpy())
        hi = np.maximum(allp["record_pk_l"].to_numpy(), allp["record_pk_r"].to_numpy())
        for x, y, p in zip(lo, hi, allp["match_probability"].to_numpy(), strict=False):
            if (int(x), int(y)) in want:
                prob[(int(x), int(y))] = float(p)
    for c in sus:
        key = (c.record_a, c.record_b)
        if key in seen:
            continue
        seen.add(key)
        items.append(
            {
                "kind": "suspicious_cluster",
                "record_a": key[0],
                "record_b": key[1],
                "match_probability": prob.get(key),
                "reason": ";".join(c.reasons),
                "cluster_id": c.cluster_id,
                "cluster_size": len(c.record_pks),
            }
        )
    return items


# ----------------------------------------------------------------------------- random cases
SEXES = ["male", "female", "زن", "مرد", "unknown", None]
DATES = [
    "2026-01-08",
    "2026-01-09",
    "2026-01-10",
    "2026-01-17",
    "2026-01-25",
    "2026-02-03",
    None,
    "1404-10-19",
]


def _random_case(ws, seed: int, *, normalized: bool) -> list[int]:
    """Random SYNTHETIC clusters, scores (many exact ties), attributes, flags, decisions."""
    rng = random.Random(seed)
    pks = record_pks(ws)
    rng.shuffle(pks)
    clusters: dict[str, list[int]] = {}
    i = 0
    while i < len(pks):
        size = rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5, 7])
        clusters[f"V-{rng.randrange(10**6):06d}-{len(clusters)}"] = pks[i : i + size]
        i += size
    levels = [0.05, 0.3, 0.5, 0.62, 0.9, 0.97, 0.99]  # discrete, like Splink's: ties
    rows: list[tuple[int, int, float]] = []
    for members in clusters.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                if rng.random() < 0.7:
                    p = rng.choice(levels) if rng.random() < 0.7 else rng.random()
                    a, b = members[x], members[y]
                    rows.append((a, b, p) if rng.random() < 0.5 else (b, a, p))
    for _ in range(len(pks) // 3):  # pairs across clusters
        a, b = rng.sample(pks, 2)
        rows.append((a, b, rng.choice(levels)))
    rows += rng.sample(rows, k=min(5, len(rows)))  # duplicated pairs
    rng.shuffle(rows)
    write_pairs(ws, rows)
    frame = pd.DataFrame(
        [(pk, cid) for cid, m in clusters.items() for pk in m], columns=["record_pk", "cluster_id"]
    )
    frame["flags"] = [
        rng.choice([[], [], [], [], ["chain_split"], ["large_cluster", "x"]])
        for _ in range(len(frame))
    ]
    frame.to_parquet(ws.snapshots_dir / "clusters.parquet", index=False)
    if normalized:
        norm = pd.DataFrame(
            {
                "record_pk": pks,
                "sex": [rng.choice(["m", "f", "f", None, "male"]) for _ in pks],
                "sex_imputed": [rng.random() < 0.2 for _ in pks],
                "dod": [
                    rng.choice([d for d in DATES if d is None or d.startswith("2026")]) for _ in pks
                ],
                "dod_precision": [rng.choice(["day", "day", "day", "month"]) for _ in pks],
                "full_name": [f"SYNTHETIC {pk}" for pk in pks],
            }
        )
        norm.to_parquet(ws.snapshots_dir / "normalized.parquet", index=False)
    else:
        for pk in pks:
            set_fields(ws, pk, sex=rng.choice(SEXES), date_of_death=rng.choice(DATES))
    multi = [m for m in clusters.values() if len(m) > 1]
    for _ in range(12):  # decisions inside clusters (some cannot-link rules broken) and outside
        m = rng.choice(multi)
        a, b = rng.sample(m, 2) if rng.random() < 0.7 else rng.sample(pks, 2)
        try:
            rv.record_decision(ws, a, b, rng.choice(rv.DECISIONS), "r")
        except rv.ReviewConflictError:
            pass
    return pks


def _as_dicts(found) -> list[dict]:
    return [c.to_dict() for c in found]


@pytest.mark.parametrize(
    "seed,normalized", [(1, False), (2, True), (3, False), (4, True), (5, True)]
)
def test_fast_path_equals_reference_on_random_synthetic_cases(rws, seed, normalized) -> None:
    _random_case(rws, seed, normalized=normalized)
    for weak in (0.5, 0.95, None):
        for limit in (1, 5, 10_000):
            got = rv.suspicious_clusters(rws, limit, weak_probability=weak)
            want = ref_suspicious_clusters(rws, limit, weak_probability=weak)
            assert _as_dicts(got) == _as_dicts(want), (weak, limit)
    # a case must exercise what it claims to: several reasons, ties, a broken rule
    allc = ref_suspicious_clusters(rws, 10_000, weak_probability=0.5)
    reasons = {r for c in allc for r in c.reasons}
    assert {"weak_edges", "conflicting_sex", "dates_far_apart"} <= reasons
    for limit in (0, 3, 10_000):
        got_u = rv.uncertain_pairs(rws, limit, threshold=0.6)
        want_u = ref_uncertain_pairs(rws, limit, threshold=0.6)
        pd.testing.assert_frame_equal(got_u, want_u, check_dtype=limit > 0)
    assert rv.review_queue(rws, 7, 9) == ref_review_queue(rws, 7, 9)


def test_decisions_apply_without_recomputing(rws) -> None:
    """New decisions (and cannot-link rules) change the answer at once, from the cache."""
    pks = _random_case(rws, 11, normalized=True)
    first = rv.suspicious_clusters(rws, 10_000, weak_probability=0.5)
    before = suspicious.SUSPICIOUS_CACHE.computations
    target = next(c for c in first if "cannot_link_violated" not in c.reasons)
    rv.record_decision(rws, target.record_a, target.record_b, "match", "r2", expected_version=None)
    a, b = target.record_pks[0], target.record_pks[-1]
    if (a, b) != (target.record_a, target.record_b):
        rv.record_decision(rws, a, b, "non_match", "r2", expected_version=None)
    got = rv.suspicious_clusters(rws, 10_000, weak_probability=0.5)
    assert suspicious.SUSPICIOUS_CACHE.computations == before
    assert _as_dicts(got) == _as_dicts(ref_suspicious_clusters(rws, 10_000, weak_probability=0.5))
    assert len(pks) > 50


def test_new_snapshot_is_noticed(rws) -> None:
    p = record_pks(rws)
    for pk in p[:6]:
        set_fields(rws, pk, sex="male", date_of_death=None)
    write_pairs(rws, [(p[0], p[1], 0.99), (p[2], p[3], 0.2)])
    write_clusters(rws, {"A": p[0:2], "B": p[2:4]})
    assert [c.cluster_id for c in rv.suspicious_clusters(rws, weak_probability=0.5)] == ["B"]
    write_pairs(rws, [(p[0], p[1], 0.1), (p[2], p[3], 0.99), (p[4], p[5], 0.98)])
    write_clusters(rws, {"A": p[0:2], "B": p[2:4], "C": p[4:6]})
    assert [c.cluster_id for c in rv.suspicious_clusters(rws, weak_probability=0.5)] == ["A"]


def test_cold_cache_is_computed_once_under_concurrency(rws, monkeypatch) -> None:
    _random_case(rws, 21, normalized=True)
    rv.clear_review_caches()
    calls = []
    real = suspicious.compute_suspicious_base

    def slow(*args, **kwargs):
        calls.append(threading.get_ident())
        import time

        time.sleep(0.3)  # long enough for every thread to arrive while it computes
        return real(*args, **kwargs)

    monkeypatch.setattr(suspicious, "compute_suspicious_base", slow)
    results: list[list[dict]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(12)

    def worker() -> None:
        try:
            barrier.wait()
            results.append([i for i in rv.review_queue(rws, 5, 5)])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert len(calls) == 1
    assert len(results) == 12 and all(r == results[0] for r in results)


def test_failed_computation_is_not_cached(rws) -> None:
    (rws.snapshots_dir / "pairs.parquet").write_bytes(b"not parquet at all")
    for _ in range(2):
        with pytest.raises(LinkageError, match="cannot read pairs.parquet"):
            rv.uncertain_pairs(rws)
    p = record_pks(rws)
    write_pairs(rws, [(p[0], p[1], 0.5)])
    assert len(rv.uncertain_pairs(rws, threshold=0.5)) == 1


def test_sex_codes_match_the_scalar_rule() -> None:
    values = pd.Series(
        ["male", "F", " زن ", None, float("nan"), "x", "مرد", "female", None], dtype=object
    )
    got = attributes._sex_codes(values).tolist()
    want = [attributes._sex_code(v) for v in values]
    assert got == want
    assert all(g is None or isinstance(g, str) for g in got)
    assert not any(isinstance(g, float) and math.isnan(g) for g in got)


def test_descending_order_is_pandas_sort_order() -> None:
    """Ties among equal scores are visited in exactly the order pandas' sort gives."""
    rng = np.random.default_rng(3)
    for n in (1, 2, 3, 5, 9, 16, 17, 40, 200):
        for _ in range(30):
            p = rng.choice([0.3, 0.5, 0.7, 0.9], size=n)
            want = pd.DataFrame({"p": p}).sort_values("p", ascending=False).index.to_numpy()
            assert analysis._descending_order(p).tolist() == want.tolist()


def test_warm_up_computes_what_the_first_request_needs(rws) -> None:
    assert rv.warm_review_cache(rws) is False  # no snapshots yet: quietly nothing
    _random_case(rws, 31, normalized=True)
    before = suspicious.SUSPICIOUS_CACHE.computations
    assert rv.warm_review_cache(rws) is True
    assert suspicious.SUSPICIOUS_CACHE.computations == before + 1
    rv.review_queue(rws, 20, 10)
    rv.suspicious_clusters(rws, 5)
    assert suspicious.SUSPICIOUS_CACHE.computations == before + 1


def test_changed_decision_is_seen_at_once(rws) -> None:
    """A decision changed in place (same pair, version bumped) reaches the cached queue."""
    p = record_pks(rws)
    for pk in p[:3]:
        set_fields(rws, pk, sex="male", date_of_death=None)
    write_pairs(rws, [(p[0], p[1], 0.99), (p[1], p[2], 0.98)])
    write_clusters(rws, {"A": p[0:3]})
    rv.record_decision(rws, p[0], p[2], "match", "r")
    assert rv.suspicious_clusters(rws, weak_probability=0.5) == []
    loads = decisions.DECISIONS_CACHE.computations
    assert rv.suspicious_clusters(rws, weak_probability=0.5) == []
    assert decisions.DECISIONS_CACHE.computations == loads  # unchanged decisions: not re-read
    rv.record_decision(rws, p[0], p[2], "non_match", "r", expected_version=1)
    (c,) = rv.suspicious_clusters(rws, weak_probability=0.5)
    assert c.reasons == ("cannot_link_violated",) and (c.record_a, c.record_b) == (p[0], p[2])
    assert _as_dicts([c]) == _as_dicts(ref_suspicious_clusters(rws, weak_probability=0.5))
