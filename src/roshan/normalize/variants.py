"""Name lexicon and variant table: from rule keys to canonical cross-script keys.

The rule key (:mod:`roshan.normalize.keys`) makes most spellings of a name
collide. What it cannot reconcile (Muhammad/محمد, Hussein/حسین, Mostafa/مصطفی
with its alef maqsura, Ismail/اسماعیل) comes from a *variant table*:

* seeded from the ``name-variants`` package (MIT; its Persian and Arabic
  tables) and from roshan's own curated ``data/variants_supplement.tsv``;
* extended at run time by links reviewers confirm, via
  :func:`add_confirmed_variant` or a workspace ``variants.tsv`` file
  (:func:`load_variants_file`).

The table is a union-find over rule keys whose root is the Persian form's key.
A seeded Latin spelling is only mapped when its own rule key is not already the
key of another known name (so the seed ``nasir`` for ناصر cannot swallow نصیر)
and when only one Persian name claims it.

A *lexicon* of about 30,000 Iranian given and family names in Persian script
(``persian-gender-detection`` and ``farsi-faker`` data, both MIT) gives the set
of known name keys, which is used to split run-together compounds
(Mohammadreza → ``mhmd rzA``, Hosseinzadeh → ``hsYn zdE``) and to impute sex
from a given name (:func:`sex_of_given_key`).
"""

from __future__ import annotations

import csv
import pickle
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from roshan.normalize.keys import rule_key
from roshan.normalize.text import is_persian_token, normalize_text

# Seeds from name-variants that are translations or another culture's name, not
# spellings of the same Persian name.
_SEED_BLOCKLIST = frozenset(
    "abraham david solomon zechariah jasmine cyrus mehmet mehmed ahmet miriam rahmat "
    "rania zohra noura samer nasir nasser hamid tamir".split()
)
# Family-name suffixes (also split off run-together family names).
FAMILY_SUFFIXES_FA = (
    "زاده",
    "پور",
    "نژاد",
    "نیا",
    "فر",
    "راد",
    "وند",
    "لو",
    "زادگان",
    "پوری",
    "آبادی",
    "ابادی",
)
FAMILY_SUFFIXES_LATIN = (
    "zadeh",
    "zade",
    "zada",
    "zadah",
    "pour",
    "pur",
    "poor",
    "nejad",
    "nezhad",
    "nejhad",
    "nia",
    "niya",
    "far",
    "rad",
    "vand",
    "lou",
    "loo",
    "lu",
    "abadi",
)
_MIN_PART = 3


def data_path(name: str) -> Path:
    return Path(str(resources.files("roshan.normalize") / "data" / name))


_EXACT_SEX: dict[str, str] = {}


def _farsi_faker_names() -> Any:
    """The name lists the optional farsi_faker package ships (a dict with ``male_names``,
    ``female_names`` and ``last_names``); raises when the package or its data is missing."""
    import farsi_faker

    pkl = Path(farsi_faker.__file__).parent / "data" / "names.pkl"
    with open(pkl, "rb") as fh:
        return pickle.load(fh)  # the package's own shipped data, not user input


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, str], frozenset[str], frozenset[str]]:
    """(given key -> 'm'/'f'/'?' ambiguous, family keys, all simple name keys)."""
    gender: dict[str, set[str]] = {}

    def add_given(name: str, sex: str) -> None:
        norm = normalize_text(name)
        if not norm or " " in norm:
            return
        k = rule_key(norm)
        if k:
            gender.setdefault(k, set()).add(sex)

    try:
        from persian_gender_detection.gender.iranian_names_dataset import names as pgd

        for n, g in pgd.items():
            add_given(n, "m" if g == "M" else "f")
            _EXACT_SEX.setdefault(normalize_text(n), "m" if g == "M" else "f")
    except Exception:  # noqa: BLE001  # pragma: no cover - optional data missing or malformed
        pass
    family: set[str] = set()
    try:
        data = _farsi_faker_names()
        for n in data.get("male_names", []):
            add_given(n, "m")
        for n in data.get("female_names", []):
            add_given(n, "f")
        for n in data.get("last_names", []):
            norm = normalize_text(n)
            if norm and " " not in norm:
                k = rule_key(norm)
                if k:
                    family.add(k)
    except Exception:  # noqa: BLE001  # pragma: no cover - optional data missing or malformed
        pass
    given = {k: (next(iter(v)) if len(v) == 1 else "?") for k, v in gender.items()}
    suffix_keys = {rule_key(normalize_text(s)) for s in FAMILY_SUFFIXES_FA + FAMILY_SUFFIXES_LATIN}
    simple = frozenset(set(given) | family | suffix_keys)
    return given, frozenset(family), simple


