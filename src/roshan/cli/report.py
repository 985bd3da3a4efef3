"""``roshan report``: the self-contained HTML report (and PDF) of a workspace.

Thin door onto :func:`roshan.report.build.build_report`; estimates for strata
can be computed first with ``--estimate-strata`` (slow: minutes).
"""

from __future__ import annotations

from pathlib import Path

import typer

from roshan.cli.common import console, print_json, progress


def report(
    workspace: Path = typer.Argument(..., help="The workspace folder."),
    out: Path = typer.Option(..., "--out", "-o", help="HTML file to write (self-contained)."),
    pdf: Path | None = typer.Option(None, "--pdf", help="Also write a PDF of the same content."),
    lang: str = typer.Option("en", "--lang", help="Language: en or fa (Persian, right to left)."),
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
    accept_linkage_risk: bool = typer.Option(
        False,
        "--accept-linkage-risk",
        help="Estimate the total even though the latest "
        "linkage failed its health check (otherwise the headline has no estimate); the "
        "report says the risk was accepted.",
    ),
    json_out: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    """Write the report: headline, sources, timeline, map, strata, victims, quality, method."""
    from roshan.errors import RoshanError
    from roshan.report import LANGS, build_report
    from roshan.store import Workspace

    if lang not in LANGS:
        raise RoshanError(f"unknown report language {lang!r}; choose one of {', '.join(LANGS)}")
    with Workspace.open(workspace) as ws:
        with progress(enabled=not json_out) as prog:
            if estimate_strata:
                from roshan.report import estimate_strata as run_strata

                task = prog.add_task("estimating by stratum", total=None)
                run_strata(ws)
                prog.update(task, completed=1, total=1)
            task = prog.add_task("building the report", total=None)
            path = build_report(
                ws,
                out,
                pdf=pdf,
                lang=lang,
                anonymise_sources=anonymise_sources,
                compute_missing=compute,
                accept_linkage_risk=accept_linkage_risk,
            )
            prog.update(task, completed=1, total=1)
    if json_out:
        from roshan.cli.documents import ReportWritten

        print_json(
            ReportWritten(html=str(path), pdf=str(pdf) if pdf else None, lang=lang).to_dict()
        )
        return
    console.print(f"wrote {path}" + (f" and {pdf}" if pdf else ""))


def register(app: typer.Typer) -> None:
    """Add this group's commands to the root app."""
    app.command("report")(report)
