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
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from roshan.normalize.ages import MAX_AGE, birth_year_in, parse_age
from roshan.normalize.causes import cause_category, yes_no
from roshan.normalize.dates import ColumnHint, DateResult, as_stated, detect_column, parse_date
from roshan.normalize.ids import national_id
from roshan.normalize.names import (
    FLAG_FATHER_FILLED,
    FLAG_FATHER_FROM_NOTES,
    FLAG_FATHER_IN_NAME,
    FLAG_SWAPPED,
    NAME_FLAGS,
    NamePart,
    Reading,
    family_field_is_given,
    father_in_notes,
    given_field_is_family,
    given_level,
    has_marker_word,
    join_words,
    kin_sex,
    name_alias,
    name_part,
    parse_full_name,
    romanize_token,
)
from roshan.normalize.places import (
    place_of_burial,
    place_of_list,
    place_of_residence,
    residence_in,
    resolve_place,
)
from roshan.normalize.schema import COLUMNS, NORMALIZED_SCHEMA
from roshan.normalize.sex import resolve_sex
from roshan.normalize.text import script_of
from roshan.normalize.variants import (
    VariantTable,
    default_table,
    load_variants_file,
    split_text_suffix,
)

if TYPE_CHECKING:
    from roshan.store.workspace import Workspace

VARIANTS_FILE = "variants.tsv"
"""Name of the workspace file of reviewer-confirmed name variants (name_a<TAB>name_b)."""


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    if name in df.columns:
        return df[name]
    return pd.Series([None] * len(df), index=df.index, dtype=object)


def _distinct_apply(
    columns: Sequence[pd.Series], fn: Callable[..., Any]
) -> tuple[list[Any], np.ndarray]:
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


SWAPPED_LIST_SHARE = 0.5
"""A list with more than this share of its rows swapped by the per-row test is
read as swapped throughout (weaker evidence then suffices for its other rows)."""

LONE_FAMILY_LIST_SHARE = 0.5
LONE_FAMILY_MIN_ROWS = 5
"""A list whose one-word names are mostly family names (more than this share, and at
least LONE_FAMILY_MIN_ROWS of them: a cemetery register that writes «رستمی», «فرهادی»)
has its other one-word names that the lexicon only weakly knows as given names (Zahedi,
Kaabi) read as family names too (:func:`_lone_words_as_family`)."""

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
    chunks = [values[i : i + size] for i in range(0, len(values), size)]
    state = (dict(table.parent), dict(table.display), dict(table.persian))
    try:
        ctx = mp.get_context("forkserver")
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(state,)
        ) as ex:
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


def _flag_strings() -> np.ndarray:
    """name_flags text for every bit mask of NAME_FLAGS (bit i = NAME_FLAGS[i])."""
    out = []
    for mask in range(1 << len(NAME_FLAGS)):
        out.append(" ".join(f for i, f in enumerate(NAME_FLAGS) if mask >> i & 1) or None)
    return np.array(out, dtype=object)


def _bits(flags: tuple[str, ...]) -> int:
    return sum(1 << NAME_FLAGS.index(f) for f in flags)


_BIT_SWAPPED = 1 << NAME_FLAGS.index(FLAG_SWAPPED)
_BIT_FILLED = 1 << NAME_FLAGS.index(FLAG_FATHER_FILLED)
_BIT_NOTES = 1 << NAME_FLAGS.index(FLAG_FATHER_FROM_NOTES)
_NOBODY = NamePart("", (), (), "", ())
_NO_READING = Reading(_NOBODY, _NOBODY, _NOBODY, ())


#: The name columns :func:`_name_columns` reads off the combined parts, in the order
#: its ``combine`` returns them.
_COMBINED_COLUMNS = (
    "given_norm",
    "family_norm",
    "given_key",
    "family_key",
    "full_key",
    "name_tokens",
    "given_roman",
    "family_roman",
    "full_roman",
    "honorifics",
    "name_script",
    "full_name_norm",
)


