"""CLI groups ``roshan keys``, ``roshan intake`` and ``roshan ledger``: safe field intake.

Passphrases are read from ``--passphrase-file``, else ``$ROSHAN_KEY_PASSPHRASE``,
else asked for on the terminal (never echoed, never logged).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from roshan.cli.common import console, print_json, progress
from roshan.errors import IntakeError

keys_app = typer.Typer(help="Organisation keys: create, show.", no_args_is_help=True)
intake_app = typer.Typer(help="Field intake: new reports, bundles, chunks, import.",
                         no_args_is_help=True)
ledger_app = typer.Typer(help="Tamper-evident ledger: tree head, signed checkpoints, verify.",
                         no_args_is_help=True)

PASS_ENV = "ROSHAN_KEY_PASSPHRASE"
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.I)


def parse_size(text: str) -> int:
    """'5M', '512k', '1g', '2000000' → bytes."""
    m = _SIZE.match(text)
    if not m:
        raise IntakeError(f"not a size: {text!r} (use e.g. 512k, 5M, 1G)")
    mult = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}[m.group(2).lower()]
    return int(float(m.group(1)) * mult)


def short_ids(ids: list[str], width: int = 16) -> dict[str, str]:
    """How to show each bundle id: its first ``width`` characters and "…", or the whole
    id when another id shown alongside starts the same way (issue 16, item 7)."""
    out: dict[str, str] = {}
    for bid in ids:
        clash = any(o != bid and o[:width] == bid[:width] for o in ids)
        out[bid] = bid if clash or len(bid) <= width else f"{bid[:width]}…"
    return out


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 problem', '2 problems' (``many`` for irregular plurals)."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def read_passphrase(passphrase_file: Path | None, *, confirm: bool = False) -> str:
    if passphrase_file is not None:
        try:
            return passphrase_file.read_text("utf-8").rstrip("\r\n")
        except OSError as exc:
            raise IntakeError(f"cannot read passphrase file: {exc.strerror}") from exc
    env = os.environ.get(PASS_ENV)
    if env:
        return env
    if not sys.stdin.isatty():
        raise IntakeError(f"no passphrase: give --passphrase-file or set {PASS_ENV}")
    return typer.prompt("Key passphrase", hide_input=True, confirmation_prompt=confirm)


KEYS_OPT = typer.Option(..., "--keys", "-k", help="The organisation key directory.")
PASS_OPT = typer.Option(None, "--passphrase-file", help="File holding the key passphrase.")
JSON_OPT = typer.Option(False, "--json", help="Print the result as JSON on stdout.")


@keys_app.command("init")
def keys_init(
    directory: Path = typer.Argument(..., help="Folder to create the keys in."),
    force: bool = typer.Option(False, "--force", help="Replace existing keys (old reports "
                                                      "become unreadable!)."),
    passphrase_file: Path | None = PASS_OPT,
    json_out: bool = JSON_OPT,
) -> None:
    """Create the organisation's age recipient key and Ed25519 signing key."""
    from roshan.intake import QR_PNG, QR_SVG, RECIPIENT_FILE, SIGNING_PUB_FILE, init_keys

    pub = init_keys(directory, read_passphrase(passphrase_file, confirm=True), force=force)
    out = {"directory": str(directory), "recipient": pub.recipient, "key_id": pub.key_id,
           "recipient_file": str(directory / RECIPIENT_FILE),
           "qr_png": str(directory / QR_PNG), "qr_svg": str(directory / QR_SVG),
           "signing_public_file": str(directory / SIGNING_PUB_FILE)}
    if json_out:
        print_json(out)
        return
    console.print(f"organisation keys created in {directory}")
    console.print(f"  recipient (give to field workers): {pub.recipient}")
    console.print(f"  QR code: {out['qr_png']}  signing key id: {pub.key_id}")
    console.print("  private keys are encrypted under your passphrase; back up the folder "
                  "and the passphrase separately")


