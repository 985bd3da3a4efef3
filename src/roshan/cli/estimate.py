"""``roshan estimate``: multiple-systems estimate of the total number of victims.

Input is either a workspace (capture histories of the linked victims, optionally
by stratum) or a counts CSV (one 0/1 column per list, then ``count``; with
``--by``, stratum columns too). The plain-language summary goes to the Rich
console (stderr); ``--json`` prints exactly one JSON document on stdout.

On a workspace the overall estimate carries linkage uncertainty by default (pooled
over drawn clusterings, docs/linkage-uncertainty.md); the estimate on the linker's one
clustering is shown beside it as a diagnostic. ``--plug-in`` (or ``--linkage-draws
0``) gives the plug-in estimate alone; a counts table is plug-in, except counts from
``roshan federate count``: their drawn matchings (``COUNTS.federate.json``) are pooled
the same way (without any, the interval is widened by the matching error measured on the
simulator), and their provenance goes into ``diagnostics["federate"]``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from roshan.cli.common import (
    accept_linkage_risk_option,
    console,
    counts_option,
    json_option,
    lang_option,
    print_json,
    progress,
    split_list,
    step,
    workspace_or_counts,
    workspace_or_counts_arg,
)
from roshan.errors import EstimationError
from roshan.estimate import DEFAULT_METHOD, METHODS

_LCMCR_OPTS = ("classes", "burnin", "samples", "thin", "chains")
#: Log-linear options that the other methods refuse.
_LOGLINEAR_MODEL_OPTS = ("terms", "criterion", "max_order", "bootstrap", "heterogeneity")


def _options(method: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Options that apply to ``method`` (the others are rejected if the user set them)."""
    common = {"level": raw["level"], "seed": raw["seed"]}
    if method == "loglinear":
        opts = {
            **common,
            "terms": raw["terms"],
            "criterion": raw["criterion"],
            "max_order": raw["max_order"],
            "search": raw["search"],
            "pthresh": raw["pthresh"],
            "heterogeneity": raw["heterogeneity"],
            "bootstrap": raw["bootstrap"],
            "interval": raw["interval"],
        }
        stray = [k for k in _LCMCR_OPTS if raw[k] is not None]
    elif method in ("lcmcr", "recommended"):
        opts = {**common, **{k: raw[k] for k in _LCMCR_OPTS}}
        stray = [k for k in _LOGLINEAR_MODEL_OPTS if raw[k] is not None]
    else:  # dga
        opts = dict(common)
        stray = [k for k in (*_LOGLINEAR_MODEL_OPTS, *_LCMCR_OPTS) if raw[k] is not None]
    if stray:
        names = ", ".join("--" + s.replace("_", "-") for s in stray)
        raise EstimationError(f"{names} do(es) not apply to --method {method}")
    return {k: v for k, v in opts.items() if v is not None}


