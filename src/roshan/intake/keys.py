"""Organisation keys: an age (X25519) recipient for reports and an Ed25519 signing key.

Why two keys: field devices only ever hold the *public* age recipient, so a seized
phone or laptop can encrypt new reports but never read old ones; the Ed25519 key
signs ledger tree heads so anyone can check a published root came from the
organisation. Both private keys are stored encrypted under a passphrase with
age's scrypt recipient (the same format ``age -p`` writes), so the key directory
can be backed up or carried without exposing them.

Files in a key directory::

    recipient.txt         age1...           public; give it to field workers
    recipient.png/.svg    QR code of recipient.txt
    signing.pub           roshan-ed25519 <base64 32 bytes>   public; publish it
    private.age           both private keys (the AGE-SECRET-KEY-1... line and the
                          Ed25519 seed in base64), age-encrypted under the passphrase
                          (one scrypt, so unlocking costs about a second, not two)
    keyinfo.json          created_at, recipient, signing key id
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyrage import passphrase as age_passphrase
from pyrage import x25519

from roshan.errors import IntakeError
from roshan.intake.agefmt import encrypt_passphrase

RECIPIENT_FILE = "recipient.txt"
SIGNING_PUB_FILE = "signing.pub"
PRIVATE_FILE = "private.age"
KEYINFO_FILE = "keyinfo.json"
QR_PNG = "recipient.png"
QR_SVG = "recipient.svg"
SIGNING_PUB_PREFIX = "roshan-ed25519 "
MIN_PASSPHRASE = 10


@dataclass(frozen=True)
class PublicKeys:
    """What an organisation publishes: its age recipient and its signing public key."""

    recipient: str
    signing_public: bytes
    key_id: str


@dataclass(frozen=True)
class OrgKeys:
    """Unlocked private keys (keep in memory only as long as needed)."""

    identity: x25519.Identity
    signing_key: Ed25519PrivateKey
    public: PublicKeys


def key_id(signing_public: bytes) -> str:
    """Short fingerprint of a signing public key: first 16 bytes of SHA-256, hex."""
    return hashlib.sha256(signing_public).hexdigest()[:32]


def encode_signing_public(raw: bytes) -> str:
    """Text form of an Ed25519 public key: ``roshan-ed25519 <base64>``."""
    return SIGNING_PUB_PREFIX + base64.b64encode(raw).decode("ascii")


def decode_signing_public(text: str) -> bytes:
    """Parse ``roshan-ed25519 <base64>``; raise IntakeError if malformed."""
    text = text.strip()
    if not text.startswith(SIGNING_PUB_PREFIX):
        raise IntakeError("not a roshan signing public key (expected 'roshan-ed25519 ...')")
    try:
        raw = base64.b64decode(text[len(SIGNING_PUB_PREFIX) :], validate=True)
    except ValueError as exc:
        raise IntakeError("signing public key is not valid base64") from exc
    if len(raw) != 32:
        raise IntakeError("signing public key must be 32 bytes")
    return raw


def parse_recipient(text: str) -> x25519.Recipient:
    """Parse an ``age1...`` recipient string; raise IntakeError if invalid."""
    text = text.strip()
    try:
        return x25519.Recipient.from_str(text)
    except Exception as exc:  # pyrage raises RecipientError / ValueError
        raise IntakeError("not a valid age X25519 recipient (expected 'age1...')") from exc


def load_recipient(source: str | Path) -> x25519.Recipient:
    """A recipient from an ``age1...`` string, a recipient.txt file or a key directory."""
    p = Path(source)
    if isinstance(source, Path) or p.exists():
        if p.is_dir():
            p = p / RECIPIENT_FILE
        try:
            text = p.read_text("utf-8")
        except OSError as exc:
            raise IntakeError(f"cannot read recipient file {p}: {exc.strerror}") from exc
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
        if not lines:
            raise IntakeError(f"{p}: no recipient in file")
        return parse_recipient(lines[0])
    return parse_recipient(str(source))


def write_qr(recipient: str, png_path: Path, svg_path: Path | None = None) -> None:
    """Write the recipient as a QR code (PNG, and SVG if asked) for phones to scan."""
    import segno

    qr = segno.make(recipient, error="m")
    qr.save(str(png_path), scale=8, border=4)
    if svg_path is not None:
        qr.save(str(svg_path), scale=8, border=4)


def _check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise IntakeError(f"passphrase too short: use at least {MIN_PASSPHRASE} characters")


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def init_keys(directory: Path, passphrase: str, *, force: bool = False) -> PublicKeys:
    """Create a new organisation key pair set in ``directory`` (see module doc).

    Refuses to overwrite existing keys unless ``force`` (losing the private key
    means losing every report encrypted to it). Everything is written to a
    temporary directory first and moved into place, so a failure leaves nothing.
    """
    _check_passphrase(passphrase)
    directory = Path(directory)
    if (directory / PRIVATE_FILE).exists() and not force:
        raise IntakeError(f"{directory} already holds organisation keys (use --force to replace)")
    directory.mkdir(parents=True, exist_ok=True)
    identity = x25519.Identity.generate()
    recipient = str(identity.to_public())
    signing = Ed25519PrivateKey.generate()
    pub_raw = signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    seed = signing.private_bytes_raw()
    kid = key_id(pub_raw)
    tmp = directory / f".keys-tmp-{os.getpid()}"
    tmp.mkdir(mode=0o700)
    try:
        secret = (
            f"# roshan organisation private keys\n{identity}\n"
            f"ed25519-seed {base64.b64encode(seed).decode()}\n"
        ).encode()
        _write_private(tmp / PRIVATE_FILE, encrypt_passphrase(secret, passphrase))
        (tmp / RECIPIENT_FILE).write_text(
            "# roshan organisation age recipient: give this to field workers\n" + recipient + "\n",
            "utf-8",
        )
        (tmp / SIGNING_PUB_FILE).write_text(encode_signing_public(pub_raw) + "\n", "utf-8")
        write_qr(recipient, tmp / QR_PNG, tmp / QR_SVG)
        info = {
            "created_at": datetime.now(UTC).isoformat(),
            "recipient": recipient,
            "signing_public": encode_signing_public(pub_raw),
            "key_id": kid,
        }
        (tmp / KEYINFO_FILE).write_text(json.dumps(info, indent=2) + "\n", "utf-8")
        for name in (PRIVATE_FILE, RECIPIENT_FILE, SIGNING_PUB_FILE, QR_PNG, QR_SVG, KEYINFO_FILE):
            os.replace(tmp / name, directory / name)
    finally:
        for leftover in tmp.iterdir():
            leftover.unlink()
        tmp.rmdir()
    return PublicKeys(recipient=recipient, signing_public=pub_raw, key_id=kid)


def load_public(directory: Path) -> PublicKeys:
    """Read the public half of a key directory (no passphrase needed).

    ``directory`` may also be a lone ``signing.pub`` file (what an outside auditor
    holds); the recipient is then empty.
    """
    directory = Path(directory)
    pub_file = directory if directory.is_file() else directory / SIGNING_PUB_FILE
    try:
        pub_raw = decode_signing_public(pub_file.read_text("utf-8"))
    except OSError as exc:
        raise IntakeError(f"{directory} is not a roshan key directory ({exc.strerror})") from exc
    recipient = ""
    if directory.is_dir() and (directory / RECIPIENT_FILE).exists():
        recipient = str(load_recipient(directory / RECIPIENT_FILE))
    return PublicKeys(recipient=recipient, signing_public=pub_raw, key_id=key_id(pub_raw))


def unlock(directory: Path, passphrase: str) -> OrgKeys:
    """Decrypt the private keys with the passphrase; IntakeError on a wrong passphrase."""
    directory = Path(directory)
    public = load_public(directory)
    try:
        ct = (directory / PRIVATE_FILE).read_bytes()
    except OSError as exc:
        raise IntakeError(f"{directory}: private keys missing ({exc.strerror})") from exc
    try:
        lines = age_passphrase.decrypt(ct, passphrase).decode().splitlines()
    except Exception as exc:
        raise IntakeError(
            "cannot unlock organisation keys: wrong passphrase or damaged key file"
        ) from exc
    try:
        id_text = next(ln for ln in lines if ln.startswith("AGE-SECRET-KEY-"))
        seed_b64 = next(ln for ln in lines if ln.startswith("ed25519-seed "))
        identity = x25519.Identity.from_str(id_text.strip())
        signing = Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed_b64.split()[1]))
    except (StopIteration, ValueError, IndexError) as exc:
        raise IntakeError(f"{directory}: damaged private key file") from exc
    if str(identity.to_public()) != public.recipient:
        raise IntakeError("key directory is inconsistent: identity does not match recipient.txt")
    if signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw) != public.signing_public:
        raise IntakeError("key directory is inconsistent: signing key does not match signing.pub")
    return OrgKeys(identity=identity, signing_key=signing, public=public)


def load_identity_file(path: Path) -> x25519.Identity:
    """An unencrypted age identity file (``age-keygen`` output), for interop and tests."""
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise IntakeError(f"cannot read identity file {path}: {exc.strerror}") from exc
    for line in text.splitlines():
        if line.startswith("AGE-SECRET-KEY-"):
            try:
                return x25519.Identity.from_str(line.strip())
            except Exception as exc:
                raise IntakeError(f"{path}: malformed age identity") from exc
    raise IntakeError(f"{path}: no AGE-SECRET-KEY line")


def sign(keys: OrgKeys, message: bytes) -> bytes:
    """Ed25519 signature of ``message`` with the organisation key."""
    return keys.signing_key.sign(message)


def verify_signature(public_raw: bytes, message: bytes, signature: bytes) -> bool:
    """True iff ``signature`` is a valid Ed25519 signature of ``message`` by ``public_raw``."""
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


# --- Field reporter keys (optional bundle signatures) -------------------------------
REPORTER_KEY_FILE = "reporter.key"
REPORTER_PUB_FILE = "reporter.pub"
REPORTERS_DIR = "reporters"
_REPORTER_PREFIX = "roshan-reporter-ed25519 "


def init_reporter(directory: Path, label: str = "") -> PublicKeys:
    """Create a field reporter's Ed25519 key pair in ``directory``.

    Why: bundles signed by an *enrolled* reporter can be told apart from bundles
    anyone with the public recipient could fabricate. The private key stays on
    the field device **unencrypted** (the device has no passphrase by design);
    whoever seizes it can sign as that reporter until the organisation removes
    ``reporter.pub`` from its registry — and holding it links the device to the
    organisation. ``recipient`` is empty in the returned PublicKeys.
    """
    directory = Path(directory)
    if (directory / REPORTER_KEY_FILE).exists():
        raise IntakeError(f"{directory} already holds a reporter key")
    directory.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pub = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    _write_private(
        directory / REPORTER_KEY_FILE,
        (_REPORTER_PREFIX + base64.b64encode(key.private_bytes_raw()).decode() + "\n").encode(),
    )
    label = label.replace("\n", " ").strip()[:100]
    (directory / REPORTER_PUB_FILE).write_text(
        encode_signing_public(pub) + "\n" + (f"# {label}\n" if label else ""), "utf-8"
    )
    return PublicKeys(recipient="", signing_public=pub, key_id=key_id(pub))


def load_reporter_key(path: Path) -> Ed25519PrivateKey:
    """A reporter's private key from ``reporter.key`` (or the folder holding it)."""
    path = Path(path)
    if path.is_dir():
        path = path / REPORTER_KEY_FILE
    try:
        text = path.read_text("utf-8").strip()
    except OSError as exc:
        raise IntakeError(f"cannot read reporter key {path.name}: {exc.strerror}") from exc
    if not text.startswith(_REPORTER_PREFIX):
        raise IntakeError(f"{path.name}: not a roshan reporter key")
    try:
        return Ed25519PrivateKey.from_private_bytes(
            base64.b64decode(text[len(_REPORTER_PREFIX) :].split()[0], validate=True)
        )
    except (ValueError, IndexError) as exc:
        raise IntakeError(f"{path.name}: damaged reporter key") from exc


def load_reporters(directory: Path) -> dict[str, bytes]:
    """The trusted reporter registry: every ``*.pub`` in ``directory``, by key id."""
    directory = Path(directory)
    if not directory.is_dir():
        raise IntakeError(f"{directory}: no such reporter registry folder")
    out: dict[str, bytes] = {}
    for p in sorted(directory.glob("*.pub")):
        first = next((ln for ln in p.read_text("utf-8").splitlines() if ln.strip()), "")
        raw = decode_signing_public(first)
        out[key_id(raw)] = raw
    return out
