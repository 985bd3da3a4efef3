"""Human review of uncertain matches: decisions, constraints, and what to review next.

A reviewer looks at a pair of records and says *match*, *not a match* or *unsure*.
Each decision is stored once per pair (``record_a < record_b``) with who decided and
when, and is

* a **constraint** on every later linkage run: ``match`` is must-link, ``non_match``
  is cannot-link (``unsure`` constrains nothing) — see :func:`load_constraints`;
* a **training label** for the linkage model — see :func:`decisions_frame`.

Decisions use optimistic locking: a reviewer (or the web app) that read a pair's
decision at ``version`` v may change it only while v is still current; if someone
else decided in between, :class:`ReviewConflictError` is raised instead of
silently overwriting. Every decision appends an audit event that never contains
names or notes (only record keys, the decision and the version).

What to review next comes from the linkage engine's snapshots:
:func:`uncertain_pairs` (pairs whose match probability is nearest the clustering
threshold) and :func:`suspicious_clusters` (clusters joining records that disagree
on sex or date of death, or held together only by weak edges). The terminal review,
the spreadsheet round-trip and the web app all use these same functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from roshan.errors import LinkageError
from roshan.store.audit import record_event
from roshan.store.models import LinkRun, Record, ReviewDecision, utcnow
from roshan.store.workspace import Workspace

MATCH = "match"
NON_MATCH = "non_match"
UNSURE = "unsure"
DECISIONS: tuple[str, ...] = (MATCH, NON_MATCH, UNSURE)

#: Threshold used to rank uncertainty when no linkage run has recorded one.
FALLBACK_THRESHOLD = 0.5
#: Default band of match probabilities considered "uncertain".
DEFAULT_BAND: tuple[float, float] = (0.02, 0.98)
#: Dates of death further apart than this (in days) make a cluster suspicious.
DATE_GAP_DAYS = 7

# Words a reviewer may type (in a spreadsheet or at the prompt) for each decision.
_WORDS: dict[str, str] = {}
for _word in ("match", "m", "y", "yes", "same", "1", "true", "بله", "آره", "اره", "بلی",
              "یکی", "یکسان", "same person"):
    _WORDS[_word] = MATCH
for _word in ("non_match", "non-match", "nonmatch", "non match", "no match", "not a match",
              "not_match", "n", "no", "different", "0", "false", "خیر", "نه", "متفاوت"):
    _WORDS[_word] = NON_MATCH
for _word in ("unsure", "u", "?", "maybe", "unknown", "not sure", "نامطمئن", "نامعلوم",
              "مطمئن نیستم", "شاید"):
    _WORDS[_word] = UNSURE


class ReviewConflictError(LinkageError):
    """Someone else changed this pair's decision after you read it (optimistic locking)."""


@dataclass(frozen=True)
class SuspiciousCluster:
    """Why a cluster looks wrong, and the pair a reviewer should look at to settle it."""

    cluster_id: str
    record_pks: tuple[int, ...]
    reasons: tuple[str, ...]
    bottleneck_probability: float | None
    record_a: int
    record_b: int

    def to_dict(self) -> dict[str, Any]:
        return {"cluster_id": self.cluster_id, "record_pks": list(self.record_pks),
                "n_records": len(self.record_pks), "reasons": list(self.reasons),
                "bottleneck_probability": self.bottleneck_probability,
                "record_a": self.record_a, "record_b": self.record_b}


def parse_decision(text: object) -> str | None:
    """Map what a reviewer typed to ``match``/``non_match``/``unsure``; blank → ``None``.

    Accepts the canonical words, y/n/?, m/n/u, yes/no and the Persian بله/خیر/نامطمئن
    (Arabic ي/ك and stray spaces or case are tolerated). Raises ``ValueError`` for
    anything else, so a typo is never silently taken as a decision.
    """
    if text is None:
        return None
    if isinstance(text, float) and math.isnan(text):
        return None
    word = str(text).strip().replace("ي", "ی").replace("ك", "ک").replace("\u200c", " ")
    word = " ".join(word.split()).lower()
    if not word:
        return None
    if word in _WORDS:
        return _WORDS[word]
    raise ValueError(f"unknown decision {str(text).strip()[:40]!r} "
                     "(use match/non_match/unsure, y/n/?, or بله/خیر/نامطمئن)")


