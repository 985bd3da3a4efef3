"""Figures for the PDF: inline SVG whose text is in Persian script becomes a shaped PNG.

What: :func:`print_figures` takes the report's HTML and replaces every inline
``<svg>`` whose ``<text>`` holds Arabic-script letters with an ``<img>`` of the
same size, a PNG drawn by vl-convert (resvg) at ``scale`` times the CSS size,
with the bundled Vazirmatn font. English figures stay vector SVG.

Why: WeasyPrint lays out SVG ``<text>`` one character at a time, with no bidi
reordering and no joining, so «برآورد شمار کل» printed as «ل ک ر ا م ش …»,
letters reversed and unjoined, in every chart of the Persian PDF (the HTML, read
in a browser, was right). resvg shapes with rustybuzz and reorders with the
Unicode bidi algorithm, so its raster is what a reader of Persian expects. The
figure's words stay in the HTML edition as text and in the PDF in each figure's
``alt`` text (its ``aria-label``).
"""

from __future__ import annotations

import base64
import re
import tempfile
from html import escape, unescape
from importlib import resources
from pathlib import Path

__all__ = ["print_figures", "has_persian_text"]

_SVG = re.compile(r"<svg\b[^>]*>.*?</svg>", re.S)
_TEXT = re.compile(r"<text\b[^>]*>([^<]*)</text>")
_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_ATTR = re.compile(r'\b(width|height|aria-label|font-family)="([^"]*)"')

_fonts_dir: Path | None = None


def has_persian_text(svg: str) -> bool:
    """True when some ``<text>`` of ``svg`` holds a letter of the Arabic script."""
    return any(_ARABIC.search(unescape(m.group(1))) for m in _TEXT.finditer(svg))


def _register_fonts() -> None:
    """Give vl-convert the bundled Vazirmatn (as TrueType: resvg does not read WOFF2), once."""
    global _fonts_dir
    if _fonts_dir is not None:
        return
    import vl_convert as vlc
    from fontTools.ttLib import TTFont

    out = Path(tempfile.mkdtemp(prefix="roshan-fonts-"))
    static = resources.files("roshan.report") / "static"
    for weight in ("Regular", "Bold"):
        with (static / f"Vazirmatn-{weight}.woff2").open("rb") as fh:
            font = TTFont(fh)
            font.flavor = None
            font.save(str(out / f"Vazirmatn-{weight}.ttf"))
    vlc.register_font_directory(str(out))
    _fonts_dir = out


def _to_img(svg: str, scale: float) -> str:
    import vl_convert as vlc

    _register_fonts()
    head = svg[: svg.index(">") + 1]
    attrs = dict(_ATTR.findall(head))
    if "font-family" not in attrs:
        # text without its own font (the map) inherits the page's font in a browser
        svg = svg.replace("<svg", '<svg font-family="Vazirmatn, sans-serif"', 1)
    png = vlc.svg_to_png(svg, scale=scale)
    width = attrs.get("width", "").removesuffix("px")
    # as wide as the SVG was, narrower when its box is (two maps share a row, as in English)
    style = (
        f"width:100%;max-width:{width}px;height:auto" if width.replace(".", "").isdigit() else ""
    )
    label = (
        attrs.get("aria-label")
        or " ".join(unescape(m.group(1)).strip() for m in _TEXT.finditer(svg))[:300]
    )
    return (
        f'<img class="print-figure" style="{style}" alt="{escape(unescape(label))}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'
    )


def print_figures(html: str, scale: float = 3.0) -> str:
    """``html`` with each inline SVG that has Persian-script text replaced by a shaped PNG."""
    return _SVG.sub(
        lambda m: _to_img(m.group(0), scale) if has_persian_text(m.group(0)) else m.group(0), html
    )
