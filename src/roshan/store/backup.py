"""Encrypted, consistent backups of a workspace, and restore onto SQLite or PostgreSQL.

A backup is an age-encrypted, gzip-compressed tar (compressed before it is
encrypted: encrypted bytes do not compress; encrypted to one or more age X25519
recipients, e.g. the organisation key from ``roshan keys init``; streamed, so
size is not bounded by memory) holding:

- ``manifest.json``: roshan version, schema revision, workspace id, row counts
  and the SHA-256 of every other member;
- ``tables/<table>.jsonl``: every row of every table, read inside one
  repeatable-read transaction (a consistent snapshot while the workspace is in
  use; on SQLite the WAL gives readers a stable snapshot);
- ``files/...``: the workspace's own files (intake blobs, trained models,
  snapshots, reports), not the SQLite database itself.

Backups written before compression (a plain tar inside the age file) still restore.
``on_progress`` and ``on_wait`` let the CLI show what is happening: a backup of a
large workspace takes a minute, and on SQLite it waits for a running import to
finish before it records itself in the audit log.

Restore creates a new workspace (any backend) with the same workspace id, loads
the rows with their ids, and appends a ``workspace.restore`` audit event; the
ledger then verifies the restored store (``roshan ledger verify``).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO, Any, cast

from sqlalchemy import DateTime, LargeBinary, Table, func, select, text
from sqlalchemy.engine import Connection

from roshan import __version__
from roshan.errors import RoshanError
from roshan.store.audit import record_event
from roshan.store.migrate import current_revision
from roshan.store.models import Base
from roshan.store.workspace import CONFIG_NAME, SQLITE_BUSY_TIMEOUT_MS, Workspace, actor_name

FORMAT = "roshan-backup/1"
SKIP_FILES = {CONFIG_NAME, "roshan.db", "roshan.db-wal", "roshan.db-shm", "roshan.db-journal"}
LOAD_BATCH = 2_000
# gzip level 1: the table dumps (JSON lines) shrink 4-8 times at level 1, and higher
# levels cost several times the CPU for a few per cent (the machine is shared).
GZIP_LEVEL = 1
GZIP_MAGIC = b"\x1f\x8b"

ProgressFn = Callable[[str, int, int | None], None]
WaitFn = Callable[[str], None]


class BackupError(RoshanError):
    """A backup cannot be written, read, decrypted or restored."""


@dataclass
class BackupInfo:
    """What a backup holds."""

    path: str
    workspace_id: str
    schema: str | None
    tables: dict[str, int]
    files: int
    uncompressed_bytes: int = 0  # the tar before compression
    bytes: int = 0  # the backup file as written (compressed, then encrypted)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "workspace_id": self.workspace_id,
            "schema": self.schema,
            "tables": self.tables,
            "files": self.files,
            "uncompressed_bytes": self.uncompressed_bytes,
            "bytes": self.bytes,
        }


def _backup_files(ws: Workspace) -> list[Path]:
    out = []
    for path in sorted(ws.root.rglob("*")):
        rel = path.relative_to(ws.root)
        if not path.is_file() or rel.name in SKIP_FILES or rel.parts[0].startswith("."):
            continue
        out.append(path)
    return out


def expected_size(ws: Workspace) -> int:
    """Bytes of workspace data a backup reads: the SQLite store (with its WAL) and the
    workspace's files; on PostgreSQL the database's size. The backup file is smaller,
    as it is compressed; this is an upper bound to check the free space against."""
    total = sum(p.stat().st_size for p in _backup_files(ws))
    if ws.engine.url.get_backend_name() == "sqlite":
        db = Path(ws.engine.url.database or "")
        for extra in ("", "-wal"):
            f = db.with_name(db.name + extra)
            if f.is_file():
                total += f.stat().st_size
    else:
        with ws.engine.connect() as conn:
            total += int(
                conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0
            )
    return total


def _encode(value: Any, column_type: Any) -> Any:
    if value is None:
        return None
    if isinstance(column_type, LargeBinary):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _decode(value: Any, column_type: Any) -> Any:
    if value is None:
        return None
    if isinstance(column_type, LargeBinary):
        return base64.b64decode(value)
    if isinstance(column_type, DateTime) and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def _table_rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    pk = list(table.primary_key.columns)
    stmt = select(table).order_by(*pk).execution_options(yield_per=5_000)
    types = {c.name: c.type for c in table.columns}
    for row in conn.execute(stmt).mappings():
        yield {k: _encode(v, types[k]) for k, v in row.items()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


class _CountingWriter(io.RawIOBase):
    """Counts the bytes written through it (the tar's size before compression)."""

    def __init__(self, inner: io.BufferedIOBase) -> None:  # the GzipFile
        self.inner = inner
        self.n = 0

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self.n += len(b)
        return self.inner.write(b)


class _ProgressReader:
    """A file reader that reports how many bytes were read (for encryption progress)."""

    def __init__(self, inner: IO[bytes], report: Callable[[int], None]) -> None:
        self.inner = inner
        self.report = report
        self.n = 0
        self._last = 0

    def read(self, n: int = -1) -> bytes:
        data = self.inner.read(n)
        self.n += len(data)
        if self.n - self._last >= 1 << 22 or not data:
            self._last = self.n
            self.report(self.n)
        return data


def _write_tar(ws: Workspace, fh: IO[bytes], on_progress: ProgressFn | None = None) -> BackupInfo:
    digests: dict[str, str] = {}
    counts: dict[str, int] = {}
    n_files = 0
    say = on_progress or (lambda _stage, _done, _total: None)
    with (
        tarfile.open(fileobj=fh, mode="w|") as tar,
        ws.engine.connect().execution_options(sqlite_deferred=True) as conn,
    ):
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        else:
            pass  # deferred BEGIN: the first read below fixes the WAL snapshot, writers go on
        schema = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        tables = Base.metadata.sorted_tables
        total_rows = sum(
            int(conn.execute(select(func.count()).select_from(t)).scalar() or 0) for t in tables
        )
        rows_done = 0
        say("tables", 0, total_rows)
        for table in tables:
            with tempfile.TemporaryFile() as tmp:
                h = hashlib.sha256()
                n = 0
                for row in _table_rows(conn, table):
                    line = (json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode()
                    tmp.write(line)
                    h.update(line)
                    n += 1
                    if n % 20_000 == 0:
                        say("tables", rows_done + n, total_rows)
                size = tmp.tell()
                tmp.seek(0)
                info = tarfile.TarInfo(f"tables/{table.name}.jsonl")
                info.size = size
                tar.addfile(info, tmp)
                digests[info.name] = h.hexdigest()
                counts[table.name] = n
                rows_done += n
                say("tables", rows_done, total_rows)
        conn.rollback()
        paths = _backup_files(ws)
        files_total = sum(p.stat().st_size for p in paths)
        files_done = 0
        say("files", 0, files_total)
        for path in paths:
            rel = path.relative_to(ws.root)
            name = f"files/{rel.as_posix()}"
            h = hashlib.sha256()
            with path.open("rb") as src:
                for chunk in iter(partial(src.read, 1 << 20), b""):
                    h.update(chunk)
            digests[name] = h.hexdigest()
            tar.add(path, arcname=name, recursive=False)
            n_files += 1
            files_done += path.stat().st_size
            say("files", files_done, files_total)
        manifest = {
            "format": FORMAT,
            "roshan_version": __version__,
            "schema": schema,
            "workspace_id": ws.id,
            "created_at": datetime.now().astimezone().isoformat(),
            "tables": counts,
            "sha256": digests,
        }
        _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
    return BackupInfo("", ws.id, schema, counts, n_files)


def wait_for_writers(ws: Workspace, on_wait: WaitFn | None = None, poll: float = 0.5) -> None:
    """On SQLite, return once no other process holds the write lock.

    An import holds it for its whole transaction (a 100 MB list: 40 s), longer than
    SQLite's busy timeout; the backup's snapshot does not wait for it (WAL), but
    recording the backup in the audit log does. Say so once (``on_wait``) and wait.
    """
    if ws.engine.url.get_backend_name() != "sqlite":
        return
    told = False
    while True:
        raw = ws.engine.raw_connection()
        dbapi = cast(sqlite3.Connection, raw.driver_connection)  # the backend is sqlite
        try:
            dbapi.execute("PRAGMA busy_timeout=200")
            try:
                dbapi.execute("BEGIN IMMEDIATE")
                dbapi.execute("ROLLBACK")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
        finally:
            dbapi.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            raw.close()
        if not told and on_wait is not None:
            on_wait(
                "another roshan process is writing to this workspace (an ingest or "
                "import still running)"
            )
            told = True
        time.sleep(poll)


def backup(
    ws: Workspace,
    out: str | Path,
    recipients: list[str],
    *,
    on_progress: ProgressFn | None = None,
    on_wait: WaitFn | None = None,
) -> BackupInfo:
    """Write an encrypted, consistent snapshot of ``ws`` to ``out`` (atomically).

    The tar is gzip-compressed, then encrypted. ``on_progress(stage, done, total)``
    follows the stages "tables" (rows), "files" (bytes), "compressed" (bytes, total =
    the compressed size, known before encryption starts) and "encrypting" (bytes);
    ``on_wait(reason)`` is called once if the backup has to wait for another writer.
    """
    import pyrage
    from pyrage import x25519

    if not recipients:
        raise BackupError(
            "a backup needs at least one age recipient (age1…), e.g. the organisation key"
        )
    try:
        recips = [x25519.Recipient.from_str(r.strip()) for r in recipients]
    except Exception as exc:  # pyrage raises its own types
        raise BackupError(f"not an age X25519 recipient: {exc}") from exc
    say = on_progress or (lambda _stage, _done, _total: None)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as packed:
        with gzip.GzipFile(fileobj=packed, mode="wb", compresslevel=GZIP_LEVEL, mtime=0) as gz:
            counter = _CountingWriter(gz)
            with io.BufferedWriter(counter, buffer_size=1 << 20) as buffered:
                info = _write_tar(ws, buffered, on_progress)  # type: ignore[arg-type]
        info.uncompressed_bytes = counter.n
        compressed = packed.tell()
        say("compressed", compressed, compressed)
        packed.seek(0)
        tmp_out = out.with_name(out.name + ".partial")
        with tmp_out.open("wb") as enc:
            reader = _ProgressReader(packed, lambda n: say("encrypting", n, compressed))
            pyrage.encrypt_io(reader, enc, recips)
            enc.flush()
            os.fsync(enc.fileno())
    os.replace(tmp_out, out)
    info.path = str(out)
    info.bytes = out.stat().st_size
    wait_for_writers(ws, on_wait)
    with ws.session() as sess:
        record_event(
            sess,
            actor_name(),
            "workspace.backup",
            "workspace",
            ws.id,
            {"tables": info.tables, "files": info.files, "bytes": info.bytes},
        )
    return info


def _decrypt_to(backup_path: Path, identities: list[Any], dest: IO[bytes]) -> None:
    import pyrage

    try:
        with backup_path.open("rb") as src:
            pyrage.decrypt_io(src, dest, identities)
    except Exception as exc:  # pyrage raises its own types
        raise BackupError(
            f"{backup_path.name}: cannot decrypt (wrong key, or the file is damaged)"
        ) from exc


def restore(
    backup_path: str | Path, target: str | Path, identities: list[Any], *, db_url: str | None = None
) -> Workspace:
    """Restore a backup into a new workspace at ``target`` (SQLite or ``db_url``)."""
    backup_path = Path(backup_path)
    if not backup_path.is_file():
        raise BackupError(f"{backup_path}: no such backup file")
    with tempfile.TemporaryDirectory() as tmpdir:
        plain_path = Path(tmpdir) / "backup.tar"
        packed_path = Path(tmpdir) / "backup.tar.gz"
        with packed_path.open("wb") as packed:
            _decrypt_to(backup_path, identities, packed)
        with packed_path.open("rb") as packed:
            compressed = packed.read(2) == GZIP_MAGIC
        if compressed:
            try:
                with gzip.open(packed_path, "rb") as gz, plain_path.open("wb") as dst:
                    shutil.copyfileobj(gz, dst, 1 << 20)
            except (OSError, EOFError) as exc:
                raise BackupError(
                    f"{backup_path.name}: the compressed backup is damaged ({exc})"
                ) from exc
            packed_path.unlink()
        else:  # written before backups were compressed: a plain tar
            packed_path.rename(plain_path)
        with tarfile.open(plain_path, "r:") as tar:
            try:
                manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
            except (KeyError, AttributeError, json.JSONDecodeError) as exc:
                raise BackupError(f"{backup_path.name}: not a roshan backup (no manifest)") from exc
            if manifest.get("format") != FORMAT:
                raise BackupError(
                    f"{backup_path.name}: unknown backup format {manifest.get('format')!r}"
                )
            for member in tar.getmembers():
                if member.name == "manifest.json":
                    continue
                if (
                    not member.isfile()
                    or ".." in Path(member.name).parts
                    or member.name.startswith("/")
                ):
                    raise BackupError(f"{backup_path.name}: unsafe member {member.name!r}")
                h = hashlib.sha256()
                fh = tar.extractfile(member)
                assert fh is not None
                for chunk in iter(partial(fh.read, 1 << 20), b""):
                    h.update(chunk)
                if manifest["sha256"].get(member.name) != h.hexdigest():
                    raise BackupError(
                        f"{backup_path.name}: {member.name} does not match its checksum"
                    )
            ws = Workspace.init(target, db_url, workspace_id=manifest["workspace_id"], audit=False)
            try:
                _load_tables(ws, tar, manifest)
                for member in tar.getmembers():
                    if member.name.startswith("files/"):
                        dest = ws.root / member.name[len("files/") :]
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        src = tar.extractfile(member)
                        assert src is not None
                        with dest.open("wb") as out:
                            for chunk in iter(partial(src.read, 1 << 20), b""):
                                out.write(chunk)
            except BaseException:
                ws.close()
                raise
    with ws.session() as sess:
        record_event(
            sess,
            actor_name(),
            "workspace.restore",
            "workspace",
            ws.id,
            {"from_schema": manifest.get("schema"), "tables": manifest.get("tables")},
        )
    return ws


def _load_tables(ws: Workspace, tar: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    if manifest.get("schema") != current_revision(ws.engine):
        # Rows are loaded into the schema they were written with; older backups are
        # upgraded by restoring into that schema first (not needed while there is one).
        raise BackupError(
            f"backup schema {manifest.get('schema')} differs from this roshan's "
            f"{current_revision(ws.engine)}; restore with the roshan that wrote it"
        )
    with ws.engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            member = f"tables/{table.name}.jsonl"
            fh = tar.extractfile(member)
            if fh is None:
                raise BackupError(f"backup lacks {member}")
            types = {c.name: c.type for c in table.columns}
            batch: list[dict[str, Any]] = []
            n = 0
            for line in io.TextIOWrapper(fh, encoding="utf-8"):
                row = json.loads(line)
                batch.append({k: _decode(v, types[k]) for k, v in row.items()})
                if len(batch) >= LOAD_BATCH:
                    conn.execute(table.insert(), batch)
                    n += len(batch)
                    batch.clear()
            if batch:
                conn.execute(table.insert(), batch)
                n += len(batch)
            if n != manifest["tables"].get(table.name, 0):
                raise BackupError(
                    f"{table.name}: restored {n} rows, backup lists {manifest['tables'].get(table.name)}"
                )
            if conn.dialect.name == "postgresql" and "id" in table.c and n:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT max(id) FROM {table.name}))"
                    )
                )
