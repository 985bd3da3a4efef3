"""Scenario options: one dataclass for the whole crackdown, one per documenting source.

``ScenarioConfig`` holds every dial tests and benchmarks turn (population,
number of lists, heterogeneity, dependence, error/duplicate/missing rates,
formats). ``SourceSpec`` describes one list: what kind of organisation, which
file format and encoding, how it writes names, dates, ages and headers, and its
capture model. Unless given explicitly, sources are made from a fixed rotation
of realistic templates (``default_sources``), so the same options always give
the same lists.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

from roshan.canonical import SourceKind
from roshan.errors import RoshanError

FORMAT_TOKENS: dict[str, tuple[str, str | None]] = {
    # token -> (file format, encoding)
    "csv": ("csv", "utf-8"),
    "csv-bom": ("csv", "utf-8-sig"),
    "csv-utf16": ("csv", "utf-16"),
    "csv-1256": ("csv", "windows-1256"),
    "xlsx": ("xlsx", None),
    "json": ("json", "utf-8"),
    "jsonl": ("jsonl", "utf-8"),
}

DATE_STYLES = (
    "jalali_slash",  # 1404/10/18
    "jalali_slash_fa",  # ۱۴۰۴/۱۰/۱۸
    "jalali_words_en",  # 18 Dey 1404
    "jalali_words_fa",  # ۱۸ دی ۱۴۰۴
    "iso",  # 2026-01-08
    "dmy",  # 08/01/2026
    "long_en",  # 8 January 2026
)
SCRIPTS = ("fa", "latin", "mixed")
HEADER_STYLES = ("canonical", "english", "persian")
SEX_STYLES = ("fa", "en", "MF")
AGE_STYLES = ("num", "num_fa", "years", "words")
ROMAN_STYLES = ("standard", "anglo", "academic", "arabic", "diaspora")
# How a full-name-only list writes the father's name inside the full name (the father
# column is then absent): plain (no father), farzand «X Y فرزند Z» / "X Y son of Z",
# son_of «X Y پسر Z» / «X Y دختر Z» / "X Y son of Z" / "X Y daughter of Z",
# father_middle "X Z Y". name_order="family_given" puts the family name first
# ("Y, X son of Z"); it cannot be combined with father_middle.
FULL_NAME_STYLES = ("plain", "farzand", "son_of", "father_middle")
# Scripts of the default rotation: rotation = each template's own script (some lists
# mix scripts record by record); single = every list entirely one script, alternating
# Latin (even lists) and Persian (odd lists); fa / latin = every list in that script.
SCRIPT_MODES = ("rotation", "single", "fa", "latin")
MAX_DATE_JITTER_DAYS = 7


@dataclass
class SourceSpec:
    """One documenting source: identity, file shape, writing habits and capture model."""

    name: str
    kind: str = SourceKind.NGO_LIST.value
    format: str = "csv"  # csv | xlsx | json | jsonl
    encoding: str | None = "utf-8"  # utf-8 | utf-8-sig | utf-16 | windows-1256 | None (xlsx)
    script: str = "latin"  # fa | latin | mixed (per record)
    arabic_letters: float = 0.0  # share of Persian-script records written with ي/ك
    digits: str = "latin"  # latin | persian (for ages/dates in Persian-script records)
    date_style: str = "iso"
    alt_date_style: str | None = None  # a second style some records use (inconsistent lists)
    alt_date_rate: float = 0.1
    partial_date_rate: float = 0.03  # month-only dates
    age_style: str = "num"
    sex_style: str = "en"
    roman_style: str = "standard"
    upper_case: bool = False  # Latin names in capitals
    header_style: str = "canonical"
    name_layout: str = "split"  # split (given/family columns) | full (one full_name column)
    name_order: str = "given_family"  # full names: given_family | family_given ("REZAEI, Mohammad")
    full_name_style: str = "plain"  # FULL_NAME_STYLES; not plain = full layout, no father column
    swap_rate: float = 0.0  # share of rows whose given and family names trade places
    has_record_id: bool = True
    has_father: bool = True
    has_province: bool = True
    has_cause: bool = False
    has_body_withheld: bool = False
    has_source_reference: bool = False  # URL / interview code (a sensitive field)
    has_witness: bool = False  # informant name and relation (a sensitive field)
    has_date_of_birth: bool = False  # Jalali (Persian script) or ISO (Latin); 30% year only
    seyed_prefix: float = 0.6  # share of Seyed victims whose title this source writes
    # capture model
    base_capture: float = 0.4
    blackout_factor: float = 0.55  # multiplier on capture for deaths from the blackout on
    focus_provinces: tuple[str, ...] = ()  # regional source: strong inside, weak outside
    class_sensitivity: float = 1.0  # how strongly visibility (latent class) drives capture
    # noise multipliers on the scenario-wide rates
    error_mult: float = 1.0
    missing_mult: float = 1.0
    duplicate_mult: float = 1.0

    def validate(self) -> None:
        """Raise RoshanError on values a user could get wrong."""
        kinds = {k.value for k in SourceKind}
        if self.kind not in kinds:
            raise RoshanError(f"source {self.name}: kind must be one of {sorted(kinds)}")
        checks = {
            "script": (self.script, SCRIPTS),
            "date_style": (self.date_style, DATE_STYLES),
            "header_style": (self.header_style, HEADER_STYLES),
            "sex_style": (self.sex_style, SEX_STYLES),
            "age_style": (self.age_style, AGE_STYLES),
            "roman_style": (self.roman_style, ROMAN_STYLES),
            "format": (self.format, ("csv", "xlsx", "json", "jsonl")),
            "name_layout": (self.name_layout, ("split", "full")),
            "name_order": (self.name_order, ("given_family", "family_given")),
            "full_name_style": (self.full_name_style, FULL_NAME_STYLES),
        }
        if self.alt_date_style is not None and self.alt_date_style not in DATE_STYLES:
            raise RoshanError(
                f"source {self.name}: alt_date_style must be one of {list(DATE_STYLES)}"
            )
        for label, (value, allowed) in checks.items():
            if value not in allowed:
                raise RoshanError(f"source {self.name}: {label} must be one of {list(allowed)}")
        if not 0.0 <= self.base_capture <= 1.0:
            raise RoshanError(f"source {self.name}: base_capture must be in [0, 1]")
        if not 0.0 <= self.swap_rate <= 1.0:
            raise RoshanError(f"source {self.name}: swap_rate must be in [0, 1]")
        if self.full_name_style != "plain":
            if self.name_layout != "full" or self.has_father:
                raise RoshanError(
                    f"source {self.name}: full_name_style {self.full_name_style!r} "
                    "writes the father inside a full name: it needs "
                    "name_layout='full' and has_father=False"
                )
            if self.full_name_style == "father_middle" and self.name_order == "family_given":
                raise RoshanError(
                    f"source {self.name}: full_name_style 'father_middle' "
                    "cannot be combined with name_order 'family_given'"
                )


@dataclass
class ScenarioConfig:
    """Every option of a synthetic crackdown. Defaults are the 'default difficulty'.

    Rates are probabilities per record (duplicates) or per field (errors,
    missingness), before each source's own multipliers. ``heterogeneity`` scales
    how much capture depends on the victim's latent visibility class and on the
    province (0 = everyone equally likely to be listed). ``dependence`` is the
    strength (0..1) of the between-source dependence in ``dependence_pairs``:
    ``(a, b, +1)`` means source ``a`` copies from source ``b`` (positive
    dependence), ``(a, b, -1)`` means ``a`` and ``b`` reach disjoint networks
    (negative dependence). ``None`` pairs = defaults: (1 copies 0) and (2 vs 3).
    """

    seed: int = 0
    population: int = 2000
    lists: int = 5
    heterogeneity: float = 1.0
    dependence: float = 0.3
    dependence_pairs: list[tuple[int, int, int]] | None = None
    copy_spelling: float = 0.8  # copied listings keep the original's name spelling (same script)
    error_rate: float = 0.02
    duplicate_rate: float = 0.03
    missing_rate: float = 0.05
    variant_rate: float | None = (
        None  # share of names in a non-house spelling (None: from error_rate)
    )
    capture_scale: float = 1.0  # multiplies every source's base capture
    blackout_factor: float | None = None  # overrides every source's blackout factor
    formats: list[str] | None = None  # format tokens (FORMAT_TOKENS) cycled over sources
    male_share: float = 0.9
    start_date: date = date(2025, 12, 28)
    end_date: date = date(2026, 1, 31)
    blackout_date: date = date(2026, 1, 8)
    sources: list[SourceSpec] | None = None  # explicit sources (overrides lists/formats)
    # --- linkage-robustness dials (defaults = the generator as it always was) ---
    # names: the `name_top` most common given names (split between the sexes by
    # male_share) and the `name_top` most common family names each cover this share
    # of victims (None = the tables' own weights; father's names follow the male weights)
    name_concentration: float | None = None
    name_top: int = 30
    # small name pools: only the N most common given (both sexes together) / family
    # names, with the tables' Zipf weights renormalised (None = the whole tables)
    given_pool_size: int | None = None
    family_pool_size: int | None = None
    # share of victims who have a namesake: another victim with the same given and
    # family name, sex, city and a death date within 3 days; the pair usually differs in
    # father's name and age, but `namesake_same_father` of the pairs share the father's
    # name too (brothers/cousins) and differ only in age
    namesake_rate: float = 0.0
    namesake_same_father: float = 0.2
    # dates of death off by 1..date_jitter_days days (uniform magnitude, either sign) in a
    # share date_jitter_rate of records (None = 2·error_rate·the source's error_mult)
    date_jitter_days: int = 1
    date_jitter_rate: float | None = None
    # exact per-record missing rates of age / father's name (None = missing_rate × the
    # field factor × the source's missing_mult)
    missing_age_rate: float | None = None
    missing_father_rate: float | None = None
    script_mode: str = "rotation"  # SCRIPT_MODES; applies to the default rotation only

    def validate(self) -> None:
        """Raise RoshanError for options out of range."""
        if self.population < 1:
            raise RoshanError("population must be at least 1")
        if self.sources is None and not 1 <= self.lists <= 26 * 9:
            raise RoshanError("lists must be between 1 and 234")
        for label in (
            "error_rate",
            "duplicate_rate",
            "missing_rate",
            "dependence",
            "variant_rate",
            "copy_spelling",
            "namesake_rate",
            "namesake_same_father",
            "date_jitter_rate",
            "missing_age_rate",
            "missing_father_rate",
        ):
            v = getattr(self, label)
            if v is None:
                continue
            if not 0.0 <= v <= 1.0:
                raise RoshanError(f"{label.replace('_', '-')} must be between 0 and 1")
        if self.heterogeneity < 0:
            raise RoshanError("heterogeneity must be >= 0")
        if self.name_concentration is not None and not 0.0 < self.name_concentration < 1.0:
            raise RoshanError("name concentration must be strictly between 0 and 1")
        if self.name_top < 1:
            raise RoshanError("name_top must be at least 1")
        for label in ("given_pool_size", "family_pool_size"):
            v = getattr(self, label)
            if v is not None and v < 2:
                raise RoshanError(f"{label.replace('_', ' ')} must be at least 2")
        if not 0 <= self.date_jitter_days <= MAX_DATE_JITTER_DAYS:
            raise RoshanError(f"date jitter days must be between 0 and {MAX_DATE_JITTER_DAYS}")
        if self.script_mode not in SCRIPT_MODES:
            raise RoshanError(f"script mode must be one of {list(SCRIPT_MODES)}")
        if self.script_mode != "rotation" and self.sources is not None:
            raise RoshanError(
                "script_mode applies to the default rotation; explicit sources set "
                "their own script (see default_sources(n, script_mode=...))"
            )
        if self.capture_scale <= 0:
            raise RoshanError("capture scale must be > 0")
        if not self.start_date <= self.blackout_date <= self.end_date:
            raise RoshanError("blackout date must fall between start and end dates")
        for tok in self.formats or []:
            if tok not in FORMAT_TOKENS:
                raise RoshanError(f"unknown format {tok!r}; choose from {sorted(FORMAT_TOKENS)}")
        n = len(self.sources) if self.sources is not None else self.lists
        for a, b, s in self.dependence_pairs or []:
            if not (0 <= a < n and 0 <= b < n) or a == b or s not in (-1, 1):
                raise RoshanError(
                    f"dependence pair ({a}, {b}, {s}) must name two different lists below {n} "
                    "and a sign of +1 or -1"
                )

    @classmethod
    def preset(cls, name: str, **overrides: Any) -> ScenarioConfig:
        """A named difficulty (``PRESETS``: easy, default, hard) with any option overridden."""
        if name not in PRESETS:
            raise RoshanError(f"unknown preset {name!r}; choose from {sorted(PRESETS)}")
        return cls(**{**PRESETS[name], **overrides})

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe view of the options (dates as ISO strings)."""
        d = dataclasses.asdict(self)
        for k, v in list(d.items()):
            if isinstance(v, date):
                d[k] = v.isoformat()
        return d


