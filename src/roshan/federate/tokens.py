"""Linkage tokens per linked victim, built from roshan's cross-script name keys.

A token is a string that two records of the same person are likely to share however
the name is spelled, and two namesakes are likely not to. Each combines name keys
(:func:`roshan.normalize.keys.rule_key` output, the ``given_key``, ``family_key`` and
``father_key`` columns of the normalised snapshot) with at most one of:

* a date-of-death window: days are cut into windows of ``DATE_WINDOW`` (4) days on two
  grids offset by half a window, and a date gives one token per grid. Two dates one day
  apart always fall in the same window on at least one grid (a date near an edge of one
  grid sits in the middle of a window of the other), so ±1 day still matches;
* the province code (``IR-xx``);
* an age band of ``AGE_BAND`` (10) years, again on two grids offset by half a band.

Per record (given g, family f, father p; a missing part drops the tokens that need it)::

    g|f   g|f|p   g|f|date×2   g|p|date×2   f|p|date×2   g|f|prov   g|p|prov   f|p|prov
    g|f|age×2   g|prov|date×2   f|prov|date×2

at most :data:`MAX_TOKENS` (17). A victim (one cluster of the workspace's latest
``roshan link``) gets the union of its records' tokens, capped at ``MAX_TOKENS`` in a
fixed priority order of kinds (within a kind, the tokens most of its records give come
first) so every party makes the same choice. How many shared tokens
make a match is calibrated in :mod:`roshan.federate.match` on the simulator.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from roshan.federate.errors import FederateError
from roshan.link.histories import age_group_of, period_of

__all__ = [
    "AGE_BAND",
    "DATE_WINDOW",
    "MAX_TOKENS",
    "STRATA",
    "VictimTokens",
    "record_tokens",
    "tokens_from_frames",
    "workspace_tokens",
]

DATE_WINDOW = 4
AGE_BAND = 10
MAX_TOKENS = 17
STRATA = ("province", "period", "sex", "age_group")
# priority of token kinds when a victim's union exceeds MAX_TOKENS
_PRIORITY = ("gf", "gfp", "gfd", "gpd", "fpd", "gfv", "gpv", "fpv", "gvd", "fvd", "gfa")


@dataclass
class VictimTokens:
    """One party's victims: ``tokens[i]`` is victim i's token list, ``strata[i]`` its
    stratum values (province, period, sex, age_group), ``uids[i]`` its workspace uid
    (kept at the party, never sent)."""

    uids: list[str]
    tokens: list[list[str]]
    strata: list[dict[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.uids)


def _clean(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return "".join(str(v).split())


def _date_windows(iso: object, precision: object) -> list[str]:
    text = _clean(iso)
    if len(text) < 10 or (precision is not None and str(precision) not in ("day", "None", "")):
        return []
    try:
        o = date.fromisoformat(text[:10]).toordinal()
    except ValueError:
        return []
    half = DATE_WINDOW // 2
    return [f"a{o // DATE_WINDOW}", f"b{(o + half) // DATE_WINDOW}"]


def _age_bands(amin: object, amax: object) -> list[str]:
    vals = []
    for v in (amin, amax):
        try:
            f = float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if f == f:
            vals.append(f)
    if not vals:
        return []
    age = int(sum(vals) / len(vals))
    half = AGE_BAND // 2
    return [f"a{age // AGE_BAND}", f"b{(age + half) // AGE_BAND}"]


def record_tokens(
    given: object,
    family: object,
    father: object,
    dod_iso: object = None,
    dod_precision: object = "day",
    province: object = None,
    age_min: object = None,
    age_max: object = None,
) -> list[tuple[str, str]]:
    """(kind, token) pairs of one normalised record (name parts are rule keys)."""
    g, f, p = _clean(given), _clean(family), _clean(father)
    prov = _clean(province)
    dates = _date_windows(dod_iso, dod_precision)
    ages = _age_bands(age_min, age_max)
    out: list[tuple[str, str]] = []
    pairs = [("g", g, "f", f), ("g", g, "p", p), ("f", f, "p", p)]
    if g and f:
        out.append(("gf", f"gf|{g}|{f}"))
        if p:
            out.append(("gfp", f"gfp|{g}|{f}|{p}"))
    for a, va, b, vb in pairs:
        if not (va and vb):
            continue
        kind = a + b
        for d in dates:
            out.append((kind + "d", f"{kind}d|{va}|{vb}|{d}"))
        if prov:
            out.append((kind + "v", f"{kind}v|{va}|{vb}|{prov}"))
    if g and f:
        for band in ages:
            out.append(("gfa", f"gfa|{g}|{f}|{band}"))
    if prov:  # one name part + place + date: survives a misspelt other part
        for d in dates:
            if g:
                out.append(("gvd", f"gvd|{g}|{prov}|{d}"))
            if f:
                out.append(("fvd", f"fvd|{f}|{prov}|{d}"))
    return out


def _victim_tokens(pairs: list[tuple[str, str]], cap: int) -> list[str]:
    """A victim's tokens: kinds in :data:`_PRIORITY` order and, within a kind, the tokens
    most of its records give first (its usual spelling before a one-off variant), so the
    cap drops a rare spelling's tokens rather than, alphabetically, the usual ones."""
    support = Counter(pairs)
    uniq = sorted(support, key=lambda kt: (_PRIORITY.index(kt[0]), -support[kt], kt[1]))
    return [t for _, t in uniq[:cap]]


