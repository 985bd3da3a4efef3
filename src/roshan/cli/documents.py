"""The JSON documents the CLI prints with ``--json``, one frozen dataclass each.

Users' scripts parse these documents, so each is a dataclass whose fields are its keys,
in order, and each docstring lists its keys under ``Keys:`` (one ``name: meaning`` line
each). ``scripts/cli_reference.py`` writes the "JSON documents" section of docs/cli.md
from :data:`DOCUMENTS`, and tests/cli/test_json_documents.py fails when a field is
added without a line in the docstring, or a command's output has other keys.

Documents a stage already returns as a dataclass (``roshan link --json`` prints
``LinkSummary.to_dict()``, …) are listed in :data:`STAGE_DOCUMENTS` by name; their keys
are documented by the stage.

A field made with :func:`optional` is left out of the document when it is ``None``
(``roshan status --json`` has ``consistent`` and ``problems`` only with ``--check``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from roshan.store import Workspace


def optional() -> Any:
    """A field left out of ``to_dict()`` when it is ``None``."""
    return field(default=None, metadata={"omit_none": True})


def _plain(value: Any) -> Any:
    if isinstance(value, Document):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Document:
    """Base of the CLI's JSON documents: ``to_dict()`` gives the fields, in order."""

    #: The commands that print this document with --json (for docs/cli.md).
    commands: ClassVar[tuple[str, ...]] = ()
    #: True when the command prints a JSON array of these documents.
    array: ClassVar[bool] = False
    #: True when the command prints the document without being asked (it has no --json).
    always: ClassVar[bool] = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None and f.metadata.get("omit_none"):
                continue
            out[f.name] = _plain(value)
        return out


# --- roshan init, status, restore --------------------------------------------------------


@dataclass(frozen=True)
class WorkspaceCreated(Document):
    """The workspace just created (or restored from a backup).

    Keys:
        workspace: the workspace folder.
        workspace_id: the workspace's id.
        db: the database URL.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan init", "roshan restore")

    workspace: str
    workspace_id: str
    db: str

    @classmethod
    def of(cls, ws: Workspace) -> WorkspaceCreated:
        """The document of a workspace just opened by ``roshan init`` or ``roshan restore``."""
        return cls(workspace=str(ws.root), workspace_id=ws.id, db=ws.db_url)


@dataclass(frozen=True)
class WorkspaceStatus(Document):
    """What the store holds.

    Keys:
        workspace: the workspace folder.
        workspace_id: the workspace's id.
        backend: the database backend (sqlite or postgresql).
        schema: the store's schema revision.
        sources: how many sources.
        imports: how many imports.
        raw_rows: how many raw rows, kept verbatim.
        records: how many records.
        rejected: how many rows were rejected.
        victims: how many victims (active).
        link_runs: how many link runs.
        link_runs_running: how many link runs are running.
        by_source: per source: source, kind, records, rejected.
        consistent: every store invariant holds (only with --check).
        problems: the broken invariants (only with --check).
        link_runs_marked_failed: link runs whose process died, marked failed now (only
            when there were any).
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan status",)

    workspace: str
    workspace_id: str
    backend: str
    schema: str | None
    sources: int
    imports: int
    raw_rows: int
    records: int
    rejected: int
    victims: int
    link_runs: int
    link_runs_running: int
    by_source: list[dict[str, Any]]
    consistent: bool | None = optional()
    problems: list[str] | None = optional()
    link_runs_marked_failed: list[int] | None = optional()


# --- roshan demo, simulate, normalize workspace ------------------------------------------


@dataclass(frozen=True)
class DemoSummary(Document):
    """The demo's summary (also written to demo-summary-SYNTHETIC.json).

    Keys:
        synthetic: always true: the data are SYNTHETIC.
        seed: the random seed.
        scenario: the scenario folder.
        workspace: the workspace folder.
        stages: seconds from the start at the end of each stage.
        status: the store's counts after ingest (as `roshan status --json`, without
            by_source).
        normalized: the normalised snapshot.
        link: the link run's summary (as `roshan link --json`).
        estimate: method, observed, estimate, lower and upper.
        report: the report file.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan demo",)

    synthetic: bool
    seed: int
    scenario: str
    workspace: str
    stages: dict[str, float]
    status: dict[str, Any]
    normalized: str
    link: dict[str, Any]
    estimate: dict[str, Any]
    report: str


@dataclass(frozen=True)
class ScenarioManifest(Document):
    """The SYNTHETIC scenario's manifest (also written to OUT/manifest.json).

    Keys:
        synthetic: always true: the data are SYNTHETIC.
        notice: the notice that the data are SYNTHETIC.
        generator: roshan and its version.
        seed: the random seed.
        options: the scenario's options.
        dependence_pairs: the pairs of lists with dependent capture.
        population: how many victims.
        sources: per list: its file, format and number of records, among others.
        truth: the truth files (population, records).
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan simulate",)

    synthetic: bool
    notice: str
    generator: str
    seed: int
    options: dict[str, Any]
    dependence_pairs: list[list[int]]
    population: int
    sources: list[dict[str, Any]]
    truth: dict[str, str]


