"""Column mappings: which header of a source file feeds which canonical field.

A mapping file is TOML or YAML::

    [columns]            # file header -> canonical field (roshan.canonical.FIELD_NAMES)
    "نام" = "given_name"
    "نام خانوادگی" = "family_name"

    [options]            # optional
    encoding = "windows-1256"
    sheet = "Sheet1"

Without a mapping file, headers that already are canonical names (ignoring case,
spaces and hyphens) map to themselves, as do a few common English and Persian
headers listed in ``BUILTIN_ALIASES``. Unmapped columns are kept, not dropped:
they go to the record's ``extra`` field.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roshan.canonical import FIELD_NAMES, NAME_FIELDS
from roshan.errors import MappingError

# Common headers seen in real lists; a mapping file overrides these.
BUILTIN_ALIASES: dict[str, str] = {
    "id": "record_id",
    "name": "full_name",
    "fullname": "full_name",
    "victim": "full_name",
    "victims": "full_name",
    "deceased": "full_name",
    "martyr": "full_name",
    "martyrs": "full_name",
    "جانباخته": "full_name",
    "جانباختگان": "full_name",
    "جان_باختگان": "full_name",
    "کشته_شدگان": "full_name",
    "شهید": "full_name",
    "شهدا": "full_name",
    "جاویدنام": "full_name",
    "جاویدنامان": "full_name",
    "نام_جانباخته": "full_name",
    "first_name": "given_name",
    "firstname": "given_name",
    "fname": "given_name",
    "f_name": "given_name",
    "prenom": "given_name",
    "prénom": "given_name",
    "given": "given_name",
    "last_name": "family_name",
    "lastname": "family_name",
    "surname": "family_name",
    "lname": "family_name",
    "l_name": "family_name",
    # Finglish headers: the Persian ones typed in Latin letters
    "nam": "full_name",
    "esm": "full_name",
    "nam_khanevadegi": "family_name",
    "namkhanevadegi": "family_name",
    "nam_khanevadgi": "family_name",
    "nam_pedar": "father_name",
    "name_pedar": "father_name",
    "sen": "age",
    "jensiat": "sex",
    "jensiyat": "sex",
    "jensiyyat": "sex",
    "tarikh": "date_of_death",
    "tarikh_fot": "date_of_death",
    "tarikh_fowt": "date_of_death",
    "pod": "place_of_death",
    "p_o_d": "place_of_death",
    "prov": "province",
    "loc": "place_of_death",
    # French (lists kept by francophone NGOs)
    "nom": "family_name",
    "sexe": "sex",
    "âge": "age",
    "ville": "city",
    "father": "father_name",
    "fathers_name": "father_name",
    "gender": "sex",
    "date_of_death_": "date_of_death",
    "death_date": "date_of_death",
    "dod": "date_of_death",
    "d_o_d": "date_of_death",
    "dob": "date_of_birth",
    "birth_date": "date_of_birth",
    "نام_و_نام_خانوادگی": "full_name",
    "نام": "given_name",
    "نام_خانوادگی": "family_name",
    "نام_پدر": "father_name",
    "جنسیت": "sex",
    "سن": "age",
    "تاریخ_فوت": "date_of_death",
    "تاریخ_تولد": "date_of_birth",
    "شهر": "city",
    "استان": "province",
    "شهرستان": "county",
    "محل_فوت": "place_of_death",
    "علت_فوت": "cause_of_death",
    "توضیحات": "notes",
    "کد_ملی": "national_id",
    "شماره_ملی": "national_id",
    "تاریخ_دفن": "date_of_burial",
}


def header_key(name: str) -> str:
    """Fold a header for matching: case, surrounding space, inner spaces/hyphens/ZWNJ → '_'."""
    folded = name.strip().lower().replace("\u200c", "_")
    folded = folded.replace("ي", "ی").replace("ك", "ک")
    return re.sub(r"[\s\-./]+", "_", folded).strip("_")


def auto_target(header: str) -> str | None:
    """The canonical field a header names by itself (canonical name or built-in alias)."""
    key = header_key(header)
    return key if key in FIELD_NAMES else BUILTIN_ALIASES.get(key)


# Headers as lists type them ("Date killed", «تاریخ جان‌باختن», "Name (English)",
# "Father's name", «محل کشته شدن»): read by the words they contain, in this order;
# the first rule whose words all occur (any one of each group) decides. A header
# matched here only takes a field that no exact header of the file took.
_WORDS = {
    "death": (
        "death died dies killed kill killing murdered dod fallen martyred martyrdom "
        "فوت درگذشت جانباختن جانباخته جان کشته شدن قتل شهادت مرگ مرگش حادثه وفات "
        "fot fowt fout vafat shahadat deces décès décédé mort tué "
        "الوفاة الوفاه الاستشهاد استشهاد مقتل"
    ),
    "birth": "birth born dob تولد",
    "date": "date day when tarikh تاریخ روز زمان التاریخ",
    "year": "year سال",
    "father": "father fathers pedar پدر الاب الأب والد",
    "mother": "mother mothers مادر",
    "name": "name names nam esm اسم نام الاسم الإسم",
    "informant": "reporter reported reporting witness informant contact submitter relationship "
    "relation your phone email گزارشگر گزارش شاهد راوی تماس نسبت تلفن",
    "first": "first given forename prenom prénom کوچک",
    "last": "last surname family khanevadegi khanevadgi famil فامیل فامیلی خانوادگی شهرت "
    "اللقب العائلة",
    "age": "age aged sen âge سن عمر العمر",
    "sex": "sex gender jensiat jensiyat sexe جنس جنسیت الجنس",
    "m": "m",
    "f": "f",
    "place": "place location where site spot lieu mahal makan مکان محل المکان",
    "burial": "burial buried grave graveyard cemetery tomb دفن مزار آرامگاه آرامستان قبرستان گلزار",
    "city": "city town village shahr ville شهر روستا المدینة المدینه",
    "province": "province state ostan prov استان المحافظة المحافظه",
    "county": "county district shahrestan شهرستان",
    "cause": "cause manner how weapon علت نحوه",
    "notes": "notes note comment comments remarks remark description details detail "
    "توضیحات توضیح شرح ملاحظات یادداشت",
    "source": "source sources link links url reference references منبع منابع لینک",
    "number": "no number row index ردیف شماره",
    "national": "national ملی",
    "passport": "passport گذرنامه",
    "full": "full complete whole complet کامل الکامل",
    "and": "and و ونام",  # «نام ونام خانوادگی»: the و typed onto the next word
    "report": "reported report added published entry updated گزارش انتشار ثبت",
    "body": "body remains جسد پیکر",
    "withheld": "withheld confiscated kept held عدم",
    "home": "home hometown residence born سکونت زادگاه",
    # another event than the death: a list of the dead may also say when the person
    # was arrested or wounded; that date is not the date of death
    "other_event": "arrest arrested arrests detention detained detain injury injured "
    "wounded disappeared disappearance بازداشت دستگیری زخمی مجروح ناپدید",
    "in": "in در",
}
_WORD_SETS = {
    k: frozenset(w.replace("ي", "ی").replace("ك", "ک") for w in v.split())
    for k, v in _WORDS.items()
}
# (field, groups of words that must all be present, groups that must be absent)
_HEADER_RULES: tuple[tuple[str | None, tuple[str, ...], tuple[str, ...]], ...] = (
    ("national_id", ("national",), ("passport",)),  # کد ملی, "National ID", "National code"
    (None, ("passport",), ()),  # a passport number: no field, kept as extra
    (None, ("informant",), ()),  # who reported it: never the victim's name
    (None, ("mother",), ()),
    ("father_name", ("father",), ()),
    ("date_of_birth", ("birth",), ("place", "city", "home")),
    (None, ("birth",), ()),  # place of birth
    ("date_of_burial", ("burial", "date"), ()),
    ("burial_place", ("burial",), ()),
    ("body_withheld", ("body", "withheld"), ("date", "place")),
    (None, ("body",), ()),  # "Body returned?": the opposite of withheld, kept as extra
    (None, ("date", "report"), ()),
    (None, ("other_event",), ("death",)),  # "Date of arrest", «تاریخ بازداشت»
    ("cause_of_death", ("cause",), ()),
    ("date_of_death", ("date", "death"), ()),
    ("date_of_death", ("death", "year"), ()),
    ("place_of_death", ("death", "in"), ()),  # "Killed in", «کشته شده در»
    ("place_of_death", ("place", "death"), ()),
    ("age", ("age",), ()),
    ("sex", ("sex",), ()),
    ("sex", ("m", "f"), ()),  # "M/F"
    ("full_name", ("full",), ()),
    ("full_name", ("name", "last", "and"), ()),  # «نام و نام خانوادگی», "Name and surname"
    ("given_name", ("first",), ()),
    ("family_name", ("last",), ()),
    ("full_name", ("name",), ("home",)),
    ("province", ("province",), ()),
    ("county", ("county",), ()),
    ("city", ("city",), ("home",)),
    ("place_of_death", ("place",), ("home",)),
    ("notes", ("notes",), ()),
    ("source_reference", ("source",), ()),
    ("record_id", ("number",), ()),
    ("date_of_death", ("date",), ()),  # a lone "Date" in a casualty list
    ("date_of_death", ("death",), ()),  # «تاریخ» lost: "Killed", «جان‌باختن»
)


def header_words(header: str) -> frozenset[str]:
    """The words of a header, folded: case, ZWNJ, Arabic ي/ك, punctuation, possessive 's."""
    text = header.lower().replace("\u200c", "").replace("ي", "ی").replace("ك", "ک")
    text = text.replace("'s", " ").replace("’s", " ")
    words = re.split(r"[^\w]+|_", text)
    out = {w for w in words if w}
    # «جان باختن» / «جان‌باختن» / «جانباختن», «کشته‌شدن»: also the words run together
    joined = [a + b for a, b in zip(words, words[1:], strict=False) if a and b]
    return frozenset(out | set(joined))


