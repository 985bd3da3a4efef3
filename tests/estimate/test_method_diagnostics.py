"""The diagnostics each method writes have exactly the keys its TypedDict declares
(roshan.estimate.method_diagnostics, issue 19 item 5), nested parts included.

Every method runs on published tables (tests/estimate/data, citations in its README), on
linkage draws of a SYNTHETIC problem (roshan.simulate.linkage) and on SYNTHETIC federated
counts; each diagnostics dict must hold its type's required keys and no undeclared key,
and, over all the runs, every declared key must have been written at least once, so that
a key added, renamed or dropped in a method without its type fails here."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from roshan.estimate import method_diagnostics as MD
from roshan.estimate.counts import CaptureCounts
from roshan.estimate.results import EstimateResult

QUICK_LCMCR = {"burnin": 400, "samples": 80, "thin": 5, "chains": 2, "workers": 1}

#: TypedDict → the keys seen in it over every run of this module.
SEEN: dict[type, set[str]] = {}
#: The tests of this module that ran to the end (for the last test).
RAN: set[str] = set()
#: Keys written only on a workspace (test_workspace, marked slow).
WORKSPACE_ONLY = {
    "LinkageDiagnostics": {
        "by",
        "band",
        "chain_guard",
        "threshold",
        "must_link",
        "cannot_link",
        "plugin_clustering",
    },
    "LinkageHealthDiagnostics": set(MD.LinkageHealthDiagnostics.__required_keys__),
}


def _typeddicts(tp: Any) -> list[type]:
    """The TypedDicts an annotation holds directly or in ``X | None``."""
    if typing.is_typeddict(tp):
        return [tp]
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(tp) if typing.is_typeddict(a)]
    return []


def check(value: Mapping[str, Any], td: type, where: str = "diagnostics") -> None:
    """``value`` holds ``td``'s required keys and no other than its declared ones; nested
    TypedDicts (and lists of them) are checked the same way."""
    keys = set(value)
    required, optional = td.__required_keys__, td.__optional_keys__  # type: ignore[attr-defined]
    assert keys <= required | optional, (
        f"{where}: keys {sorted(keys - required - optional)} not declared in {td.__name__}"
    )
    assert required <= keys, f"{where}: {td.__name__} keys {sorted(required - keys)} missing"
    SEEN.setdefault(td, set()).update(keys)
    hints = typing.get_type_hints(td)
    for key in keys:
        item, tp = value[key], hints[key]
        if item is None:
            continue
        subs = _typeddicts(tp)
        if subs:
            check(item, subs[0], f"{where}.{key}")
        elif typing.get_origin(tp) is list and _typeddicts(typing.get_args(tp)[0]):
            for k, row in enumerate(item):
                check(row, _typeddicts(typing.get_args(tp)[0])[0], f"{where}.{key}[{k}]")


def check_result(result: EstimateResult, td: type) -> None:
    check(result.diagnostics, td, f"{result.method} diagnostics")


@pytest.fixture(scope="module")
def rome(data_dir: Path) -> CaptureCounts:
    return CaptureCounts.from_csv(data_dir / "rome_hiv_4list.csv")


@pytest.fixture(scope="module")
def my3(data_dir: Path) -> CaptureCounts:
    return CaptureCounts.from_csv(data_dir / "madigan_york_3list.csv")


@pytest.fixture(scope="module")
def data_dir() -> Path:
    return Path(__file__).parent / "data"


def test_loglinear(rome: CaptureCounts, my3: CaptureCounts) -> None:
    from roshan.estimate.loglinear import fit_loglinear

    check_result(fit_loglinear(rome, terms="", bootstrap=0), MD.LoglinearDiagnostics)
    check_result(fit_loglinear(my3, criterion="aic", interval="none"), MD.LoglinearDiagnostics)
    check_result(
        fit_loglinear(rome, criterion="bic", search="downhill", bootstrap=0),
        MD.LoglinearDiagnostics,
    )
    check_result(fit_loglinear(rome, search="stepwise", bootstrap=0), MD.LoglinearDiagnostics)
    check_result(
        fit_loglinear(rome, search="exhaustive", bootstrap=20, ntop=3, seed=1),
        MD.LoglinearDiagnostics,
    )
    RAN.add("loglinear")


def test_lcmcr_and_recommended(rome: CaptureCounts) -> None:
    from roshan.estimate.lcmcr import fit_lcmcr
    from roshan.estimate.recommended import fit_recommended

    check_result(fit_lcmcr(rome, seed=1, **QUICK_LCMCR), MD.LcmcrDiagnostics)
    rec = fit_recommended(rome, seed=1, compare=("lcmcr", "dga"), **QUICK_LCMCR)
    check_result(rec, MD.RecommendedDiagnostics)
    assert [c["role"] for c in rec.diagnostics["components"]][0] == "primary"
    RAN.add("lcmcr")


def test_dga(my3: CaptureCounts) -> None:
    from roshan.estimate.dga import fit_dga

    check_result(fit_dga(my3, n_draws=0), MD.DgaDiagnostics)
    check_result(fit_dga(my3, n_max=2000, n_draws=10, seed=1), MD.DgaDiagnostics)
    RAN.add("dga")


def test_strata(data_dir: Path) -> None:
    import pandas as pd

    from roshan.estimate.strata import fit_strata

    table = pd.read_csv(data_dir / "rome_hiv_4list.csv")
    # two strata of the published table (half of each cell, rounded, in each)
    a, b = table.copy(), table.copy()
    a["count"], b["count"] = table["count"] // 2, table["count"] - table["count"] // 2
    a["province"], b["province"] = "A", "B"
    res = fit_strata(pd.concat([a, b]), ["province"], "loglinear", terms="", bootstrap=20)
    check_result(res, MD.StrataDiagnostics)
    RAN.add("strata")


def _graph_problem(seed: int, population: int):
    from roshan.link.uncertainty.graph import build_graph
    from roshan.simulate.linkage import synthetic_problem

    prob = synthetic_problem(np.random.default_rng(seed), population=population, separation=1.75)
    return prob, build_graph(prob.record_pks, prob.pairs, list_index=prob.list_index)


@pytest.mark.parametrize(
    ("method", "options", "td"),
    [
        ("loglinear", {"bootstrap": 50}, MD.LoglinearDiagnostics),  # calibrated, Rubin
        ("dga", {"n_draws": 300}, MD.DgaDiagnostics),  # full refit, mixture of draws
        ("lcmcr", QUICK_LCMCR, MD.LcmcrDiagnostics),  # chains carried over
        ("recommended", {**QUICK_LCMCR, "compare": ("lcmcr",)}, MD.RecommendedDiagnostics),
    ],
)
def test_linkage_draws(method: str, options: dict[str, Any], td: type) -> None:
    from roshan.estimate import linkage as el

    prob, graph = _graph_problem(11, 400)
    res = el.estimate_from_graph(
        graph,
        prob.list_index,
        prob.lists,
        4,
        method,
        seed=1,
        logit_prior=prob.logit_prior,
        calibrate="capture",
        **options,
    )
    check_result(res, td)
    assert "linkage" in res.diagnostics
    RAN.add(f"linkage {method}")


def test_pairs_sampler_and_pooled_results(rome: CaptureCounts) -> None:
    from roshan.estimate import linkage as el
    from roshan.estimate.loglinear import fit_loglinear

    prob, graph = _graph_problem(12, 300)
    res = el.estimate_from_graph(
        graph, prob.list_index, prob.lists, 3, "dga", seed=2, sampler="pairs", n_draws=200
    )
    check_result(res, MD.DgaDiagnostics)
    # pooled without a plug-in or counts per draw: only the decomposition
    fits = [fit_loglinear(rome, terms="", bootstrap=0) for _ in range(2)]
    check(el.pool_results(fits).diagnostics["linkage"], MD.LinkageDiagnostics, "pooled")
    RAN.add("pairs")


def _session_and_counts(tmp_path: Path, data_dir: Path):
    """A federate session of two SYNTHETIC organisations (no key is used: only public
    fingerprints go into the provenance) and a published 2-list margin as its counts,
    with two perturbed tables as the drawn matchings."""
    import base64

    import pandas as pd

    from roshan.federate.protocol import Session, counts_provenance

    def member(name: str, byte: int) -> dict[str, str]:
        return {
            "name": name,
            "recipient": "age1synthetic",
            "signing_public": base64.b64encode(bytes([byte]) * 32).decode("ascii"),
        }

    session = Session(
        {
            "session_id": "5e55" * 8,
            "created_at": "2026-01-01T00:00:00+00:00",
            "parties": [member(p, k) for k, p in enumerate(("ORG-A", "ORG-B", "ORG-C"))],
            "coordinator": member("coordinator", 9),
            "strata": [],
            "tokens_per_victim": 40,
            "threshold": 4,
            "unique_threshold": 2,
            "max_df": 200,
            "min_victims": 50,
        }
    )
    table = pd.read_csv(data_dir / "madigan_york_3list.csv")
    table.columns = ["ORG-A", "ORG-B", "ORG-C", "count"]
    draws = []
    for k in (1, 2):
        t = table.copy()
        t.loc[t.index[-1], "count"] += k  # one more person in all three per draw
        draws.append(t)
    path = tmp_path / "counts.csv"
    table.to_csv(path, index=False)
    summary = {
        "victims_per_party": {"ORG-A": 1, "ORG-B": 1, "ORG-C": 1},
        "by": [],
        "observed": int(table["count"].sum()),
        "draw_tables": draws,
    }
    return path, counts_provenance(session, summary, "0" * 64, path.name)


def test_federate(tmp_path: Path, data_dir: Path) -> None:
    from roshan.estimate.federated import estimate_federated, provenance_summary

    path, doc = _session_and_counts(tmp_path, data_dir)
    check(provenance_summary(doc, 0), MD.FederateDiagnostics, "federate")
    res = estimate_federated(path, doc, "loglinear", {"terms": "", "bootstrap": 0})
    check_result(res, MD.LoglinearDiagnostics)
    assert res.diagnostics["federate"]["linkage_error"]["draws_pooled"] == 2
    assert res.diagnostics["linkage"]["kind"].startswith("private matching")
    # without drawn matchings the interval is widened by the measured matching error
    plain = estimate_federated(
        path, {**doc, "draws": []}, "loglinear", {"terms": "", "bootstrap": 0}
    )
    check_result(plain, MD.LoglinearDiagnostics)
    assert plain.diagnostics["federate"]["linkage_error"]["widened_rsd"] > 0
    RAN.add("federate")


@pytest.fixture(scope="module")
def linked_ws(tmp_path_factory: pytest.TempPathFactory):
    """A SYNTHETIC scenario ingested and linked with the real linkage engine."""
    from roshan.link.pipeline import link_workspace
    from roshan.simulate import ScenarioConfig, ingest_scenario, simulate
    from roshan.store.workspace import Workspace

    base = tmp_path_factory.mktemp("diag_ws")
    manifest = simulate(ScenarioConfig(seed=3, population=300, lists=4), base / "scen")
    with Workspace.init(base / "ws") as ws:
        ingest_scenario(ws, base / "scen", manifest)
        link_workspace(ws)
        yield ws


@pytest.mark.slow
def test_workspace(linked_ws) -> None:
    from roshan.estimate import estimate_workspace

    res = estimate_workspace(
        linked_ws,
        method="dga",
        by=["period"],
        linkage_draws=3,
        store=False,
        accept_linkage_risk=True,
        seed=2,
        n_draws=300,
    )
    check_result(res, MD.StrataDiagnostics)
    assert {"linkage", "linkage_health"} <= set(res.diagnostics)
    plain = estimate_workspace(
        linked_ws, method="loglinear", linkage_draws=0, store=False, accept_linkage_risk=True
    )
    check_result(plain, MD.LoglinearDiagnostics)
    RAN.add("workspace")


def test_diagnostics_of_is_the_same_dict(rome: CaptureCounts) -> None:
    from roshan.estimate import METHODS, diagnostics_of
    from roshan.estimate.loglinear import fit_loglinear

    res = fit_loglinear(rome, terms="", bootstrap=0)
    assert diagnostics_of(res) is res.diagnostics
    assert MD.DIAGNOSTICS_TYPES.keys() == set(METHODS)


def test_every_declared_key_is_written_by_some_run() -> None:
    """Runs last (pytest keeps the file's order): the keys seen by the tests above cover
    every declared key of every type, so no type keeps a key no method writes any more.
    Without the (slow) workspace run, the keys only a workspace writes are let off."""
    everything = {"loglinear", "lcmcr", "dga", "strata", "pairs", "federate"}
    everything |= {f"linkage {m}" for m in ("loglinear", "dga", "lcmcr", "recommended")}
    if not everything <= RAN:
        pytest.skip(f"needs the other tests of this module: {sorted(everything - RAN)} did not run")
    let_off = {} if "workspace" in RAN else WORKSPACE_ONLY
    declared = {
        td: td.__required_keys__ | td.__optional_keys__  # type: ignore[attr-defined]
        for td in _all_typeddicts()
    }
    # the shared parts are set around the fit, whatever the method: seen once is enough
    shared = set(MD.SharedDiagnostics.__optional_keys__)
    seen_shared = {k for keys in SEEN.values() for k in keys & shared}
    expected = shared if "workspace" in RAN else shared - {"linkage_health"}
    assert expected <= seen_shared, f"never written: {sorted(expected - seen_shared)}"
    stale = {
        td.__name__: sorted(missing)
        for td, keys in declared.items()
        if (missing := keys - shared - SEEN.get(td, set()) - let_off.get(td.__name__, set()))
    }
    assert not stale, f"declared but never written: {stale}"


def _all_typeddicts() -> list[type]:
    """Every TypedDict of roshan.estimate.method_diagnostics but the two whose keys are
    checked as part of others (SharedDiagnostics: every method's; DgaGrid: dga's)."""
    parts = (MD.SharedDiagnostics, MD.DgaGrid)
    return [
        v
        for v in vars(MD).values()
        if typing.is_typeddict(v) and v.__module__ == MD.__name__ and v not in parts
    ]
