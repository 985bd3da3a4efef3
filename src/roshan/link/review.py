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
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from roshan.cache import SingleFlight, file_key
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
        # an UPDATE answers with a CursorResult (rowcount); Session.execute's stub says Result
        res = cast(CursorResult[Any], sess.execute(
            update(ReviewDecision)
            .where(ReviewDecision.id == row.id, ReviewDecision.version == current)
            .values(decision=decision, reviewer=reviewer[:200], decided_at=now, note=note,
                    version=current + 1)
            .execution_options(synchronize_session=False)))
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


def decision_versions(conn: Connection | Session, record_as: Iterable[int],
                      ) -> dict[tuple[int, int], tuple[int, str]]:
    """The current (version, decision) of every decided pair whose smaller record id is
    one of ``record_as``, keyed by (record_a, record_b). Pairs are stored smaller id
    first, so this reads the leading column of the pair's unique index."""
    firsts = list(record_as)
    out: dict[tuple[int, int], tuple[int, str]] = {}
    for a, b, v, d in conn.execute(select(ReviewDecision.record_a, ReviewDecision.record_b,
                                          ReviewDecision.version, ReviewDecision.decision)
                                   .where(ReviewDecision.record_a.in_(firsts))):
        out[(int(a), int(b))] = (int(v), d)
    return out


def is_decided(conn: Connection | Session, record_a: int, record_b: int) -> bool:
    """True when a decision on the pair (either order) is stored."""
    a, b = sorted((int(record_a), int(record_b)))
    return conn.execute(select(ReviewDecision.id).where(
        ReviewDecision.record_a == a, ReviewDecision.record_b == b)).first() is not None


@dataclass(frozen=True)
class DecisionEntry:
    """A stored decision, without its note (notes may hold names)."""

    record_a: int
    record_b: int
    decision: str
    reviewer: str
    decided_at: datetime | None
    version: int


def decisions_touching(conn: Connection | Session, record_pks: Iterable[int]) -> list[DecisionEntry]:
    """The decisions on pairs that include any of ``record_pks``, oldest first."""
    pks = list(record_pks)
    if not pks:
        return []
    rows = conn.execute(select(ReviewDecision.record_a, ReviewDecision.record_b,
                               ReviewDecision.decision, ReviewDecision.reviewer,
                               ReviewDecision.decided_at, ReviewDecision.version)
                        .where(or_(ReviewDecision.record_a.in_(pks),
                                   ReviewDecision.record_b.in_(pks)))
                        .order_by(ReviewDecision.decided_at))
    return [DecisionEntry(*r) for r in rows]


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
    with _reader(ws) as conn:
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


def _reader(ws: Workspace) -> Any:
    """A read-only connection that does not take SQLite's write lock (see roshan.web.db)."""
    return ws.engine.connect().execution_options(sqlite_deferred=True)


# ----------------------------------------------------------------------------- caches
#
# The review queue is asked for by every reviewer, often; what it is built from changes
# only when `roshan link` (or normalise) rewrites a snapshot. So the expensive part —
# reading pairs.parquet / clusters.parquet and analysing every cluster — is computed once
# per version of those files (keyed by path, inode, size and mtime/ctime in ns, plus the
# threshold) and kept in this process (roshan.cache); what changes often (reviewers'
# decisions and cannot-link rules) is applied to the cached result at query time, cheaply.


_UNCERTAIN_CACHE = SingleFlight()
_SUSPICIOUS_CACHE = SingleFlight()


def clear_review_caches() -> None:
    """Forget cached queue analyses (they are also replaced whenever a snapshot changes)."""
    _UNCERTAIN_CACHE.clear()
    _SUSPICIOUS_CACHE.clear()
    _DECISIONS_CACHE.clear()
    _CHECK_CACHE.clear()


