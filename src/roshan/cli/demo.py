"""``roshan demo``: the whole pipeline on a bundled synthetic scenario."""

from __future__ import annotations

from pathlib import Path

import typer

from roshan.cli.common import console, json_option, print_json


def demo(
    out: Path = typer.Option(Path("demo"), "--out", help="Folder for the scenario and workspace."),
    seed: int = typer.Option(2026, "--seed", help="Random seed of the synthetic scenario."),
    population: int | None = typer.Option(
        None, "--population", help="Victims in the synthetic population."
    ),
    force: bool = typer.Option(False, "--force", help="Replace the folder if it exists."),
    json_out: bool = json_option("Print the summary as JSON."),
) -> None:
    """Simulate a SYNTHETIC crackdown, then init, ingest, normalise, link, estimate and report."""
    from roshan.demo import run_demo

    summary = run_demo(
        out, seed=seed, population=population, force=force, log=lambda m: console.print(m)
    )
    if json_out:
        from roshan.cli.documents import DemoSummary

        print_json(DemoSummary(**summary).to_dict())
    else:
        console.print(
            f"[bold]done[/]: everything above is SYNTHETIC. Report: {summary.get('report')}"
        )


def register(app: typer.Typer) -> None:
    """Add this group's commands to the root app."""
    app.command("demo")(demo)
