"""roshan.simulate: a synthetic crackdown generator, the test bed of every later stage.

Public API (names other stages rely on):

- :class:`ScenarioConfig` — every option, with "default difficulty" defaults;
- :class:`SourceSpec` — one documenting source (format, writing habits, capture);
- :func:`generate` — build a :class:`Scenario` in memory (vectorised, fast);
- :func:`simulate` — generate and write the folder layout, return the manifest;
- :func:`family_config` / ``FAMILIES`` — named scenario families of the linkage
  robustness sweep (:mod:`roshan.simulate.families`);
- :func:`ingest_scenario` — load a generated scenario's lists into a workspace;
- :func:`synthetic_problem` / :class:`SyntheticLinkage` — a linkage problem with known
  truth and calibrated pair probabilities (:mod:`roshan.simulate.linkage`), the test bed
  of linkage uncertainty.

Names load on first use (:mod:`roshan._lazy`): ``import roshan.simulate`` is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from roshan._lazy import lazy_exports

if TYPE_CHECKING:
    from roshan.simulate.config import (
        FORMAT_TOKENS,
        PRESETS,
        ScenarioConfig,
        SourceSpec,
        default_sources,
    )
    from roshan.simulate.families import FAMILIES, family_config
    from roshan.simulate.linkage import SyntheticLinkage, synthetic_problem
    from roshan.simulate.scenario import Scenario, generate, ingest_scenario, simulate

__all__ = [
    "FAMILIES",
    "family_config",
    "ingest_scenario",
    "FORMAT_TOKENS",
    "PRESETS",
    "Scenario",
    "ScenarioConfig",
    "SourceSpec",
    "SyntheticLinkage",
    "default_sources",
    "generate",
    "simulate",
    "synthetic_problem",
]

__getattr__, __dir__ = lazy_exports(__name__)
