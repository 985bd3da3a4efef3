"""Score a record-linkage output against a SYNTHETIC truth file of ``blind_gen.py``.

Written clean-room ("blind") on 2026-12-07, with ``blind_gen.py``, by someone who had
not read roshan; it imports nothing from roshan. Added to the repository unchanged in
behaviour, only made to pass ``ruff check`` and ``ruff format`` and split into an
importable ``score()`` beside the command line. **All data scored are SYNTHETIC.**

Run::

    .venv/bin/python bench/robustness/blind_score.py SYNTHETIC_truth.csv linker_output.csv [--per-file]

or from Python (with ``bench`` on ``sys.path``)::

    from robustness.blind_score import score
    figures = score("SYNTHETIC_truth.csv", linker_df)  # path or DataFrame each

truth:  file,row,person_id    (row = 1-based data row / JSON record index)
linker: file,row,cluster_id   (extra columns ignored)

Rows in the truth but missing from the linker output are counted as singleton
clusters (a warning is printed); rows in the output that are not in the truth
are ignored.  Prints pairwise precision / recall / F1 (overall, within-file and
cross-file pairs), B-cubed scores, cluster counts and the number of unique true
people listed.
"""

import argparse
import io
import os
import sys
from collections import Counter

import pandas as pd


def c2(n):
    return n * (n - 1) // 2


def prf(tp, npred, ntrue):
    p = tp / npred if npred else 1.0
    r = tp / ntrue if ntrue else 1.0
    f = 2 * p * r / (p + r) if (p + r) else 0.0
    return p, r, f


def _read(x):
    if isinstance(x, pd.DataFrame):  # read as the CSV it would be written to
        return pd.read_csv(io.StringIO(x.to_csv(index=False)), dtype=str)
    return pd.read_csv(x, dtype=str)


