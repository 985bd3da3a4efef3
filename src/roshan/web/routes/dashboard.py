"""The dashboard: the latest estimate with its interval, the timeline and the provinces.

Aggregates only (every role may see it; it never shows a name). Numbers come from
the store (victims of the latest linkage run, the latest stored estimate). When
the report module offers chart SVGs (``roshan.report.charts``) the page can use
them; until then it draws simple bar charts itself, without inline styles so the
strict Content-Security-Policy holds.
"""

from __future__ import annotations

import threading
import time
from html import escape
from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import func, select

from roshan.store.models import Record, Source, Victim
from roshan.store.workspace import Workspace
from roshan.web.auth import VIEW_AGGREGATES, CurrentUser, require
from roshan.web.routes.common import lang_of, render

router = APIRouter()
_CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_cache_lock = threading.Lock()


def dashboard_data(ws: Workspace) -> dict[str, Any]:
    """Aggregates for the dashboard (cached a few seconds; no names)."""
    key = str(ws.root)
    with _cache_lock:
        hit = _cache.get(key)
        if hit and time.monotonic() - hit[0] < _CACHE_SECONDS:
            return hit[1]
    data = _compute(ws)
    with _cache_lock:
        _cache[key] = (time.monotonic(), data)
    return data


def forget_cache() -> None:
    """Drop cached aggregates (after an import, link or estimate)."""
    with _cache_lock:
        _cache.clear()


def _compute(ws: Workspace) -> dict[str, Any]:
    from roshan.estimate.workspace import latest_estimate

    with ws.engine.connect() as conn:
        n_victims = conn.execute(select(func.count()).select_from(Victim)
                                 .where(Victim.active.is_(True))).scalar() or 0
        n_records = conn.execute(select(func.count()).select_from(Record)
                                 .where(Record.status == "accepted")).scalar() or 0
        n_sources = conn.execute(select(func.count()).select_from(Source)).scalar() or 0
        timeline = conn.execute(select(Victim.date_of_death, func.count())
                                .where(Victim.active.is_(True))
                                .group_by(Victim.date_of_death)
                                .order_by(Victim.date_of_death)).all()
        provinces = conn.execute(select(Victim.province, func.count())
                                 .where(Victim.active.is_(True))
                                 .group_by(Victim.province)
                                 .order_by(func.count().desc())).all()
    est = latest_estimate(ws)
    estimate = None
    if est:
        estimate = {k: est.get(k) for k in ("method", "observed", "estimate", "lower", "upper",
                                            "level", "warnings")}
    strata: list[dict[str, Any]] = []
    for by in (["province"], ["period"]):
        doc = latest_estimate(ws, by=by)
        if doc and doc.get("strata"):
            for s in doc["strata"]:
                strata.append({"by": by[0], "stratum": s.get(by[0]),
                               "observed": s.get("observed"), "estimate": s.get("estimate"),
                               "lower": s.get("lower"), "upper": s.get("upper")})
    return {
        "victims": int(n_victims), "records": int(n_records), "sources": int(n_sources),
        "estimate": estimate, "strata": strata,
        "timeline": [{"date": d, "count": int(c)} for d, c in timeline if d],
        "unknown_date": sum(int(c) for d, c in timeline if not d),
        "provinces": [{"province": p or None, "count": int(c)} for p, c in provinces],
    }


def bar_chart_svg(rows: list[tuple[str, int]], *, width: int = 640, bar: int = 14,
                  title: str = "") -> str:
    """A horizontal bar chart as SVG markup (presentation attributes only, no styles)."""
    if not rows:
        return ""
    top = max(c for _, c in rows) or 1
    label_w, gap = 150, 4
    height = len(rows) * (bar + gap) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
             f'viewBox="0 0 {width} {height}" width="100%" aria-label="{escape(title)}">']
    for i, (label, count) in enumerate(rows):
        y = 5 + i * (bar + gap)
        w = max(1, int((width - label_w - 60) * count / top))
        parts.append(f'<text x="{label_w - 6}" y="{y + bar - 3}" text-anchor="end" '
                     f'font-size="11" fill="currentColor">{escape(str(label))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar}" fill="#8b1e2d">'
                     f'<title>{escape(str(label))}: {count}</title></rect>')
        parts.append(f'<text x="{label_w + w + 4}" y="{y + bar - 3}" font-size="11" '
                     f'fill="currentColor">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)


@router.get("/", include_in_schema=False)
def dashboard_page(request: Request, user: CurrentUser = Depends(require(VIEW_AGGREGATES))) -> Any:
    from roshan.web.i18n import format_date

    data = dashboard_data(request.app.state.ws)
    lang = lang_of(request)
    timeline_svg = bar_chart_svg([(format_date(r["date"], lang), r["count"])
                                  for r in data["timeline"]][:60], title="timeline")
    province_svg = bar_chart_svg([(r["province"] or "?", r["count"])
                                  for r in data["provinces"]][:40], title="provinces")
    return render(request, "dashboard.html", {"d": data, "timeline_svg": timeline_svg,
                                              "province_svg": province_svg})


@router.get("/api/dashboard", tags=["dashboard"])
def api_dashboard(request: Request,
                  user: CurrentUser = Depends(require(VIEW_AGGREGATES))) -> dict[str, Any]:
    """Aggregates: victims, records, sources, the latest estimate, timeline, provinces."""
    return dashboard_data(request.app.state.ws)
