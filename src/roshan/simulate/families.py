"""Named scenario families for a linkage robustness sweep (SYNTHETIC).

Each family turns one difficulty up on the same base — about 3,000 victims, four
lists of the default rotation, about 2,000 of them listed — so a sweep can say
which dial hurts linkage and by how much:

========== ==========================================================================
default    the base: default difficulty, 4 lists
one_script every list entirely one script (Latin, Persian, Latin, Persian); Persian
           lists write Jalali dates in Persian digits, Latin lists Gregorian dates
concentrated the 30 most common given names and the 30 most common family names
           each cover 70% of victims
namesakes  10% of victims have a namesake (same given and family name, city, death
           within 3 days); a fifth of the pairs share the father's name too
fullname   4 full-name-only lists writing the father inside the name:
           "Y, X son of Z", «X Y فرزند Z», «X Y پسر/دختر Z», "X Z Y"; no father column
swapped    the third list has given and family columns swapped throughout, the
           others in 5% of rows
dates2     15% of dates of death off by 1 or 2 days
missing    age missing in 30% and father's name in 40% of records
hard       one_script + concentrated + namesakes + dates2 + missing
========== ==========================================================================

``family_config(name, seed)`` returns the :class:`ScenarioConfig`; the seed
drives everything, so a family and seed always give the same lists.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from roshan.errors import RoshanError
from roshan.simulate.config import ScenarioConfig, SourceSpec, default_sources

FAMILIES: tuple[str, ...] = (
    "default",
    "one_script",
    "concentrated",
    "namesakes",
    "fullname",
    "swapped",
    "dates2",
    "missing",
    "hard",
)

LISTS = 4  # every family has four lists: ~2,000 of 3,000 victims listed at the default capture

_CONCENTRATED = dict(name_concentration=0.7, name_top=30)
_NAMESAKES = dict(namesake_rate=0.1, namesake_same_father=0.2)
_DATES2 = dict(date_jitter_days=2, date_jitter_rate=0.15)
_MISSING = dict(missing_age_rate=0.3, missing_father_rate=0.4)

# fullname: (full_name_style, name_order) per list of the rotation (Latin, Persian,
# Persian, Latin): "Y, X son of Z", «X Y فرزند Z», «X Y پسر/دختر Z», "X Z Y"
_FULLNAME_STYLES = (
    ("son_of", "family_given"),
    ("farzand", "given_family"),
    ("son_of", "given_family"),
    ("father_middle", "given_family"),
)
_SWAP_RATES = (0.05, 0.05, 1.0, 0.05)


def _fullname_sources() -> list[SourceSpec]:
    return [
        dataclasses.replace(
            s, name_layout="full", has_father=False, full_name_style=style, name_order=order
        )
        for s, (style, order) in zip(default_sources(LISTS), _FULLNAME_STYLES, strict=True)
    ]


def _swapped_sources() -> list[SourceSpec]:
    return [
        dataclasses.replace(s, swap_rate=r)
        for s, r in zip(default_sources(LISTS), _SWAP_RATES, strict=True)
    ]


def family_config(name: str, seed: int, population: int = 3000, **overrides: Any) -> ScenarioConfig:
    """The :class:`ScenarioConfig` of scenario family ``name`` (one of ``FAMILIES``) for
    ``seed``; ``overrides`` replace any option afterwards."""
    if name not in FAMILIES:
        raise RoshanError(f"unknown scenario family {name!r}; choose from {list(FAMILIES)}")
    opts: dict[str, Any] = dict(seed=seed, population=population, lists=LISTS)
    if name == "one_script":
        opts.update(script_mode="single")
    elif name == "concentrated":
        opts.update(_CONCENTRATED)
    elif name == "namesakes":
        opts.update(_NAMESAKES)
    elif name == "fullname":
        opts.update(sources=_fullname_sources())
    elif name == "swapped":
        opts.update(sources=_swapped_sources())
    elif name == "dates2":
        opts.update(_DATES2)
    elif name == "missing":
        opts.update(_MISSING)
    elif name == "hard":
        opts.update(script_mode="single", **_CONCENTRATED, **_NAMESAKES, **_DATES2, **_MISSING)
    opts.update(overrides)
    cfg = ScenarioConfig(**opts)
    cfg.validate()
    return cfg
