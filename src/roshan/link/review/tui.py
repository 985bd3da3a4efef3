"""Terminal review: two records side by side, differences highlighted, Persian readable.

Most terminals draw characters strictly left to right, so Persian (a right-to-left
script) comes out backwards. :func:`display_order` reorders a line for display
with the implicit part of the Unicode Bidirectional Algorithm (UAX #9: rules
P2–P3, W1–W7, N1–N2, I1–I2, L1–L2 and mirroring of brackets), which is all a
single table cell needs: names, dates and places have no explicit embeddings.
Only what is *drawn* is reordered; stored text is never touched. Terminals that
do bidi themselves (VTE/GNOME Terminal, Konsole, mlterm) should use ``--no-bidi``.
Letter joining (shaping) is left to the terminal's font rendering.

:func:`run_interactive` is the review loop: it shows each item, reads one key —
``m`` match, ``n`` not a match, ``u`` unsure, ``s`` skip, ``q`` quit — and stores the
decision with the reviewer's name via
:func:`roshan.link.review.decisions.record_decision`, using the version it read so a
concurrent change is reported, not overwritten.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from roshan.canonical import FIELDS, SENSITIVE_FIELDS

if TYPE_CHECKING:
    from roshan.store.workspace import Workspace

#: Fields shown side by side: the source, then every canonical field in order but the
#: sensitive ones (witness, source reference, notes).
DISPLAY_FIELDS: tuple[str, ...] = ("source", *(f.name for f in FIELDS if not f.sensitive))
assert not SENSITIVE_FIELDS.intersection(DISPLAY_FIELDS)

_STRONG_R = {"R", "AL"}
_NEUTRAL = {"B", "S", "WS", "ON", "BN"}
_MIRROR = {
    "(": ")",
    ")": "(",
    "[": "]",
    "]": "[",
    "{": "}",
    "}": "{",
    "<": ">",
    ">": "<",
    "«": "»",
    "»": "«",
    "‹": "›",
    "›": "‹",
}


def _classes(text: str) -> list[str]:
    out = []
    for ch in text:
        cls = unicodedata.bidirectional(ch) or "ON"
        if cls in ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"):
            cls = "BN"  # explicit controls are not used in record fields; treat as invisible
        out.append(cls)
    return out


def base_direction(text: str) -> str:
    """``"rtl"`` if the first strong character is right-to-left, else ``"ltr"`` (rules P2–P3)."""
    for cls in _classes(text):
        if cls == "L":
            return "ltr"
        if cls in _STRONG_R:
            return "rtl"
    return "ltr"


def embedding_levels(text: str, base: str = "auto") -> list[int]:
    """Resolved embedding level of each character (UAX #9 implicit rules)."""
    if base == "auto":
        base = base_direction(text)
    level = 1 if base == "rtl" else 0
    emb = "R" if level else "L"
    types = _classes(text)
    n = len(types)
    # W1: non-spacing marks take the type of the previous character.
    prev = emb
    for i, t in enumerate(types):
        if t == "NSM":
            types[i] = "ON" if prev in ("LRI", "RLI", "FSI", "PDI") else prev
        if types[i] != "BN":
            prev = types[i]
    # W2 and W3: European numbers after Arabic letters are Arabic numbers; AL → R.
    last_strong = emb
    for i, t in enumerate(types):
        if t in ("L", "R", "AL"):
            last_strong = t
        elif t == "EN" and last_strong == "AL":
            types[i] = "AN"
    types = ["R" if t == "AL" else t for t in types]
    # W4: a single separator between two numbers of the same kind joins them.
    for i in range(1, n - 1):
        if types[i] == "ES" and types[i - 1] == "EN" and types[i + 1] == "EN":
            types[i] = "EN"
        elif types[i] == "CS" and types[i - 1] == types[i + 1] and types[i - 1] in ("EN", "AN"):
            types[i] = types[i - 1]
    # W5: terminators next to European numbers become European numbers.
    i = 0
    while i < n:
        if types[i] == "ET":
            j = i
            while j < n and types[j] in ("ET", "BN"):
                j += 1
            if (i > 0 and types[i - 1] == "EN") or (j < n and types[j] == "EN"):
                for k in range(i, j):
                    types[k] = "EN"
            i = j
        else:
            i += 1
    # W6: other separators and terminators are neutral.
    types = ["ON" if t in ("ES", "ET", "CS") else t for t in types]
    # W7: European numbers after left-to-right text are left-to-right.
    last_strong = emb
    for i, t in enumerate(types):
        if t in ("L", "R"):
            last_strong = t
        elif t == "EN" and last_strong == "L":
            types[i] = "L"

    # N1/N2: neutrals between text of one direction take it; otherwise the embedding's.
    def strong_of(t: str) -> str | None:
        if t == "L":
            return "L"
        if t in ("R", "AN", "EN"):
            return "R"
        return None

    i = 0
    while i < n:
        if types[i] in _NEUTRAL:
            j = i
            while j < n and types[j] in _NEUTRAL:
                j += 1
            before = strong_of(types[i - 1]) if i > 0 else emb
            after = strong_of(types[j]) if j < n else emb
            # (strong_of is never None here: after W1-W7 every non-neutral is L, R, EN or AN)
            resolved = before if before is not None and before == after else emb
            for k in range(i, j):
                types[k] = resolved
            i = j
        else:
            i += 1
    # I1/I2: implicit levels.
    levels = []
    for t in types:
        if level % 2 == 0:
            levels.append(level + (1 if t == "R" else 2 if t in ("AN", "EN") else 0))
        else:
            levels.append(level + (1 if t in ("L", "EN", "AN") else 0))
    # L1: trailing whitespace goes back to the paragraph level.
    k = n - 1
    raw = _classes(text)
    while k >= 0 and raw[k] in ("WS", "S", "B", "BN"):
        levels[k] = level
        k -= 1
    return levels


def display_order(text: str, base: str = "auto") -> str:
    """``text`` reordered left-to-right for a terminal that has no bidi support.

    Pure-LTR text is returned unchanged. ``base`` is ``"auto"`` (direction of the
    first strong letter), ``"ltr"`` or ``"rtl"``.
    """
    if not text or not any(c in _STRONG_R or c == "AN" for c in _classes(text)):
        return text
    levels = embedding_levels(text, base)
    chars = [(_MIRROR.get(ch, ch) if lv % 2 else ch) for ch, lv in zip(text, levels, strict=False)]
    top = max(levels)
    lowest_odd = min((lv for lv in levels if lv % 2), default=top + 1)
    for lv in range(top, lowest_odd - 1, -1):
        i = 0
        while i < len(chars):
            if levels[i] >= lv:
                j = i
                while j < len(chars) and levels[j] >= lv:
                    j += 1
                chars[i:j] = chars[i:j][::-1]
                levels[i:j] = levels[i:j][::-1]
                i = j
            else:
                i += 1
    return "".join(chars)


_FOLD = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ة": "ه",
        "\u200c": " ",
        **{chr(0x06F0 + d): str(d) for d in range(10)},
        **{chr(0x0660 + d): str(d) for d in range(10)},
    }
)


