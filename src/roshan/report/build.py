"""Build the report: one self-contained HTML file, and optionally a PDF of the same content.

What: :func:`build_report` gathers the data (:func:`roshan.report.data.report_data`),
draws the charts and maps as inline SVG, fills the Jinja2 template with the
edition's language (``en`` or ``fa``) and writes the HTML; with ``pdf`` it
renders the same HTML to PDF with WeasyPrint.

Why this way: the HTML must open from a USB stick with no internet, so every
style, font (Vazirmatn, OFL) and figure is inlined and there is no script at
all. WeasyPrint prints that very HTML, so the PDF cannot drift from it; its URL
fetcher is replaced by one that only serves ``data:`` URIs, so a PDF build
never touches the network either.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roshan.estimate.linkage import OBSERVED_GAP_WARN
from roshan.estimate.notes import localize_warning
from roshan.files import replacing
from roshan.report import charts, i18n
from roshan.report.data import STRATA_DIMS, report_data
from roshan.report.federate import federate_view
from roshan.report.map import choropleth_svg

if TYPE_CHECKING:
    from roshan.store.workspace import Workspace

__all__ = ["build_report", "linkage_view", "render_html", "write_pdf"]


@lru_cache(maxsize=8)
def _static_text(name: str) -> str:
    return resources.files("roshan.report").joinpath(f"static/{name}").read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def _static_b64(name: str) -> str:
    data = resources.files("roshan.report").joinpath(f"static/{name}").read_bytes()
    return base64.b64encode(data).decode("ascii")


def _env() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("roshan.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _stratum_label(dim: str, value: str, lang: str, provinces: dict[str, Any]) -> str:
    if value in ("unknown", "None"):
        return i18n.t("unknown", lang)
    if dim == "province" and value in provinces:
        p = provinces[value]
        return f"{p['name_fa'] if lang == 'fa' else p['name_en']} ({value})"
    if dim == "sex":
        return i18n.t({"m": "male", "f": "female"}.get(value, "unknown"), lang)
    if dim == "period":
        return {
            "before_blackout": i18n.t("before_blackout", lang),
            "blackout": i18n.t("blackout_period", lang),
        }.get(value, value)
    return i18n.digits(value, lang)


def _svgs(d: dict[str, Any], lang: str) -> dict[str, str | None]:
    """Every figure of the report as an SVG string (None where there is nothing to draw)."""
    out = _estimate_and_overlap_svgs(d, lang)
    out["timeline"] = charts.to_svg(
        charts.timeline_chart(d["timeline"]["by_day"], d["timeline"]["blackout"], lang), lang
    )
    period = d["strata"]["period"]
    out["period"] = (
        charts.to_svg(charts.period_chart(period, lang), lang) if period.get("run") else None
    )
    out["age_sex"] = charts.to_svg(charts.age_sex_chart(d["age_sex"], lang), lang)
    out["cause"] = charts.to_svg(charts.cause_chart(d["causes"], lang), lang)
    out.update(_strata_svgs(d, lang, STRATA_DIMS))
    provinces = d["provinces"]
    documented = {c: (p["documented"] or None) for c, p in provinces.items()}
    estimated = {c: p["estimate"] for c, p in provinces.items()}
    has_est = any(v is not None for v in estimated.values())
    # both maps share class bounds so the same colour means the same number
    from roshan.report.map import class_breaks

    values = [float(v) for v in [*documented.values(), *estimated.values()] if v is not None]
    breaks = class_breaks(values)
    legend, no_data = i18n.t("count", lang), i18n.t("no_data", lang)
    for key, values_by_province, shown in (
        ("map_documented", documented, True),
        ("map_estimated", estimated, has_est),
    ):
        out[key] = (
            choropleth_svg(
                values_by_province,
                title=i18n.t(key, lang),
                lang=lang,
                legend_title=legend,
                no_data_label=no_data,
                breaks=breaks,
            )
            if shown
            else None
        )
    return out


def _counts_svgs(d: dict[str, Any], lang: str) -> dict[str, str | None]:
    """The figures a report from counts alone has: the estimate, the overlaps, the strata."""
    out = _estimate_and_overlap_svgs(d, lang)
    out.update(_strata_svgs(d, lang, d["counts_only"]["dims"]))
    return out


def _estimate_and_overlap_svgs(d: dict[str, Any], lang: str) -> dict[str, str | None]:
    """The estimate's distribution and the overlaps between lists (every report has them)."""
    out: dict[str, str | None] = {"estimate": None}
    est = d.get("estimate")
    curve = ((est or {}).get("result") or {}).get("diagnostics", {}).get("posterior_curve")
    if est and est["result"].get("estimate") is not None and (est.get("draws") or curve):
        # without draws or a posterior curve there is no distribution to draw: the
        # headline card and the summary already give the estimate and its interval
        out["estimate"] = charts.to_svg(charts.estimate_chart(est, lang), lang)
    out["upset"] = (
        charts.to_svg(charts.upset_chart(d["patterns"], d["lists"], lang), lang)
        if d["patterns"]
        else None
    )
    return out


