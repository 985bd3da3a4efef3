"""CLI group ``roshan keys``: the organisation's keys and field reporters' keys.

Passphrases are read from ``--passphrase-file``, else ``$ROSHAN_KEY_PASSPHRASE``,
else asked for on the terminal (never echoed, never logged); ``roshan intake``,
``roshan ledger`` and ``roshan restore`` read them the same way (``read_passphrase``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from roshan.cli.common import JSON_OPT, PASS_OPT, console, print_json
from roshan.errors import IntakeError, RoshanError

keys_app = typer.Typer(help="Organisation keys: create, show.", no_args_is_help=True)

PASS_ENV = "ROSHAN_KEY_PASSPHRASE"


def read_passphrase(
    passphrase_file: Path | None,
    *,
    confirm: bool = False,
    error: type[RoshanError] = IntakeError,
    ask_off_terminal: bool = False,
) -> str:
    """The key passphrase: from ``passphrase_file``, else ``$ROSHAN_KEY_PASSPHRASE``, else
    asked (``confirm``: twice). ``error`` is the refusal raised; without a terminal the
    passphrase is refused unless ``ask_off_terminal`` (then the prompt reads stdin, as
    ``roshan federate`` always has)."""
    if passphrase_file is not None:
        try:
            return passphrase_file.read_text("utf-8").rstrip("\r\n")
        except OSError as exc:
            raise error(f"cannot read passphrase file: {exc.strerror}") from exc
    env = os.environ.get(PASS_ENV)
    if env:
        return env
    if not ask_off_terminal and not sys.stdin.isatty():
        raise error(f"no passphrase: give --passphrase-file or set {PASS_ENV}")
    return typer.prompt("Key passphrase", hide_input=True, confirmation_prompt=confirm)


KEYS_OPT = typer.Option(..., "--keys", "-k", help="The organisation key directory.")


@keys_app.command("init")
def keys_init(
    directory: Path = typer.Argument(..., help="Folder to create the keys in."),
    force: bool = typer.Option(
        False, "--force", help="Replace existing keys (old reports become unreadable!)."
    ),
    passphrase_file: Path | None = PASS_OPT,
    json_out: bool = JSON_OPT,
) -> None:
    """Create the organisation's age recipient key and Ed25519 signing key."""
    from roshan.cli.documents import KeysCreated
    from roshan.intake import QR_PNG, QR_SVG, RECIPIENT_FILE, SIGNING_PUB_FILE, init_keys

    pub = init_keys(directory, read_passphrase(passphrase_file, confirm=True), force=force)
    out = KeysCreated(
        directory=str(directory),
        recipient=pub.recipient,
        key_id=pub.key_id,
        recipient_file=str(directory / RECIPIENT_FILE),
        qr_png=str(directory / QR_PNG),
        qr_svg=str(directory / QR_SVG),
        signing_public_file=str(directory / SIGNING_PUB_FILE),
    )
    if json_out:
        print_json(out.to_dict())
        return
    console.print(f"organisation keys created in {directory}")
    console.print(f"  recipient (give to field workers): {pub.recipient}")
    console.print(f"  QR code: {out.qr_png}  signing key id: {pub.key_id}")
    console.print(
        "  private keys are encrypted under your passphrase; back up the folder "
        "and the passphrase separately"
    )


@keys_app.command("reporter-init")
def keys_reporter_init(
    directory: Path = typer.Argument(
        ..., help="Folder for the reporter key (on the field device)."
    ),
    label: str = typer.Option(
        "", "--label", help="A label for the organisation's registry (not a real name)."
    ),
    json_out: bool = JSON_OPT,
) -> None:
    """Create a field reporter's signing key; enrol reporter.pub in KEYS/reporters/."""
    from roshan.cli.documents import ReporterKeyCreated
    from roshan.intake import REPORTER_PUB_FILE, init_reporter

    pub = init_reporter(directory, label)
    out = ReporterKeyCreated(key_id=pub.key_id, public_file=str(directory / REPORTER_PUB_FILE))
    if json_out:
        print_json(out.to_dict())
        return
    console.print(
        f"reporter key {pub.key_id[:16]}… created in {directory}; copy "
        f"{REPORTER_PUB_FILE} into the organisation's keys/reporters/ folder to enrol it"
    )
    console.print(
        "  the private key is not encrypted: whoever holds this device can sign as "
        "this reporter until the key is removed from the registry"
    )


@keys_app.command("show")
def keys_show(
    directory: Path = typer.Argument(..., help="Key directory."), json_out: bool = JSON_OPT
) -> None:
    """Show the public keys (no passphrase needed)."""
    from roshan.cli.documents import PublicKeysShown
    from roshan.intake import encode_signing_public, load_public

    pub = load_public(directory)
    out = PublicKeysShown(
        recipient=pub.recipient,
        signing_public=encode_signing_public(pub.signing_public),
        key_id=pub.key_id,
    ).to_dict()
    if json_out:
        print_json(out)
    else:
        for k, v in out.items():
            console.print(f"{k}: {v}")


def register(app: typer.Typer) -> None:
    """Add the keys group to the root app."""
    app.add_typer(keys_app, name="keys")