@lru_cache(maxsize=1)
def multiword_family_names() -> tuple[tuple[str, ...], ...]:
    """Family names of the lexicon written as several words («علی محمدی», «هاشم
    خانی», «فرج اللهی»), normalised, as word tuples (``_lexicon`` keeps one-word
    names only)."""
    out: list[tuple[str, ...]] = []
    try:
        data = _farsi_faker_names()
        for n in data.get("last_names", []):
            words = tuple(normalize_text(n).split())
            if len(words) > 1:
                out.append(words)
    except Exception:  # noqa: BLE001  # pragma: no cover - optional data missing or malformed
        pass
    return tuple(out)


@lru_cache(maxsize=1)
def family_suffix_keys() -> frozenset[str]:
    return frozenset(
        rule_key(normalize_text(s)) for s in FAMILY_SUFFIXES_FA + FAMILY_SUFFIXES_LATIN
    )


# Family suffixes long enough to be split off the written token whatever the
# root (longest first, so "zadegan" wins over "zade").
_TEXT_SUFFIXES = (
    "زادگان",
    "زاده",
    "پور",
    "نژاد",
    "نیا",
    "zadegan",
    "zadeh",
    "zadah",
    "zade",
    "nezhad",
    "nejhad",
    "nejad",
    "pour",
    "poor",
    "pur",
    "niya",
    "nia",
)


def split_text_suffix(token: str) -> tuple[str, str] | None:
    """(root, suffix) when a normalised token ends in a long family suffix
    (رضازاده → رضا + زاده, lordeganipour → lordegani + pour) and the root is
    a name of its own (key of 3+ classes: شاپور and Azadeh are not split)."""
    for suf in _TEXT_SUFFIXES:
        if token.endswith(suf) and len(token) > len(suf):
            root = token[: -len(suf)]
            if len(rule_key(root)) >= _MIN_PART:
                return root, suf
            return None
    return None


