"""What roshan's wrong links look like on one outside scenario (SYNTHETIC).

Run: ``.venv/bin/python bench/robustness/false_links.py outside3 18``

Generates the scenario (bench/robustness/outside.py), ingests and links it with roshan's
defaults (the sweep's ``run_one``), then lists every pair of records that roshan put in
one cluster although they belong to different people (``--missed``: every pair of one
person's records that roshan left in different clusters), grouped by what the records say:
same list or not, whether given, family and father's name keys agree, days between the
dates of death, same city (the gazetteer city), years between the ages. Where a wrong pair agrees on every
field the generator lets records of one person share, no linker could split it.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from robustness.outside import generate
from robustness.sweep import run_one, truth_of


def _same(a: object, b: object) -> str:
    if a is None or b is None or pd.isna(a) or pd.isna(b) or a == "" or b == "":
        return "?"
    return "=" if a == b else "!"


def _apart(a: object, b: object, kind: str) -> str:
    try:
        if kind == "days":
            return str(abs((pd.Timestamp(a) - pd.Timestamp(b)).days))
        return str(int(abs(float(a) - float(b))))
    except (TypeError, ValueError):
        return "?"


def false_links(family: str, seed: int, missed: bool = False) -> dict:
    work = Path(tempfile.mkdtemp(prefix="roshan-false-links-"))
    try:
        scores = run_one(family, seed, work=work, naive=False)
        ws = work / "ws" / "snapshots"
        norm = pd.read_parquet(ws / "normalized.parquet")
        cl = pd.read_parquet(ws / "clusters.parquet")
        truth = truth_of(generate(family, seed, out_dir=work / "again"), norm)
        norm = norm.set_index("record_pk")
        norm["person"] = truth.reindex(norm.index).to_numpy()
        norm["cluster"] = cl.set_index("record_pk")["cluster_id"].reindex(norm.index).to_numpy()
        # wrong: one cluster, two people; missed (--missed): one person, two clusters
        group, other = ("person", "cluster") if missed else ("cluster", "person")
        kinds: collections.Counter[str] = collections.Counter()
        n_pairs = 0
        for _, g in norm.groupby(group):
            if g[other].nunique() < 2:
                continue
            for a, b in itertools.combinations(g.index, 2):
                ra, rb = g.loc[a], g.loc[b]
                if ra[other] == rb[other]:
                    continue
                n_pairs += 1
                kinds[
                    " ".join(
                        [
                            "same list" if ra["source"] == rb["source"] else "two lists",
                            "given" + _same(ra.get("given_key"), rb.get("given_key")),
                            "family" + _same(ra.get("family_key"), rb.get("family_key")),
                            "father" + _same(ra.get("father_key"), rb.get("father_key")),
                            "days apart " + _apart(ra.get("dod_iso"), rb.get("dod_iso"), "days"),
                            "city" + _same(ra.get("city"), rb.get("city")),
                            "years apart " + _apart(ra.get("age_min"), rb.get("age_min"), "years"),
                        ]
                    )
                ] += 1
        return {
            "family": family,
            "seed": seed,
            "precision": scores["precision"],
            "recall": scores["recall"],
            "missed_pairs" if missed else "wrong_pairs": n_pairs,
            "kinds": dict(kinds.most_common()),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("family")
    ap.add_argument("seeds", type=int, nargs="+")
    ap.add_argument(
        "--missed", action="store_true", help="the true pairs roshan left apart instead"
    )
    args = ap.parse_args(argv)
    for seed in args.seeds:
        print(json.dumps(false_links(args.family, seed, args.missed), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
