"""Everything the report shows, gathered from a workspace into one JSON-safe dict.

What: :func:`report_data` reads the store (sources, records, victims, link and
estimate runs) and the linkage snapshots, and returns plain numbers and lists:
headline, sources and overlaps, timeline, provinces, strata, victims' profile,
data quality and a reproducibility block. The HTML/PDF report
(:mod:`roshan.report.build`) and the web dashboard both render from it.

Why this way: gathering once and rendering twice keeps the two editions (and
the dashboard) telling exactly the same numbers. Estimates come from stored
``EstimateRun`` rows (what ``roshan estimate`` and the web app save): the latest
run of the current linkage for the total and for each stratum dimension. With
no stored total, one is computed with the default method and stored, and the
report says so; stratified estimates are slow (minutes) and are only computed
when asked (:func:`estimate_strata`, ``roshan report --estimate-strata``).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select

from roshan import __version__
from roshan.canonical import FIELD_NAMES
from roshan.estimate.methods import STRATA
from roshan.store.models import EstimateRun, Import, LinkRun, Record, Source, Victim
from roshan.store.workspace import Workspace

__all__ = [
    "DEFAULT_SEED",
    "STRATA_DIMS",
    "report_data",
    "estimate_strata",
    "store_estimate",
    "latest_link_run",
    "is_synthetic",
    "linkage_block",
    "scrub_sources",
    "strata_block",
    "BLACKOUT",
]

#: Seed used when the report itself computes an estimate (recorded in the footer).
DEFAULT_SEED = 20260108
#: Stratum dimensions the report shows (the names ``capture_histories`` knows).
STRATA_DIMS: tuple[str, ...] = STRATA  # defined once, in roshan.estimate.methods
#: First day of the nationwide internet blackout, marked on the timeline.
BLACKOUT = "2026-01-08"
#: Largest number of overlap combinations drawn in the UpSet chart.
MAX_PATTERNS = 20
SYNTHETIC_MARK = "SYNTHETIC"


def _read(ws: Workspace) -> Any:
    """A read-only connection: on SQLite a deferred BEGIN, so reading never blocks writers."""
    return ws.engine.connect().execution_options(sqlite_deferred=True)


def is_synthetic(source_names: list[str]) -> bool:
    """True when any source came from roshan's simulator (its names start with SYNTHETIC)."""
    return any(str(n).upper().startswith(SYNTHETIC_MARK) for n in source_names)


def latest_link_run(ws: Workspace) -> dict[str, Any] | None:
    """The latest finished linkage run (id, engine, threshold, settings), or None."""
    stmt = select(LinkRun).order_by(LinkRun.id.desc())
    with ws.session() as sess:
        for run in sess.scalars(stmt):
            if run.status in ("done", "finished", "ok", "succeeded", "completed"):
                return {
                    "id": run.id,
                    "engine": run.engine,
                    "threshold": run.threshold,
                    "settings": run.settings or {},
                    "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                    "n_records": run.n_records,
                    "n_victims": run.n_victims,
                }
    return None


def store_estimate(
    ws: Workspace,
    result: Any,
    *,
    by: list[str] | None = None,
    settings: dict[str, Any] | None = None,
) -> int:
    """Save an :class:`EstimateResult` as an ``EstimateRun`` of the current linkage; its id."""
    from roshan.estimate.workspace import save_estimate

    return save_estimate(
        ws, result, method=str(result.method), by=list(by or []), settings=dict(settings or {})
    )


def _runs(ws: Workspace) -> list[dict[str, Any]]:
    stmt = select(EstimateRun).order_by(EstimateRun.id.desc())
    with ws.session() as sess:
        return [
            {
                "id": r.id,
                "method": r.method,
                "by": list(r.by or []),
                "settings": r.settings or {},
                "result": r.result,
                "link_run_id": r.link_run_id,
                "created_at": r.created_at.isoformat() if r.created_at else None,
            }
            for r in sess.scalars(stmt)
        ]