@keys_app.command("reporter-init")
def keys_reporter_init(
    directory: Path = typer.Argument(..., help="Folder for the reporter key (on the field "
                                               "device)."),
    label: str = typer.Option("", "--label", help="A label for the organisation's registry "
                                                  "(not a real name)."),
    json_out: bool = JSON_OPT,
) -> None:
    """Create a field reporter's signing key; enrol reporter.pub in KEYS/reporters/."""
    from roshan.intake import REPORTER_PUB_FILE, init_reporter

    pub = init_reporter(directory, label)
    out = {"key_id": pub.key_id, "public_file": str(directory / REPORTER_PUB_FILE)}
    if json_out:
        print_json(out)
        return
    console.print(f"reporter key {pub.key_id[:16]}… created in {directory}; copy "
                  f"{REPORTER_PUB_FILE} into the organisation's keys/reporters/ folder to enrol it")
    console.print("  the private key is not encrypted: whoever holds this device can sign as "
                  "this reporter until the key is removed from the registry")


@keys_app.command("show")
def keys_show(directory: Path = typer.Argument(..., help="Key directory."),
              json_out: bool = JSON_OPT) -> None:
    """Show the public keys (no passphrase needed)."""
    from roshan.intake import encode_signing_public, load_public

    pub = load_public(directory)
    out = {"recipient": pub.recipient, "signing_public": encode_signing_public(pub.signing_public),
           "key_id": pub.key_id}
    if json_out:
        print_json(out)
    else:
        for k, v in out.items():
            console.print(f"{k}: {v}")


@intake_app.command("new")
def intake_new(
    to: str = typer.Option(..., "--to", help="Organisation recipient: age1…, recipient.txt or "
                                             "key directory."),
    outbox: Path = typer.Option(Path("roshan-outbox"), "--outbox", "-o",
                                help="Folder where encrypted reports are kept until packed."),
    lang: str = typer.Option("fa", "--lang", help="Form language: fa or en."),
    from_json: Path | None = typer.Option(None, "--from-json", help="Take the answers from a "
                                                                    "JSON file instead of asking."),
    keep_metadata: bool = typer.Option(False, "--keep-metadata",
                                       help="Keep location/camera metadata in photos."),
    json_out: bool = JSON_OPT,
) -> None:
    """Record one report (terminal form or JSON) and encrypt it at once."""
    from roshan.intake import answers_from_json, load_recipient, run_form, save_report

    recipient = load_recipient(Path(to) if Path(to).exists() else to)
    if from_json is not None:
        ans = answers_from_json(from_json)
    else:
        # Questions on stderr like every human message: with --json, stdout holds only
        # the one JSON document.
        ans = run_form(lang, ask=lambda q: typer.prompt(q.rstrip(": "), default="",
                                                        show_default=False, err=True),
                       say=lambda s: console.print(s))
    saved = save_report(outbox, recipient, ans.victim, circumstances=ans.circumstances,
                        witness_contact=ans.witness_contact, attachments=ans.attachments,
                        keep_metadata=ans.keep_metadata or keep_metadata, language=ans.language)
    out = {"report_id": saved.report_id, "outbox": str(outbox),
           "attachments": len(saved.attachment_blobs), "witness_contact": bool(saved.witness_blob),
           "warnings": list(saved.warnings)}
    if json_out:
        print_json(out)
        return
    from roshan.intake import FORM_TEXTS as TEXTS

    # In the form's language to the end (the Persian form once ended in English).
    t = TEXTS.get(ans.language) or TEXTS["en"]
    console.print(escape(str(t["saved"]).format(outbox=outbox, report_id=saved.report_id[:16])),
                  soft_wrap=True)
    for w in saved.warnings:
        console.print(f"  [yellow]{t['warning']}:[/] {escape(w)}", soft_wrap=True)