def estimate(
    workspace: Path | None = workspace_or_counts_arg(
        "Workspace folder (uses the capture histories of the latest `roshan link`)."
    ),
    counts: Path | None = counts_option(
        "Counts CSV instead of a workspace: one 0/1 column per list, "
        "then a 'count' column. Counts from `roshan federate count` carry their provenance "
        "and drawn matchings in COUNTS.federate.json beside them."
    ),
    method: str = typer.Option(
        DEFAULT_METHOD, "--method", help=f"Estimation method: {', '.join(METHODS)}."
    ),
    terms: str | None = typer.Option(
        None,
        "--terms",
        help="Fixed log-linear model, e.g. \"A:B,A:C\" ('' = independence); "
        "without it a model is chosen by --criterion.",
    ),
    criterion: str | None = typer.Option(None, "--criterion", help="aic or bic (default bic)."),
    max_order: int | None = typer.Option(
        None, "--max-order", help="Highest interaction order searched (default: lists - 1)."
    ),
    search: str | None = typer.Option(
        None,
        "--search",
        help="auto (exhaustive up to 5 lists, else downhill), exhaustive, downhill or stepwise.",
    ),
    pthresh: float | None = typer.Option(
        None, "--pthresh", help="p-value threshold of --search stepwise (default 0.02)."
    ),
    heterogeneity: str | None = typer.Option(
        None, "--heterogeneity", help="Add a heterogeneity term: darroch, poisson2, gamma3.5."
    ),
    bootstrap: int | None = typer.Option(
        None,
        "--bootstrap",
        help="Bootstrap replicates repeating the model search (log-linear; "
        "default 500 when a model is searched, 0 for --terms; 0 = profile-likelihood "
        "interval only).",
    ),
    interval: str | None = typer.Option(
        None, "--interval", help="auto, profile, bca, percentile or none (log-linear)."
    ),
    level: float = typer.Option(0.95, "--level", help="Interval level."),
    seed: int | None = typer.Option(
        None,
        "--seed",
        help="Random seed, recorded in the JSON (diagnostics.seed). Default "
        "fixed, so the same command gives the same number: 20260108 for lcmcr and "
        "recommended, 1234 for loglinear, a hash of the table for dga, 0 for a workspace "
        "estimate pooled over linkage draws; with --by, stratum i uses seed + i "
        "(default base 1234).",
    ),
    by: str | None = typer.Option(
        None, "--by", help="Stratify by these columns, e.g. province,period,sex,age_group."
    ),
    classes: int | None = typer.Option(None, "--classes", help="LCMCR latent classes K."),
    burnin: int | None = typer.Option(None, "--burnin", help="LCMCR burn-in iterations."),
    samples: int | None = typer.Option(None, "--samples", help="LCMCR posterior draws kept."),
    thin: int | None = typer.Option(None, "--thin", help="LCMCR thinning."),
    chains: int | None = typer.Option(None, "--chains", help="LCMCR chains."),
    lang: str = lang_option("Summary language: en or fa."),
    json_out: bool = json_option("Print the result as one JSON document."),
    linkage_draws: int | None = typer.Option(
        None,
        "--linkage-draws",
        min=0,
        help="Plausible clusterings of the records pooled "
        "into the estimate (workspace only; default 20 for an overall estimate, 0 with --by; "
        "0 = plug-in; see docs/linkage-uncertainty.md). With --counts from `roshan federate "
        "count`: how many of the drawn matchings beside them to pool (default all; with "
        "none, the interval is widened by the matching error measured on the simulator, "
        "docs/federate.md).",
    ),
    plug_in: bool = typer.Option(
        False,
        "--plug-in",
        help="Treat the linker's clustering as certain (same as "
        "--linkage-draws 0): the interval then leaves linkage errors out (with federate "
        "counts: no drawn matchings pooled and no widening).",
    ),
    accept_linkage_risk: bool = accept_linkage_risk_option(
        "Estimate even though the latest linkage failed "
        "its health check (refused otherwise); the result and the report say so."
    ),
) -> None:
    """Estimate the total number of victims, with an interval and its caveats."""
    from roshan.estimate import CaptureCounts, fit, fit_strata

    if method not in METHODS:
        raise EstimationError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    workspace_or_counts(workspace, counts)
    raw = dict(
        terms=terms,
        criterion=criterion,
        max_order=max_order,
        search=search,
        pthresh=pthresh,
        heterogeneity=heterogeneity,
        bootstrap=bootstrap,
        interval=interval,
        level=level,
        seed=seed,
        classes=classes,
        burnin=burnin,
        samples=samples,
        thin=thin,
        chains=chains,
    )
    opts = _options(method, raw)
    strata_by = split_list(by)
    if plug_in and linkage_draws:
        raise EstimationError("--plug-in and --linkage-draws N contradict each other")
    if plug_in:
        linkage_draws = 0
    if linkage_draws == 1:
        raise EstimationError(
            "--linkage-draws must be 0 (plug-in) or at least 2 (20 or more recommended)"
        )

    if counts is not None:
        from roshan.estimate import estimate_federated, read_sidecar

        federated, why_not = read_sidecar(counts)
        if linkage_draws and not (federated or {}).get("draws"):
            raise EstimationError(
                "--linkage-draws needs a linked workspace, or counts from "
                "`roshan federate count` with drawn matchings beside them"
            )
        with progress(enabled=not json_out) as prog, step(prog, f"estimating ({method})"):
            if federated is not None:
                result = estimate_federated(
                    counts, federated, method, opts, by=strata_by, linkage_draws=linkage_draws
                )
            elif strata_by:
                frame = _frame_from_csv(counts)
                result = fit_strata(frame, strata_by, method, **opts)
            else:
                cc = CaptureCounts.from_csv(counts)
                result = fit(method, cc, **opts)
        if why_not:
            result.warnings = [*result.warnings, why_not]
    elif workspace is not None:  # always, when --counts is not (checked above)
        result = _estimate_workspace(
            workspace, method, strata_by, opts, linkage_draws, json_out, accept_linkage_risk
        )

    if json_out:
        print_json(result.to_dict())
        return
    console.print(result.summary(lang=lang), soft_wrap=True, markup=False)
    if "federate" in result.diagnostics:
        from roshan.report import federate_view

        fed = federate_view(result.to_dict(), lang if lang in ("en", "fa") else "en")
        if fed:
            console.print(f"{fed['who']}\n{fed['error']}", soft_wrap=True, markup=False)
    if result.strata:
        for s in result.strata:
            key = " / ".join(str(s.get(b)) for b in strata_by)
            if s.get("estimate") is None:
                console.print(
                    f"  {key}: observed {s['observed']:,}, not estimable "
                    f"({s.get('reason')}); {s.get('handled_as')}",
                    markup=False,
                )
            else:
                rng = (
                    f" [{s['lower']:,.0f}, {s['upper']:,.0f}]"
                    if s.get("lower") is not None and s.get("upper") is not None
                    else ""
                )
                console.print(
                    f"  {key}: observed {s['observed']:,}, estimate {s['estimate']:,.0f}{rng}",
                    markup=False,
                )


def _frame_from_csv(path: Path):
    import pandas as pd

    from roshan.errors import InputFileError

    try:
        return pd.read_csv(path)
    except FileNotFoundError:
        raise InputFileError("file not found", file=str(path)) from None
    except Exception as exc:  # noqa: BLE001 - pandas parser errors, all one message
        raise InputFileError(f"cannot read CSV ({type(exc).__name__})", file=str(path)) from None


def _estimate_workspace(
    workspace: Path,
    method: str,
    by: list[str],
    opts: dict[str, Any],
    linkage_draws: int | None,
    json_out: bool,
    accept_linkage_risk: bool = False,
):
    """Estimate from the workspace (pooled over drawn clusterings unless plug-in) and
    store the result as an ``EstimateRun``."""
    from roshan.estimate import estimate_workspace
    from roshan.store import Workspace

    with Workspace.open(workspace) as ws:
        with progress(enabled=not json_out) as prog, step(prog, f"estimating ({method})") as task:

            def on_draw(done: int, total: int) -> None:
                prog.update(
                    task,
                    completed=done,
                    total=total,
                    description=f"estimating ({method}) over {total} linkage draws",
                )

            result = estimate_workspace(
                ws,
                method=method,
                by=by,
                linkage_draws=linkage_draws,
                on_progress=on_draw,
                accept_linkage_risk=accept_linkage_risk,
                **opts,
            )
        return result


def register(app: typer.Typer) -> None:
    """Add this group's commands to the root app."""
    app.command("estimate")(estimate)
