"""roshan.simulate: a synthetic crackdown generator, the test bed of every later stage.

Public API (names other stages rely on):

- :class:`ScenarioConfig` — every option, with "default difficulty" defaults;
- :class:`SourceSpec` — one documenting source (format, writing habits, capture);
- :func:`generate` — build a :class:`Scenario` in memory (vectorised, fast);
- :func:`simulate` — generate and write the folder layout, return the manifest;
- :func:`family_config` / ``FAMILIES`` — named scenario families of the linkage
  robustness sweep (:mod:`roshan.simulate.families`).
"""

from roshan.simulate.config import (
    FORMAT_TOKENS,
    PRESETS,
    ScenarioConfig,
    SourceSpec,
    default_sources,
)
from roshan.simulate.families import FAMILIES, family_config
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
    "default_sources",
    "generate",
    "simulate",
]
