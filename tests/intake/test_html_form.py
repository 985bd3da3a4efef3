"""The offline HTML form's in-browser age encryption, run under Node (same JavaScript).

The JavaScript is checked against the platform's own primitives and then end to
end: what it encrypts, `age`/pyrage decrypt, and the bundles it builds import.
A real-browser run of the page is in test_html_form_browser.py (needs chromium).
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pyrage
import pytest
from PIL import Image

from roshan.errors import IntakeError
from roshan.intake import bundle as B
from roshan.intake import importer as I
from roshan.intake.html_form import age_js, render_form
from roshan.intake.keys import OrgKeys

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node not installed; JS form code untested")


def run_js(tmp_path: Path, body: str, payload: dict) -> dict:
    lib = tmp_path / "roshan-age.js"
    lib.write_text(age_js())
    script = tmp_path / "drive.js"
    script.write_text(
        f"const A = require({json.dumps(str(lib))});\n"
        "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        "const b64 = (u) => Buffer.from(u).toString('base64');\n"
        "const unb64 = (s) => new Uint8Array(Buffer.from(s, 'base64'));\n"
        f"const out = (() => {{ {body} }})();\n"
        "process.stdout.write(JSON.stringify(out));\n"
    )
    r = subprocess.run(
        [NODE, str(script)], input=json.dumps(payload), capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_primitives_match_node_crypto(tmp_path: Path) -> None:
    out = run_js(
        tmp_path,
        """
      const c = require('crypto'); const bad = [];
      for (const n of [0, 1, 55, 56, 64, 65, 1000, 70000]) {
        const d = c.randomBytes(n);
        if (A.hex(A.sha256(new Uint8Array(d))) !== c.createHash('sha256').update(d).digest('hex')) bad.push('sha' + n);
        const key = c.randomBytes(32), nonce = c.randomBytes(12);
        const ci = c.createCipheriv('chacha20-poly1305', key, nonce, {authTagLength: 16});
        const ct = Buffer.concat([ci.update(d), ci.final(), ci.getAuthTag()]);
        if (Buffer.from(A.aeadSeal(new Uint8Array(key), new Uint8Array(nonce), new Uint8Array(d))).toString('hex') !== ct.toString('hex')) bad.push('aead' + n);
      }
      // RFC 7748 §5.2 test vector
      const r = A.hex(A.x25519(new Uint8Array(Buffer.from('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4', 'hex')),
                               new Uint8Array(Buffer.from('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c', 'hex'))));
      return {bad, r};""",
        {},
    )
    assert out["bad"] == []
    assert out["r"] == "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"


def test_js_age_decrypts_with_pyrage_and_age(tmp_path: Path, org: OrgKeys) -> None:
    sizes = [0, 1, 65535, 65536, 65537, 200000]
    out = run_js(
        tmp_path,
        """
      return input.sizes.map((n) => {
        const pt = new Uint8Array(n); for (let i = 0; i < n; i++) pt[i] = (i * 7) & 255;
        return b64(A.encrypt(pt, input.recipient)); });""",
        {"recipient": org.public.recipient, "sizes": sizes},
    )
    ident = tmp_path / "id.txt"
    ident.write_text(str(org.identity) + "\n")
    for n, ct_b64 in zip(sizes, out, strict=True):
        ct = base64.b64decode(ct_b64)
        expected = bytes((i * 7) & 255 for i in range(n))
        assert pyrage.decrypt(ct, [org.identity]) == expected
        if shutil.which("age") and n in (1, 65537):
            f = tmp_path / f"{n}.age"
            f.write_bytes(ct)
            got = subprocess.run(
                ["age", "-d", "-i", str(ident), str(f)], capture_output=True, check=True
            ).stdout
            assert got == expected


def test_js_report_bundle_imports(tmp_path: Path, org: OrgKeys, workspace, make_jpeg) -> None:
    photo = make_jpeg()
    out = run_js(
        tmp_path,
        """
      const rep = A.buildReport(input.recipient, {
        victim: {full_name: 'SYNTHETIC مهسا نمونه', city: 'SYNTHETIC', age: ''},
        circumstances: 'SYNTHETIC', witnessContact: 'SYNTHETIC contact', language: 'fa',
        attachments: [{name: '../../IMG 1.jpg', data: unb64(input.photo)}]});
      const b = A.buildBundle(rep.blobs);
      return {reportId: rep.reportId, bundleId: b.bundleId, bundle: b64(b.data), warnings: rep.warnings};""",
        {"recipient": org.public.recipient, "photo": base64.b64encode(photo).decode()},
    )
    data = base64.b64decode(out["bundle"])
    assert hashlib.sha256(data).hexdigest() == out["bundleId"]
    assert b"SYNTHETIC" not in data and b"Exif" not in data
    p = tmp_path / f"{out['bundleId']}.rbundle"
    p.write_bytes(data)
    b = B.open_bundle(p)
    assert sorted(e.kind for e in b.entries) == ["attachments", "reports", "witness"]
    sm = I.import_bundles(workspace, [p], [org.identity])
    assert sm.reports_new == 1 and sm.attachments == 1
    from sqlalchemy import select

    from roshan.store.models import IntakeReport, Record

    with workspace.engine.connect() as c:
        assert c.execute(select(Record.record_id)).scalar() == out["reportId"]
        assert c.execute(select(Record.full_name)).scalar() == "SYNTHETIC مهسا نمونه"
        atts = c.execute(select(IntakeReport.attachments)).scalar()
    # the original file name stays inside the encrypted report (issue 16 item 12)
    assert atts[0]["metadata_stripped"] is True
    assert atts[0]["name"].startswith("attachment-") and "IMG" not in atts[0]["name"]
    # the stored attachment is stripped losslessly
    blob = workspace.root / "intake" / "blobs" / "attachments" / f"{atts[0]['blob']}.age"
    stored = pyrage.decrypt(blob.read_bytes(), [org.identity])
    assert b"SYNTHETIC-CAMERA" not in stored
    import io

    with Image.open(io.BytesIO(stored)) as a, Image.open(io.BytesIO(photo)) as o:
        assert a.tobytes() == o.tobytes()


def test_js_refuses_bomb_and_bad_recipient(tmp_path: Path, org: OrgKeys, png_bomb) -> None:
    out = run_js(
        tmp_path,
        """
      const errs = [];
      try { A.buildReport(input.recipient, {victim: {city: 'x'}, attachments: [{name: 'b.png', data: unb64(input.bomb)}]}); }
      catch (e) { errs.push(e.message); }
      const last = input.recipient.slice(-1), swap = last === 'q' ? 'p' : 'q';
      try { A.encrypt(new Uint8Array(1), input.recipient.slice(0, -1) + swap); } catch (e) { errs.push(e.message); }
      return errs;""",
        {
            "recipient": org.public.recipient,
            "bomb": base64.b64encode(png_bomb(60000, 60000)).decode(),
        },
    )
    assert "decompression bomb" in out[0]
    assert "checksum" in out[1]


def test_rendered_form_is_self_contained(org: OrgKeys) -> None:
    html = render_form(org.public.recipient)
    assert org.public.recipient in html and "RoshanAge" in html
    assert "connect-src 'none'" in html
    for bad in ("<script src", "<link", "@import", "fetch(", "XMLHttpRequest", "WebSocket"):
        assert bad not in html
    with pytest.raises(IntakeError):
        render_form('age1"><script>alert(1)</script>')


def test_js_mp4_strip_matches_python(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "mp4fixture", Path(__file__).with_name("test_media_mp4.py")
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    from roshan.intake.media import strip_mp4

    data = mod.synthetic_mp4(4000)
    heic = mod.box(b"ftyp", b"heic\x00\x00\x00\x00mif1") + mod.box(b"meta", b"\x00" * 12)
    out = run_js(
        tmp_path,
        """
      const c = A.cleanAttachment(unb64(input.mp4), false);
      const h = A.cleanAttachment(unb64(input.heic), false);
      return {data: b64(c.data), stripped: c.metadataStripped, removed: c.removed,
              heic: b64(h.data), heicType: h.mediaType, heicStripped: h.metadataStripped};""",
        {"mp4": base64.b64encode(data).decode(), "heic": base64.b64encode(heic).decode()},
    )
    assert out["stripped"] and sorted(out["removed"]) == ["meta", "udta"]
    assert base64.b64decode(out["data"]) == strip_mp4(data)[0]
    assert base64.b64decode(out["heic"]) == heic and out["heicType"] == "image/heic"
    assert out["heicStripped"] is False