# Named difficulties. "default" is the difficulty linkage is judged on.
PRESETS: dict[str, dict[str, Any]] = {
    "easy": dict(
        heterogeneity=0.0,
        dependence=0.0,
        error_rate=0.0,
        duplicate_rate=0.0,
        missing_rate=0.0,
        variant_rate=0.0,
    ),
    "default": {},
    "hard": dict(
        lists=8,
        heterogeneity=1.5,
        dependence=0.6,
        error_rate=0.08,
        duplicate_rate=0.08,
        missing_rate=0.15,
        capture_scale=0.7,
    ),
}

# Realistic templates, rotated over sources. Each differs in script, dates,
# headers, format and capture, the way real lists do: the columns every template sets
# (fmt: a FORMAT_TOKENS token), then what it sets beyond the SourceSpec defaults.
_TEMPLATE_COLUMNS = (
    "kind",
    "fmt",
    "script",
    "date_style",
    "header_style",
    "age_style",
    "sex_style",
    "base_capture",
    "blackout_factor",
)
_TEMPLATE_ROWS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    (
        ("ngo_list", "csv", "latin", "iso", "canonical", "num", "en", 0.5, 0.6),
        dict(roman_style="standard", has_cause=True, duplicate_mult=1.5),
    ),
    (
        ("media", "xlsx", "fa", "jalali_words_fa", "persian", "years", "fa", 0.4, 0.45),
        dict(
            digits="persian",
            alt_date_style="jalali_slash_fa",
            name_layout="full",
            has_source_reference=True,
            missing_mult=1.3,
            duplicate_mult=1.2,
            has_father=False,
        ),
    ),
    (
        ("hospital", "csv-1256", "fa", "jalali_slash", "persian", "num", "fa", 0.35, 0.8),
        dict(
            arabic_letters=1.0,
            has_record_id=False,
            has_cause=True,
            class_sensitivity=0.4,
            has_date_of_birth=True,
            error_mult=0.7,
            duplicate_mult=0.5,
        ),
    ),
    (
        ("family_report", "json", "latin", "long_en", "english", "words", "en", 0.3, 0.5),
        dict(
            alt_date_style="jalali_words_en",
            roman_style="anglo",
            has_body_withheld=True,
            class_sensitivity=1.2,
            has_witness=True,
            error_mult=1.5,
        ),
    ),
    (
        ("cemetery", "csv-utf16", "fa", "jalali_slash_fa", "persian", "num_fa", "fa", 0.35, 0.9),
        dict(digits="persian", has_province=False, class_sensitivity=0.3),
    ),
    (
        ("field_intake", "jsonl", "mixed", "dmy", "canonical", "words", "MF", 0.25, 0.4),
        dict(
            alt_date_style="jalali_slash",
            roman_style="diaspora",
            has_body_withheld=True,
            has_witness=True,
            has_source_reference=True,
            error_mult=1.5,
            missing_mult=1.3,
        ),
    ),
    (
        ("morgue", "csv-bom", "fa", "jalali_slash", "persian", "num", "fa", 0.3, 0.85),
        dict(arabic_letters=0.3, has_record_id=False, class_sensitivity=0.3, has_cause=True),
    ),
    (
        ("ngo_list", "csv", "latin", "jalali_words_en", "english", "num", "MF", 0.45, 0.6),
        dict(
            roman_style="academic",
            focus_provinces=("IR-12", "IR-05", "IR-04", "IR-16"),
            upper_case=True,
        ),
    ),
    (
        ("media", "json", "latin", "long_en", "english", "years", "en", 0.3, 0.5),
        dict(
            roman_style="arabic",
            name_layout="full",
            name_order="family_given",
            has_father=False,
        ),
    ),
    (
        ("other", "xlsx", "mixed", "iso", "canonical", "num", "en", 0.25, 0.6),
        dict(focus_provinces=("IR-11", "IR-22", "IR-08")),
    ),
]
_TEMPLATES: list[dict[str, Any]] = [
    dict(zip(_TEMPLATE_COLUMNS, row, strict=True), **habits) for row, habits in _TEMPLATE_ROWS
]

