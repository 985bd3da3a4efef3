"""Upload a list (with a preview before confirming), imports and their rejected rows.

An upload is kept in the workspace's ``uploads/<id>/`` folder until it is confirmed
or cancelled. The preview opens the file with the ingest stage's own reader
(:func:`roshan.ingest.readers.open_table`: detected encoding, format, header) and
maps the header with :func:`roshan.ingest.mapping.resolve_columns` (an optional
mapping file first, then the built-in aliases), showing the first rows as the
canonical fields they will become. Confirming calls
:func:`roshan.ingest.importer.ingest_file` — nothing is re-implemented here.
Limits: size (``max_upload_bytes``) and type (CSV/TSV/TXT/XLSX/JSON/JSONL by name
*and* by content).
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from pydantic import BaseModel, Field

from roshan.canonical import SourceKind
from roshan.errors import InputFileError, RoshanError
from roshan.store import (
    Workspace,
    count_rejected_rows,
    recent_imports,
    record_event,
    rejected_rows_of,
)
from roshan.web.auth import CurrentUser, session_data
from roshan.web.db import reader
from roshan.web.routes.common import (
    CanIngest,
    CanViewNames,
    PathId,
    found,
    redirect,
    render,
    update_session,
)

router = APIRouter()

ALLOWED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".json", ".jsonl")
MAPPING_SUFFIXES = (".toml", ".yaml", ".yml", ".json")
PREVIEW_ROWS = 5
#: The upload's own metadata file. Its suffix is not one a list may have, so no uploaded
#: list (not even one named ``upload.json``) can overwrite it.
META_FILE = "upload-meta.roshan"
_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _safe_name(name: str, allowed: tuple[str, ...]) -> str:
    base = Path(name or "").name
    suffix = Path(base).suffix.lower()
    if suffix not in allowed:
        raise InputFileError(
            f"file type {suffix or '(none)'!r} not accepted; use {', '.join(allowed)}"
        )
    stem = re.sub(r"[^\w.-]+", "_", Path(base).stem, flags=re.UNICODE)[:80] or "list"
    return stem + suffix


def _sniff(path: Path) -> None:
    """Refuse content that is not what a list file may be (binary, executables, HTML)."""
    head = path.read_bytes()[:4096]
    if path.suffix.lower() == ".xlsx":
        if not head.startswith(b"PK\x03\x04"):
            raise InputFileError("not an XLSX workbook", file=path.name)
        return
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError("the file looks binary, not a text list", file=path.name)
    low = head.lstrip().lower()
    if low.startswith((b"<!doctype", b"<html", b"<script", b"mz", b"\x7felf")):
        raise InputFileError(
            "the file is not a list (looks like HTML or a program)", file=path.name
        )


async def _save(upload: UploadFile, dest: Path, limit: int) -> int:
    size = 0
    with dest.open("wb") as fh:
        while True:
            chunk = await upload.read(1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                fh.close()
                dest.unlink(missing_ok=True)
                raise HTTPException(413, "the upload is larger than the limit")
            fh.write(chunk)
    if size == 0:
        dest.unlink(missing_ok=True)
        raise InputFileError("the file is empty", file=dest.name)
    return size


async def stage_upload(
    request: Request,
    user: CurrentUser,
    file: UploadFile,
    source_name: str,
    source_kind: str,
    mapping: UploadFile | None,
    place: str = "",
    sheet: str = "",
) -> dict[str, Any]:
    """Save an upload, then build its preview; returns the preview dict (with ``id``).

    ``place``: where the whole list comes from (``roshan ingest --place``), checked here
    so that an unknown place is refused before anything is saved. ``sheet``: one sheet
    of a workbook to read on its own (``roshan ingest --sheet``)."""
    settings = request.app.state.settings
    if not (source_name or "").strip():
        raise RoshanError("give the source's name")
    list_place = _list_place(place)
    try:
        kind = SourceKind(source_kind)
    except ValueError as exc:
        raise RoshanError(f"unknown kind of source {source_kind!r}") from exc
    name = _safe_name(file.filename or "", ALLOWED_SUFFIXES)
    expire_uploads(request.app.state.uploads_dir, settings.upload_ttl_seconds)
    upload_id = secrets.token_urlsafe(18)
    folder = request.app.state.uploads_dir / upload_id
    folder.mkdir(parents=True)
    try:
        size = await _save(file, folder / name, settings.max_upload_bytes)
        _sniff(folder / name)
        mapping_name = None
        if mapping is not None and mapping.filename:
            mapping_name = "mapping-" + _safe_name(mapping.filename, MAPPING_SUFFIXES)
            await _save(mapping, folder / mapping_name, 1024 * 1024)
        meta = {
            "id": upload_id,
            "file": name,
            "size": size,
            "source_name": source_name.strip(),
            "source_kind": kind.value,
            "mapping": mapping_name,
            "place": list_place,
            "sheet": sheet.strip() or None,
            "by": user.username,
        }
        meta["created"] = time.time()
        meta["expires"] = meta["created"] + settings.upload_ttl_seconds
        (folder / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
        preview = build_preview(request.app.state.ws, folder, meta)
    except RecursionError:
        shutil.rmtree(folder, ignore_errors=True)
        raise InputFileError("the file is nested too deeply to read as a list", file=name) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    with request.app.state.ws.session() as sess:
        record_event(
            sess,
            user.actor,
            "upload.stage",
            "upload",
            upload_id,
            {"size": size, "format": preview["format"]},
        )
    return preview


def _list_place(text: str) -> str | None:
    """The list's place as given, or None; an unknown place is refused."""
    from roshan.normalize import place_of_list

    text = (text or "").strip()
    if not text:
        return None
    known = place_of_list(text)
    if not (known.city or known.province_code):
        raise RoshanError(
            f"{text!r} is not a place roshan knows: give another spelling, or a province"
        )
    return text


