"""The dashboard: the latest estimate with its interval, the timeline and the province map.

Aggregates only (every role may see it; it never shows a name). The numbers are the
report module's (:func:`roshan.report.data.report_data`, without computing a missing
estimate) and the charts are its timeline chart and province choropleth
(:mod:`roshan.report.charts`, :func:`roshan.report.map.choropleth_svg`), so the
dashboard and the published report agree. They are computed once per change of the
store (see :class:`_Cache`), never per request.
"""

from __future__ import annotations

import logging
import threading
import time
from html import escape
from typing import Any

from fastapi import APIRouter, Request

from roshan.store import (
    Workspace,
    active_victims_by_date,
    active_victims_by_province,
    count_accepted_records,
    count_sources,
    latest_ids,
)
from roshan.web.auth import CurrentUser
from roshan.web.db import reader
from roshan.web.routes.common import CanViewAggregates, lang_of, render

log = logging.getLogger("roshan.web")
router = APIRouter()
#: How often (seconds) the store is asked whether the aggregates changed.
CHECK_SECONDS = 5.0


class _Cache:
    """Aggregates and rendered charts, recomputed only when the store changed.

    The signature is the newest link run, estimate run and import (three primary-key
    lookups, at most every CHECK_SECONDS); aggregates and each language's charts are
    computed once per signature, under a lock, so twenty users opening the dashboard
    after a link run cause one computation, not twenty.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.signature: Any = None
        self.checked = 0.0
        self.data: dict[str, Any] | None = None
        self.svgs: dict[str, dict[str, str]] = {}


_caches: dict[str, _Cache] = {}
_caches_lock = threading.Lock()


def _cache_for(ws: Workspace) -> _Cache:
    with _caches_lock:
        return _caches.setdefault(str(ws.root), _Cache())


def _signature(ws: Workspace) -> tuple[Any, ...]:
    with reader(ws) as conn:
        return tuple(latest_ids(conn))


def _fresh(ws: Workspace) -> _Cache:
    cache = _cache_for(ws)
    now = time.monotonic()
    if cache.data is not None and now - cache.checked < CHECK_SECONDS:
        return cache
    with cache.lock:
        if cache.data is not None and time.monotonic() - cache.checked < CHECK_SECONDS:
            return cache
        sig = _signature(ws)
        if cache.data is None or sig != cache.signature:
            cache.data = _compute(ws)
            cache.svgs = {}
            cache.signature = sig
        cache.checked = time.monotonic()
    return cache


def dashboard_data(ws: Workspace) -> dict[str, Any]:
    """Aggregates for the dashboard (no names), recomputed when the store changes."""
    data = _fresh(ws).data
    assert data is not None
    return data


def dashboard_svgs(ws: Workspace, lang: str) -> dict[str, str]:
    """The dashboard's charts in ``lang`` (timeline and map), rendered once per change."""
    cache = _fresh(ws)
    got = cache.svgs.get(lang)
    if got is not None:
        return got
    with cache.lock:
        got = cache.svgs.get(lang)
        if got is None:
            got = cache.svgs[lang] = _render_svgs(cache.data or {}, lang)
    return got


def forget_cache() -> None:
    """Make the next dashboard view recompute from the store (after an import, link,
    estimate or an edit that keeps the latest run ids, such as a link run's health)."""
    with _caches_lock:
        for cache in _caches.values():
            cache.checked = 0.0
            cache.signature = None