def _lone_words_as_family(
    df: pd.DataFrame,
    fp: list[NamePart],
    fidx: np.ndarray,
    has_gf: np.ndarray,
    readings: tuple[list[NamePart], list[Reading], list[Reading], list[Reading]],
    empty: NamePart,
) -> np.ndarray:
    """In a list that writes the family name alone, read a one-word name that the lexicon
    only weakly knows as a given name as the family name (:data:`LONE_FAMILY_LIST_SHARE`).

    ``readings`` are the per-value lists (own part, default, alternative and marker
    readings); a value read so in some rows gets a new code appended to each of them.
    Returns the rows' full-name codes, changed where such rows now read the new code."""
    own, default, alt, marker = readings
    n_full = len(fp)
    lone = np.zeros(n_full, dtype=bool)
    as_family = np.zeros(n_full, dtype=bool)
    weak_given = np.zeros(n_full, dtype=bool)
    for code in range(n_full):
        r = default[code]
        # the person's own name, a father clause («فرزند محمد») taken out
        if len(own[code].tokens) != 1 or not (r.given.tokens or r.family.tokens):
            continue
        lone[code] = True
        if r.family.tokens and not r.given.tokens:
            as_family[code] = True
        elif r.given.tokens and not r.family.tokens and given_level(r.given.keys) < 2:
            weak_given[code] = True
    if not (as_family.any() and weak_given.any()):
        return fidx
    rows = ~has_gf
    src = pd.factorize(_col(df, "source").astype(object), use_na_sentinel=False)[0]
    n_family = np.bincount(src, weights=rows & as_family[fidx])
    n_lone = np.bincount(src, weights=rows & lone[fidx])
    family_lists = (n_family >= LONE_FAMILY_MIN_ROWS) & (n_family > LONE_FAMILY_LIST_SHARE * n_lone)
    change = rows & weak_given[fidx] & family_lists[src]
    if not change.any():
        return fidx
    fidx = fidx.copy()
    new_code: dict[int, int] = {}
    for code in np.unique(fidx[change]):
        code = int(code)
        new_code[code] = len(default)
        r = default[code]
        own.append(own[code])
        default.append(Reading(empty, r.given, r.father, r.flags))
        alt.append(_NO_READING)
        marker.append(marker[code])
    fidx[change] = [new_code[int(c)] for c in fidx[change]]
    return fidx