def read_pairs(ws: Workspace, columns: list[str] | None = None,
                optional: tuple[str, ...] = ()) -> pd.DataFrame:
    """pairs.parquet (``columns`` only, plus those of ``optional`` that exist)."""
    path = Path(ws.snapshots_dir) / "pairs.parquet"
    if not path.is_file():
        raise LinkageError("no pairwise predictions in this workspace yet; run `roshan link` first")
    try:
        if optional:
            import pyarrow.parquet as pq

            have = set(pq.read_schema(path).names)
            columns = list(columns or []) + [c for c in optional if c in have]
        frame = pd.read_parquet(path, columns=columns)
    except Exception as exc:  # pyarrow raises many types for damaged files
        raise LinkageError(f"cannot read {path.name}: {str(exc).splitlines()[0][:160]}") from exc
    needed = {"record_pk_l", "record_pk_r", "match_probability"}
    if not needed.issubset(frame.columns):
        raise LinkageError(f"{path.name} lacks columns {sorted(needed - set(frame.columns))}")
    return frame


def _decided_keys(ws: Workspace) -> set[tuple[int, int]]:
    with _reader(ws) as conn:
        return {(int(a), int(b)) for a, b in
                conn.execute(select(ReviewDecision.record_a, ReviewDecision.record_b))}


def _pair_key(lo: Any, hi: Any) -> np.ndarray:
    """One int64 per pair of record ids (ids are below 2**31 in the store)."""
    return (np.asarray(lo, dtype="int64") << 32) | np.asarray(hi, dtype="int64")


