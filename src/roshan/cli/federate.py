"""``roshan federate``: private overlap counts across organisations (docs/federate.md).

    roshan federate init session.json --party ORG-A=keysA/ --party ORG-B=keysB/ ... \
        --coordinator-keys keysC/ --strata province,period
    roshan federate blind session.json WS --as ORG-A --keys keysA/ --state stA/ --out outbox/ \
        [--agree-strata province,period]
    roshan federate pass session.json ROUNDFILE --as ORG-B --keys keysB/ --state stB/ --out outbox/
    roshan federate count session.json FINAL... --keys keysC/ --out counts.csv [--by province]

Key passphrases come from ``--passphrase-file``, else ``$ROSHAN_KEY_PASSPHRASE``, else a
prompt. Every refusal is one line and exit status 2.
"""

from __future__ import annotations

from pathlib import Path

import typer

from roshan.cli.common import PASS_OPT, console, json_option, print_json, split_list
from roshan.cli.keys import read_passphrase

federate_app = typer.Typer(
    help="Private capture-pattern counts across organisations "
    "(blinded tokens, round files; docs/federate.md).",
    no_args_is_help=True,
)

JSON_OPT = json_option("Print one JSON document on stdout.")
PARTY_OPT = typer.Option(..., "--as", help="This party's name in the session.")
PARTY_KEYS_OPT = typer.Option(..., "--keys", help="This party's key directory.")
SESSION_ARG = typer.Argument(..., help="The session file.")


def _unlock(directory: Path, passphrase_file: Path | None):
    from roshan.federate import FederateError
    from roshan.intake import unlock

    pw = read_passphrase(passphrase_file, error=FederateError, ask_off_terminal=True)
    return unlock(directory, pw)


@federate_app.command("init")
def init_cmd(
    session: Path = typer.Argument(..., help="Session file to write (session.json)."),
    party: list[str] = typer.Option(
        ...,
        "--party",
        help="NAME=KEYDIR of each party, in ring "
        "order (the key directory's public files are enough).",
    ),
    coordinator_keys: Path = typer.Option(
        ..., "--coordinator-keys", help="Coordinator's key directory (signs the session)."
    ),
    coordinator_name: str = typer.Option("coordinator", "--coordinator-name"),
    strata: str = typer.Option(
        "",
        "--strata",
        help="Strata proposed for release, e.g. province,period (each party must agree).",
    ),
    threshold: int | None = typer.Option(
        None, "--threshold", help="Shared tokens that make a match (default: the calibrated value)."
    ),
    min_victims: int | None = typer.Option(
        None,
        "--min-victims",
        help="Smallest list accepted (cannot go below the documented minimum).",
    ),
    passphrase_file: Path | None = PASS_OPT,
    json_out: bool = JSON_OPT,
) -> None:
    """Coordinator: write a signed session file naming the parties and the rules."""
    from roshan.federate import DEFAULT_THRESHOLD, MIN_VICTIMS, FederateError, create_session
    from roshan.intake import load_public

    parties = []
    for spec in party:
        if "=" not in spec:
            raise FederateError(f"--party {spec!r}: expected NAME=KEYDIR")
        name, keydir = spec.split("=", 1)
        try:
            parties.append((name.strip(), load_public(Path(keydir))))
        except Exception as exc:
            raise FederateError(f"--party {name}: {exc}") from exc
    keys = _unlock(coordinator_keys, passphrase_file)
    s = create_session(
        session,
        parties,
        keys,
        coordinator_name,
        split_list(strata),
        threshold=threshold or DEFAULT_THRESHOLD,
        min_victims=min_victims or MIN_VICTIMS,
    )
    if json_out:
        from roshan.cli.documents import FederateSession

        print_json(FederateSession(session=str(session), **s.data).to_dict())
        return
    console.print(
        f"session {s.session_id[:12]} written to {session}: parties "
        f"{', '.join(s.names)}; strata proposed: {', '.join(s.data['strata']) or 'none'}",
        markup=False,
    )


