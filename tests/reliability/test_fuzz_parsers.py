"""Fuzzing every parser a user can feed: any input ends in a result or a clean user error.

Hypothesis generates hostile bytes and text for list files (CSV/TSV/JSON/JSONL/XLSX),
mapping files (TOML/YAML) and counts CSVs. A RoshanError is a clean refusal; any other
exception, or a hang (hypothesis deadline), fails the test.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roshan.errors import RoshanError

FUZZ = settings(
    max_examples=150,
    deadline=5000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

cells = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
csvish = st.lists(
    st.lists(
        cells | st.sampled_from(["", '"', '""', "\n", "\r", ",", ";", "\t", "ي", "۱۴۰۴/۱۰/۱۸"]),
        min_size=0,
        max_size=6,
    ),
    min_size=0,
    max_size=8,
)


def _drain(path: Path) -> int:
    from roshan.ingest.readers import open_table

    table = open_table(path)
    return sum(1 for _ in table.rows)


@FUZZ
@given(
    data=st.binary(max_size=400),
    suffix=st.sampled_from([".csv", ".tsv", ".json", ".jsonl", ".xlsx", ".txt"]),
)
def test_random_bytes_never_crash_readers(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / f"f{suffix}"
        p.write_bytes(data)
        try:
            _drain(p)
        except RoshanError:
            pass


@FUZZ
@given(
    rows=csvish,
    header=st.lists(cells, min_size=1, max_size=6),
    enc=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "windows-1256"]),
)
def test_structured_csv_never_crashes_ingest(rows, header, enc) -> None:
    import csv

    from roshan.ingest.importer import ingest_file
    from roshan.store.workspace import Workspace

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["full_name", *header])
    for r in rows:
        w.writerow(r)
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "SYNTHETIC.csv"
        try:
            p.write_bytes(buf.getvalue().encode(enc))
        except UnicodeEncodeError:
            return
        ws = Workspace.init(Path(tmp) / "ws")
        try:
            res = ingest_file(ws, p, source_name="fuzz")
            assert res.rows_accepted + res.rows_rejected == res.rows_total
        except RoshanError:
            pass
        finally:
            ws.close()


@FUZZ
@given(
    obj=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | cells,
        lambda c: st.lists(c, max_size=4) | st.dictionaries(cells, c, max_size=4),
        max_leaves=15,
    )
)
def test_json_shapes_never_crash(obj) -> None:
    import json

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "f.json"
        p.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
        try:
            _drain(p)
        except RoshanError:
            pass


@FUZZ
@given(text=st.text(max_size=300), suffix=st.sampled_from([".toml", ".yaml"]))
def test_mapping_files_never_crash(text: str, suffix: str) -> None:
    from roshan.ingest.mapping import load_mapping, resolve_columns

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / f"m{suffix}"
        p.write_text(text, encoding="utf-8")
        try:
            m = load_mapping(p)
            resolve_columns(["full_name", "نام"], m, "f.csv")
        except RoshanError:
            pass


@FUZZ
@given(
    rows=st.lists(
        st.lists(
            st.sampled_from(["0", "1", "2", "-1", "x", "", "1.5", "3"]), min_size=1, max_size=5
        ),
        max_size=10,
    ),
    header=st.lists(st.sampled_from(["A", "B", "C", "count", "A", ""]), min_size=1, max_size=5),
)
def test_counts_csv_never_crashes(rows, header) -> None:
    from roshan.estimate.counts import CaptureCounts

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "c.csv"
        p.write_text(
            "\n".join([",".join(header), *[",".join(r) for r in rows]]) + "\n", encoding="utf-8"
        )
        try:
            c = CaptureCounts.from_csv(p)
            assert c.n_lists >= 2
        except RoshanError:
            pass
