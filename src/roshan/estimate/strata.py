"""Stratified estimation: estimate within strata, then add up.

Capture probabilities differ by place, period, sex and age; estimating within
strata where lists behave more alike reduces heterogeneity bias, and the
strata totals are what users ask for. :func:`fit_strata` takes a capture-history
frame (one 0/1 column per list, stratum columns, ``count``; what
``roshan.link.histories.capture_histories`` returns), estimates each stratum
with the chosen method and combines them.

The rule for a stratum that cannot be estimated on its own (documented in
docs/estimation.md and never silent):

1. lists with no records in the stratum are dropped from that stratum's table
   (a list that did not cover it says nothing about it);
2. a stratum is *not estimable* if fewer than 3 lists remain, no two lists
   share anyone, or the method refuses it (e.g. no identifiable model);
3. all not-estimable strata are pooled into one remainder stratum and that is
   estimated; if the remainder cannot be estimated either, its people are
   counted as observed only, the total is then a lower bound for that part,
   and a warning says so.

Intervals of the total: Bayesian methods add posterior draws across strata
(independent strata, draws paired at random); log-linear adds bootstrap
replicates (a stratified bootstrap), so log-linear strata always bootstrap.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from roshan.errors import EstimationError, RoshanError
from roshan.estimate.bootstrap import percentile_interval
from roshan.estimate.counts import CaptureCounts
from roshan.estimate.methods import fit
from roshan.estimate.results import EstimateResult

__all__ = ["MIN_LISTS", "fit_strata", "stratum_problem"]

MIN_LISTS = 3
#: Bootstrap replicates used per stratum by log-linear when none are requested.
DEFAULT_STRATA_BOOTSTRAP = 200


def stratum_problem(counts_frame: pd.DataFrame, lists: list[str]) -> tuple[list[str], str | None]:
    """Lists with records in this stratum, and the reason it is not estimable (or None)."""
    totals = {c: int((counts_frame[c] * counts_frame["count"]).sum()) for c in lists}
    active = [c for c in lists if totals[c] > 0]
    if len(active) < MIN_LISTS:
        return active, (
            f"only {len(active)} list(s) have records here; at least {MIN_LISTS} are needed"
        )
    sub = counts_frame[active].to_numpy()
    cnt = counts_frame["count"].to_numpy()
    overlap = (sub.sum(axis=1) >= 2) & (cnt > 0)
    if not overlap.any():
        return active, "no one appears on two lists, so overlaps carry no information"
    return active, None


def _counts(frame: pd.DataFrame, lists: list[str]) -> CaptureCounts:
    df = frame[[*lists, "count"]]
    df = df[df[lists].sum(axis=1) > 0]
    return CaptureCounts.from_frame(df, list_columns=lists)


def _draws_of(res: EstimateResult) -> np.ndarray | None:
    if res.draws is None:
        return None
    d = np.asarray(res.draws, dtype=float).ravel()
    return d if d.size else None


def fit_strata(
    frame: pd.DataFrame, by: list[str], method: str = "loglinear", **options: Any
) -> EstimateResult:
    """Estimate within each stratum of ``frame`` and add up (see the module rule).

    ``frame`` has one 0/1 column per list, the ``by`` columns and ``count``.
    ``options`` go to the method (for log-linear, ``bootstrap`` defaults to 200
    per stratum so the total gets an interval; ``seed`` is varied per stratum).
    Returns an :class:`EstimateResult` whose ``strata`` lists every stratum with
    its status and how it was handled, and whose ``draws`` are the combined draws.
    """
    by = list(by)
    if "count" not in frame.columns:
        raise EstimationError("capture-history frame has no 'count' column")
    missing = [b for b in by if b not in frame.columns]
    if missing:
        raise EstimationError(f"stratum column(s) not in the capture histories: {missing}")
    lists = [c for c in frame.columns if c not in by and c != "count"]
    if len(lists) < 2:
        raise EstimationError(f"need at least 2 list columns, found {len(lists)}")
    level = float(options.get("level") or 0.95)
    opts = dict(options)
    if method == "loglinear" and not opts.get("bootstrap"):
        opts["bootstrap"] = DEFAULT_STRATA_BOOTSTRAP
    base_seed = opts.pop("seed", None)
    base_seed = 1234 if base_seed is None else int(base_seed)
    frame = frame[frame["count"] > 0]
    if frame.empty:
        raise EstimationError("the capture histories are empty")

    warnings: list[str] = []
    strata: list[dict] = []
    parts: list[tuple[float, np.ndarray | None]] = []
    bad_frames: list[pd.DataFrame] = []
    n_observed_only = 0
    groups = list(frame.groupby(by, dropna=False, sort=True)) if by else [((), frame)]
    for i, (key, sub) in enumerate(groups):
        key = key if isinstance(key, tuple) else (key,)
        info: dict = {b: (None if pd.isna(v) else v) for b, v in zip(by, key, strict=True)}
        observed = int(sub["count"].sum())
        active, problem = stratum_problem(sub, lists)
        info.update(observed=observed, lists=active)
        res = None
        if problem is None:
            try:
                res = fit(method, _counts(sub, active), seed=base_seed + i, **opts)
            except RoshanError as exc:
                problem = str(exc)
        if res is None or res.estimate is None:
            info.update(
                estimate=None,
                lower=None,
                upper=None,
                status="not_estimable",
                reason=problem or "the method gave no estimate",
                handled_as="pooled",
            )
            bad_frames.append(sub)
        else:
            info.update(
                estimate=res.estimate,
                lower=res.lower,
                upper=res.upper,
                status="ok",
                reason=None,
                handled_as="estimated",
                dropped_lists=[c for c in lists if c not in active],
            )
            parts.append((float(res.estimate), _draws_of(res)))
        strata.append(info)

    if bad_frames:
        pooled = pd.concat(bad_frames)
        names = ", ".join("/".join(str(s[b]) for b in by) for s in strata if s["status"] != "ok")
        active, problem = stratum_problem(pooled, lists)
        res = None
        if problem is None and len(bad_frames) == 1:
            problem = "it is the only stratum that failed, so pooling cannot help"
        elif problem is None and len(bad_frames) < len(groups):
            try:
                res = fit(method, _counts(pooled, active), seed=base_seed + len(groups), **opts)
            except RoshanError as exc:
                problem = str(exc)
        elif problem is None:
            problem = "every stratum failed on its own"
        pooled_obs = int(pooled["count"].sum())
        if res is not None and res.estimate is not None:
            warnings.append(
                f"{len(bad_frames)} stratum/strata could not be estimated on their own ({names}); "
                f"they were pooled into one remainder stratum of {pooled_obs:,} people and "
                "estimated together"
            )
            strata.append(
                {
                    **{b: "(pooled remainder)" for b in by},
                    "observed": pooled_obs,
                    "lists": active,
                    "estimate": res.estimate,
                    "lower": res.lower,
                    "upper": res.upper,
                    "status": "ok",
                    "reason": None,
                    "handled_as": "pooled_remainder",
                }
            )
            parts.append((float(res.estimate), _draws_of(res)))
        else:
            warnings.append(
                f"{len(bad_frames)} stratum/strata could not be estimated ({names}), not even "
                f"pooled ({problem}); their {pooled_obs:,} observed people are counted as "
                "observed only, so the total is a lower bound for that part"
            )
            for s in strata:
                if s["status"] != "ok":
                    s["handled_as"] = "observed_only"
            parts.append((float(pooled_obs), None))
            n_observed_only = 1

    estimate = float(sum(p[0] for p in parts))
    lower = upper = None
    combined = None
    sampled = [(p[0], p[1]) for p in parts if p[1] is not None]
    sampled_draws: list[np.ndarray] = [p[1] for p in sampled if p[1] is not None]
    constant = sum(p[0] for p in parts if p[1] is None)
    if sampled:
        size = min(d.size for d in sampled_draws)
        rng = np.random.default_rng(base_seed)
        stack = np.vstack([rng.permutation(d)[:size] for d in sampled_draws])
        ok = np.all(np.isfinite(stack), axis=0)
        combined = stack[:, ok].sum(axis=0) + constant
        if combined.size >= 2:
            lower, upper = percentile_interval(combined, level)
        if (~ok).sum():
            warnings.append(
                f"{int((~ok).sum())} combined draws dropped (a stratum had no "
                "estimate in that replicate)"
            )
    if len(sampled) < len(parts) - n_observed_only and lower is not None:
        warnings.append(
            "some estimated strata have no draws and enter the interval as fixed "
            "numbers, so the interval of the total is somewhat too narrow"
        )
    if not sampled:
        warnings.append("no stratum produced draws, so the total has no interval")

    return EstimateResult(
        method=method,
        lists=lists,
        observed=int(frame["count"].sum()),
        estimate=estimate,
        lower=lower,
        upper=upper,
        level=level,
        model={
            "name": f"{method} within strata by {', '.join(by) or '(none)'}",
            "stratified_by": by,
            "method": method,
        },
        diagnostics={
            "interval": "sum of per-stratum draws (percentile)" if lower is not None else None,
            "n_strata": len(groups),
            "n_not_estimable": len(bad_frames),
            "combined_draws": None if combined is None else int(combined.size),
        },
        warnings=warnings,
        strata=strata,
        draws=combined,
    )