def _place_read_as(text: str | None) -> str | None:
    """What roshan reads a list's place as: "Karaj, Alborz" (for the preview)."""
    from roshan.normalize import place_of_list

    if not text:
        return None
    known = place_of_list(text)
    return ", ".join(p for p in (known.city, known.province) if p) or None


def _load_meta(request: Request, upload_id: str, user: CurrentUser) -> tuple[Path, dict[str, Any]]:
    if not _ID.match(upload_id):
        raise HTTPException(404, "no such upload")
    folder = request.app.state.uploads_dir / upload_id
    meta_path = folder / META_FILE
    if not meta_path.is_file():
        raise HTTPException(404, "no such upload")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if upload_expired(meta, request.app.state.settings.upload_ttl_seconds):
        shutil.rmtree(folder, ignore_errors=True)
        raise HTTPException(
            404,
            "no such upload (unconfirmed uploads are deleted after "
            f"{request.app.state.settings.upload_ttl_seconds // 3600} hours)",
        )
    if meta.get("by") != user.username and user.role != "admin":
        raise HTTPException(404, "no such upload")
    return folder, meta


def upload_expired(meta: dict[str, Any], ttl: float, now: float | None = None) -> bool:
    """True when a staged upload is older than ``ttl`` seconds (or has no creation time)."""
    now = time.time() if now is None else now
    created = meta.get("created")
    if not isinstance(created, (int, float)):
        return True
    expires = meta.get("expires")
    if isinstance(expires, (int, float)) and now > float(expires):
        return True
    return now - float(created) > ttl


def expire_uploads(uploads_dir: Path, ttl: float, now: float | None = None) -> int:
    """Delete staged uploads older than ``ttl`` seconds; returns how many were deleted.

    Unconfirmed uploads hold victims' names, so they must not stay on disk: the app
    runs this when it starts and whenever a list is uploaded. A folder without a
    readable metadata file counts from its modification time.
    """
    now = time.time() if now is None else now
    gone = 0
    if not uploads_dir.is_dir():
        return 0
    for folder in uploads_dir.iterdir():
        if not folder.is_dir():
            continue
        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
            old = upload_expired(meta, ttl, now)
        except (OSError, ValueError):
            try:
                old = now - folder.stat().st_mtime > ttl
            except OSError:
                continue
        if old:
            shutil.rmtree(folder, ignore_errors=True)
            gone += 1
    return gone


