"""How well the normaliser reads full-name-only lists and swapped name columns.

    .venv/bin/python bench/normalize_fullname.py                  # fullname + swapped, seeds 1-2
    .venv/bin/python bench/normalize_fullname.py --families default fullname --seeds 1

SYNTHETIC data: the simulator's scenario families (``roshan.simulate.families``)
at population 3,000. ``fullname`` has four full-name-only lists without a
father column: A "Y, X son of Z" (Latin), B «X Y فرزند Z», C «X Y پسر/دختر Z»,
D "X Z Y" (father in the middle, Latin); ``swapped`` has list C's given/family
columns swapped throughout and 5% of rows in the others. For each list, the
share of records whose normalised ``given_key`` / ``family_key`` /
``father_key`` equals the key of the true name (the truth normalised the same
way). Spelling noise and missing fathers keep every figure below 1.
"""

from __future__ import annotations

import argparse
import json

import pandas as pd


def _frame(scen: object) -> pd.DataFrame:
    from roshan.canonical import FIELD_NAMES

    rec = scen.records.reset_index(drop=True)  # type: ignore[attr-defined]
    df = pd.DataFrame(
        {
            "record_pk": range(1, len(rec) + 1),
            "source": rec["source"],
            "source_kind": "ngo_list",
            "row_number": rec["row_number"],
        }
    )
    for f in FIELD_NAMES:
        if f in rec.columns:
            col = rec[f]
            df[f] = col.astype(object).where(col.notna() & (col != ""), None).to_numpy()
        else:
            df[f] = None
    df["victim_id"] = rec["victim_id"].to_numpy()
    return df


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--families", nargs="+", default=["fullname", "swapped"])
    ap.add_argument("--seeds", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--population", type=int, default=3000)
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args()

    from roshan.normalize.names import person_name
    from roshan.normalize.snapshot import normalize_frame
    from roshan.simulate import generate
    from roshan.simulate.families import family_config

    counts: dict[tuple[str, str], dict[str, int]] = {}
    for fam in args.families:
        for seed in args.seeds:
            scen = generate(family_config(fam, seed=seed, population=args.population))
            df = _frame(scen)
            out = normalize_frame(df.drop(columns=["victim_id"]))
            truth = scen.population.set_index("victim_id").loc[df["victim_id"]]
            keys = [
                person_name(None, g, f, fa)
                for g, f, fa in zip(
                    truth["given_name"], truth["family_name"], truth["father_name"], strict=True
                )
            ]
            out["t_given"] = [p.given.key for p in keys]
            out["t_family"] = [p.family.key for p in keys]
            out["t_father"] = [p.father.key for p in keys]
            for src, g in out.groupby("source"):
                c = counts.setdefault(
                    (fam, str(src).rsplit("-", 1)[-1]),
                    {"records": 0, "given": 0, "family": 0, "father": 0},
                )
                c["records"] += len(g)
                for part in ("given", "family", "father"):
                    c[part] += int((g[f"{part}_key"] == g[f"t_{part}"]).sum())
    rows = [
        {
            "scenario": fam,
            "list": lst,
            "records": c["records"],
            **{p: round(c[p] / c["records"], 3) for p in ("given", "family", "father")},
        }
        for (fam, lst), c in sorted(counts.items())
    ]
    if args.json:
        print(
            json.dumps({"seeds": args.seeds, "population": args.population, "rows": rows}, indent=2)
        )
    else:
        print(f"{'scenario':10} {'list':4} {'records':>7}  given  family  father")
        for r in rows:
            print(
                f"{r['scenario']:10} {r['list']:4} {r['records']:7}  {r['given']:.3f}  "
                f"{r['family']:.3f}  {r['father']:.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
