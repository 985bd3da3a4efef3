"""Every ``--json`` document is a dataclass's ``to_dict()`` with its keys documented (issue 19
item 5): the keys are the fields of a dataclass in ``roshan.cli.documents`` (or of a stage's
result), each field is listed under ``Keys:`` in the dataclass's docstring, docs/cli.md
shows them (generated; test_cli_reference.py checks it is current), and real commands run
through the installed script print exactly those keys. A key added without documentation,
or a ``--json`` command with no document, fails here. Data: SYNTHETIC only."""

from __future__ import annotations

import inspect
import json
from dataclasses import fields
from pathlib import Path

import pytest
from cli_helpers import run_roshan

from roshan.cli import documents as D

ROOT = Path(__file__).resolve().parents[2]
PASS_ENV = {"ROSHAN_KEY_PASSPHRASE": "SYNTHETIC json-documents passphrase"}


def _classes() -> list[type[D.Document]]:
    return [
        c
        for _, c in inspect.getmembers(D, inspect.isclass)
        if issubclass(c, D.Document) and c is not D.Document and c.__module__ == D.__name__
    ]


def _field_names(doc: type[D.Document]) -> list[str]:
    return [f.name for f in fields(doc)]


def _required(doc: type[D.Document]) -> list[str]:
    return [f.name for f in fields(doc) if not f.metadata.get("omit_none")]


@pytest.mark.parametrize("doc", _classes(), ids=lambda c: c.__name__)
def test_every_key_is_documented_in_order(doc: type[D.Document]) -> None:
    assert list(D.documented_keys(doc)) == _field_names(doc), (
        f"{doc.__name__}: list every field under 'Keys:' in its docstring, in field order"
    )
    assert all(D.documented_keys(doc).values()), f"{doc.__name__}: a key without a meaning"


def test_every_document_is_listed_and_in_docs_cli_md() -> None:
    assert set(_classes()) == set(D.DOCUMENTS)
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = text[text.index("## JSON documents") :]
    for doc in D.DOCUMENTS:
        part = section[section.index(f"### `{doc.__name__}`") :]
        part = part[: part.find("\n### ", 1)]
        for key in _field_names(doc):
            assert f"| `{key}` |" in part, (doc.__name__, key)


def test_a_key_added_without_documentation_fails() -> None:
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Sneaky(D.Document):
        """Keys:
        a: documented.
        """

        a: int
        b: int

    assert list(D.documented_keys(Sneaky)) != _field_names(Sneaky)


def test_to_dict_gives_the_fields_and_leaves_out_unset_optional_ones() -> None:
    status = dict(
        workspace="w",
        workspace_id="i",
        backend="sqlite",
        schema="r",
        sources=0,
        imports=0,
        raw_rows=0,
        records=0,
        rejected=0,
        victims=0,
        link_runs=0,
        link_runs_running=0,
        by_source=[],
    )
    assert list(D.WorkspaceStatus(**status).to_dict()) == _required(D.WorkspaceStatus)
    full = D.WorkspaceStatus(
        **status, consistent=True, problems=[], link_runs_marked_failed=[3]
    ).to_dict()
    assert list(full) == _field_names(D.WorkspaceStatus)
    packed = D.BundlePacked(bundle_id="b", bundle=None, entries=1, size=2, chunks=["c"])
    assert packed.to_dict()["bundle"] is None  # null, not left out
    nested = D.SpoolStatus(pending=[D.PendingBundle("b", 3, [2], 0)]).to_dict()
    assert nested == {
        "pending": [{"bundle_id": "b", "chunks": 3, "missing": [2], "other_versions": 0}]
    }


@pytest.mark.parametrize("command", sorted(D.STAGE_DOCUMENTS))
def test_stage_documents_name_dataclasses_with_to_dict(command: str) -> None:
    import dataclasses
    import importlib

    for name in D.STAGE_DOCUMENTS[command]:
        module, _, cls = name.split(" ")[0].rpartition(".")
        found = getattr(importlib.import_module(module), cls)
        assert dataclasses.is_dataclass(found) and callable(found.to_dict), name


