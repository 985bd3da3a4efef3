"""The normalise stage: records frame in, ``normalized.parquet`` out.

:func:`normalize_frame` is pure (records_frame shape in, normalised frame out)
and fast on millions of rows because casualty lists repeat themselves: the
same names, dates, ages and places recur across rows and sources. Each field
is normalised once per *distinct value* (``pandas.factorize``) and the results
are joined back with integer indexing — there is no per-row Python loop.

:func:`normalize_workspace` runs it on a workspace's accepted records and
writes ``snapshots/normalized.parquet`` atomically (temp file + rename).
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from roshan.normalize.ages import parse_age
from roshan.normalize.causes import cause_category, yes_no
from roshan.normalize.dates import ColumnHint, DateResult, detect_column, parse_date
from roshan.normalize.names import NamePart, name_part, romanize_token, split_full_name
from roshan.normalize.places import resolve_place
from roshan.normalize.schema import COLUMNS, NORMALIZED_SCHEMA
from roshan.normalize.sex import resolve_sex
from roshan.normalize.text import script_of
from roshan.normalize.variants import (
    VariantTable,
    default_table,
    load_variants_file,
    split_text_suffix,
)

VARIANTS_FILE = "variants.tsv"
"""Name of the workspace file of reviewer-confirmed name variants (name_a<TAB>name_b)."""


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    if name in df.columns:
        return df[name]
    return pd.Series([None] * len(df), index=df.index, dtype=object)


def _distinct_apply(columns: Sequence[pd.Series], fn: Callable[..., Any]) -> tuple[list[Any], np.ndarray]:
    """Apply ``fn`` once per distinct tuple of values; return (results, row → result index)."""
    if len(columns) == 1:
        codes, uniques = pd.factorize(columns[0].astype(object), use_na_sentinel=False)
        results = [fn(_none(u)) for u in uniques]
        return results, codes
    frame = pd.DataFrame({i: c.astype(object).to_numpy() for i, c in enumerate(columns)})
    frame = frame.where(frame.notna(), None)
    # factorize each column, then the tuple of codes
    code_cols = []
    uniq_cols = []
    for i in range(len(columns)):
        c, u = pd.factorize(frame[i], use_na_sentinel=False)
        code_cols.append(c.astype(np.int64))
        uniq_cols.append(u)
    inverse, uniq_rows = _factorize_rows(code_cols)
    results = [fn(*(_none(uniq_cols[j][r[j]]) for j in range(len(columns)))) for r in uniq_rows]
    return results, inverse


def _factorize_rows(code_cols: list[np.ndarray]) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """Factorize rows of integer code columns (hash-based, no sort): (row -> id, id -> codes)."""
    spans = [int(c.max() - c.min() + 1) if len(c) else 1 for c in code_cols]
    total = 1
    for sp in spans:
        total *= sp
    if total >= 2**62:  # would overflow int64: sort-based fallback
        stacked = np.stack([c.astype(np.int64) for c in code_cols], axis=1)
        uniq_rows, inv = np.unique(stacked, axis=0, return_inverse=True)
        return inv.reshape(-1).astype(np.int64), [tuple(int(x) for x in r) for r in uniq_rows]
    combined = np.zeros(len(code_cols[0]), dtype=np.int64)
    for c in code_cols:
        c = c.astype(np.int64)
        span = int(c.max() - c.min() + 1) if len(c) else 1
        combined = combined * span + (c - (c.min() if len(c) else 0))
    inverse, uniq = pd.factorize(combined)
    first = np.full(len(uniq), -1, dtype=np.int64)
    # first row of each id, to read back its codes
    order = np.arange(len(inverse))[::-1]
    first[inverse[order]] = order
    rows = [tuple(int(c[i]) for c in code_cols) for i in first]
    return inverse.astype(np.int64), rows


def _none(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if v is pd.NA or v is pd.NaT:
        return None
    return v if isinstance(v, str) else str(v)


def _take(values: list[Any], idx: np.ndarray, dtype: Any = object) -> np.ndarray:
    if dtype is object:
        arr = np.fromiter(values, dtype=object, count=len(values))
    else:
        arr = np.asarray(values, dtype=dtype)
    return arr[idx]


def _j(a: str, b: str) -> str:
    """Join two optional strings with a space (faster than a generator join)."""
    if a and b:
        return a + " " + b
    return a or b


PARALLEL_MIN_VALUES = 100_000
"""Below this many distinct name values, names are normalised in-process."""


def _workers() -> int:
    """Worker processes for name normalisation: ``ROSHAN_WORKERS`` (default 1).

    One process normalises a million records in about 16 CPU-seconds, so the
    parallel path is opt-in: it costs a fresh interpreter and lexicon per worker.
    """
    env = os.environ.get("ROSHAN_WORKERS")
    if env and env.isdigit():
        return max(1, min(int(env), os.cpu_count() or 1, 8))
    return 1


_WORKER_TABLE: VariantTable | None = None


def _init_worker(state: tuple[dict[str, str], dict[str, str], dict[str, str]]) -> None:
    global _WORKER_TABLE
    parent, display, persian = state
    _WORKER_TABLE = VariantTable(parent=parent, display=display, persian=persian)


def _worker_chunk(values: list[tuple[str, str | None]]) -> list[NamePart]:
    return [name_part(v, _WORKER_TABLE, role) for role, v in values]


def name_parts(values: list[tuple[str, str | None]], table: VariantTable) -> list[NamePart]:
    """:func:`name_part` of every (role, value); spread over worker processes for big inputs.

    Workers are started fresh (``forkserver``), get a copy of the variant table
    and load the lexicon themselves, so the cost (~1-2 s) only pays off for
    large inputs; ``ROSHAN_WORKERS=1`` forces a single process.
    """
    workers = _workers()
    if workers < 2 or len(values) < PARALLEL_MIN_VALUES:
        return [name_part(v, table, role) for role, v in values]
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    n_chunks = workers * 4
    size = (len(values) + n_chunks - 1) // n_chunks
    chunks = [values[i:i + size] for i in range(0, len(values), size)]
    state = (dict(table.parent), dict(table.display), dict(table.persian))
    try:
        ctx = mp.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                                 initializer=_init_worker, initargs=(state,)) as ex:
            results = list(ex.map(_worker_chunk, chunks))
    except (OSError, RuntimeError, ValueError):  # no processes allowed here: do it inline
        return [name_part(v, table, role) for role, v in values]
    return [p for chunk in results for p in chunk]


def romanize_from_data(parts: list[NamePart], table: VariantTable) -> list[NamePart]:
    """Romanise Persian-script names with the Latin spellings seen in the same data.

    A Persian token whose key has no spelling in the variant table would get a
    guessed transliteration (لردگان → "lardgan"); when Latin-script records of
    the same run spell a token with that key ("lordegan"), the most frequent
    such spelling is used instead, which makes ``*_roman`` columns comparable
    across scripts for string similarity. Deterministic: ties go to the
    alphabetically first spelling.
    """
    counts: dict[str, Counter[str]] = {}

    def see(word: str) -> None:
        keys = table.token_keys(word)
        if len(keys) == 1 and table.romanize_key(keys[0]) is None:
            counts.setdefault(keys[0], Counter())[word] += 1

    for p in parts:
        for t in p.tokens:
            if t.isascii() and t.isalpha():
                see(t)
                split = split_text_suffix(t)  # lordeganipour: learn "lordegani"
                if split is not None:
                    see(split[0])
    if not counts:
        return parts
    observed = {k: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for k, c in counts.items()}
    out: list[NamePart] = []
    for p in parts:
        if not p.tokens or all(t.isascii() for t in p.tokens):
            out.append(p)
            continue
        words: list[str] = []
        changed = False
        for t in p.tokens:
            if t.isascii():
                words.append(romanize_token(t, table))
                continue
            keys = table.token_keys(t)
            spells = [table.romanize_key(k) or observed.get(k) for k in keys]
            if keys and all(spells) and any(observed.get(k) for k in keys):
                words.append("".join(sp for sp in spells if sp))
                changed = True
            else:
                words.append(romanize_token(t, table))
        if changed:
            roman = " ".join(w for w in words if w)
            out.append(NamePart(p.norm, p.tokens, p.keys, roman, p.honorifics))
        else:
            out.append(p)
    return out


def normalize_frame(df: pd.DataFrame, variants: VariantTable | None = None) -> pd.DataFrame:
    """Normalise every field of a records frame (``records_frame`` shape); pure.

    Returns one row per input row with the columns of
    :data:`roshan.normalize.schema.NORMALIZED_SCHEMA`, in that order.
    ``variants`` is the name-variant table to use (default: the package's).
    """
    table = variants or default_table()
    n = len(df)
    out: dict[str, Any] = {}
    out["record_pk"] = (df["record_pk"].astype("int64").to_numpy() if "record_pk" in df
                        else np.arange(n, dtype="int64"))
    out["source"] = _col(df, "source").astype(object).to_numpy()
    out["source_kind"] = _col(df, "source_kind").astype(object).to_numpy()
    out["record_id"] = _col(df, "record_id").astype(object).to_numpy()
    rn = _col(df, "row_number")
    out["row_number"] = pd.array(pd.to_numeric(rn, errors="coerce"), dtype="Int64")

    # ---- names: every distinct value of the four name fields once (in parallel
    # for big frames), then combined per row
    name_cols = {f: _col(df, f) for f in ("full_name", "given_name", "family_name", "father_name")}
    coded = {f: pd.factorize(col.astype(object), use_na_sentinel=False)
             for f, col in name_cols.items()}
    role_of = {"full_name": "full", "given_name": "given", "family_name": "family",
               "father_name": "father"}
    all_values: dict[tuple[str, Any], int] = {}
    for f, (_codes, uniques) in coded.items():
        role = "given" if role_of[f] == "father" else role_of[f]  # same rules: share work
        for u in uniques:
            all_values.setdefault((role, _none(u)), len(all_values))
    done = name_parts(list(all_values), table)
    done = romanize_from_data(done, table)
    parts: dict[str, tuple[list[NamePart], np.ndarray]] = {}
    for f, (codes, uniques) in coded.items():
        role = "given" if role_of[f] == "father" else role_of[f]
        parts[f] = ([done[all_values[(role, _none(u))]] for u in uniques], codes)
    fp, fidx = parts["full_name"]
    gp, gidx = parts["given_name"]
    mp, midx = parts["family_name"]
    pp, pidx_ = parts["father_name"]
    has_gf = (_take([bool(p.tokens) for p in gp], gidx, bool)
              | _take([bool(p.tokens) for p in mp], midx, bool))
    # rows with only a full name: split it (once per distinct full name)
    _, raw_full = pd.factorize(name_cols["full_name"].astype(object), use_na_sentinel=False)
    split_cache: dict[int, tuple[NamePart, NamePart]] = {}
    empty = name_part(None, table, "given")
    for code in np.unique(fidx[~has_gf]):
        full_part = fp[code]
        if not full_part.tokens:
            split_cache[int(code)] = (empty, empty)
            continue
        raw = _none(raw_full[int(code)])
        g_toks, f_toks = split_full_name(full_part, raw or "", table)
        split_cache[int(code)] = (name_part(" ".join(g_toks), table, "given"),
                                  name_part(" ".join(f_toks), table, "family"))
    # per row: a (given part, family part) pair, coded by distinct combination
    g_code = np.where(has_gf, gidx, -1 - fidx)
    m_code = np.where(has_gf, midx, -1 - fidx)

    def given_of(code: int) -> NamePart:
        return gp[code] if code >= 0 else split_cache.get(-1 - code, (empty, empty))[0]

    def family_of(code: int) -> NamePart:
        return mp[code] if code >= 0 else split_cache.get(-1 - code, (empty, empty))[1]

    def combine(gc: int, mc: int, fc: int) -> tuple[Any, ...]:
        g, m, f = given_of(gc), family_of(mc), fp[fc]
        keys = g.keys + m.keys
        tokens = list(keys) if keys else list(f.keys)
        full_key = " ".join(sorted(tokens)) or None
        hons: list[str] = []
        if f.honorifics or g.honorifics or m.honorifics:
            for p in (f, g, m):
                for h in p.honorifics:
                    if h not in hons:
                        hons.append(h)
        full_norm = f.norm or _j(g.norm, m.norm)
        roman = _j(g.roman, m.roman) or f.roman
        return (g.norm or None, m.norm or None, g.key or None, m.key or None, full_key, tokens,
                g.roman or None, m.roman or None, roman or None, " ".join(hons) or None,
                script_of(full_norm), full_norm or None, g.keys[0] if g.keys else None)

    cidx_names, combos = _factorize_rows([g_code.astype(np.int64), m_code.astype(np.int64),
                                          fidx.astype(np.int64)])
    combined = [combine(a, b, c) for a, b, c in combos]

    def comb(i: int) -> np.ndarray:
        return _take([c[i] for c in combined], cidx_names)

    out["full_name_norm"] = comb(11)
    out["given_norm"] = comb(0)
    out["family_norm"] = comb(1)
    out["father_norm"] = _take([p.norm or None for p in pp], pidx_)
    out["given_key"] = comb(2)
    out["family_key"] = comb(3)
    out["father_key"] = _take([p.key or None for p in pp], pidx_)
    out["full_key"] = comb(4)
    out["name_tokens"] = comb(5)
    out["given_roman"] = comb(6)
    out["family_roman"] = comb(7)
    out["father_roman"] = _take([p.roman or None for p in pp], pidx_)
    out["full_roman"] = comb(8)
    out["honorifics"] = comb(9)
    out["name_script"] = comb(10)
    first_given_arr = comb(12)

    # ---- sex: distinct (reported sex, first given key)
    first_given = pd.Series(first_given_arr)
    sexes, sidx = _distinct_apply([_col(df, "sex"), first_given],
                                  lambda s, k: resolve_sex(s, [k] if k else []))
    out["sex"] = _take([s.value for s in sexes], sidx)
    out["sex_imputed"] = _take([s.imputed for s in sexes], sidx, bool)

    # ---- age
    ages, aidx = _distinct_apply([_col(df, "age")], parse_age)
    out["age_min"] = pd.array(_take([a.min for a in ages], aidx), dtype="Int32")
    out["age_max"] = pd.array(_take([a.max for a in ages], aidx), dtype="Int32")

    # ---- dates: calendar and day/month order detected per source column
    sources = _col(df, "source").astype(object).where(_col(df, "source").notna(), "")

    def dates_for(col: str) -> tuple[list[DateResult], np.ndarray]:
        values = _col(df, col)
        hints: dict[Any, ColumnHint] = {}
        pairs = pd.DataFrame({"s": sources.to_numpy(), "v": values.astype(object).to_numpy()})
        for src, grp in pairs.groupby("s", sort=False, dropna=False):
            hints[src] = detect_column(pd.unique(grp["v"].dropna()))
        return _distinct_apply([sources, values],
                               lambda s, v: parse_date(v, hints.get(s if s is not None else "")))

    dod, didx = dates_for("date_of_death")
    out["dod"] = _take([d.first for d in dod], didx)
    out["dod_last"] = _take([d.last for d in dod], didx)
    out["dod_iso"] = _take([d.iso for d in dod], didx)
    out["dod_precision"] = _take([d.precision for d in dod], didx)
    out["dod_calendar"] = _take([d.calendar for d in dod], didx)
    out["dod_ambiguous"] = _take([d.ambiguous for d in dod], didx, bool)
    dob, bidx = dates_for("date_of_birth")
    out["dob_iso"] = _take([d.iso for d in dob], bidx)
    out["dob_year"] = pd.array(_take([d.first.year if d.first else None for d in dob], bidx),
                               dtype="Int32")

    # ---- places
    places, pidx = _distinct_apply(
        [_col(df, "city"), _col(df, "county"), _col(df, "province"), _col(df, "place_of_death")],
        resolve_place)
    out["city"] = _take([p.city for p in places], pidx)
    out["county"] = _take([p.county for p in places], pidx)
    out["province"] = _take([p.province for p in places], pidx)
    out["province_code"] = _take([p.province_code for p in places], pidx)
    out["place_confidence"] = _take([p.confidence for p in places], pidx, np.float32)
    out["place_unresolved"] = _take([p.unresolved for p in places], pidx, bool)

    # ---- cause and body
    causes, cidx = _distinct_apply([_col(df, "cause_category"), _col(df, "cause_of_death")],
                                   cause_category)
    out["cause_category"] = _take(causes, cidx)
    bodies, bwidx = _distinct_apply([_col(df, "body_withheld")], yes_no)
    out["body_withheld"] = pd.array(_take(bodies, bwidx), dtype="boolean")

    frame = pd.DataFrame(out, index=pd.RangeIndex(n))
    return frame[list(COLUMNS)]


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """Convert a :func:`normalize_frame` result to an Arrow table with the documented schema."""
    return pa.Table.from_pandas(frame, schema=NORMALIZED_SCHEMA, preserve_index=False)


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` to ``path`` atomically (temp file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".normalized-", suffix=".parquet.tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(to_arrow(frame), tmp, compression="zstd")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def workspace_variants(ws: Any) -> VariantTable:
    """The variant table for a workspace: package seeds + its ``variants.tsv``."""
    return load_variants_file(Path(ws.root) / VARIANTS_FILE)


def normalize_workspace(ws: Any) -> Path:
    """Normalise a workspace's accepted records into ``ws.snapshots_dir/normalized.parquet``."""
    from roshan.store.records import records_frame

    df = records_frame(ws, accepted_only=True)
    frame = normalize_frame(df, workspace_variants(ws))
    return write_parquet(frame, Path(ws.snapshots_dir) / "normalized.parquet")
