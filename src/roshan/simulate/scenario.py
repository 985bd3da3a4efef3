"""Assemble a scenario: population -> capture -> rendered lists -> files on disk.

``generate(config)`` builds everything in memory (fast, vectorised; this is the
path benchmarks use for 10^5–10^6 records). ``simulate(config, out)`` also
writes the directory layout other stages rely on:

    out/README.md                 says SYNTHETIC, the seed and the options
    out/manifest.json             {"synthetic": true, "seed", "options", "sources": [...]}
    out/lists/<file>              one file per source, name contains SYNTHETIC
    out/mappings/<source>.toml    for sources with non-canonical headers
    out/truth/population.csv      every victim with true values and latent class
    out/truth/records.csv         source, record_id, row_number, victim_id
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from roshan import __version__
from roshan.errors import RoshanError
from roshan.simulate.capture import capture_with_copies, dependence_pairs
from roshan.simulate.config import ScenarioConfig, SourceSpec, consistent_spec, default_sources
from roshan.simulate.population import Population, make_population, truth_frame
from roshan.simulate.render import NAME_FIELDS_WRITTEN, cp1256_safe, render_source, source_fields
from roshan.simulate.writers import NOTICE, file_name, headers_for, mapping_toml, write_list

if TYPE_CHECKING:
    from roshan.store.workspace import Workspace

Progress = Callable[[str, int, int], None]


@dataclass
class Scenario:
    """A generated crackdown held in memory.

    ``population``: one row per victim (truth). ``records``: one row per list
    record with ``source, record_id, row_number, victim_id`` and the canonical
    fields as written ("" = empty cell, NaN = the source has no such column).
    ``capture``: bool matrix (victims × sources) of who each source lists.
    """

    config: ScenarioConfig
    sources: list[SourceSpec]
    population: pd.DataFrame
    records: pd.DataFrame
    capture: np.ndarray
    fields: dict[str, list[str]]  # source name -> canonical fields in file column order
    # deliberate namesake pairs (ScenarioConfig.namesake_rate), one row per pair:
    # victim_id, namesake_id, same_father; empty without namesakes
    namesakes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {"victim_id": [], "namesake_id": [], "same_father": []}
        )
    )

    def records_of(self, source: str) -> pd.DataFrame:
        """The records of one source, in file order, with only that source's columns."""
        df = self.records[self.records["source"] == source]
        own = [f for f in self.fields[source] if f != "record_id"]
        return df[["source", "record_id", "row_number", "victim_id", *own]].reset_index(drop=True)

    def capture_counts(self) -> dict[str, int]:
        """Counts of each capture history ('10110'…) over victims listed at least once."""
        caught = self.capture[self.capture.any(axis=1)]
        keys = ["".join("1" if x else "0" for x in row) for row in caught.astype(int)]
        return dict(pd.Series(keys, dtype=object).value_counts().sort_index())


def resolve_sources(config: ScenarioConfig) -> list[SourceSpec]:
    """The sources of a config: explicit ones (validated) or the default rotation."""
    if config.sources is not None:
        sources = [consistent_spec(s) for s in config.sources]
        names = [s.name for s in sources]
        if len(set(names)) != len(names):
            raise RoshanError("source names must be unique")
    else:
        sources = default_sources(config.lists, config.formats, config.script_mode)
    for s in sources:
        s.validate()
    return sources