_RESIDENCE = frozenset(
    "residence resident hometown home lives living address سکونت اقامت نشانی آدرس".split()
)
_BIRTH = frozenset("birth born birthplace تولد زادگاه".split())


def is_residence_header(header: str) -> bool:
    """Whether a header names where the person lived («محل سکونت», "Place of residence",
    "Hometown"), not where they were born or killed. Such a column maps to no field (it is
    not the place of death); normalisation reads it as a last resort for the place
    (roshan.normalize.places.place_of_residence)."""
    text = str(header)
    words = header_words(text) | header_words(text.replace("\u200c", " "))  # «محل‌سکونت»
    return bool(words & _RESIDENCE) and not words & _BIRTH


def _guess_rule(header: str) -> int | None:
    """The index of the first :data:`_HEADER_RULES` rule a header's words satisfy."""
    words = header_words(header)
    if not words:
        return None
    for i, (_target, need, refuse) in enumerate(_HEADER_RULES):
        if all(words & _WORD_SETS[g] for g in need) and not any(
            words & _WORD_SETS[g] for g in refuse
        ):
            return i
    return None


def guess_target(header: str) -> str | None:
    """The canonical field a free-form header most likely names, read by its words
    (:data:`_HEADER_RULES`), or None. Weaker than :func:`auto_target`."""
    rule = _guess_rule(header)
    return None if rule is None else _HEADER_RULES[rule][0]