def _name_columns(df: pd.DataFrame, table: VariantTable, out: dict[str, Any]) -> np.ndarray:
    """Fill the name columns of ``out``; return each row's first given-name key.

    Every distinct value of each name field is normalised once; a full name is
    read into parts (:func:`parse_full_name`) once per distinct value; swapped
    given/family columns are detected per distinct value of each field. Rows
    then pick their parts by integer codes (no per-row Python).
    """
    name_cols = {f: _col(df, f) for f in ("full_name", "given_name", "family_name", "father_name")}
    coded = {
        f: pd.factorize(col.astype(object), use_na_sentinel=False) for f, col in name_cols.items()
    }
    role_of = {
        "full_name": "full",
        "given_name": "given",
        "family_name": "family",
        "father_name": "father",
    }
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
    pp, pidx = parts["father_name"]
    raw_full, raw_given, raw_family = (
        coded[f][1] for f in ("full_name", "given_name", "family_name")
    )
    g_has = np.fromiter((bool(p.tokens) for p in gp), bool, len(gp))
    m_has = np.fromiter((bool(p.tokens) for p in mp), bool, len(mp))
    p_has = np.fromiter((bool(p.tokens) for p in pp), bool, len(pp))
    has_gf = g_has[gidx] | m_has[midx]
    own_father = p_has[pidx]

    # swapped given/family columns: both halves of the test are per distinct value
    g_fam = np.fromiter((given_field_is_family(p) for p in gp), np.int8, len(gp))[gidx]
    m_giv = np.fromiter((family_field_is_given(p) for p in mp), np.int8, len(mp))[midx]
    swap = (g_fam >= 1) & (m_giv == 2)  # swapped_columns
    weak = (g_fam >= 1) & (m_giv >= 1)
    if weak.any():
        # a list whose columns are swapped throughout (mislabelled headers): when
        # most of its rows with both names are swapped, weaker pairs are swapped too
        both = g_has[gidx] & m_has[midx]
        src = pd.factorize(_col(df, "source").astype(object), use_na_sentinel=False)[0]
        n_both = np.bincount(src, weights=both)
        n_swap = np.bincount(src, weights=swap)
        listwise = n_swap > SWAPPED_LIST_SHARE * np.maximum(n_both, 1)
        swap = swap | (weak & listwise[src])
    empty = name_part(None, table, "given")
    sw_given: list[NamePart] = []  # the family field's value read as a given name
    sw_family: list[NamePart] = []  # the given field's value read as a family name
    sw_gpos = np.zeros(len(mp), dtype=np.int64)
    sw_mpos = np.zeros(len(gp), dtype=np.int64)
    if swap.any():
        for code in np.unique(midx[swap]):
            sw_gpos[code] = len(sw_given)
            sw_given.append(name_part(_none(raw_family[int(code)]), table, "given"))
        for code in np.unique(gidx[swap]):
            sw_mpos[code] = len(sw_family)
            sw_family.append(name_part(_none(raw_given[int(code)]), table, "family"))

    # full names: read once per distinct value; split only where a row needs it
    n_full = len(fp)
    need_split = np.zeros(n_full, dtype=bool)
    need_split[np.unique(fidx[~has_gf])] = True
    own: list[NamePart] = list(fp)
    default: list[Reading] = [_NO_READING] * n_full
    alt: list[Reading] = [_NO_READING] * n_full
    marker: list[Reading] = [_NO_READING] * n_full
    mid_key = np.full(n_full, None, dtype=object)
    mid_default = np.zeros(n_full, dtype=bool)
    for code, part in enumerate(fp):
        if not part.tokens:
            continue
        split = bool(need_split[code])
        if not split and not has_marker_word(part.norm, _none(raw_full[code])):
            continue
        parsed = parse_full_name(_none(raw_full[code]), table, part, split=split)
        own[code] = parsed.own
        default[code] = parsed.reading
        if FLAG_FATHER_IN_NAME in parsed.reading.flags:
            marker[code] = Reading(empty, empty, parsed.reading.father, (FLAG_FATHER_IN_NAME,))
        if parsed.alternative is not None:
            alt[code] = parsed.alternative
            mid_key[code] = parsed.middle_key
            mid_default[code] = parsed.middle_is_father

    fidx = _lone_words_as_family(df, fp, fidx, has_gf, (own, default, alt, marker), empty)
    mid_key = np.concatenate([mid_key, np.full(len(default) - n_full, None, dtype=object)])
    mid_default = np.concatenate([mid_default, np.zeros(len(default) - n_full, dtype=bool)])
    n_full = len(default)

    # rows with only a full name: the alternative reading of "X Z Y" when the
    # record's own father's name contradicts (or repeats) the middle token
    use_alt = np.zeros(len(fidx), dtype=bool)
    cand = np.flatnonzero(~has_gf & (mid_key[fidx] != None))  # noqa: E711 - object array
    if len(cand):
        p_key = np.array([p.key or None for p in pp], dtype=object)
        own_key = p_key[pidx[cand]]
        m_key = mid_key[fidx[cand]]
        same = own_key == m_key
        present = own_key != None  # noqa: E711 - object array
        use_alt[cand] = np.where(mid_default[fidx[cand]], present & ~same, same)
    reading_code = np.where(has_gf, 2 * n_full + fidx, np.where(use_alt, n_full + fidx, fidx))
    readings = default + alt + marker

    # per row: (given part, family part, own full part) codes into combined lists
    givens = gp + sw_given + [r.given for r in default] + [r.given for r in alt]
    families = mp + sw_family + [r.family for r in default] + [r.family for r in alt]
    o_d, o_a = len(gp) + len(sw_given), len(gp) + len(sw_given) + n_full
    g_code = np.where(
        has_gf,
        np.where(swap, len(gp) + sw_gpos[midx], gidx),
        np.where(use_alt, o_a + fidx, o_d + fidx),
    )
    o_d, o_a = len(mp) + len(sw_family), len(mp) + len(sw_family) + n_full
    m_code = np.where(
        has_gf,
        np.where(swap, len(mp) + sw_mpos[gidx], midx),
        np.where(use_alt, o_a + fidx, o_d + fidx),
    )

    def combine(gc: int, mc: int, fc: int) -> tuple[Any, ...]:
        """The :data:`_COMBINED_COLUMNS` of one (given, family, own full) part, in that
        order, then the first given name's key."""
        g, m, f = givens[gc], families[mc], own[fc]
        keys = g.keys + m.keys
        tokens = list(keys) if keys else list(f.keys)
        full_key = " ".join(sorted(tokens)) or None
        hons: list[str] = []
        if f.honorifics or g.honorifics or m.honorifics:
            for p in (f, g, m):
                for h in p.honorifics:
                    if h not in hons:
                        hons.append(h)
        full_norm = f.norm or join_words(g.norm, m.norm)
        roman = join_words(g.roman, m.roman) or f.roman
        return (
            g.norm or None,
            m.norm or None,
            g.key or None,
            m.key or None,
            full_key,
            tokens,
            g.roman or None,
            m.roman or None,
            roman or None,
            " ".join(hons) or None,
            script_of(full_norm),
            full_norm or None,
            g.keys[0] if g.keys else None,
        )

    cidx_names, combos = _factorize_rows(
        [g_code.astype(np.int64), m_code.astype(np.int64), fidx.astype(np.int64)]
    )
    combined = [combine(a, b, c) for a, b, c in combos]

    def comb(i: int) -> np.ndarray:
        return _take([c[i] for c in combined], cidx_names)

    # father: the record's own, else one read in its full name
    fathers = pp + [r.father for r in readings]
    f_code = np.where(own_father, pidx, len(pp) + reading_code)
    f_idx, f_uniq = pd.factorize(f_code)
    f_parts = [fathers[int(c)] for c in f_uniq]

    # flags: a bit mask per reading, plus the swap and "father filled" bits per row
    r_bits = np.fromiter((_bits(r.flags) for r in readings), np.int64, len(readings))
    r_father = np.fromiter((bool(r.father.tokens) for r in readings), bool, len(readings))
    bits = r_bits[reading_code] | np.where(swap, _BIT_SWAPPED, 0)
    bits |= np.where(~own_father & r_father[reading_code], _BIT_FILLED, 0)

    # no father anywhere in the name columns: one the notes state ("Son of Ali Akbar.")
    n_codes, n_uniq = pd.factorize(_col(df, "notes").astype(object))
    if len(n_uniq):
        from_notes = [father_in_notes(v, table) for v in n_uniq]
        found = np.fromiter((bool(p.tokens) for p in from_notes), bool, len(from_notes))
        has = np.fromiter((bool(p.tokens) for p in f_parts), bool, len(f_parts))[f_idx]
        use = ~has & (n_codes >= 0) & found[np.maximum(n_codes, 0)]
        if use.any():
            pool = f_parts + from_notes
            f_idx, f_uniq = pd.factorize(np.where(use, len(f_parts) + n_codes, f_idx))
            f_parts = [pool[int(c)] for c in f_uniq]
            bits |= np.where(use, _BIT_NOTES, 0)

    for i, col in enumerate(_COMBINED_COLUMNS):
        out[col] = comb(i)
    out["alias_key"] = _alias_keys(coded, table)
    for attr in ("norm", "key", "roman"):
        out[f"father_{attr}"] = _take([getattr(p, attr) or None for p in f_parts], f_idx)
    out["name_flags"] = _flag_strings()[bits]
    table.part_cache.clear()  # the memo of parse_full_name lives for one run
    return comb(len(_COMBINED_COLUMNS))  # the first given name's key


