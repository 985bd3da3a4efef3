"""Counts computed privately by ``roshan federate count``: provenance and drawn matchings.

``roshan federate count --out counts.csv`` writes the point pattern counts to
``counts.csv`` (a plain counts table, readable by anything that reads one) and, beside
it, ``counts.csv.federate.json`` (:data:`SIDECAR_SUFFIX`): that the counts were computed
privately, by which parties (the names they were given in ``federate init`` and the
fingerprints of their signing keys), the protocol version, the matching thresholds, the
strata revealed, the date, the SHA-256 of ``counts.csv``, and ``draws``: pattern-count
tables of plausible alternative matchings (docs/federate.md, "The private linkage's
error"). A sidecar rather than a header in the CSV, so the counts file stays a plain
counts table, and a sidecar that no longer describes the counts (its digest differs)
is noticed.

:func:`estimate_federated` (``roshan estimate --counts``) fits the point table, fits
every drawn table, pools them with :func:`roshan.estimate.linkage.pool_results` (the
same Rubin-style pooling as for clear-text linkage draws) and puts the provenance in
``diagnostics["federate"]``. Nothing in the sidecar names a victim or a source.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from roshan import files
from roshan.errors import EstimationError

__all__ = [
    "MATCHING_SD_FACTOR",
    "SIDECAR_FORMAT",
    "SIDECAR_SUFFIX",
    "estimate_federated",
    "matching_rsd",
    "widen_for_matching",
    "file_sha256",
    "provenance_summary",
    "read_sidecar",
    "sidecar_path",
]

SIDECAR_SUFFIX = ".federate.json"
SIDECAR_FORMAT = "roshan-federate-counts"
#: How far the estimate from privately matched counts strays from the estimate from
#: roshan's clear-text linkage of the same lists, in people: its standard deviation is
#: about ``MATCHING_SD_FACTOR × √N̂`` (so the relative error shrinks as 1/√N̂, as for a
#: count of wrongly joined victims). Fitted as √(mean of (private − clear)² / private)
#: over the SYNTHETIC development scenarios at the sessions' default acceptance cuts:
#: 4 organisations of 15,000 people, seeds 21–26 at 0.35 (factor 0.91 alone), and 3
#: organisations of 3,000, seeds 7, 8 and 11–30 at 0.4 (factor 1.05 alone), from
#: ``bench/federate.py --accept-grid`` (bench/results/federate-accept-cut-{3,4}party.json
#: and federate-accept-3party-seeds11-60.json; docs/federate.md, "The private linkage's
#: error"). Until 2026-12-07 this was a fixed 0.71 % of the estimate, the RMS of 8
#: development scenarios, 6 of them of 15,000 people: too narrow for 3,000 (1.8 %).
MATCHING_SD_FACTOR = 1.02


def matching_rsd(estimate: float, factor: float = MATCHING_SD_FACTOR) -> float:
    """The private matching's relative error for an estimate of ``estimate`` people:
    ``factor / √estimate`` (1.8 % at 3,200 people, 0.8 % at 15,700)."""
    import math

    return factor / math.sqrt(max(float(estimate), 1.0))


def widen_for_matching(result: Any, rsd: float | None = None) -> tuple[float, float] | None:
    """Widen ``result``'s interval (in place) by the private matching's error: each
    half-width is combined in quadrature with z × ``rsd`` × estimate, z the normal quantile
    of the result's level, as for an independent error of relative sd ``rsd`` (default
    :func:`matching_rsd` of the estimate); the lower end stays at or above the observed
    count. Returns the interval before, or None when the result has no interval."""
    import math

    from roshan.estimate.results import normal_z

    est, lo, hi = result.estimate, result.lower, result.upper
    if est is None or lo is None or hi is None:
        return None
    rsd = matching_rsd(est) if rsd is None else rsd
    extra = normal_z(float(result.level)) * rsd * float(est)
    result.lower = max(float(result.observed), est - math.hypot(est - lo, extra))
    result.upper = est + math.hypot(hi - est, extra)
    return float(lo), float(hi)


def sidecar_path(counts: Path) -> Path:
    """``counts.csv`` → ``counts.csv.federate.json``."""
    counts = Path(counts)
    return counts.with_name(counts.name + SIDECAR_SUFFIX)


def file_sha256(path: Path) -> str:
    """SHA-256 (hex) of a counts file, as its provenance sidecar records it."""
    return files.file_sha256(Path(path))[0]


def read_sidecar(counts: Path) -> tuple[dict[str, Any] | None, str | None]:
    """(sidecar document, None), or (None, why it was not used), or (None, None) if absent."""
    side = sidecar_path(counts)
    if not side.is_file():
        return None, None
    try:
        doc = json.loads(side.read_text("utf-8"))
    except (OSError, ValueError):
        return None, f"{side.name} cannot be read; the counts are treated as a plain table"
    if not isinstance(doc, dict) or doc.get("format") != SIDECAR_FORMAT:
        return None, f"{side.name} is not a roshan federate provenance file; ignored"
    try:
        digest = file_sha256(counts)
    except OSError:
        return None, None
    if doc.get("counts_sha256") != digest:
        return None, (
            f"{side.name} describes another counts file (its SHA-256 differs): the "
            "counts were changed after `roshan federate count`; their provenance "
            "and drawn matchings are ignored"
        )
    return doc, None


def provenance_summary(doc: dict[str, Any], n_pooled: int = 0) -> dict[str, Any]:
    """What goes into ``diagnostics["federate"]``: everything but the drawn tables."""
    out = {k: v for k, v in doc.items() if k not in ("draws", "format")}
    err = dict(out.get("linkage_error") or {})
    err["draws_pooled"] = int(n_pooled)
    err["accounted"] = bool(n_pooled)
    out["linkage_error"] = err
    return out


def _draw_frames(doc: dict[str, Any]) -> list[pd.DataFrame]:
    draws = doc.get("draws") or []
    if not isinstance(draws, list):
        raise EstimationError("the federate provenance file's draws are malformed")
    return [pd.DataFrame(t) for t in draws]


def estimate_federated(
    counts: Path,
    doc: dict[str, Any],
    method: str,
    opts: dict[str, Any],
    *,
    by: list[str] | None = None,
    linkage_draws: int | None = None,
) -> Any:
    """Estimate from privately computed counts; pooled over the drawn matchings unless
    ``linkage_draws`` is 0 (plug-in) or there are none. ``by``: stratified (the drawn
    matchings are then not pooled, and a warning says so)."""
    from roshan.estimate.counts import CaptureCounts
    from roshan.estimate.linkage import pool_results
    from roshan.estimate.methods import fit
    from roshan.estimate.strata import fit_strata

    frames = _draw_frames(doc)
    if linkage_draws is not None:
        frames = frames[:linkage_draws]
    warnings: list[str] = []
    before: tuple[float, float] | None = None
    widened_rsd = 0.0
    if by:
        result = fit_strata(pd.read_csv(counts), list(by), method, **opts)
        if frames:
            warnings.append(
                "counts computed privately: the private linkage's error is carried "
                "into the overall estimate only, not into these stratum estimates"
            )
        frames = []
    else:
        point = fit(method, CaptureCounts.from_csv(counts), **opts)
        if len(frames) >= 2:
            lists = list(point.lists)
            per = [
                fit(method, CaptureCounts.from_frame(f, list_columns=lists), **opts) for f in frames
            ]
            result = pool_results(
                per,
                level=point.level,
                plugin=point,
                seed=int(opts.get("seed") or 0),
                observed=[int(f["count"].sum()) for f in frames],
            )
            result.diagnostics["linkage"]["n_draws"] = len(frames)
            result.diagnostics["linkage"]["kind"] = "private matching (roshan federate)"
        else:
            result = point
            if frames:
                frames = []
            # not pooled: the measured error of the private matching widens the interval,
            # unless a plug-in estimate was asked for (--plug-in / --linkage-draws 0)
            if linkage_draws != 0:
                before = widen_for_matching(result)
                if before is not None and result.estimate is not None:
                    widened_rsd = matching_rsd(result.estimate)
    parties = ", ".join(p.get("name", "?") for p in doc.get("parties") or [])
    if frames:
        warnings.append(
            f"overlaps computed privately by {parties} (roshan federate); the "
            f"interval allows for the private matching's error ({len(frames)} "
            "drawn matchings pooled)"
        )
    elif before is not None:
        warnings.append(
            f"overlaps computed privately by {parties} (roshan federate); the "
            "interval is widened by the private matching's error measured on SYNTHETIC "
            f"scenarios (sd {MATCHING_SD_FACTOR:g} × √N̂: {widened_rsd:.2%} of the estimate)"
        )
    else:
        warnings.append(
            f"overlaps computed privately by {parties} (roshan federate); the "
            "interval treats the private matching as certain (no drawn "
            "matchings pooled)"
        )
    result.diagnostics["federate"] = provenance_summary(doc, len(frames))
    if before is not None:
        result.diagnostics["federate"]["linkage_error"].update(
            accounted=True,
            widened_rsd=round(widened_rsd, 5),
            widened_sd_factor=MATCHING_SD_FACTOR,
            interval_before_widening=list(before),
        )
    result.warnings = [*result.warnings, *warnings]
    return result
