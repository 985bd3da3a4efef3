"""Constants and the planted SYNTHETIC list shared by the report tests (imported by name;
conftest modules of other test folders share the name ``conftest``, so nothing is imported
from there)."""

from __future__ import annotations

import csv
from pathlib import Path

POPULATION = 700
SEED = 5
PLANTED_SOURCE = "SYNTHETIC-PLANTED-Zx9Source"
#: Values planted in the hand-made list; none may appear in a public export.
PLANTED = {
    "record_id": "PLANTRID-Qw71",
    "full_name": "Plantfullname Kq",
    "given_name": "Plantgiven",
    "family_name": "Plantfamily",
    "father_name": "Plantfather",
    "source_reference": "https://plant.example/ref-Ur5",
    "witness": "PLANTWITNESS-Jo4 +98-912-000",
    "notes": "PLANTNOTES-Lm2 informant said",
    "place_of_death": "PLANTPLACE-Hd8 hospital ward",
    "burial_place": "PLANTBURIAL-Vb3",
    "cause_of_death": "PLANTCAUSE-Ty6 shot",
    "date_of_birth": "1999-02-03",
}
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "\rCR"]


def planted_list(path: Path) -> Path:
    fields = list(PLANTED) + ["sex", "age", "date_of_death", "city", "province", "cause_category"]
    rows = []
    for i in range(3):
        row = {k: (f"{v}{i}" if k not in ("date_of_birth",) else v) for k, v in PLANTED.items()}
        row.update(
            sex="male",
            age=str(30 + i),
            date_of_death="2026-01-10",
            city="Tehran",
            province="Tehran",
            cause_category="live_ammunition",
        )
        rows.append(row)
    for j, bad in enumerate(HOSTILE):  # hostile values in a field internal exports keep
        row = {k: "" for k in fields}
        row.update(
            record_id=f"HOSTILE-{j}",
            full_name=f"Hostile Person{j}",
            sex="female",
            age=str(40 + j),
            date_of_death="2026-01-12",
            city="Tehran",
            province="Tehran",
            perpetrator=bad,
            cause_category="other",
        )
        rows.append(row)
    fields.append("perpetrator")
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in fields})
    return path
