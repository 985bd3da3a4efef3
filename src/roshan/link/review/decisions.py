"""Reviewers' decisions on pairs of records: stored once per pair, with optimistic locking.

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

:func:`decided_pairs` gives the review queue every decided pair at once, re-read only
when a decision changed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from roshan.cache import SingleFlight
from roshan.errors import LinkageError
from roshan.link.review.reading import reader
from roshan.store.audit import record_event
from roshan.store.models import Record, ReviewDecision, utcnow
from roshan.store.workspace import Workspace

MATCH = "match"
NON_MATCH = "non_match"
UNSURE = "unsure"
DECISIONS: tuple[str, ...] = (MATCH, NON_MATCH, UNSURE)

# Words a reviewer may type (in a spreadsheet or at the prompt) for each decision.
_WORDS: dict[str, str] = {}
for _word in (
    "match",
    "m",
    "y",
    "yes",
    "same",
    "1",
    "true",
    "بله",
    "آره",
    "اره",
    "بلی",
    "یکی",
    "یکسان",
    "same person",
):
    _WORDS[_word] = MATCH
for _word in (
    "non_match",
    "non-match",
    "nonmatch",
    "non match",
    "no match",
    "not a match",
    "not_match",
    "n",
    "no",
    "different",
    "0",
    "false",
    "خیر",
    "نه",
    "متفاوت",
):
    _WORDS[_word] = NON_MATCH
for _word in (
    "unsure",
    "u",
    "?",
    "maybe",
    "unknown",
    "not sure",
    "نامطمئن",
    "نامعلوم",
    "مطمئن نیستم",
    "شاید",
):
    _WORDS[_word] = UNSURE


class ReviewConflictError(LinkageError):
    """Someone else changed this pair's decision after you read it (optimistic locking)."""


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
    raise ValueError(
        f"unknown decision {str(text).strip()[:40]!r} "
        "(use match/non_match/unsure, y/n/?, or بله/خیر/نامطمئن)"
    )


def ordered_pair(record_a: int, record_b: int) -> tuple[int, int]:
    """The pair as stored: smaller record_pk first. Refuses a record paired with itself."""
    a, b = int(record_a), int(record_b)
    if a == b:
        raise LinkageError(f"a record cannot be reviewed against itself (record {a})")
    return (a, b) if a < b else (b, a)