# Fields a list may write twice, once per script or calendar ("City" and «شهر»,
# "date_jalali" and "date_gregorian"): the second column is read where the first is
# empty (the importer's _map_row), instead of going unread to ``extra``.
_FILLING_FIELDS = frozenset(
    "given_name family_name father_name date_of_death date_of_birth date_of_burial "
    "city county province place_of_death burial_place age sex".split()
)


def _header_kind(header: str) -> str | int | None:
    """How a header names its field: 'exact' (a canonical name or built-in alias), or
    the index of the word rule that reads it."""
    return "exact" if auto_target(header) else _guess_rule(header)


def _fill_in_columns(header: list[str], resolved: dict[str, str]) -> None:
    """Map a second column of a field in :data:`_FILLING_FIELDS` to that field too,
    when it names the field the same way as the first (both exact headers, or both read
    by the same word rule): "Date" beside «تاریخ», "city_en" beside "city_fa". A
    "Date" beside "Date of death" stays unmapped: the two may not mean one thing."""
    first: dict[str, str] = {}
    for h, t in resolved.items():
        first.setdefault(t, h)
    for h in header:
        if h in resolved:
            continue
        target = auto_target(h) or guess_target(h)
        if target in _FILLING_FIELDS and target in first:
            if _header_kind(h) == _header_kind(first[target]):
                resolved[h] = target


@dataclass
class Mapping:
    """A mapping from file headers to canonical fields, plus reader options."""

    columns: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "columns": dict(self.columns),
            "options": dict(self.options),
            "file": Path(self.path).name if self.path else None,
        }


