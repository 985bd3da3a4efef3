"""The demo: simulate a SYNTHETIC crackdown and run every stage on it.

``make demo`` (``roshan demo``) is the first thing a newcomer runs: it shows the
whole flow — simulate → init → ingest → normalise → link → estimate → report —
on data that is labelled synthetic everywhere, and prints where the results are.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from roshan.errors import RoshanError

Log = Callable[[str], None]


def run_demo(
    out: Path,
    *,
    seed: int = 2026,
    population: int | None = None,
    force: bool = False,
    log: Log = print,
) -> dict[str, Any]:
    """Run the whole pipeline on a fresh synthetic scenario under ``out``; return a summary."""
    from roshan.simulate import ScenarioConfig, ingest_scenario, simulate
    from roshan.store.status import workspace_status
    from roshan.store.workspace import Workspace

    out = Path(out)
    if out.exists():
        if not force:
            raise RoshanError(f"{out} exists; pass --force to replace it")
        shutil.rmtree(out)
    scenario_dir, ws_dir = out / "scenario-SYNTHETIC", out / "workspace"
    summary: dict[str, Any] = {
        "synthetic": True,
        "seed": seed,
        "scenario": str(scenario_dir),
        "workspace": str(ws_dir),
        "stages": {},
    }
    t0 = time.perf_counter()

    def stage(name: str) -> None:
        summary["stages"][name] = round(time.perf_counter() - t0, 1)

    config = (
        ScenarioConfig(seed=seed)
        if population is None
        else ScenarioConfig(seed=seed, population=population)
    )
    manifest = simulate(config, scenario_dir)
    log(f"simulated a SYNTHETIC crackdown: {len(manifest['sources'])} lists in {scenario_dir}")
    stage("simulate")

    ws = Workspace.init(ws_dir)
    ingest_scenario(ws, scenario_dir, manifest, log=log)
    summary["status"] = {k: v for k, v in workspace_status(ws).items() if k != "by_source"}
    stage("ingest")

    from roshan.normalize.snapshot import normalize_workspace

    snap = normalize_workspace(ws)
    log(f"normalised records → {snap}")
    summary["normalized"] = str(snap)
    stage("normalize")

    from roshan.link.pipeline import link_workspace

    link = link_workspace(ws)
    summary["link"] = link.to_dict()
    log(
        f"linked {summary['link'].get('n_records', '?')} records into "
        f"{summary['link'].get('n_victims', '?')} unique victims"
    )
    stage("link")

    from roshan.estimate.workspace import estimate_workspace

    est = estimate_workspace(ws, seed=seed)
    summary["estimate"] = {
        k: est.to_dict()[k] for k in ("method", "observed", "estimate", "lower", "upper")
    }
    log(
        f"estimated total: {est.estimate:,.0f} (95% interval {est.lower:,.0f}–{est.upper:,.0f}) "
        f"from {est.observed:,} documented; method {est.method}"
    )
    by_period = estimate_workspace(ws, by=["period"], seed=seed)
    for s in by_period.strata:
        if s.get("estimate") is not None:
            log(f"  {s.get('period')}: {s['estimate']:,.0f} ({s['lower']:,.0f}–{s['upper']:,.0f})")
        else:
            log(
                f"  {s.get('period')}: observed {s['observed']:,}, not estimable ({s.get('reason')})"
            )
    stage("estimate")

    from roshan.report.build import build_report

    report = build_report(ws, ws.reports_dir / "report-SYNTHETIC.html")
    summary["report"] = str(report)
    log(f"report → {report}")
    stage("report")

    ws.close()
    (out / "demo-summary-SYNTHETIC.json").write_text(
        json.dumps(summary, indent=2, default=str), encoding="utf-8"
    )
    return summary
