"""A small version of the wild sweep in the suite: lists with free-form headers and no
mapping files (bench/robustness/wild.py, SYNTHETIC, written independently of roshan).

``wild_insider`` is hospital, morgue and cemetery registers (three of four lists with
no place; the cemetery register names its cemetery) plus family reports; ``wild_ngo``
has regional names, so namesakes share a city and EM takes them in. Before the no-place sure rules and the weak_agreement
check, linkage at its defaults reached recall 0.23 on it (seed 1, 3,000 people) and
reported every check passed; docs/benchmarks.md has the full sweep.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from robustness.sweep import ingest_outside, truth_of
from robustness.wild import generate

from roshan.link import link_workspace
from roshan.link.quality import pairwise_scores
from roshan.store.workspace import Workspace


@pytest.mark.parametrize(
    ("family", "seed", "min_recall", "sure_model"),
    [
        # the cemetery register's cemetery gives the city (0.793 before, 0.868 after)
        ("wild_insider", 1, 0.83, False),
        # EM lets regional namesakes in: the sure-match model is chosen (list excess
        # 0.120 against 0.083)
        ("wild_ngo", 2, 0.9, True),
    ],
)
def test_wild_lists_link_without_mapping_files(
    family: str, seed: int, min_recall: float, sure_model: bool
) -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)
    root = Path(tempfile.mkdtemp(prefix="roshan-wild-"))
    try:
        sc = generate(family, seed, out_dir=root / "lists", n_people=1200)
        assert not [p for p in (root / "lists").iterdir() if p.suffix in (".toml", ".yaml")]
        ws = Workspace.init(root / "ws")
        try:
            res = ingest_outside(sc, ws)
            assert sum(r.rows_rejected for r in res) == 0
            for r in res:  # every list's date of death and a name were found by header
                assert "date_of_death" in r.columns.values(), r.file_name
            summary = link_workspace(ws)
            norm = pd.read_parquet(ws.snapshots_dir / "normalized.parquet")
            cl = pd.read_parquet(ws.snapshots_dir / "clusters.parquet")
        finally:
            ws.close()
        truth = truth_of(sc, norm)
        pred = pd.Series(
            cl["cluster_id"].astype(str).to_numpy(),
            index=cl["record_pk"].astype("int64").to_numpy(),
        )
        pw = pairwise_scores(pred, truth)
        assert summary.health["verdict"] != "failed"
        assert pw.precision >= 0.9, (family, pw.precision, pw.recall)
        assert pw.recall >= min_recall, (family, pw.precision, pw.recall)
        excess = next(c for c in summary.health["checks"] if c["name"] == "one_entry_per_list")
        assert excess["figures"]["switched"] is sure_model, excess["figures"]
        assert (summary.training["chosen_start"] == "sure-matches") is sure_model
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _link_wild(
    family: str, seed: int, n_people: int
) -> tuple[dict, pd.Series, pd.Series, list, dict]:
    """Link a wild scenario; the trained model (JSON), clusters, truth, import results and
    the optional comparisons the summary says were used."""
    root = Path(tempfile.mkdtemp(prefix="roshan-wild-"))
    try:
        sc = generate(family, seed, out_dir=root / "lists", n_people=n_people)
        ws = Workspace.init(root / "ws")
        try:
            res = ingest_outside(sc, ws)
            summary = link_workspace(ws)
            assert summary.health["verdict"] != "failed"
            model = json.loads(Path(summary.files["model"]).read_text(encoding="utf-8"))
            norm = pd.read_parquet(ws.snapshots_dir / "normalized.parquet")
            cl = pd.read_parquet(ws.snapshots_dir / "clusters.parquet")
        finally:
            ws.close()
        pred = pd.Series(
            cl["cluster_id"].astype(str).to_numpy(),
            index=cl["record_pk"].astype("int64").to_numpy(),
        )
        return model, pred, truth_of(sc, norm), res, summary.optional_comparisons
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_registers_national_id_and_burial_date_feed_linkage(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The morgue and cemetery registers of ``wild_insider`` give «کد ملی» and the
    cemetery «تاریخ دفن» (often without a date of death). Both are read as fields by
    their headers and compared: the model gains the national-ID comparison and the
    burial levels, and recall rises against the same lists linked without them."""
    import roshan.link.pipeline as pipeline

    logging.getLogger("splink").setLevel(logging.ERROR)
    model, pred, truth, res, optional = _link_wild("wild_insider", 3, 1500)
    # the summary (and `roshan link`) says what was compared, and on how many records
    assert set(optional) == {"national_id", "burial"} and min(optional.values()) >= 20
    mapped = {r.file_name[-5:]: set(r.columns.values()) for r in res}
    assert any("national_id" in cols for cols in mapped.values()), mapped
    assert any("date_of_burial" in cols for cols in mapped.values()), mapped
    with_fields = pairwise_scores(pred, truth)
    names = [c["output_column_name"] for c in model["comparisons"]]
    assert "national_id" in names, names
    dod = next(c for c in model["comparisons"] if c["output_column_name"] == "dod")
    labels = [lv.get("label_for_charts") for lv in dod["comparison_levels"]]
    assert any("buried" in str(lab) for lab in labels), labels

    off = {"national_id": False, "burial": False}
    monkeypatch.setattr(pipeline, "optional_fields", lambda prepared: dict(off))
    _, pred0, truth0, _, optional0 = _link_wild("wild_insider", 3, 1500)
    assert optional0 == {}
    without = pairwise_scores(pred0, truth0)
    assert with_fields.precision >= max(0.95, without.precision - 0.005), (with_fields, without)
    assert with_fields.recall >= without.recall + 0.01, (with_fields, without)


def test_cli_link_says_which_register_fields_it_compared(tmp_path: Path) -> None:
    """Through the installed script, as a user runs it: registers ingested without
    mapping files, then `roshan link` names the national IDs and burial dates it
    compared, and `--json` carries the same counts."""
    import subprocess
    import sys

    roshan = str(Path(sys.executable).parent / "roshan")
    sc = generate("wild_insider", 4, out_dir=tmp_path / "lists", n_people=1200)
    run = dict(capture_output=True, text=True, timeout=600)
    ws = str(tmp_path / "ws")
    assert subprocess.run([roshan, "init", ws], **run).returncode == 0  # type: ignore[call-overload]
    for name in sc.lists:
        done = subprocess.run(  # type: ignore[call-overload]
            [roshan, "ingest", ws, str(sc.files[name]), "-s", f"SYNTHETIC-{name}"], **run
        )
        assert done.returncode == 0, done.stderr
    out = subprocess.run([roshan, "link", ws], **run)  # type: ignore[call-overload]
    assert out.returncode == 0, out.stderr
    # the report goes to stderr (stdout is kept for --json); Rich wraps at the width
    said = " ".join(out.stderr.split())
    assert "also compared: national IDs (" in said, said
    assert "dates of burial where no date of death is known (" in said, said
    doc = subprocess.run([roshan, "link", ws, "--json"], **run)  # type: ignore[call-overload]
    assert doc.returncode == 0, doc.stderr
    counts = json.loads(doc.stdout)["optional_comparisons"]
    assert set(counts) == {"national_id", "burial"} and min(counts.values()) >= 20