def _compute(ws: Workspace) -> dict[str, Any]:
    """Aggregates from the report module (``roshan.report.data.report_data``), plus counts."""
    with reader(ws) as conn:
        n_records = count_accepted_records(conn)
        n_sources = count_sources(conn)
    try:
        from roshan.report import report_data
    except ImportError:  # pragma: no cover - the report module is part of roshan
        return _compute_basic(ws, int(n_records), int(n_sources))
    from roshan.link import latest_link_health

    d = report_data(ws, compute_missing=False)
    est = d.get("estimate")
    estimate = None
    if est and est.get("result"):
        r = est["result"]
        estimate = {
            "method": est.get("method") or r.get("method"),
            "observed": r.get("observed"),
            "estimate": r.get("estimate"),
            "lower": r.get("lower"),
            "upper": r.get("upper"),
            "level": r.get("level"),
            "warnings": r.get("warnings") or [],
            "stale": bool(est.get("stale")),
        }
    strata: list[dict[str, Any]] = []
    for dim, block in (d.get("strata") or {}).items():
        for row in block.get("rows") or []:
            strata.append(
                {
                    "by": dim,
                    "stratum": row["value"],
                    "observed": row["observed"],
                    "estimate": row["estimate"],
                    "lower": row["lower"],
                    "upper": row["upper"],
                    "status": row.get("status"),
                }
            )
    provinces = sorted(
        (
            {
                "code": code,
                "name_en": p["name_en"],
                "name_fa": p["name_fa"],
                "count": p["documented"],
                "estimate": p["estimate"],
                "lower": p["lower"],
                "upper": p["upper"],
            }
            for code, p in (d.get("provinces") or {}).items()
        ),
        key=lambda p: (-p["count"], p["code"]),
    )
    return {
        "victims": int(d.get("documented") or 0),
        "records": int(n_records),
        "sources": int(n_sources),
        "estimate": estimate,
        "estimate_error": d.get("estimate_error"),
        "strata": strata,
        "timeline": [
            {"date": r["date"], "count": int(r["count"])} for r in d["timeline"]["by_day"]
        ],
        "unknown_date": int(d["timeline"]["undated"]),
        "blackout": d["timeline"].get("blackout"),
        "provinces": provinces,
        "unknown_province": int(d.get("unknown_province") or 0),
        "synthetic": bool(d.get("synthetic")),
        "linkage_health": latest_link_health(ws),
    }


def _compute_basic(ws: Workspace, n_records: int, n_sources: int) -> dict[str, Any]:
    """Aggregates straight from the store (used only without the report module)."""
    from roshan.estimate import latest_estimate

    with reader(ws) as conn:
        timeline = active_victims_by_date(conn)
        provinces = active_victims_by_province(conn)
    est = latest_estimate(ws)
    dated = sorted((d, int(c)) for d, c in timeline if d and len(d) == 10)
    n_victims = sum(int(c) for _, c in timeline)
    return {
        "victims": n_victims,
        "records": n_records,
        "sources": n_sources,
        "estimate": (
            {
                k: est.get(k)
                for k in ("method", "observed", "estimate", "lower", "upper", "level", "warnings")
            }
            if est
            else None
        ),
        "estimate_error": None,
        "strata": [],
        "timeline": [{"date": d, "count": c} for d, c in dated],
        "unknown_date": n_victims - sum(c for _, c in dated),
        "blackout": None,
        "provinces": [
            {
                "code": code,
                "name_en": name,
                "name_fa": name,
                "count": int(c),
                "estimate": None,
                "lower": None,
                "upper": None,
            }
            for code, name, c in provinces
            if code
        ],
        "unknown_province": sum(int(c) for code, _, c in provinces if not code),
        "synthetic": False,
    }