def _alias_keys(coded: dict[str, tuple[np.ndarray, Any]], table: VariantTable) -> np.ndarray:
    """Per row, the key of the other given name written in brackets in the given-name
    cell, else in the full-name cell (:func:`~roshan.normalize.names.name_alias`);
    None where there is none. Once per distinct value."""
    keys: list[np.ndarray] = []
    for f in ("given_name", "full_name"):
        codes, uniques = coded[f]
        found = np.array([name_alias(_none(u), table).key or None for u in uniques] + [None])
        keys.append(found[np.where(codes >= 0, codes, len(uniques))])
    given, full = keys
    return np.where(pd.notna(given), given, full)


def _fill_places(
    places: list[Any], pidx: np.ndarray, values: pd.Series, read: Callable[[Any], Any]
) -> tuple[list[Any], np.ndarray]:
    """Rows whose place (``places[pidx]``) has neither city nor province take the place
    ``read`` finds in their ``values`` (once per distinct value), where it finds a city."""
    none = np.fromiter(
        (p.city is None and p.province_code is None for p in places), bool, len(places)
    )[pidx]
    if not none.any():
        return places, pidx
    codes, uniques = pd.factorize(values.astype(object))
    if not len(uniques):
        return places, pidx
    found = [read(_none(v)) for v in uniques]
    has = np.fromiter((f.city is not None for f in found), bool, len(found))
    use = none & (codes >= 0) & has[np.maximum(codes, 0)]
    if not use.any():
        return places, pidx
    return list(places) + found, np.where(use, len(places) + codes, pidx)


