"""A small version of bench/blind_lists.py in the suite: the clean-room "blind" generator.

``bench/robustness/blind_gen.py`` was written on 2026-12-07 by someone who had not read
roshan. It writes four SYNTHETIC lists in four house styles and formats (Persian XLSX,
English UTF-8 CSV, Windows-1256 insider CSV, web-form JSON). Here one seed with 600
people goes through the installed ``roshan`` script as a user would run it (init,
ingest with no mapping files, link, export), and the exported records are scored
pairwise against the generator's truth.
"""

from __future__ import annotations

import blind_lists

SEED = 2
PEOPLE = 600
# Measured on seed 2 with 600 people (843 rows over the four lists): pairwise precision
# 0.9784, recall 0.9362 (2026-12-07); 0.9946, 0.9466 (2026-12-08, after the dot-skeleton
# level, province names and the family-first Seyyed), model health "ok". The floors sit a
# little below. (Seed 1 with 600 people gets "repaired": its first model fails the health
# check and the retrained sure-match model is used; seeds 2-6 are "ok".)
MIN_PRECISION = 0.98
MIN_RECALL = 0.935


def test_blind_lists_through_the_installed_cli() -> None:
    result = blind_lists.main(
        [
            "--seeds",
            "1",
            "--first-seed",
            str(SEED),
            "--people",
            str(PEOPLE),
            "--jobs",
            "1",
            "--no-write",
        ]
    )
    (run,) = result["runs"]
    assert "error" not in run, run.get("error")
    # no row lost: every row of every list is ingested, exported and found in the truth
    for name, lst in run["lists"].items():
        assert lst["accepted"] == lst["rows"] == lst["rows_in_truth"] > 0, (name, lst)
        assert lst["rejected"] == 0, (name, lst)
    assert run["rows_ingested"] == run["rows_truth"] == run["rows_exported"]
    assert run["rows_lost"] == 0 and run["rows_unknown"] == 0
    assert run["health"] == "ok", run["health_model"]
    assert run["precision"] >= MIN_PRECISION, run
    assert run["recall"] >= MIN_RECALL, run
    assert result["summary"]["errors"] == 0