def _copy_spellings(
    frames: list[pd.DataFrame],
    sources: list[SourceSpec],
    copied_from: np.ndarray,
    pop: Population,
    config: ScenarioConfig,
    rng: np.random.Generator,
) -> None:
    """Copied listings keep the original list's name spellings (same script only), in place.

    A list that copies another pastes its names, typos included; that is the
    signature of copying. Only name columns both lists carry are copied.
    """
    for a, src in enumerate(sources):
        froms = copied_from[:, a]
        for b in np.unique(froms[froms >= 0]):
            orig = sources[int(b)]
            if (
                src.script != orig.script
                or src.script == "mixed"
                or src.upper_case != orig.upper_case
            ):
                continue
            shared = [f for f in NAME_FIELDS_WRITTEN if f in frames[a] and f in frames[int(b)]]
            if not shared:
                continue
            vids = set(pop.victim_id[froms == b])
            fa, fb = frames[a], frames[int(b)]
            first_b = fb.drop_duplicates("victim_id").set_index("victim_id")
            rows = np.flatnonzero(
                fa["victim_id"].isin(vids).to_numpy() & (rng.random(len(fa)) < config.copy_spelling)
            )
            if not len(rows):
                continue
            donors = first_b.loc[fa["victim_id"].to_numpy()[rows]]
            for f in shared:
                values = donors[f].to_numpy(dtype=object)
                if src.encoding == "windows-1256":
                    values = cp1256_safe(values)
                fa.iloc[rows, fa.columns.get_loc(f)] = values


def generate(config: ScenarioConfig, progress: Progress | None = None) -> Scenario:
    """Build the whole scenario in memory, deterministically for ``config.seed``."""
    config.validate()
    sources = resolve_sources(config)
    root = np.random.SeedSequence(config.seed)
    pop_seed, cap_seed, *rest = root.spawn(3 + len(sources))
    src_seeds, copy_seed = rest[: len(sources)], rest[len(sources)]
    pop: Population = make_population(config, np.random.default_rng(pop_seed))
    caught, copied_from = capture_with_copies(config, sources, pop, np.random.default_rng(cap_seed))
    frames = []
    fields: dict[str, list[str]] = {}
    for k, src in enumerate(sources):
        if progress:
            progress(f"rendering {src.name}", k, len(sources))
        victims = np.flatnonzero(caught[:, k])
        aux = np.random.default_rng(src_seeds[k].spawn(1)[0])  # the robustness dials' draws
        frames.append(
            render_source(src, k, victims, pop, config, np.random.default_rng(src_seeds[k]), aux)
        )
        fields[src.name] = source_fields(src)
    _copy_spellings(frames, sources, copied_from, pop, config, np.random.default_rng(copy_seed))
    records = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    scen = Scenario(config, sources, truth_frame(pop, config), records, caught, fields)
    if pop.namesake_of is not None and pop.namesake_same_father is not None:
        a = np.flatnonzero(pop.namesake_of > np.arange(pop.n))
        scen.namesakes = pd.DataFrame(
            {
                "victim_id": pop.victim_id[a],
                "namesake_id": pop.victim_id[pop.namesake_of[a]],
                "same_father": pop.namesake_same_father[a],
            }
        )
    return scen


def _readme(config: ScenarioConfig, sources: list[SourceSpec], manifest: dict[str, Any]) -> str:
    lines = [
        "# SYNTHETIC crackdown scenario",
        "",
        "**SYNTHETIC DATA — NOT REAL PEOPLE.** Every name, date and place in this folder was",
        "drawn at random by `roshan simulate` to test the roshan pipeline. Any resemblance of",
        "a generated name to a real person is coincidence. Do not publish these lists as",
        "casualty data.",
        "",
        f"- generator: roshan {__version__}",
        f"- seed: {config.seed}",
        f"- population (true number of victims): {config.population}",
        f"- lists: {len(sources)}",
        f"- dependence pairs: {manifest['dependence_pairs']}",
        "",
        "## Options",
        "",
        "```json",
        json.dumps(config.to_dict(), ensure_ascii=False, indent=2, default=str),
        "```",
        "",
        "## Layout",
        "",
        "- `manifest.json` — seed, options and one entry per list (file, format, encoding, mapping).",
        "- `lists/` — one file per source; every file name contains SYNTHETIC.",
        "- `mappings/` — TOML header mappings (`[columns]`: file header -> canonical field).",
        "- `truth/population.csv` — every victim with the true values and latent class.",
        "- `truth/records.csv` — which list record (source, record_id, row_number) is which victim.",
        "",
        "## Lists",
        "",
        "| source | kind | file | format | encoding | records |",
        "|---|---|---|---|---|---|",
    ]
    for s in manifest["sources"]:
        lines.append(
            f"| {s['name']} | {s['kind']} | {s['file']} | {s['format']} | "
            f"{s['encoding'] or '—'} | {s['records']} |"
        )
    return "\n".join(lines) + "\n"


