"""CLI command ``roshan simulate``: write a SYNTHETIC crackdown scenario to a folder."""

from __future__ import annotations

from pathlib import Path

import typer

from roshan.cli.common import console, json_option, print_json, progress, split_list
from roshan.errors import RoshanError


def _pairs(values: list[str]) -> list[tuple[int, int, int]] | None:
    if not values:
        return None
    out = []
    for v in values:
        try:
            a, b, s = (x.strip() for x in v.split(","))
            sign = (
                1
                if s in ("+", "+1", "1", "pos", "positive")
                else -1
                if s in ("-", "-1", "neg", "negative")
                else None
            )
            if sign is None:
                raise ValueError
            out.append((int(a), int(b), sign))
        except ValueError:
            raise RoshanError(
                f"--dependence-pair {v!r}: expected 'A,B,+' (A copies B) or 'A,B,-' "
                "(disjoint networks), lists numbered from 0"
            ) from None
    return out


def simulate_command(
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write (must be empty or absent)."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same seed gives the same files."),
    preset: str = typer.Option(
        "default",
        "--preset",
        help="Difficulty preset: easy (no noise, independent homogeneous lists), default, hard. "
        "Options below override it.",
    ),
    population: int | None = typer.Option(
        None, "--population", "-n", help="True number of victims [default: 2000]."
    ),
    lists: int | None = typer.Option(
        None, "--lists", "-k", help="Number of documenting sources (lists) [default: 5]."
    ),
    heterogeneity: float | None = typer.Option(
        None,
        "--heterogeneity",
        help="Spread of capture by victim visibility class and province, 0 = homogeneous "
        "[default: 1.0].",
    ),
    dependence: float | None = typer.Option(
        None,
        "--dependence",
        help="Strength 0..1 of between-list dependence (default pairs: list 1 copies list 0; "
        "lists 2 and 3 reach disjoint networks) [default: 0.3].",
    ),
    dependence_pair: list[str] = typer.Option(
        [],
        "--dependence-pair",
        metavar="A,B,SIGN",
        help="Override the pairs: 'A,B,+' (A copies from B) or 'A,B,-' (disjoint). Repeatable.",
    ),
    error_rate: float | None = typer.Option(
        None, "--error-rate", help="Per-field typo/variant rate [default: 0.02]."
    ),
    duplicate_rate: float | None = typer.Option(
        None, "--duplicate-rate", help="Share of records repeated within a list [default: 0.03]."
    ),
    missing_rate: float | None = typer.Option(
        None, "--missing-rate", help="Per-field missingness rate [default: 0.05]."
    ),
    capture_scale: float | None = typer.Option(
        None,
        "--capture-scale",
        help="Multiply every list's capture probability, lower = sparser lists [default: 1.0].",
    ),
    blackout_factor: float | None = typer.Option(
        None,
        "--blackout-factor",
        help="Capture multiplier for deaths from the 8 January blackout on (default: per source).",
    ),
    formats: str | None = typer.Option(
        None,
        "--formats",
        help="Comma list of formats cycled over lists: csv, csv-bom, csv-utf16, csv-1256, xlsx, "
        "json, jsonl (default: a realistic mix).",
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace a previous scenario in OUT."
    ),
    json_out: bool = json_option("Print the manifest as JSON on stdout."),
) -> None:
    """Generate a SYNTHETIC crackdown: victims, K overlapping lists and the truth to score against."""
    from roshan.simulate import ScenarioConfig, simulate

    given = dict(
        population=population,
        lists=lists,
        heterogeneity=heterogeneity,
        dependence=dependence,
        dependence_pairs=_pairs(dependence_pair),
        error_rate=error_rate,
        duplicate_rate=duplicate_rate,
        missing_rate=missing_rate,
        blackout_factor=blackout_factor,
        capture_scale=capture_scale,
        formats=split_list(formats) if formats else None,
    )
    cfg = ScenarioConfig.preset(
        preset, seed=seed, **{k: v for k, v in given.items() if v is not None}
    )
    show = cfg.population >= 50_000 and not json_out
    with progress(enabled=show) as prog:
        task = prog.add_task("simulating", total=2 * cfg.lists)
        steps = {"n": 0}

        def report(label: str, k: int, total: int) -> None:
            steps["n"] += 1
            prog.update(task, description=label, completed=steps["n"])

        manifest = simulate(cfg, out, progress=report, overwrite=overwrite)
    if json_out:
        from roshan.cli.documents import ScenarioManifest

        print_json(ScenarioManifest(**manifest).to_dict())
    else:
        n_rec = sum(s["records"] for s in manifest["sources"])
        console.print(
            f"SYNTHETIC scenario written to {out}: {manifest['population']} victims, "
            f"{len(manifest['sources'])} lists, {n_rec} records (seed {seed})."
        )


def register(app: typer.Typer) -> None:
    """Add ``roshan simulate`` to the root app."""
    app.command("simulate")(simulate_command)