def ordered_pair(record_a: int, record_b: int) -> tuple[int, int]:
    """The pair as stored: smaller record_pk first. Refuses a record paired with itself."""
    a, b = int(record_a), int(record_b)
    if a == b:
        raise LinkageError(f"a record cannot be reviewed against itself (record {a})")
    return (a, b) if a < b else (b, a)


def _check_records(sess: Session, pks: Iterable[int]) -> None:
    wanted = sorted(set(int(p) for p in pks))
    found: set[int] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        found.update(int(r) for r in sess.scalars(select(Record.id).where(Record.id.in_(chunk))))
    missing = [p for p in wanted if p not in found]
    if missing:
        shown = ", ".join(str(m) for m in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        raise LinkageError(f"unknown record id(s) in this workspace: {shown}{more}")


def decide_in_session(sess: Session, record_a: int, record_b: int, decision: str,
                      reviewer: str, *, expected_version: int | None = None,
                      note: str | None = None, via: str = "api") -> ReviewDecision:
    """Store one decision inside the caller's transaction (see :func:`record_decision`).

    ``expected_version`` is the version the reviewer read: ``0`` means "there was no
    decision yet"; ``None`` means "don't check" (last writer wins, used by the
    interactive terminal review that has just read the row itself).
    """
    if decision not in DECISIONS:
        raise LinkageError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    reviewer = (reviewer or "").strip()
    if not reviewer:
        raise LinkageError("a decision needs a reviewer name")
    a, b = ordered_pair(record_a, record_b)
    row = sess.scalars(select(ReviewDecision)
                       .where(ReviewDecision.record_a == a, ReviewDecision.record_b == b)).first()
    now = utcnow()
    if row is None:
        if expected_version not in (None, 0):
            raise ReviewConflictError(
                f"pair {a}-{b}: expected decision version {expected_version} but the pair "
                "has no decision (was it removed?)")
        _check_records(sess, (a, b))
        row = ReviewDecision(record_a=a, record_b=b, decision=decision, reviewer=reviewer[:200],
                             decided_at=now, note=note, version=1)
        try:
            with sess.begin_nested():
                sess.add(row)
                sess.flush()
        except IntegrityError as exc:
            raise ReviewConflictError(
                f"pair {a}-{b} was decided by someone else at the same moment; reload and retry"
            ) from exc
        previous = None
    else:
        current = int(row.version)
        if expected_version is not None and int(expected_version) != current:
            raise ReviewConflictError(
                f"pair {a}-{b} was changed by someone else (you read version "
                f"{expected_version}, it is now {current}); reload and decide again")
        previous = row.decision
        res = sess.execute(
            update(ReviewDecision)
            .where(ReviewDecision.id == row.id, ReviewDecision.version == current)
            .values(decision=decision, reviewer=reviewer[:200], decided_at=now, note=note,
                    version=current + 1)
            .execution_options(synchronize_session=False))
        if res.rowcount != 1:
            raise ReviewConflictError(
                f"pair {a}-{b} was changed by someone else while saving; reload and retry")
        sess.expire(row)
        sess.refresh(row)
    record_event(sess, reviewer[:200], "review.decide", "record_pair", f"{a}-{b}",
                 {"decision": decision, "previous": previous, "version": int(row.version),
                  "via": via, "has_note": bool(note)})
    return row


def record_decision(ws: Workspace, record_a: int, record_b: int, decision: str, reviewer: str,
                    *, expected_version: int | None = None,
                    note: str | None = None) -> ReviewDecision:
    """Store a reviewer's decision on a pair of records, with an audit event.

    ``decision`` is ``"match"``, ``"non_match"`` or ``"unsure"`` (or any word
    :func:`parse_decision` accepts). The pair is stored with the smaller record_pk
    first. A later decision on the same pair replaces the earlier one and bumps
    ``version``; pass ``expected_version`` (the version you read, 0 for none) to
    get :class:`ReviewConflictError` instead of overwriting someone else's change.
    Unknown record ids raise :class:`roshan.errors.LinkageError`.
    """
    try:
        parsed = parse_decision(decision) if decision not in DECISIONS else decision
    except ValueError as exc:
        raise LinkageError(str(exc)) from exc
    if parsed is None:
        raise LinkageError("empty decision")
    with ws.session() as sess:
        row = decide_in_session(sess, record_a, record_b, parsed, reviewer,
                                expected_version=expected_version, note=note)
        sess.flush()
        sess.expunge(row)
    return row


def get_decision(ws: Workspace, record_a: int, record_b: int) -> ReviewDecision | None:
    """The stored decision on a pair (either order), or ``None``."""
    a, b = ordered_pair(record_a, record_b)
    with ws.session() as sess:
        row = sess.scalars(select(ReviewDecision).where(ReviewDecision.record_a == a,
                                                         ReviewDecision.record_b == b)).first()
        if row is not None:
            sess.expunge(row)
    return row


def decisions_frame(ws: Workspace) -> pd.DataFrame:
    """Every stored decision (training labels): record_a, record_b, decision, reviewer,
    decided_at, version — ordered by pair. Notes are left out (they may hold names)."""
    cols = ["record_a", "record_b", "decision", "reviewer", "decided_at", "version"]
    stmt = select(ReviewDecision.record_a, ReviewDecision.record_b, ReviewDecision.decision,
                  ReviewDecision.reviewer, ReviewDecision.decided_at, ReviewDecision.version
                  ).order_by(ReviewDecision.record_a, ReviewDecision.record_b)
    with ws.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=cols)