def score(truth_csv, linker_csv, warn=None):
    """Score ``linker_csv`` (file,row,cluster_id) against ``truth_csv`` (file,row,person_id).

    Either may be a path or a DataFrame. Returns a dict of the figures the command line
    prints (pairwise P/R/F1 overall, within-file and cross-file, B-cubed, cluster counts)
    plus ``per_file`` rows and the list of ``warnings``; ``warn`` (e.g. a function
    printing to stderr) is called with each warning as it arises. Raises ValueError when
    a file lacks a required column.
    """
    warnings = []

    def _warn(msg):
        warnings.append(msg)
        if warn is not None:
            warn(msg)

    t = _read(truth_csv)
    p = _read(linker_csv)
    for need, df, nm in (
        ({"file", "row", "person_id"}, t, "truth"),
        ({"file", "row", "cluster_id"}, p, "linker"),
    ):
        miss = need - set(df.columns)
        if miss:
            raise ValueError(f"{nm} file lacks columns: {sorted(miss)}")
    for df in (t, p):
        df["file"] = df["file"].map(lambda s: os.path.basename(str(s).strip()))
        df["row"] = df["row"].astype(float).astype(int)
    if p.duplicated(["file", "row"]).any():
        n = int(p.duplicated(["file", "row"]).sum())
        _warn(f"WARNING: {n} duplicated (file,row) keys in linker output; keeping the first")
        p = p.drop_duplicates(["file", "row"])
    m = t.merge(p[["file", "row", "cluster_id"]], on=["file", "row"], how="left", indicator=True)
    unmatched = int((m["_merge"] == "left_only").sum())
    extra = len(p) - (len(m) - unmatched)
    if unmatched:
        lines = [f"WARNING: {unmatched} truth rows missing from linker output -> singletons"]
        miss_files = m.loc[m["_merge"] == "left_only", "file"].value_counts()
        for f, n in miss_files.items():
            lines.append(f"   {f}: {n} missing")
        _warn("\n".join(lines))
    if extra:
        _warn(f"WARNING: {extra} linker rows not in truth (ignored)")
    m["cluster_id"] = m["cluster_id"].astype(object)
    miss = m["cluster_id"].isna()
    m.loc[miss, "cluster_id"] = [f"__singleton_{i}" for i in range(int(miss.sum()))]

    # pairwise counts via contingency tables
    joint = Counter(zip(m["cluster_id"], m["person_id"], strict=True))
    csize = Counter(m["cluster_id"])
    psize = Counter(m["person_id"])
    tp = sum(c2(n) for n in joint.values())
    npred = sum(c2(n) for n in csize.values())
    ntrue = sum(c2(n) for n in psize.values())
    P, R, F = prf(tp, npred, ntrue)

    # within-file vs cross-file pairs
    jf = Counter(zip(m["cluster_id"], m["person_id"], m["file"], strict=True))
    cf = Counter(zip(m["cluster_id"], m["file"], strict=True))
    pf = Counter(zip(m["person_id"], m["file"], strict=True))
    tp_w = sum(c2(n) for n in jf.values())
    pred_w = sum(c2(n) for n in cf.values())
    true_w = sum(c2(n) for n in pf.values())
    Pw, Rw, Fw = prf(tp_w, pred_w, true_w)
    Px, Rx, Fx = prf(tp - tp_w, npred - pred_w, ntrue - true_w)

    # B-cubed
    bp = sum(n * n / csize[c] for (c, _), n in joint.items()) / len(m)
    br = sum(n * n / psize[q] for (_, q), n in joint.items()) / len(m)
    bf = 2 * bp * br / (bp + br) if bp + br else 0.0

    # error anatomy
    people_per_cluster = Counter(c for (c, _) in joint)
    clusters_per_person = Counter(q for (_, q) in joint)
    merged = sum(1 for c, k in people_per_cluster.items() if k > 1)
    split = sum(1 for q, k in clusters_per_person.items() if k > 1)
    exact = sum(1 for (c, q), n in joint.items() if n == csize[c] == psize[q])

    per_file = [
        {
            "file": f,
            "rows": len(g),
            "true_people": g["person_id"].nunique(),
            "clusters": g["cluster_id"].nunique(),
        }
        for f, g in m.groupby("file")
    ]
    return {
        "records": len(m),
        "files": m["file"].nunique(),
        "true_people": len(psize),
        "clusters": len(csize),
        "singleton_clusters": sum(1 for n in csize.values() if n == 1),
        "exact_clusters": exact,
        "overmerged_clusters": merged,
        "split_people": split,
        "true_pairs": ntrue,
        "predicted_pairs": npred,
        "correct_pairs": tp,
        "precision": P,
        "recall": R,
        "f1": F,
        "within_precision": Pw,
        "within_recall": Rw,
        "within_f1": Fw,
        "within_true_pairs": true_w,
        "within_predicted_pairs": pred_w,
        "cross_precision": Px,
        "cross_recall": Rx,
        "cross_f1": Fx,
        "bcubed_precision": bp,
        "bcubed_recall": br,
        "bcubed_f1": bf,
        "truth_rows_missing": unmatched,
        "linker_rows_extra": extra,
        "per_file": per_file,
        "warnings": warnings,
    }


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("truth")
    ap.add_argument("linker")
    ap.add_argument(
        "--per-file", action="store_true", help="also print per-file row counts and scores"
    )
    a = ap.parse_args()
    try:
        s = score(a.truth, a.linker, warn=lambda msg: print(msg, file=sys.stderr))
    except ValueError as exc:
        sys.exit(str(exc))

    print(f"records scored            : {s['records']}  (files: {s['files']})")
    print(f"unique true people listed : {s['true_people']}")
    print(
        f"predicted clusters        : {s['clusters']}  "
        f"(difference {s['clusters'] - s['true_people']:+d})"
    )
    print(f"  singleton clusters      : {s['singleton_clusters']}")
    print(f"  clusters == a true person exactly : {s['exact_clusters']}")
    print(f"  clusters mixing >1 person (over-merge): {s['overmerged_clusters']}")
    print(f"  people split over >1 cluster      : {s['split_people']}")
    print(
        f"true matching pairs       : {s['true_pairs']}   predicted pairs: "
        f"{s['predicted_pairs']}   correct pairs: {s['correct_pairs']}"
    )
    print(f"PAIRWISE  precision {s['precision']:.4f}  recall {s['recall']:.4f}  F1 {s['f1']:.4f}")
    print(
        f"  within-file pairs  P {s['within_precision']:.4f}  R {s['within_recall']:.4f}  "
        f"F1 {s['within_f1']:.4f}  (true {s['within_true_pairs']}, "
        f"pred {s['within_predicted_pairs']})"
    )
    print(
        f"  cross-file pairs   P {s['cross_precision']:.4f}  R {s['cross_recall']:.4f}  "
        f"F1 {s['cross_f1']:.4f}  (true {s['true_pairs'] - s['within_true_pairs']}, "
        f"pred {s['predicted_pairs'] - s['within_predicted_pairs']})"
    )
    print(
        f"B-CUBED   precision {s['bcubed_precision']:.4f}  recall {s['bcubed_recall']:.4f}  "
        f"F1 {s['bcubed_f1']:.4f}"
    )
    if a.per_file:
        for pf in s["per_file"]:
            print(
                f"  {pf['file']}: rows {pf['rows']}, true people {pf['true_people']}, "
                f"clusters {pf['clusters']}"
            )


if __name__ == "__main__":
    main()