def ordered_pairs(left: pd.Series, right: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`ordered_pair` for columns of record ids: the pairs as int64 arrays,
    smaller id first (no check for a record paired with itself)."""
    a = left.astype("int64").to_numpy()
    b = right.astype("int64").to_numpy()
    return np.minimum(a, b), np.maximum(a, b)


def _check_records(sess: Session, pks: Iterable[int]) -> None:
    wanted = sorted(set(int(p) for p in pks))
    found: set[int] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        found.update(int(r) for r in sess.scalars(select(Record.id).where(Record.id.in_(chunk))))
    missing = [p for p in wanted if p not in found]
    if missing:
        shown = ", ".join(str(m) for m in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        raise LinkageError(f"unknown record id(s) in this workspace: {shown}{more}")


def decide_in_session(
    sess: Session,
    record_a: int,
    record_b: int,
    decision: str,
    reviewer: str,
    *,
    expected_version: int | None = None,
    note: str | None = None,
    via: str = "api",
) -> ReviewDecision:
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
    row = sess.scalars(
        select(ReviewDecision).where(ReviewDecision.record_a == a, ReviewDecision.record_b == b)
    ).first()
    now = utcnow()
    if row is None:
        if expected_version not in (None, 0):
            raise ReviewConflictError(
                f"pair {a}-{b}: expected decision version {expected_version} but the pair "
                "has no decision (was it removed?)"
            )
        _check_records(sess, (a, b))
        row = ReviewDecision(
            record_a=a,
            record_b=b,
            decision=decision,
            reviewer=reviewer[:200],
            decided_at=now,
            note=note,
            version=1,
        )
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
                f"{expected_version}, it is now {current}); reload and decide again"
            )
        previous = row.decision
        # an UPDATE answers with a CursorResult (rowcount); Session.execute's stub says Result
        res = cast(
            CursorResult[Any],
            sess.execute(
                update(ReviewDecision)
                .where(ReviewDecision.id == row.id, ReviewDecision.version == current)
                .values(
                    decision=decision,
                    reviewer=reviewer[:200],
                    decided_at=now,
                    note=note,
                    version=current + 1,
                )
                .execution_options(synchronize_session=False)
            ),
        )
        if res.rowcount != 1:
            raise ReviewConflictError(
                f"pair {a}-{b} was changed by someone else while saving; reload and retry"
            )
        sess.expire(row)
        sess.refresh(row)
    record_event(
        sess,
        reviewer[:200],
        "review.decide",
        "record_pair",
        f"{a}-{b}",
        {
            "decision": decision,
            "previous": previous,
            "version": int(row.version),
            "via": via,
            "has_note": bool(note),
        },
    )
    return row


def record_decision(
    ws: Workspace,
    record_a: int,
    record_b: int,
    decision: str,
    reviewer: str,
    *,
    expected_version: int | None = None,
    note: str | None = None,
) -> ReviewDecision:
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
        row = decide_in_session(
            sess, record_a, record_b, parsed, reviewer, expected_version=expected_version, note=note
        )
        sess.flush()
        sess.expunge(row)
    return row


def get_decision(ws: Workspace, record_a: int, record_b: int) -> ReviewDecision | None:
    """The stored decision on a pair (either order), or ``None``."""
    a, b = ordered_pair(record_a, record_b)
    with ws.session() as sess:
        row = sess.scalars(
            select(ReviewDecision).where(ReviewDecision.record_a == a, ReviewDecision.record_b == b)
        ).first()
        if row is not None:
            sess.expunge(row)
    return row


# A stored decision without its note (notes may hold names): the columns of
# decisions_frame and of DecisionEntry, in that order.
_ENTRY_COLUMNS = (
    ReviewDecision.record_a,
    ReviewDecision.record_b,
    ReviewDecision.decision,
    ReviewDecision.reviewer,
    ReviewDecision.decided_at,
    ReviewDecision.version,
)


def decisions_frame(ws: Workspace) -> pd.DataFrame:
    """Every stored decision (training labels): record_a, record_b, decision, reviewer,
    decided_at, version — ordered by pair. Notes are left out (they may hold names)."""
    cols = ["record_a", "record_b", "decision", "reviewer", "decided_at", "version"]
    stmt = select(*_ENTRY_COLUMNS).order_by(ReviewDecision.record_a, ReviewDecision.record_b)
    with ws.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=cols)


def decision_versions(
    conn: Connection | Session,
    record_as: Iterable[int],
) -> dict[tuple[int, int], tuple[int, str]]:
    """The current (version, decision) of every decided pair whose smaller record id is
    one of ``record_as``, keyed by (record_a, record_b). Pairs are stored smaller id
    first, so this reads the leading column of the pair's unique index."""
    firsts = list(record_as)
    out: dict[tuple[int, int], tuple[int, str]] = {}
    for a, b, v, d in conn.execute(
        select(
            ReviewDecision.record_a,
            ReviewDecision.record_b,
            ReviewDecision.version,
            ReviewDecision.decision,
        ).where(ReviewDecision.record_a.in_(firsts))
    ):
        out[(int(a), int(b))] = (int(v), d)
    return out


def is_decided(conn: Connection | Session, record_a: int, record_b: int) -> bool:
    """True when a decision on the pair (either order) is stored."""
    a, b = sorted((int(record_a), int(record_b)))
    return (
        conn.execute(
            select(ReviewDecision.id).where(
                ReviewDecision.record_a == a, ReviewDecision.record_b == b
            )
        ).first()
        is not None
    )


@dataclass(frozen=True)
class DecisionEntry:
    """A stored decision, without its note (notes may hold names)."""

    record_a: int
    record_b: int
    decision: str
    reviewer: str
    decided_at: datetime | None
    version: int


def decisions_touching(
    conn: Connection | Session, record_pks: Iterable[int]
) -> list[DecisionEntry]:
    """The decisions on pairs that include any of ``record_pks``, oldest first."""
    pks = list(record_pks)
    if not pks:
        return []
    rows = conn.execute(
        select(*_ENTRY_COLUMNS)
        .where(or_(ReviewDecision.record_a.in_(pks), ReviewDecision.record_b.in_(pks)))
        .order_by(ReviewDecision.decided_at)
    )
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


def _decided_keys(ws: Workspace) -> set[tuple[int, int]]:
    with reader(ws) as conn:
        return {
            (int(a), int(b))
            for a, b in conn.execute(select(ReviewDecision.record_a, ReviewDecision.record_b))
        }


def pair_key(lo: Any, hi: Any) -> np.ndarray:
    """One int64 per pair of record ids (ids are below 2**31 in the store)."""
    return (np.asarray(lo, dtype="int64") << 32) | np.asarray(hi, dtype="int64")


class DecidedPairs:
    """Reviewers' decisions as the queue needs them: every decided pair (as sorted int64
    keys, pairs as stored) and the cannot-link pairs (smaller id first, sorted)."""

    def __init__(self, a: np.ndarray, b: np.ndarray, non_match: np.ndarray) -> None:
        self.keys = np.unique(pair_key(a, b))
        lo, hi = np.minimum(a, b)[non_match], np.maximum(a, b)[non_match]
        self.cannot = sorted(zip(lo.tolist(), hi.tolist(), strict=True))

    def __len__(self) -> int:
        return len(self.keys)

    def contains(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """Which of these pairs are decided (a boolean array)."""
        if not len(self.keys) or not len(lo):
            return np.zeros(len(lo), dtype=bool)
        q = pair_key(lo, hi)
        i = np.minimum(np.searchsorted(self.keys, q), len(self.keys) - 1)
        return self.keys[i] == q  # keys are sorted and unique: no np.isin re-sorting


DECISIONS_CACHE = SingleFlight()


def decided_pairs(ws: Workspace) -> DecidedPairs:
    """The current decisions, re-read only when they changed.

    The check is one aggregate query (count, largest id, sum of versions: a new decision
    changes the first two, a changed one bumps its version), so a queue request does not
    read every decision again, and fifty requests after a change share one re-read.
    """
    from sqlalchemy import func

    with reader(ws) as conn:
        sig = tuple(
            conn.execute(
                select(
                    func.count(ReviewDecision.id),
                    func.max(ReviewDecision.id),
                    func.sum(ReviewDecision.version),
                )
            ).one()
        )

    def load() -> DecidedPairs:
        with reader(ws) as conn:
            rows = conn.execute(
                select(ReviewDecision.record_a, ReviewDecision.record_b, ReviewDecision.decision)
            ).all()
        cols = list(zip(*rows, strict=True)) if rows else [(), (), ()]
        return DecidedPairs(
            np.array(cols[0], dtype="int64"),
            np.array(cols[1], dtype="int64"),
            np.array([d == NON_MATCH for d in cols[2]], dtype=bool),
        )

    slot = (str(getattr(ws, "root", "")), str(ws.engine.url))
    return DECISIONS_CACHE.get((slot, sig), load)
