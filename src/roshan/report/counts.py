"""The report built from a table of capture-pattern counts alone (``roshan report --counts``).

What: a coordinator of ``roshan federate`` ends with ``counts.csv`` (one 0/1 column per
organisation, optional stratum columns, ``count``) and its provenance
``counts.csv.federate.json``, and no workspace. :func:`counts_report_data` estimates from
that table with the code of ``roshan estimate --counts`` (:func:`roshan.estimate.fit`, or
:func:`roshan.estimate.estimate_federated` when the provenance is there: the drawn
matchings pooled, the provenance in ``diagnostics["federate"]``), and gathers what the
counts support in the shape :func:`roshan.report.build.render_html` reads: the headline
(documented = the sum of the counts), the lists and their overlaps, the estimate by
stratum when the table has stratum columns, the method. :func:`build_counts_report`
writes the HTML (and the PDF) as for a workspace.

Why this way: the same template and the same words as the workspace report, so the two
cannot drift; the sections that need records (timeline, map, victims' profile, data
quality) are left out and the report says so in one line.

Stratum columns are the columns named like roshan's strata (``province``, ``period``,
``sex``, ``age_group``: what ``roshan federate count --by`` writes). The headline is then
estimated on the counts summed over the strata (an overall estimate, pooled over the
drawn matchings, as the workspace report's headline is), and each stratum dimension on
the counts summed over the others (what ``roshan estimate --counts --by DIM`` gives for a
table with that one stratum column).
"""

from __future__ import annotations

import hashlib
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from roshan import __version__
from roshan.errors import InputFileError, RoshanError

__all__ = ["build_counts_report", "counts_report_data", "stratum_columns"]


def stratum_columns(columns: list[str]) -> list[str]:
    """The stratum columns of a counts table (roshan's stratum names), in roshan's order."""
    from roshan.estimate import STRATA

    return [s for s in STRATA if s in columns]


def _read(counts: Path) -> pd.DataFrame:
    if not counts.is_file():
        raise InputFileError("file not found", file=str(counts))
    try:
        return pd.read_csv(counts, dtype=str, keep_default_na=False)
    except Exception as exc:  # noqa: BLE001 - pandas parser errors, all one message
        raise InputFileError(f"cannot read CSV ({type(exc).__name__})", file=str(counts)) from None


def _estimate_file(
    path: Path, doc: dict[str, Any] | None, method: str, by: list[str] | None = None
) -> Any:
    """What ``roshan estimate --counts PATH [--by …] --method METHOD`` computes."""
    from roshan.estimate import CaptureCounts, estimate_federated, fit, fit_strata

    if doc is not None:
        return estimate_federated(path, doc, method, {}, by=by or [])
    if by:
        return fit_strata(pd.read_csv(path), list(by), method)
    return fit(method, CaptureCounts.from_csv(path))


def _estimate_summed(
    frame: pd.DataFrame,
    keep: list[str],
    name: str,
    doc: dict[str, Any] | None,
    method: str,
    by: list[str] | None = None,
) -> Any:
    """Estimate on ``frame`` summed over every column not in ``keep`` (written to a
    temporary CSV of the same name, so the estimate's code and messages are the same)."""
    summed = frame.groupby(keep, sort=True, as_index=False)["count"].sum()
    with tempfile.TemporaryDirectory(prefix="roshan-counts-") as tmp:
        path = Path(tmp) / name
        summed.to_csv(path, index=False)
        return _estimate_file(path, doc, method, by)


def _block(result: Any, method: str, settings: dict[str, Any]) -> dict[str, Any]:
    from roshan.report.data import draws_list, linkage_block

    res = result.to_dict()
    draws = draws_list(result)
    return {
        "run_id": None,
        "method": method,
        "settings": settings,
        "created_at": None,
        "stale": False,
        "computed_now": False,
        "result": res,
        "draws": draws,
        "linkage": linkage_block(res),
        "linkage_health": None,
    }