def _pick(runs: list[dict[str, Any]], by: list[str], link_id: int | None) -> dict | None:
    """Latest run with exactly these strata, preferring runs of the current linkage."""
    same = [r for r in runs if r["by"] == by and r["result"]]
    current = [r for r in same if link_id is None or r["link_run_id"] == link_id]
    if current:
        return {**current[0], "stale": False}
    if same:
        return {**same[0], "stale": True}
    return None


def draws_list(result: Any) -> list[float] | None:
    """An estimate's posterior or bootstrap draws as plain floats (None for one or none)."""
    if result.draws is None or np.size(result.draws) <= 1:
        return None
    return [float(x) for x in np.asarray(result.draws, dtype=float).ravel()]


def _compute_total(ws: Workspace, seed: int, accept_linkage_risk: bool = False) -> dict[str, Any]:
    """Estimate the total as ``roshan estimate WS`` does by default (the default method,
    pooled over drawn clusterings: linkage uncertainty included), store it, return the run.
    Refused (``LinkageRiskError``) when the linkage failed its health check, unless
    ``accept_linkage_risk``."""
    from roshan.estimate.methods import DEFAULT_METHOD
    from roshan.estimate.workspace import estimate_workspace

    result = estimate_workspace(
        ws, method=DEFAULT_METHOD, seed=seed, store=False, accept_linkage_risk=accept_linkage_risk
    )
    info = (result.diagnostics or {}).get("linkage") or {}
    settings = {
        "method": DEFAULT_METHOD,
        "seed": seed,
        "computed_by": "roshan report",
        "linkage_draws": int(info.get("n_draws") or 0),
    }
    if accept_linkage_risk and (result.diagnostics.get("linkage_health") or {}).get(
        "risk_accepted"
    ):
        settings["accept_linkage_risk"] = True
    run_id = store_estimate(ws, result, settings=settings)
    draws = draws_list(result)
    return {
        "id": run_id,
        "method": result.method,
        "by": [],
        "settings": settings,
        "result": result.to_dict(),
        "draws": draws,
        "stale": False,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def estimate_strata(
    ws: Workspace,
    dims: tuple[str, ...] | list[str] = STRATA_DIMS,
    *,
    method: str | None = None,
    seed: int = DEFAULT_SEED,
    **options: Any,
) -> dict[str, int]:
    """Estimate by each stratum dimension with ``fit_strata`` and store the runs (slow).

    One run per dimension (``by=[dim]``), the default method unless ``method``
    is given; returns ``{dim: run id}``. A dimension whose estimate fails is
    skipped (the report then says it is missing).
    """
    from roshan.errors import RoshanError
    from roshan.estimate.methods import DEFAULT_METHOD
    from roshan.estimate.strata import fit_strata
    from roshan.link.histories import capture_histories

    method = method or DEFAULT_METHOD
    out: dict[str, int] = {}
    for dim in dims:
        frame = capture_histories(ws, [dim])
        try:
            result = fit_strata(frame, [dim], method, seed=seed, **options)
        except RoshanError:
            continue
        settings = {
            "method": method,
            "seed": seed,
            "computed_by": "roshan report",
            **{k: v for k, v in options.items() if isinstance(v, (int, float, str))},
        }
        out[dim] = store_estimate(ws, result, by=[dim], settings=settings)
    return out


def _victims(ws: Workspace) -> pd.DataFrame:
    cols = [
        Victim.uid,
        Victim.sex,
        Victim.age,
        Victim.date_of_death,
        Victim.province,
        Victim.province_code,
        Victim.cause_category,
        Victim.body_withheld,
        Victim.sources,
    ]
    with _read(ws) as conn:
        frame = pd.read_sql(select(*cols).where(Victim.active.is_(True)), conn)
    frame["sources"] = frame["sources"].map(
        lambda s: json.loads(s) if isinstance(s, str) else (s or [])
    )
    return frame


def _sources(ws: Workspace) -> list[dict[str, Any]]:
    acc = func.sum(case((Record.status == "accepted", 1), else_=0))
    rej = func.sum(case((Record.status == "rejected", 1), else_=0))
    stmt = (
        select(Source.id, Source.name, Source.kind, acc, rej)
        .join(Record, Record.source_id == Source.id, isouter=True)
        .group_by(Source.id, Source.name, Source.kind)
        .order_by(Source.id)
    )
    with _read(ws) as conn:
        return [
            {"name": r[1], "kind": r[2], "records": int(r[3] or 0), "rejected": int(r[4] or 0)}
            for r in conn.execute(stmt)
        ]


def source_labels(names: list[str]) -> dict[str, str]:
    """Anonymised labels ``List A``, ``List B``, … (``List AA`` past Z) in the given order."""
    from roshan.report.redact import list_label

    return {n: list_label(i) for i, n in enumerate(names)}


def scrub_sources(obj: Any, labels: dict[str, str], *, keys: bool = True) -> Any:
    """Replace every source name inside nested strings (model formulas, warnings) by its
    label, the longest names first; ``keys``: in the dicts' keys too."""
    names = sorted(labels, key=len, reverse=True)

    def walk(v: Any) -> Any:
        if isinstance(v, str):
            for name in names:
                if name in v:
                    v = v.replace(name, labels[name])
            return v
        if isinstance(v, dict):
            return {(walk(k) if keys else k): walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    return walk(obj)


def _quality(ws: Workspace) -> dict[str, Any]:
    present = [
        func.sum(case((func.trim(func.coalesce(getattr(Record, f), "")) == "", 1), else_=0)).label(
            f
        )
        for f in FIELD_NAMES
    ]
    with _read(ws) as conn:
        row = conn.execute(
            select(func.count(Record.id), *present).where(Record.status == "accepted")
        ).one()
        accepted = int(row[0] or 0)
        issues = [
            r[0] for r in conn.execute(select(Record.issues).where(Record.status == "rejected"))
        ]
        total = int(conn.execute(select(func.count(Record.id))).scalar() or 0)
    missing = [
        {
            "field": f,
            "missing": int(row[i + 1] or 0),
            "share": (int(row[i + 1] or 0) / accepted) if accepted else None,
        }
        for i, f in enumerate(FIELD_NAMES)
    ]
    reasons: Counter[str] = Counter()
    for item in issues:
        item = json.loads(item) if isinstance(item, str) else item
        for issue in item or []:
            if isinstance(issue, dict) and issue.get("severity", "error") == "error":
                # field + message only: never the cell value (it may be a witness's name)
                reasons[f"{issue.get('field') or '-'}: {issue.get('message') or '?'}"] += 1
    pending: int | None
    try:
        from roshan.link.review import uncertain_pairs

        pending = int(len(uncertain_pairs(ws, limit=10**9)))
    except Exception:  # noqa: BLE001 - no pairs yet / linkage module absent: say "unknown"
        pending = None
    return {
        "records_total": total,
        "accepted": accepted,
        "rejected": total - accepted,
        "missing": missing,
        "rejected_reasons": [{"reason": k, "count": v} for k, v in reasons.most_common(10)],
        "pending_pairs": pending,
    }


def _fingerprint(ws: Workspace, link: dict | None, runs: list[dict | None]) -> str:
    """sha256 over the imported files' hashes, the linkage run and the estimate runs used."""
    with _read(ws) as conn:
        hashes = sorted(r[0] for r in conn.execute(select(Import.sha256)))
    doc = {
        "workspace": ws.id,
        "imports": hashes,
        "link_run": link["id"] if link else None,
        "estimate_runs": [r["id"] for r in runs if r],
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def _data_date(ws: Workspace) -> str | None:
    with _read(ws) as conn:
        value = conn.execute(select(func.max(Import.created_at))).scalar()
    if value is None:
        return None
    return value.date().isoformat() if hasattr(value, "date") else str(value)[:10]


def _stratum_values(victims: pd.DataFrame, dim: str) -> pd.Series:
    from roshan.link.histories import UNKNOWN, age_group_of, period_of

    if dim == "province":
        return victims["province_code"].fillna(UNKNOWN).astype(str)
    if dim == "period":
        return victims["date_of_death"].map(period_of)
    if dim == "sex":
        return victims["sex"].where(victims["sex"].isin(["m", "f"]), UNKNOWN)
    return victims["age"].map(_age_years).map(age_group_of)


def _age_years(value: object) -> float | None:
    """A victim's best age as a number (ranges like ``20-25`` → midpoint)."""
    if value is None:
        return None
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        parts = text.replace("–", "-").split("-")
        try:
            nums = [float(p) for p in parts if p.strip()]
        except ValueError:
            return None
        return sum(nums) / len(nums) if nums else None


def _finite(value: Any) -> float | None:
    """A finite float, or None (missing keys, NaN, text)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if np.isfinite(x) else None


def _mapping(value: Any) -> dict[str, Any]:
    """``value`` when it is a dict (a block of stored diagnostics), else an empty one."""
    return value if isinstance(value, dict) else {}


def _count(value: Any) -> int | None:
    x = _finite(value)
    return int(x) if x is not None else None


def linkage_block(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the report shows of ``diagnostics["linkage"]`` (``roshan estimate --linkage-draws``).

    None when the estimate was made on one clustering. Only the documented keys are
    read (docs/linkage-uncertainty.md, "The decomposition"), each optional: a missing
    or non-numeric value becomes None, and a missing share is one minus the other.
    """
    diag = (result or {}).get("diagnostics") or {}
    info = diag.get("linkage") if isinstance(diag, dict) else None
    if not isinstance(info, dict):
        return None
    pooled, plugin = _mapping(info.get("pooled")), _mapping(info.get("plugin"))
    share_l, share_u = _finite(info.get("share_linkage")), _finite(info.get("share_unlisted"))
    if share_l is None and share_u is not None:
        share_l = 1.0 - share_u
    if share_u is None and share_l is not None:
        share_u = 1.0 - share_l
    if share_l is not None:
        share_l = min(max(share_l, 0.0), 1.0)
        share_u = min(max(share_u if share_u is not None else 1 - share_l, 0.0), 1.0)
    block: dict[str, Any] = {
        "estimate": _finite(pooled.get("estimate", (result or {}).get("estimate"))),
        "lower": _finite(pooled.get("lower", (result or {}).get("lower"))),
        "upper": _finite(pooled.get("upper", (result or {}).get("upper"))),
        "level": _finite((result or {}).get("level")) or 0.95,
        "plugin": {k: _finite(plugin.get(k)) for k in ("estimate", "lower", "upper", "observed")},
        "share_linkage": share_l,
        "share_unlisted": share_u,
        "width_pooled": _finite(info.get("width_pooled")),
        "width_if_linkage_certain": _finite(info.get("width_if_linkage_certain")),
        "n_draws": _count(info.get("n_draws")),
        "draws_used": _count(info.get("draws_used")),
        "draws_failed": _count(info.get("draws_failed")),
        "sampler": info.get("sampler") if isinstance(info.get("sampler"), str) else None,
        "merge_prior": (
            info.get("merge_prior") if isinstance(info.get("merge_prior"), str) else None
        ),
        "seconds": _finite(info.get("seconds")),
    }
    obs = _mapping(info.get("observed_per_draw"))
    block["observed"] = {k: _finite(obs.get(k)) for k in ("min", "median", "max")}
    block["observed_gap"] = _finite(info.get("observed_gap"))
    p, b = block["plugin"], block
    block["intervals_disagree"] = bool(
        None not in (p["lower"], p["upper"], b["lower"], b["upper"])
        and (p["upper"] < b["lower"] or b["upper"] < p["lower"])
    )
    return block


def strata_block(
    run: dict | None, observed: pd.Series, dim: str, labels: dict[str, str] | None
) -> dict[str, Any]:
    """What the report shows of one stratum dimension: the documented count per value
    (``observed``: one value per victim), and the rows of the stratified ``run`` if any."""
    obs = observed.value_counts().to_dict()
    block: dict[str, Any] = {
        "dim": dim,
        "observed": {str(k): int(v) for k, v in obs.items()},
        "run": None,
        "rows": [],
        "has_linkage": False,
    }
    if run is None:
        return block
    res = run["result"]
    block["run"] = {
        "id": run["id"],
        "method": run["method"],
        "stale": run["stale"],
        "created_at": run["created_at"],
        "settings": run["settings"],
        "estimate": res.get("estimate"),
        "lower": res.get("lower"),
        "upper": res.get("upper"),
        "warnings": res.get("warnings") or [],
        "level": res.get("level", 0.95),
        "linkage": linkage_block(res),
    }
    for s in res.get("strata") or []:
        status = s.get("status") or ("ok" if s.get("estimate") is not None else "not_estimable")
        block["rows"].append(
            {
                "value": str(s.get(dim)),
                "observed": int(s.get("observed") or 0),
                "estimate": s.get("estimate"),
                "lower": s.get("lower"),
                "upper": s.get("upper"),
                "status": status,
                "reason": s.get("reason"),
                "handled_as": s.get("handled_as"),
                "lists": [labels.get(x, x) if labels else x for x in (s.get("lists") or [])],
                # pooled over linkage draws (--linkage-draws with --by): this stratum's share
                "share_linkage": _finite(s.get("share_linkage")),
            }
        )
    block["has_linkage"] = any(r["share_linkage"] is not None for r in block["rows"])
    return block


def _health_of(run: dict[str, Any]) -> dict[str, Any] | None:
    """The linkage health recorded with an estimate run (verdict, risk accepted), if any."""
    diag = (run.get("result") or {}).get("diagnostics") or {}
    got = diag.get("linkage_health")
    if not isinstance(got, dict):
        return None
    accepted = bool(
        got.get("risk_accepted") or (run.get("settings") or {}).get("accept_linkage_risk")
    )
    return {
        "verdict": got.get("verdict"),
        "risk_accepted": accepted,
        "failed": list(got.get("failed") or []),
        "review_pairs": int(got.get("review_pairs") or 0),
    }


def _seed_of(est_block: dict[str, Any] | None) -> Any:
    """The seed the shown estimate used (its diagnostics, else its settings), or None."""
    if not est_block:
        return None
    diag = (est_block.get("result") or {}).get("diagnostics") or {}
    if diag.get("seed") is not None:
        return diag["seed"]
    return (est_block.get("settings") or {}).get("seed")


def report_data(
    ws: Workspace,
    *,
    compute_missing: bool = True,
    anonymise_sources: bool = False,
    seed: int = DEFAULT_SEED,
    accept_linkage_risk: bool = False,
) -> dict[str, Any]:
    """Gather every number the report shows (JSON-safe apart from nothing: all plain types).

    ``compute_missing``: with no stored total estimate for the current linkage,
    compute one with the default method and store it (else the headline shows
    none). ``anonymise_sources`` replaces source names with ``List A``, … .
    ``accept_linkage_risk``: compute that estimate even when the linkage failed its
    health check (otherwise the headline says why there is none). ``link_health`` is the
    latest link run's verdict; ``estimate.linkage_health`` the verdict the shown
    estimate was made under, and whether its risk was accepted.
    """
    from roshan.errors import LinkageRiskError, RoshanError
    from roshan.estimate.workspace import linkage_health
    from roshan.link.histories import capture_histories

    sources = _sources(ws)
    names = [s["name"] for s in sources]
    synthetic = is_synthetic(names)
    labels = source_labels(names) if anonymise_sources else None

    def lab(name: str) -> str:
        return labels.get(name, name) if labels else name

    victims = _victims(ws)
    link = latest_link_run(ws)
    for s in sources:
        on = victims["sources"].map(lambda lst, n=s["name"]: n in lst)
        alone = victims["sources"].map(lambda lst, n=s["name"]: list(lst) == [n])
        s.update(victims=int(on.sum()), only_here=int(alone.sum()), label=lab(s["name"]))
        if labels:
            s["name"] = s["label"]

    # overlaps: victims per exact combination of lists
    combos = Counter(tuple(sorted(lab(x) for x in lst)) for lst in victims["sources"] if lst)
    patterns = [{"lists": list(k), "count": v} for k, v in combos.most_common(MAX_PATTERNS)]

    # estimates
    runs = _runs(ws)
    link_id = link["id"] if link else None
    total = _pick(runs, [], link_id)
    estimate_error = None
    if (total is None or total["stale"]) and compute_missing and len(victims):
        try:
            total = _compute_total(ws, seed, accept_linkage_risk)
            total["computed_now"] = True
        except LinkageRiskError:
            # the red box above the cards says why, for readers; the refusal's own text
            # is addressed to the operator (commands, options) and stays out of the report
            estimate_error = None
        except RoshanError as exc:
            estimate_error = str(exc)
    est_block = None
    if total is not None:
        res = dict(total["result"])
        if labels:
            res["lists"] = [lab(x) for x in res.get("lists", [])]
        est_block = {
            "run_id": total["id"],
            "method": total["method"],
            "settings": total["settings"],
            "created_at": total["created_at"],
            "stale": total["stale"],
            "computed_now": bool(total.get("computed_now")),
            "result": res,
            "draws": total.get("draws"),
            "linkage": linkage_block(res),
            "linkage_health": _health_of(total),
        }

    strata_runs = {dim: _pick(runs, [dim], link_id) for dim in STRATA_DIMS}
    strata = {
        dim: strata_block(strata_runs[dim], _stratum_values(victims, dim), dim, labels)
        for dim in STRATA_DIMS
    }

    # timeline: documented by exact day
    dod = victims["date_of_death"].astype(object)
    day = dod.where(dod.map(lambda v: isinstance(v, str) and len(v) == 10), None)
    by_day = day.dropna().value_counts().sort_index()
    timeline = {
        "by_day": [{"date": str(k), "count": int(v)} for k, v in by_day.items()],
        "undated": int(day.isna().sum()),
        "blackout": BLACKOUT,
    }

    # provinces
    from roshan.report.map import province_names

    pnames = province_names()
    prov_counts = victims["province_code"].dropna().value_counts().to_dict()
    provinces: dict[str, dict[str, Any]] = {
        code: {
            "name_en": nm[0],
            "name_fa": nm[1],
            "documented": int(prov_counts.get(code, 0)),
            "estimate": None,
            "lower": None,
            "upper": None,
        }
        for code, nm in pnames.items()
    }
    for row in strata["province"]["rows"]:
        if row["value"] in provinces and row["status"] == "ok":
            provinces[row["value"]].update(
                estimate=row["estimate"], lower=row["lower"], upper=row["upper"]
            )
    unknown_province = int(
        victims["province_code"].isna().sum()
        + sum(v for k, v in prov_counts.items() if k not in provinces)
    )

    # victims' profile
    sex = victims["sex"].where(victims["sex"].isin(["m", "f"]), "unknown")
    age_group = _stratum_values(victims, "age_group")
    age_sex = (
        pd.DataFrame({"age_group": age_group, "sex": sex}).value_counts().reset_index(name="count")
    )
    causes = victims["cause_category"].fillna("unknown").value_counts()
    bw = victims["body_withheld"]
    body = {
        "yes": int((bw == True).sum()),  # noqa: E712 - a nullable column: NA is neither
        "no": int((bw == False).sum()),  # noqa: E712
        "unknown": int(bw.isna().sum()),
    }

    histories_lists: list[str] = []
    try:
        histories_lists = [c for c in capture_histories(ws).columns if c != "count"]
    except RoshanError:
        pass

    if labels:
        est_block = scrub_sources(est_block, labels)
        strata = scrub_sources(strata, labels)
    used_runs = [total, *strata_runs.values()]
    return {
        "synthetic": synthetic,
        "anonymised": bool(labels),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_date": _data_date(ws),
        "roshan_version": __version__,
        "workspace_id": ws.id,
        "fingerprint": _fingerprint(ws, link, used_runs),
        "seed": _seed_of(est_block),
        "link_run": link,
        "documented": int(len(victims)),
        "sources": sources,
        "lists": [lab(x) for x in histories_lists],
        "patterns": patterns,
        "estimate": est_block,
        "estimate_error": estimate_error,
        "link_health": linkage_health(ws),
        "strata": strata,
        "timeline": timeline,
        "provinces": provinces,
        "unknown_province": unknown_province,
        "age_sex": age_sex.to_dict(orient="records"),
        "causes": [{"cause": str(k), "count": int(v)} for k, v in causes.items()],
        "body_withheld": body,
        "quality": _quality(ws),
    }
