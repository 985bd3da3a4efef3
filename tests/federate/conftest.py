"""Fixtures for federate tests: a SYNTHETIC simulated scenario (roshan.simulate), three
organisations each holding two of its six lists, each organisation's workspace linked
alone, one workspace with all lists linked together (the clear-text reference), and
organisation key directories. Built once per session."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pytest

POPULATION = 700
SEED = 11
PARTIES = ("ORG-A", "ORG-B", "ORG-C")


@dataclass
class Federation:
    root: Path
    parties: tuple[str, ...]
    source_party: dict[str, str]
    party_ws: dict[str, Path]
    all_ws: Path
    keydirs: dict[str, Path]  # parties and "coordinator"
    keys: dict  # unlocked OrgKeys by name


def _linked_ws(path: Path, root: Path, sources: list[dict]) -> Path:
    from roshan.canonical import SourceKind
    from roshan.ingest.importer import ingest_file
    from roshan.link.pipeline import link_workspace
    from roshan.store.workspace import Workspace

    ws = Workspace.init(path)
    try:
        for s in sources:
            mapping = root / s["mapping"] if s.get("mapping") else None
            ingest_file(
                ws,
                root / s["file"],
                source_name=s["name"],
                source_kind=SourceKind(s["kind"]),
                mapping_path=mapping,
            )
        link_workspace(ws)
    finally:
        ws.close()
    return path


@pytest.fixture(scope="session")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Federation:
    from fed_helpers import PASSPHRASE

    from roshan.intake.keys import init_keys, unlock
    from roshan.simulate.config import ScenarioConfig
    from roshan.simulate.scenario import simulate

    logging.getLogger("splink").setLevel(logging.ERROR)
    root = tmp_path_factory.mktemp("federate")
    manifest = simulate(ScenarioConfig(seed=SEED, population=POPULATION, lists=6), root / "sim")
    sources = manifest["sources"]
    share = {s["name"]: PARTIES[k * len(PARTIES) // len(sources)] for k, s in enumerate(sources)}
    party_ws = {
        p: _linked_ws(root / f"ws-{p}", root / "sim", [s for s in sources if share[s["name"]] == p])
        for p in PARTIES
    }
    all_ws = _linked_ws(root / "ws-all", root / "sim", sources)
    keydirs, keys = {}, {}
    for name in (*PARTIES, "coordinator"):
        keydirs[name] = root / "keys" / name
        init_keys(keydirs[name], PASSPHRASE)
        keys[name] = unlock(keydirs[name], PASSPHRASE)
    return Federation(root, PARTIES, share, party_ws, all_ws, keydirs, keys)