# The normalised snapshot's columns that record_tokens takes, in its argument order.
_RECORD_COLUMNS = (
    "given_key",
    "family_key",
    "father_key",
    "dod_iso",
    "dod_precision",
    "province_code",
    "age_min",
    "age_max",
)


def tokens_from_frames(
    normalized: pd.DataFrame,
    clusters: pd.DataFrame,
    victims: pd.DataFrame | None = None,
    *,
    cap: int = MAX_TOKENS,
) -> VictimTokens:
    """Tokens of each victim from the normalised records and their cluster ids."""
    df = normalized.merge(clusters[["record_pk", "cluster_id"]], on="record_pk", how="inner")
    cols = [c if c in df.columns else None for c in _RECORD_COLUMNS]
    per: dict[str, list[tuple[str, str]]] = {}
    for row in df.itertuples(index=False):
        r = row._asdict()
        toks = record_tokens(*(r.get(c) if c else None for c in cols))
        per.setdefault(str(r["cluster_id"]), []).extend(toks)
    uids = sorted(per)
    strata: dict[str, dict[str, str]] = {}
    if victims is not None and len(victims):
        for row in victims.itertuples(index=False):
            r = row._asdict()
            prov = r.get("province_code") or r.get("province")
            strata[str(r["uid"])] = {
                "province": str(prov) if prov not in (None, "") and prov == prov else "unknown",
                "period": period_of(r.get("date_of_death")),
                "sex": r.get("sex") if r.get("sex") in ("m", "f") else "unknown",
                "age_group": age_group_of(r.get("age_years", r.get("age"))),
            }
    unknown = dict.fromkeys(STRATA, "unknown")
    return VictimTokens(
        uids=uids,
        tokens=[_victim_tokens(per[u], cap) for u in uids],
        strata=[strata.get(u, unknown) for u in uids],
    )


def workspace_tokens(ws_path, *, cap: int = MAX_TOKENS) -> VictimTokens:
    """Tokens of every victim of the latest ``roshan link`` of a workspace.

    Refuses a workspace that was never linked and one without victims.
    """
    from roshan.store.workspace import Workspace

    with Workspace.open(ws_path) as ws:
        need = [ws.snapshot(n) for n in ("normalized", "clusters", "victims")]
        if not all(p.is_file() for p in need):
            raise FederateError(
                f"{ws_path}: workspace is not linked; run `roshan link` first "
                "(federate counts linked victims, not raw records)"
            )
        normalized = pd.read_parquet(need[0])
        clusters = pd.read_parquet(need[1])
        victims = pd.read_parquet(need[2])
    vt = tokens_from_frames(normalized, clusters, victims, cap=cap)
    if len(vt) == 0:
        raise FederateError(
            f"{ws_path}: the workspace has no victims; an empty list cannot "
            "take part (it would reveal nothing but its emptiness)"
        )
    return vt
