"""Bad input gives a clear LinkageError, never a crash or a silent empty result."""

from __future__ import annotations

import pandas as pd
import pytest
from link_helpers import build_workspace
from synth import make_frame

from roshan.errors import LinkageError, RoshanError
from roshan.link.pipeline import check_input, link_workspace
from roshan.link.prepare import prepare_frame


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return make_frame(120, 3, seed=11)[0]


def test_no_records(frame):
    with pytest.raises(LinkageError, match="no records"):
        check_input(frame.iloc[:0])


def test_one_list_only(frame):
    with pytest.raises(LinkageError, match="only one list"):
        check_input(frame[frame["source"] == "S0"])


def test_column_missing_entirely(frame):
    with pytest.raises(LinkageError, match="family_key"):
        check_input(frame.drop(columns=["family_key"]))
    with pytest.raises(LinkageError, match="dod_precision"):
        prepare_frame(frame.drop(columns=["dod_precision"]))


def test_all_names_identical(frame):
    same = frame.copy()
    for part in ("given", "family"):
        same[f"{part}_key"] = "mhmd"
        same[f"{part}_norm"] = "mohammad"
    with pytest.raises(LinkageError, match="same name"):
        check_input(same)


def test_dates_all_missing(frame):
    nodates = frame.copy()
    nodates["dod"] = None
    nodates["dod_precision"] = None
    with pytest.raises(LinkageError, match="date of death"):
        check_input(nodates)


def test_empty_fields_only_warn(frame):
    nofather = frame.copy()
    for c in ("father_norm", "father_key", "father_roman"):
        nofather[c] = None
    warnings = check_input(nofather)
    assert any("father" in w for w in warnings)


def test_empty_workspace(sqlite_ws):
    with pytest.raises(LinkageError):
        link_workspace(sqlite_ws)


def test_workspace_with_one_list(scenario, tmp_path):
    ws = build_workspace(scenario, tmp_path / "ws", [scenario.sources[0]["name"]])
    try:
        with pytest.raises(LinkageError, match="only one list"):
            link_workspace(ws)
    finally:
        ws.close()


def test_threshold_out_of_range(linked):
    ws, _ = linked
    with pytest.raises(LinkageError, match="threshold"):
        link_workspace(ws, threshold=1.5, renormalize=False)


def test_unknown_engine(linked):
    ws, _ = linked
    with pytest.raises(LinkageError, match="engine"):
        link_workspace(ws, engine="oracle", renormalize=False)


def test_review_file_from_another_workspace(linked, tmp_path, sqlite_ws):
    from roshan.link.review.io import export_batch, import_batch

    ws, _ = linked
    path = tmp_path / "batch.csv"
    export_batch(ws, path, limit=5, cluster_limit=0)
    with pytest.raises(RoshanError):
        import_batch(sqlite_ws, path)


def test_histories_before_link(sqlite_ws):
    from roshan.link.histories import capture_histories
    from roshan.link.outputs import links_frame

    with pytest.raises(LinkageError, match="roshan link"):
        capture_histories(sqlite_ws)
    with pytest.raises(LinkageError, match="roshan link"):
        links_frame(sqlite_ws)