def _age_from_birth_year(df: pd.DataFrame, out: dict[str, Any]) -> None:
    """Where a record has no age but a year of birth — in the age cell ("born 1380",
    «متولد ۱۳۸۰», a bare 2001) or a date-of-birth column — and a date of death: the
    age is the difference of the years, less one if the birthday had not come yet
    (age_min = difference - 1, age_max = difference)."""
    years, yidx = _distinct_apply([_col(df, "age")], birth_year_in)
    cell = np.array([-1 if y is None else y for y in years], dtype=np.int64)[yidx]
    dob_year = pd.array(out["dob_year"], dtype="Int32").to_numpy(dtype=np.int64, na_value=-1)
    born = np.where(cell > 0, cell, dob_year)
    dod_year = np.array([-1 if d is None else d.year for d in out["dod"]], dtype=np.int64)
    diff = dod_year - born
    no_age = pd.array(out["age_min"], dtype="Int32").isna()
    fill = no_age & (born > 0) & (dod_year > 0) & (diff >= 0) & (diff <= MAX_AGE)
    if not fill.any():
        return
    for col, value in (("age_min", np.maximum(diff - 1, 0)), ("age_max", diff)):
        filled = pd.array(out[col], dtype="Int32").copy()
        filled[fill] = value[fill]
        out[col] = filled


