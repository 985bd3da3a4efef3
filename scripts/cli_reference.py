"""Write docs/cli.md, the command reference, from the CLI's own definitions.

Run: ``.venv/bin/python scripts/cli_reference.py`` (``--check`` exits 1 when the file
is out of date; tests/cli/test_cli_reference.py runs that check, so a command, option
or help text changed without regenerating the reference fails the suite).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "cli.md"


def _walk(cmd: Any, path: list[str]):
    if getattr(cmd, "hidden", False):
        return
    yield path, cmd
    for name in sorted(getattr(cmd, "commands", {}) or {}):
        yield from _walk(cmd.commands[name], [*path, name])


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


_NAMES = {"str": "TEXT", "int": "INTEGER", "float": "FLOAT", "Path": "PATH", "bool": "flag"}


def _kind(p: Any) -> str:
    """The parameter's type as `--help` shows it (TEXT, INTEGER, PATH, …, or choices)."""
    import enum
    import types
    import typing

    ann = getattr(getattr(p, "type_descriptor", None), "annotation", None)
    if ann is None:
        t = getattr(p, "type", None)
        return "flag" if getattr(p, "is_flag", False) else (t.name.upper() if t else "")
    many = False
    while True:
        args = typing.get_args(ann)
        origin = typing.get_origin(ann)
        if origin in (typing.Union, types.UnionType):
            ann = next(a for a in args if a is not type(None))
        elif origin in (list, tuple, set) and args:
            ann, many = args[0], True
        else:
            break
    if isinstance(ann, type) and issubclass(ann, enum.Enum):
        kind = "|".join(str(m.value) for m in ann)
    else:
        kind = _NAMES.get(getattr(ann, "__name__", ""), getattr(ann, "__name__", str(ann)))
    if getattr(p, "is_flag", False):
        kind = "flag"
    return kind + (" …" if many else "")


def _param_row(p: Any) -> str | None:
    if getattr(p, "hidden", False) or p.name in ("help",):
        return None
    names = ", ".join(f"`{o}`" for o in [*p.opts, *getattr(p, "secondary_opts", [])])
    if p.param_type_name == "argument":
        names = f"`{(p.metavar or p.name).upper()}`"
    kind = _kind(p)
    default = p.default
    if hasattr(default, "value"):
        default = default.value
    show = ("" if default is None or default is False or default in ((), [])
            or callable(default) else f"`{default}`")
    if p.required:
        show = "required"
    return f"| {names} | {kind} | {show} | {_cell(getattr(p, 'help', '') or '')} |"


def reference() -> str:
    import typer

    from roshan.cli.main import app

    root = typer.main.get_command(app)
    out = ["# Command reference", "",
           "Generated from the CLI's own definitions by `scripts/cli_reference.py`; do not "
           "edit by hand (the test suite checks it is current). `roshan COMMAND --help` "
           "prints the same in the terminal.", ""]
    for path, cmd in _walk(root, []):
        name = " ".join(["roshan", *path])
        out += [f"## `{name}`", ""]
        text = (cmd.help or "").strip()
        if text:
            out += [text.split("\n\n")[0].strip() if not path else text, ""]
        subs = sorted(n for n, c in (getattr(cmd, "commands", {}) or {}).items()
                      if not getattr(c, "hidden", False))
        if subs:
            out += ["Commands: " + ", ".join(f"`{name} {s}`" for s in subs) + ".", ""]
        rows = [r for r in (_param_row(p) for p in cmd.params) if r]
        if rows:
            out += ["| argument or option | type | default | meaning |", "|---|---|---|---|",
                    *rows, ""]
    out += json_documents()
    return "\n".join(out).rstrip() + "\n"


def json_documents() -> list[str]:
    """The "JSON documents" section: the keys of every --json document, from the
    dataclasses of ``roshan.cli.documents`` and their docstrings."""
    from roshan.cli.documents import DOCUMENTS, OTHER_DOCUMENTS, STAGE_DOCUMENTS, documented_keys

    out = ["## JSON documents", "",
           "With `--json` a command prints one JSON document on stdout (messages go to "
           "stderr). Its keys, from the dataclasses in `roshan.cli.documents`:", ""]
    for doc in DOCUMENTS:
        title = ", ".join(f"`{c}`" if doc.always else f"`{c} --json`"
                          for c in doc.commands) or "nested"
        out += [f"### `{doc.__name__}` ({title})", ""]
        text = (doc.__doc__ or "").strip().split("\n\n")[0]
        out += [" ".join(text.split()) + (" The command prints a JSON array of these."
                                          if doc.array else ""), ""]
        out += ["| key | meaning |", "|---|---|",
                *(f"| `{k}` | {_cell(v)} |" for k, v in documented_keys(doc).items()), ""]
    out += ["### Documents of the stages", "",
            "These commands print a stage's result; its class documents the keys.", ""]
    out += [f"- `{cmd} --json`: " + ", ".join(f"`{c}`" if " " not in c else
                                               "`{}` {}".format(*c.split(" ", 1))
                                               for c in classes)
            for cmd, classes in STAGE_DOCUMENTS.items()]
    out += [""]
    out += [f"- `{cmd} --json`: {why}." for cmd, why in OTHER_DOCUMENTS.items()]
    return out + [""]


def main(argv: list[str]) -> int:
    text = reference()
    if "--check" in argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT.relative_to(ROOT)} is out of date: run "
                  ".venv/bin/python scripts/cli_reference.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
