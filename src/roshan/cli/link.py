"""``roshan link``: link every record of a workspace into unique victims.

The ``review`` command belongs to the same group but lives in
:mod:`roshan.cli.review` (owned by the review engineer); it is registered below.
"""

from __future__ import annotations

from pathlib import Path

import typer

from roshan.cli.common import WORKSPACE_ARG, console, json_option, print_json, progress


def link(
    workspace: Path = WORKSPACE_ARG,
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (embedded, default) or spark."),
    spark_master: str | None = typer.Option(
        None, "--spark-master", help="Spark master URL (default: local mode on this machine)."
    ),
    threshold: float | None = typer.Option(
        None,
        "--threshold",
        help="Match probability at which two records are one person "
        "(default 0.9; see docs/linkage.md).",
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Random seed for training (default fixed)."
    ),
    json_out: bool = json_option("Print the run summary as JSON."),
) -> None:
    """Link records across lists into victims; write victims, links and capture histories."""
    from roshan.link import DEFAULT_SEED, capture_histories, link_workspace
    from roshan.store import Workspace

    with Workspace.open(workspace) as ws:
        with progress(enabled=not json_out) as prog:
            task = prog.add_task("linking", total=4)

            def on_progress(step: str, done: int, total: int) -> None:
                prog.update(task, description=step, completed=done, total=total)

            summary = link_workspace(
                ws,
                engine=engine,
                spark_master=spark_master,
                threshold=threshold,
                seed=DEFAULT_SEED if seed is None else seed,
                on_progress=on_progress,
            )
        hist = capture_histories(ws, ["province", "period", "sex", "age_group"])
        hist_path = ws.snapshots_dir / "capture_histories.csv"
        hist.to_csv(hist_path, index=False)
        summary.files["capture_histories"] = str(hist_path)
    if json_out:
        print_json(summary.to_dict())
        return
    console.print(
        f"linked {summary.n_records:,} records from {summary.n_sources} lists into "
        f"[bold]{summary.n_victims:,} victims[/] ({summary.n_linked_victims:,} on more than one "
        f"record) at threshold {summary.threshold:g} with {summary.engine}; "
        f"{summary.n_new_victims:,} new ids, {summary.n_retired_victims:,} retired; "
        f"{summary.n_flagged_clusters:,} clusters flagged for review"
    )
    if summary.must_links or summary.cannot_links:
        console.print(
            f"  review constraints applied: {summary.must_links} must-link, "
            f"{summary.cannot_links} cannot-link"
        )
    optional = summary.optional_comparisons
    if optional:
        said = {
            "national_id": "national IDs ({:,} records)",
            "burial": "dates of burial where no date of death is known ({:,} records)",
        }
        console.print(
            "  also compared: " + ", ".join(said[k].format(n) for k, n in optional.items())
        )
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in summary.timings.items())
    console.print(f"  time: {steps}")
    _print_health(summary.health)
    message = (summary.health or {}).get("message")
    for w in summary.warnings:
        if w != message:
            console.print(f"  [yellow]warning:[/] {w}", markup=True, highlight=False)
    for key in ("victims", "pairs", "clusters", "capture_histories", "model"):
        if key in summary.files:
            console.print(f"  {key}: {summary.files[key]}")


def _print_health(health: dict) -> None:
    """The model health check's verdict: one line when it passed, a loud box when not."""
    from rich.markup import escape
    from rich.panel import Panel

    verdict = (health or {}).get("verdict")
    if not verdict:
        return
    message = escape(str(health.get("message", "")))
    if verdict == "ok":
        console.print(f"  model health: [green]ok[/] — {message}")
    elif verdict == "repaired":
        console.print(f"  model health: [yellow]repaired[/] — {message}")
    else:
        console.print(
            Panel(
                f"[bold]{message}[/]\n\n`roshan estimate` will refuse to publish a "
                "total from this linkage unless given --accept-linkage-risk.",
                title="linkage health check FAILED",
                border_style="red",
            )
        )


def register(app: typer.Typer) -> None:
    """Add this group's commands to the root app: ``link`` here, ``review`` from cli/review.py."""
    app.command("link")(link)
    # --- review command (owned by the review engineer, lives in roshan/cli/review.py) ---
    try:
        from roshan.cli import review as _review
    except ImportError:  # pragma: no cover - review not built yet
        return
    _review.register(app)