def simulate(
    config: ScenarioConfig, out: Path, progress: Progress | None = None, overwrite: bool = False
) -> dict[str, Any]:
    """Generate a scenario and write it under ``out``; return the manifest.

    Refuses to write into a non-empty directory unless ``overwrite`` (then
    only the simulator's own sub-folders and files are replaced).
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise RoshanError(f"{out} exists and is not a directory")
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise RoshanError(f"{out} is not empty; choose an empty folder or pass --overwrite")
    scen = generate(config, progress)
    for sub in ("lists", "mappings", "truth"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
        (out / sub).mkdir(parents=True)
    entries = []
    for k, src in enumerate(scen.sources):
        if progress:
            progress(f"writing {src.name}", k, len(scen.sources))
        fields = scen.fields[src.name]
        df = scen.records_of(src.name)
        fname = file_name(src)
        write_list(df, src, fields, out / "lists" / fname)
        mapping = None
        if src.header_style != "canonical":
            mapping = f"mappings/{src.name}.toml"
            (out / mapping).write_text(
                mapping_toml(src, headers_for(src, fields)), encoding="utf-8"
            )
        entries.append(
            {
                "name": src.name,
                "kind": src.kind,
                "file": f"lists/{fname}",
                "format": src.format,
                "encoding": src.encoding,
                "mapping": mapping,
                "records": int(len(df)),
                "has_record_id": src.has_record_id,
                "script": src.script,
                "date_style": src.date_style,
                "header_style": src.header_style,
                "fields": fields,
            }
        )
    (out / "truth" / "README.md").write_text(
        "# SYNTHETIC truth\n\nThe true victims (`population.csv`) and which list record is whom "
        "(`records.csv`) for this SYNTHETIC scenario. Not real people.\n",
        encoding="utf-8",
    )
    scen.population.to_csv(out / "truth" / "population.csv", index=False, encoding="utf-8")
    scen.records[["source", "record_id", "row_number", "victim_id"]].to_csv(
        out / "truth" / "records.csv", index=False, encoding="utf-8"
    )
    manifest: dict[str, Any] = {
        "synthetic": True,
        "notice": NOTICE,
        "generator": f"roshan {__version__}",
        "seed": config.seed,
        "options": config.to_dict(),
        "dependence_pairs": [list(p) for p in dependence_pairs(config, len(scen.sources))],
        "population": int(len(scen.population)),
        "sources": entries,
        "truth": {"population": "truth/population.csv", "records": "truth/records.csv"},
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    (out / "README.md").write_text(_readme(config, scen.sources, manifest), encoding="utf-8")
    return manifest


def ingest_scenario(
    ws: Workspace,
    scenario_dir: Path,
    manifest: dict[str, Any],
    log: Callable[[str], None] | None = None,
) -> list[Any]:
    """Ingest every list of a simulated scenario (as :func:`simulate` wrote it, with its
    manifest) into workspace ``ws``, each with its mapping file; returns the
    ``IngestResult`` of each list, in manifest order."""
    from roshan.canonical import SourceKind
    from roshan.ingest.importer import ingest_file

    scenario_dir = Path(scenario_dir)
    results = []
    for src in manifest["sources"]:
        mapping = scenario_dir / src["mapping"] if src.get("mapping") else None
        res = ingest_file(
            ws,
            scenario_dir / src["file"],
            source_name=src["name"],
            source_kind=SourceKind(src["kind"]),
            mapping_path=mapping,
        )
        if log is not None:
            log(
                f"ingested {src['file']}: {res.rows_accepted} accepted, "
                f"{res.rows_rejected} rejected"
            )
        results.append(res)
    return results