def normalize_frame(df: pd.DataFrame, variants: VariantTable | None = None) -> pd.DataFrame:
    """Normalise every field of a records frame (``records_frame`` shape); pure.

    Returns one row per input row with the columns of
    :data:`roshan.normalize.schema.NORMALIZED_SCHEMA`, in that order.
    ``variants`` is the name-variant table to use (default: the package's).
    """
    table = variants or default_table()
    n = len(df)
    out: dict[str, Any] = {}
    out["record_pk"] = (
        df["record_pk"].astype("int64").to_numpy()
        if "record_pk" in df
        else np.arange(n, dtype="int64")
    )
    out["source"] = _col(df, "source").astype(object).to_numpy()
    out["source_kind"] = _col(df, "source_kind").astype(object).to_numpy()
    out["record_id"] = _col(df, "record_id").astype(object).to_numpy()
    rn = _col(df, "row_number")
    out["row_number"] = pd.array(pd.to_numeric(rn, errors="coerce"), dtype="Int64")

    # ---- names: every distinct value of the four name fields once (in parallel
    # for big frames), then combined per row
    first_given_arr = _name_columns(df, table, out)

    # ---- sex: distinct (reported sex, first given key)
    first_given = pd.Series(first_given_arr)
    sexes, sidx = _distinct_apply(
        [_col(df, "sex"), first_given], lambda s, k: resolve_sex(s, [k] if k else [])
    )
    out["sex"] = _take([s.value for s in sexes], sidx)
    out["sex_imputed"] = _take([s.imputed for s in sexes], sidx, bool)
    # no sex reported: "daughter of" / «پسر» in the record beats the name's usual sex
    kin, kidx = _distinct_apply([_col(df, "full_name"), _col(df, "notes")], kin_sex)
    kin_row = np.array(kin, dtype=object)[kidx]
    use = (np.asarray(out["sex_imputed"], bool) | pd.isna(np.asarray(out["sex"], object))) & (
        pd.notna(kin_row)
    )
    if use.any():
        out["sex"] = np.where(use, kin_row, np.asarray(out["sex"], object))
        out["sex_imputed"] = np.asarray(out["sex_imputed"], bool) | use

    # ---- age
    ages, aidx = _distinct_apply([_col(df, "age")], parse_age)
    out["age_min"] = pd.array(_take([a.min for a in ages], aidx), dtype="Int32")
    out["age_max"] = pd.array(_take([a.max for a in ages], aidx), dtype="Int32")

    # ---- dates: calendar and day/month order detected per source column
    sources = _col(df, "source").astype(object).where(_col(df, "source").notna(), "")

    stated_in = _col(df, "list_dates")

    def dates_for(col: str) -> tuple[list[DateResult], np.ndarray]:
        values = _col(df, col)
        hints: dict[Any, ColumnHint] = {}
        pairs = pd.DataFrame({"s": sources.to_numpy(), "v": values.astype(object).to_numpy()})
        for src, grp in pairs.groupby("s", sort=False, dropna=False):
            hints[src] = detect_column(pd.unique(grp["v"].dropna()))

        def parse(s: Any, stated: str | None, v: Any) -> DateResult:
            # what the list's header or mapping says wins over detection
            hint = as_stated(hints.get(s if s is not None else "") or ColumnHint(), stated, col)
            return parse_date(v, hint)

        return _distinct_apply([sources, stated_in, values], parse)

    dod, didx = dates_for("date_of_death")
    out["dod"] = _take([d.first for d in dod], didx)
    out["dod_last"] = _take([d.last for d in dod], didx)
    out["dod_iso"] = _take([d.iso for d in dod], didx)
    out["dod_precision"] = _take([d.precision for d in dod], didx)
    out["dod_calendar"] = _take([d.calendar for d in dod], didx)
    out["dod_ambiguous"] = _take([d.ambiguous for d in dod], didx, bool)
    dob, bidx = dates_for("date_of_birth")
    out["dob_iso"] = _take([d.iso for d in dob], bidx)
    out["dob_year"] = pd.array(
        _take([d.first.year if d.first else None for d in dob], bidx), dtype="Int32"
    )
    _age_from_birth_year(df, out)
    burial, buidx = dates_for("date_of_burial")
    out["burial"] = _take([d.first if d.precision == "day" else None for d in burial], buidx)

    # ---- places
    places, pidx = _distinct_apply(
        [_col(df, "city"), _col(df, "county"), _col(df, "province"), _col(df, "place_of_death")],
        resolve_place,
    )
    # No place anywhere: a cemetery register's cemetery says the city
    # (places.place_of_burial), then the place given for the whole list at ingest
    # (--place: a morgue's city; places.place_of_list), then a home town among the
    # unmapped cells («محل سکونت»: hospital lists; places.place_of_residence); all at
    # low confidence.
    places, pidx = _fill_places(places, pidx, _col(df, "burial_place"), place_of_burial)
    # ... or a place of death that names a cemetery, not a town («محل»: «بهشت زهرا»)
    places, pidx = _fill_places(places, pidx, _col(df, "place_of_death"), place_of_burial)
    places, pidx = _fill_places(places, pidx, _col(df, "list_place"), place_of_list)
    if "extra" in df.columns:
        homes = df["extra"].map(residence_in)
        places, pidx = _fill_places(places, pidx, homes, place_of_residence)
    out["city"] = _take([p.city for p in places], pidx)
    out["county"] = _take([p.county for p in places], pidx)
    out["province"] = _take([p.province for p in places], pidx)
    out["province_code"] = _take([p.province_code for p in places], pidx)
    out["place_confidence"] = _take([p.confidence for p in places], pidx, np.float32)
    out["place_unresolved"] = _take([p.unresolved for p in places], pidx, bool)

    # ---- cause and body
    causes, cidx = _distinct_apply(
        [_col(df, "cause_category"), _col(df, "cause_of_death")], cause_category
    )
    out["cause_category"] = _take(causes, cidx)
    bodies, bwidx = _distinct_apply([_col(df, "body_withheld")], yes_no)
    out["body_withheld"] = pd.array(_take(bodies, bwidx), dtype="boolean")

    # ---- national ID (normalize.ids)
    ids, iidx = _distinct_apply([_col(df, "national_id")], national_id)
    out["national_id"] = _take([i.digits if i else None for i in ids], iidx)
    out["national_id_valid"] = pd.array(
        _take([i.valid if i else None for i in ids], iidx), dtype="boolean"
    )

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


def workspace_variants(ws: Workspace) -> VariantTable:
    """The variant table for a workspace: package seeds + its ``variants.tsv``."""
    return load_variants_file(Path(ws.root) / VARIANTS_FILE)


def normalize_workspace(ws: Workspace) -> Path:
    """Normalise a workspace's accepted records into ``ws.snapshots_dir/normalized.parquet``."""
    from roshan.store.records import records_frame

    df = records_frame(ws, accepted_only=True, with_extra=True)
    frame = normalize_frame(df, workspace_variants(ws))
    return write_parquet(frame, ws.snapshot("normalized"))
