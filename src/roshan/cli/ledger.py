"""CLI group ``roshan ledger``: the tamper-evident ledger (tree head, signed checkpoints,
verification, inclusion proofs and checking them).
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from roshan.cli.common import JSON_OPT, PASS_OPT, WORKSPACE_ARG, console, plural, print_json
from roshan.cli.keys import KEYS_OPT, read_passphrase
from roshan.errors import IntakeError

ledger_app = typer.Typer(
    help="Tamper-evident ledger: tree head, signed checkpoints, verify.", no_args_is_help=True
)


@ledger_app.command("head")
def ledger_head(workspace: Path = WORKSPACE_ARG, json_out: bool = JSON_OPT) -> None:
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
    workspace: Path = WORKSPACE_ARG,
    keys: Path = KEYS_OPT,
    passphrase_file: Path | None = PASS_OPT,
    out: Path | None = typer.Option(
        None, "--out", help="Folder for the checkpoint file (default: WORKSPACE/ledger)."
    ),
    json_out: bool = JSON_OPT,
) -> None:
    """Sign the current tree head; write a publishable checkpoint (hashes only, no names)."""
    from roshan.cli.documents import CheckpointSigned
    from roshan.intake import checkpoint, unlock
    from roshan.store import Workspace

    org = unlock(keys, read_passphrase(passphrase_file))
    with Workspace.open(workspace) as ws:
        cp, path = checkpoint(ws, org, out_dir=out)
    res = CheckpointSigned(
        tree_size=cp.tree_size, root_hash=cp.root_hash.hex(), key_id=cp.key_id, file=str(path)
    )
    if json_out:
        print_json(res.to_dict())
    else:
        console.print(
            f"checkpoint signed: size {cp.tree_size}, root {cp.root_hash.hex()[:16]}…, "
            f"written to {path}"
        )


@ledger_app.command("verify")
def ledger_verify(
    workspace: Path = WORKSPACE_ARG,
    keys: list[Path] = typer.Option(
        ...,
        "--keys",
        "-k",
        help="Key directory (or a lone signing.pub) whose signatures are trusted; repeatable.",
    ),
    checkpoint_files: list[Path] = typer.Option(
        [], "--checkpoint", help="A published checkpoint file to check too."
    ),
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
            raise IntakeError(
                f"{f.name}: signed by an unknown key ({cp.key_id[:16]}); "
                "give the signer's key directory with --keys"
            )
        extra.append(cp)
    with Workspace.open(workspace) as ws:
        res = verify(ws, known, checkpoints=extra, check_blobs=not no_blobs)
    if json_out:
        print_json(res.to_dict())
    else:
        if res.ok:
            console.print(
                f"[green]ledger verified[/]: {plural(res.leaves_checked, 'leaf', 'leaves')}, "
                f"{plural(res.checkpoints_checked, 'checkpoint')}, "
                f"{plural(res.blobs_checked, 'stored blob')} re-hashed, "
                f"root {res.root_hash[:16]}…",
                soft_wrap=True,
            )
        else:
            console.print(
                f"[bold red]ledger verification FAILED[/]: {plural(len(res.problems), 'problem')}",
                soft_wrap=True,
            )
            for p in res.problems[:50]:
                console.print(f"  {escape(p)}", soft_wrap=True)
            if len(res.problems) > 50:
                console.print(f"  … and {len(res.problems) - 50:,} more (--json lists 200)")
    if not res.ok:
        raise typer.Exit(1)


@ledger_app.command("prove")
def ledger_prove(
    workspace: Path = WORKSPACE_ARG,
    ref: str = typer.Argument(..., help="A report id, or a raw row ref '<import sha[:16]>:<row>'."),
    tree_size: int | None = typer.Option(
        None, "--tree-size", help="Prove against this (checkpointed) size."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the proof JSON here."),
) -> None:
    """An RFC 9162 inclusion proof for one leaf (hashes only), to hand to a third party."""
    import json

    from roshan.cli.documents import InclusionProof
    from roshan.intake import prove_inclusion
    from roshan.store import Workspace

    with Workspace.open(workspace) as ws:
        proof = InclusionProof(**prove_inclusion(ws, ref, tree_size))
    if out is not None:
        out.write_text(json.dumps(proof.to_dict(), indent=2) + "\n", "utf-8")
        console.print(
            f"inclusion proof for leaf {proof.leaf_index} of {proof.tree_size} written to {out}"
        )
    else:
        print_json(proof.to_dict())


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
    if not verify_signature(
        known[cp.key_id].signing_public,
        checkpoint_body(cp.origin, cp.tree_size, cp.root_hash),
        cp.signature,
    ):
        raise IntakeError(f"{checkpoint_file.name}: bad signature")
    if not isinstance(proof, dict) or not check_inclusion(proof, cp):
        console.print("[bold red]proof does NOT verify[/] against this checkpoint")
        raise typer.Exit(1)
    console.print(
        f"[green]verified[/]: leaf {proof['leaf_index']} is in the signed tree of "
        f"size {cp.tree_size}"
    )


def register(app: typer.Typer) -> None:
    """Add the ledger group to the root app."""
    app.add_typer(ledger_app, name="ledger")
