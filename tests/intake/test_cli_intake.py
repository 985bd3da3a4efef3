"""End to end through the `roshan` command: keys, new report, pack in chunks, import, ledger.

Commands run in-process through ``roshan.cli.main.main`` (the real door: argument
parsing, error handling, exit codes) to keep the test quick; one refusal also runs
as a real subprocess to check the one-line error and exit code 2.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from roshan.cli.main import main

PASS = "SYNTHETIC cli passphrase"


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    def _run(*args: str, env: dict[str, str] | None = None) -> Result:
        monkeypatch.setenv("ROSHAN_KEY_PASSPHRASE", (env or {}).get("ROSHAN_KEY_PASSPHRASE", PASS))
        monkeypatch.setattr(sys, "argv", ["roshan", *args])
        capsys.readouterr()
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return _run


def test_cli_flow(tmp_path: Path, make_jpeg, run) -> None:
    keys = tmp_path / "keys"
    r = run("keys", "init", str(keys), "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["recipient"].startswith("age1") and Path(info["qr_png"]).is_file()

    r = run("intake", "html-form", "--to", str(keys), "--out", str(tmp_path / "form.html"))
    assert r.returncode == 0, r.stderr
    assert info["recipient"] in (tmp_path / "form.html").read_text()

    (tmp_path / "p.jpg").write_bytes(make_jpeg())
    answers = {
        "victim": {"full_name": "SYNTHETIC CLI Person", "city": "SYNTHETIC-Town"},
        "circumstances": "SYNTHETIC",
        "witness_contact": "SYNTHETIC contact",
        "attachments": ["p.jpg"],
        "language": "en",
    }
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    outbox = tmp_path / "outbox"
    r = run(
        "intake",
        "new",
        "--to",
        str(keys),
        "--outbox",
        str(outbox),
        "--from-json",
        str(tmp_path / "answers.json"),
        "--json",
    )
    assert r.returncode == 0, r.stderr
    report_id = json.loads(r.stdout)["report_id"]

    # the field device has an enrolled reporter key and signs its bundles
    r = run("keys", "reporter-init", str(tmp_path / "device"), "--label", "SYNTHETIC A")
    assert r.returncode == 0, r.stderr
    (keys / "reporters").mkdir()
    (keys / "reporters" / "a.pub").write_text((tmp_path / "device" / "reporter.pub").read_text())
    r = run(
        "intake",
        "pack",
        str(outbox),
        "--out",
        str(tmp_path / "send"),
        "--chunk-size",
        "2k",
        "--sign-key",
        str(tmp_path / "device" / "reporter.key"),
        "--json",
    )
    assert r.returncode == 0, r.stderr
    chunks = json.loads(r.stdout)["chunks"]
    assert len(chunks) >= 2

    assert run("init", str(tmp_path / "ws")).returncode == 0
    # tampered chunk: one line, exit 2, nothing imported
    bad = tmp_path / "bad.rchunk"
    data = bytearray(Path(chunks[0]).read_bytes())
    data[-1] ^= 1
    bad.write_bytes(bytes(data))
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "roshan.cli.main",
            "intake",
            "import",
            str(tmp_path / "ws"),
            str(bad),
            "--keys",
            str(keys),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "ROSHAN_KEY_PASSPHRASE": PASS},
    )
    assert r.returncode == 2 and "tampered" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    # wrong passphrase
    r = run(
        "intake",
        "import",
        str(tmp_path / "ws"),
        *chunks,
        "--keys",
        str(keys),
        env={"ROSHAN_KEY_PASSPHRASE": "SYNTHETIC wrong passphrase"},
    )
    assert r.returncode == 2 and "wrong passphrase" in r.stderr

    r = run("intake", "check", *chunks)
    assert r.returncode == 0 and "ok" in r.stderr
    r = run(
        "intake",
        "import",
        str(tmp_path / "ws"),
        *reversed(chunks),
        "--keys",
        str(keys),
        "--require-signed",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["reports_new"] == 1 and summary["attachments"] == 1

    r = run("ledger", "checkpoint", str(tmp_path / "ws"), "--keys", str(keys), "--json")
    assert r.returncode == 0, r.stderr
    cp = json.loads(r.stdout)
    published = Path(cp["file"]).read_text()
    assert "SYNTHETIC" not in published and report_id not in published
    r = run(
        "ledger",
        "verify",
        str(tmp_path / "ws"),
        "--keys",
        str(keys),
        "--checkpoint",
        cp["file"],
        "--json",
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["ok"] is True

    # an inclusion proof for the report, checked against the published checkpoint alone
    proof = tmp_path / "proof.json"
    r = run(
        "ledger",
        "prove",
        str(tmp_path / "ws"),
        report_id,
        "--tree-size",
        str(cp["tree_size"]),
        "--out",
        str(proof),
    )
    assert r.returncode == 0, r.stderr
    r = run("ledger", "check-proof", str(proof), "--checkpoint", cp["file"], "--keys", str(keys))
    assert r.returncode == 0 and "verified" in r.stderr, r.stderr
    # the witness contact only through the audited command
    r = run("intake", "witness", str(tmp_path / "ws"), report_id, "--keys", str(keys), "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["contact"] == "SYNTHETIC contact"

    # a checkpoint signed by some other organisation is refused
    other = tmp_path / "other"
    assert run("keys", "init", str(other)).returncode == 0
    forged = tmp_path / "forged.txt"
    cp_lines = published.splitlines()
    other_id = json.loads(run("keys", "show", str(other), "--json").stdout)["key_id"]
    forged.write_text(
        "\n".join(cp_lines[:-1] + [f"— {other_id} {cp_lines[-1].split()[-1]}"]) + "\n"
    )
    r = run(
        "ledger", "verify", str(tmp_path / "ws"), "--keys", str(keys), "--checkpoint", str(forged)
    )
    assert r.returncode == 2 and "unknown key" in r.stderr
