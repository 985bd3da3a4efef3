"""roshan.report: what the workspace shows — the report, exports, charts and the map.

Entry points:

- :func:`build_report` — one self-contained HTML file (``en`` or ``fa``, :data:`LANGS`),
  optionally a PDF of the same content; :func:`report_data` — the data behind it;
  :func:`build_counts_report` / :func:`counts_report_data` — the same from a table of
  capture-pattern counts alone (``roshan report --counts``);
  :func:`estimate_strata`, :func:`is_synthetic`;
- exports: :func:`export` (a table to a file), :func:`export_frame` / :func:`write_export`
  (with its redaction note) or :func:`write_frame`,
  :data:`WHATS`, :data:`FORMATS`, :func:`source_labels_of`, :func:`scrub_sources` (list
  names in nested texts replaced by their labels);
- figures: :func:`timeline_chart` (an Altair chart) and :func:`to_svg` (inline SVG, offline),
  :func:`choropleth_svg` and :func:`province_names` (the province map).

Names load on first use (:mod:`roshan._lazy`): ``import roshan.report`` is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from roshan._lazy import lazy_exports

if TYPE_CHECKING:
    from roshan.report.build import build_report
    from roshan.report.charts import timeline_chart, to_svg
    from roshan.report.counts import build_counts_report, counts_report_data
    from roshan.report.data import estimate_strata, is_synthetic, report_data, scrub_sources
    from roshan.report.exports import (
        FORMATS,
        WHATS,
        export,
        export_frame,
        source_labels_of,
        write_export,
        write_frame,
    )
    from roshan.report.federate import federate_view
    from roshan.report.i18n import LANGS, check_lang
    from roshan.report.map import choropleth_svg, province_names

__all__ = [
    "FORMATS",
    "LANGS",
    "WHATS",
    "build_counts_report",
    "build_report",
    "check_lang",
    "choropleth_svg",
    "counts_report_data",
    "estimate_strata",
    "export",
    "export_frame",
    "federate_view",
    "is_synthetic",
    "province_names",
    "report_data",
    "scrub_sources",
    "source_labels_of",
    "timeline_chart",
    "to_svg",
    "write_export",
    "write_frame",
]

__getattr__, __dir__ = lazy_exports(__name__)