@dataclass(frozen=True)
class NormalizeSummary(Document):
    """The normalised snapshot and what it holds.

    Keys:
        path: the snapshot file (snapshots/normalized.parquet).
        records: how many records.
        summary: measures of the normalisation (shares and counts).
        samples: sample rows.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan normalize workspace",)

    path: str
    records: int
    summary: dict[str, Any]
    samples: list[dict[str, Any]]


# --- roshan report, export ---------------------------------------------------------------


@dataclass(frozen=True)
class ReportWritten(Document):
    """The report just written.

    Keys:
        html: the HTML report.
        pdf: the PDF, or null.
        lang: the report's language.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan report",)

    html: str
    pdf: str | None
    lang: str


@dataclass(frozen=True)
class ExportWritten(Document):
    """The export just written.

    Keys:
        what: the table exported.
        format: the file format.
        path: the file written.
        rows: how many rows.
        redact: the redaction level (none, internal or public).
        dropped: the columns dropped by the redaction.
        suppressed: how many small cells were suppressed.
        min_cell: the smallest cell kept (with --redact public).
        names_kept: whether victims' names were kept.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan export",)

    what: str
    format: str
    path: str
    rows: int
    redact: str
    dropped: list[str]
    suppressed: int
    min_cell: int
    names_kept: bool


# --- roshan user, token ------------------------------------------------------------------


@dataclass(frozen=True)
class AccountAdded(Document):
    """The team account just added.

    Keys:
        id: the account's id.
        username: the login name.
        role: admin, analyst, reviewer or viewer.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan user add",)

    id: int
    username: str
    role: str


@dataclass(frozen=True)
class Account(Document):
    """One team account (no hashes or secrets).

    Keys:
        id: the account's id.
        username: the login name.
        role: admin, analyst, reviewer or viewer.
        active: whether the account may sign in.
        totp: whether it has a second factor.
        locked_until: when a lockout ends (ISO time), or null.
        created_at: when it was created (ISO time), or null.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan user list",)
    array: ClassVar[bool] = True

    id: int
    username: str
    role: str
    active: bool
    totp: bool
    locked_until: str | None
    created_at: str | None


@dataclass(frozen=True)
class TokenCreated(Document):
    """The API token just created (shown once).

    Keys:
        id: the token's id.
        name: its label.
        user: whose token it is.
        token: the token itself.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan token create",)

    id: int
    name: str
    user: str
    token: str


# --- roshan keys -------------------------------------------------------------------------


@dataclass(frozen=True)
class KeysCreated(Document):
    """The organisation keys just created.

    Keys:
        directory: the key folder.
        recipient: the age recipient (age1…) to give to field workers.
        key_id: the signing key's id.
        recipient_file: the file holding the recipient.
        qr_png: the recipient as a QR code (PNG).
        qr_svg: the recipient as a QR code (SVG).
        signing_public_file: the public signing key's file.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan keys init",)

    directory: str
    recipient: str
    key_id: str
    recipient_file: str
    qr_png: str
    qr_svg: str
    signing_public_file: str


@dataclass(frozen=True)
class ReporterKeyCreated(Document):
    """A field reporter's signing key just created.

    Keys:
        key_id: the reporter key's id.
        public_file: the public key to enrol in KEYS/reporters/.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan keys reporter-init",)

    key_id: str
    public_file: str


@dataclass(frozen=True)
class PublicKeysShown(Document):
    """An organisation's public keys.

    Keys:
        recipient: the age recipient (age1…).
        signing_public: the public signing key.
        key_id: the signing key's id.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan keys show",)

    recipient: str
    signing_public: str
    key_id: str


# --- roshan intake -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSaved(Document):
    """One report just recorded and encrypted.

    Keys:
        report_id: the report's id.
        outbox: the outbox folder.
        attachments: how many attachments.
        witness_contact: whether a witness contact was saved (encrypted apart).
        warnings: warnings about the attachments.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan intake new",)

    report_id: str
    outbox: str
    attachments: int
    witness_contact: bool
    warnings: list[str]