def load_constraints(ws: Workspace) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Reviewers' decisions as clustering constraints: ``(must_link, cannot_link)``.

    Each is a sorted list of ``(record_pk_a, record_pk_b)`` with a < b. ``match``
    decisions are must-link, ``non_match`` cannot-link; ``unsure`` is neither.
    """
    stmt = select(ReviewDecision.record_a, ReviewDecision.record_b, ReviewDecision.decision)
    must: list[tuple[int, int]] = []
    cannot: list[tuple[int, int]] = []
    with ws.engine.connect() as conn:
        for a, b, d in conn.execute(stmt):
            pair = (int(a), int(b)) if a < b else (int(b), int(a))
            if d == MATCH:
                must.append(pair)
            elif d == NON_MATCH:
                cannot.append(pair)
    return sorted(must), sorted(cannot)


def current_threshold(ws: Workspace) -> float:
    """The match threshold of the latest finished linkage run (else :data:`FALLBACK_THRESHOLD`)."""
    stmt = select(LinkRun.threshold).where(LinkRun.status.in_(("done", "finished", "ok",
                                                                "succeeded", "completed")))
    stmt = stmt.order_by(LinkRun.id.desc()).limit(1)
    with ws.engine.connect() as conn:
        value = conn.execute(stmt).scalar()
        if value is None:
            value = conn.execute(select(LinkRun.threshold).order_by(LinkRun.id.desc())
                                 .limit(1)).scalar()
    if value is None or not (0.0 < float(value) < 1.0):
        return FALLBACK_THRESHOLD
    return float(value)


def _logit(p: np.ndarray | float) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)
    return np.log(q / (1 - q))


def _read_pairs(ws: Workspace, columns: list[str] | None = None) -> pd.DataFrame:
    path = Path(ws.snapshots_dir) / "pairs.parquet"
    if not path.is_file():
        raise LinkageError("no pairwise predictions in this workspace yet; run `roshan link` first")
    try:
        frame = pd.read_parquet(path, columns=columns)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for damaged files
        raise LinkageError(f"cannot read {path.name}: {str(exc).splitlines()[0][:160]}") from exc
    needed = {"record_pk_l", "record_pk_r", "match_probability"}
    if not needed.issubset(frame.columns):
        raise LinkageError(f"{path.name} lacks columns {sorted(needed - set(frame.columns))}")
    return frame


def _decided_keys(ws: Workspace) -> set[tuple[int, int]]:
    with ws.engine.connect() as conn:
        return {(int(a), int(b)) for a, b in
                conn.execute(select(ReviewDecision.record_a, ReviewDecision.record_b))}


def uncertain_pairs(ws: Workspace, limit: int = 50, *, threshold: float | None = None,
                    band: tuple[float, float] = DEFAULT_BAND) -> pd.DataFrame:
    """The ``limit`` most uncertain, not yet decided pairs from ``pairs.parquet``.

    Uncertainty is closeness to the clustering threshold in log-odds (match weight)
    terms, so 0.45 vs 0.55 around 0.5 rank alike and 0.999 is far from everything.
    Only pairs with a probability inside ``band`` are candidates. Returns columns
    record_pk_l < record_pk_r, match_probability, match_weight, distance (|logit p −
    logit threshold|, smaller = more uncertain), most uncertain first; ties broken by
    record ids so the order is reproducible.
    """
    if limit <= 0:
        return pd.DataFrame(columns=["record_pk_l", "record_pk_r", "match_probability",
                                     "match_weight", "distance"])
    t = current_threshold(ws) if threshold is None else float(threshold)
    pairs = _read_pairs(ws)
    lo, hi = band
    p = pairs["match_probability"].astype(float)
    pairs = pairs.loc[(p >= lo) & (p <= hi)]
    a = pairs["record_pk_l"].astype("int64").to_numpy()
    b = pairs["record_pk_r"].astype("int64").to_numpy()
    out = pd.DataFrame({"record_pk_l": np.minimum(a, b), "record_pk_r": np.maximum(a, b),
                        "match_probability": pairs["match_probability"].astype(float).to_numpy()})
    if "match_weight" in pairs.columns:
        out["match_weight"] = pairs["match_weight"].astype(float).to_numpy()
    else:
        out["match_weight"] = _logit(out["match_probability"].to_numpy()) / math.log(2)
    out["distance"] = np.abs(_logit(out["match_probability"].to_numpy()) - float(_logit(t)))
    out = out.drop_duplicates(["record_pk_l", "record_pk_r"])
    decided = _decided_keys(ws)
    if decided:
        keys = pd.MultiIndex.from_arrays([out["record_pk_l"], out["record_pk_r"]])
        out = out.loc[~keys.isin(list(decided))]
    out = out.sort_values(["distance", "record_pk_l", "record_pk_r"], kind="mergesort")
    return out.head(limit).reset_index(drop=True)


def _sex_code(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    s = str(value).strip().lower()
    if s in ("m", "male", "man", "مرد", "مذکر", "آقا", "پسر"):
        return "m"
    if s in ("f", "female", "woman", "زن", "مونث", "مؤنث", "خانم", "دختر"):
        return "f"
    return None


def _cluster_attributes(ws: Workspace, pks: list[int]) -> pd.DataFrame:
    """sex ("m"/"f"/None) and date of death (date or None) per record_pk.

    Uses the normalise stage's snapshot when present (parsed Jalali/Gregorian dates);
    otherwise reads raw records and understands only sex words and ISO dates.
    """
    norm = Path(ws.snapshots_dir) / "normalized.parquet"
    if norm.is_file():
        try:
            frame = pd.read_parquet(norm)
            cols = [c for c in ("record_pk", "sex", "sex_imputed", "dod", "dod_precision")
                    if c in frame.columns]
            frame = frame[cols]
            frame = frame.loc[frame["record_pk"].isin(pks)].copy()
            if "sex_imputed" in frame.columns:
                frame.loc[frame["sex_imputed"].fillna(False).astype(bool), "sex"] = None
            if "dod_precision" in frame.columns and "dod" in frame.columns:
                frame.loc[frame["dod_precision"] != "day", "dod"] = None
            frame["sex"] = frame.get("sex", pd.Series(None, index=frame.index)).map(_sex_code)
            frame["dod"] = pd.to_datetime(frame.get("dod", pd.Series(None, index=frame.index)),
                                          errors="coerce")
            return frame[["record_pk", "sex", "dod"]].set_index("record_pk")
        except Exception:  # noqa: BLE001 - fall back to raw records
            pass
    stmt = select(Record.id, Record.sex, Record.date_of_death).where(Record.id.in_(pks))
    with ws.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["record_pk", "sex", "dod"])
    frame["sex"] = frame["sex"].map(_sex_code)
    frame["dod"] = pd.to_datetime(frame["dod"], format="%Y-%m-%d", errors="coerce")
    return frame.set_index("record_pk")


def _bottleneck(members: list[int], edges: pd.DataFrame) -> tuple[float | None, tuple[int, int] | None]:
    """Kruskal on the cluster's internal edges, strongest first: the weakest edge that is
    still needed to hold the cluster together (None if the pairs never connect it)."""
    if len(members) < 2:
        return None, None
    parent = {m: m for m in members}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    comps = len(members)
    weakest: tuple[float, tuple[int, int]] | None = None
    for a, b, p in edges.sort_values("match_probability", ascending=False)[
            ["record_pk_l", "record_pk_r", "match_probability"]].itertuples(index=False):
        rl, rr = find(int(a)), find(int(b))
        if rl != rr:
            parent[rl] = rr
            comps -= 1
            weakest = (float(p), (int(a), int(b)))
            if comps == 1:
                break
    if comps > 1:
        return 0.0, None
    assert weakest is not None
    return weakest[0], weakest[1]


def suspicious_clusters(ws: Workspace, limit: int = 20, *, weak_probability: float | None = None,
                        date_gap_days: int = DATE_GAP_DAYS) -> list[SuspiciousCluster]:
    """Clusters from ``clusters.parquet`` that look wrong, most suspicious first.

    Reasons: ``conflicting_sex`` (reported m and f), ``dates_far_apart`` (exact dates of
    death more than ``date_gap_days`` apart), ``weak_edges`` (the cluster is held
    together by an edge weaker than ``weak_probability``, default the current
    threshold, or by no scored edge at all), ``cannot_link_violated`` (contains a pair a
    reviewer said is not a match), and ``linker:<flag>`` for flags the linkage engine put
    in clusters.parquet (e.g. ``linker:chain_split``, ``linker:large_cluster``). For each,
    the pair to show a reviewer: the weakest
    holding edge, or for a conflict the disagreeing pair with the lowest probability.
    Clusters whose pair to show has already been decided are left out.
    """
    path = Path(ws.snapshots_dir) / "clusters.parquet"
    if not path.is_file():
        raise LinkageError("no clusters in this workspace yet; run `roshan link` first")
    clusters = pd.read_parquet(path)
    cid_col = next((c for c in ("cluster_id", "victim_uid", "victim_id", "uid")
                    if c in clusters.columns), None)
    if "record_pk" not in clusters.columns or cid_col is None:
        raise LinkageError("clusters.parquet lacks record_pk / cluster_id columns")
    flags_by: dict[str, set[str]] = {}
    if "flags" in clusters.columns:  # the linker's own flags (chain_split, large_cluster, ...)
        for cid, fl in zip(clusters[cid_col], clusters["flags"], strict=False):
            if fl is not None and not isinstance(fl, float) and len(fl):
                flags_by.setdefault(str(cid), set()).update(str(f) for f in fl)
    clusters = clusters[["record_pk", cid_col]].rename(columns={cid_col: "cluster_id"})
    sizes = clusters.groupby("cluster_id")["record_pk"].transform("size")
    multi = clusters.loc[sizes > 1].copy()
    if multi.empty or limit <= 0:
        return []
    weak = current_threshold(ws) if weak_probability is None else float(weak_probability)
    multi["record_pk"] = multi["record_pk"].astype("int64")
    attrs = _cluster_attributes(ws, multi["record_pk"].tolist())
    multi = multi.join(attrs, on="record_pk")
    try:
        pairs = _read_pairs(ws, ["record_pk_l", "record_pk_r", "match_probability"])
    except LinkageError:
        pairs = pd.DataFrame(columns=["record_pk_l", "record_pk_r", "match_probability"])
    cmap = dict(zip(multi["record_pk"], multi["cluster_id"], strict=False))
    pl = pairs["record_pk_l"].map(cmap)
    pr = pairs["record_pk_r"].map(cmap)
    internal = pairs.loc[pl.notna() & (pl == pr)].copy()
    internal["cluster_id"] = pl[internal.index]
    edges_by = dict(tuple(internal.groupby("cluster_id"))) if not internal.empty else {}
    decided = _decided_keys(ws)
    _, cannot = load_constraints(ws)
    cannot_set = set(cannot)
    prob = {(min(int(a), int(b)), max(int(a), int(b))): float(p) for a, b, p in
            internal[["record_pk_l", "record_pk_r", "match_probability"]].itertuples(index=False)}
    found: list[tuple[tuple[float, ...], SuspiciousCluster]] = []
    for cid, grp in multi.groupby("cluster_id", sort=True):
        members = sorted(int(x) for x in grp["record_pk"])
        edges = edges_by.get(cid, internal.iloc[0:0])
        bott, weak_pair = _bottleneck(members, edges)
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
                conflict_pairs += [(min(x, y), max(x, y)) for x in d.index for y in d.index
                                   if x < y and abs((d[x] - d[y]).days) > date_gap_days]
        if bott is None or bott < weak:
            reasons.append("weak_edges")
        violated = [(x, y) for i, x in enumerate(members) for y in members[i + 1:]
                    if (x, y) in cannot_set]
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
        found.append((score, SuspiciousCluster(
            cluster_id=str(cid), record_pks=tuple(members), reasons=tuple(reasons),
            bottleneck_probability=None if bott is None else round(float(bott), 6),
            record_a=show[0], record_b=show[1])))
    found.sort(key=lambda t: (t[0], t[1].cluster_id))
    return [c for _, c in found[:limit]]


def review_queue(ws: Workspace, limit: int = 50, cluster_limit: int = 20) -> list[dict[str, Any]]:
    """What to put in front of a reviewer: uncertain pairs, then suspicious clusters.

    Each item is a dict with kind ("uncertain_pair"/"suspicious_cluster"), record_a,
    record_b, match_probability (None when the pair was never scored), reason,
    cluster_id and cluster_size. A pair appears once even if it is both.
    """
    items: list[dict[str, Any]] = []
    seen: set[tuple[int, int]] = set()
    pairs = uncertain_pairs(ws, limit)
    for lo, hi, p in pairs[["record_pk_l", "record_pk_r", "match_probability"]].itertuples(
            index=False):
        key = (int(lo), int(hi))
        seen.add(key)
        items.append({"kind": "uncertain_pair", "record_a": key[0], "record_b": key[1],
                      "match_probability": float(p), "reason": "near_threshold",
                      "cluster_id": None, "cluster_size": None})
    clusters_path = Path(ws.snapshots_dir) / "clusters.parquet"
    if cluster_limit > 0 and clusters_path.is_file():
        prob = {}
        sus = suspicious_clusters(ws, cluster_limit)
        if sus:
            allp = _read_pairs(ws, ["record_pk_l", "record_pk_r", "match_probability"])
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
            items.append({"kind": "suspicious_cluster", "record_a": key[0], "record_b": key[1],
                          "match_probability": prob.get(key), "reason": ";".join(c.reasons),
                          "cluster_id": c.cluster_id, "cluster_size": len(c.record_pks)})
    return items


def records_by_pk(ws: Workspace, pks: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Records (canonical fields + source name) keyed by record_pk, for display and export."""
    from roshan.canonical import FIELD_NAMES
    from roshan.store.models import Source

    wanted = sorted(set(int(p) for p in pks))
    out: dict[int, dict[str, Any]] = {}
    cols = [getattr(Record, f) for f in FIELD_NAMES]
    with ws.engine.connect() as conn:
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            stmt = (select(Record.id, Source.name, Record.row_number, *cols)
                    .join(Source, Source.id == Record.source_id).where(Record.id.in_(chunk)))
            for row in conn.execute(stmt):
                rec = {"record_pk": int(row[0]), "source": row[1], "row_number": int(row[2])}
                rec.update(dict(zip(FIELD_NAMES, row[3:], strict=False)))
                out[int(row[0])] = rec
    return out

