"""Blocking keys with a cap: which record pairs are ever compared.

Each blocking pass is one composite key (e.g. family-name key + given-name key);
records sharing the key are compared. Iranian names are highly concentrated —
thousands of «Mohammad Mohammadi» — so a block on names alone can explode into
millions of pairs that are almost all non-matches. Every pass therefore has a
*cap* on the block size: a block larger than the cap is refined by the pass's
refinement columns one at a time (province, then month of death...); if it is
still too large, its records are dropped from that pass only (other passes can
still pair them) and a warning says so. Keys are materialised as ``blk_<name>``
columns so that the Splink blocking rule is a portable ``l.blk_x = r.blk_x``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pandas as pd

log = logging.getLogger(__name__)

DEFAULT_BLOCK_CAP = 600
LARGE_BLOCK_CAP = 200
LARGE_DATA = 250_000


def default_block_cap(n_records: int) -> int:
    """The block cap for a data set of this size: 600, or 200 above 250,000 records.

    Candidate pairs grow roughly as records × cap, so very large workspaces refine
    crowded blocks sooner to keep prediction within memory and time.
    """
    return DEFAULT_BLOCK_CAP if n_records <= LARGE_DATA else LARGE_BLOCK_CAP


@dataclass(frozen=True)
class BlockingPass:
    """One blocking pass: key columns, and columns used to split a block over the cap."""

    name: str
    columns: tuple[str, ...]
    refine: tuple[str, ...] = ()

    @property
    def column(self) -> str:
        return f"blk_{self.name}"


@dataclass
class BlockingReport:
    """What capping did: blocks refined or dropped, per pass (no names, only counts)."""

    refined_blocks: dict[str, int] = field(default_factory=dict)
    dropped_blocks: dict[str, int] = field(default_factory=dict)
    dropped_records: dict[str, int] = field(default_factory=dict)
    largest_block: dict[str, int] = field(default_factory=dict)
    pairs: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def total_pairs(self) -> int:
        """Candidate pairs over all passes (pairs found by several passes counted each time)."""
        return int(sum(self.pairs.values()))

    def warn(self, msg: str) -> None:
        """Keep ``msg`` for the run summary and log it."""
        self.warnings.append(msg)
        log.warning(msg)

    def to_dict(self) -> dict:
        return {
            "refined_blocks": self.refined_blocks,
            "dropped_blocks": self.dropped_blocks,
            "dropped_records": self.dropped_records,
            "largest_block": self.largest_block,
            "pairs": self.pairs,
            "warnings": list(self.warnings),
        }


def _compose(frame: pd.DataFrame, cols: tuple[str, ...]) -> pd.Series:
    """``a|b|c`` for rows where every column is non-null, else None."""
    ok = pd.Series(True, index=frame.index)
    parts = []
    for c in cols:
        s = frame[c]
        ok &= s.notna()
        parts.append(s.astype(str))
    key = parts[0]
    for p in parts[1:]:
        key = key + "|" + p
    return key.where(ok, None)


def add_blocking_keys(
    frame: pd.DataFrame, passes: list[BlockingPass], cap: int = DEFAULT_BLOCK_CAP
) -> BlockingReport:
    """Add one ``blk_<name>`` column per pass to ``frame`` (in place), capping block sizes."""
    report = BlockingReport()
    for bp in passes:
        key = _compose(frame, bp.columns)
        refined = 0
        for extra in bp.refine:
            sizes = key.map(key.value_counts())
            big = sizes > cap
            if not big.any():
                break
            refined += int(key[big].nunique())
            ext = frame[extra].astype(str).where(frame[extra].notna(), None)
            key = key.where(~big, (key + "#" + ext).where(ext.notna(), None))
        sizes = key.map(key.value_counts())
        big = sizes > cap
        if big.any():
            n_blocks = int(key[big].nunique())
            n_rec = int(big.sum())
            report.dropped_blocks[bp.name] = n_blocks
            report.dropped_records[bp.name] = n_rec
            msg = (
                f"blocking pass {bp.name!r}: {n_blocks} block(s) still larger than {cap} "
                f"records after refinement; {n_rec} records are left to the other passes"
            )
            report.warn(msg)
            key = key.where(~big, None)
        if refined:
            report.refined_blocks[bp.name] = refined
            msg = (
                f"blocking pass {bp.name!r}: {refined} block(s) over {cap} records were split "
                f"by {', '.join(bp.refine)}"
            )
            report.warn(msg)
        counts = key.value_counts()
        report.largest_block[bp.name] = int(counts.iloc[0]) if len(counts) else 0
        report.pairs[bp.name] = int((counts.astype("int64") * (counts - 1) // 2).sum())
        frame[bp.column] = key.values
    return report


def blocking_rule_sql(bp: BlockingPass) -> str:
    """The Splink blocking rule (portable SQL) for one pass."""
    return f"l.{bp.column} = r.{bp.column}"