class _Decisions:
    """Reviewers' decisions as the queue needs them: every decided pair (as sorted int64
    keys, pairs as stored) and the cannot-link pairs (smaller id first, sorted)."""

    def __init__(self, a: np.ndarray, b: np.ndarray, non_match: np.ndarray) -> None:
        self.keys = np.unique(_pair_key(a, b))
        lo, hi = np.minimum(a, b)[non_match], np.maximum(a, b)[non_match]
        self.cannot = sorted(zip(lo.tolist(), hi.tolist(), strict=True))
        self._violated: dict[int, tuple[Any, dict[int, tuple[int, int]]]] = {}

    def __len__(self) -> int:
        return len(self.keys)

    def contains(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """Which of these pairs are decided (a boolean array)."""
        if not len(self.keys) or not len(lo):
            return np.zeros(len(lo), dtype=bool)
        q = _pair_key(lo, hi)
        i = np.minimum(np.searchsorted(self.keys, q), len(self.keys) - 1)
        return self.keys[i] == q  # keys are sorted and unique: no np.isin re-sorting

    def violated(self, base: _SuspiciousBase) -> dict[int, tuple[int, int]]:
        """Clusters of ``base`` that join a cannot-link pair: code -> the smallest such pair
        (computed once per decisions × analysis)."""
        memo = self._violated.get(id(base))
        if memo is not None and memo[0] is base:
            return memo[1]
        out: dict[int, tuple[int, int]] = {}
        if self.cannot:
            rules = pd.DataFrame(self.cannot, columns=["a", "b"])
            rc = base.record_codes
            hit = rules.merge(rc.rename(columns={"record_pk": "a", "code": "ca"}), on="a").merge(
                rc.rename(columns={"record_pk": "b", "code": "cb"}), on="b")
            hit = hit.loc[hit["ca"] == hit["cb"]]
            for c, a, b in sorted(zip(hit["ca"].tolist(), hit["a"].tolist(),
                                      hit["b"].tolist(), strict=True)):
                out.setdefault(int(c), (int(a), int(b)))
        self._violated = {id(base): (base, out)}
        return out


_DECISIONS_CACHE = SingleFlight()


def _decisions(ws: Workspace) -> _Decisions:
    """The current decisions, re-read only when they changed.

    The check is one aggregate query (count, largest id, sum of versions: a new decision
    changes the first two, a changed one bumps its version), so a queue request does not
    read every decision again, and fifty requests after a change share one re-read.
    """
    from sqlalchemy import func

    with _reader(ws) as conn:
        sig = tuple(conn.execute(select(func.count(ReviewDecision.id), func.max(ReviewDecision.id),
                                        func.sum(ReviewDecision.version))).one())

    def load() -> _Decisions:
        with _reader(ws) as conn:
            rows = conn.execute(select(ReviewDecision.record_a, ReviewDecision.record_b,
                                       ReviewDecision.decision)).all()
        cols = list(zip(*rows, strict=True)) if rows else [(), (), ()]
        return _Decisions(np.array(cols[0], dtype="int64"), np.array(cols[1], dtype="int64"),
                          np.array([d == NON_MATCH for d in cols[2]], dtype=bool))

    slot = (str(getattr(ws, "root", "")), str(ws.engine.url))
    return _DECISIONS_CACHE.get((slot, sig), load)


_UNCERTAIN_COLUMNS = ["record_pk_l", "record_pk_r", "match_probability", "match_weight",
                      "distance"]


def _uncertain_ranked(ws: Workspace, t: float, band: tuple[float, float]) -> pd.DataFrame:
    """Every pair inside ``band``, deduplicated and ranked (cached per pairs.parquet)."""
    path = Path(ws.snapshots_dir) / "pairs.parquet"
    key = file_key(path)
    if key is None:
        raise LinkageError("no pairwise predictions in this workspace yet; run `roshan link` first")

    def compute() -> pd.DataFrame:
        pairs = read_pairs(ws, ["record_pk_l", "record_pk_r", "match_probability"],
                            optional=("match_weight",))
        lo, hi = band
        p = pairs["match_probability"].astype(float)
        pairs = pairs.loc[(p >= lo) & (p <= hi)]
        a = pairs["record_pk_l"].astype("int64").to_numpy()
        b = pairs["record_pk_r"].astype("int64").to_numpy()
        out = pd.DataFrame({"record_pk_l": np.minimum(a, b), "record_pk_r": np.maximum(a, b),
                            "match_probability": pairs["match_probability"].astype(float)
                            .to_numpy()})
        if "match_weight" in pairs.columns:
            out["match_weight"] = pairs["match_weight"].astype(float).to_numpy()
        else:
            out["match_weight"] = _logit(out["match_probability"].to_numpy()) / math.log(2)
        out["distance"] = np.abs(_logit(out["match_probability"].to_numpy()) - float(_logit(t)))
        out = out.drop_duplicates(["record_pk_l", "record_pk_r"])
        # A stable sort, so ranking first and leaving out decided pairs afterwards gives the
        # same order as leaving them out first.
        out = out.sort_values(["distance", "record_pk_l", "record_pk_r"], kind="mergesort")
        return out.reset_index(drop=True)

    slot = (str(path), float(t), (float(band[0]), float(band[1])))
    return _UNCERTAIN_CACHE.get((slot, key), compute)


def _uncertain(ws: Workspace, limit: int, threshold: float | None, band: tuple[float, float],
               decided: _Decisions | None) -> pd.DataFrame:
    if limit <= 0:
        return pd.DataFrame(columns=_UNCERTAIN_COLUMNS)
    t = current_threshold(ws) if threshold is None else float(threshold)
    ranked = _uncertain_ranked(ws, t, band)
    if decided is None:
        decided = _decisions(ws)
    if len(decided):
        # at most len(decided) of the first limit + len(decided) rows can be left out
        head = ranked.iloc[:limit + len(decided)]
        head = head.loc[~decided.contains(head["record_pk_l"].to_numpy(),
                                          head["record_pk_r"].to_numpy())]
    else:
        head = ranked
    return head.head(limit).reset_index(drop=True).copy()


def uncertain_pairs(ws: Workspace, limit: int = 50, *, threshold: float | None = None,
                    band: tuple[float, float] = DEFAULT_BAND) -> pd.DataFrame:
    """The ``limit`` most uncertain, not yet decided pairs from ``pairs.parquet``.

    Uncertainty is closeness to the clustering threshold in log-odds (match weight)
    terms, so 0.45 vs 0.55 around 0.5 rank alike and 0.999 is far from everything.
    Only pairs with a probability inside ``band`` are candidates. Returns columns
    record_pk_l < record_pk_r, match_probability, match_weight, distance (|logit p −
    logit threshold|, smaller = more uncertain), most uncertain first; ties broken by
    record ids so the order is reproducible. The ranking is computed once per version
    of pairs.parquet (and threshold) in this process; decided pairs are left out at
    each call.
    """
    return _uncertain(ws, limit, threshold, band, None)


def _sex_code(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    s = str(value).strip().lower()
    if s in ("m", "male", "man", "مرد", "مذکر", "آقا", "پسر"):
        return "m"
    if s in ("f", "female", "woman", "زن", "مونث", "مؤنث", "خانم", "دختر"):
        return "f"
    return None


def _sex_codes(values: pd.Series) -> pd.Series:
    """:func:`_sex_code` of each value, computed once per distinct value."""
    uniq = pd.unique(values.to_numpy(dtype=object))
    table = {v: _sex_code(v) for v in uniq if not (isinstance(v, float) and math.isnan(v))}
    return values.map(lambda v: table.get(v) if not (isinstance(v, float) and math.isnan(v))
                      else None)


def _normalized_path(ws: Workspace) -> Path:
    return Path(ws.snapshots_dir) / "normalized.parquet"


def _cluster_attributes(ws: Workspace, pks: list[int]) -> pd.DataFrame:
    """sex ("m"/"f"/None) and date of death (date or None) per record_pk.

    Uses the normalise stage's snapshot when present (parsed Jalali/Gregorian dates);
    otherwise reads raw records and understands only sex words and ISO dates.
    """
    norm = _normalized_path(ws)
    if norm.is_file():
        try:
            import pyarrow.parquet as pq

            have = set(pq.read_schema(norm).names)
            cols = [c for c in ("record_pk", "sex", "sex_imputed", "dod", "dod_precision")
                    if c in have]
            frame = pd.read_parquet(norm, columns=cols)
            frame = frame.loc[frame["record_pk"].isin(pks)].copy()
            if "sex_imputed" in frame.columns:
                frame.loc[frame["sex_imputed"].fillna(False).astype(bool), "sex"] = None
            if "dod_precision" in frame.columns and "dod" in frame.columns:
                frame.loc[frame["dod_precision"] != "day", "dod"] = None
            frame["sex"] = _sex_codes(frame.get("sex", pd.Series(None, index=frame.index,
                                                                  dtype=object)))
            frame["dod"] = pd.to_datetime(frame.get("dod", pd.Series(None, index=frame.index)),
                                          errors="coerce")
            return frame[["record_pk", "sex", "dod"]].set_index("record_pk")
        except Exception:  # noqa: BLE001 - fall back to raw records
            pass
    rows: list[Any] = []
    wanted = list(pks)
    with _reader(ws) as conn:
        for i in range(0, len(wanted), 20_000):
            stmt = select(Record.id, Record.sex, Record.date_of_death).where(
                Record.id.in_(wanted[i:i + 20_000]))
            rows.extend(conn.execute(stmt).all())
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["record_pk", "sex", "dod"])
    frame["sex"] = _sex_codes(frame["sex"])
    frame["dod"] = pd.to_datetime(frame["dod"], format="%Y-%m-%d", errors="coerce")
    return frame.set_index("record_pk")


def _attributes_key(ws: Workspace) -> tuple[Any, ...]:
    """What the cluster attributes depend on: normalized.parquet, else the records."""
    key = file_key(_normalized_path(ws))
    if key is not None:
        return key
    with _reader(ws) as conn:
        from sqlalchemy import func

        n, top = conn.execute(select(func.count(Record.id), func.max(Record.id))).one()
    return ("records", int(n or 0), int(top or 0))


def _bottleneck(members: list[int], edges: pd.DataFrame) -> tuple[float | None, tuple[int, int] | None]:
    """Kruskal on the cluster's internal edges, strongest first: the weakest edge that is
    still needed to hold the cluster together (None if the pairs never connect it)."""
    ordered = edges.sort_values("match_probability", ascending=False)
    return _weakest_holding_edge(members, ordered["record_pk_l"].to_numpy(),
                                 ordered["record_pk_r"].to_numpy(),
                                 ordered["match_probability"].to_numpy(), range(len(ordered)))


def _descending_order(p: np.ndarray) -> np.ndarray:
    """The row order of ``DataFrame.sort_values(col, ascending=False)`` (default quicksort,
    which is not stable) for a column without NaN: what pandas' ``nargsort`` does."""
    idx = np.arange(len(p))
    non_nans = p[np.ones(len(p), dtype=bool)]
    return idx[::-1][non_nans[::-1].argsort(kind="quicksort")][::-1]


def _bottleneck_sorted(members: list[int], lefts: np.ndarray, rights: np.ndarray,
                       probs: np.ndarray) -> tuple[float | None, tuple[int, int] | None]:
    """:func:`_bottleneck` on plain arrays (no NaN, no repeated member), visiting edges of
    equal probability in the same order as pandas' sort does, without building a frame."""
    return _weakest_holding_edge(members, lefts, rights, probs,
                                 _descending_order(probs).tolist())


def _weakest_holding_edge(members: list[int], lefts: np.ndarray, rights: np.ndarray,
                          probs: np.ndarray, order: Any,
                          ) -> tuple[float | None, tuple[int, int] | None]:
    """Union the members along the edges in ``order`` (strongest first); the last edge
    that joined two parts is the weakest one holding the cluster. ``(0.0, None)`` if the
    edges never connect all members; ``(None, None)`` for fewer than two members."""
    if len(members) < 2:
        return None, None
    parent = {m: m for m in members}
    comps = len(members)
    weakest: tuple[float, tuple[int, int]] | None = None
    ls, rs, ps = lefts.tolist(), rights.tolist(), probs.tolist()
    for i in order:
        a, b = int(ls[i]), int(rs[i])
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        while parent[b] != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        if a != b:
            parent[a] = b
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
class _SuspiciousBase:
    """Everything about the clusters that does not depend on reviewers' decisions.

    Clusters are numbered 0..n-1 ("codes") in sorted cluster-id order; per-cluster facts
    are arrays indexed by code (compact: a 1M-record workspace has ~400k clusters).
    ``ranked`` are the codes that are suspicious without any cannot-link rule, most
    suspicious first.
    """

    cluster_ids: np.ndarray         # code -> the cluster id as stored
    members_pk: np.ndarray          # record_pks sorted by (code, record_pk)
    offsets: np.ndarray             # members of code c: members_pk[offsets[c]:offsets[c + 1]]
    bott: np.ndarray                # the weakest edge holding the cluster together (0: none)
    reason_bits: np.ndarray         # _SEX | _DATES | _WEAK
    flag_reasons: dict[int, tuple[str, ...]]  # code -> ("linker:<flag>", ...)
    show_a: np.ndarray              # the pair to show when no cannot-link rule is broken
    show_b: np.ndarray
    ranked: np.ndarray              # int64 codes
    record_codes: pd.DataFrame      # record_pk, code (for cannot-link rules)
    prob_keys: np.ndarray           # scored pairs inside clusters, sorted _pair_key values
    prob_values: np.ndarray

    @property
    def n(self) -> int:
        return len(self.cluster_ids)

    def members(self, code: int) -> tuple[int, ...]:
        return tuple(int(x) for x in self.members_pk[self.offsets[code]:self.offsets[code + 1]])

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
        key = _pair_key(np.array([a]), np.array([b]))[0]
        i = int(np.searchsorted(self.prob_keys, key))
        if i < len(self.prob_keys) and self.prob_keys[i] == key:
            return float(self.prob_values[i])
        return None


def _empty_base() -> _SuspiciousBase:
    empty = np.zeros(0, dtype="int64")
    return _SuspiciousBase(np.zeros(0, dtype=object), empty, np.zeros(1, dtype="int64"),
                           np.zeros(0), np.zeros(0, dtype="int8"), {}, empty, empty, empty,
                           pd.DataFrame({"record_pk": empty, "code": empty}), empty,
                           np.zeros(0))


def _read_clusters(path: Path) -> tuple[pd.DataFrame, str]:
    clusters = pd.read_parquet(path)
    cid_col = next((c for c in ("cluster_id", "victim_uid", "victim_id", "uid")
                    if c in clusters.columns), None)
    if "record_pk" not in clusters.columns or cid_col is None:
        raise LinkageError("clusters.parquet lacks record_pk / cluster_id columns")
    return clusters, cid_col


def _conflict_shows(multi: pd.DataFrame, sex_codes: np.ndarray, date_codes: np.ndarray,
                    prob_frame: pd.DataFrame, date_gap_days: int) -> dict[int, tuple[int, int]]:
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
        sex_bad = (((sx == "m") & (sy == "f")) | ((sx == "f") & (sy == "m")))
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
        for c, a, b in zip(bad["code"].tolist(), bad["a"].tolist(), bad["b"].tolist(),
                           strict=True):
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


def _compute_suspicious_base(ws: Workspace, path: Path, weak: float,
                             date_gap_days: int) -> _SuspiciousBase:
    clusters, cid_col = _read_clusters(path)
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
    attrs = _cluster_attributes(ws, multi["record_pk"].tolist())
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

    # Bottleneck (Kruskal, strongest edge first) for every cluster in one pass.
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
            members = [int(x) for x in members_pk[offsets[c]:offsets[c + 1]]]
            rows = by_code[starts[c]:starts[c + 1]]
            if plain[c]:
                b_, pair = _bottleneck_sorted(members, e_l[rows], e_r[rows], p_raw[rows])
            else:
                b_, pair = _bottleneck(members, internal.iloc[rows])
            bott[c] = 0.0 if b_ is None else b_
            weak_l[c], weak_r[c] = (pair if pair is not None else (-1, -1))

    prob_frame = pd.DataFrame({"a": e_lo, "b": e_hi, "p": e_p}).drop_duplicates(
        ["a", "b"], keep="last")
    conflict_show = _conflict_shows(multi, np.flatnonzero(conflicting_sex),
                                    np.flatnonzero(dates_far), prob_frame, date_gap_days)

    bits = (np.where(conflicting_sex, _SEX, 0) | np.where(dates_far, _DATES, 0)
            | np.where(bott < weak, _WEAK, 0)).astype("int8")
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
    keys = _pair_key(prob_frame["a"].to_numpy(), prob_frame["b"].to_numpy())
    korder = np.argsort(keys, kind="stable")
    base = _SuspiciousBase(cluster_ids=np.asarray(cluster_ids, dtype=object),
                           members_pk=members_pk, offsets=offsets, bott=bott.astype(float),
                           reason_bits=bits, flag_reasons=flag_reasons, show_a=show_a,
                           show_b=show_b, ranked=np.zeros(0, dtype="int64"),
                           record_codes=pd.DataFrame({"record_pk": pk,
                                                      "code": codes.astype("int64")}),
                           prob_keys=keys[korder],
                           prob_values=prob_frame["p"].to_numpy(dtype=float)[korder])
    n_reasons = np.array([bin(b).count("1") for b in range(8)])[bits]
    for c in flag_reasons:
        n_reasons[c] += len(flag_reasons[c])
    candidates = np.flatnonzero(n_reasons > 0).tolist()
    base.ranked = np.array(sorted(candidates, key=lambda c: base.order_key(c, int(n_reasons[c]))),
                           dtype="int64")
    return base


def _suspicious_base(ws: Workspace, weak: float, date_gap_days: int) -> _SuspiciousBase:
    path = Path(ws.snapshots_dir) / "clusters.parquet"
    slot = (str(path), float(weak), int(date_gap_days))
    version = (file_key(path), file_key(Path(ws.snapshots_dir) / "pairs.parquet"),
               _attributes_key(ws))
    return _SUSPICIOUS_CACHE.get(
        (slot, version), lambda: _compute_suspicious_base(ws, path, weak, date_gap_days))


def _suspicious(ws: Workspace, limit: int, weak_probability: float | None, date_gap_days: int,
                decisions: _Decisions | None = None
                ) -> tuple[list[SuspiciousCluster], _SuspiciousBase | None]:
    path = Path(ws.snapshots_dir) / "clusters.parquet"
    if not path.is_file():
        raise LinkageError("no clusters in this workspace yet; run `roshan link` first")
    if limit <= 0:
        _read_clusters(path)  # still refuse a clusters.parquet without the columns
        return [], None
    weak = current_threshold(ws) if weak_probability is None else float(weak_probability)
    base = _suspicious_base(ws, weak, date_gap_days)
    if base.n == 0:
        return [], base
    decided = _decisions(ws) if decisions is None else decisions
    # Cannot-link rules broken by a cluster: the smallest such pair is the one to show.
    violated = decided.violated(base)
    chosen: list[tuple[Any, int, tuple[str, ...], tuple[int, int]]] = []
    ranked = base.ranked
    if len(decided):  # leave out clusters whose pair to show was decided
        ranked = ranked[~decided.contains(base.show_a[ranked], base.show_b[ranked])]
    for c in ranked.tolist():
        if len(chosen) >= limit:
            break
        if c in violated:
            continue
        reasons = base.reasons(c)
        chosen.append((base.order_key(c, len(reasons)), c, reasons, base.show(c)))
    for c, pair in violated.items():
        reasons = base.reasons(c, violated=True)
        chosen.append((base.order_key(c, len(reasons)), c, reasons, pair))
    chosen.sort(key=lambda t: t[0])
    out = [SuspiciousCluster(
        cluster_id=str(base.cluster_ids[c]), record_pks=base.members(c), reasons=reasons,
        bottleneck_probability=round(float(base.bott[c]), 6), record_a=pair[0],
        record_b=pair[1]) for _, c, reasons, pair in chosen[:limit]]
    return out, base


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

    The analysis of the clusters is vectorised and computed once per version of
    clusters.parquet, pairs.parquet and normalized.parquet (and threshold) in this
    process, at most one computation at a time per version; reviewers' decisions and
    cannot-link rules are applied to it at each call.
    """
    return _suspicious(ws, limit, weak_probability, date_gap_days)[0]


IN_DOUBT = ("failed", "repaired")
"""Health verdicts under which the review queue starts with the model-check pairs."""


def latest_health(ws: Workspace) -> str | None:
    """The health verdict of the latest finished link run (None: not checked)."""
    stmt = select(LinkRun.health_verdict).where(LinkRun.status == "done") \
        .order_by(LinkRun.id.desc()).limit(1)
    with _reader(ws) as conn:
        return conn.execute(stmt).scalar()


_CHECK_CACHE = SingleFlight()


def _model_check_pairs(ws: Workspace, limit: int, decided: _Decisions) -> pd.DataFrame:
    """Undecided model-check pairs (at most ``limit``) when the model is in doubt."""
    cols = ["record_pk_l", "record_pk_r", "match_probability", "combination"]
    empty = pd.DataFrame({c: [] for c in cols})
    path = Path(ws.snapshots_dir) / "check_pairs.parquet"
    key = file_key(path)
    if limit <= 0 or key is None or latest_health(ws) not in IN_DOUBT:
        return empty
    ranked = _CHECK_CACHE.get((str(path), key), lambda: pd.read_parquet(path, columns=cols))
    if ranked.empty:
        return empty
    head = ranked.iloc[:limit + len(decided)]
    if len(decided):
        head = head.loc[~decided.contains(head["record_pk_l"].astype("int64").to_numpy(),
                                          head["record_pk_r"].astype("int64").to_numpy())]
    return head.head(limit).reset_index(drop=True)


def review_queue(ws: Workspace, limit: int = 50, cluster_limit: int = 20) -> list[dict[str, Any]]:
    """What to put in front of a reviewer: uncertain pairs, then suspicious clusters.

    When the latest link run's health verdict is ``failed`` or ``repaired``, the
    model-check pairs come first (kind "model_check", reason "model_check:fa-latin").
    Each item is a dict with kind ("model_check"/"uncertain_pair"/"suspicious_cluster"), record_a,
    record_b, match_probability (None when the pair was never scored), reason,
    cluster_id and cluster_size. A pair appears once even if it is both.
    """
    items: list[dict[str, Any]] = []
    seen: set[tuple[int, int]] = set()
    decisions = _decisions(ws)
    t = current_threshold(ws)
    # When the model's health check did not pass cleanly, the pairs that inform the
    # model most come first: sure matches it does not link, worst script combination
    # first (roshan.link.core.check_pairs). A confirmed match retrains m.
    checks = _model_check_pairs(ws, limit, decisions)
    for lo, hi, p, combo in checks.itertuples(index=False):
        key = (int(lo), int(hi))
        seen.add(key)
        items.append({"kind": "model_check", "record_a": key[0], "record_b": key[1],
                      "match_probability": float(p),
                      "reason": f"model_check:{combo}",
                      "cluster_id": None, "cluster_size": None})
    limit = max(0, limit - len(checks))
    pairs = _uncertain(ws, limit, t, DEFAULT_BAND, decisions)
    for lo, hi, p in pairs[["record_pk_l", "record_pk_r", "match_probability"]].itertuples(
            index=False):
        key = (int(lo), int(hi))
        seen.add(key)
        items.append({"kind": "uncertain_pair", "record_a": key[0], "record_b": key[1],
                      "match_probability": float(p), "reason": "near_threshold",
                      "cluster_id": None, "cluster_size": None})
    clusters_path = Path(ws.snapshots_dir) / "clusters.parquet"
    if cluster_limit > 0 and clusters_path.is_file():
        sus, base = _suspicious(ws, cluster_limit, t, DATE_GAP_DAYS, decisions)
        # every pair shown for a cluster lies inside it, so its score (if any) is in base
        for c in sus:
            key = (c.record_a, c.record_b)
            if key in seen:
                continue
            seen.add(key)
            items.append({"kind": "suspicious_cluster", "record_a": key[0], "record_b": key[1],
                          "match_probability": None if base is None else base.probability(*key),
                          "reason": ";".join(c.reasons),
                          "cluster_id": c.cluster_id, "cluster_size": len(c.record_pks)})
    return items


def warm_review_cache(ws: Workspace) -> bool:
    """Compute the review queue's analysis of the current snapshots now (``roshan serve``
    runs this in a background thread at start, so the first reviewer does not wait).
    Returns False, quietly, when there is nothing to analyse yet or it fails; a real
    request will then report the error."""
    try:
        review_queue(ws, limit=1, cluster_limit=1)
    except Exception:  # noqa: BLE001 - a warm-up must never stop the server
        return False
    return True


def records_by_pk(ws: Workspace, pks: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Records (canonical fields + source name) keyed by record_pk, for display and export."""
    from roshan.canonical import FIELD_NAMES
    from roshan.store.models import Source

    wanted = sorted(set(int(p) for p in pks))
    out: dict[int, dict[str, Any]] = {}
    cols = [getattr(Record, f) for f in FIELD_NAMES]
    with _reader(ws) as conn:
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            stmt = (select(Record.id, Source.name, Record.row_number, *cols)
                    .join(Source, Source.id == Record.source_id).where(Record.id.in_(chunk)))
            for row in conn.execute(stmt):
                rec = {"record_pk": int(row[0]), "source": row[1], "row_number": int(row[2])}
                rec.update(dict(zip(FIELD_NAMES, row[3:], strict=False)))
                out[int(row[0])] = rec
    return out