def read_tsv(path: Path) -> list[list[str]]:
    rows: list[list[str]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            rows.append(line.split("\t"))
    return rows


@dataclass
class VariantTable:
    """Union-find over rule keys, plus a preferred Latin spelling per canonical key."""

    parent: dict[str, str] = field(default_factory=dict)
    display: dict[str, str] = field(default_factory=dict)
    persian: dict[str, str] = field(default_factory=dict)  # canonical key -> Persian form
    _cache: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    roman_cache: dict[str, str] = field(default_factory=dict, repr=False)
    _split_cache: dict[tuple[str, int], list[str] | None] = field(default_factory=dict, repr=False)
    _merge_cache: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False)
    # names.name_part / sub_part results, keyed by (value or tokens, role)
    part_cache: dict[tuple[object, str], object] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- union-find
    def find(self, key: str) -> str:
        """Canonical key of a rule key (the key itself when unknown)."""
        root = key
        seen = 0
        while root in self.parent and self.parent[root] != root and seen < 64:
            root = self.parent[root]
            seen += 1
        return root

    def union(self, child: str, root: str) -> None:
        """Make ``child``'s class point at ``root``'s class (root wins)."""
        a, b = self.find(child), self.find(root)
        if a and b and a != b:
            self.parent[a] = b
            if a in self.display and b not in self.display:
                self.display[b] = self.display[a]
            self._clear_caches()

    def _clear_caches(self) -> None:
        self._cache.clear()
        self.roman_cache.clear()
        self._split_cache.clear()
        self._merge_cache.clear()
        self.part_cache.clear()

    # -- seeding
    def seed(self, groups: Iterable[tuple[str, list[str], bool]]) -> None:
        """Add (persian form, [latin forms], curated) groups.

        The first Latin form is the display spelling. A Latin key is mapped onto
        the Persian key only when no other group claims it, it is not itself the
        Persian key of a group and it is not the key of another name in the
        lexicon (so ``sadiq`` cannot turn صدیق into صادق). The Persian column may
        list several spellings separated by ``|``; they are unified.
        """
        _, _, simple = _lexicon()
        claims: dict[str, set[str]] = {}
        curated_claim: dict[str, bool] = {}
        persian_keys: set[str] = set()
        firsts: dict[str, str] = {}
        for fa_forms, latins, curated in groups:
            # "کوروش|کورش": several Persian spellings of one name, first is canonical.
            fas = [f for f in fa_forms.split("|") if f.strip()] if fa_forms else []
            if not fas:
                continue
            fa = fas[0]
            pk = rule_key(normalize_text(fa).replace(" ", ""))
            if not pk:
                continue
            for other in fas[1:]:
                ok = rule_key(normalize_text(other).replace(" ", ""))
                if ok and ok != pk:
                    self.union(ok, pk)
            persian_keys.add(pk)
            self.persian.setdefault(pk, normalize_text(fa))
            for lat in latins:
                lk = rule_key(normalize_text(lat).replace(" ", ""))
                if lk and lk != pk:
                    claims.setdefault(lk, set()).add(pk)
                    curated_claim[lk] = curated_claim.get(lk, False) or curated
            if latins:
                firsts.setdefault(pk, normalize_text(latins[0]).replace(" ", ""))
        for lk, pks in claims.items():
            if len(pks) != 1 or lk in persian_keys:
                continue
            if lk in simple and not curated_claim[lk]:
                continue
            self.union(lk, next(iter(pks)))
        for pk, lat in firsts.items():
            self.display.setdefault(self.find(pk), lat)
        self._clear_caches()

    # -- lookups
    def token_keys(self, token: str) -> tuple[str, ...]:
        """Canonical key(s) of one normalised token; run-together compounds give several."""
        hit = self._cache.get(token)
        if hit is not None:
            return hit
        result = self._keys_of(token)
        if token.isascii() and "dj" in token[1:]:
            # French "dj" is j (Madjid) unless it is a compound boundary
            # (Mohammadjavad): keep the reading made of better-known names.
            alt = self._keys_of(token.replace("dj", "j"))
            if self._quality(alt) > self._quality(result):
                result = alt
        if len(self._cache) < 500_000:
            self._cache[token] = result
        return result

    def _keys_of(self, token: str) -> tuple[str, ...]:
        # Family suffix written on (رضازاده, Rezazadeh, Lordeganipour): split it
        # off the text first, so a shared boundary letter (Reza|zadeh) or an
        # unknown root (Lordegani|pour) does not hide the compound.
        split = split_text_suffix(token)
        if split is not None:
            root, suf = split
            return self._keys_of(root) + (self.find(rule_key(suf)),)
        rk = rule_key(token)
        if not rk:
            return ()
        parts = self._split(rk, 2)
        if parts is not None and len(parts) > 1:
            return tuple(parts)
        return (self.find(rk),)

    def _quality(self, keys: tuple[str, ...]) -> float:
        if not keys:
            return 0.0
        return sum((self._score(k) or (0.0, ""))[0] for k in keys) / len(keys)

    def merge_adjacent(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        """Join neighbouring keys that are one known name written apart.

        "Abol Ghasem" (``Abl qsm``) = ابوالقاسم (``Ablqsm``): a pair is merged when
        its concatenation is itself a known name that does not split back.
        """
        if len(keys) < 2:
            return keys
        out: list[str] = [keys[0]]
        for k in keys[1:]:
            pair = (out[-1], k)
            if pair in self._merge_cache:
                merged = self._merge_cache[pair]
            else:
                merged = None
                joined = out[-1] + k
                if self._score(joined) is not None:
                    parts = self._split(joined, 2)
                    if parts is not None and len(parts) == 1:
                        merged = parts[0]
                if len(self._merge_cache) < 500_000:
                    self._merge_cache[pair] = merged
            if merged is not None:
                out[-1] = merged
            else:
                out.append(k)
        return tuple(out)

    def name_score(self, key: str) -> float | None:
        """How well ``key`` is known as a whole name: 2.0 common (in the variant table),
        1.0 in the lexicon, None unknown."""
        found = self._score(key)
        return found[0] if found else None

    def _score(self, key: str) -> tuple[float, str] | None:
        """(score, canonical) of ``key`` as a whole name: 2 = common (in the
        variant table), 1 = in the lexicon, None = unknown."""
        _, _, simple = _lexicon()
        c = self.find(key)
        if c in self.display or key in self.display or key in family_suffix_keys():
            return 2.0, c
        if c != key or key in simple:
            return 1.0, c
        return None

    def _part(self, key: str, first: bool, allow_a: bool = True) -> tuple[float, str] | None:
        candidates = [(key, 0.0)]
        if not first and allow_a and not key.startswith("A"):
            candidates.append(("A" + key, 0.25))  # Ali|akbar: akbar loses its initial A
        if first and key.endswith("h"):
            candidates.append((key[:-1] + "E", 0.25))  # Fatemeh|zahra: -eh is h mid-word
        if first and not key.endswith(("A", "E", "Y", "W")):
            candidates.append((key + "A", 0.25))  # Reza|ali: final a dropped mid-word
        best: tuple[float, str] | None = None
        for c, penalty in candidates:
            sc = self._score(c)
            if sc is not None and (best is None or sc[0] - penalty > best[0]):
                best = (sc[0] - penalty, sc[1])
        return best

    def _split(self, key: str, depth: int) -> list[str] | None:
        """Best split of a run-together key into known names (up to 3 parts), memoised."""
        memo = self._split_cache.get((key, depth), False)
        if memo is not False:
            return memo  # type: ignore[return-value]
        got = self._split_uncached(key, depth)
        if len(self._split_cache) < 500_000:
            self._split_cache[(key, depth)] = got
        return got

    def _split_uncached(self, key: str, depth: int) -> list[str] | None:
        whole = self._score(key)
        suffixes = family_suffix_keys()
        best: tuple[float, list[str]] | None = None
        for i in range(2, len(key) - 1):
            head, tail = key[:i], key[i:]
            if len(tail) < 2 or (len(tail) < _MIN_PART - 1 and tail not in suffixes):
                continue
            h = self._part(head, True)
            if h is None or len(h[1]) < _MIN_PART:
                continue
            t = self._part(tail, False)
            if t is not None and len(t[1]) < _MIN_PART and tail not in suffixes:
                t = None
            if t is not None:
                cand = ((h[0] + t[0]) / 2, [h[1], t[1]])
            elif depth > 1:
                rest = self._split(tail, depth - 1)
                if rest is None or len(rest) < 2:
                    continue
                cand = (h[0] - 0.5, [h[1], *rest])
            else:
                continue
            if best is None or cand[0] > best[0]:
                best = cand
        # The letter where the two names meet written once for two (امیر + رضا:
        # «امیررضا», Amirreza key "AmYrzA", whose plain split was امی + رضا; نادر + رضا
        # was not split at all): the boundary letter read as the end of the first name
        # and the start of the second. Only two known names, and a hair weaker than a
        # plain split of the same score. For a key that is a name of its own, only to
        # choose where a split the plain test already makes falls (Nasrin is not
        # Nasr + Arin).
        need = 1.5 if whole is None else (1.5 if whole[0] < 2.0 else 1.75)
        shared = whole is None or (best is not None and best[0] >= need)
        for i in range(_MIN_PART, len(key) - 1 if shared else _MIN_PART):
            head, tail = key[:i], key[i - 1 :]
            h = self._part(head, True)
            t = self._part(tail, False)
            if h is None or t is None or len(h[1]) < _MIN_PART or len(t[1]) < _MIN_PART:
                continue
            cand = ((h[0] + t[0]) / 2 - 0.01, [h[1], t[1]])
            if best is None or cand[0] > best[0]:
                best = cand
        # Always split when known parts exist, so that علیرضا, Alireza and
        # "Ali Reza" get the same keys whichever way they were written.
        # A whole name that is itself known needs stronger evidence to be split
        # (ابراهیم is not ابر + هیم; علیرضا is علی + رضا).
        if best is not None and best[0] >= need:
            return best[1]
        if whole is not None:
            return [whole[1]]
        return None

    def romanize_key(self, key: str) -> str | None:
        """Preferred Latin spelling of a canonical key, if the table has one."""
        return self.display.get(self.find(key))

    def copy(self) -> VariantTable:
        """An independent copy (for a workspace that adds its own confirmed variants)."""
        return VariantTable(
            parent=dict(self.parent), display=dict(self.display), persian=dict(self.persian)
        )


def _seed_groups() -> list[tuple[str, list[str], bool]]:
    groups: list[tuple[str, list[str], bool]] = []
    try:
        from name_variants.arabic_names import ARABIC_NAME_VARIANTS
        from name_variants.persian_names import PERSIAN_NAME_VARIANTS

        for table in (PERSIAN_NAME_VARIANTS, ARABIC_NAME_VARIANTS):
            for fa, entry in table.items():
                forms = [f for f in entry.get("forms", []) if f.lower() not in _SEED_BLOCKLIST]
                groups.append((fa, forms, False))
    except Exception:  # noqa: BLE001  # pragma: no cover - optional package missing or changed
        pass
    return groups


def _supplement_groups() -> list[tuple[str, list[str], bool]]:
    out = []
    for row in read_tsv(data_path("variants_supplement.tsv")):
        if len(row) >= 2:
            out.append((row[0], [f.strip() for f in row[1].split(",") if f.strip()], True))
    return out


_DEFAULT: VariantTable | None = None
_DEFAULT_LOCK = threading.Lock()


def default_table() -> VariantTable:
    """The process-wide table: package seeds plus variants confirmed in this process."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            t = VariantTable()
            # Curated supplement first: it wins display spellings.
            t.seed(_supplement_groups() + _seed_groups())
            _DEFAULT = t
        return _DEFAULT


def _name_keys(name: str, table: VariantTable) -> list[str]:
    keys: list[str] = []
    for tok in normalize_text(name).split():
        keys.extend(table.token_keys(tok))
    return keys


def add_confirmed_variant(
    a: str, b: str, *, path: Path | None = None, table: VariantTable | None = None
) -> None:
    """Record that names ``a`` and ``b`` are spellings of the same name.

    Called when a reviewer confirms a link. Single-token names are unified
    token-to-token; names with the same number of tokens are unified position by
    position; otherwise nothing is unified (logged nowhere: names are personal
    data). ``b``'s class joins ``a``'s. With ``path`` (a workspace
    ``variants.tsv``) the pair is also appended there so later runs reuse it.
    """
    table = table or default_table()
    ka, kb = _name_keys(a, table), _name_keys(b, table)
    if ka and kb:
        if len(ka) == len(kb):
            for x, y in zip(ka, kb, strict=True):
                table.union(y, x)
        elif len(ka) == 1 or len(kb) == 1:
            table.union("".join(kb), "".join(ka))
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        clean_a = " ".join(str(a).split()).replace("\t", " ")
        clean_b = " ".join(str(b).split()).replace("\t", " ")
        new = not path.exists()
        with open(path, "a", encoding="utf-8", newline="") as fh:
            if new:
                fh.write("# roshan confirmed name variants: name_a<TAB>name_b\n")
            fh.write(f"{clean_a}\t{clean_b}\n")


def load_variants_file(path: Path, table: VariantTable | None = None) -> VariantTable:
    """Apply a ``variants.tsv`` (name_a<TAB>name_b per line) to a copy of ``table``.

    Returns the new table; the default table is left untouched so one
    workspace's confirmations don't leak into another's.
    """
    base = (table or default_table()).copy()
    path = Path(path)
    if path.exists():
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh, delimiter="\t"):
                if len(row) >= 2 and row[0] and not row[0].startswith("#"):
                    add_confirmed_variant(row[0], row[1], table=base)
    return base


def sex_of_given_key(key: str, table: VariantTable | None = None) -> str | None:
    """'m'/'f' for a given-name key, else None.

    First the exact Persian form of a common name (the variant table's group)
    in the gender list; else the lexicon when every name with this key has one sex.
    """
    given, _, _ = _lexicon()
    t = table or default_table()
    fa = t.persian.get(t.find(key))
    if fa and fa in _EXACT_SEX:
        return _EXACT_SEX[fa]
    s = given.get(key)
    return s if s in ("m", "f") else None


def is_family_key(key: str) -> bool:
    """True when ``key`` is a known family name or family-name suffix."""
    _, family, _ = _lexicon()
    return key in family or key in family_suffix_keys()


def is_given_key(key: str) -> bool:
    """True when ``key`` is a known given name."""
    given, _, _ = _lexicon()
    return key in given


def is_suffix_token(token: str) -> bool:
    """True for a family-name suffix written as its own word (زاده, pour, nejad...)."""
    t = normalize_text(token)
    return t in FAMILY_SUFFIXES_FA or t in FAMILY_SUFFIXES_LATIN


_LATIN_LETTER = re.compile(r"[A-Za-z]")


def token_script_split(token: str) -> list[str]:
    """Split a token at script changes (محمدreza → محمد, reza)."""
    if token.isascii() or not _LATIN_LETTER.search(token):
        return [token]
    out: list[str] = []
    cur = ""
    cur_fa: bool | None = None
    for ch in token:
        fa = is_persian_token(ch) if ch.isalpha() else cur_fa
        if cur and fa != cur_fa:
            out.append(cur)
            cur = ""
        cur += ch
        cur_fa = fa
    if cur:
        out.append(cur)
    return out