def _strata_svgs(d: dict[str, Any], lang: str, dims: Iterable[str]) -> dict[str, str | None]:
    """One chart of the estimate by stratum for each of ``dims`` (None where none was run)."""
    out: dict[str, str | None] = {}
    for dim in dims:

        def label(value: str, dim: str = dim) -> str:
            return _stratum_label(dim, value, lang, d["provinces"])

        ch = charts.strata_estimate_chart(d["strata"][dim], lang, label=label)
        out["strata_" + dim] = charts.to_svg(ch, lang) if ch is not None else None
    return out


#: Okabe–Ito colours of the two parts of the uncertainty (as the rest of the report).
_UNLISTED_COLOUR, _LINKAGE_COLOUR = "#0072B2", "#E69F00"


def _share_bar_svg(share_unlisted: float, lang: str, width: int = 320, height: int = 16) -> str:
    """A small inline SVG bar: the unlisted part from the reading start, then linkage."""
    from html import escape

    u = min(max(float(share_unlisted), 0.0), 1.0)
    wu = round(u * width, 1)
    wl = round(width - wu, 1)
    # Persian reads right to left: the first part starts on the right
    xu, xl = (wl, 0.0) if lang == "fa" else (0.0, wu)
    unl = escape(i18n.t("linkage_part_unlisted", lang))
    lnk = escape(i18n.t("linkage_part_linkage", lang))
    return (
        f'<svg class="share-bar" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{unl}: {escape(i18n.pct(u, lang, 0))}">'
        f'<rect x="{xu}" y="0" width="{wu}" height="{height}" fill="{_UNLISTED_COLOUR}">'
        f"<title>{unl}</title></rect>"
        f'<rect x="{xl}" y="0" width="{wl}" height="{height}" fill="{_LINKAGE_COLOUR}">'
        f"<title>{lnk}</title></rect>"
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="none" '
        f'stroke="#111"/></svg>'
    )


def linkage_view(block: dict[str, Any] | None, lang: str = "en") -> dict[str, Any] | None:
    """The headline's "Linkage uncertainty" lines for ``block`` (``data.linkage_block``).

    Each line is None when its numbers are missing, so a partial diagnostics dict
    still renders what it has. Shares are whole percentages that add up to 100.
    """
    if not block:
        return None
    num = lambda v: i18n.num(v, lang)  # noqa: E731
    view: dict[str, Any] = {
        "pooled": None,
        "plugin": None,
        "people": None,
        "people_uncertain": False,
        "shares": None,
        "bar": None,
        "draws": None,
        "failed": None,
        "disagree": bool(block.get("intervals_disagree")),
    }
    if block.get("estimate") is not None:
        n = block.get("n_draws") or block.get("draws_used")
        view["pooled"] = i18n.t(
            "linkage_pooled",
            lang,
            n=num(n),
            est=num(block["estimate"]),
            lo=num(block.get("lower")),
            hi=num(block.get("upper")),
        )
    plugin = block.get("plugin") or {}
    if plugin.get("estimate") is not None:
        view["plugin"] = i18n.t(
            "linkage_plugin",
            lang,
            est=num(plugin["estimate"]),
            lo=num(plugin.get("lower")),
            hi=num(plugin.get("upper")),
        )
    obs = block.get("observed") or {}
    linked = plugin.get("observed")
    if None not in (obs.get("min"), obs.get("max"), linked):
        gap = block.get("observed_gap")
        key = (
            "linkage_people_uncertain"
            if gap is not None and abs(gap) > OBSERVED_GAP_WARN
            else "linkage_people"
        )
        view["people"] = i18n.t(
            key, lang, linked=num(linked), lo=num(obs["min"]), hi=num(obs["max"])
        )
        view["people_uncertain"] = key == "linkage_people_uncertain"
    share_l = block.get("share_linkage")
    if share_l is not None:
        pl = round(100 * float(share_l))
        view["share_linkage_pct"], view["share_unlisted_pct"] = pl, 100 - pl
        view["shares"] = i18n.t(
            "linkage_shares",
            lang,
            unlisted=i18n.pct((100 - pl) / 100, lang, 0),
            linkage=i18n.pct(pl / 100, lang, 0),
        )
        view["bar"] = _share_bar_svg((100 - pl) / 100, lang)
    if block.get("n_draws") is not None:
        used = block.get("draws_used")
        view["draws"] = i18n.t(
            "linkage_draws",
            lang,
            n=num(block["n_draws"]),
            used=num(used if used is not None else block["n_draws"]),
        )
    if block.get("draws_failed"):
        view["failed"] = i18n.t("linkage_failed", lang, k=num(block["draws_failed"]))
    return view


