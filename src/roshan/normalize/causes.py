"""Cause of death to the controlled vocabulary, and yes/no/unknown flags.

``cause_category`` keeps a valid :class:`roshan.canonical.CauseOfDeath` value the
source (or the mapping) already gave; otherwise it is inferred from the free
text ``cause_of_death`` by keywords in English and Persian. No text → ``unknown``;
text that matches nothing → ``other``.
"""

from __future__ import annotations

from functools import lru_cache

from roshan.canonical import CauseOfDeath
from roshan.normalize.text import normalize_text

_VALID = {c.value for c in CauseOfDeath}
# Order matters: the first matching category wins (pellets before generic "shot").
_KEYWORDS: list[tuple[CauseOfDeath, tuple[str, ...]]] = [
    (CauseOfDeath.EXECUTION, ("execut", "hanged", "hanging", "اعدام", "قصاص", "به دار")),
    (
        CauseOfDeath.IN_CUSTODY,
        (
            "custody",
            "detention",
            "detained",
            "prison",
            "torture",
            "بازداشت",
            "زندان",
            "شکنجه",
            "بازداشتگاه",
        ),
    ),
    (CauseOfDeath.PELLETS, ("pellet", "birdshot", "shotgun", "ساچمه")),
    (
        CauseOfDeath.TEAR_GAS,
        ("tear gas", "teargas", "gas canister", "اشک اور", "اشکاور", "گاز اشک"),
    ),
    (
        CauseOfDeath.LIVE_AMMUNITION,
        (
            "bullet",
            "gunshot",
            "gun shot",
            "shot",
            "live fire",
            "live ammunition",
            "sniper",
            "firearm",
            "گلوله",
            "تیر",
            "شلیک",
            "اسلحه",
            "تک تیرانداز",
            "جنگی",
        ),
    ),
    (CauseOfDeath.BEATING, ("beat", "baton", "blunt", "club", "ضرب", "باتوم", "کتک", "ضربه")),
    (
        CauseOfDeath.VEHICLE,
        (
            "vehicle",
            "run over",
            "car hit",
            "hit by a car",
            "car accident",
            "truck",
            "خودرو",
            "ماشین",
            "زیر گرفت",
        ),
    ),
]

_YES = {"yes", "y", "true", "1", "withheld", "بله", "بلی", "اری", "آری", "اره"}
_NO = {"no", "n", "false", "0", "returned", "released", "خیر", "نه", "نخیر"}


@lru_cache(maxsize=50_000)
def cause_category(category: str | None, free_text: str | None) -> str:
    """A CauseOfDeath value for a record (never raises)."""
    if category:
        c = normalize_text(category).replace(" ", "_")
        if c in _VALID:
            return c
    text = normalize_text(free_text) if free_text else ""
    if not text:
        if category:
            text = normalize_text(category)
        else:
            return CauseOfDeath.UNKNOWN.value
    for cat, words in _KEYWORDS:
        if any(w in text for w in words):
            return cat.value
    return CauseOfDeath.OTHER.value


def yes_no(value: str | None) -> bool | None:
    """'yes'/'بله' → True, 'no'/'خیر' → False, anything else → None (unknown)."""
    t = normalize_text(value)
    if t in _YES:
        return True
    if t in _NO:
        return False
    return None
