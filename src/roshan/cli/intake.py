"""CLI group ``roshan intake``: safe field intake (new reports, bundles, chunks, import).

Passphrases are read as for ``roshan keys`` (``roshan.cli.keys.read_passphrase``).
"""

from __future__ import annotations

import re
from pathlib import Path

import typer
from rich.markup import escape

from roshan.cli.common import (
    IDENTITY_OPT,
    JSON_OPT,
    PASS_OPT,
    WORKSPACE_ARG,
    console,
    lang_option,
    plural,
    print_json,
    progress,
)
from roshan.cli.keys import KEYS_OPT, read_passphrase
from roshan.errors import IntakeError

intake_app = typer.Typer(
    help="Field intake: new reports, bundles, chunks, import.", no_args_is_help=True
)

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.I)


def parse_size(text: str) -> int:
    """'5M', '512k', '1g', '2000000' → bytes."""
    m = _SIZE.match(text)
    if not m:
        raise IntakeError(f"not a size: {text!r} (use e.g. 512k, 5M, 1G)")
    mult = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2).lower()]
    return int(float(m.group(1)) * mult)


def short_ids(ids: list[str], width: int = 16) -> dict[str, str]:
    """How to show each bundle id: its first ``width`` characters and "…", or the whole
    id when another id shown alongside starts the same way (issue 16, item 7)."""
    out: dict[str, str] = {}
    for bid in ids:
        clash = any(o != bid and o[:width] == bid[:width] for o in ids)
        out[bid] = bid if clash or len(bid) <= width else f"{bid[:width]}…"
    return out


def _numbers(nums: list[int], limit: int = 30) -> str:
    """'1, 2, 5' — or the first ``limit`` and how many more."""
    head = ", ".join(map(str, nums[:limit]))
    return head + (f" and {len(nums) - limit} more" if len(nums) > limit else "")


#: Where field reports are encrypted to (``intake new`` and ``intake html-form``).
TO_OPT = typer.Option(
    ..., "--to", help="Organisation recipient: age1…, recipient.txt or key directory."
)


@intake_app.command("new")
def intake_new(
    to: str = TO_OPT,
    outbox: Path = typer.Option(
        Path("roshan-outbox"),
        "--outbox",
        "-o",
        help="Folder where encrypted reports are kept until packed.",
    ),
    lang: str = lang_option("Form language: fa or en.", default="fa"),
    from_json: Path | None = typer.Option(
        None, "--from-json", help="Take the answers from a JSON file instead of asking."
    ),
    keep_metadata: bool = typer.Option(
        False, "--keep-metadata", help="Keep location/camera metadata in photos."
    ),
    json_out: bool = JSON_OPT,
) -> None:
    """Record one report (terminal form or JSON) and encrypt it at once."""
    from roshan.cli.documents import ReportSaved
    from roshan.intake import answers_from_json, load_recipient, run_form, save_report

    recipient = load_recipient(Path(to) if Path(to).exists() else to)
    if from_json is not None:
        ans = answers_from_json(from_json)
    else:
        # Questions on stderr like every human message: with --json, stdout holds only
        # the one JSON document.
        ans = run_form(
            lang,
            ask=lambda q: typer.prompt(q.rstrip(": "), default="", show_default=False, err=True),
            say=lambda s: console.print(s),
        )
    saved = save_report(
        outbox,
        recipient,
        ans.victim,
        circumstances=ans.circumstances,
        witness_contact=ans.witness_contact,
        attachments=ans.attachments,
        keep_metadata=ans.keep_metadata or keep_metadata,
        language=ans.language,
    )
    out = ReportSaved(
        report_id=saved.report_id,
        outbox=str(outbox),
        attachments=len(saved.attachment_blobs),
        witness_contact=bool(saved.witness_blob),
        warnings=list(saved.warnings),
    )
    if json_out:
        print_json(out.to_dict())
        return
    from roshan.intake import FORM_TEXTS as TEXTS

    # In the form's language to the end (the Persian form once ended in English).
    t = TEXTS.get(ans.language) or TEXTS["en"]
    console.print(
        escape(str(t["saved"]).format(outbox=outbox, report_id=saved.report_id[:16])),
        soft_wrap=True,
    )
    for w in saved.warnings:
        console.print(f"  [yellow]{t['warning']}:[/] {escape(w)}", soft_wrap=True)