def _fold(value: object) -> str:
    """Loose comparison form: Arabic/Persian letter and digit variants, case, spacing."""
    if value is None:
        return ""
    s = str(value).translate(_FOLD)
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    return " ".join(s.casefold().replace("-", " ").split())


def compare_values(a: object, b: object) -> str:
    """``"same"``, ``"similar"`` (equal after folding letters/digits/case), ``"missing"``
    (one or both absent) or ``"differs"``."""
    sa = "" if a is None else str(a).strip()
    sb = "" if b is None else str(b).strip()
    if not sa or not sb:
        return "missing" if (sa or sb) else "same"
    if sa == sb:
        return "same"
    if _fold(sa) == _fold(sb):
        return "similar"
    return "differs"


_STYLE = {"same": "", "similar": "cyan", "missing": "dim", "differs": "bold yellow"}
_MARK = {"same": "=", "similar": "≈", "missing": "·", "differs": "≠"}


def render_pair(
    item: dict[str, Any],
    rec_a: dict[str, Any],
    rec_b: dict[str, Any],
    *,
    bidi: bool = True,
    position: str = "",
) -> Table:
    """A Rich table: one row per field, record A beside record B, differences highlighted."""
    p = item.get("match_probability")
    prob = "not scored" if p is None else f"{float(p):.3f}"
    kind = {"uncertain_pair": "uncertain pair", "model_check": "model check"}.get(
        str(item.get("kind")), "suspicious cluster"
    )
    title = f"{position} {kind} — match probability {prob}".strip()
    if item.get("kind") == "model_check":
        combo = str(item.get("reason", "")).partition(":")[2]
        title += (
            f" — the rules call this a sure match ({combo}) but the model does not "
            "link it; your decision retrains the model"
        )
    if item.get("kind") == "suspicious_cluster":
        title += f" — cluster of {item.get('cluster_size')} ({item.get('reason')})"
    table = Table(title=title, show_lines=False, expand=False)
    table.add_column("field", style="bold")
    table.add_column(f"A  (record {rec_a.get('record_pk')})", overflow="fold")
    table.add_column("", justify="center")
    table.add_column(f"B  (record {rec_b.get('record_pk')})", overflow="fold")
    for f in DISPLAY_FIELDS:
        va, vb = rec_a.get(f), rec_b.get(f)
        if va in (None, "") and vb in (None, ""):
            continue
        status = compare_values(va, vb)
        show_a = "" if va is None else str(va)
        show_b = "" if vb is None else str(vb)
        if bidi:
            show_a, show_b = display_order(show_a), display_order(show_b)
        style = _STYLE[status]
        table.add_row(
            f,
            Text(show_a, style=style),
            Text(_MARK[status], style=style),
            Text(show_b, style=style),
        )
    return table


