"""Benchmark of the federate stage on SYNTHETIC simulator scenarios.

For each scenario: simulate ``lists`` lists, give each of ``parties`` organisations a
contiguous share of them, link every organisation's workspace alone and one workspace
with all lists together (roshan's clear-text linkage), then

* calibration: the private matching (on clear tokens, which gives the same matches as
  blinded ones) for thresholds 2..8 against the clear-text party-level pattern counts;
* cost: the crypto rounds for real (hash-to-group, blinding by every party, shuffling,
  age encryption, signatures) on the scenario, timed per token.

    .venv/bin/python bench/federate.py --population 3000 --seeds 1 2 --parties 3 \
        --out bench/results/federate.json

Writes bench/results/federate.json and the section between ``<!-- bench:federate -->``
markers in docs/benchmarks.md (with --docs).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def build(seed: int, population: int, lists: int, parties: int, root: Path) -> dict:
    """Simulate, ingest and link: one workspace per party and one with all lists."""
    from roshan.canonical import SourceKind
    from roshan.ingest.importer import ingest_file
    from roshan.link.pipeline import link_workspace
    from roshan.simulate.config import ScenarioConfig
    from roshan.simulate.scenario import simulate
    from roshan.store.workspace import Workspace

    logging.getLogger("splink").setLevel(logging.ERROR)
    manifest = simulate(ScenarioConfig(seed=seed, population=population, lists=lists),
                        root / "sim")
    sources = manifest["sources"]
    names = [f"ORG-{chr(65 + i)}" for i in range(parties)]
    share = {s["name"]: names[k * parties // len(sources)] for k, s in enumerate(sources)}

    def ws_with(path: Path, which: list[dict]) -> Path:
        ws = Workspace.init(path)
        try:
            for s in which:
                mapping = root / "sim" / s["mapping"] if s.get("mapping") else None
                ingest_file(ws, root / "sim" / s["file"], source_name=s["name"],
                            source_kind=SourceKind(s["kind"]), mapping_path=mapping)
            link_workspace(ws)
        finally:
            ws.close()
        return path

    t0 = time.perf_counter()
    party_ws = {p: ws_with(root / f"ws-{p}", [s for s in sources if share[s["name"]] == p])
                for p in names}
    all_ws = ws_with(root / "ws-all", sources)
    return {"parties": names, "source_party": share, "party_ws": party_ws, "all_ws": all_ws,
            "link_seconds": time.perf_counter() - t0, "population": population, "seed": seed,
            "truth_capture": manifest}


def calibrate(built: dict, thresholds=range(2, 9), by=("province",)) -> list[dict]:
    from roshan.federate.match import clear_ids, count_error, match_counts, party_histories
    from roshan.federate.tokens import MAX_TOKENS, workspace_tokens

    parties = built["parties"]
    vts = [workspace_tokens(built["party_ws"][p]) for p in parties]
    rows = [clear_ids(vt.tokens, MAX_TOKENS) for vt in vts]
    victims = pd.read_parquet(Path(built["all_ws"]) / "snapshots" / "victims.parquet")
    clear = party_histories(victims, built["source_party"], parties)
    clear_by = party_histories(victims, built["source_party"], parties, by)
    out = []
    for t in thresholds:
        priv = match_counts(rows, parties, threshold=t)
        priv_by = match_counts(rows, parties, strata=[vt.strata for vt in vts], by=by,
                               threshold=t)
        e = count_error(priv, clear, parties)
        e_by = count_error(priv_by, clear_by, parties, by)
        out.append({"threshold": t, "l1": round(e["l1"], 4), "total": round(e["total"], 4),
                    "l1_by_" + "_".join(by): round(e_by["l1"], 4),
                    "private_total": e["private_total"], "clear_total": e["clear_total"]})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--population", type=int, default=2000)
    ap.add_argument("--lists", type=int, default=6)
    ap.add_argument("--parties", type=int, default=3)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--no-crypto", action="store_true", help="calibration only")
    ap.add_argument("--docs", action="store_true", help="update docs/benchmarks.md")
    args = ap.parse_args(argv)
    results = {"population": args.population, "lists": args.lists, "parties": args.parties,
               "cpu_count": os.cpu_count(), "load": os.getloadavg()[0], "scenarios": []}
    for seed in args.seeds:
        with tempfile.TemporaryDirectory(prefix="fedbench-") as tmp:
            built = build(seed, args.population, args.lists, args.parties, Path(tmp))
            entry = {"seed": seed, "link_seconds": round(built["link_seconds"], 1),
                     "calibration": calibrate(built)}
            if not args.no_crypto:
                entry["rounds"] = run_rounds(built, Path(tmp))
            results["scenarios"].append(entry)
            print(json.dumps(entry), file=sys.stderr)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    if args.docs:
        write_docs(results)
    print(json.dumps(results, indent=2))
    return 0


def run_rounds(built: dict, tmp: Path) -> dict:  # filled in below once protocol exists
    return {}


def write_docs(results: dict) -> None:
    pass


if __name__ == "__main__":
    sys.exit(main())
