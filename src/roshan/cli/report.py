"""``roshan report``: the self-contained HTML report (and PDF) of a workspace, or of a
table of capture-pattern counts alone (``--counts``: what a ``roshan federate``
coordinator holds).

Thin door onto :func:`roshan.report.build_report` (estimates for strata can be computed
first with ``--estimate-strata``, slow: minutes) and :func:`roshan.report.build_counts_report`
(the estimate made now, as ``roshan estimate --counts`` makes it).
"""

from __future__ import annotations

from pathlib import Path

import typer

from roshan.cli.common import (
    accept_linkage_risk_option,
    console,
    counts_option,
    json_option,
    lang_option,
    print_json,
    progress,
    step,
    workspace_or_counts,
    workspace_or_counts_arg,
)


def report(
    workspace: Path | None = workspace_or_counts_arg("The workspace folder (or --counts instead)."),
    counts: Path | None = counts_option(
        "Build the report from a counts CSV alone instead of a workspace (one 0/1 "
        "column per list, optional stratum columns, 'count'; the provenance "
        "COUNTS.federate.json of `roshan federate count` is read when it is beside it). "
        "Sections that need records are left out."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="HTML file to write (self-contained)."),
    pdf: Path | None = typer.Option(None, "--pdf", help="Also write a PDF of the same content."),
    lang: str = lang_option("Language: en or fa (Persian, right to left)."),
    anonymise_sources: bool = typer.Option(
        False, "--anonymise-sources", help="Show sources as List A, List B, … instead of names."
    ),
    estimate_strata: bool = typer.Option(
        False,
        "--estimate-strata",
        help="First estimate by province, period, sex and age group "
        "with the default method and store the runs (takes minutes).",
    ),
    compute: bool = typer.Option(
        True,
        "--compute/--no-compute",
        help="Estimate the total now if none is stored "
        "(--no-compute: report without an estimate instead).",
    ),
    accept_linkage_risk: bool = accept_linkage_risk_option(
        "Estimate the total even though the latest "
        "linkage failed its health check (otherwise the headline has no estimate); the "
        "report says the risk was accepted."
    ),
    method: str | None = typer.Option(
        None,
        "--method",
        help="With --counts: the estimation method (default: the default method of "
        "`roshan estimate`). A workspace report shows its stored estimate instead.",
    ),
    json_out: bool = json_option("Print what was written as JSON."),
) -> None:
    """Write the report: headline, sources, timeline, map, strata, victims, quality, method
    (of a workspace, or with --counts of a counts table alone)."""
    from roshan.errors import RoshanError
    from roshan.report import check_lang

    check_lang(lang)
    workspace_or_counts(workspace, counts)
    if counts is not None:
        stray = [
            name
            for name, on in (
                ("--estimate-strata", estimate_strata),
                ("--accept-linkage-risk", accept_linkage_risk),
            )
            if on
        ]
        if stray:
            raise RoshanError(f"{', '.join(stray)} apply to a workspace, not to --counts")
        _report_counts(counts, out, pdf, lang, method, anonymise_sources, json_out)
        return
    if method is not None:
        raise RoshanError(
            "--method applies to --counts only (a workspace report shows its stored estimate)"
        )
    from roshan.report import build_report
    from roshan.store import Workspace

    assert workspace is not None  # checked above
    with Workspace.open(workspace) as ws:
        with progress(enabled=not json_out) as prog:
            if estimate_strata:
                from roshan.report import estimate_strata as run_strata

                with step(prog, "estimating by stratum"):
                    run_strata(ws)
            with step(prog, "building the report"):
                path = build_report(
                    ws,
                    out,
                    pdf=pdf,
                    lang=lang,
                    anonymise_sources=anonymise_sources,
                    compute_missing=compute,
                    accept_linkage_risk=accept_linkage_risk,
                )
    _written(path, pdf, lang, json_out)


def _written(path: Path, pdf: Path | None, lang: str, json_out: bool) -> None:
    if json_out:
        from roshan.cli.documents import ReportWritten

        print_json(
            ReportWritten(html=str(path), pdf=str(pdf) if pdf else None, lang=lang).to_dict()
        )
        return
    console.print(f"wrote {path}" + (f" and {pdf}" if pdf else ""))


def _report_counts(
    counts: Path,
    out: Path,
    pdf: Path | None,
    lang: str,
    method: str | None,
    anonymise_sources: bool,
    json_out: bool,
) -> None:
    """The report of a counts table alone: estimated now, as `roshan estimate --counts`."""
    from roshan.report import build_counts_report

    with (
        progress(enabled=not json_out) as prog,
        step(prog, "estimating from the counts and building the report"),
    ):
        path = build_counts_report(
            counts, out, pdf=pdf, lang=lang, method=method, anonymise_sources=anonymise_sources
        )
    _written(path, pdf, lang, json_out)


def register(app: typer.Typer) -> None:
    """Add this group's commands to the root app."""
    app.command("report")(report)