def build_preview(ws: Workspace, folder: Path, meta: dict[str, Any]) -> dict[str, Any]:
    """Detected encoding and format, header → field mapping, and the first rows mapped."""
    from roshan.ingest import guessed_columns, load_mapping, open_table, resolve_columns

    path = folder / meta["file"]
    mapping = load_mapping(folder / meta["mapping"]) if meta.get("mapping") else None
    opts = mapping.options if mapping else {}
    sheet = meta.get("sheet") or opts.get("sheet") or None
    table = open_table(path, encoding=opts.get("encoding"), sheet=sheet)
    columns = resolve_columns(table.header, mapping, path.name)
    guessed = set(guessed_columns(columns, mapping))
    rows = []
    for _, cells in table.rows:
        if not cells:  # a blank line, or a second header row the reader skipped
            continue
        row: dict[str, str] = {}
        for col, field in columns.items():  # a second column of a field fills in only
            value = cells.get(col)
            if not row.get(field):
                row[field] = "" if value is None else str(value)
        rows.append(row)
        if len(rows) >= PREVIEW_ROWS:
            break
    close = getattr(table.rows, "close", None)
    if close:
        close()
    expires = meta.get("expires")
    return {
        "expires_at": (
            datetime.fromtimestamp(float(expires), UTC).isoformat(timespec="minutes")
            if isinstance(expires, (int, float))
            else None
        ),
        "id": meta["id"],
        "file": meta["file"],
        "size": meta["size"],
        "source_name": meta["source_name"],
        "source_kind": meta["source_kind"],
        "place": meta.get("place"),
        "place_read_as": _place_read_as(meta.get("place")),
        "encoding": table.encoding,
        "format": table.file_format,
        "sheet": sheet,
        "sheets_read": list(table.sheets),
        "sheets": list(table.workbook_sheets),
        "header": table.header,
        "columns": [
            {"column": h, "field": columns.get(h), "guessed": h in guessed} for h in table.header
        ],
        "no_date_of_death": "date_of_death" not in columns.values(),
        "fields": list(dict.fromkeys(columns.values())),
        "rows": rows,
        "warnings": list(table.warnings),
    }