def load_mapping(path: Path) -> Mapping:
    """Read and validate a TOML or YAML mapping file."""
    if not path.exists():
        raise MappingError(f"{path}: mapping file not found")
    if path.is_dir():
        raise MappingError(f"{path}: is a folder, not a mapping file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MappingError(
            f"{path.name}: not UTF-8 text (bad byte at offset {exc.start}); "
            "save the mapping file as UTF-8"
        ) from exc
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            data = tomllib.loads(text)
        elif suffix in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text) or {}
        else:
            raise MappingError(f"{path.name}: mapping must be .toml, .yaml or .yml")
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise MappingError(f"{path.name}: not valid {suffix[1:].upper()}: {exc}") from exc
    except Exception as exc:  # yaml.YAMLError
        if type(exc).__module__.startswith("yaml"):
            raise MappingError(f"{path.name}: not valid YAML: {exc}") from exc
        raise
    if not isinstance(data, dict):
        raise MappingError(f"{path.name}: mapping must be a table of header = field")
    columns = data.get("columns", {k: v for k, v in data.items() if k != "options"})
    options = data.get("options", {}) or {}
    if not isinstance(columns, dict) or not isinstance(options, dict):
        raise MappingError(f"{path.name}: [columns] and [options] must be tables")
    out: dict[str, str] = {}
    used: dict[str, str] = {}
    for header, target in columns.items():
        if not isinstance(target, str):
            raise MappingError(f"{path.name}: column {header!r} must map to a field name")
        target = target.strip()
        if target not in FIELD_NAMES:
            raise MappingError(
                f"{path.name}: unknown canonical field {target!r} for column {header!r}; "
                f"known fields: {', '.join(FIELD_NAMES)}"
            )
        if target in used:
            raise MappingError(
                f"{path.name}: columns {used[target]!r} and {header!r} both map to {target!r}"
            )
        used[target] = str(header)
        out[str(header)] = target
    unknown_opts = set(options) - {"encoding", "sheet", "calendar", "date_format", "place"}
    if unknown_opts:
        raise MappingError(f"{path.name}: unknown option(s) {', '.join(sorted(unknown_opts))}")
    return Mapping(out, dict(options), str(path))


def resolve_columns(header: list[str], mapping: Mapping | None, file: str) -> dict[str, str]:
    """Return {file header: canonical field} for this file, validating against its header."""
    resolved: dict[str, str] = {}
    if mapping is not None and mapping.columns:
        by_key = {header_key(h): h for h in header}
        for col, target in mapping.columns.items():
            actual = col if col in header else by_key.get(header_key(col))
            if actual is None:
                raise MappingError(
                    f"{file}: the mapping names column {col!r}, which the file does not have "
                    f"(columns: {', '.join(header)})"
                )
            resolved[actual] = target
    taken = set(resolved.values())
    for guess in (auto_target, guess_target):  # exact headers first, then free-form ones
        for h in header:
            if h in resolved:
                continue
            auto = guess(h)
            if auto and auto not in taken:
                resolved[h] = auto
                taken.add(auto)
    _fit_name_columns(resolved, set(mapping.columns.values()) if mapping else set())
    for h in header:  # "Full Name" and "Name (Farsi)": the second fills in where the first is empty
        if h not in resolved and (auto_target(h) or guess_target(h)) == "full_name":
            if "full_name" in resolved.values():
                resolved[h] = "full_name"
    _fill_in_columns(header, resolved)
    if not any(t in NAME_FIELDS for t in resolved.values()):
        raise MappingError(
            f"{file}: no column maps to a name field ({', '.join(NAME_FIELDS)}); "
            f"pass --mapping with a [columns] table (columns: {', '.join(header)})"
        )
    return resolved


def _fit_name_columns(resolved: dict[str, str], explicit: set[str]) -> None:
    """Make guessed name columns agree with each other (a mapping file is obeyed).

    A lone «نام» / "First name" column with no family-name column beside it holds
    the whole name: it is read as a full name (which still finds a lone given name).
    A "Name" column beside a "Surname" column and no given-name column holds the
    given name."""
    targets = set(resolved.values())
    by_target = {t: h for h, t in resolved.items()}
    if (
        "given_name" in targets
        and not targets & {"family_name", "full_name"}
        and "given_name" not in explicit
    ):
        resolved[by_target["given_name"]] = "full_name"
    elif (
        "full_name" in targets
        and "family_name" in targets
        and "given_name" not in targets
        and "full_name" not in explicit
    ):
        resolved[by_target["full_name"]] = "given_name"
