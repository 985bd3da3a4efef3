"""SYNTHETIC "outside" casualty-list scenarios for testing record linkage.

Everything this module writes is SYNTHETIC: the people are drawn at random from
small hand-written name tables and are no real person.

It is written as an outsider would write it, independently of roshan's own
simulator and normaliser (it imports nothing from roshan and shares none of its
tables): lists in Persian script with Persian digits and Arabic yeh/kaf, lists in
Latin transliteration with many spellings and typos, Solar Hijri and Gregorian
dates, within-list duplicates, namesakes, swapped columns, missing fields and
full-name columns with the father's name inside.

    from outside import FAMILIES, generate
    sc = generate("outside3", seed=1, out_dir=Path("/tmp/outside3-1"))
    sc.lists["A"], sc.truth, sc.people, sc.files["A"], sc.files["A.mapping"]

Command line: ``python bench/robustness/outside.py outside3 --seed 1 --out DIR``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from bisect import bisect_right
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from itertools import accumulate
from pathlib import Path

import jdatetime
import numpy as np
import pandas as pd

ZWNJ = "\u200c"
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
TO_ARABIC_YK = str.maketrans({"ی": "ي", "ک": "ك"})
SYNTHETIC_NOTE = "SYNTHETIC data: every person here is invented; no real person is described."

# --------------------------------------------------------------------------------------
# Hand-written name tables. One entry a line: Persian spellings separated by "/", then
# "|", then Latin spellings separated by ",". The first spelling of each is the usual
# one. "+" marks a compound joint written with a zero-width non-joiner (U+200C).
# Lines are in rough order of frequency (most common first).
# --------------------------------------------------------------------------------------

_MALE_GIVEN = """
محمد | Mohammad, Mohamad, Mohammed, Muhammad, Mohamed
علی | Ali, Aly
حسین | Hossein, Hosein, Hussein, Hosseyn, Hosain
رضا | Reza, Riza
مهدی | Mehdi, Mahdi, Mehdy
امیر+حسین | Amirhossein, Amir Hossein, Amir-Hossein, Amirhosein, Amir Hosein
محمد+رضا | Mohammadreza, Mohammad Reza, Mohammad-Reza, Mohamadreza, Mohamad Reza, Muhammad Reza
علی+رضا | Alireza, Ali Reza, Ali-Reza, Aliriza
ابوالفضل/ابالفضل | Abolfazl, Abolfazel, Abol-Fazl, Abulfazl, Abolfazal
امیر | Amir, Ameer
حسن | Hassan, Hasan
مجید | Majid, Majeed
سعید | Saeed, Saeid, Said, Saied
جواد | Javad, Jawad
مصطفی | Mostafa, Mustafa, Moustafa, Mostapha
میلاد | Milad, Meelad
امید | Omid, Omeed
محسن | Mohsen, Mohsin
حمید | Hamid, Hameed
عباس | Abbas, Abas
یوسف | Yousef, Yusuf, Yousof, Yosef, Yusef
سجاد | Sajjad, Sajad
محمد+حسین | Mohammadhossein, Mohammad Hossein, Mohammad-Hossein, Mohamad Hosein
پویا | Pouya, Pooya, Puya
کیان | Kian, Kiyan
بهزاد | Behzad, Bahzad
فرهاد | Farhad, Farhaad
نیما | Nima, Neema
آرین | Arian, Aryan, Arien
سینا | Sina, Seena
مهران | Mehran, Mahran
رسول | Rasoul, Rasool, Rasul
اسماعیل/اسمعیل | Esmaeil, Ismail, Esmail, Esmaeel, Smail
ابراهیم | Ebrahim, Ibrahim, Ebraheem
کاظم | Kazem, Kazim, Kasem
داریوش | Dariush, Daryoush, Darioush, Daryush
بابک | Babak
پیمان | Peyman, Payman
وحید | Vahid, Wahid
مرتضی | Morteza, Mortaza, Murtaza, Mortesa
جعفر | Jafar, Ja'far, Jaafar
قاسم | Ghasem, Qasem, Gasem, Qassem
یاسین | Yasin, Yaseen
هادی | Hadi, Haadi
صادق | Sadegh, Sadeq, Sadiq
ناصر | Naser, Nasser, Nacer
بهروز | Behrouz, Behrooz, Behruz
شهرام | Shahram
کامران | Kamran, Kamraan
آرمان | Arman
ماهان | Mahan
عرفان | Erfan, Irfan
امین | Amin, Ameen
حامد | Hamed
محمد+علی | Mohammadali, Mohammad Ali, Mohammad-Ali, Mohamad Ali
غلام+رضا | Gholamreza, Gholam Reza, Gholam-Reza, Qolamreza
اکبر | Akbar
اصغر | Asghar, Asqar
منصور | Mansour, Mansoor, Mansur
سیاوش | Siavash, Siyavash, Siavosh
رامین | Ramin
شهاب | Shahab
فرزاد | Farzad
مسعود | Masoud, Masood, Massoud, Masud
احمد | Ahmad, Ahmed
محمود | Mahmoud, Mahmood, Mahmud
کوروش | Kourosh, Koorosh, Kurosh
یزدان | Yazdan
طاها | Taha, Taaha
دانیال | Danial, Daniyal, Daniel
اهورا | Ahoura, Ahura
بنیامین | Benyamin, Binyamin, Benjamin
سهیل | Soheil, Sohail, Soheyl
روح+الله | Rouhollah, Ruhollah, Rohollah, Ruhallah
نوید | Navid
آرش | Arash
ایمان | Iman, Eman
پرویز | Parviz, Parvis
خلیل | Khalil, Kalil
بهنام | Behnam
"""

_FEMALE_GIVEN = """
فاطمه | Fatemeh, Fatima, Fateme, Fatemah
زهرا | Zahra, Zahraa
مریم | Maryam, Mariam
زینب | Zeynab, Zainab, Zeinab
سارا | Sara, Sarah
مهسا | Mahsa
نرگس | Narges, Nargess
معصومه | Masoumeh, Masoomeh, Masumeh
سمیرا | Samira
الهام | Elham
نازنین | Nazanin
کیمیا | Kimia, Kimiya
نیلوفر | Niloufar, Niloofar, Nilufar
هانیه | Hanieh, Haniyeh, Hanie
فرشته | Fereshteh, Fereshte
لیلا | Leila, Leyla, Layla
شیرین | Shirin, Shireen
ساناز | Sanaz
پریسا | Parisa
سمانه | Samaneh, Samane
ملیکا | Melika, Malika
آیدا | Aida, Ayda
مبینا | Mobina, Mobeena
نسرین | Nasrin, Nasreen
نگین | Negin, Neghin
"""

_FAMILY = """
رضایی/رضائی | Rezaei, Rezaee, Rezaie, Rezai, Rezayi
محمدی | Mohammadi, Mohamadi, Mohammady, Muhammadi
حسینی | Hosseini, Hoseini, Husseini, Hosseiny
احمدی | Ahmadi, Ahmady
کریمی | Karimi, Karimy
موسوی | Mousavi, Musavi, Moosavi, Mousawi
جعفری | Jafari, Jaafari, Ja'fari
صادقی | Sadeghi, Sadeqi
حیدری | Heidari, Heydari, Haidari
رحیمی | Rahimi, Raheemi
قاسمی | Ghasemi, Qasemi, Ghassemi
کاظمی | Kazemi, Kazimi
عباسی | Abbasi, Abasi
نوری | Nouri, Noori, Nuri
اکبری | Akbari
حسین+زاده | Hosseinzadeh, Hosseinzade, Hossein-Zadeh, Hoseinzadeh, Hossein Zadeh
محمد+پور | Mohammadpour, Mohammadpoor, Mohamadpour, Mohammad-Pour
علی+زاده | Alizadeh, Ali-Zadeh, Alizade, Ali Zadeh
رحمانی | Rahmani
یوسفی | Yousefi, Yusefi, Yousofi
بهرامی | Bahrami, Bahraami
کرمی | Karami
مرادی | Moradi, Muradi
سلیمانی | Soleimani, Soleymani, Solaimani
نجفی | Najafi
امیری | Amiri, Ameeri
شریفی | Sharifi
طاهری | Taheri
زارعی | Zarei, Zareei, Zare'i, Zaree
قربانی | Ghorbani, Qorbani
اسدی | Asadi
ملکی | Maleki, Malaki
فرهادی | Farhadi
کاظم+پور | Kazempour, Kazempoor, Kazem-Pour
نیک+نژاد | Niknejad, Nik-Nejad, Niknezhad, Nicknejad
عزیزی | Azizi
باقری | Bagheri, Baqeri
خسروی | Khosravi, Khosrawi
رستمی | Rostami
جلالی | Jalali
میرزایی/میرزائی | Mirzaei, Mirzaee, Mirzaie
شاه+محمدی | Shahmohammadi, Shah-Mohammadi
تقی+پور | Taghipour, Taghipoor, Taqipour
ابراهیمی | Ebrahimi, Ibrahimi
اسماعیلی | Esmaeili, Esmaili, Ismaili
کیانی | Kiani, Kiyani
سلطانی | Soltani
ذوالفقاری | Zolfaghari, Zolfaqari
بختیاری | Bakhtiari, Bakhtiyari
کردی | Kordi, Kurdi
عبداللهی/عبدالهی | Abdollahi, Abdolahi, Abdullahi
فتحی | Fathi
پور+محمدی | Pourmohammadi, Pour-Mohammadi
امینی | Amini
نظری | Nazari
صالحی | Salehi
آقایی/آقائی | Aghaei, Aghaee, Aghaie
یزدانی | Yazdani
قلی+زاده | Gholizadeh, Qolizadeh, Gholi-Zadeh
دهقان | Dehghan, Dehqan
"""

# Families in which a Seyed (descendant of the Prophet) title is common.
_SEYED_FAMILIES = {"حسینی", "موسوی", "کاظمی", "عباسی", "جعفری", "رضایی", "حیدری"}

# Province | Latin spellings ; city | Latin spellings ; weight
_PLACES = """
تهران | Tehran, Teheran ; تهران | Tehran, Teheran ; 30
تهران | Tehran, Teheran ; اسلام+شهر | Eslamshahr, Islamshahr, Eslam Shahr ; 4
تهران | Tehran, Teheran ; شهریار | Shahriar, Shahryar ; 3
البرز | Alborz ; کرج | Karaj, Karadj ; 8
اصفهان | Isfahan, Esfahan ; اصفهان | Isfahan, Esfahan ; 7
اصفهان | Isfahan, Esfahan ; نجف+آباد | Najafabad, Najaf Abad, Najaf-Abad ; 3
فارس | Fars ; شیراز | Shiraz ; 6
خراسان رضوی | Khorasan Razavi, Razavi Khorasan, Khorasan-e Razavi ; مشهد | Mashhad, Mashad ; 6
کرمانشاه | Kermanshah ; کرمانشاه | Kermanshah, Kermanshahan ; 4
کرمانشاه | Kermanshah ; جوانرود | Javanrud, Javanroud ; 2
کردستان | Kurdistan, Kordestan ; سنندج | Sanandaj ; 3
چهارمحال و بختیاری | Chaharmahal and Bakhtiari, Chaharmahal & Bakhtiari, Chahar Mahal and Bakhtiari ; لردگان | Lordegan, Lordgan ; 2
چهارمحال و بختیاری | Chaharmahal and Bakhtiari, Chaharmahal & Bakhtiari, Chahar Mahal and Bakhtiari ; شهرکرد | Shahrekord, Shahr-e Kord, Shahre Kord ; 2
گیلان | Gilan, Guilan ; رشت | Rasht ; 4
خوزستان | Khuzestan, Khouzestan ; اهواز | Ahvaz, Ahwaz ; 4
لرستان | Lorestan, Luristan ; خرم+آباد | Khorramabad, Khorram Abad, Khoramabad ; 2
لرستان | Lorestan, Luristan ; ازنا | Azna ; 1
سیستان و بلوچستان | Sistan and Baluchestan, Sistan-Baluchestan, Sistan & Baluchistan ; زاهدان | Zahedan ; 3
"""

JALALI_MONTHS_FA = {10: "دی", 11: "بهمن"}
JALALI_MONTHS_LATIN = {10: "Dey", 11: "Bahman"}
GREG_MONTHS = {12: ("December", "Dec"), 1: ("January", "Jan")}

WINDOW_START = dt.date(2025, 12, 28)
WINDOW_END = dt.date(2026, 1, 31)


@dataclass(frozen=True)
class Name:
    fa: tuple[str, ...]
    latin: tuple[str, ...]


def _parse_names(text: str) -> list[Name]:
    out = []
    for line in text.strip().splitlines():
        fa, latin = line.split("|")
        fa_forms = tuple(v.strip().replace("+", ZWNJ) for v in fa.split("/"))
        latin_forms = tuple(dict.fromkeys(v.strip() for v in latin.split(",")))
        out.append(Name(fa_forms, latin_forms))
    return out


def _parse_places(text: str) -> list[tuple[Name, Name, float]]:
    out = []
    for line in text.strip().splitlines():
        prov, city, weight = (part.strip() for part in line.split(";"))
        out.append((_parse_names(prov)[0], _parse_names(city)[0], float(weight)))
    return out


MALE_GIVEN = _parse_names(_MALE_GIVEN)
FEMALE_GIVEN = _parse_names(_FEMALE_GIVEN)
FAMILY_NAMES = _parse_names(_FAMILY)
PLACES = _parse_places(_PLACES)

# --------------------------------------------------------------------------------------
# Headers. Each list uses one set; a mapping TOML maps them to roshan's canonical fields.
# --------------------------------------------------------------------------------------

CANONICAL = {
    "full": "full_name",
    "given": "given_name",
    "family": "family_name",
    "father": "father_name",
    "sex": "sex",
    "age": "age",
    "date": "date_of_death",
    "city": "city",
    "province": "province",
}

HEADER_SETS: dict[str, dict[str, str]] = {
    "fa": {
        "full": "نام و نام خانوادگی",
        "given": "نام",
        "family": "نام خانوادگی",
        "father": "نام پدر",
        "sex": "جنسیت",
        "age": "سن",
        "date": "تاریخ فوت",
        "city": "شهر",
        "province": "استان",
    },
    "fa2": {
        "full": "مشخصات جانباخته",
        "given": "نام کوچک",
        "family": "نام خانوادگی",
        "father": "نام پدر",
        "sex": "جنس",
        "age": "سن (سال)",
        "date": "تاریخ درگذشت",
        "city": "شهر محل فوت",
        "province": "استان",
    },
    "en": {
        "full": "Name",
        "given": "First Name",
        "family": "Last Name",
        "father": "Father's Name",
        "sex": "Gender",
        "age": "Age",
        "date": "Date of Death",
        "city": "City",
        "province": "Province",
    },
    "en2": {
        "full": "Victim",
        "given": "Name (first)",
        "family": "Family",
        "father": "Father",
        "sex": "Sex",
        "age": "Age (years)",
        "date": "Date (Jalali)",
        "city": "Town",
        "province": "Ostan",
    },
    "en3": {
        "full": "Full name",
        "given": "Given",
        "family": "Surname",
        "father": "Father of",
        "sex": "M/F",
        "age": "Age at death",
        "date": "Died on",
        "city": "Place",
        "province": "Region",
    },
}

# --------------------------------------------------------------------------------------
# Dials
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListSpec:
    """How one list is captured and written."""

    name: str
    script: str = "fa"  # "fa", "latin" or "mixed" (per record: Persian with fa_share)
    calendar: str = "jalali_fa"  # "jalali_fa" (Persian digits), "jalali_latin", "gregorian"
    headers: str = "fa"  # a key of HEADER_SETS
    capture: float = 0.0  # relative log-odds of being on this list
    full_name: bool = False  # one full-name column instead of given/family/father
    father_column: bool = True
    fa_share: float = 0.5  # share of Persian-script records when script == "mixed"
    fa_digits: bool = False  # ages in Persian digits
    arabic_yk: float = 0.0  # share of records written with Arabic ي/ك
    typo_rate: float = 0.0  # share of Latin records with one typo in a name
    swap_rate: float = 0.0  # share of records with given and family names swapped
    fmt: str = "csv"  # "csv" (UTF-8) or "xlsx"


@dataclass(frozen=True)
class Family:
    """A scenario family: the dials of one kind of outside data."""

    name: str
    description: str
    lists: tuple[ListSpec, ...]
    n_people: int = 3000
    listed_share: float = 0.70  # expected share of people on at least one list
    visibility_sd: float = 1.0  # sd of a per-person visibility (log-odds), shared by lists
    male_share: float = 0.88
    n_male_given: int = 27
    n_female_given: int = 8
    given_zipf: float = 1.0
    n_family: int = 36
    family_zipf: float = 1.0
    namesake_share: float = 0.0  # share of people put in same-name/city/week clusters
    dup_rate: float = 0.03  # within-list duplicates, share of a list's people
    age_jitter: int = 1  # records of one person differ in age by at most this
    date_jitter: int = 1  # records of one person differ in date of death by at most this
    missing_age: float = 0.0
    missing_father: float = 0.0
    title_rate: float = 0.0  # share of a Seyed's records with the title (full-name lists)
    seyed_share: float = 0.05  # Seyed share outside the families where it is common


LIST_A = ListSpec(
    "A",
    script="fa",
    calendar="jalali_fa",
    headers="fa",
    capture=0.2,
    fa_digits=True,
    arabic_yk=0.30,
)
LIST_B = ListSpec(
    "B", script="latin", calendar="gregorian", headers="en", capture=0.0, typo_rate=0.05
)
LIST_C = ListSpec(
    "C", script="mixed", calendar="jalali_latin", headers="en2", capture=-0.3, fa_share=0.5
)

OUTSIDE3 = Family(
    name="outside3",
    description=(
        "3 lists: A Persian script, Persian-digit Jalali dates, 30% Arabic ي/ك, ZWNJ kept, "
        "dropped or spaced; B Latin, many spellings, 5% typos, Gregorian dates in 4 forms; "
        "C half Persian half Latin, Jalali dates in Latin digits or 'DD Dey 1404'. 3,000 "
        "people, ~2,100 listed, 35 given and 36 family names (Zipf), 3% within-list "
        "duplicates, age and date differ by <=1 between records."
    ),
    lists=(LIST_A, LIST_B, LIST_C),
)

_ONE_SCRIPT_LISTS = (
    LIST_A,
    LIST_B,
    replace(LIST_C, script="latin", capture=-0.2),
    ListSpec(
        "D",
        script="fa",
        calendar="jalali_fa",
        headers="fa2",
        capture=-0.4,
        fa_digits=True,
        arabic_yk=0.15,
        fmt="xlsx",
    ),
)

_CONCENTRATED = {
    "n_male_given": len(MALE_GIVEN),
    "n_female_given": len(FEMALE_GIVEN),
    "given_zipf": 0.9,  # top 30 of 105 given names cover ~70% of people
    "n_family": 12,
    "family_zipf": 1.3,
}

_MISSING = {"missing_age": 0.5, "missing_father": 0.5}


def _derive(name: str, description: str, base: Family = OUTSIDE3, **changes) -> Family:
    return replace(base, name=name, description=description, **changes)


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in [
        OUTSIDE3,
        _derive(
            "one_script",
            "outside3 with 4 lists each in one script: A Persian, B Latin (Gregorian), "
            "C Latin (Jalali in Latin), D Persian (XLSX).",
            lists=_ONE_SCRIPT_LISTS,
        ),
        _derive(
            "concentrated",
            "outside3 with a concentrated name pool: 105 given names (top 30 cover ~70% "
            "of people) and only 12 family names (steeper Zipf, s=1.3).",
            **_CONCENTRATED,
        ),
        _derive(
            "namesakes",
            "outside3 with 15% of people in namesake clusters: different people with the "
            "same given and family name, same city, died in the same week.",
            namesake_share=0.15,
        ),
        _derive(
            "fullname",
            "4 lists with only a full-name column: 'حسین رضایی فرزند علی', '... پسر/دختر ...', "
            "'Rezaei, Hossein son of Ali', 'Hossein Ali Rezaei' (father in the middle), "
            "with Seyed/سید titles on 60% of a Seyed's records.",
            lists=(
                replace(LIST_A, full_name=True),
                replace(LIST_B, full_name=True),
                replace(LIST_C, full_name=True),
                ListSpec(
                    "D",
                    script="latin",
                    calendar="gregorian",
                    headers="en3",
                    capture=-0.4,
                    full_name=True,
                    typo_rate=0.03,
                ),
            ),
            title_rate=0.6,
        ),
        _derive(
            "swapped",
            "outside3 with given and family names swapped in 40% of list B's rows.",
            lists=(LIST_A, replace(LIST_B, swap_rate=0.4), LIST_C),
        ),
        _derive(
            "dates2",
            "outside3 with dates of death differing by up to 2 days between records.",
            date_jitter=2,
        ),
        _derive(
            "missing",
            "outside3 with age and father's name missing from 50% of records; list C has "
            "no father column at all.",
            lists=(LIST_A, LIST_B, replace(LIST_C, father_column=False)),
            **_MISSING,
        ),
        _derive(
            "hard",
            "one_script lists + concentrated names + 15% namesakes + dates within 2 days + "
            "age and father missing from 50% of records (list C without a father column).",
            lists=tuple(
                replace(s, father_column=False) if s.name == "C" else s for s in _ONE_SCRIPT_LISTS
            ),
            namesake_share=0.15,
            date_jitter=2,
            **_CONCENTRATED,
            **_MISSING,
        ),
    ]
}

# --------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------


@dataclass
class Outside:
    """One generated scenario (SYNTHETIC)."""

    family: Family
    seed: int
    lists: dict[str, pd.DataFrame]  # list name -> rows as written (string columns)
    truth: pd.DataFrame  # list, row_number (1 = first data row), person_id
    people: pd.DataFrame  # person_id and true attributes
    n_people_exist: int
    n_people_listed: int
    mappings: dict[str, dict[str, str]]  # list name -> {file header: canonical field}
    files: dict[str, Path] = field(default_factory=dict)  # "A", "A.mapping", "truth", ...
    stats: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _zipf(n: int, s: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** s
    return w / w.sum()


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def _capture_offset(fam: Family) -> float:
    """Common log-odds offset so that E[share on >= 1 list] == fam.listed_share."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(60)
    weights = weights / weights.sum()
    rel = np.array([s.capture for s in fam.lists])

    def union(c: float) -> float:
        p = _expit(c + rel[None, :] + fam.visibility_sd * nodes[:, None])
        return float(weights @ (1.0 - np.prod(1.0 - p, axis=1)))

    lo, hi = -15.0, 15.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if union(mid) < fam.listed_share:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _death_day_weights() -> tuple[list[dt.date], np.ndarray]:
    days = [WINDOW_START + dt.timedelta(d) for d in range((WINDOW_END - WINDOW_START).days + 1)]
    peak = {8: 14.0, 9: 22.0, 10: 13.0, 11: 7.0, 12: 4.5, 13: 3.0, 14: 2.2}
    w = []
    for d in days:
        if d < dt.date(2026, 1, 8):
            w.append(0.6 + 0.1 * (d - WINDOW_START).days)  # slow rise before the peak
        elif d.day in peak and d.month == 1:
            w.append(peak[d.day])
        else:
            w.append(1.8 * np.exp(-(d.day - 14) / 6.0))
    w = np.array(w)
    return days, w / w.sum()


