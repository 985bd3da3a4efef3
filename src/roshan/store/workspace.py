"""A workspace: a folder with a config file (``roshan.toml``) and the store it points to.

The store is SQLite inside the folder by default, or a PostgreSQL database for a
team server. Everything a stage writes beside the store (Parquet snapshots, the
trained linkage model, reports) lives in sub-folders of the workspace.
"""

from __future__ import annotations

import getpass
import os
import tomllib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from roshan.errors import WorkspaceError
from roshan.files import replacing

CONFIG_NAME = "roshan.toml"
DEFAULT_SQLITE = "roshan.db"
# SQLite waits this long for a lock held by another process before failing.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def actor_name() -> str:
    """Who is acting, for the audit log: ``$ROSHAN_ACTOR`` or ``cli:<os user>``."""
    env = os.environ.get("ROSHAN_ACTOR")
    if env:
        return env
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user database in some containers
        return "cli"


def normalize_db_url(url: str, root: Path) -> str:
    """Make a database URL usable: psycopg driver for PostgreSQL, absolute SQLite paths."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise WorkspaceError(f"not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed.render_as_string(hide_password=False)
    if backend == "sqlite":
        db = parsed.database
        if db and db != ":memory:" and not Path(db).is_absolute():
            parsed = parsed.set(database=str((root / db).resolve()))
        return parsed.render_as_string(hide_password=False)
    raise WorkspaceError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    # FULL: a committed import survives power loss, not only a process crash.
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine configured for roshan's needs on either backend."""
    if url.startswith("sqlite"):
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)

        # Let SQLAlchemy own transactions (pysqlite's implicit BEGIN is off).
        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_conn: Any, _r: Any) -> None:
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # Writers take the lock up front (no deadlock on upgrade); readers that ask
            # for ``sqlite_deferred`` get a plain BEGIN and a snapshot without blocking.
            deferred = conn.get_execution_options().get("sqlite_deferred")
            conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


SnapshotName = Literal["normalized", "pairs", "check_pairs", "clusters", "victims"]
"""The Parquet snapshots the stages write and read, in data-flow order."""

SNAPSHOT_FILES: dict[str, str] = {
    "normalized": "normalized.parquet",  # normalize: one row per accepted record
    "pairs": "pairs.parquet",  # link: scored candidate pairs
    "check_pairs": "check_pairs.parquet",  # link: pairs the health check samples
    "clusters": "clusters.parquet",  # link: record -> cluster labels
    "victims": "victims.parquet",  # link: one row per victim
}
"""File of each snapshot under ``snapshots/``: the one place these names are written
(:meth:`Workspace.snapshot`)."""