def counts_report_data(
    counts: Path, *, method: str | None = None, anonymise_sources: bool = False
) -> dict[str, Any]:
    """Everything the report shows that a counts table supports (the keys of
    :func:`roshan.report.data.report_data` that apply, plus ``counts_only``)."""
    from roshan.estimate import DEFAULT_METHOD, METHODS, EstimateResult, read_sidecar
    from roshan.report.data import MAX_PATTERNS, is_synthetic, scrub_sources, strata_block
    from roshan.report.data import source_labels as make_labels
    from roshan.report.map import province_names

    counts = Path(counts)
    method = method or DEFAULT_METHOD
    if method not in METHODS:
        raise RoshanError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    raw = _read(counts)
    cols = [str(c).strip() for c in raw.columns]
    # the count column as CaptureCounts.from_csv finds it: 'count', else the last column
    at = [c.lower() for c in cols].index("count") if "count" in (c.lower() for c in cols) else -1
    cols[at] = "count"
    raw.columns = cols
    dims = stratum_columns(list(raw.columns))
    lists = [c for c in raw.columns if c != "count" and c not in dims]
    doc, why_not = read_sidecar(counts)

    # the headline: the whole table, or summed over its strata
    if dims:
        frame = _frame(raw, lists, counts)
        result = _estimate_summed(frame, lists, counts.name, doc, method)
    else:
        result = _estimate_file(counts, doc, method)
        frame = _frame(raw, lists, counts)
    if why_not:
        result.warnings = [*result.warnings, why_not]
    fed = doc or {}
    fed_diag = (result.diagnostics or {}).get("federate") or {}
    pooled = int((fed_diag.get("linkage_error") or {}).get("draws_pooled") or 0)
    settings: dict[str, Any] = {"counts": counts.name, "method": method}
    if doc is not None:
        settings["linkage_draws_pooled"] = pooled
    if dims:
        settings["summed_over"] = dims
    est = _block(result, method, settings)

    names = [*lists, *(p.get("name", "") for p in fed.get("parties") or [] if isinstance(p, dict))]
    synthetic = is_synthetic([str(n) for n in names])
    labels = make_labels(lists) if anonymise_sources else None

    def lab(name: str) -> str:
        return labels.get(name, name) if labels else name

    # the lists and their overlaps: people per exact combination of lists
    pat = frame.groupby(lists, as_index=False)["count"].sum()
    pat = pat[(pat[lists].sum(axis=1) > 0) & (pat["count"] > 0)]
    found: list[tuple[list[str], int]] = [
        ([lab(c) for c in lists if int(row[c]) == 1], int(row["count"]))
        for _, row in pat.iterrows()
    ]
    found.sort(key=lambda p: (-p[1], len(p[0]), p[0]))  # largest first, as the workspace's
    combos = [{"lists": members, "count": n} for members, n in found]
    sources = []
    for c in lists:
        on = int(frame.loc[frame[c] == 1, "count"].sum())
        alone = int(frame.loc[(frame[c] == 1) & (frame[lists].sum(axis=1) == 1), "count"].sum())
        sources.append({"name": lab(c), "victims": on, "only_here": alone})

    # by stratum: each stratum column, the others summed over
    strata: dict[str, dict[str, Any]] = {}
    strata_errors: dict[str, str] = {}
    for dim in dims:
        observed = frame.groupby(dim)["count"].sum()
        try:
            res: EstimateResult = _estimate_summed(
                frame, [*lists, dim], counts.name, doc, method, by=[dim]
            )
        except RoshanError as exc:
            strata_errors[dim] = str(exc)
            block = strata_block(None, pd.Series(dtype=object), dim, labels)
        else:
            run = {
                "id": None,
                "method": method,
                "stale": False,
                "created_at": None,
                "settings": {"counts": counts.name, "method": method, "by": [dim]},
                "result": res.to_dict(),
            }
            block = strata_block(run, pd.Series(dtype=object), dim, labels)
        block["observed"] = {str(k): int(v) for k, v in observed.items() if int(v) > 0}
        strata[dim] = block

    digest = hashlib.sha256(counts.read_bytes()).hexdigest()
    if labels:
        est = scrub_sources(est, labels)
        strata = scrub_sources(strata, labels)
        strata_errors = scrub_sources(strata_errors, labels)
    seed = (result.diagnostics or {}).get("seed")
    pnames = province_names()
    return {
        "synthetic": synthetic,
        "anonymised": bool(labels),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_date": str(fed.get("counted_at") or "")[:10] or None,
        "roshan_version": __version__,
        "workspace_id": None,
        "fingerprint": digest,
        "seed": seed,
        "link_run": None,
        "link_health": None,
        "documented": int(frame["count"].sum()),
        "sources": sources,
        "lists": [lab(c) for c in lists],
        "patterns": combos[:MAX_PATTERNS],
        "all_patterns": combos,
        "estimate": est,
        "estimate_error": None,
        "strata": strata,
        "provinces": {c: {"name_en": n[0], "name_fa": n[1]} for c, n in pnames.items()},
        "counts_only": {
            "file": counts.name,
            "sha256": digest,
            "dims": dims,
            "strata_errors": strata_errors,
            "federated": doc is not None,
            "method": method,
        },
    }


def _frame(raw: pd.DataFrame, lists: list[str], counts: Path) -> pd.DataFrame:
    """The table with 0/1 list columns and whole counts (errors name the file)."""
    frame = raw.copy()
    try:
        for c in [*lists, "count"]:
            frame[c] = pd.to_numeric(frame[c], errors="raise").astype(np.int64)
    except (TypeError, ValueError):
        raise InputFileError(
            f"column {c!r} must hold whole numbers (lists 0 or 1)", file=str(counts)
        ) from None
    if len(lists) < 2:
        raise InputFileError("need at least 2 list columns besides the count", file=str(counts))
    return frame


def build_counts_report(
    counts: Path,
    out: Path,
    *,
    pdf: Path | None = None,
    lang: str = "en",
    method: str | None = None,
    anonymise_sources: bool = False,
) -> Path:
    """Write the report of the counts table ``counts`` to ``out`` (and a PDF to ``pdf``).

    The estimate is made now, with ``method`` (the default method unless given), as
    ``roshan estimate --counts`` makes it. Returns ``out``.
    """
    from roshan.report.build import render_html, write_report
    from roshan.report.i18n import check_lang

    check_lang(lang)
    d = counts_report_data(Path(counts), method=method, anonymise_sources=anonymise_sources)
    return write_report(render_html(d, lang), out, pdf)
