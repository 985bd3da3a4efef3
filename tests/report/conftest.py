"""Fixtures for report tests: one SYNTHETIC workspace, linked once per session.

simulate (roshan.simulate, small) → init → ingest every list plus one small
hand-made SYNTHETIC list whose every sensitive field holds a planted marker →
normalise → link. A copy without stored estimates is kept for the "compute the
estimate at report time" path; the main workspace gets quick stored estimate
runs (fixed independence model, few bootstrap replicates: test settings, not
advice) so report tests stay fast.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from report_fixtures import PLANTED_SOURCE, POPULATION, SEED, planted_list


@dataclass
class ReportWorkspaces:
    """The linked workspace (with stored estimates) and a copy without estimates."""

    ws: Any
    bare: Path


@pytest.fixture(scope="session")
def report_workspaces(tmp_path_factory: pytest.TempPathFactory) -> ReportWorkspaces:
    from roshan.canonical import SourceKind
    from roshan.estimate.counts import CaptureCounts
    from roshan.estimate.methods import fit
    from roshan.estimate.strata import fit_strata
    from roshan.ingest.importer import ingest_file
    from roshan.link.histories import capture_histories
    from roshan.link.pipeline import link_workspace
    from roshan.normalize.snapshot import normalize_workspace
    from roshan.report.data import store_estimate
    from roshan.simulate import ScenarioConfig, simulate
    from roshan.store.workspace import Workspace

    logging.getLogger("splink").setLevel(logging.ERROR)
    root = tmp_path_factory.mktemp("report")
    manifest = simulate(ScenarioConfig(seed=SEED, population=POPULATION), root / "sim")
    ws = Workspace.init(root / "ws")
    for s in manifest["sources"]:
        mapping = root / "sim" / s["mapping"] if s.get("mapping") else None
        ingest_file(
            ws,
            root / "sim" / s["file"],
            source_name=s["name"],
            source_kind=SourceKind(s["kind"]),
            mapping_path=mapping,
        )
    ingest_file(
        ws,
        planted_list(root / "planted-SYNTHETIC.csv"),
        source_name=PLANTED_SOURCE,
        source_kind=SourceKind.FAMILY_REPORT,
    )
    normalize_workspace(ws)
    link_workspace(ws)
    ws.close()
    bare = root / "ws-bare"
    shutil.copytree(root / "ws", bare)
    ws = Workspace.open(root / "ws")
    settings = {"note": "SYNTHETIC test fixture: fixed independence model, 10 bootstrap replicates"}
    total = fit("loglinear", CaptureCounts.from_frame(capture_histories(ws)), bootstrap=0, seed=1)
    store_estimate(ws, total, settings=settings)
    for dim in ("province", "period", "sex", "age_group"):
        res = fit_strata(
            capture_histories(ws, [dim]), [dim], "loglinear", terms="", bootstrap=10, seed=1
        )
        store_estimate(ws, res, by=[dim], settings=settings)
    yield ReportWorkspaces(ws=ws, bare=bare)
    ws.close()


@pytest.fixture(scope="session")
def built_reports(
    report_workspaces: ReportWorkspaces, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """English and Persian HTML + PDF of the main workspace, built once."""
    from roshan.report.build import build_report

    out = tmp_path_factory.mktemp("built")
    paths: dict[str, Path] = {}
    for lang in ("en", "fa"):
        paths[lang] = build_report(
            report_workspaces.ws,
            out / f"report-{lang}.html",
            pdf=out / f"report-{lang}.pdf",
            lang=lang,
        )
        paths[lang + "_pdf"] = out / f"report-{lang}.pdf"
    return paths
