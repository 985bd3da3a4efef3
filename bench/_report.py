"""Shared by benchmarks: write bench/results/<name>.json and a section of docs/benchmarks.md."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def write_result(name: str, result: dict[str, Any], heading: str, lines: list[str]) -> None:
    """Record a benchmark's figures (JSON) and replace its section in docs/benchmarks.md."""
    result = {**result, "recorded_at": datetime.now(UTC).isoformat(timespec="seconds")}
    out = ROOT / "bench" / "results" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    marker_start, marker_end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    body = "\n".join(
        [
            marker_start,
            f"## {heading}",
            "",
            *[f"- {line}" for line in lines],
            f"- Recorded {result['recorded_at']}; raw figures in `bench/results/{name}.json`.",
            marker_end,
        ]
    )
    pattern = re.compile(re.escape(marker_start) + r".*?" + re.escape(marker_end), re.S)
    text = (
        pattern.sub(lambda _m: body, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + body + "\n"
    )
    doc.write_text(text, encoding="utf-8")


def replace_marked_section(text: str, marker: str, heading: str, body: str) -> str:
    """Return ``text`` with the ``marker`` section set to ``body`` (the ``<!-- bench:NAME -->`` convention of write_result)."""
    start_tag, end_tag = f"<!-- bench:{marker} -->", f"<!-- /bench:{marker} -->"
    block = f"{start_tag}\n{body.rstrip()}\n{end_tag}\n"
    if start_tag in text and end_tag in text:
        a = text.index(start_tag)
        b = text.index(end_tag) + len(end_tag)
        return text[:a] + block.rstrip("\n") + text[b:]
    start = text.find(heading + "\n")
    if start != -1:
        ends = [
            i
            for i in (
                text.find("\n## ", start + len(heading)),
                text.find("\n<!-- bench:", start + len(heading)),
            )
            if i != -1
        ]
        end = min(ends) + 1 if ends else len(text)
        return text[:start] + block + "\n" + text[end:].lstrip("\n")
    return text.rstrip("\n") + "\n\n" + block
