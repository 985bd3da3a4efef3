"""The offline single-file HTML form: a witness fills it in a browser with no network.

Why a single file: it can travel on a USB stick or by messenger and be opened
from disk (``file://``) on any phone or laptop; it loads nothing from anywhere
(its Content-Security-Policy forbids every network request). It encrypts in the
browser with ``roshan-age.js`` — a small age v1 implementation (X25519,
ChaCha20-Poly1305, HKDF-SHA-256) written from the specifications — strips
JPEG/PNG metadata the same way ``roshan.intake.media`` does, and offers the
result as a roshan bundle (``<bundle id>.rbundle``) for ``roshan intake import``.
"""

from __future__ import annotations

import re
from importlib import resources

from roshan.errors import IntakeError
from roshan.intake.agefmt import decode_recipient

_RECIPIENT = re.compile(r"age1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}")


def age_js() -> str:
    """The bundled age encryption library (JavaScript source)."""
    return resources.files(__package__).joinpath("roshan-age.js").read_text("utf-8")


def render_form(recipient: str) -> str:
    """The form's HTML with the JavaScript inlined and ``recipient`` built in."""
    recipient = recipient.strip()
    if not _RECIPIENT.fullmatch(recipient):
        raise IntakeError("not an age X25519 recipient (expected 'age1...')")
    decode_recipient(recipient)  # checksum
    html = resources.files(__package__).joinpath("form.html").read_text("utf-8")
    return html.replace("/*__ROSHAN_AGE_JS__*/", age_js()).replace(
        "__ROSHAN_RECIPIENT__", recipient
    )