@intake_app.command("pack")
def intake_pack(
    outbox: Path = typer.Argument(..., help="The outbox folder of encrypted reports."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the bundle (and chunks)."),
    chunk_size: str | None = typer.Option(
        None, "--chunk-size", help="Also split into chunks of this size (e.g. 2M)."
    ),
    remove_packed: bool = typer.Option(
        False, "--remove-packed", help="Delete packed blobs from the outbox."
    ),
    sign_key: Path | None = typer.Option(
        None, "--sign-key", help="Sign the bundle with this reporter key (reporter.key)."
    ),
    json_out: bool = JSON_OPT,
) -> None:
    """Pack an outbox into one content-addressed bundle, optionally split into chunks."""
    from roshan.cli.documents import BundlePacked
    from roshan.intake import load_reporter_key, pack_outbox, split_bundle

    size = parse_size(chunk_size) if chunk_size else None
    signer = load_reporter_key(sign_key) if sign_key else None
    bundle = pack_outbox(outbox, out, remove_packed=remove_packed, signer=signer)
    chunks = split_bundle(bundle.path, out, size) if size and bundle.path else []
    if chunks and bundle.path:
        bundle.path.unlink()
    res = BundlePacked(
        bundle_id=bundle.bundle_id,
        bundle=None if chunks else str(bundle.path),
        entries=len(bundle.entries),
        size=bundle.size,
        chunks=[str(c) for c in chunks],
    )
    if json_out:
        print_json(res.to_dict())
        return
    where = f"{len(chunks)} chunks in {out}" if chunks else str(bundle.path)
    console.print(
        f"bundle {bundle.bundle_id[:16]}…: {len(bundle.entries)} blobs, "
        f"{bundle.size:,} bytes → {where}"
    )


@intake_app.command("split")
def intake_split(
    bundle: Path = typer.Argument(..., help="A bundle file."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the chunks."),
    chunk_size: str = typer.Option(..., "--chunk-size", help="Chunk size, e.g. 2M."),
    json_out: bool = JSON_OPT,
) -> None:
    """Split a bundle into size-limited chunks (accepted in any order on import)."""
    from roshan.intake import open_bundle, split_bundle

    open_bundle(bundle)
    chunks = split_bundle(bundle, out, parse_size(chunk_size))
    if json_out:
        from roshan.cli.documents import ChunksWritten

        print_json(ChunksWritten(chunks=[str(c) for c in chunks]).to_dict())
    else:
        console.print(f"{len(chunks)} chunks written to {out}")


@intake_app.command("check")
def intake_check(
    files: list[Path] = typer.Argument(..., help="Bundles and/or chunks."),
    json_out: bool = JSON_OPT,
) -> None:
    """Check bundles/chunks are whole and untampered, with no key (for couriers).

    Exit code 0 if every file is intact, 1 otherwise.
    """
    from roshan.intake import check_files

    results, coverage = check_files(list(files))
    shown = short_ids(sorted({r["bundle_id"] for r in results if r.get("bundle_id")}))
    bad_sets = [bid for bid, cov in coverage.items() if cov.get("joins") is False]
    if json_out:
        from roshan.cli.documents import FilesChecked

        print_json(FilesChecked(files=results, chunked_bundles=coverage).to_dict())
    else:
        for r in results:
            if not r["ok"]:
                console.print(f"[red]BAD[/]  {escape(r['problem'])}", soft_wrap=True)
            elif r["kind"] == "chunk":
                console.print(
                    f"ok   {escape(r['file'])}: chunk {r['chunk']} of {r['of']} of "
                    f"bundle {shown[r['bundle_id']]}",
                    soft_wrap=True,
                )
            else:
                console.print(
                    f"ok   {escape(r['file'])}: bundle {shown[r['bundle_id']]}, "
                    f"{plural(r['reports'], 'report')}, "
                    f"{plural(r['attachments'], 'attachment')}",
                    soft_wrap=True,
                )
        for bid, cov in coverage.items():
            if cov.get("joins") is False:
                console.print(
                    f"[red]BAD[/]  bundle {bid}: every chunk is intact on its own, "
                    "but together they do not make the bundle (forged or mixed "
                    "chunks); it would not import",
                    soft_wrap=True,
                )
            elif cov.get("joins"):
                console.print(
                    f"ok   bundle {shown[bid]}: all {cov['chunks']} chunks here and "
                    "they join into the bundle",
                    soft_wrap=True,
                )
            elif cov["missing"]:
                console.print(
                    f"bundle {shown[bid]}: chunks {_numbers(cov['missing'])} of "
                    f"{cov['chunks']} not among these files",
                    soft_wrap=True,
                )
    if bad_sets or not all(r["ok"] for r in results):
        raise typer.Exit(1)


@intake_app.command("import")
def intake_import(
    workspace: Path = WORKSPACE_ARG,
    files: list[Path] = typer.Argument(..., help="Bundles and/or chunks, in any order."),
    keys: Path | None = typer.Option(None, "--keys", "-k", help="Organisation key directory."),
    identity: Path | None = IDENTITY_OPT,
    passphrase_file: Path | None = PASS_OPT,
    source: str = typer.Option("field intake", "--source", help="Source name for the reports."),
    reporters: Path | None = typer.Option(
        None,
        "--reporters",
        help="Registry folder of enrolled reporters' *.pub (default: KEYS/reporters if it exists).",
    ),
    require_signed: bool = typer.Option(
        False, "--require-signed", help="Refuse bundles not signed by an enrolled reporter."
    ),
    json_out: bool = JSON_OPT,
) -> None:
    """Verify, decrypt, de-duplicate and ingest field bundles (all or nothing)."""
    from roshan.intake import (
        REPORTERS_DIR,
        import_bundles,
        load_identity_file,
        load_reporters,
        unlock,
    )
    from roshan.store import Workspace, actor_name

    if (keys is None) == (identity is None):
        raise IntakeError("give exactly one of --keys or --identity")
    if keys is not None:
        ids = [unlock(keys, read_passphrase(passphrase_file)).identity]
    else:
        assert identity is not None
        ids = [load_identity_file(identity)]
    if reporters is None and keys is not None and (keys / REPORTERS_DIR).is_dir():
        reporters = keys / REPORTERS_DIR
    trusted = load_reporters(reporters) if reporters is not None else None
    if require_signed and trusted is None:
        raise IntakeError("--require-signed needs a reporter registry (--reporters DIR)")
    with Workspace.open(workspace) as ws:
        with progress(enabled=not json_out) as prog:
            task = prog.add_task("checking attachments", total=None)
            summary = import_bundles(
                ws,
                files,
                ids,
                source_name=source,
                actor=actor_name(),
                trusted_reporters=trusted,
                require_signed=require_signed,
                on_progress=lambda _s, d, t: prog.update(task, completed=d, total=t),
            )
    if json_out:
        print_json(summary.to_dict())
        if summary.problems:
            raise typer.Exit(1)
        return
    shown = short_ids(
        [b["bundle_id"] for b in summary.bundles] + [p["bundle_id"] for p in summary.pending]
    )
    for b in summary.bundles:
        console.print(
            f"bundle {shown[b['bundle_id']]}: {plural(b['reports'], 'report')}, "
            f"{b['new']} new, {b['duplicate']} already known",
            soft_wrap=True,
        )
    for p in summary.pending:
        console.print(
            f"bundle {shown[p['bundle_id']]}: waiting for chunks "
            f"{_numbers(p['missing'])} of {p['chunks']}",
            soft_wrap=True,
        )
    for r in summary.refused:
        label = "note" if r.get("replay") else "[bold red]refused[/]"
        console.print(f"  {label}: {escape(r['reason'])}", soft_wrap=True)
    for n in summary.notes:
        console.print(f"  note: {escape(n)}", soft_wrap=True)
    console.print(
        f"{plural(summary.reports_new, 'new report')}, "
        f"{plural(summary.reports_duplicate, 'duplicate')}, "
        f"{plural(summary.attachments, 'attachment')} "
        f"({plural(summary.attachment_bytes, 'byte')})"
        + (f"; import {summary.import_id}" if summary.import_id else ""),
        soft_wrap=True,
    )
    if summary.problems:
        raise typer.Exit(1)


@intake_app.command("status")
def intake_status(workspace: Path = WORKSPACE_ARG, json_out: bool = JSON_OPT) -> None:
    """Show bundles still waiting for chunks."""
    from roshan.cli.documents import PendingBundle, SpoolStatus
    from roshan.intake import Spool
    from roshan.store import Workspace

    with Workspace.open(workspace) as ws:
        pending = Spool(ws.root / "intake" / "spool").pending()
    rows = [
        PendingBundle(
            bundle_id=s.bundle_id,
            chunks=s.count,
            missing=[i + 1 for i in s.missing],
            other_versions=s.versions,
        )
        for s in pending
    ]
    if json_out:
        print_json(SpoolStatus(pending=rows).to_dict())
    elif not rows:
        console.print("no bundle is waiting for chunks")
    else:
        shown = short_ids([r.bundle_id for r in rows])
        for r in rows:
            if r.missing:
                what = f"missing chunks {_numbers(r.missing)} of {r.chunks}"
            else:
                what = (
                    f"all {r.chunks} chunks here but not imported yet; run "
                    "`roshan intake import` with any of its chunks"
                )
            if r.other_versions:
                what += (
                    f" ({plural(r.other_versions, 'other version')} of its chunks "
                    "also kept; the set that joins into the bundle wins)"
                )
            console.print(f"bundle {shown[r.bundle_id]}: {what}", soft_wrap=True)


@intake_app.command("discard")
def intake_discard(
    workspace: Path = WORKSPACE_ARG,
    bundle_id: str = typer.Argument(
        ..., help="The bundle id (or a prefix of at least 8 characters)."
    ),
    json_out: bool = JSON_OPT,
) -> None:
    """Drop a bundle's spooled chunks (junk, or a bundle that will never be whole)."""
    from roshan.intake import Spool
    from roshan.store import Workspace

    with Workspace.open(workspace) as ws:
        spool = Spool(ws.root / "intake" / "spool")
        prefix = bundle_id.strip().rstrip("…").lower()
        matches = [s.bundle_id for s in spool.pending() if s.bundle_id.startswith(prefix)]
        if len(prefix) < 8 or not matches:
            raise IntakeError(
                f"no bundle {bundle_id!r} is waiting in the spool (see `roshan intake status`)"
            )
        if len(matches) > 1:
            raise IntakeError(
                f"{bundle_id!r} names {len(matches)} bundles: "
                f"{', '.join(matches)}; give more of the id"
            )
        spool.discard(matches[0])
    if json_out:
        from roshan.cli.documents import BundleDiscarded

        print_json(BundleDiscarded(discarded=matches[0]).to_dict())
    else:
        console.print(f"discarded the spooled chunks of bundle {matches[0]}", soft_wrap=True)


@intake_app.command("html-form")
def intake_html_form(
    to: str = TO_OPT,
    out: Path = typer.Option(Path("roshan-form.html"), "--out", "-o", help="HTML file to write."),
) -> None:
    """Write the offline single-file HTML form, with the organisation recipient built in."""
    from roshan.intake import load_recipient, render_form

    recipient = str(load_recipient(Path(to) if Path(to).exists() else to))
    out.write_text(render_form(recipient), "utf-8")
    console.print(f"offline form written to {out}; it encrypts in the browser and needs no network")


@intake_app.command("witness")
def intake_witness(
    workspace: Path = WORKSPACE_ARG,
    report_id: str = typer.Argument(..., help="The report id (full SHA-256)."),
    keys: Path = KEYS_OPT,
    passphrase_file: Path | None = PASS_OPT,
    json_out: bool = JSON_OPT,
) -> None:
    """Decrypt one report's witness contact (recorded in the audit log; prints to stdout)."""
    from roshan.intake import read_witness_contact, unlock
    from roshan.store import Workspace, actor_name

    org = unlock(keys, read_passphrase(passphrase_file))
    with Workspace.open(workspace) as ws:
        contact = read_witness_contact(ws, report_id, [org.identity], actor=actor_name())
    if json_out:
        from roshan.cli.documents import WitnessContact

        given = {k: v for k, v in contact.items() if k != "format"}
        print_json(
            WitnessContact(
                format=str(contact.get("format", "")),
                contact=given["contact"] if set(given) == {"contact"} else given,
            ).to_dict()
        )
    else:
        contact.pop("format", None)
        for k, v in contact.items():
            typer.echo(f"{k}: {v}")


def register(app: typer.Typer) -> None:
    """Add the intake group to the root app."""
    app.add_typer(intake_app, name="intake")
