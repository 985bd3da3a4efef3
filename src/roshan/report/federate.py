"""What the report says about overlaps computed privately (``roshan federate``).

An estimate made from counts written by ``roshan federate count`` carries their
provenance in ``diagnostics["federate"]`` (roshan.estimate.federated): that the overlaps
were computed privately, by which organisations (the names they were given in
``federate init``, with the fingerprints of their signing keys), the protocol version,
the strata revealed, the date, and whether the interval carries the private matching's
error (drawn matchings pooled). :func:`federate_view` turns that into the report's
sentences in English or Persian (strings.toml, ``federate_*``). It names organisations
only; with ``--anonymise-sources`` it gives their number instead of their names.
"""

from __future__ import annotations

from typing import Any

from roshan.report import i18n

__all__ = ["federate_view"]


def _isolated(text: str, lang: str, *, ltr: bool = False) -> str:
    """``text`` in a Unicode bidi isolate in the Persian edition (so a Latin organisation
    name or a key fingerprint keeps its own order inside a right-to-left sentence);
    unchanged in English."""
    if lang != "fa":
        return text
    return ("\u2066" if ltr else "\u2068") + text + "\u2069"


def _parties(fed: dict[str, Any], lang: str) -> str:
    sep = "، " if lang == "fa" else ", "
    out = []
    for p in fed.get("parties") or []:
        if not isinstance(p, dict) or not p.get("name"):
            continue
        fp = p.get("key_fingerprint")
        key = i18n.t("federate_key", lang, fp=_isolated(str(fp), lang, ltr=True)) if fp else ""
        out.append(_isolated(f"{p['name']}", lang) + key)
    return sep.join(out)


def _rule(fed: dict[str, Any], lang: str) -> str:
    """The matching rule the coordinator used, in the edition's words (protocol 2: scored)."""
    if fed.get("match_rule") == "scored":
        accept = float(fed.get("accept") or 0)
        return i18n.t(
            "federate_rule_scored",
            lang,
            min_shared=i18n.num(fed.get("min_shared"), lang),
            accept=i18n.digits(f"{accept:g}", lang),
        )
    return i18n.t(
        "federate_rule_threshold",
        lang,
        threshold=i18n.num(fed.get("threshold"), lang),
        unique=i18n.num(fed.get("unique_threshold"), lang),
    )


def federate_view(
    result: dict[str, Any] | None, lang: str = "en", *, anonymised: bool = False
) -> dict[str, str] | None:
    """``{"who": …, "error": …}`` sentences for an estimate from privately computed
    counts, else None."""
    diag = (result or {}).get("diagnostics") or {}
    fed = diag.get("federate") if isinstance(diag, dict) else None
    if not isinstance(fed, dict) or not fed.get("computed_privately"):
        return None
    n = len(fed.get("parties") or [])
    strata = [
        i18n.t(f"dim_{s}", lang) if f"dim_{s}" in i18n.STRINGS else str(s)
        for s in fed.get("strata_revealed") or []
    ]
    sep = "، " if lang == "fa" else ", "
    strata_text = (
        i18n.t("federate_strata", lang, strata=sep.join(strata))
        if strata
        else i18n.t("federate_no_strata", lang)
    )
    when = i18n.date_label(str(fed.get("counted_at") or "")[:10] or None, lang)
    common = {
        "protocol": i18n.num(fed.get("protocol"), lang),
        "date": when,
        "n": i18n.num(n, lang),
        "strata": strata_text,
        "rule": _rule(fed, lang),
    }
    if anonymised:
        who = i18n.t("federate_who_anon", lang, **common)
    else:
        coord = fed.get("coordinator") or {}
        who = i18n.t(
            "federate_who",
            lang,
            parties=_parties(fed, lang),
            coordinator=_isolated(str(coord.get("name") or "?"), lang),
            **common,
        )
    err = fed.get("linkage_error") or {}
    pooled = int(err.get("draws_pooled") or 0)
    link = found if isinstance(found := diag.get("linkage"), dict) else {}
    share = link.get("share_linkage")
    if pooled and share is not None:
        error = i18n.t(
            "federate_error_pooled",
            lang,
            draws=i18n.num(pooled, lang),
            share=i18n.pct(float(share), lang, 0),
        )
    elif err.get("widened_rsd") is not None:
        error = i18n.t(
            "federate_error_widened",
            lang,
            rsd=i18n.pct(float(err["widened_rsd"]), lang, 2),
        )
    else:
        error = i18n.t("federate_error_not", lang)
    return {"who": who, "error": error}