def confirm_upload(request: Request, user: CurrentUser, upload_id: str) -> dict[str, Any]:
    """Ingest a staged upload with the ingest stage, then delete the staged copy."""
    from roshan.ingest import ingest_file

    folder, meta = _load_meta(request, upload_id, user)
    ws = request.app.state.ws
    try:
        result = ingest_file(
            ws,
            folder / meta["file"],
            source_name=meta["source_name"],
            source_kind=SourceKind(meta["source_kind"]),
            mapping_path=(folder / meta["mapping"]) if meta.get("mapping") else None,
            place=meta.get("place"),
            sheet=meta.get("sheet"),
            actor=user.actor,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    from roshan.web.routes.dashboard import forget_cache

    forget_cache()
    return {
        "import_id": result.import_id,
        "file_name": result.file_name,
        "source": result.source,
        "rows_total": result.rows_total,
        "rows_accepted": result.rows_accepted,
        "rows_rejected": result.rows_rejected,
        "already_imported": result.already_imported,
        "encoding": result.encoding,
        "file_format": result.file_format,
        "notes": result.notes,
    }


def choose_sheet(request: Request, user: CurrentUser, upload_id: str, sheet: str) -> dict[str, Any]:
    """Read another sheet of a staged workbook on its own (``roshan ingest --sheet``), or
    the whole workbook again (``sheet`` empty); returns the new preview. A sheet the
    workbook does not have is refused by the reader, and the staged choice is kept."""
    folder, meta = _load_meta(request, upload_id, user)
    meta = {**meta, "sheet": (sheet or "").strip() or None}
    preview = build_preview(request.app.state.ws, folder, meta)
    (folder / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    return preview


def cancel_upload(request: Request, user: CurrentUser, upload_id: str) -> None:
    folder, _ = _load_meta(request, upload_id, user)
    shutil.rmtree(folder, ignore_errors=True)


def list_imports(ws: Workspace, limit: int = 200) -> list[dict[str, Any]]:
    with reader(ws) as conn:
        rows = recent_imports(conn, limit)
    out = []
    for r in rows:
        d = r._asdict()
        d["created_at"] = d["created_at"].isoformat() if d["created_at"] else None
        out.append(d)
    return out


def rejected_rows(
    ws: Workspace, import_id: int, limit: int = 500, offset: int = 0
) -> dict[str, Any] | None:
    """An import with its rejected rows (row number and issues)."""
    imports = [i for i in list_imports(ws, 100000) if i["id"] == import_id]
    if not imports:
        return None
    with reader(ws) as conn:
        total = count_rejected_rows(conn, import_id)
        rows = rejected_rows_of(conn, import_id, limit=limit, offset=offset)
    return {
        "import": imports[0],
        "total_rejected": int(total),
        "rows": [{"row_number": r.row_number, "issues": r.issues or []} for r in rows],
    }


# ---------------------------------------------------------------- pages


def _upload_page(request: Request, preview: dict[str, Any] | None = None) -> Any:
    """The upload form, with the staged file's preview when there is one."""
    return render(
        request,
        "upload.html",
        {"kinds": [k.value for k in SourceKind], "preview": preview, "result": None},
    )


@router.get("/upload", include_in_schema=False)
def upload_page(request: Request, user: CanIngest) -> Any:
    return _upload_page(request)


@router.post("/upload", include_in_schema=False)
async def upload_submit(
    request: Request,
    user: CanIngest,
    file: UploadFile = File(...),
    source_name: str = Form(""),
    source_kind: str = Form("other"),
    mapping: UploadFile | None = File(None),
    place: str = Form(""),
) -> Any:
    preview = await stage_upload(request, user, file, source_name, source_kind, mapping, place)
    return redirect(f"/upload/{preview['id']}")


@router.get("/upload/{upload_id}", include_in_schema=False)
def upload_preview_page(request: Request, upload_id: str, user: CanIngest) -> Any:
    folder, meta = _load_meta(request, upload_id, user)
    preview = build_preview(request.app.state.ws, folder, meta)
    return _upload_page(request, preview)


@router.post("/upload/{upload_id}/confirm", include_in_schema=False)
def upload_confirm_page(request: Request, upload_id: str, user: CanIngest) -> Any:
    result = confirm_upload(request, user, upload_id)
    # The import's notes, for its page to show once (they are not stored with the import).
    update_session(request, import_notes={"id": result["import_id"], "notes": result["notes"]})
    return redirect(
        f"/imports/{result['import_id']}?new=1"
        + ("&again=1" if result.get("already_imported") else "")
    )


@router.post("/upload/{upload_id}/sheet", include_in_schema=False)
def upload_sheet_page(
    request: Request, upload_id: str, user: CanIngest, sheet: str = Form("")
) -> Any:
    choose_sheet(request, user, upload_id, sheet)
    return redirect(f"/upload/{upload_id}")


@router.post("/upload/{upload_id}/cancel", include_in_schema=False)
def upload_cancel_page(request: Request, upload_id: str, user: CanIngest) -> Any:
    cancel_upload(request, user, upload_id)
    return redirect("/upload")


@router.get("/imports", include_in_schema=False)
def imports_page(request: Request, user: CanViewNames) -> Any:
    return render(request, "imports.html", {"imports": list_imports(request.app.state.ws)})


@router.get("/imports/{import_id}", include_in_schema=False)
def import_page(request: Request, import_id: PathId, user: CanViewNames) -> Any:
    data = found(rejected_rows(request.app.state.ws, import_id), "import")
    notes: list[str] = []
    held = session_data(request).get("import_notes")
    if isinstance(held, dict) and held.get("id") == import_id:
        notes = [str(n) for n in held.get("notes") or []]
        update_session(request, import_notes=None)
    return render(
        request,
        "import.html",
        {
            **data,
            "new": request.query_params.get("new"),
            "again": request.query_params.get("again"),
            "notes": notes,
        },
    )


# ---------------------------------------------------------------- API


class PreviewColumn(BaseModel):
    column: str
    field: str | None = Field(None, description="Canonical field, or null: kept as extra.")
    guessed: bool = Field(
        False, description="Read from the words of a free-form header (no mapping file)."
    )


class UploadPreview(BaseModel):
    id: str
    file: str
    size: int
    source_name: str
    source_kind: str
    place: str | None = Field(
        None, description="The list's own place, given to its records that name none."
    )
    place_read_as: str | None = Field(
        None, description="What roshan reads the list's place as: city, province."
    )
    encoding: str
    format: str
    sheet: str | None = Field(
        None, description="The one sheet of a workbook read on its own (null: the whole workbook)."
    )
    sheets_read: list[str] = Field(
        default_factory=list, description="The workbook's sheets the rows come from."
    )
    sheets: list[str] = Field(default_factory=list, description="All the workbook's sheets.")
    header: list[str]
    columns: list[PreviewColumn]
    no_date_of_death: bool = Field(False, description="No column was read as the date of death.")
    fields: list[str]
    rows: list[dict[str, str]]
    warnings: list[str]
    expires_at: str | None = Field(
        None, description="When the staged upload is deleted unless confirmed (UTC, ISO 8601)."
    )


@router.post("/api/uploads", response_model=UploadPreview, status_code=201, tags=["imports"])
async def api_upload(
    request: Request,
    user: CanIngest,
    file: UploadFile = File(...),
    source_name: str = Form(...),
    source_kind: str = Form("other"),
    mapping: UploadFile | None = File(None),
    place: str = Form(
        "",
        description="Where the whole list comes from (a morgue's or hospital's city), given "
        "to its records that name no place of their own; an unknown place is refused.",
    ),
    sheet: str = Form(
        "",
        description="One sheet of a workbook to read on its own (as `roshan ingest --sheet`); "
        "each sheet of a workbook can be imported so.",
    ),
) -> Any:
    """Stage a list file; the answer is its preview. Confirm with ``/api/uploads/{id}/confirm``."""
    return await stage_upload(request, user, file, source_name, source_kind, mapping, place, sheet)


@router.post("/api/uploads/{upload_id}/sheet", response_model=UploadPreview, tags=["imports"])
def api_sheet(
    request: Request,
    upload_id: str,
    user: CanIngest,
    sheet: str = Form("", description="The sheet to read on its own; empty: the whole workbook."),
) -> Any:
    """Read another sheet of a staged workbook; the answer is the new preview."""
    return choose_sheet(request, user, upload_id, sheet)


@router.post("/api/uploads/{upload_id}/confirm", tags=["imports"])
def api_confirm(request: Request, upload_id: str, user: CanIngest) -> dict[str, Any]:
    """Import a staged upload (calls the ingest stage); returns the import's counts."""
    return confirm_upload(request, user, upload_id)


@router.delete("/api/uploads/{upload_id}", status_code=204, tags=["imports"])
def api_cancel(request: Request, upload_id: str, user: CanIngest) -> None:
    """Discard a staged upload."""
    cancel_upload(request, user, upload_id)


@router.get("/api/imports", tags=["imports"])
def api_imports(request: Request, user: CanViewNames) -> list[dict[str, Any]]:
    """Every import with its counts (newest first)."""
    return list_imports(request.app.state.ws)


@router.get("/api/imports/{import_id}/rejected", tags=["imports"])
def api_rejected(
    request: Request,
    import_id: PathId,
    user: CanViewNames,
    limit: int = Query(500, ge=1, le=5000),
    offset: int = Query(0, ge=0, le=10_000_000),
) -> dict[str, Any]:
    """One import's rejected rows, with the issues that rejected them."""
    return found(rejected_rows(request.app.state.ws, import_id, limit, offset), "import")