_KIND_LABEL = {
    "ngo_list": "NGO",
    "media": "MEDIA",
    "hospital": "HOSPITAL",
    "morgue": "MORGUE",
    "cemetery": "CEMETERY",
    "family_report": "FAMILY",
    "field_intake": "FIELD",
    "other": "OTHER",
}


_FA_DATE_STYLES = ("jalali_words_fa", "jalali_slash_fa")  # whole-script lists: Persian digits
_LATIN_DATE_STYLES = ("iso", "long_en", "dmy")  # whole-script Latin lists: Gregorian


def _one_script(
    t: dict[str, Any], k: int, script: str, formats: list[str] | None
) -> dict[str, Any]:
    """Rewrite template ``t`` so the whole list is in ``script``: Persian lists write
    Jalali dates in Persian digits, Latin lists Gregorian dates (style ``k`` of the
    script's cycle), with the same script's next style as the second habit where the
    template had one."""
    t = dict(t, script=script)
    had_alt = t.get("alt_date_style") is not None
    styles: tuple[str, ...]
    if script == "fa":
        styles = _FA_DATE_STYLES
        t.update(digits="persian", sex_style="fa" if t.get("sex_style") != "MF" else "MF")
        if t.get("header_style") == "english":
            t["header_style"] = "persian"
        if t["fmt"] == "csv-1256" and not formats:
            t["fmt"] = "csv"  # windows-1256 cannot hold Persian digits; keep the Arabic letters
    else:
        styles = _LATIN_DATE_STYLES
        t.update(digits="latin", arabic_letters=0.0)
        if t.get("header_style") == "persian":
            t["header_style"] = "english"
    t["date_style"] = styles[k % len(styles)]
    t["alt_date_style"] = styles[(k + 1) % len(styles)] if had_alt else None
    return t