@dataclass(frozen=True)
class BundlePacked(Document):
    """The bundle just packed.

    Keys:
        bundle_id: the bundle's id.
        bundle: the bundle file, or null when it was split into chunks.
        entries: how many blobs it holds.
        size: its size in bytes.
        chunks: the chunk files (empty without --chunk-size).
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan intake pack",)

    bundle_id: str
    bundle: str | None
    entries: int
    size: int
    chunks: list[str]


@dataclass(frozen=True)
class ChunksWritten(Document):
    """The chunks a bundle was split into.

    Keys:
        chunks: the chunk files.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan intake split",)

    chunks: list[str]


@dataclass(frozen=True)
class FilesChecked(Document):
    """Whether bundles and chunks are whole and untampered.

    Keys:
        files: per file: file, ok, kind, bundle_id, problem and what it holds.
        chunked_bundles: per bundle id: its chunks, the missing ones and whether they join.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan intake check",)

    files: list[dict[str, Any]]
    chunked_bundles: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class PendingBundle(Document):
    """A bundle waiting for chunks.

    Keys:
        bundle_id: the bundle's id.
        chunks: how many chunks it has.
        missing: the numbers of the missing chunks (from 1).
        other_versions: how many other versions of its chunks are kept.
    """

    bundle_id: str
    chunks: int
    missing: list[int]
    other_versions: int


@dataclass(frozen=True)
class SpoolStatus(Document):
    """The bundles still waiting for chunks.

    Keys:
        pending: the bundles (bundle_id, chunks, missing, other_versions).
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan intake status",)

    pending: list[PendingBundle]


@dataclass(frozen=True)
class BundleDiscarded(Document):
    """A bundle whose spooled chunks were dropped.

    Keys:
        discarded: the bundle's id.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan intake discard",)

    discarded: str


@dataclass(frozen=True)
class WitnessContact(Document):
    """One report's witness contact, decrypted (the read is recorded in the audit log).

    Keys:
        format: roshan-intake-witness/1.
        contact: the contact as the reporter gave it: a string (the form, the offline HTML
            form), or the object a scripted report gave (its keys are the reporter's).
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan intake witness",)

    format: str
    contact: Any


# --- roshan ledger -----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointSigned(Document):
    """The checkpoint just signed.

    Keys:
        tree_size: the ledger's tree size.
        root_hash: the tree's root hash (hex).
        key_id: the signing key's id.
        file: the checkpoint file.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan ledger checkpoint",)

    tree_size: int
    root_hash: str
    key_id: str
    file: str


@dataclass(frozen=True)
class InclusionProof(Document):
    """An RFC 9162 inclusion proof for one leaf (hashes only; printed, or written with --out).

    Keys:
        format: roshan-inclusion-proof/1.
        origin: the workspace's id (the checkpoint's origin).
        ref: the report id or raw row ref proved.
        kind: the leaf's kind.
        leaf_index: the leaf's index in the tree.
        tree_size: the tree size proved against.
        leaf_hash: the leaf's hash (hex).
        proof: the proof's hashes (hex).
        root_hash: the tree's root hash (hex).
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan ledger prove",)
    always: ClassVar[bool] = True

    format: str
    origin: str
    ref: str
    kind: str
    leaf_index: int
    tree_size: int
    leaf_hash: str
    proof: list[str]
    root_hash: str


# --- roshan federate --------------------------------------------------------------------


@dataclass(frozen=True)
class FederateSession(Document):
    """The signed session just written (its fields as in the session file).

    Keys:
        session: the session file written.
        format: roshan-federate-session.
        protocol: the federate protocol version.
        session_id: the session's id (hex).
        created_at: when it was created (ISO time).
        parties: per party, in ring order: name, recipient and signing_public.
        coordinator: the coordinator's name, recipient and signing_public.
        strata: the strata proposed for release.
        tokens_per_victim: how many linkage tokens each victim carries.
        threshold: shared tokens that make a match.
        unique_threshold: shared tokens that make a match when each row is the other's
            only candidate.
        max_df: tokens held by more rows than this are ignored in matching.
        min_victims: the smallest list accepted.
        match_rule: how the coordinator matches: "scored" (protocol 2) or "threshold".
        accept: under the scored rule, the least probability of being one person that
            makes a match.
        min_shared: under the scored rule, the least shared tokens that make a candidate.
        one_per_victim: links are joined strongest first so that no victim holds two
            rows of one party (protocol 3).
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan federate init",)

    session: str
    format: str
    protocol: int
    session_id: str
    created_at: str
    parties: list[dict[str, Any]]
    coordinator: dict[str, Any]
    strata: list[str]
    tokens_per_victim: int
    threshold: int
    unique_threshold: int | None
    max_df: int
    min_victims: int
    match_rule: str = "threshold"
    accept: float | None = None
    min_shared: int | None = None
    one_per_victim: bool = False


@dataclass(frozen=True)
class RoundBlinded(Document):
    """The round-1 file just written by a party.

    Keys:
        round: always 1.
        file: the round file to send to the next party.
        victims: how many of this party's victims were blinded.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan federate blind",)

    round: int
    file: str
    victims: int