@federate_app.command("blind")
def blind_cmd(
    session: Path = typer.Argument(..., help="The session file from the coordinator."),
    workspace: Path = typer.Argument(..., help="This party's linked workspace."),
    me: str = PARTY_OPT,
    keys_dir: Path = PARTY_KEYS_OPT,
    state: Path = typer.Option(
        ...,
        "--state",
        help="Private folder kept by this party between rounds (holds its secret, encrypted).",
    ),
    out: Path = typer.Option(..., "--out", help="Outbox folder for the round file."),
    agree_strata: str = typer.Option(
        "", "--agree-strata", help="Strata this party agrees to reveal (among those proposed)."
    ),
    passphrase_file: Path | None = PASS_OPT,
    json_out: bool = JSON_OPT,
) -> None:
    """Round 1: tokens of this party's victims, hashed, blinded, shuffled, sent on."""
    from roshan.federate import blind_round, load_session, workspace_tokens

    s = load_session(session)
    s.index(me)
    keys = _unlock(keys_dir, passphrase_file)
    vt = workspace_tokens(workspace)
    path = blind_round(s, keys, me, vt, split_list(agree_strata), state, out)
    if json_out:
        from roshan.cli.documents import RoundBlinded

        print_json(RoundBlinded(round=1, file=str(path), victims=len(vt)).to_dict())
        return
    console.print(
        f"round 1: {len(vt)} victims blinded; send {path} to the next party", markup=False
    )


@federate_app.command("pass")
def pass_cmd(
    session: Path = SESSION_ARG,
    round_file: Path = typer.Argument(..., help="Round file received from the previous party."),
    me: str = PARTY_OPT,
    keys_dir: Path = PARTY_KEYS_OPT,
    state: Path = typer.Option(..., "--state", help="This party's federate state folder."),
    out: Path = typer.Option(..., "--out", help="Outbox folder for the next round file."),
    passphrase_file: Path | None = PASS_OPT,
    json_out: bool = JSON_OPT,
) -> None:
    """Rounds 2..N: check a received set, blind it with this party's secret, send it on."""
    from roshan.federate import load_session, pass_round

    s = load_session(session)
    keys = _unlock(keys_dir, passphrase_file)
    path = pass_round(s, keys, me, round_file, state, out)
    if json_out:
        from roshan.cli.documents import RoundPassed

        print_json(RoundPassed(file=str(path)).to_dict())
        return
    console.print(f"checked and blinded; send {path} on", markup=False)


@federate_app.command("count")
def count_cmd(
    session: Path = SESSION_ARG,
    files: list[Path] = typer.Argument(..., help="The final round files, one per party."),
    keys_dir: Path = typer.Option(..., "--keys", help="The coordinator's key directory."),
    out: Path = typer.Option(
        ..., "--out", help="Counts CSV to write (for `roshan estimate --counts`)."
    ),
    by: str = typer.Option("", "--by", help="Strata agreed by every party, e.g. province."),
    linkage_draws: int = typer.Option(
        0,
        "--linkage-draws",
        min=0,
        help="Plausible "
        "alternative matchings whose counts are written beside "
        "the counts, so that `roshan estimate --counts` pools "
        "over them. Default 0 (none): on SYNTHETIC scenarios "
        "pooling widened the interval but moved the estimate "
        "3-6% further from the truth (docs/federate.md); 20 "
        "shows how much the private matching's error matters.",
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Seed of the drawn matchings (default: fresh randomness)."
    ),
    passphrase_file: Path | None = PASS_OPT,
    json_out: bool = JSON_OPT,
) -> None:
    """Coordinator: check the final sets and write capture-pattern counts only, with their
    provenance beside them (COUNTS.federate.json, read by `roshan estimate --counts`)."""
    import json

    from roshan.estimate import file_sha256, sidecar_path
    from roshan.federate import FederateError, count_rounds, counts_provenance, load_session

    if linkage_draws == 1:
        raise FederateError("--linkage-draws must be 0 or at least 2 (e.g. 20)")
    s = load_session(session)
    keys = _unlock(keys_dir, passphrase_file)
    counts, summary = count_rounds(
        s, keys, files, split_list(by), linkage_draws=linkage_draws, seed=seed
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    counts.to_csv(out, index=False)
    prov = counts_provenance(s, summary, file_sha256(out), out.name)
    side = sidecar_path(out)
    side.write_text(json.dumps(prov, indent=1, ensure_ascii=False) + "\n", "utf-8")
    summary.pop("draw_tables", None)
    summary["counts_file"] = str(out)
    summary["provenance_file"] = str(side)
    summary["linkage_draws"] = linkage_draws
    if json_out:
        from roshan.cli.documents import FederateCounts

        print_json(FederateCounts(**summary, counts=counts.to_dict(orient="records")).to_dict())
        return
    console.print(
        f"{summary['observed']} victims observed across {len(s.names)} parties; "
        f"capture-pattern counts written to {out}, their provenance and "
        f"{linkage_draws} drawn matchings to {side} (roshan estimate --counts {out})",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    """Add the federate group to the root app."""
    app.add_typer(federate_app, name="federate")
