"""Fixtures for linkage tests: a SYNTHETIC scenario run through the real pipeline.

simulate (roshan.simulate, default difficulty, small) → Workspace.init → ingest each
list → normalise → link. Done once per session; tests that change a workspace
build their own from the same simulated lists (helpers in link_helpers.py).
"""

from __future__ import annotations

import logging

import pytest
from link_helpers import Scenario, build_workspace

SCENARIO_POPULATION = 900
SCENARIO_SEED = 7


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    from roshan.simulate.config import ScenarioConfig
    from roshan.simulate.scenario import simulate

    root = tmp_path_factory.mktemp("link-scenario") / "sim"
    manifest = simulate(ScenarioConfig(seed=SCENARIO_SEED, population=SCENARIO_POPULATION), root)
    return Scenario(root=root, manifest=manifest)


@pytest.fixture(scope="session")
def linked(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory):
    """(workspace, LinkSummary) for the whole scenario, linked once with defaults."""
    from roshan.link.pipeline import link_workspace

    logging.getLogger("splink").setLevel(logging.ERROR)
    ws = build_workspace(scenario, tmp_path_factory.mktemp("link-ws") / "ws")
    summary = link_workspace(ws)
    yield ws, summary
    ws.close()