@dataclass(frozen=True)
class RoundPassed(Document):
    """The next round's file, after checking and blinding a received one.

    Keys:
        file: the round file to send on.
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan federate pass",)

    file: str


@dataclass(frozen=True)
class FederateCounts(Document):
    """The coordinator's capture-pattern counts (only counts leave).

    Keys:
        session_id: the session's id (hex).
        protocol: the federate protocol version.
        parties: the parties, in ring order.
        victims_per_party: per party, how many victims it blinded.
        by: the strata the counts are broken down by.
        threshold: shared tokens that made a match.
        unique_threshold: shared tokens that made a match when each row was the other's
            only candidate.
        observed: how many distinct victims the parties hold together.
        note: how the overlaps were computed.
        counts_file: the counts CSV written.
        provenance_file: the provenance written beside it (COUNTS.federate.json).
        linkage_draws: how many drawn matchings the provenance holds.
        counts: the rows of the counts CSV (one column per party, the strata and count).
    """

    commands: ClassVar[tuple[str, ...]] = ("roshan federate count",)

    session_id: str
    protocol: int
    parties: list[str]
    victims_per_party: dict[str, int]
    by: list[str]
    threshold: int
    unique_threshold: int | None
    observed: int
    note: str
    counts_file: str
    provenance_file: str
    linkage_draws: int
    counts: list[dict[str, Any]]


#: Every document of this module, in the order of docs/cli.md.
DOCUMENTS: tuple[type[Document], ...] = (
    DemoSummary,
    WorkspaceCreated,
    WorkspaceStatus,
    ScenarioManifest,
    NormalizeSummary,
    ReportWritten,
    ExportWritten,
    KeysCreated,
    ReporterKeyCreated,
    PublicKeysShown,
    ReportSaved,
    BundlePacked,
    ChunksWritten,
    FilesChecked,
    SpoolStatus,
    PendingBundle,
    BundleDiscarded,
    WitnessContact,
    CheckpointSigned,
    InclusionProof,
    FederateSession,
    RoundBlinded,
    RoundPassed,
    FederateCounts,
    AccountAdded,
    Account,
    TokenCreated,
)

#: Documents that are a stage dataclass's ``to_dict()``: command → the classes (their
#: keys are documented by the stage).
STAGE_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "roshan ingest": ("roshan.ingest.importer.ImportResult",),
    "roshan normalize name": ("roshan.normalize.names.NameResult",),
    "roshan normalize date": ("roshan.normalize.dates.DateResult",),
    "roshan normalize age": ("roshan.normalize.ages.AgeResult",),
    "roshan normalize place": ("roshan.normalize.places.PlaceResult",),
    "roshan link": ("roshan.link.pipeline.LinkSummary",),
    "roshan review": (
        "roshan.link.review.io.BatchExport (--batch-out)",
        "roshan.link.review.io.BatchImport (--batch-in)",
        "roshan.link.review.tui.SessionSummary",
    ),
    "roshan estimate": ("roshan.estimate.results.EstimateResult",),
    "roshan backup": ("roshan.store.backup.BackupInfo",),
    "roshan intake import": ("roshan.intake.importer.ImportSummary",),
    "roshan ledger head": ("roshan.intake.ledger.TreeHead",),
    "roshan ledger verify": ("roshan.intake.ledger.VerifyResult",),
}

#: Commands whose --json document is not (yet) a dataclass, and why (none left).
OTHER_DOCUMENTS: dict[str, str] = {}


def documented_keys(doc: type[Document]) -> dict[str, str]:
    """The keys listed under ``Keys:`` in the document's docstring, with their meaning."""
    keys: dict[str, str] = {}
    inside = False
    last = ""
    for line in (doc.__doc__ or "").splitlines():
        if line.strip() == "Keys:":
            inside = True
            continue
        if not inside:
            continue
        if not line.strip():
            break
        text = line.strip()
        if len(line) - len(line.lstrip()) <= 8 and ":" in text:
            last, meaning = (t.strip() for t in text.split(":", 1))
            keys[last] = meaning
        elif last:
            keys[last] += " " + text
    return keys