def _render_svgs(data: dict[str, Any], lang: str) -> dict[str, str]:
    """Timeline chart and province map with the report module's chart functions.

    Their SVGs carry presentation attributes only (no inline styles or scripts), so
    they can sit in the page under the strict Content-Security-Policy. Falls back to
    the app's own bar charts if the report charts cannot be drawn.
    """
    from roshan.web.i18n import format_date, t

    out: dict[str, str] = {}
    try:
        from roshan.report import timeline_chart, to_svg

        chart = timeline_chart(
            data.get("timeline") or [], data.get("blackout") or "2026-01-08", lang
        )
        out["timeline"] = to_svg(chart, lang)
    except Exception:  # noqa: BLE001 - a chart must not take the dashboard down
        log.warning("report timeline chart unavailable; drawing plain bars")
        out["timeline"] = bar_chart_svg(
            [(format_date(r["date"], lang), r["count"]) for r in data.get("timeline") or []][:60],
            title="timeline",
        )
    try:
        from roshan.report import choropleth_svg

        values = {p["code"]: (p["count"] or None) for p in data.get("provinces") or []}
        out["map"] = choropleth_svg(
            values,
            title=t(lang, "by_province"),
            lang=lang,
            legend_title=t(lang, "count"),
            no_data_label=t(lang, "none"),
        )
    except Exception:  # noqa: BLE001
        log.warning("report map unavailable; drawing plain bars")
        out["map"] = bar_chart_svg(
            [
                (p["name_fa"] if lang == "fa" else p["name_en"], p["count"])
                for p in data.get("provinces") or []
            ][:40],
            title="provinces",
        )
    for key, svg in out.items():
        if "<script" in svg.lower() or "style=" in svg.lower():
            out[key] = bar_chart_svg([], title=key)  # never let inline code through the CSP
    return out


def bar_chart_svg(
    rows: list[tuple[str, int]], *, width: int = 640, bar: int = 14, title: str = ""
) -> str:
    """A horizontal bar chart as SVG markup (presentation attributes only, no styles)."""
    if not rows:
        return ""
    top = max(c for _, c in rows) or 1
    label_w, gap = 150, 4
    height = len(rows) * (bar + gap) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-label="{escape(title)}">'
    ]
    for i, (label, count) in enumerate(rows):
        y = 5 + i * (bar + gap)
        w = max(1, int((width - label_w - 60) * count / top))
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar - 3}" text-anchor="end" '
            f'font-size="11" fill="currentColor">{escape(str(label))}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar}" fill="#8b1e2d">'
            f"<title>{escape(str(label))}: {count}</title></rect>"
        )
        parts.append(
            f'<text x="{label_w + w + 4}" y="{y + bar - 3}" font-size="11" '
            f'fill="currentColor">{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _source_labels(ws: Workspace) -> dict[str, str]:
    from roshan.report import source_labels_of as labels

    return labels(ws)


def hide_list_names(data: Any, labels: dict[str, str]) -> Any:
    """``data`` with every list (source) name in its texts replaced by its public label.

    Viewers get aggregates at the public level, where lists are "List A", "List B", …
    (as in their exports); estimate warnings and health notes may name a list.
    """
    named = {n: label for n, label in labels.items() if n}
    if not named:
        return data
    from roshan.report import scrub_sources

    return scrub_sources(data, named, keys=False)


def data_for(ws: Workspace, user: CurrentUser) -> dict[str, Any]:
    """The dashboard's aggregates as ``user`` may see them (list names only with view_names)."""
    from roshan.web.auth import VIEW_NAMES

    data = dashboard_data(ws)
    if user.can(VIEW_NAMES):
        return data
    return hide_list_names(data, _source_labels(ws))


@router.get("/", include_in_schema=False)
def dashboard_page(request: Request, user: CanViewAggregates) -> Any:
    ws = request.app.state.ws
    lang = lang_of(request)
    data = data_for(ws, user)
    svgs = dashboard_svgs(ws, lang)
    return render(
        request,
        "dashboard.html",
        {"d": data, "timeline_svg": svgs.get("timeline", ""), "province_svg": svgs.get("map", "")},
    )


@router.get("/api/dashboard", tags=["dashboard"])
def api_dashboard(request: Request, user: CanViewAggregates) -> dict[str, Any]:
    """Aggregates: victims, records, sources, the latest estimate, timeline, provinces.

    Roles that may not see names (viewers) get list names replaced by List A, B, ….
    """
    return data_for(request.app.state.ws, user)