@intake_app.command("pack")
def intake_pack(
    outbox: Path = typer.Argument(..., help="The outbox folder of encrypted reports."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the bundle (and chunks)."),
    chunk_size: str | None = typer.Option(None, "--chunk-size",
                                          help="Also split into chunks of this size (e.g. 2M)."),
    remove_packed: bool = typer.Option(False, "--remove-packed",
                                       help="Delete packed blobs from the outbox."),
    sign_key: Path | None = typer.Option(None, "--sign-key",
                                         help="Sign the bundle with this reporter key "
                                              "(reporter.key)."),
    json_out: bool = JSON_OPT,
) -> None:
    """Pack an outbox into one content-addressed bundle, optionally split into chunks."""
    from roshan.intake import load_reporter_key, pack_outbox, split_bundle

    size = parse_size(chunk_size) if chunk_size else None
    signer = load_reporter_key(sign_key) if sign_key else None
    bundle = pack_outbox(outbox, out, remove_packed=remove_packed, signer=signer)
    chunks = split_bundle(bundle.path, out, size) if size and bundle.path else []
    if chunks and bundle.path:
        bundle.path.unlink()
    res = {"bundle_id": bundle.bundle_id, "bundle": None if chunks else str(bundle.path),
           "entries": len(bundle.entries), "size": bundle.size,
           "chunks": [str(c) for c in chunks]}
    if json_out:
        print_json(res)
        return
    where = f"{len(chunks)} chunks in {out}" if chunks else str(bundle.path)
    console.print(f"bundle {bundle.bundle_id[:16]}…: {len(bundle.entries)} blobs, "
                  f"{bundle.size:,} bytes → {where}")


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
        print_json({"chunks": [str(c) for c in chunks]})
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
        print_json({"files": results, "chunked_bundles": coverage})
    else:
        for r in results:
            if not r["ok"]:
                console.print(f"[red]BAD[/]  {escape(r['problem'])}", soft_wrap=True)
            elif r["kind"] == "chunk":
                console.print(f"ok   {escape(r['file'])}: chunk {r['chunk']} of {r['of']} of "
                              f"bundle {shown[r['bundle_id']]}", soft_wrap=True)
            else:
                console.print(f"ok   {escape(r['file'])}: bundle {shown[r['bundle_id']]}, "
                              f"{plural(r['reports'], 'report')}, "
                              f"{plural(r['attachments'], 'attachment')}", soft_wrap=True)
        for bid, cov in coverage.items():
            if cov.get("joins") is False:
                console.print(f"[red]BAD[/]  bundle {bid}: every chunk is intact on its own, "
                              "but together they do not make the bundle (forged or mixed "
                              "chunks); it would not import", soft_wrap=True)
            elif cov.get("joins"):
                console.print(f"ok   bundle {shown[bid]}: all {cov['chunks']} chunks here and "
                              "they join into the bundle", soft_wrap=True)
            elif cov["missing"]:
                console.print(f"bundle {shown[bid]}: chunks {_numbers(cov['missing'])} of "
                              f"{cov['chunks']} not among these files", soft_wrap=True)
    if bad_sets or not all(r["ok"] for r in results):
        raise typer.Exit(1)


def _numbers(nums: list[int], limit: int = 30) -> str:
    """'1, 2, 5' — or the first ``limit`` and how many more."""
    head = ", ".join(map(str, nums[:limit]))
    return head + (f" and {len(nums) - limit} more" if len(nums) > limit else "")


@intake_app.command("import")
def intake_import(
    workspace: Path = typer.Argument(..., help="The workspace folder."),
    files: list[Path] = typer.Argument(..., help="Bundles and/or chunks, in any order."),
    keys: Path | None = typer.Option(None, "--keys", "-k", help="Organisation key directory."),
    identity: Path | None = typer.Option(None, "--identity",
                                         help="Plain age identity file (age-keygen) instead "
                                              "of --keys."),
    passphrase_file: Path | None = PASS_OPT,
    source: str = typer.Option("field intake", "--source", help="Source name for the reports."),
    reporters: Path | None = typer.Option(None, "--reporters",
                                          help="Registry folder of enrolled reporters' *.pub "
                                               "(default: KEYS/reporters if it exists)."),
    require_signed: bool = typer.Option(False, "--require-signed",
                                        help="Refuse bundles not signed by an enrolled reporter."),
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
                ws, files, ids, source_name=source, actor=actor_name(),
                trusted_reporters=trusted, require_signed=require_signed,
                on_progress=lambda _s, d, t: prog.update(task, completed=d, total=t))
    if json_out:
        print_json(summary.to_dict())
        if summary.problems:
            raise typer.Exit(1)
        return
    shown = short_ids([b["bundle_id"] for b in summary.bundles]
                      + [p["bundle_id"] for p in summary.pending])
    for b in summary.bundles:
        console.print(f"bundle {shown[b['bundle_id']]}: {plural(b['reports'], 'report')}, "
                      f"{b['new']} new, {b['duplicate']} already known", soft_wrap=True)
    for p in summary.pending:
        console.print(f"bundle {shown[p['bundle_id']]}: waiting for chunks "
                      f"{_numbers(p['missing'])} of {p['chunks']}", soft_wrap=True)
    for r in summary.refused:
        label = "note" if r.get("replay") else "[bold red]refused[/]"
        console.print(f"  {label}: {escape(r['reason'])}", soft_wrap=True)
    for n in summary.notes:
        console.print(f"  note: {escape(n)}", soft_wrap=True)
    console.print(f"{plural(summary.reports_new, 'new report')}, "
                  f"{plural(summary.reports_duplicate, 'duplicate')}, "
                  f"{plural(summary.attachments, 'attachment')} "
                  f"({plural(summary.attachment_bytes, 'byte')})"
                  + (f"; import {summary.import_id}" if summary.import_id else ""),
                  soft_wrap=True)
    if summary.problems:
        raise typer.Exit(1)


@intake_app.command("status")
def intake_status(workspace: Path = typer.Argument(..., help="The workspace folder."),
                  json_out: bool = JSON_OPT) -> None:
    """Show bundles still waiting for chunks."""
    from roshan.intake import Spool
    from roshan.store import Workspace

    with Workspace.open(workspace) as ws:
        pending = Spool(ws.root / "intake" / "spool").pending()
    rows: list[dict[str, Any]] = [
        {"bundle_id": s.bundle_id, "chunks": s.count, "missing": [i + 1 for i in s.missing],
         "other_versions": s.versions} for s in pending]
    if json_out:
        print_json({"pending": rows})
    elif not rows:
        console.print("no bundle is waiting for chunks")
    else:
        shown = short_ids([r["bundle_id"] for r in rows])
        for r in rows:
            if r["missing"]:
                what = f"missing chunks {_numbers(r['missing'])} of {r['chunks']}"
            else:
                what = (f"all {r['chunks']} chunks here but not imported yet; run "
                        "`roshan intake import` with any of its chunks")
            if r["other_versions"]:
                what += (f" ({plural(r['other_versions'], 'other version')} of its chunks "
                         "also kept; the set that joins into the bundle wins)")
            console.print(f"bundle {shown[r['bundle_id']]}: {what}", soft_wrap=True)


@intake_app.command("discard")
def intake_discard(workspace: Path = typer.Argument(..., help="The workspace folder."),
                   bundle_id: str = typer.Argument(..., help="The bundle id (or a prefix of "
                                                             "at least 8 characters)."),
                   json_out: bool = JSON_OPT) -> None:
    """Drop a bundle's spooled chunks (junk, or a bundle that will never be whole)."""
    from roshan.intake import Spool
    from roshan.store import Workspace

    with Workspace.open(workspace) as ws:
        spool = Spool(ws.root / "intake" / "spool")
        prefix = bundle_id.strip().rstrip("…").lower()
        matches = [s.bundle_id for s in spool.pending() if s.bundle_id.startswith(prefix)]
        if len(prefix) < 8 or not matches:
            raise IntakeError(f"no bundle {bundle_id!r} is waiting in the spool (see "
                              "`roshan intake status`)")
        if len(matches) > 1:
            raise IntakeError(f"{bundle_id!r} names {len(matches)} bundles: "
                              f"{', '.join(matches)}; give more of the id")
        spool.discard(matches[0])
    if json_out:
        print_json({"discarded": matches[0]})
    else:
        console.print(f"discarded the spooled chunks of bundle {matches[0]}", soft_wrap=True)


@intake_app.command("html-form")
def intake_html_form(
    to: str = typer.Option(..., "--to", help="Organisation recipient: age1…, recipient.txt or "
                                             "key directory."),
    out: Path = typer.Option(Path("roshan-form.html"), "--out", "-o", help="HTML file to write."),
) -> None:
    """Write the offline single-file HTML form, with the organisation recipient built in."""
    from roshan.intake import load_recipient, render_form

    recipient = str(load_recipient(Path(to) if Path(to).exists() else to))
    out.write_text(render_form(recipient), "utf-8")
    console.print(f"offline form written to {out}; it encrypts in the browser and needs no network")


@intake_app.command("witness")
def intake_witness(
    workspace: Path = typer.Argument(..., help="The workspace folder."),
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
        print_json(contact)
    else:
        contact.pop("format", None)
        for k, v in contact.items():
            typer.echo(f"{k}: {v}")


@ledger_app.command("head")
def ledger_head(workspace: Path = typer.Argument(..., help="The workspace folder."),
                json_out: bool = JSON_OPT) -> None:
    """Print the current tree size and root hash."""
    from roshan.intake import tree_head
    from roshan.store import Workspace

    with Workspace.open(workspace) as ws:
        head = tree_head(ws)
    if json_out:
        print_json(head.to_dict())
    else:
        console.print(f"tree size {head.tree_size}, root {head.root_hash.hex()}")


@ledger_app.command("checkpoint")
def ledger_checkpoint(
    workspace: Path = typer.Argument(..., help="The workspace folder."),
    keys: Path = KEYS_OPT,
    passphrase_file: Path | None = PASS_OPT,
    out: Path | None = typer.Option(None, "--out", help="Folder for the checkpoint file "
                                                        "(default: WORKSPACE/ledger)."),
    json_out: bool = JSON_OPT,
) -> None:
    """Sign the current tree head; write a publishable checkpoint (hashes only, no names)."""
    from roshan.intake import checkpoint, unlock
    from roshan.store import Workspace

    org = unlock(keys, read_passphrase(passphrase_file))
    with Workspace.open(workspace) as ws:
        cp, path = checkpoint(ws, org, out_dir=out)
    res = {"tree_size": cp.tree_size, "root_hash": cp.root_hash.hex(), "key_id": cp.key_id,
           "file": str(path)}
    if json_out:
        print_json(res)
    else:
        console.print(f"checkpoint signed: size {cp.tree_size}, root {cp.root_hash.hex()[:16]}…, "
                      f"written to {path}")


@ledger_app.command("verify")
def ledger_verify(
    workspace: Path = typer.Argument(..., help="The workspace folder."),
    keys: list[Path] = typer.Option(..., "--keys", "-k",
                                    help="Key directory (or a lone signing.pub) whose signatures are "
                                         "trusted; repeatable."),
    checkpoint_files: list[Path] = typer.Option([], "--checkpoint",
                                                help="A published checkpoint file to check too."),
    no_blobs: bool = typer.Option(False, "--no-blobs", help="Skip re-hashing stored blobs."),
    json_out: bool = JSON_OPT,
) -> None:
    """Prove nothing in the store was altered or removed since the signed checkpoints.

    Exit code 0 if everything matches, 1 if any problem was found.
    """
    from roshan.intake import load_public, parse_checkpoint
    from roshan.intake import verify_ledger as verify
    from roshan.store import Workspace

    known = [load_public(k) for k in keys]
    ids = {k.key_id for k in known}
    extra = []
    for f in checkpoint_files:
        try:
            cp = parse_checkpoint(f.read_text("utf-8"))
        except OSError as exc:
            raise IntakeError(f"cannot read {f}: {exc.strerror}") from exc
        if cp.key_id not in ids:
            raise IntakeError(f"{f.name}: signed by an unknown key ({cp.key_id[:16]}); "
                              "give the signer's key directory with --keys")
        extra.append(cp)
    with Workspace.open(workspace) as ws:
        res = verify(ws, known, checkpoints=extra, check_blobs=not no_blobs)
    if json_out:
        print_json(res.to_dict())
    else:
        if res.ok:
            console.print(f"[green]ledger verified[/]: {plural(res.leaves_checked, 'leaf', 'leaves')}, "
                          f"{plural(res.checkpoints_checked, 'checkpoint')}, "
                          f"{plural(res.blobs_checked, 'stored blob')} re-hashed, "
                          f"root {res.root_hash[:16]}…", soft_wrap=True)
        else:
            console.print(f"[bold red]ledger verification FAILED[/]: "
                          f"{plural(len(res.problems), 'problem')}", soft_wrap=True)
            for p in res.problems[:50]:
                console.print(f"  {escape(p)}", soft_wrap=True)
            if len(res.problems) > 50:
                console.print(f"  … and {len(res.problems) - 50:,} more (--json lists 200)")
    if not res.ok:
        raise typer.Exit(1)


@ledger_app.command("prove")
def ledger_prove(
    workspace: Path = typer.Argument(..., help="The workspace folder."),
    ref: str = typer.Argument(..., help="A report id, or a raw row ref '<import sha[:16]>:<row>'."),
    tree_size: int | None = typer.Option(None, "--tree-size",
                                         help="Prove against this (checkpointed) size."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the proof JSON here."),
) -> None:
    """An RFC 9162 inclusion proof for one leaf (hashes only), to hand to a third party."""
    import json

    from roshan.intake import prove_inclusion
    from roshan.store import Workspace

    with Workspace.open(workspace) as ws:
        proof = prove_inclusion(ws, ref, tree_size)
    if out is not None:
        out.write_text(json.dumps(proof, indent=2) + "\n", "utf-8")
        console.print(f"inclusion proof for leaf {proof['leaf_index']} of {proof['tree_size']} "
                      f"written to {out}")
    else:
        print_json(proof)


@ledger_app.command("check-proof")
def ledger_check_proof(
    proof_file: Path = typer.Argument(..., help="Proof JSON from `roshan ledger prove`."),
    checkpoint_file: Path = typer.Option(..., "--checkpoint", help="The signed checkpoint."),
    keys: list[Path] = typer.Option(..., "--keys", "-k", help="Trusted key directory."),
) -> None:
    """Check an inclusion proof against a signed checkpoint, without the workspace."""
    import json

    from roshan.intake import (
        check_inclusion,
        checkpoint_body,
        load_public,
        parse_checkpoint,
        verify_signature,
    )

    try:
        proof = json.loads(proof_file.read_text("utf-8"))
        cp = parse_checkpoint(checkpoint_file.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise IntakeError(f"cannot read proof or checkpoint: {exc}") from exc
    known = {k.key_id: k for k in (load_public(d) for d in keys)}
    if cp.key_id not in known:
        raise IntakeError(f"{checkpoint_file.name}: signed by an unknown key ({cp.key_id[:16]})")
    if not verify_signature(known[cp.key_id].signing_public,
                            checkpoint_body(cp.origin, cp.tree_size, cp.root_hash), cp.signature):
        raise IntakeError(f"{checkpoint_file.name}: bad signature")
    if not isinstance(proof, dict) or not check_inclusion(proof, cp):
        console.print("[bold red]proof does NOT verify[/] against this checkpoint")
        raise typer.Exit(1)
    console.print(f"[green]verified[/]: leaf {proof['leaf_index']} is in the signed tree of "
                  f"size {cp.tree_size}")


def register(app: typer.Typer) -> None:
    """Add the keys, intake and ledger groups to the root app."""
    app.add_typer(keys_app, name="keys")
    app.add_typer(intake_app, name="intake")
    app.add_typer(ledger_app, name="ledger")
