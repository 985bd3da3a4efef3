"""The variant table: seeded, extendable by confirmed links, isolated per workspace."""

from __future__ import annotations

from pathlib import Path

from roshan.normalize.names import normalize_name
from roshan.normalize.variants import (
    add_confirmed_variant,
    default_table,
    load_variants_file,
)


def test_seeded_from_name_variants_and_supplement() -> None:
    t = default_table()
    assert t.romanize_key(normalize_name("محمد").key) == "mohammad"
    # irregular spellings the rule key alone would miss
    assert normalize_name("Muhammad").key == normalize_name("محمد").key
    assert normalize_name("Mustafa").key == normalize_name("مصطفی").key
    # the guard: a seed spelling that is another name's key is not mapped
    assert normalize_name("Nasir").key != normalize_name("Naser").key


def test_add_confirmed_variant_in_a_copy(tmp_path: Path) -> None:
    base = default_table()
    table = base.copy()
    a, b = "Shahbazi", "Shabazi"
    assert normalize_name(a, table).key != normalize_name(b, table).key
    add_confirmed_variant(a, b, table=table)
    assert normalize_name(a, table).key == normalize_name(b, table).key
    # the process-wide table is untouched
    assert normalize_name(a).key != normalize_name(b).key


def test_variants_file_roundtrip(tmp_path: Path) -> None:
    path = tmp_path / "variants.tsv"
    add_confirmed_variant(
        "Kheirollah Tabatabaei", "Kheyrolah Tabatabai", path=path, table=default_table().copy()
    )
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#") and "Kheirollah Tabatabaei\tKheyrolah Tabatabai" in text
    table = load_variants_file(path)
    assert (
        normalize_name("Kheyrolah Tabatabai", table).key
        == normalize_name("Kheirollah Tabatabaei", table).key
    )
    assert load_variants_file(tmp_path / "missing.tsv").parent == default_table().parent