def _documented_range(est: dict[str, Any]) -> tuple[float, float] | None:
    """(fewest, most) documented people across drawn clusterings when flagged uncertain."""
    info = ((est.get("result") or {}).get("diagnostics") or {}).get("linkage")
    if not isinstance(info, dict):
        return None
    gap = info.get("observed_gap")
    flagged = info.get("observed_uncertain")
    if flagged is None:  # results written before the flag was recorded
        flagged = gap is not None and abs(float(gap)) > OBSERVED_GAP_WARN
    obs = info.get("observed_per_draw") or {}
    if not flagged or obs.get("min") is None or obs.get("max") is None:
        return None
    return float(obs["min"]), float(obs["max"])


def headline_sentence(est: dict[str, Any] | None, lang: str) -> str:
    """The headline in words: estimate, interval, documented, on no list, method (both editions)."""
    if not est or (est.get("result") or {}).get("estimate") is None:
        return ""
    r = est["result"]
    num = lambda v: i18n.num(v, lang)  # noqa: E731
    method = est.get("method") or r.get("method") or ""
    key = f"method_name_{method}"
    name = f"{method} ({i18n.t(key, lang)})" if key in i18n.STRINGS else method
    observed = r.get("observed")
    unlisted = r.get("unobserved")
    if unlisted is None and observed is not None:
        unlisted = max(0.0, float(r["estimate"]) - float(observed))
    level = i18n.pct(r.get("level") or 0.95, lang, 0)
    lists = r.get("lists") or []
    docs = _documented_range(est)
    if docs is not None:
        # The linker's own count is itself uncertain (estimate.linkage.OBSERVED_GAP_WARN):
        # one clustering's split into "documented" and "on no list" would read as fact.
        lo, hi = docs
        total = float(r["estimate"])
        return i18n.t(
            "headline_sentence_uncertain",
            lang,
            estimate=num(total),
            lower=num(r.get("lower")),
            upper=num(r.get("upper")),
            observed_lo=num(lo),
            observed_hi=num(hi),
            k=num(len(lists)),
            unlisted_lo=num(max(0.0, total - hi)),
            unlisted_hi=num(max(0.0, total - lo)),
            method=name,
            level=level,
        )
    return i18n.t(
        "headline_sentence",
        lang,
        estimate=num(r["estimate"]),
        lower=num(r.get("lower")),
        upper=num(r.get("upper")),
        observed=num(observed),
        k=num(len(lists)),
        unlisted=num(unlisted),
        method=name,
        level=level,
    )


