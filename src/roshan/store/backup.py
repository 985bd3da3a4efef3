"""Encrypted, consistent backups of a workspace, and restore onto SQLite or PostgreSQL.

A backup is an age-encrypted tar (encrypted to one or more age X25519
recipients, e.g. the organisation key from ``roshan keys init``; streamed, so
size is not bounded by memory) holding:

- ``manifest.json``: roshan version, schema revision, workspace id, row counts
  and the SHA-256 of every other member;
- ``tables/<table>.jsonl``: every row of every table, read inside one
  repeatable-read transaction (a consistent snapshot while the workspace is in
  use; on SQLite the WAL gives readers a stable snapshot);
- ``files/...``: the workspace's own files (intake blobs, trained models,
  snapshots, reports), not the SQLite database itself.

Restore creates a new workspace (any backend) with the same workspace id, loads
the rows with their ids, and appends a ``workspace.restore`` audit event; the
ledger then verifies the restored store (``roshan ledger verify``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

from sqlalchemy import DateTime, LargeBinary, Table, select, text
from sqlalchemy.engine import Connection

from roshan import __version__
from roshan.errors import RoshanError
from roshan.store.audit import record_event
from roshan.store.migrate import current_revision
from roshan.store.models import Base
from roshan.store.workspace import CONFIG_NAME, Workspace, actor_name

FORMAT = "roshan-backup/1"
SKIP_FILES = {CONFIG_NAME, "roshan.db", "roshan.db-wal", "roshan.db-shm", "roshan.db-journal"}
LOAD_BATCH = 2_000


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

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "workspace_id": self.workspace_id, "schema": self.schema,
                "tables": self.tables, "files": self.files}


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


def _write_tar(ws: Workspace, fh: IO[bytes]) -> BackupInfo:
    digests: dict[str, str] = {}
    counts: dict[str, int] = {}
    n_files = 0
    with tarfile.open(fileobj=fh, mode="w|") as tar, \
            ws.engine.connect().execution_options(sqlite_deferred=True) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        else:
            pass  # deferred BEGIN: the first read below fixes the WAL snapshot, writers go on
        schema = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        for table in Base.metadata.sorted_tables:
            with tempfile.TemporaryFile() as tmp:
                h = hashlib.sha256()
                n = 0
                for row in _table_rows(conn, table):
                    line = (json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode()
                    tmp.write(line)
                    h.update(line)
                    n += 1
                size = tmp.tell()
                tmp.seek(0)
                info = tarfile.TarInfo(f"tables/{table.name}.jsonl")
                info.size = size
                tar.addfile(info, tmp)
                digests[info.name] = h.hexdigest()
                counts[table.name] = n
        conn.rollback()
        for path in sorted(ws.root.rglob("*")):
            rel = path.relative_to(ws.root)
            if not path.is_file() or rel.name in SKIP_FILES or rel.parts[0].startswith("."):
                continue
            name = f"files/{rel.as_posix()}"
            h = hashlib.sha256()
            with path.open("rb") as src:
                for chunk in iter(partial(src.read, 1 << 20), b""):
                    h.update(chunk)
            digests[name] = h.hexdigest()
            tar.add(path, arcname=name, recursive=False)
            n_files += 1
        manifest = {"format": FORMAT, "roshan_version": __version__, "schema": schema,
                    "workspace_id": ws.id, "created_at": datetime.now().astimezone().isoformat(),
                    "tables": counts, "sha256": digests}
        _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
    return BackupInfo("", ws.id, schema, counts, n_files)


def backup(ws: Workspace, out: str | Path, recipients: list[str]) -> BackupInfo:
    """Write an encrypted, consistent snapshot of ``ws`` to ``out`` (atomically)."""
    import pyrage
    from pyrage import x25519

    if not recipients:
        raise BackupError("a backup needs at least one age recipient (age1…), e.g. the organisation key")
    try:
        recips = [x25519.Recipient.from_str(r.strip()) for r in recipients]
    except Exception as exc:  # noqa: BLE001 - pyrage raises its own types
        raise BackupError(f"not an age X25519 recipient: {exc}") from exc
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as plain:
        info = _write_tar(ws, plain)
        plain.seek(0)
        tmp_out = out.with_name(out.name + ".partial")
        with tmp_out.open("wb") as enc:
            pyrage.encrypt_io(plain, enc, recips)
            enc.flush()
            os.fsync(enc.fileno())
    os.replace(tmp_out, out)
    info.path = str(out)
    with ws.session() as sess:
        record_event(sess, actor_name(), "workspace.backup", "workspace", ws.id,
                     {"tables": info.tables, "files": info.files})
    return info


def _decrypt_to(backup_path: Path, identities: list[Any], dest: IO[bytes]) -> None:
    import pyrage

    try:
        with backup_path.open("rb") as src:
            pyrage.decrypt_io(src, dest, identities)
    except Exception as exc:  # noqa: BLE001
        raise BackupError(f"{backup_path.name}: cannot decrypt (wrong key, or the file is damaged)") from exc


def restore(backup_path: str | Path, target: str | Path, identities: list[Any], *,
            db_url: str | None = None) -> Workspace:
    """Restore a backup into a new workspace at ``target`` (SQLite or ``db_url``)."""
    backup_path = Path(backup_path)
    if not backup_path.is_file():
        raise BackupError(f"{backup_path}: no such backup file")
    with tempfile.TemporaryDirectory() as tmpdir:
        plain_path = Path(tmpdir) / "backup.tar"
        with plain_path.open("wb") as plain:
            _decrypt_to(backup_path, identities, plain)
        with tarfile.open(plain_path, "r:") as tar:
            try:
                manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
            except (KeyError, AttributeError, json.JSONDecodeError) as exc:
                raise BackupError(f"{backup_path.name}: not a roshan backup (no manifest)") from exc
            if manifest.get("format") != FORMAT:
                raise BackupError(f"{backup_path.name}: unknown backup format {manifest.get('format')!r}")
            for member in tar.getmembers():
                if member.name == "manifest.json":
                    continue
                if not member.isfile() or ".." in Path(member.name).parts or member.name.startswith("/"):
                    raise BackupError(f"{backup_path.name}: unsafe member {member.name!r}")
                h = hashlib.sha256()
                fh = tar.extractfile(member)
                assert fh is not None
                for chunk in iter(partial(fh.read, 1 << 20), b""):
                    h.update(chunk)
                if manifest["sha256"].get(member.name) != h.hexdigest():
                    raise BackupError(f"{backup_path.name}: {member.name} does not match its checksum")
            ws = Workspace.init(target, db_url, workspace_id=manifest["workspace_id"], audit=False)
            try:
                _load_tables(ws, tar, manifest)
                for member in tar.getmembers():
                    if member.name.startswith("files/"):
                        dest = ws.root / member.name[len("files/"):]
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
        record_event(sess, actor_name(), "workspace.restore", "workspace", ws.id,
                     {"from_schema": manifest.get("schema"), "tables": manifest.get("tables")})
    return ws


def _load_tables(ws: Workspace, tar: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    if manifest.get("schema") != current_revision(ws.engine):
        # Rows are loaded into the schema they were written with; older backups are
        # upgraded by restoring into that schema first (not needed while there is one).
        raise BackupError(f"backup schema {manifest.get('schema')} differs from this roshan's "
                          f"{current_revision(ws.engine)}; restore with the roshan that wrote it")
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
                raise BackupError(f"{table.name}: restored {n} rows, backup lists {manifest['tables'].get(table.name)}")
            if conn.dialect.name == "postgresql" and "id" in table.c and n:
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT max(id) FROM {table.name}))"))