@cache
def _cumulative(weights: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(accumulate(weights))


def _wchoice(rng: np.random.Generator, weights: tuple[float, ...]) -> int:
    """Index drawn with probability proportional to weights (fast for one draw)."""
    cum = _cumulative(weights)
    return bisect_right(cum, rng.random() * cum[-1])


@cache
def _offsets(jitter: int) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Offsets such that any two records differ by at most `jitter`; 0 most likely."""
    if jitter <= 0:
        return (0,), (1.0,)
    vals = tuple(range(-(jitter // 2), jitter - jitter // 2 + 1))
    return vals, tuple(0.6 if v == 0 else 0.4 / (len(vals) - 1) for v in vals)


def _jitter(rng: np.random.Generator, jitter: int) -> int:
    vals, weights = _offsets(jitter)
    return vals[_wchoice(rng, weights)]


@cache
def _harmonic(n: int) -> tuple[float, ...]:
    return tuple(1.0 / k for k in range(1, n + 1))


def _pick_latin(rng: np.random.Generator, name: Name) -> str:
    return name.latin[_wchoice(rng, _harmonic(len(name.latin)))]


def _pick_fa(rng: np.random.Generator, name: Name) -> str:
    if len(name.fa) > 1 and rng.random() < 0.15:
        form = name.fa[1 + rng.integers(len(name.fa) - 1)]
    else:
        form = name.fa[0]
    if ZWNJ in form:  # compound joint: keep the ZWNJ, drop it, or write a space
        parts = form.split(ZWNJ)
        out = parts[0]
        for part in parts[1:]:
            out += [ZWNJ, "", " "][_wchoice(rng, (0.4, 0.3, 0.3))] + part
        form = out
    return form


def _typo(rng: np.random.Generator, s: str) -> str:
    idx = [i for i, ch in enumerate(s) if ch.isalpha()]
    if len(idx) < 3:
        return s
    kind = rng.integers(3)
    i = idx[rng.integers(1, len(idx))]  # keep the first letter
    if kind == 0:  # drop a letter
        return s[:i] + s[i + 1 :]
    if kind == 1:  # double a letter
        return s[:i] + s[i] + s[i:]
    j = idx[rng.integers(1, len(idx) - 1)]  # swap two neighbours
    if s[j + 1].isalpha():
        return s[:j] + s[j + 1] + s[j] + s[j + 2 :]
    return s[:i] + s[i + 1 :]


def _format_date(rng: np.random.Generator, d: dt.date, calendar: str) -> str:
    if calendar == "gregorian":
        long_m, short_m = GREG_MONTHS[d.month]
        k = _wchoice(rng, (0.35, 0.25, 0.2, 0.2))
        return [
            d.isoformat(),
            f"{d.day:02d}/{d.month:02d}/{d.year}",
            f"{d.day} {long_m} {d.year}",
            f"{short_m} {d.day}, {d.year}",
        ][k]
    j = jdatetime.date.fromgregorian(date=d)
    if calendar == "jalali_fa":
        if rng.random() < 0.15:
            return f"{j.day} {JALALI_MONTHS_FA[j.month]} {j.year}".translate(FA_DIGITS)
        pad = rng.random() < 0.6
        s = f"{j.year}/{j.month:02d}/{j.day:02d}" if pad else f"{j.year}/{j.month}/{j.day}"
        return s.translate(FA_DIGITS)
    if calendar == "jalali_latin":
        if rng.random() < 0.4:
            return f"{j.day} {JALALI_MONTHS_LATIN[j.month]} {j.year}"
        pad = rng.random() < 0.6
        return f"{j.year}/{j.month:02d}/{j.day:02d}" if pad else f"{j.year}/{j.month}/{j.day}"
    raise ValueError(f"unknown calendar {calendar!r}")


def _full_name_fa(rng, g: str, f: str, father: str, sex: str, title: str) -> str:
    t = f"{title} " if title else ""
    if not father:
        return [f"{t}{g} {f}", f"{f}، {t}{g}"][_wchoice(rng, (0.8, 0.2))]
    kin = "پسر" if sex == "M" else "دختر"
    forms = [
        f"{t}{g} {f} فرزند {father}",
        f"{t}{g} {f} {kin} {father}",
        f"{t}{g} {father} {f}",
        f"{f}، {t}{g} فرزند {father}",
        f"{t}{g} {f}",
    ]
    return forms[_wchoice(rng, (0.45, 0.3, 0.1, 0.05, 0.1))]


def _full_name_latin(rng, g: str, f: str, father: str, sex: str, title: str) -> str:
    t = f"{title} " if title else ""
    if not father:
        return [f"{t}{g} {f}", f"{f}, {t}{g}"][_wchoice(rng, (0.7, 0.3))]
    kin = "son of" if sex == "M" else "daughter of"
    forms = [
        f"{f}, {t}{g} {kin} {father}",
        f"{t}{g} {f} {kin} {father}",
        f"{t}{g} {father} {f}",
        f"{t}{g} {f}",
    ]
    return forms[_wchoice(rng, (0.25, 0.35, 0.25, 0.15))]


# --------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------


def _draw_people(fam: Family, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng([seed, 1])
    n = fam.n_people
    male_pool = MALE_GIVEN[: fam.n_male_given]
    female_pool = FEMALE_GIVEN[: fam.n_female_given]
    fam_pool = FAMILY_NAMES[: fam.n_family]
    male = rng.random(n) < fam.male_share
    g_m = rng.choice(len(male_pool), size=n, p=_zipf(len(male_pool), fam.given_zipf))
    g_f = rng.choice(len(female_pool), size=n, p=_zipf(len(female_pool), fam.given_zipf))
    fam_idx = rng.choice(len(fam_pool), size=n, p=_zipf(len(fam_pool), fam.family_zipf))
    father_idx = rng.choice(len(male_pool), size=n, p=_zipf(len(male_pool), fam.given_zipf))
    days, day_p = _death_day_weights()
    day_idx = rng.choice(len(days), size=n, p=day_p)
    place_w = np.array([w for _, _, w in PLACES])
    place_idx = rng.choice(len(PLACES), size=n, p=place_w / place_w.sum())
    age = np.clip(np.round(13 + rng.gamma(3.0, 4.5, size=n)), 9, 80).astype(int)
    visibility = rng.normal(0.0, 1.0, size=n)
    seyed_u = rng.random(n)

    rows = []
    for i in range(n):
        given = male_pool[g_m[i]] if male[i] else female_pool[g_f[i]]
        family = fam_pool[fam_idx[i]]
        seyed_p = 0.6 if family.fa[0] in _SEYED_FAMILIES else fam.seyed_share
        prov, city, _ = PLACES[place_idx[i]]
        rows.append(
            {
                "person_id": f"P{i + 1:05d}",
                "sex": "M" if male[i] else "F",
                "given": given,
                "family": family,
                "father": male_pool[father_idx[i]],
                "seyed": bool(seyed_u[i] < seyed_p),
                "age": int(age[i]),
                "date_of_death": days[day_idx[i]],
                "province": prov,
                "city": city,
                "visibility": float(visibility[i]),
                "namesake_cluster": "",
            }
        )
    people = pd.DataFrame(rows)
    if fam.namesake_share > 0:
        _make_namesakes(people, fam, seed)
    return people


def _make_namesakes(people: pd.DataFrame, fam: Family, seed: int) -> None:
    """Put ~namesake_share of people in clusters (2 or 3 people) with the same given and
    family name, same city and a death in the same week; age and father stay their own."""
    rng = np.random.default_rng([seed, 4])
    n = len(people)
    target = int(round(fam.namesake_share * n))
    order = rng.permutation(n)
    pos, cluster, members = 0, 0, 0
    while members + 2 <= target and pos + 3 <= n:
        size = 3 if (rng.random() < 0.2 and members + 3 <= target) else 2
        idx = order[pos : pos + size]
        pos += size
        cluster += 1
        anchor = people.loc[idx[0]]
        for j in idx[1:]:
            people.at[j, "given"] = anchor["given"]
            people.at[j, "sex"] = anchor["sex"]
            people.at[j, "family"] = anchor["family"]
            people.at[j, "seyed"] = anchor["seyed"]
            people.at[j, "city"] = anchor["city"]
            people.at[j, "province"] = anchor["province"]
            d = anchor["date_of_death"] + dt.timedelta(int(rng.integers(-3, 4)))
            people.at[j, "date_of_death"] = min(max(d, WINDOW_START), WINDOW_END)
        for j in idx:
            people.at[j, "namesake_cluster"] = f"N{cluster:04d}"
        members += size


# --------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------


def _render(rng: np.random.Generator, p, spec: ListSpec, fam: Family) -> dict[str, str]:
    fa = spec.script == "fa" or (spec.script == "mixed" and rng.random() < spec.fa_share)
    pick = _pick_fa if fa else _pick_latin
    given, family, father = pick(rng, p["given"]), pick(rng, p["family"]), pick(rng, p["father"])
    if not fa and spec.typo_rate and rng.random() < spec.typo_rate:
        k = rng.integers(3)
        if k == 0:
            given = _typo(rng, given)
        elif k == 1:
            family = _typo(rng, family)
        else:
            father = _typo(rng, father)
    if not spec.father_column or rng.random() < fam.missing_father:
        father = ""
    if spec.swap_rate and rng.random() < spec.swap_rate:
        given, family = family, given

    age = "" if rng.random() < fam.missing_age else str(p["age"] + _jitter(rng, fam.age_jitter))
    if age and spec.fa_digits and fa:
        age = age.translate(FA_DIGITS)
    d = p["date_of_death"] + dt.timedelta(_jitter(rng, fam.date_jitter))
    d = min(max(d, WINDOW_START), WINDOW_END)
    calendar = spec.calendar
    if calendar == "jalali_fa" and not fa:
        calendar = "jalali_latin"
    date = _format_date(rng, d, calendar)

    if fa:
        sex = "مرد" if p["sex"] == "M" else "زن"
    elif spec.calendar == "gregorian":
        sex = (["M", "Male"] if p["sex"] == "M" else ["F", "Female"])[int(rng.random() < 0.3)]
    else:
        sex = "male" if p["sex"] == "M" else "female"

    rec = {
        "given": given,
        "family": family,
        "father": father,
        "sex": sex,
        "age": age,
        "date": date,
        "city": pick(rng, p["city"]),
        "province": pick(rng, p["province"]),
    }
    if spec.full_name:
        title = ""
        if p["seyed"] and rng.random() < fam.title_rate:
            if fa:
                title = "سید" if p["sex"] == "M" else "سیده"
            else:
                opts = (
                    ["Seyed", "Seyyed", "Sayed", "Sayyid"]
                    if p["sex"] == "M"
                    else ["Seyedeh", "Sayyedeh"]
                )
                title = opts[rng.integers(len(opts))]
        make = _full_name_fa if fa else _full_name_latin
        rec["full"] = make(rng, given, family, father, p["sex"], title)
    if fa and spec.arabic_yk and rng.random() < spec.arabic_yk:
        rec = {k: v.translate(TO_ARABIC_YK) for k, v in rec.items()}
    return rec


def _week_twin_share(listed: pd.DataFrame) -> float:
    """Share of listed people with another listed person of the same given and family
    name and city who died within 6 days."""
    if listed.empty:
        return 0.0
    day = pd.to_datetime(listed["date_of_death"])
    key = listed["given_name_fa"] + "|" + listed["family_name_fa"] + "|" + listed["city_fa"]
    twin = np.zeros(len(listed), dtype=bool)
    pos = pd.Series(np.arange(len(listed)), index=listed.index)
    for _, idx in key.groupby(key).groups.items():
        if len(idx) < 2:
            continue
        d = day.loc[idx].to_numpy()
        close = np.abs(d[:, None] - d[None, :]) <= np.timedelta64(6, "D")
        twin[pos.loc[idx].to_numpy()] = close.sum(axis=1) > 1
    return round(float(twin.mean()), 4)


def _columns(spec: ListSpec) -> list[str]:
    names = (
        ["full"]
        if spec.full_name
        else ["given", "family"] + (["father"] if spec.father_column else [])
    )
    return names + ["sex", "age", "date", "city", "province"]


def generate(family: str | Family, seed: int, out_dir: Path | None = None) -> Outside:
    """Generate one SYNTHETIC outside scenario; write it under out_dir when given."""
    fam = FAMILIES[family] if isinstance(family, str) else family
    people = _draw_people(fam, seed)
    n = len(people)

    rng_c = np.random.default_rng([seed, 2])
    offset = _capture_offset(fam)
    vis = people["visibility"].to_numpy() * fam.visibility_sd
    person_rows = people.to_dict("records")

    lists: dict[str, pd.DataFrame] = {}
    mappings: dict[str, dict[str, str]] = {}
    truth_parts = []
    on_list = np.zeros((n, len(fam.lists)), dtype=bool)
    dup_counts = {}
    for k, spec in enumerate(fam.lists):
        captured = np.flatnonzero(rng_c.random(n) < _expit(offset + spec.capture + vis))
        on_list[captured, k] = True
        rng = np.random.default_rng([seed, 10 + k])
        n_dup = int(round(fam.dup_rate * len(captured)))
        dups = rng.choice(captured, size=n_dup, replace=False) if n_dup else np.array([], int)
        dup_counts[spec.name] = n_dup
        members = rng.permutation(np.concatenate([captured, dups]))
        cols = _columns(spec)
        headers = HEADER_SETS[spec.headers]
        recs = [_render(rng, person_rows[i], spec, fam) for i in members]
        df = pd.DataFrame(
            [[r[c] for c in cols] for r in recs], columns=[headers[c] for c in cols], dtype=str
        )
        lists[spec.name] = df
        mappings[spec.name] = {headers[c]: CANONICAL[c] for c in cols}
        truth_parts.append(
            pd.DataFrame(
                {
                    "list": spec.name,
                    "row_number": np.arange(1, len(members) + 1),
                    "person_id": people["person_id"].to_numpy()[members],
                }
            )
        )
    truth = pd.concat(truth_parts, ignore_index=True)

    out_people = pd.DataFrame(
        {
            "person_id": people["person_id"],
            "sex": people["sex"],
            "given_name_fa": [x.fa[0] for x in people["given"]],
            "given_name_latin": [x.latin[0] for x in people["given"]],
            "family_name_fa": [x.fa[0] for x in people["family"]],
            "family_name_latin": [x.latin[0] for x in people["family"]],
            "father_name_fa": [x.fa[0] for x in people["father"]],
            "father_name_latin": [x.latin[0] for x in people["father"]],
            "seyed": people["seyed"],
            "age": people["age"],
            "date_of_death": [d.isoformat() for d in people["date_of_death"]],
            "city_fa": [x.fa[0] for x in people["city"]],
            "city_latin": [x.latin[0] for x in people["city"]],
            "province_fa": [x.fa[0] for x in people["province"]],
            "province_latin": [x.latin[0] for x in people["province"]],
            "visibility": people["visibility"].round(4),
            "namesake_cluster": people["namesake_cluster"],
            "lists": [
                "".join(s.name for k, s in enumerate(fam.lists) if row[k]) for row in on_list
            ],
        }
    )
    listed = out_people[out_people["lists"] != ""]
    key = listed["given_name_fa"] + "|" + listed["family_name_fa"]
    key_city = key + "|" + listed["city_fa"]
    given_counts = out_people["given_name_fa"].value_counts()
    stats = {
        "rows": {name: len(df) for name, df in lists.items()},
        "within_list_duplicates": dup_counts,
        "people_on_list": {s.name: int(on_list[:, k].sum()) for k, s in enumerate(fam.lists)},
        "listed_share_with_name_twin": round(float(key.duplicated(keep=False).mean()), 4),
        "listed_share_with_name_city_twin": round(float(key_city.duplicated(keep=False).mean()), 4),
        "listed_share_with_name_city_week_twin": _week_twin_share(listed),
        "top30_given_share": round(float(given_counts.iloc[:30].sum() / n), 4),
        "capture_offset": round(offset, 4),
    }
    result = Outside(
        family=fam,
        seed=seed,
        lists=lists,
        truth=truth,
        people=out_people,
        n_people_exist=n,
        n_people_listed=int(on_list.any(axis=1).sum()),
        mappings=mappings,
        stats=stats,
    )
    if out_dir is not None:
        _write(result, Path(out_dir))
    return result


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _write(sc: Outside, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{sc.family.name}-seed{sc.seed}"
    for spec in sc.family.lists:
        df = sc.lists[spec.name]
        if spec.fmt == "xlsx":
            path = out / f"{stem}-list{spec.name}-SYNTHETIC.xlsx"
            df.to_excel(path, index=False, sheet_name="victims", engine="openpyxl")
        else:
            path = out / f"{stem}-list{spec.name}-SYNTHETIC.csv"
            df.to_csv(path, index=False, encoding="utf-8")
        lines = [
            f"# SYNTHETIC list {spec.name} of outside scenario {sc.family.name}, seed {sc.seed}:"
            " no real person.",
            "[columns]",
            *(f"{_toml_str(h)} = {_toml_str(c)}" for h, c in sc.mappings[spec.name].items()),
        ]
        if spec.fmt == "xlsx":
            lines += ["", "[options]", 'sheet = "victims"']
        else:
            lines += ["", "[options]", 'encoding = "utf-8"']
        map_path = out / f"{stem}-list{spec.name}-SYNTHETIC.mapping.toml"
        map_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        sc.files[spec.name] = path
        sc.files[f"{spec.name}.mapping"] = map_path

    sc.files["truth"] = out / "truth-SYNTHETIC.csv"
    sc.truth.to_csv(sc.files["truth"], index=False, encoding="utf-8")
    sc.files["people"] = out / "people-SYNTHETIC.csv"
    sc.people.to_csv(sc.files["people"], index=False, encoding="utf-8")
    sc.files["manifest"] = out / "MANIFEST-SYNTHETIC.json"
    dials = asdict(sc.family)
    manifest = {
        "note": SYNTHETIC_NOTE,
        "generator": "bench/robustness/outside.py (independent of roshan's simulator)",
        "family": dials,
        "seed": sc.seed,
        "n_people_exist": sc.n_people_exist,
        "n_people_listed": sc.n_people_listed,
        "stats": sc.stats,
        "truth_row_number": "1 = first data row after the header, in file order",
        "files": {k: v.name for k, v in sc.files.items()},
    }
    sc.files["manifest"].write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Generate a SYNTHETIC outside scenario.")
    ap.add_argument("family", choices=sorted(FAMILIES))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    sc = generate(args.family, args.seed, args.out)
    print(
        json.dumps(
            {
                "family": args.family,
                "seed": args.seed,
                "n_people_exist": sc.n_people_exist,
                "n_people_listed": sc.n_people_listed,
                **sc.stats,
                "files": {k: str(v) for k, v in sc.files.items()},
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
