"""Migrations: from the first released schema to the latest, with data preserved, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from roshan.store.migrate import alembic_config, current_revision, downgrade, head_revision, upgrade
from roshan.store.models import Base
from roshan.store.workspace import make_engine

FIRST = "0001"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    else:
        engine = make_engine(
            request.getfixturevalue("pg_url").replace("postgresql://", "postgresql+psycopg://")
        )
    yield engine
    engine.dispose()


def _seed_first_schema(engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into sources (name, kind, created_at) values ('SYNTHETIC-A', 'ngo_list', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "insert into imports (source_id, file_name, sha256, size, encoding, file_format, roshan_version, "
                "created_at, actor, rows_total, rows_accepted, rows_rejected) values "
                "(1, 'SYNTHETIC.csv', 'aa', 10, 'utf-8', 'csv', '0.1.0', CURRENT_TIMESTAMP, 'test', 1, 1, 0)"
            )
        )
        conn.execute(
            text(
                'insert into raw_rows (import_id, row_number, cells) values (1, 1, \'{"full_name": "Ali"}\')'
            )
        )
        conn.execute(
            text(
                "insert into records (import_id, row_number, source_id, status, full_name) "
                "values (1, 1, 1, 'accepted', 'Ali')"
            )
        )
        conn.execute(
            text(
                "insert into audit_events (at, actor, action) values (CURRENT_TIMESTAMP, 'test', 'seed')"
            )
        )


def test_upgrade_from_first_schema_preserves_data(empty_engine) -> None:
    upgrade(empty_engine, FIRST)
    assert current_revision(empty_engine) == FIRST
    _seed_first_schema(empty_engine)
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    with empty_engine.connect() as conn:
        assert conn.execute(text("select full_name from records")).scalar() == "Ali"
        assert conn.execute(text("select cells from raw_rows")).scalar() is not None
        assert conn.execute(text("select count(*) from audit_events")).scalar() == 1
    # Every table and column the models declare exists after the upgrade.
    insp = inspect(empty_engine)
    for table in Base.metadata.sorted_tables:
        cols = {c["name"] for c in insp.get_columns(table.name)}
        assert {c.name for c in table.columns} <= cols, table.name


def test_each_step_downgrades_and_upgrades_again(empty_engine) -> None:
    upgrade(empty_engine)
    script = ScriptDirectory.from_config(alembic_config())
    revisions = [r.revision for r in script.walk_revisions()]  # newest first
    for rev in reversed(revisions[:-1]):  # oldest first, so the walk ends at head
        down_to = script.get_revision(rev).down_revision
        downgrade(empty_engine, down_to)
        upgrade(empty_engine, rev)
    assert current_revision(empty_engine) == head_revision()


def test_models_match_migrations(tmp_path: Path) -> None:
    """Autogenerate finds nothing to change: the migrations create exactly the models' schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata
        )
    engine.dispose()
    assert diff == []