@dataclass
class Workspace:
    """An open workspace: its folder, config and database engine."""

    root: Path
    config: dict[str, Any]
    engine: Engine = field(repr=False)
    # ids of link runs found "running" with their process gone when this workspace
    # was opened, now marked failed (roshan.store.runs)
    reaped_link_runs: list[int] = field(default_factory=list, repr=False)

    @property
    def id(self) -> str:
        return str(self.config["workspace"]["id"])

    @property
    def db_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def snapshots_dir(self) -> Path:
        path = self.root / "snapshots"
        path.mkdir(exist_ok=True)
        return path

    def snapshot(self, name: SnapshotName) -> Path:
        """Path of snapshot ``name`` (:data:`SNAPSHOT_FILES`); it may not exist yet."""
        try:
            return self.snapshots_dir / SNAPSHOT_FILES[name]
        except KeyError:
            raise ValueError(
                f"unknown snapshot {name!r}; one of {', '.join(SNAPSHOT_FILES)}"
            ) from None

    @property
    def models_dir(self) -> Path:
        path = self.root / "models"
        path.mkdir(exist_ok=True)
        return path

    @property
    def reports_dir(self) -> Path:
        path = self.root / "reports"
        path.mkdir(exist_ok=True)
        return path

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends normally and rolls back otherwise."""
        maker = sessionmaker(self.engine, expire_on_commit=False)
        with maker() as sess:
            try:
                yield sess
                sess.commit()
            except BaseException:
                sess.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @classmethod
    def init(
        cls,
        path: str | Path,
        db_url: str | None = None,
        *,
        workspace_id: str | None = None,
        audit: bool = True,
    ) -> Workspace:
        """Create a workspace folder and its store, migrated to the latest schema.

        ``workspace_id`` and ``audit=False`` serve restore, which brings back a
        workspace's identity and its own audit log.
        """
        from roshan.store.audit import record_event
        from roshan.store.migrate import current_revision, upgrade

        root = Path(path).expanduser().resolve()
        if (root / CONFIG_NAME).exists():
            raise WorkspaceError(f"{root} is already a roshan workspace")
        if root.exists() and not root.is_dir():
            raise WorkspaceError(f"{root} exists and is not a folder")
        url = normalize_db_url(db_url or f"sqlite:///{DEFAULT_SQLITE}", root)
        created = not root.exists()
        root.mkdir(parents=True, exist_ok=True)
        engine = make_engine(url)
        try:
            existing = current_revision(engine)
        except OperationalError as exc:
            engine.dispose()
            if created:
                root.rmdir()
            raise WorkspaceError(f"cannot connect to the database: {_short(exc)}") from exc
        if existing is not None:
            engine.dispose()
            raise WorkspaceError(
                "that database already holds a roshan store; give a new, empty database"
            )
        config = {
            "workspace": {
                "id": workspace_id or str(uuid.uuid4()),
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
            "store": {"url": db_url or f"sqlite:///{DEFAULT_SQLITE}"},
        }
        upgrade(engine)
        with replacing(root / CONFIG_NAME) as tmp:
            tmp.write_text(_dump_toml(config), encoding="utf-8")
        ws = cls(root=root, config=config, engine=engine)
        if not audit:
            return ws
        with ws.session() as sess:
            backend = engine.url.get_backend_name()
            record_event(
                sess, actor_name(), "workspace.init", "workspace", ws.id, {"backend": backend}
            )
        return ws

    @classmethod
    def open(cls, path: str | Path, *, migrate: bool = True) -> Workspace:
        """Open an existing workspace, upgrading its schema if this roshan is newer."""
        from roshan.store.migrate import current_revision, head_revision, upgrade

        root = Path(path).expanduser().resolve()
        cfg_path = root / CONFIG_NAME
        if not root.exists():
            raise WorkspaceError(f"{path}: no such folder")
        if not cfg_path.is_file():
            raise WorkspaceError(
                f"{path} is not a roshan workspace (no {CONFIG_NAME}); create one with `roshan init`"
            )
        try:
            config = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
            url = normalize_db_url(str(config["store"]["url"]), root)
            config["workspace"]["id"]
        except (tomllib.TOMLDecodeError, KeyError, UnicodeDecodeError) as exc:
            raise WorkspaceError(f"{cfg_path}: damaged workspace config ({exc})") from exc
        engine = make_engine(url)
        try:
            rev = current_revision(engine)
        except OperationalError as exc:
            engine.dispose()
            raise WorkspaceError(f"cannot open the workspace store: {_short(exc)}") from exc
        if rev is None:
            engine.dispose()
            raise WorkspaceError(f"{path}: the store is empty or missing (was it deleted?)")
        if rev != head_revision():
            if not migrate:
                raise WorkspaceError(f"{path}: store schema {rev} needs upgrading")
            upgrade(engine)
        ws = cls(root=root, config=config, engine=engine)
        from roshan.store.runs import reap_dead_link_runs

        try:
            ws.reaped_link_runs = reap_dead_link_runs(ws)
        except OperationalError:  # the store is busy: the next command does it
            pass
        return ws


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200]


def _dump_toml(config: dict[str, dict[str, Any]]) -> str:
    lines = ["# roshan workspace configuration", ""]
    for section, values in config.items():
        lines.append(f"[{section}]")
        for key, value in values.items():
            escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'{key} = "{escaped}"')
        lines.append("")
    return "\n".join(lines)


def database_size_hint(ws: Workspace) -> str:
    """A short description of the backend for status output (no credentials)."""
    with ws.engine.connect() as conn:
        if ws.engine.url.get_backend_name() == "sqlite":
            return "sqlite"
        version = conn.execute(text("SHOW server_version")).scalar()
        return f"postgresql {version}"