def default_sources(
    n: int, formats: list[str] | None = None, script_mode: str = "rotation"
) -> list[SourceSpec]:
    """The first ``n`` sources of the template rotation (formats overridden if given).

    ``script_mode`` (``SCRIPT_MODES``): ``rotation`` keeps each template's script (two
    templates mix scripts record by record); ``single`` makes every list entirely one
    script, Latin for even and Persian for odd list numbers; ``fa``/``latin`` put every
    list in that script. Outside ``rotation``, Persian lists write Jalali dates in
    Persian digits and Latin lists Gregorian dates (ISO, ``8 January 2026``,
    ``08/01/2026`` in turn).
    """
    if script_mode not in SCRIPT_MODES:
        raise RoshanError(f"script mode must be one of {list(SCRIPT_MODES)}")
    out = []
    for i in range(n):
        t = dict(_TEMPLATES[i % len(_TEMPLATES)])
        if script_mode == "single":
            t = _one_script(t, i // 2, "latin" if i % 2 == 0 else "fa", formats)
        elif script_mode in ("fa", "latin"):
            t = _one_script(t, i, script_mode, formats)
        fmt_token = t.pop("fmt")
        if formats:
            fmt_token = formats[i % len(formats)]
        file_format, encoding = FORMAT_TOKENS[fmt_token]
        letter = chr(ord("A") + i % 26) + (str(i // 26 + 1) if i >= 26 else "")
        spec = SourceSpec(
            name=f"SYNTHETIC-{_KIND_LABEL[t['kind']]}-{letter}",
            format=file_format,
            encoding=encoding,
            **t,
        )
        out.append(consistent_spec(spec))
    return out


def consistent_spec(spec: SourceSpec) -> SourceSpec:
    """Make a spec writable: windows-1256 cannot hold Persian ی or Persian digits; a
    full-name style with the father's name means a full-name layout without a father
    column."""
    if spec.full_name_style != "plain":
        spec.name_layout = "full"
        spec.has_father = False
    if spec.encoding == "windows-1256":
        spec.arabic_letters = 1.0
        spec.digits = "latin"
        if spec.date_style in ("jalali_slash_fa", "jalali_words_fa"):
            spec.date_style = "jalali_slash"
        if spec.alt_date_style in ("jalali_slash_fa", "jalali_words_fa"):
            spec.alt_date_style = "jalali_slash"
        if spec.age_style == "num_fa":
            spec.age_style = "num"
    return spec