def _json_commands() -> list[str]:
    import typer

    from roshan.cli.main import app

    found: list[str] = []

    def walk(cmd, path: list[str]) -> None:
        if getattr(cmd, "hidden", False):
            return
        if any("--json" in p.opts for p in cmd.params):
            found.append(" ".join(["roshan", *path]))
        for name, sub in (getattr(cmd, "commands", {}) or {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def test_every_json_command_has_a_documented_document() -> None:
    covered = {c for doc in D.DOCUMENTS if not doc.always for c in doc.commands}
    covered |= set(D.STAGE_DOCUMENTS) | set(D.OTHER_DOCUMENTS)
    missing = sorted(set(_json_commands()) - covered)
    assert not missing, f"--json commands without a document in roshan.cli.documents: {missing}"
    assert not covered - set(_json_commands()), "a document names a command without --json"


# --- real commands through the installed script -------------------------------------------


def _run_json(*args: str | Path, input: str | None = None) -> object:
    res = run_roshan(*args, "--json", env=PASS_ENV, input=input)
    assert res.returncode == 0, (args, res.stderr)
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A SYNTHETIC workspace and organisation keys, made by the installed script."""
    base = tmp_path_factory.mktemp("json-docs")
    docs: dict[str, object] = {"base": base}
    docs["init"] = _run_json("init", base / "ws")
    docs["keys init"] = _run_json("keys", "init", base / "keys")
    return docs


def test_workspace_documents(synthetic: dict[str, object]) -> None:
    base = synthetic["base"]
    assert isinstance(base, Path)
    assert isinstance(synthetic["init"], dict)
    assert list(synthetic["init"]) == _field_names(D.WorkspaceCreated)
    status = _run_json("status", base / "ws")
    assert isinstance(status, dict)
    assert list(status) == _required(D.WorkspaceStatus)
    checked = _run_json("status", base / "ws", "--check")
    assert isinstance(checked, dict)
    assert set(checked) == set(_required(D.WorkspaceStatus)) | {"consistent", "problems"}


def test_keys_and_ledger_documents(synthetic: dict[str, object]) -> None:
    base = synthetic["base"]
    assert isinstance(base, Path)
    keys = synthetic["keys init"]
    assert isinstance(keys, dict) and list(keys) == _field_names(D.KeysCreated)
    shown = _run_json("keys", "show", base / "keys")
    assert isinstance(shown, dict) and list(shown) == _field_names(D.PublicKeysShown)
    reporter = _run_json("keys", "reporter-init", base / "reporter")
    assert isinstance(reporter, dict) and list(reporter) == _field_names(D.ReporterKeyCreated)
    cp = _run_json("ledger", "checkpoint", base / "ws", "--keys", base / "keys")
    assert isinstance(cp, dict) and list(cp) == _field_names(D.CheckpointSigned)
    spool = _run_json("intake", "status", base / "ws")
    assert spool == {"pending": []}
    assert list(spool) == _field_names(D.SpoolStatus)


def test_account_documents(synthetic: dict[str, object]) -> None:
    base = synthetic["base"]
    assert isinstance(base, Path)
    added = _run_json(
        "user",
        "add",
        base / "ws",
        "synthetic-admin",
        "--role",
        "admin",
        "--password-stdin",
        input="SYNTHETIC-password-for-json-docs\n",
    )
    assert isinstance(added, dict) and list(added) == _field_names(D.AccountAdded)
    users = _run_json("user", "list", base / "ws")
    assert isinstance(users, list) and users
    assert all(list(u) == _field_names(D.Account) for u in users)
    token = _run_json("token", "create", base / "ws", "synthetic-admin")
    assert isinstance(token, dict) and list(token) == _field_names(D.TokenCreated)


def test_simulate_document(tmp_path: Path) -> None:
    manifest = _run_json(
        "simulate",
        "--out",
        tmp_path / "scenario",
        "--population",
        "200",
        "--lists",
        "3",
        "--seed",
        "7",
    )
    assert isinstance(manifest, dict)
    assert list(manifest) == _field_names(D.ScenarioManifest)


def test_intake_documents(synthetic: dict[str, object]) -> None:
    """A report with a witness contact given as a string (as the form and the offline HTML
    form give it) and one given as an object (a scripted report), recorded, packed,
    checked, imported and their contacts read back."""
    base = synthetic["base"]
    assert isinstance(base, Path)
    keys, outbox = base / "keys", base / "outbox"
    contacts: dict[str, object] = {
        "SYNTHETIC string": "SYNTHETIC contact",
        "SYNTHETIC object": {"phone": "SYNTHETIC +00", "note": "SYNTHETIC evenings"},
    }
    ids: dict[str, str] = {}
    for name, contact in contacts.items():
        answers = base / f"{name}.json"
        answers.write_text(
            json.dumps(
                {
                    "victim": {"full_name": f"{name} Person"},
                    "circumstances": "SYNTHETIC",
                    "witness_contact": contact,
                }
            ),
            encoding="utf-8",
        )
        saved = _run_json("intake", "new", "--to", keys, "--outbox", outbox, "--from-json", answers)
        assert isinstance(saved, dict) and list(saved) == _field_names(D.ReportSaved)
        assert saved["witness_contact"] is True
        ids[name] = str(saved["report_id"])
    packed = _run_json("intake", "pack", outbox, "--out", base / "send")
    assert isinstance(packed, dict) and list(packed) == _field_names(D.BundlePacked)
    checked = _run_json("intake", "check", str(packed["bundle"]))
    assert isinstance(checked, dict) and list(checked) == _field_names(D.FilesChecked)
    assert _run_json("init", base / "ws-intake")
    imported = _run_json(
        "intake", "import", base / "ws-intake", str(packed["bundle"]), "--keys", keys
    )
    assert isinstance(imported, dict) and imported["reports_new"] == 2
    for name, contact in contacts.items():
        shown = _run_json("intake", "witness", base / "ws-intake", ids[name], "--keys", keys)
        assert isinstance(shown, dict) and list(shown) == _field_names(D.WitnessContact)
        assert shown == {"format": "roshan-intake-witness/1", "contact": contact}


# --- roshan federate: two SYNTHETIC organisations, each holding two linked lists ----------

PARTIES = ("ORG-A", "ORG-B")


@pytest.fixture(scope="module")
def federation(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A SYNTHETIC scenario of four lists, two per organisation, each organisation's
    workspace linked, and key directories for the parties and the coordinator; all made by
    the installed script (20 s to 75 s)."""
    base = tmp_path_factory.mktemp("json-federate")
    manifest = _run_json(
        "simulate", "--out", base / "sc", "--population", "250", "--lists", "4", "--seed", "3"
    )
    assert isinstance(manifest, dict)
    made: dict[str, Path] = {"base": base}
    for k, party in enumerate(PARTIES):
        ws = made[party] = base / f"ws-{party}"
        assert _run_json("init", ws)
        for s in manifest["sources"][2 * k : 2 * k + 2]:
            mapping = ["--mapping", base / "sc" / s["mapping"]] if s.get("mapping") else []
            ingest = ("ingest", ws, base / "sc" / s["file"], "--source", s["name"])
            _run_json(*ingest, "--kind", s["kind"], *mapping)
        _run_json("link", ws)
    for name in (*PARTIES, "coordinator"):
        made[f"keys {name}"] = base / "keys" / name
        _run_json("keys", "init", made[f"keys {name}"])
    return made


@pytest.mark.slow
def test_federate_documents(federation: dict[str, Path]) -> None:
    base = federation["base"]
    session = base / "session.json"
    init = _run_json(
        "federate",
        "init",
        session,
        *(f"--party={p}={federation[f'keys {p}']}" for p in PARTIES),
        "--coordinator-keys",
        federation["keys coordinator"],
        "--strata",
        "province",
    )
    assert isinstance(init, dict) and list(init) == _field_names(D.FederateSession)
    assert init["session"] == str(session) and [p["name"] for p in init["parties"]] == [*PARTIES]

    def party(p: str) -> tuple[str | Path, ...]:
        keys = federation[f"keys {p}"]
        return ("--as", p, "--keys", keys, "--state", base / "st" / p, "--out", base / "out" / p)

    sent: dict[str, str] = {}
    for p in PARTIES:
        blinded = _run_json("federate", "blind", session, federation[p], *party(p))
        assert isinstance(blinded, dict) and list(blinded) == _field_names(D.RoundBlinded)
        assert blinded["round"] == 1 and int(blinded["victims"]) >= 50
        sent[p] = str(blinded["file"])
    final: dict[str, str] = {}
    for j, p in enumerate(PARTIES):
        passed = _run_json("federate", "pass", session, sent[PARTIES[j - 1]], *party(p))
        assert isinstance(passed, dict) and list(passed) == _field_names(D.RoundPassed)
        final[p] = str(passed["file"])
    counts = _run_json(
        "federate",
        "count",
        session,
        *final.values(),
        "--keys",
        federation["keys coordinator"],
        "--out",
        base / "counts.csv",
    )
    assert isinstance(counts, dict) and list(counts) == _field_names(D.FederateCounts)
    assert counts["parties"] == [*PARTIES] and counts["observed"] > 0
    assert counts["linkage_draws"] == 0 and counts["counts_file"] == str(base / "counts.csv")
