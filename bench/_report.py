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
    body = "\n".join([marker_start, f"## {heading}", "", *[f"- {line}" for line in lines],
                      f"- Recorded {result['recorded_at']}; raw figures in `bench/results/{name}.json`.",
                      marker_end])
    pattern = re.compile(re.escape(marker_start) + r".*?" + re.escape(marker_end), re.S)
    text = pattern.sub(lambda _m: body, text) if pattern.search(text) else text.rstrip() + "\n\n" + body + "\n"
    doc.write_text(text, encoding="utf-8")
