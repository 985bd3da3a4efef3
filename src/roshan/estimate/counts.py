"""Capture-pattern counts: the one input every estimator in roshan reads.

A multiple-systems estimate only needs, for each combination of lists
("capture pattern"), how many distinct victims appear on exactly those lists.
:class:`CaptureCounts` holds that table, validated once, so that every method
(log-linear, LCMCR, DGA) can trust it: 0/1 patterns, no all-zero pattern, no
duplicated pattern, non-negative integer counts, every list with at least one
record.

The pattern order used by :meth:`CaptureCounts.full_table` is fixed: row ``k``
(0-based) is the binary expansion of ``k + 1`` with list ``j`` on bit ``j``
(the first list is the least significant bit). Estimators rely on it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from roshan.errors import EstimationError, InputFileError

__all__ = ["CaptureCounts", "all_patterns", "data_warnings", "pattern_index"]


def all_patterns(n_lists: int) -> np.ndarray:
    """All ``2**n_lists - 1`` non-empty capture patterns in roshan's fixed order.

    Row ``k`` is the binary expansion of ``k + 1``, list ``j`` on bit ``j``.
    """
    if n_lists < 1:
        raise ValueError("n_lists must be >= 1")
    idx = np.arange(1, 2**n_lists, dtype=np.int64)
    return ((idx[:, None] >> np.arange(n_lists)) & 1).astype(np.int8)


def pattern_index(patterns: np.ndarray) -> np.ndarray:
    """Row index of each pattern in :func:`all_patterns` order (bit code minus one)."""
    p = np.asarray(patterns, dtype=np.int64)
    weights = 1 << np.arange(p.shape[1], dtype=np.int64)
    return p @ weights - 1


@dataclass(frozen=True, eq=False)
class CaptureCounts:
    """Counts of people by capture pattern over ``lists``.

    ``patterns`` is an ``m x J`` 0/1 array (int8), one row per observed pattern,
    no all-zero row and no duplicates; ``counts`` the matching non-negative
    int64 counts. Build it with :meth:`from_csv`, :meth:`from_frame` or
    :meth:`from_histories`; the constructor validates.
    """

    lists: tuple[str, ...]
    patterns: np.ndarray
    counts: np.ndarray
    source: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        where = self.source or "capture counts"
        lists = tuple(str(x) for x in self.lists)
        object.__setattr__(self, "lists", lists)
        pats = np.asarray(self.patterns)
        cnts = np.asarray(self.counts)
        if len(lists) < 2:
            raise EstimationError(f"{where}: need at least 2 lists, got {len(lists)}")
        if len(set(lists)) != len(lists):
            raise EstimationError(f"{where}: list names are not unique: {list(lists)}")
        if pats.ndim != 2 or pats.shape[1] != len(lists):
            raise EstimationError(
                f"{where}: patterns must be an m x {len(lists)} array, got shape {pats.shape}"
            )
        if cnts.ndim != 1 or cnts.shape[0] != pats.shape[0]:
            raise EstimationError(f"{where}: counts must have one value per pattern")
        if pats.size and not np.isin(pats, (0, 1)).all():
            raise EstimationError(f"{where}: patterns must be 0/1")
        if cnts.size:
            if not np.all(np.isfinite(cnts.astype(float))):
                raise EstimationError(f"{where}: counts must be finite")
            if np.any(cnts.astype(float) != np.round(cnts.astype(float))):
                raise EstimationError(f"{where}: counts must be whole numbers")
            if np.any(cnts.astype(float) < 0):
                raise EstimationError(f"{where}: counts must be non-negative")
        pats = pats.astype(np.int8)
        cnts = cnts.astype(np.int64)
        if pats.shape[0] and np.any(pats.sum(axis=1) == 0):
            raise EstimationError(
                f"{where}: the all-zero pattern (people on no list) cannot be observed"
            )
        codes = pattern_index(pats) if pats.shape[0] else np.zeros(0, dtype=np.int64)
        if len(np.unique(codes)) != len(codes):
            raise EstimationError(f"{where}: a capture pattern appears more than once")
        per_list = (pats.astype(np.int64) * cnts[:, None]).sum(axis=0)
        empty = [name for name, c in zip(lists, per_list, strict=True) if c == 0]
        if empty:
            raise EstimationError(
                f"{where}: list(s) {', '.join(empty)} have no records; drop them before estimating"
            )
        pats.setflags(write=False)
        cnts.setflags(write=False)
        object.__setattr__(self, "patterns", pats)
        object.__setattr__(self, "counts", cnts)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_csv(cls, path: str | Path) -> CaptureCounts:
        """Read a counts CSV: one 0/1 column per list, then a ``count`` column.

        The count column is the one named ``count`` (case-insensitive) or else the
        last column. An all-zero row is accepted only with count 0 (and dropped).
        Errors name the file, the (1-based, header = row 1) row and the column.
        """
        p = Path(path)
        name = str(path)
        try:
            with p.open(newline="", encoding="utf-8-sig") as fh:
                rows = list(csv.reader(fh))
        except FileNotFoundError:
            raise InputFileError("file not found", file=name) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputFileError(f"cannot read file ({type(exc).__name__})", file=name) from None
        rows = [r for r in rows if any(c.strip() for c in r)]
        if not rows:
            raise InputFileError("file is empty", file=name)
        header = [h.strip() for h in rows[0]]
        lower = [h.lower() for h in header]
        count_col = lower.index("count") if "count" in lower else len(header) - 1
        list_cols = [i for i in range(len(header)) if i != count_col]
        if len(list_cols) < 2:
            raise InputFileError(
                f"need at least 2 list columns besides the count column, got {len(list_cols)}",
                file=name,
            )
        pats: list[list[int]] = []
        cnts: list[int] = []
        seen: dict[tuple[int, ...], int] = {}
        for rnum, row in enumerate(rows[1:], start=2):
            if len(row) != len(header):
                raise InputFileError(
                    f"expected {len(header)} columns, found {len(row)}", file=name, row=rnum
                )
            pat = []
            for i in list_cols:
                v = row[i].strip()
                if v not in ("0", "1"):
                    raise InputFileError(
                        f"list column must be 0 or 1, found {v!r}",
                        file=name,
                        row=rnum,
                        field=header[i],
                    )
                pat.append(int(v))
            raw = row[count_col].strip()
            try:
                fv = float(raw)
            except ValueError:
                fv = float("nan")  # not a number: refused as not whole just below
            if not np.isfinite(fv) or fv != int(fv):
                raise InputFileError(
                    f"count must be a whole number, found {raw!r}",
                    file=name,
                    row=rnum,
                    field=header[count_col],
                )
            if fv < 0:
                raise InputFileError(
                    f"count must be non-negative, found {raw!r}",
                    file=name,
                    row=rnum,
                    field=header[count_col],
                )
            key = tuple(pat)
            if not any(pat):
                if fv != 0:
                    raise InputFileError(
                        "the all-zero pattern (people on no list) cannot have a count",
                        file=name,
                        row=rnum,
                    )
                continue
            if key in seen:
                raise InputFileError(
                    f"capture pattern duplicates row {seen[key]}", file=name, row=rnum
                )
            seen[key] = rnum
            pats.append(pat)
            cnts.append(int(fv))
        lists = tuple(header[i] for i in list_cols)
        arr = np.array(pats, dtype=np.int8).reshape(len(pats), len(lists))
        return cls(lists, arr, np.array(cnts, dtype=np.int64), source=name)

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        list_columns: Sequence[str] | None = None,
        count_column: str = "count",
    ) -> CaptureCounts:
        """Build from a data frame of patterns and counts.

        ``list_columns`` defaults to every column except ``count_column``. Rows
        with the same pattern are summed (handy after dropping a stratum column);
        all-zero rows must have count 0 and are dropped.
        """
        if count_column not in df.columns:
            raise EstimationError(f"count column {count_column!r} not in frame")
        cols = (
            list(list_columns)
            if list_columns is not None
            else [c for c in df.columns if c != count_column]
        )
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise EstimationError(f"list column(s) not in frame: {missing}")
        if len(cols) < 2:
            raise EstimationError(f"need at least 2 lists, got {len(cols)}")
        pats = df[cols].to_numpy()
        try:
            pats = pats.astype(float)
        except (TypeError, ValueError):
            raise EstimationError("list columns must be 0/1") from None
        if pats.size and not np.isin(pats, (0.0, 1.0)).all():
            raise EstimationError("list columns must be 0/1")
        cnt = df[count_column].to_numpy()
        try:
            cnt = cnt.astype(float)
        except (TypeError, ValueError):
            raise EstimationError("counts must be whole numbers") from None
        if np.any(~np.isfinite(cnt)) or np.any(cnt != np.round(cnt)):
            raise EstimationError("counts must be whole numbers")
        if np.any(cnt < 0):
            raise EstimationError("counts must be non-negative")
        pats_i = pats.astype(np.int8)
        zero = pats_i.sum(axis=1) == 0
        if np.any(cnt[zero] != 0):
            raise EstimationError("the all-zero pattern (people on no list) cannot have a count")
        pats_i, cnt = pats_i[~zero], cnt[~zero].astype(np.int64)
        if pats_i.shape[0] == 0:
            raise EstimationError("no capture patterns with records")
        codes = pattern_index(pats_i)
        uniq, inv = np.unique(codes, return_inverse=True)
        summed = np.bincount(inv, weights=cnt).astype(np.int64)
        first = np.array([np.flatnonzero(inv == k)[0] for k in range(len(uniq))])
        return cls(tuple(str(c) for c in cols), pats_i[first], summed)

    @classmethod
    def from_histories(
        cls, matrix: np.ndarray | pd.DataFrame, lists: Sequence[str] | None = None
    ) -> CaptureCounts:
        """Build from individual capture histories: one 0/1 row per person.

        A DataFrame's column names become the list names; for an array, pass
        ``lists`` or get ``L1..LJ``. All-zero rows (people on no list) are an error.
        """
        if isinstance(matrix, pd.DataFrame):
            names = list(lists) if lists is not None else [str(c) for c in matrix.columns]
            arr = matrix.to_numpy()
        else:
            arr = np.asarray(matrix)
            if arr.ndim != 2:
                raise EstimationError("capture histories must be a 2-D 0/1 matrix")
            names = list(lists) if lists is not None else [f"L{j + 1}" for j in range(arr.shape[1])]
        if arr.ndim != 2 or arr.shape[1] != len(names):
            raise EstimationError("capture histories must be a 2-D matrix, one column per list")
        if arr.size and not np.isin(arr, (0, 1)).all():
            raise EstimationError("capture histories must be 0/1")
        arr = arr.astype(np.int8)
        if np.any(arr.sum(axis=1) == 0):
            raise EstimationError("a capture history has no list (all-zero row)")
        codes = pattern_index(arr)
        uniq, cnt = np.unique(codes, return_counts=True)
        pats = all_patterns(len(names))[uniq]
        return cls(tuple(names), pats, cnt.astype(np.int64))

    # ------------------------------------------------------------------ views
    @property
    def n_lists(self) -> int:
        """Number of lists J."""
        return len(self.lists)

    @property
    def observed(self) -> int:
        """Total number of distinct people observed on at least one list."""
        return int(self.counts.sum())

    def full_table(self) -> tuple[np.ndarray, np.ndarray]:
        """All ``2**J - 1`` patterns in the fixed order, with counts (zeros filled).

        Returns ``(patterns, counts)``; see the module docstring for the order.
        """
        pats = all_patterns(self.n_lists)
        full = np.zeros(pats.shape[0], dtype=np.int64)
        if self.patterns.shape[0]:
            np.add.at(full, pattern_index(self.patterns), self.counts)
        return pats, full

    def list_totals(self) -> dict[str, int]:
        """Number of people on each list."""
        tot = (self.patterns.astype(np.int64) * self.counts[:, None]).sum(axis=0)
        return {name: int(t) for name, t in zip(self.lists, tot, strict=True)}

    def pair_overlaps(self) -> dict[tuple[str, str], int]:
        """Number of people on both lists, for every pair of lists."""
        p = self.patterns.astype(np.int64)
        out: dict[tuple[str, str], int] = {}
        for a in range(self.n_lists):
            for b in range(a + 1, self.n_lists):
                out[(self.lists[a], self.lists[b])] = int((p[:, a] * p[:, b] * self.counts).sum())
        return out

    def drop_list(self, name: str) -> CaptureCounts:
        """The table without list ``name`` (people only on it disappear)."""
        if name not in self.lists:
            raise EstimationError(f"no list named {name!r}")
        j = self.lists.index(name)
        keep = [i for i in range(self.n_lists) if i != j]
        df = self.to_frame()
        df = df[[self.lists[i] for i in keep] + ["count"]]
        df = df[df[[self.lists[i] for i in keep]].sum(axis=1) > 0]
        return CaptureCounts.from_frame(df)

    def merge_lists(self, names: Iterable[str], new_name: str | None = None) -> CaptureCounts:
        """Merge several lists into one (a person is on it if on any of them)."""
        names = list(names)
        for n in names:
            if n not in self.lists:
                raise EstimationError(f"no list named {n!r}")
        if len(names) < 2:
            raise EstimationError("merge needs at least 2 lists")
        new = new_name or "".join(names)
        df = self.to_frame()
        merged = df[names].max(axis=1)
        first = min(self.lists.index(n) for n in names)
        out_cols: list[str] = []
        out = {}
        for i, n in enumerate(self.lists):
            if n in names:
                if i == first:
                    out_cols.append(new)
                    out[new] = merged
            else:
                out_cols.append(n)
                out[n] = df[n]
        if len(out_cols) != len(set(out_cols)):
            raise EstimationError(f"merged list name {new!r} clashes with an existing list")
        frame = pd.DataFrame(out)[out_cols]
        frame["count"] = df["count"]
        return CaptureCounts.from_frame(frame)

    def to_frame(self) -> pd.DataFrame:
        """Patterns and counts as a data frame (one column per list, then ``count``)."""
        df = pd.DataFrame(self.patterns.astype(np.int64), columns=list(self.lists))
        df["count"] = self.counts
        return df

    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        return (
            f"CaptureCounts(lists={list(self.lists)}, patterns={self.patterns.shape[0]}, "
            f"observed={self.observed})"
        )


def data_warnings(
    counts: CaptureCounts, *, min_overlap: int = 5, dominance: float = 0.8
) -> list[str]:
    """Plain-language warnings about the data that apply whatever the method.

    - a pair of lists with fewer than ``min_overlap`` people in common (dependence
      between them is then barely measurable);
    - one list holding more than ``dominance`` of all observed people;
    - a sparse table: most possible capture patterns empty.
    Messages name lists (the user's own column names) but never people.
    """
    out: list[str] = []
    overlaps = counts.pair_overlaps()
    few = [f"{a}&{b}" for (a, b), c in overlaps.items() if c < min_overlap]
    if few:
        shown = ", ".join(few[:8]) + (" ..." if len(few) > 8 else "")
        out.append(
            f"few overlaps: {len(few)} of {len(overlaps)} pairs of lists share fewer than "
            f"{min_overlap} people ({shown}); estimates lean heavily on model assumptions"
        )
    if all(c == 0 for c in overlaps.values()):
        out.append("no two lists share anyone: the data carry no information on the total")
    totals = counts.list_totals()
    n = max(counts.observed, 1)
    for name, t in totals.items():
        if t / n > dominance:
            out.append(
                f"one list dominates: {name} holds {t / n:.0%} of observed people; the estimate "
                "depends mostly on how complete that list is"
            )
    _, full = counts.full_table()
    zero = int((full == 0).sum())
    if counts.n_lists >= 3 and zero / full.size > 0.5:
        out.append(
            f"sparse table: {zero} of {full.size} possible capture patterns are empty; "
            "higher-order interactions cannot be estimated reliably"
        )
    return out
