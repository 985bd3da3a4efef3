"""How well full names are read on the outside "fullname" lists, by written form.

    .venv/bin/python tests/normalize/fullname_accuracy.py              # seeds 1-3
    .venv/bin/python tests/normalize/fullname_accuracy.py --seeds 1 --json

SYNTHETIC data: ``bench/robustness/outside.py`` (a clean-room generator written
without reading roshan's normaliser), family ``fullname``: four lists with one
full-name column each, records mixing «X Y فرزند Z», «X Y پسر/دختر Z», «X Z Y»,
«Y، X فرزند Z», "Y, X son of Z", "X Y son of Z", "X Z Y" and "X Y".

The generator's form-writing functions are wrapped (not changed) to learn which
form each record was written in and the given, family and father's names as
written (spelling variant and typo included). For each (script, form):

* ``parse`` — the record's given/family/father key equals the key of the name
  as written, read as a field of its own: did the parser put the written words
  in the right place?
* ``truth`` — the key equals the key of the person's true (canonical) name in
  either script: what linkage sees (spelling variants and typos count against it).

Kept under tests/ (not bench/) only because of who owns which directory; it is
a measuring script, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FORMS_FA = ("X Y farzand Z", "X Y pesar/dokhtar Z", "X Z Y", "Y, X farzand Z", "X Y")
FORMS_LATIN = ("Y, X son of Z", "X Y son of Z", "X Z Y", "X Y")


def _load_outside():  # the generator module
    sys.path.insert(0, str(ROOT / "bench"))
    from robustness import outside

    return outside


def _recorded_generate(outside, seed: int):
    """``generate("fullname", seed)`` and, per list, the (form, given, family,
    father) each row was written with, in row order."""
    calls: list[tuple[str, str, str, str, str]] = []
    orig_fa, orig_lat = outside._full_name_fa, outside._full_name_latin

    def wrap(orig, script: str, forms: tuple[str, ...]):
        def f(rng, g, fam, father, sex, title):
            out = orig(rng, g, fam, father, sex, title)
            t = f"{title} " if title else ""
            if script == "fa":
                kin = "پسر" if sex == "M" else "دختر"
                cands = [
                    f"{t}{g} {fam} فرزند {father}",
                    f"{t}{g} {fam} {kin} {father}",
                    f"{t}{g} {father} {fam}",
                    f"{fam}، {t}{g} فرزند {father}",
                    f"{t}{g} {fam}",
                ]
                order = forms
                if not father:
                    cands, order = [f"{t}{g} {fam}", f"{fam}، {t}{g}"], ("X Y", "Y, X")
            else:
                kin = "son of" if sex == "M" else "daughter of"
                cands = [
                    f"{fam}, {t}{g} {kin} {father}",
                    f"{t}{g} {fam} {kin} {father}",
                    f"{t}{g} {father} {fam}",
                    f"{t}{g} {fam}",
                ]
                order = forms
                if not father:
                    cands, order = [f"{t}{g} {fam}", f"{fam}, {t}{g}"], ("X Y", "Y, X")
            form = order[cands.index(out)]
            calls.append((script, form, g, fam, father if form not in ("X Y", "Y, X") else ""))
            return out

        return f

    outside._full_name_fa = wrap(orig_fa, "fa", FORMS_FA)
    outside._full_name_latin = wrap(orig_lat, "latin", FORMS_LATIN)
    try:
        sc = outside.generate("fullname", seed)
    finally:
        outside._full_name_fa, outside._full_name_latin = orig_fa, orig_lat
    per_list: dict[str, list] = {}
    pos = 0
    for name, df in sc.lists.items():
        per_list[name] = calls[pos : pos + len(df)]
        pos += len(df)
    assert pos == len(calls)
    return sc, per_list


def measure(seeds: list[int]) -> dict[tuple[str, str], dict[str, int]]:
    """Counts per (script, form): records, and parse/truth hits for given, family, father."""
    from roshan.normalize.names import person_name
    from roshan.normalize.variants import default_table

    outside = _load_outside()
    table = default_table()
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for seed in seeds:
        sc, per_list = _recorded_generate(outside, seed)
        people = sc.people.set_index("person_id")
        truth_keys: dict[str, list[tuple[str, str, str]]] = {}
        for pid, p in people.iterrows():
            truth_keys[pid] = [
                (q.given.key, q.family.key, q.father.key)
                for q in (
                    person_name(
                        None,
                        p[f"given_name_{s}"],
                        p[f"family_name_{s}"],
                        p[f"father_name_{s}"],
                        table,
                    )
                    for s in ("fa", "latin")
                )
            ]
        for name, df in sc.lists.items():
            full_col = df.columns[0]
            truth = sc.truth[sc.truth["list"] == name].sort_values("row_number")
            for raw, pid, (script, form, g, fam, fa) in zip(
                df[full_col], truth["person_id"], per_list[name], strict=True
            ):
                got = person_name(raw, None, None, None, table)
                w = person_name(None, g, fam, fa or None, table)
                c = counts.setdefault(
                    (script, form),
                    {
                        "records": 0,
                        **{
                            f"{k}_{p}": 0
                            for k in ("parse", "truth")
                            for p in ("given", "family", "father", "all")
                        },
                    },
                )
                c["records"] += 1
                mine = (got.given.key, got.family.key, got.father.key)
                written = (w.given.key, w.family.key, w.father.key)
                for i, part in enumerate(("given", "family", "father")):
                    c[f"parse_{part}"] += mine[i] == written[i]
                    c[f"truth_{part}"] += any(mine[i] == t[i] for t in truth_keys[pid])
                c["parse_all"] += mine == written
                c["truth_all"] += any(
                    mine[:2] == t[:2] and (mine[2] == t[2] or not fa) for t in truth_keys[pid]
                )
    return counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    counts = measure(args.seeds)
    rows = []
    tot: dict[str, int] = {}
    for (script, form), c in sorted(counts.items()):
        rows.append(
            {
                "script": script,
                "form": form,
                "records": c["records"],
                **{k: round(v / c["records"], 3) for k, v in c.items() if k != "records"},
            }
        )
        for k, v in c.items():
            tot[k] = tot.get(k, 0) + v
    rows.append(
        {
            "script": "all",
            "form": "all",
            "records": tot["records"],
            **{k: round(v / tot["records"], 3) for k, v in tot.items() if k != "records"},
        }
    )
    if args.json:
        print(json.dumps({"seeds": args.seeds, "rows": rows}, indent=2, ensure_ascii=False))
        return 0
    print(f"seeds {args.seeds}; parse = key of the name as written, truth = key of the true name")
    print(f"{'script':6} {'form':22} {'n':>5}  parse g/f/fa/all          truth g/f/fa/all")
    for r in rows:
        print(
            f"{r['script']:6} {r['form']:22} {r['records']:5}  "
            f"{r['parse_given']:.3f} {r['parse_family']:.3f} {r['parse_father']:.3f} "
            f"{r['parse_all']:.3f}   {r['truth_given']:.3f} {r['truth_family']:.3f} "
            f"{r['truth_father']:.3f} {r['truth_all']:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