KEYS_HELP = "[m] match  [n] not a match  [u] unsure  [s] skip  [q] quit"


def default_read_key(prompt: str, console: Console) -> str | None:
    """One key from a terminal (no Enter needed) or one line from a pipe; ``None`` at EOF."""
    console.print(prompt, end="", markup=False, highlight=False)
    if sys.stdin is not None and sys.stdin.isatty():
        import click

        try:
            ch = click.getchar()
        except (EOFError, KeyboardInterrupt):
            return None
        console.print(ch)
        return ch
    line = sys.stdin.readline() if sys.stdin is not None else ""
    console.print()  # a piped answer is not echoed: end the prompt line
    if line == "":
        return None
    return line.strip()


@dataclass
class SessionSummary:
    """What happened in one interactive review session."""

    shown: int = 0
    decided: dict[str, int] = field(
        default_factory=lambda: {"match": 0, "non_match": 0, "unsure": 0}
    )
    skipped: int = 0
    conflicts: int = 0
    quit_early: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "shown": self.shown,
            "decided": dict(self.decided),
            "skipped": self.skipped,
            "conflicts": self.conflicts,
            "quit_early": self.quit_early,
        }


def key_to_action(key: str | None) -> str | None:
    """Map a pressed key/typed word to match/non_match/unsure/skip/quit (None: not understood)."""
    from roshan.link.review.decisions import parse_decision

    if key is None:
        return "quit"
    k = key.strip().lower()
    if k in ("q", "quit", "exit", "\x03", "\x04"):
        return "quit"
    if k in ("s", "skip", "", "رد"):
        return "skip"
    try:
        return parse_decision(k)
    except ValueError:
        return None


def run_interactive(
    ws: Workspace,
    items: Sequence[dict[str, Any]],
    *,
    reviewer: str,
    console: Console,
    bidi: bool = True,
    read_key: Callable[[str, Console], str | None] = default_read_key,
    max_retries: int = 5,
) -> SessionSummary:
    """Show each item and store the reviewer's decisions; returns what was done."""
    from roshan.link.review.decisions import ReviewConflictError, get_decision, record_decision
    from roshan.link.review.reading import records_by_pk

    summary = SessionSummary()
    pks = {int(i["record_a"]) for i in items} | {int(i["record_b"]) for i in items}
    records = records_by_pk(ws, pks)
    total = len(items)
    for n, item in enumerate(items, start=1):
        a, b = int(item["record_a"]), int(item["record_b"])
        existing = get_decision(ws, a, b)
        version = 0 if existing is None else int(existing.version)
        console.print(
            render_pair(
                item,
                records.get(a, {"record_pk": a}),
                records.get(b, {"record_pk": b}),
                bidi=bidi,
                position=f"[{n}/{total}]",
            )
        )
        if existing is not None:
            console.print(f"  already decided: {existing.decision} by {existing.reviewer}")
        summary.shown += 1
        action = None
        for _ in range(max_retries):
            action = key_to_action(read_key(f"{KEYS_HELP} > ", console))
            if action is not None:
                break
            console.print("  not understood; press m, n, u, s or q")
        if action is None or action == "skip":
            summary.skipped += 1
            continue
        if action == "quit":
            summary.quit_early = n <= total
            summary.shown -= 1
            break
        try:
            record_decision(ws, a, b, action, reviewer, expected_version=version)
        except ReviewConflictError as err:
            console.print(f"  [red]not saved:[/] {err}")
            summary.conflicts += 1
            continue
        summary.decided[action] += 1
        console.print(f"  saved: {action}")
    return summary
