"""The simulator's folder ingests cleanly with the project's own ingest stage (SYNTHETIC data)."""

from pathlib import Path

import pytest

from roshan.canonical import SourceKind
from roshan.simulate import ScenarioConfig, generate, simulate

importer = pytest.importorskip("roshan.ingest.importer")
workspace = pytest.importorskip("roshan.store.workspace")


def test_every_list_ingests_without_rejections(tmp_path):
    out = tmp_path / "scen"
    m = simulate(ScenarioConfig(seed=9, population=300, lists=10, missing_rate=0.3), out)
    ws = workspace.Workspace.init(tmp_path / "ws")
    try:
        for s in m["sources"]:
            res = importer.ingest_file(
                ws,
                out / s["file"],
                source_name=s["name"],
                source_kind=SourceKind(s["kind"]),
                mapping_path=Path(out / s["mapping"]) if s["mapping"] else None,
            )
            assert res.rows_total == s["records"], s["name"]
            assert res.rows_rejected == 0, (s["name"], res.issues[:3])
            assert res.unmapped_columns == [], s["name"]
    finally:
        ws.close()


def test_no_record_is_nameless_even_with_heavy_missingness():
    r = generate(ScenarioConfig(seed=1, population=2000, lists=10, missing_rate=0.9)).records
    split = r["given_name"].notna()
    assert ((r.loc[split, "given_name"] != "") | (r.loc[split, "family_name"] != "")).all()
    assert (r.loc[~split, "full_name"] != "").all()


@pytest.mark.parametrize("family", ["hard", "fullname", "swapped"])
def test_robustness_families_ingest_without_rejections(tmp_path, family):
    from roshan.simulate.families import family_config

    out = tmp_path / "scen"
    m = simulate(family_config(family, seed=2, population=300, missing_rate=0.3), out)
    ws = workspace.Workspace.init(tmp_path / "ws")
    try:
        for s in m["sources"]:
            res = importer.ingest_file(
                ws,
                out / s["file"],
                source_name=s["name"],
                source_kind=SourceKind(s["kind"]),
                mapping_path=Path(out / s["mapping"]) if s["mapping"] else None,
            )
            assert res.rows_total == s["records"], s["name"]
            assert res.rows_rejected == 0, (s["name"], res.issues[:3])
            assert res.unmapped_columns == [], s["name"]
    finally:
        ws.close()