def render_html(d: dict[str, Any], lang: str = "en") -> str:
    """The report HTML for data ``d`` (from :func:`report_data`) in ``lang``."""
    i18n.check_lang(lang)
    est = d.get("estimate")
    summary = ""
    if est:
        summary = charts.result_from_dict(est["result"]).summary(lang=lang)
        if lang == "fa":  # the estimator writes Latin digits; the Persian edition uses its own
            summary = i18n.digits(summary, "fa")
    counts_only = d.get("counts_only")
    body = d.get("body_withheld") or {}
    total = sum(body.values())
    settings: dict[str, Any] = {
        "link_run": (d.get("link_run") or {}).get("id"),
        "link_threshold": (d.get("link_run") or {}).get("threshold"),
        "estimate": ({"run": est["run_id"], **(est.get("settings") or {})} if est else None),
    }
    if counts_only:  # no linkage run and no stored estimate run: the counts file instead
        settings = {"estimate": (est.get("settings") if est else None)}
    template = _env().get_template("report.html.j2")
    missing = {
        m["field"]: m.get("share") or 0.0 for m in (d.get("quality") or {}).get("missing") or []
    }
    names_split = (
        missing.get("full_name", 0.0) > 0.5
        and min(missing.get("given_name", 1.0), missing.get("family_name", 1.0)) < 0.5
    )
    return template.render(
        headline_sentence=headline_sentence(est, lang),
        method_names=frozenset(k for k in i18n.STRINGS if k.startswith("method_name_")),
        kind_names=frozenset(k for k in i18n.STRINGS if k.startswith("kind_")),
        names_split=names_split,
        d=d,
        lang=lang,
        dir=i18n.direction(lang),
        est=est,
        summary=summary,
        svg=_counts_svgs(d, lang) if counts_only else _svgs(d, lang),
        dims=counts_only["dims"] if counts_only else STRATA_DIMS,
        counts_only=counts_only,
        counts_dims_text=("، " if lang == "fa" else ", ").join(
            i18n.t(f"dim_{x}", lang) for x in (counts_only or {}).get("dims") or []
        ),
        css=_static_text("report.css"),
        font_regular=_static_b64("Vazirmatn-Regular.woff2"),
        font_bold=_static_b64("Vazirmatn-Bold.woff2"),
        method_paragraphs=i18n.method_paragraphs(lang),
        method_linkage=i18n.method_linkage_paragraph(lang),
        linkage=linkage_view((est or {}).get("linkage"), lang),
        federate=federate_view(
            (est or {}).get("result"), lang, anonymised=bool(d.get("anonymised"))
        ),
        unlisted_colour=_UNLISTED_COLOUR,
        linkage_colour=_LINKAGE_COLOUR,
        settings_text=json.dumps(settings, sort_keys=True, default=str),
        body_share=(body["yes"] / total) if total else None,
        t=lambda key, **kw: i18n.t(key, lang, **kw),
        num=lambda v: i18n.num(v, lang),
        warning=lambda w: localize_warning(str(w), lang),
        pct=lambda v, dp=1: i18n.pct(v, lang, dp),
        date=lambda v: i18n.date_label(v, lang),
        stratum_label=lambda dim, v: _stratum_label(dim, v, lang, d["provinces"]),
    )


def _data_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves ``data:`` URIs and refuses everything else.

    WeasyPrint 66+ wants a ``URLFetcher`` object: given a plain function (as before)
    it failed to load every ``data:`` font, so the Persian PDF had no Vazirmatn.
    """
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",), timeout=1)


def write_pdf(html: str, pdf: Path) -> Path:
    """Print ``html`` to ``pdf`` with WeasyPrint (no network: data: URIs only).

    Figures with Persian text are drawn as shaped PNGs first (``printfig``):
    WeasyPrint's SVG text has no bidi or joining.
    """
    import logging

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    pdf = Path(pdf)
    from roshan.report.printfig import print_figures

    with replacing(pdf) as tmp:
        weasyprint.HTML(string=print_figures(html), url_fetcher=_data_only_fetcher()).write_pdf(tmp)
    return pdf


def write_report(html: str, out: Path, pdf: Path | None = None) -> Path:
    """Write the report ``html`` to ``out`` and, given ``pdf``, its PDF there; each file is
    written whole or not at all. Returns ``out``."""
    out = Path(out)
    with replacing(out) as tmp:
        tmp.write_text(html, encoding="utf-8")
    if pdf is not None:
        write_pdf(html, Path(pdf))
    return out


def build_report(
    ws: Workspace,
    out: Path,
    *,
    pdf: Path | None = None,
    lang: str = "en",
    anonymise_sources: bool = False,
    compute_missing: bool = True,
    accept_linkage_risk: bool = False,
) -> Path:
    """Write the self-contained HTML report of ``ws`` to ``out`` (and a PDF to ``pdf``).

    ``lang`` is ``en`` or ``fa`` (right to left, Persian digits, Jalali dates).
    ``anonymise_sources`` shows sources as List A, List B, …; ``compute_missing``
    lets the report estimate the total itself when no estimate is stored.
    Returns ``out``.
    """
    i18n.check_lang(lang)
    from roshan.errors import LinkageError
    from roshan.report.data import latest_link_run

    if latest_link_run(ws) is None:
        raise LinkageError(
            "no linkage results in this workspace yet; run `roshan link` "
            "first (the report counts unique victims)"
        )
    d = report_data(
        ws,
        compute_missing=compute_missing,
        anonymise_sources=anonymise_sources,
        accept_linkage_risk=accept_linkage_risk,
    )
    return write_report(render_html(d, lang), out, pdf)
