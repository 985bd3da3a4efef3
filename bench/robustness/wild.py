"""SYNTHETIC casualty lists "as found in the wild", with no mapping files.

Everything written here is SYNTHETIC: the people are invented, drawn at random from
small name, place and date tables written by hand for this file. No real person is
described. Every file name written contains ``SYNTHETIC``, and each scenario's manifest
says so.

The lists imitate the way casualty lists of the January 2026 crackdown are written by
rights groups, Kurdish/Baluch monitoring groups, diaspora volunteers, hospital, morgue
and cemetery insiders and families: free-form Persian or English headers (no mapping
file: the software must recognise them itself), full-name or split-name columns,
memorial prefixes, ages and fathers' names inside the name cell, Kurdish/Baluch names
beside the official one, Seyyed/Sadat, several Latin spellings, Jalali and Gregorian
dates in many forms, ages in words or ranges, places at several levels, and CSV
(UTF-8, UTF-8 with BOM, Windows-1256, UTF-16), XLSX and JSON files.

Clean-room: written without reading roshan's code, tests or other generators; it
imports nothing from roshan. Only the field list of docs/canonical-record.md was read.

Use::

    from robustness.wild import FAMILIES, generate
    sc = generate("wild_ngo", seed=1, out_dir=Path("/tmp/w1"))

or ``python bench/robustness/wild.py wild_ngo --seed 1 --out /tmp/w1``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import jdatetime
import numpy as np
import pandas as pd
from openpyxl import Workbook

GENERATOR = "bench/robustness/wild.py"
NOTICE = (
    "SYNTHETIC data: every person, name, date, place, identifier and note in these files "
    "was invented at random by bench/robustness/wild.py from small hand-written tables. "
    "No real person is described."
)

N_PEOPLE = 3000
UNION_TARGET = 0.70  # share of people on at least one list
FIRST_DAY = date(2025, 12, 28)
LAST_DAY = date(2026, 1, 31)
ZWNJ = "\u200c"

FAMILIES: dict[str, str] = {
    "wild_ngo": (
        "4 lists: A a Persian NGO sheet (XLSX, Persian headers, Jalali dates, memorial "
        "prefixes), B an English rights-group report (CSV UTF-8, Gregorian dates in words), "
        "C a Kurdish/Baluch monitoring group (CSV UTF-8 with BOM, bilingual headers, split "
        "names, Kurdish/Baluch names beside the official one, mostly Kurdish and Baluch "
        "regions, no sex column), D a diaspora volunteer sheet (XLSX, English and Persian "
        "name columns, real date cells and typed text dates)."
    ),
    "wild_insider": (
        "4 lists: A a morgue register (CSV Windows-1256, terse split names, random "
        "national-ID-like numbers, Tehran region), B a hospital list (CSV UTF-16, admission "
        "and death dates, western/Kurdish region), C cemetery registers (CSV Windows-1256, "
        "burial dates and graves, big cities), D family reports from a web form (JSON, "
        "English question headers, Jalali or Gregorian dates, free-text story)."
    ),
    "wild_mixed": (
        "4 lists, each mixing Persian- and Latin-script records and Jalali and Gregorian "
        "dates record by record: A CSV UTF-8 with mixed Persian/English headers, B XLSX "
        "with split names, C JSON with Persian keys and omitted keys for missing values, "
        "D CSV Windows-1256 with terse Persian headers."
    ),
}

# ---------------------------------------------------------------------------
# Name tables (hand-written for this generator)
# ---------------------------------------------------------------------------

# Latin spellings of name components, most common first.
COMP_LATIN: dict[str, list[str]] = {
    "mohammad": ["Mohammad", "Mohamad", "Muhammad", "Mohammed", "Mohamed"],
    "ali": ["Ali"],
    "hossein": ["Hossein", "Hosein", "Hussein", "Hosseyn"],
    "reza": ["Reza"],
    "amir": ["Amir"],
    "mehdi": ["Mehdi", "Mahdi"],
    "abolfazl": ["Abolfazl", "Abolfazel", "Abulfazl", "Abol-Fazl"],
    "hamid": ["Hamid"],
    "saeed": ["Saeed", "Saeid", "Said", "Saied"],
    "mohsen": ["Mohsen", "Mohsin"],
    "javad": ["Javad", "Jawad"],
    "sajjad": ["Sajjad", "Sajad"],
    "majid": ["Majid", "Madjid"],
    "ahmad": ["Ahmad", "Ahmed"],
    "mostafa": ["Mostafa", "Mustafa", "Moustafa"],
    "morteza": ["Morteza", "Murtaza", "Mortaza"],
    "milad": ["Milad"],
    "omid": ["Omid"],
    "yousef": ["Yousef", "Yusuf", "Yousof"],
    "hassan": ["Hassan", "Hasan"],
    "pouya": ["Pouya", "Pooya", "Puya"],
    "arash": ["Arash"],
    "kian": ["Kian", "Kiyan"],
    "behnam": ["Behnam"],
    "ebrahim": ["Ebrahim", "Ibrahim"],
    "esmaeil": ["Esmaeil", "Esmail", "Ismail", "Esmaeel"],
    "vahid": ["Vahid", "Wahid"],
    "amin": ["Amin"],
    "yaser": ["Yaser", "Yasser"],
    "nima": ["Nima"],
    "parsa": ["Parsa"],
    "mahmoud": ["Mahmoud", "Mahmood", "Mahmud"],
    "gholam": ["Gholam", "Qolam"],
    "abbas": ["Abbas"],
    "ghasem": ["Ghasem", "Qasem", "Qassem"],
    "jafar": ["Jafar", "Jaafar"],
    "naser": ["Naser", "Nasser"],
    "akbar": ["Akbar"],
    "rahim": ["Rahim"],
    "karim": ["Karim"],
    "rasoul": ["Rasoul", "Rasool", "Rasul"],
    "omar": ["Omar", "Umar"],
    "osman": ["Osman", "Othman", "Usman"],
    "khaled": ["Khaled", "Khalid"],
    "edris": ["Edris", "Idris"],
    "hiwa": ["Hiwa", "Hiva"],
    "zanyar": ["Zanyar", "Zaniar"],
    "karwan": ["Karwan", "Karvan"],
    "rebin": ["Rebin", "Ribin"],
    "zhiyar": ["Zhiyar", "Jiyar", "Zhyar"],
    "soran": ["Soran"],
    "diako": ["Diako", "Diyako"],
    "shaho": ["Shaho", "Shahou"],
    "aso": ["Aso", "Asou"],
    "rebwar": ["Rebwar", "Ribvar"],
    "sirwan": ["Sirwan", "Sirvan"],
    "hejar": ["Hejar", "Hazhar", "Hezhar"],
    "abdolmalek": ["Abdolmalek", "Abdulmalik", "Abdolmalik"],
    "abdolghafour": ["Abdolghafour", "Abdulghafoor", "Abdolghafoor"],
    "dadshah": ["Dadshah"],
    "khodanazar": ["Khodanazar", "Khoda-Nazar"],
    "moslem": ["Moslem", "Muslim"],
    "jalil": ["Jalil"],
    "abdollah": ["Abdollah", "Abdullah", "Abdolah"],
    "balach": ["Balach", "Baloch"],
    "mirdad": ["Mirdad"],
    "shahdad": ["Shahdad"],
    "chakar": ["Chakar"],
    "adel": ["Adel", "Adil"],
    "fazel": ["Fazel", "Fadhel"],
    "fatemeh": ["Fatemeh", "Fatima", "Fatemah"],
    "zahra": ["Zahra"],
    "maryam": ["Maryam", "Mariam"],
    "narges": ["Narges"],
    "zeinab": ["Zeinab", "Zeynab", "Zaynab"],
    "sara": ["Sara", "Sarah"],
    "nazanin": ["Nazanin"],
    "hanieh": ["Hanieh", "Haniyeh"],
    "niloufar": ["Niloufar", "Niloofar", "Nilufar"],
    "parisa": ["Parisa"],
    "elaheh": ["Elaheh", "Elahe"],
    "shirin": ["Shirin"],
    "kosar": ["Kosar", "Kowsar", "Kowthar"],
    "ghazal": ["Ghazal", "Qazal"],
    "sepideh": ["Sepideh", "Sepide"],
    "masoumeh": ["Masoumeh", "Masoomeh", "Masumeh"],
    "shilan": ["Shilan"],
    "rojin": ["Rojin", "Rozhin"],
    "avin": ["Avin"],
    "nian": ["Nian", "Niyan"],
}

# key -> (Persian, Latin component keys, sex). A ZWNJ in the Persian form marks the
# joint of a compound name (written joined, with ZWNJ or with a space).
GIVEN: dict[str, tuple[str, tuple[str, ...], str]] = {
    "mohammad": ("محمد", ("mohammad",), "M"),
    "ali": ("علی", ("ali",), "M"),
    "hossein": ("حسین", ("hossein",), "M"),
    "mohammadreza": ("محمد\u200cرضا", ("mohammad", "reza"), "M"),
    "amirhossein": ("امیر\u200cحسین", ("amir", "hossein"), "M"),
    "mehdi": ("مهدی", ("mehdi",), "M"),
    "alireza": ("علی\u200cرضا", ("ali", "reza"), "M"),
    "reza": ("رضا", ("reza",), "M"),
    "abolfazl": ("ابوالفضل", ("abolfazl",), "M"),
    "amir": ("امیر", ("amir",), "M"),
    "hamid": ("حمید", ("hamid",), "M"),
    "saeed": ("سعید", ("saeed",), "M"),
    "mohsen": ("محسن", ("mohsen",), "M"),
    "javad": ("جواد", ("javad",), "M"),
    "sajjad": ("سجاد", ("sajjad",), "M"),
    "majid": ("مجید", ("majid",), "M"),
    "ahmad": ("احمد", ("ahmad",), "M"),
    "mostafa": ("مصطفی", ("mostafa",), "M"),
    "morteza": ("مرتضی", ("morteza",), "M"),
    "milad": ("میلاد", ("milad",), "M"),
    "omid": ("امید", ("omid",), "M"),
    "yousef": ("یوسف", ("yousef",), "M"),
    "hassan": ("حسن", ("hassan",), "M"),
    "amirali": ("امیر\u200cعلی", ("amir", "ali"), "M"),
    "mohammadhossein": ("محمد\u200cحسین", ("mohammad", "hossein"), "M"),
    "mohammadmehdi": ("محمد\u200cمهدی", ("mohammad", "mehdi"), "M"),
    "pouya": ("پویا", ("pouya",), "M"),
    "arash": ("آرش", ("arash",), "M"),
    "kian": ("کیان", ("kian",), "M"),
    "behnam": ("بهنام", ("behnam",), "M"),
    "ebrahim": ("ابراهیم", ("ebrahim",), "M"),
    "esmaeil": ("اسماعیل", ("esmaeil",), "M"),
    "vahid": ("وحید", ("vahid",), "M"),
    "amin": ("امین", ("amin",), "M"),
    "yaser": ("یاسر", ("yaser",), "M"),
    "nima": ("نیما", ("nima",), "M"),
    "parsa": ("پارسا", ("parsa",), "M"),
    "mahmoud": ("محمود", ("mahmoud",), "M"),
    # older generation (mostly fathers)
    "gholamreza": ("غلام\u200cرضا", ("gholam", "reza"), "M"),
    "abbas": ("عباس", ("abbas",), "M"),
    "ghasem": ("قاسم", ("ghasem",), "M"),
    "jafar": ("جعفر", ("jafar",), "M"),
    "naser": ("ناصر", ("naser",), "M"),
    "akbar": ("اکبر", ("akbar",), "M"),
    "rahim": ("رحیم", ("rahim",), "M"),
    "karim": ("کریم", ("karim",), "M"),
    "aliakbar": ("علی\u200cاکبر", ("ali", "akbar"), "M"),
    "rasoul": ("رسول", ("rasoul",), "M"),
    # Kurdish region (Sunni and Kurdish names)
    "omar": ("عمر", ("omar",), "M"),
    "osman": ("عثمان", ("osman",), "M"),
    "khaled": ("خالد", ("khaled",), "M"),
    "edris": ("ادریس", ("edris",), "M"),
    "hiwa": ("هیوا", ("hiwa",), "M"),
    "zanyar": ("زانیار", ("zanyar",), "M"),
    "karwan": ("کاروان", ("karwan",), "M"),
    "rebin": ("ریبین", ("rebin",), "M"),
    "zhiyar": ("ژیار", ("zhiyar",), "M"),
    "soran": ("سوران", ("soran",), "M"),
    "diako": ("دیاکو", ("diako",), "M"),
    "shaho": ("شاهو", ("shaho",), "M"),
    "aso": ("آسو", ("aso",), "M"),
    "rebwar": ("ریبوار", ("rebwar",), "M"),
    "sirwan": ("سیروان", ("sirwan",), "M"),
    "hejar": ("هژار", ("hejar",), "M"),
    # Baluch region
    "abdolmalek": ("عبدالمالک", ("abdolmalek",), "M"),
    "abdolghafour": ("عبدالغفور", ("abdolghafour",), "M"),
    "dadshah": ("دادشاه", ("dadshah",), "M"),
    "khodanazar": ("خدانظر", ("khodanazar",), "M"),
    "moslem": ("مسلم", ("moslem",), "M"),
    "jalil": ("جلیل", ("jalil",), "M"),
    "abdollah": ("عبدالله", ("abdollah",), "M"),
    "balach": ("بالاچ", ("balach",), "M"),
    "mirdad": ("میرداد", ("mirdad",), "M"),
    "shahdad": ("شهداد", ("shahdad",), "M"),
    "chakar": ("چاکر", ("chakar",), "M"),
    # Arab (Khuzestan)
    "adel": ("عادل", ("adel",), "M"),
    "fazel": ("فاضل", ("fazel",), "M"),
    # female
    "fatemeh": ("فاطمه", ("fatemeh",), "F"),
    "zahra": ("زهرا", ("zahra",), "F"),
    "maryam": ("مریم", ("maryam",), "F"),
    "narges": ("نرگس", ("narges",), "F"),
    "zeinab": ("زینب", ("zeinab",), "F"),
    "sara": ("سارا", ("sara",), "F"),
    "nazanin": ("نازنین", ("nazanin",), "F"),
    "hanieh": ("هانیه", ("hanieh",), "F"),
    "niloufar": ("نیلوفر", ("niloufar",), "F"),
    "parisa": ("پریسا", ("parisa",), "F"),
    "elaheh": ("الهه", ("elaheh",), "F"),
    "shirin": ("شیرین", ("shirin",), "F"),
    "kosar": ("کوثر", ("kosar",), "F"),
    "ghazal": ("غزل", ("ghazal",), "F"),
    "sepideh": ("سپیده", ("sepideh",), "F"),
    "masoumeh": ("معصومه", ("masoumeh",), "F"),
    "shilan": ("شیلان", ("shilan",), "F"),
    "rojin": ("روژین", ("rojin",), "F"),
    "avin": ("آوین", ("avin",), "F"),
    "nian": ("نیان", ("nian",), "F"),
}

# Alternative Persian spellings some writers use.
FA_ALT: dict[str, list[str]] = {
    "اسماعیل": ["اسمعیل"],
    "مصطفی": ["مصطفا"],
    "رضایی": ["رضائی"],
    "میرزایی": ["میرزائی"],
    "ناروئی": ["نارویی"],
    "براهوئی": ["براهویی"],
    "شه\u200cبخش": ["شهبخش"],
    "بابایی": ["بابائی"],
}

# Zipf pools, most common first.
POOL_M_GENERAL = [
    "mohammad", "ali", "hossein", "mohammadreza", "amirhossein", "mehdi", "alireza",
    "reza", "abolfazl", "amir", "hamid", "saeed", "mohsen", "javad", "sajjad", "majid",
    "ahmad", "mostafa", "morteza", "milad", "omid", "yousef", "hassan", "amirali",
    "mohammadhossein", "mohammadmehdi", "pouya", "arash", "kian", "behnam", "ebrahim",
    "esmaeil", "vahid", "amin", "yaser", "nima", "parsa", "mahmoud",
]  # fmt: skip
POOL_M_REGION = {
    "kurd": ["omar", "osman", "khaled", "hiwa", "zanyar", "edris", "karwan", "rebin",
             "zhiyar", "soran", "diako", "shaho", "aso", "rebwar", "sirwan", "hejar"],
    "baluch": ["abdolmalek", "omar", "moslem", "abdollah", "yaser", "abdolghafour",
               "jalil", "dadshah", "osman", "khodanazar"],
    "arab": ["adel", "hamid", "yousef", "fazel"],
}  # fmt: skip
POOL_F_GENERAL = [
    "fatemeh", "zahra", "maryam", "narges", "zeinab", "sara", "nazanin", "hanieh",
    "niloufar", "parisa", "elaheh", "shirin", "kosar", "ghazal", "sepideh", "masoumeh",
]  # fmt: skip
POOL_F_REGION = {"kurd": ["shilan", "rojin", "avin", "nian"], "baluch": [], "arab": []}
POOL_FATHER = [
    "ali", "mohammad", "hassan", "hossein", "gholamreza", "abbas", "ghasem", "jafar",
    "reza", "naser", "akbar", "rahim", "karim", "mahmoud", "ahmad", "ebrahim",
    "esmaeil", "yousef", "aliakbar", "rasoul",
]  # fmt: skip
POOL_FATHER_REGION = {
    "kurd": ["osman", "omar", "ahmad", "khaled", "mahmoud", "edris", "rasoul"],
    "baluch": ["dadshah", "khodanazar", "abdollah", "moslem", "jalil", "abdolmalek"],
    "arab": ["adel", "fazel", "abbas"],
}
ALT_M = {
    "kurd": ["hiwa", "zhiyar", "karwan", "zanyar", "rebin", "soran", "aso", "hejar"],
    "baluch": ["balach", "mirdad", "shahdad", "chakar"],
}
ALT_F = {"kurd": ["shilan", "rojin", "avin", "nian"], "baluch": []}
KURDISH_NAMES = set(ALT_M["kurd"]) | set(ALT_F["kurd"]) | {
    "diako", "shaho", "rebwar", "sirwan",
}  # fmt: skip

# key -> (Persian, Latin spellings most common first). ZWNJ marks compound joints.
FAMILY: dict[str, tuple[str, list[str]]] = {
    "rezaei": ("رضایی", ["Rezaei", "Rezaie", "Rezai", "Rezayi", "Rezaee"]),
    "mohammadi": ("محمدی", ["Mohammadi", "Mohamadi", "Muhammadi"]),
    "hosseini": ("حسینی", ["Hosseini", "Hoseini", "Husseini", "Hosseiny"]),
    "ahmadi": ("احمدی", ["Ahmadi"]),
    "moradi": ("مرادی", ["Moradi", "Muradi"]),
    "karimi": ("کریمی", ["Karimi"]),
    "jafari": ("جعفری", ["Jafari", "Jafary", "Jaafari"]),
    "rahimi": ("رحیمی", ["Rahimi"]),
    "mousavi": ("موسوی", ["Mousavi", "Musavi", "Moosavi"]),
    "heydari": ("حیدری", ["Heydari", "Heidari", "Haidari"]),
    "ghasemi": ("قاسمی", ["Ghasemi", "Qasemi"]),
    "sadeghi": ("صادقی", ["Sadeghi", "Sadeqi"]),
    "kazemi": ("کاظمی", ["Kazemi"]),
    "hashemi": ("هاشمی", ["Hashemi"]),
    "rostami": ("رستمی", ["Rostami"]),
    "akbari": ("اکبری", ["Akbari"]),
    "ebrahimi": ("ابراهیمی", ["Ebrahimi", "Ibrahimi"]),
    "abbasi": ("عباسی", ["Abbasi"]),
    "najafi": ("نجفی", ["Najafi"]),
    "salehi": ("صالحی", ["Salehi"]),
    "hosseinzadeh": ("حسین\u200cزاده", ["Hosseinzadeh", "Hoseinzadeh", "Hossein-Zadeh"]),
    "rahmani": ("رحمانی", ["Rahmani"]),
    "nouri": ("نوری", ["Nouri", "Noori", "Nuri"]),
    "amiri": ("امیری", ["Amiri"]),
    "bagheri": ("باقری", ["Bagheri", "Baqeri"]),
    "zare": ("زارع", ["Zare", "Zarea"]),
    "yousefi": ("یوسفی", ["Yousefi", "Yusefi"]),
    "mahmoudi": ("محمودی", ["Mahmoudi", "Mahmudi"]),
    "soleimani": ("سلیمانی", ["Soleimani", "Soleymani", "Suleimani"]),
    "ghorbani": ("قربانی", ["Ghorbani", "Qorbani"]),
    "faraji": ("فرجی", ["Faraji"]),
    "alizadeh": ("علی\u200cزاده", ["Alizadeh", "Ali-Zadeh"]),
    "gholipour": ("قلی\u200cپور", ["Gholipour", "Qolipour", "Gholipoor"]),
    "tavakoli": ("توکلی", ["Tavakoli", "Tavakkoli"]),
    "mirzaei": ("میرزایی", ["Mirzaei", "Mirzaie"]),
    "azizi": ("عزیزی", ["Azizi"]),
    "habibi": ("حبیبی", ["Habibi"]),
    "asadi": ("اسدی", ["Asadi"]),
    "darvishi": ("درویشی", ["Darvishi", "Darwishi"]),
    "abdollahi": ("عبداللهی", ["Abdollahi", "Abdolahi"]),
    "hatami": ("حاتمی", ["Hatami"]),
    "babaei": ("بابایی", ["Babaei", "Babaie", "Babaee"]),
    "sharifi": ("شریفی", ["Sharifi"]),
    "fathi": ("فتحی", ["Fathi"]),
    # Kurdish region
    "ghaderi": ("قادری", ["Ghaderi", "Qaderi"]),
    "rasouli": ("رسولی", ["Rasouli", "Rasuli"]),
    "khezri": ("خضری", ["Khezri", "Khizri"]),
    "sheikhi": ("شیخی", ["Sheikhi", "Sheykhi"]),
    "vaisi": ("ویسی", ["Vaisi", "Veisi", "Waisi"]),
    "lotfi": ("لطفی", ["Lotfi"]),
    "mohammadpour": ("محمدپور", ["Mohammadpour", "Mohammadpoor"]),
    "ahmadpour": ("احمدپور", ["Ahmadpour", "Ahmadpoor"]),
    "karimzadeh": ("کریم\u200cزاده", ["Karimzadeh", "Karim-Zadeh"]),
    "salimi": ("سلیمی", ["Salimi"]),
    "hosseinpanahi": ("حسین\u200cپناهی", ["Hosseinpanahi", "Hoseinpanahi"]),
    "babakhani": ("باباخانی", ["Babakhani"]),
    # Baluch region
    "rigi": ("ریگی", ["Rigi", "Rigy"]),
    "shahbakhsh": ("شه\u200cبخش", ["Shahbakhsh", "Shah-Bakhsh"]),
    "naroui": ("ناروئی", ["Naroui", "Narouei", "Narooei", "Narui"]),
    "baluchzehi": ("بلوچ\u200cزهی", ["Baluchzehi", "Baloochzehi", "Balochzahi"]),
    "gomshadzehi": ("گمشادزهی", ["Gomshadzehi", "Gamshadzehi"]),
    "barahouei": ("براهوئی", ["Brahui", "Barahouei", "Brahuei"]),
    "dehvari": ("دهواری", ["Dehvari", "Dehwari"]),
    "mirshekar": ("میرشکار", ["Mirshekar", "Mirshekari"]),
    "sarani": ("سارانی", ["Sarani"]),
    # Arab (Khuzestan)
    "kaabi": ("کعبی", ["Kaabi", "Ka'bi", "Chaabi"]),
    "sawari": ("سواری", ["Savari", "Sawari"]),
    "neisi": ("نیسی", ["Neisi", "Neysi"]),
}
_FAMILY_KEYS = list(FAMILY)
POOL_FAMILY_GENERAL = _FAMILY_KEYS[: _FAMILY_KEYS.index("ghaderi")]
POOL_FAMILY_REGION = {
    "kurd": _FAMILY_KEYS[_FAMILY_KEYS.index("ghaderi") : _FAMILY_KEYS.index("rigi")],
    "baluch": _FAMILY_KEYS[_FAMILY_KEYS.index("rigi") : _FAMILY_KEYS.index("kaabi")],
    "arab": _FAMILY_KEYS[_FAMILY_KEYS.index("kaabi") :],
}
SEYYED_FAMILIES = {"hosseini", "mousavi", "hashemi"}
REGION_SHARE_GIVEN = {"kurd": 0.5, "baluch": 0.7, "arab": 0.35, "fars": 0.0}
REGION_SHARE_FAMILY = {"kurd": 0.6, "baluch": 0.8, "arab": 0.5, "fars": 0.0}

# ---------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------

# key -> (Persian, Latin spellings, province, weight, region, local Persian alt names)
CITIES: dict[str, tuple[str, list[str], str, float, str, list[str]]] = {
    "tehran": ("تهران", ["Tehran", "Teheran"], "tehran", 20, "fars", []),
    "karaj": ("کرج", ["Karaj"], "alborz", 6, "fars", []),
    "eslamshahr": ("اسلامشهر", ["Eslamshahr", "Islamshahr"], "tehran", 2, "fars", ["اسلام\u200cشهر"]),
    "mashhad": ("مشهد", ["Mashhad", "Mashad"], "khorasan", 5, "fars", []),
    "isfahan": ("اصفهان", ["Isfahan", "Esfahan"], "isfahan", 5, "fars", []),
    "shiraz": ("شیراز", ["Shiraz"], "fars", 4, "fars", []),
    "rasht": ("رشت", ["Rasht"], "gilan", 4, "fars", []),
    "tabriz": ("تبریز", ["Tabriz"], "eazar", 2, "fars", []),
    "arak": ("اراک", ["Arak"], "markazi", 1.5, "fars", []),
    "qazvin": ("قزوین", ["Qazvin", "Ghazvin"], "qazvin", 1, "fars", []),
    "hamedan": ("همدان", ["Hamedan", "Hamadan"], "hamedan", 1, "fars", []),
    "izeh": ("ایذه", ["Izeh"], "khuzestan", 3, "fars", []),
    "ahvaz": ("اهواز", ["Ahvaz", "Ahwaz"], "khuzestan", 3, "arab", []),
    "lordegan": ("لردگان", ["Lordegan"], "chb", 1, "fars", []),
    "abdanan": ("آبدانان", ["Abdanan"], "ilam", 2, "kurd", []),
    "malekshahi": ("ملکشاهی", ["Malekshahi", "Malek Shahi"], "ilam", 1, "kurd", []),
    "zahedan": ("زاهدان", ["Zahedan"], "sb", 8, "baluch", []),
    "khash": ("خاش", ["Khash"], "sb", 2, "baluch", []),
    "iranshahr": ("ایرانشهر", ["Iranshahr"], "sb", 1, "baluch", []),
    "sanandaj": ("سنندج", ["Sanandaj", "Sine"], "kurdistan", 5, "kurd", ["سنه"]),
    "saqqez": ("سقز", ["Saqqez", "Saghez", "Saqez", "Seqiz"], "kurdistan", 3, "kurd", []),
    "marivan": ("مریوان", ["Marivan", "Mariwan"], "kurdistan", 2, "kurd", []),
    "kermanshah": ("کرمانشاه", ["Kermanshah", "Kirmashan"], "kermanshah", 5, "kurd", ["کرماشان"]),
    "javanrud": ("جوانرود", ["Javanrud", "Javanroud", "Javanrood"], "kermanshah", 3, "kurd", []),
    "mahabad": ("مهاباد", ["Mahabad"], "wazar", 3, "kurd", []),
    "bukan": ("بوکان", ["Bukan", "Boukan", "Bokan"], "wazar", 2, "kurd", []),
    "piranshahr": ("پیرانشهر", ["Piranshahr", "Piranshar"], "wazar", 2, "kurd", []),
    "urmia": ("ارومیه", ["Urmia", "Orumiyeh", "Oroumieh", "Urumieh"], "wazar", 2, "kurd", ["ورمی"]),
}  # fmt: skip
PROVINCES: dict[str, tuple[str, list[str]]] = {
    "tehran": ("تهران", ["Tehran", "Tehran Province"]),
    "alborz": ("البرز", ["Alborz"]),
    "khorasan": ("خراسان رضوی", ["Razavi Khorasan", "Khorasan Razavi", "Khorasan-e Razavi"]),
    "isfahan": ("اصفهان", ["Isfahan", "Esfahan"]),
    "fars": ("فارس", ["Fars"]),
    "gilan": ("گیلان", ["Gilan", "Guilan"]),
    "eazar": ("آذربایجان شرقی", ["East Azerbaijan", "East Azarbaijan"]),
    "wazar": ("آذربایجان غربی", ["West Azerbaijan", "West Azarbaijan", "Azarbaijan-e Gharbi"]),
    "markazi": ("مرکزی", ["Markazi"]),
    "qazvin": ("قزوین", ["Qazvin"]),
    "hamedan": ("همدان", ["Hamedan", "Hamadan"]),
    "khuzestan": ("خوزستان", ["Khuzestan", "Khouzestan"]),
    "chb": ("چهارمحال و بختیاری", ["Chaharmahal and Bakhtiari", "Chaharmahal & Bakhtiari"]),
    "ilam": ("ایلام", ["Ilam"]),
    "sb": ("سیستان و بلوچستان", ["Sistan and Baluchestan", "Sistan-Baluchestan", "Sistan & Baluchistan"]),
    "kurdistan": ("کردستان", ["Kurdistan", "Kordestan"]),
    "kermanshah": ("کرمانشاه", ["Kermanshah"]),
}  # fmt: skip
SPOTS: dict[str, list[tuple[str, str]]] = {
    "tehran": [("نارمک", "Narmak"), ("تهرانپارس", "Tehranpars"), ("ستارخان", "Sattarkhan"),
               ("صادقیه", "Sadeghiyeh"), ("خیابان ولیعصر", "Valiasr Street"),
               ("میدان آزادی", "Azadi Square"), ("شهرک اکباتان", "Ekbatan"),
               ("نازی\u200cآباد", "Naziabad")],
    "karaj": [("گوهردشت", "Gohardasht"), ("مهرشهر", "Mehrshahr"), ("فردیس", "Fardis")],
    "mashhad": [("بلوار وکیل\u200cآباد", "Vakilabad Blvd"), ("قاسم\u200cآباد", "Ghasemabad")],
    "isfahan": [("خیابان چهارباغ", "Chaharbagh Street"), ("ملک\u200cشهر", "Malekshahr")],
    "shiraz": [("معالی\u200cآباد", "Maaliabad"), ("خیابان زند", "Zand Street")],
    "rasht": [("گلسار", "Golsar"), ("میدان شهرداری", "Shahrdari Square")],
    "zahedan": [("شیرآباد", "Shirabad"), ("خیابان خیام", "Khayyam Street"),
                ("کریم\u200cآباد", "Karimabad")],
    "sanandaj": [("خیابان فردوسی", "Ferdowsi Street"), ("شهرک بهاران", "Baharan")],
    "kermanshah": [("خیابان مدرس", "Modarres Street"), ("دولت\u200cآباد", "Dowlatabad")],
}  # fmt: skip
GENERIC_SPOTS = [
    ("مرکز شهر", "city centre"),
    ("میدان اصلی شهر", "main square"),
    ("مقابل فرمانداری", "outside the governor's office"),
]
HOSPITALS = [
    ("بیمارستان امام خمینی", "Imam Khomeini Hospital"),
    ("بیمارستان شهید بهشتی", "Shahid Beheshti Hospital"),
    ("بیمارستان سینا", "Sina Hospital"),
]
CEMETERIES = {
    "tehran": ("بهشت زهرا", "Behesht-e Zahra"),
    "eslamshahr": ("بهشت زهرا", "Behesht-e Zahra"),
    "karaj": ("بهشت سکینه", "Behesht-e Sakineh"),
    "mashhad": ("بهشت رضا", "Behesht-e Reza"),
    "isfahan": ("باغ رضوان", "Bagh-e Rezvan"),
    "shiraz": ("دارالرحمه", "Dar-ol-Rahmeh"),
    "rasht": ("آرامستان تازه\u200cآباد", "Tazeh-Abad cemetery"),
}

# ---------------------------------------------------------------------------
# Causes, occupations, words
# ---------------------------------------------------------------------------

CAUSES = {  # key -> (weight, Persian variants, English variants, terse Persian)
    "live": (
        0.65,
        ["اصابت گلوله جنگی", "شلیک مستقیم گلوله", "اصابت گلوله به سر", "گلوله جنگی به قفسه سینه"],
        ["live ammunition", "shot", "gunshot to the head", "shot in the chest"],
        ["اصابت گلوله", "جسم نافذ (گلوله)"],
    ),
    "pellets": (0.10, ["اصابت ساچمه", "شلیک ساچمه"], ["pellet wounds", "birdshot"], ["ساچمه"]),
    "beating": (0.08, ["ضرب و شتم", "ضربات باتوم"], ["beaten", "beaten with batons"], ["ضربه جسم سخت"]),
    "custody": (
        0.07,
        ["زیر شکنجه در بازداشت", "مرگ مشکوک در بازداشتگاه"],
        ["died in custody", "under torture in detention"],
        ["در دست بررسی"],
    ),
    "vehicle": (
        0.03,
        ["زیر گرفته شدن با خودروی نیروی انتظامی"],
        ["run over by a police vehicle"],
        ["تصادف"],
    ),
    "unknown": (0.07, ["نامعلوم"], ["unknown"], ["نامشخص"]),
}  # fmt: skip
OCCUPATIONS = {  # key -> (Persian, English)
    "student": ("دانشجو", "university student"),
    "pupil": ("دانش\u200cآموز", "high-school student"),
    "worker": ("کارگر ساختمانی", "construction worker"),
    "shopkeeper": ("کاسب", "shopkeeper"),
    "kolbar": ("کولبر", "kolbar (cross-border porter)"),
    "fuel": ("سوخت\u200cبر", "fuel carrier"),
    "driver": ("راننده تاکسی", "taxi driver"),
    "nurse": ("پرستار", "nurse"),
    "teacher": ("معلم", "teacher"),
    "doctor": ("پزشک", "doctor"),
    "engineer": ("مهندس", "engineer"),
    "none": ("", ""),
}
FA_MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"]  # fmt: skip
EN_JMONTHS = ["Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand"]  # fmt: skip
FA_GMONTHS = {12: "دسامبر", 1: "ژانویه", 2: "فوریه"}
EN_GMONTHS = {12: "December", 1: "January", 2: "February"}
FA_WEEKDAYS = ["شنبه", "یکشنبه", "دوشنبه", "سه\u200cشنبه", "چهارشنبه", "پنجشنبه", "جمعه"]
FA_ONES = ["", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه"]
FA_TEENS = ["ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده"]  # fmt: skip
FA_TENS = ["", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود"]
FA_ORD_SMALL = ["", "یکم", "دوم", "سوم", "چهارم", "پنجم", "ششم", "هفتم", "هشتم", "نهم"]
EN_ONES = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
EN_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]  # fmt: skip
EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
TO_LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def fa_number_words(n: int) -> str:
    if n < 10:
        return FA_ONES[n]
    if n < 20:
        return FA_TEENS[n - 10]
    t, u = divmod(n, 10)
    return FA_TENS[t] if u == 0 else f"{FA_TENS[t]} و {FA_ONES[u]}"


def en_number_words(n: int) -> str:
    if n < 10:
        return EN_ONES[n]
    if n < 20:
        return EN_TEENS[n - 10]
    t, u = divmod(n, 10)
    return EN_TENS[t] if u == 0 else f"{EN_TENS[t]}-{EN_ONES[u]}"


def fa_ordinal(n: int, rng: np.random.Generator) -> str:
    if n == 1:
        return "اول" if rng.random() < 0.4 else "یکم"
    if n == 18 and rng.random() < 0.3:
        return "هیجدهم"
    if n < 10:
        return FA_ORD_SMALL[n]
    if n == 30:
        return "سی\u200cام" if rng.random() < 0.6 else "سی ام"
    words = fa_number_words(n)
    if n % 10 == 3 and n > 20:
        return words[: -len("سه")] + "سوم"
    return words + "م"


def en_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ---------------------------------------------------------------------------
# Random helpers
# ---------------------------------------------------------------------------


def pick(rng: np.random.Generator, options: Any) -> Any:
    """One value from a sequence of (value, weight) pairs."""
    w = np.fromiter((o[1] for o in options), float)
    i = int(np.searchsorted(np.cumsum(w), rng.random() * w.sum(), side="right"))
    return options[min(i, len(options) - 1)][0]


def choose(rng: np.random.Generator, seq: Any) -> Any:
    return seq[int(rng.integers(len(seq)))]


def spelling_weights(n: int, ratio: float = 0.45) -> np.ndarray:
    w = ratio ** np.arange(n)
    return w / w.sum()


def zipf(n: int, s: float = 1.0) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** s
    return w / w.sum()


def stable_seed(*parts: Any) -> list[int]:
    return [zlib.crc32(str(p).encode()) for p in parts]


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------


@dataclass
class Person:
    pid: str
    sex: str
    given: str
    alt: str | None
    family: str
    seyyed: bool
    father: str
    age: int
    dob: date
    death: date
    city: str
    region: str
    cause: str
    occupation: str
    children: int
    married: bool
    body_withheld: bool
    night_burial: bool
    national_id: str
    spot: tuple[str, str]
    grave: tuple[int, int, int]
    visibility: float


def death_day_weights() -> np.ndarray:
    n = (LAST_DAY - FIRST_DAY).days + 1
    d = np.arange(n, dtype=float)
    # peak on 8-10 January (days 11-13), a broader wave around it and a low floor
    w = 0.6 + 14.0 * np.exp(-((d - 12.0) ** 2) / (2 * 1.2**2))
    w += 3.0 * np.exp(-((d - 15.0) ** 2) / (2 * 4.0**2))
    return w / w.sum()


def make_people(seed: int, n: int = N_PEOPLE) -> list[Person]:
    rng = np.random.default_rng(stable_seed("wild-people", seed))
    city_keys = list(CITIES)
    cw = np.array([CITIES[c][3] for c in city_keys], float)
    cw /= cw.sum()
    dw = death_day_weights()
    pools_m = {"fars": POOL_M_GENERAL, **POOL_M_REGION}
    people = []
    for i in range(n):
        city = city_keys[int(rng.choice(len(city_keys), p=cw))]
        region = CITIES[city][4]
        sex = "M" if rng.random() < 0.875 else "F"
        # age at death
        u = rng.random()
        if u < 0.09:
            age = int(rng.integers(11, 18))
        elif u < 0.68:
            age = int(rng.integers(18, 31))
        elif u < 0.93:
            age = int(rng.integers(31, 46))
        else:
            age = int(rng.integers(46, 72))
        # given name
        if sex == "M":
            regional = pools_m.get(region, []) if region != "fars" else []
            general = POOL_M_GENERAL
        else:
            regional = POOL_F_REGION.get(region, [])
            general = POOL_F_GENERAL
        if regional and rng.random() < REGION_SHARE_GIVEN[region]:
            given = regional[int(rng.choice(len(regional), p=zipf(len(regional))))]
        else:
            given = general[int(rng.choice(len(general), p=zipf(len(general))))]
        alt = None
        if region in ALT_M and given not in KURDISH_NAMES:
            alts = ALT_M[region] if sex == "M" else ALT_F[region]
            share = 0.35 if region == "kurd" else 0.12
            if alts and rng.random() < share:
                alt = alts[int(rng.choice(len(alts), p=zipf(len(alts))))]
        # family name
        fam_regional = POOL_FAMILY_REGION.get(region, [])
        if fam_regional and rng.random() < REGION_SHARE_FAMILY[region]:
            family = fam_regional[int(rng.choice(len(fam_regional), p=zipf(len(fam_regional))))]
        else:
            family = POOL_FAMILY_GENERAL[
                int(rng.choice(len(POOL_FAMILY_GENERAL), p=zipf(len(POOL_FAMILY_GENERAL))))
            ]
        seyyed = rng.random() < (0.55 if family in SEYYED_FAMILIES else 0.03)
        # father
        fr = POOL_FATHER_REGION.get(region, [])
        if fr and rng.random() < 0.55:
            father = fr[int(rng.choice(len(fr), p=zipf(len(fr))))]
        else:
            father = POOL_FATHER[int(rng.choice(len(POOL_FATHER), p=zipf(len(POOL_FATHER))))]
        death = FIRST_DAY + timedelta(days=int(rng.choice(len(dw), p=dw)))
        dob = death - timedelta(days=int(age * 365.25 + rng.integers(1, 364)))
        cause = pick(rng, [(k, v[0]) for k, v in CAUSES.items()])
        # occupation
        if age < 18:
            occupation = "pupil"
        elif age < 25 and rng.random() < 0.45:
            occupation = "student"
        elif sex == "M" and region == "kurd" and rng.random() < 0.15:
            occupation = "kolbar"
        elif sex == "M" and region == "baluch" and rng.random() < 0.2:
            occupation = "fuel"
        else:
            occupation = pick(
                rng,
                [("worker", 3), ("shopkeeper", 2), ("driver", 1), ("teacher", 0.7),
                 ("nurse", 0.5 if sex == "M" else 2), ("doctor", 0.3), ("engineer", 0.6),
                 ("none", 5)],
            )  # fmt: skip
            if sex == "F" and occupation in ("worker", "driver"):
                occupation = "none"
        married = age >= 24 and rng.random() < min(0.85, (age - 20) / 15)
        children = int(rng.integers(1, 4)) if married and rng.random() < 0.7 else 0
        spots = SPOTS.get(city, GENERIC_SPOTS)
        spot = (
            HOSPITALS[int(rng.integers(len(HOSPITALS)))]
            if rng.random() < 0.25
            else choose(rng, spots)
        )
        people.append(
            Person(
                pid=f"P{i + 1:05d}",
                sex=sex,
                given=given,
                alt=alt,
                family=family,
                seyyed=bool(seyyed),
                father=father,
                age=age,
                dob=dob,
                death=death,
                city=city,
                region=region,
                cause=cause,
                occupation=occupation,
                children=children,
                married=bool(married),
                body_withheld=bool(rng.random() < 0.2),
                night_burial=bool(rng.random() < 0.12),
                national_id="".join(str(int(x)) for x in rng.integers(0, 10, 10)),
                spot=spot,
                grave=(
                    int(rng.integers(200, 330)),
                    int(rng.integers(1, 60)),
                    int(rng.integers(1, 40)),
                ),
                visibility=float(rng.normal()),
            )
        )
    return people


# ---------------------------------------------------------------------------
# List specifications
# ---------------------------------------------------------------------------

J_FORMATS_DEFAULT = (("j_ymd_slash", 1.0),)
G_FORMATS_DEFAULT = (("g_d_month_y", 1.0),)
MISSING_FA = (("", 0.85), ("-", 0.1), ("نامعلوم", 0.05))
MISSING_EN = (("", 0.8), ("-", 0.05), ("Unknown", 0.1), ("N/A", 0.05))


@dataclass(frozen=True)
class ListSpec:
    name: str
    kind: str  # ngo_list, media, hospital, morgue, cemetery, family_report, ...
    description: str
    fmt: str  # csv | xlsx | json
    columns: tuple[tuple[str, str], ...]
    encoding: str = "utf-8"  # utf-8, utf-8-sig, cp1256, utf-16
    sheet: str = "Sheet1"
    rtl: bool = False
    json_missing: str = "empty"  # empty | null | omit
    typed_cells: bool = False  # XLSX/JSON: whole numbers written as numbers
    date_cells: float = 0.0  # XLSX: share of dates written as real date cells
    rownum_fa: bool = False
    # capture
    capture_base: float = 0.0
    capture_slope: float = 1.0
    region_effect: tuple[tuple[str, float], ...] = ()
    city_effect: tuple[tuple[str, float], ...] = ()
    dup_rate: float = 0.025
    order: str = "date"  # date | city | random | timestamp
    # script
    p_persian: float = 1.0
    p_persian_digits: float = 0.0
    p_cross_script: float = 0.0
    p_arabic_yk: float = 0.0
    p_kurdish_place: float = 0.0
    p_fa_alt_spelling: float = 0.15
    # names
    p_prefix: float = 0.0
    prefixes_fa: tuple[tuple[str, float], ...] = ()
    prefixes_en: tuple[tuple[str, float], ...] = ()
    p_age_in_name: float = 0.0
    p_father_in_name: float = 0.0
    p_seyyed_written: float = 0.6
    alt_styles: tuple[tuple[str, float], ...] = (
        ("official", 0.5),
        ("official_alt", 0.3),
        ("alt_official", 0.2),
    )
    p_upper_surname: float = 0.0
    p_surname_first: float = 0.0
    p_lowercase: float = 0.0
    p_typo: float = 0.02
    spelling_loyalty: float = 0.75
    fa_joints: tuple[tuple[str, float], ...] = (("zwnj", 0.4), ("joined", 0.35), ("space", 0.25))
    en_joints: tuple[tuple[str, float], ...] = (("joined", 0.5), ("space", 0.35), ("hyphen", 0.15))
    dual_names: tuple[float, float] = (0.6, 0.3)  # name_en + name_fa: both, en only
    # dates
    p_jalali_fa: float = 1.0
    p_jalali_en: float = 0.0
    jalali_formats: tuple[tuple[str, float], ...] = J_FORMATS_DEFAULT
    greg_formats: tuple[tuple[str, float], ...] = G_FORMATS_DEFAULT
    date_jitter: tuple[tuple[int, float], ...] = (
        (0, 0.76),
        (1, 0.1),
        (-1, 0.1),
        (2, 0.02),
        (-2, 0.02),
    )
    # ages
    age_formats: tuple[tuple[str, float], ...] = (("num", 1.0),)
    age_jitter: tuple[tuple[int, float], ...] = ((0, 0.82), (1, 0.08), (-1, 0.08), (2, 0.02))
    # sex, places, missing
    sex_fa: tuple[str, str] = ("مرد", "زن")
    sex_en: tuple[str, str] = ("Male", "Female")
    p_city_with_province: float = 0.0
    missing: tuple[tuple[str, float], ...] = ()
    missing_fa: tuple[tuple[str, float], ...] = MISSING_FA
    missing_en: tuple[tuple[str, float], ...] = MISSING_EN
    notes_facts: float = 1.5  # mean number of facts in a notes cell

    @property
    def ext(self) -> str:
        return {"csv": "csv", "xlsx": "xlsx", "json": "json"}[self.fmt]

    def missing_rate(self, fieldname: str) -> float:
        return dict(self.missing).get(fieldname, 0.0)


MEMORIAL_FA = (("جاویدنام", 0.6), ("زنده\u200cیاد", 0.2), ("شهید", 0.08), ("courtesy", 0.07), ("title", 0.05))  # fmt: skip
MEMORIAL_EN = (("Martyr", 0.3), ("The late", 0.25), ("courtesy", 0.3), ("title", 0.15))

NGO_LISTS = (
    ListSpec(
        name="A",
        kind="ngo_list",
        description="Persian NGO sheet: XLSX, Persian headers, full names with memorial "
        "prefixes, Jalali dates mostly in Persian digits and month names",
        fmt="xlsx",
        sheet="جان\u200cباختگان دی ۱۴۰۴",
        rtl=True,
        typed_cells=True,
        columns=(
            ("rownum", "ردیف"),
            ("full_name", "نام و نام خانوادگی"),
            ("father", "نام پدر"),
            ("age", "سن"),
            ("sex", "جنسیت"),
            ("date", "تاریخ جان\u200cباختن"),
            ("city", "شهر"),
            ("province", "استان"),
            ("place", "محل جان\u200cباختن"),
            ("cause", "نحوه جان\u200cباختن"),
            ("notes", "توضیحات"),
            ("source", "منبع"),
        ),
        capture_base=0.6,
        capture_slope=1.2,
        p_persian=1.0,
        p_persian_digits=0.85,
        p_arabic_yk=0.05,
        p_prefix=0.25,
        prefixes_fa=MEMORIAL_FA,
        p_age_in_name=0.08,
        p_father_in_name=0.03,
        jalali_formats=(
            ("j_ymd_slash", 40),
            ("j_name", 22),
            ("j_name_mah", 14),
            ("j_ordinal", 6),
            ("j_weekday", 5),
            ("j_ymd_slash_np", 6),
            ("j_partial", 3),
            ("j_noyear", 4),
        ),  # fmt: skip
        age_formats=(
            ("num", 70),
            ("saleh", 18),
            ("about", 5),
            ("range", 2),
            ("teen", 3),
            ("words", 2),
        ),
        missing=(
            ("father", 0.4),
            ("age", 0.12),
            ("sex", 0.05),
            ("province", 0.1),
            ("place", 0.65),
            ("cause", 0.2),
            ("notes", 0.35),
            ("source", 0.3),
            ("city", 0.02),
        ),  # fmt: skip
        order="date",
    ),
    ListSpec(
        name="B",
        kind="ngo_list",
        description="English rights-group report: CSV UTF-8, English headers, Latin names, "
        "Gregorian dates in words, place as 'neighbourhood, city'",
        fmt="csv",
        encoding="utf-8",
        columns=(
            ("rownum", "No."),
            ("full_name", "Name"),
            ("age", "Age"),
            ("sex", "Gender"),
            ("date", "Date of death"),
            ("place_city", "Place of death"),
            ("province", "Province"),
            ("cause", "Cause of death"),
            ("notes", "Details"),
        ),
        capture_base=-0.2,
        capture_slope=1.2,
        p_persian=0.0,
        p_prefix=0.02,
        prefixes_en=MEMORIAL_EN,
        p_upper_surname=0.0,
        greg_formats=(
            ("g_d_month_y", 62),
            ("g_month_d_y", 12),
            ("g_d_mon_y", 10),
            ("g_noyear", 6),
            ("g_partial", 5),
            ("g_ordinal", 5),
        ),  # fmt: skip
        age_formats=(("num", 82), ("about", 6), ("range", 5), ("teen", 4), ("decade", 3)),
        sex_en=("Male", "Female"),
        missing=(
            ("age", 0.1),
            ("sex", 0.03),
            ("province", 0.15),
            ("cause", 0.15),
            ("notes", 0.3),
        ),  # fmt: skip
        order="date",
    ),
    ListSpec(
        name="C",
        kind="ngo_list",
        description="Kurdish/Baluch monitoring group: CSV UTF-8 with BOM, bilingual headers, "
        "split names, Kurdish/Baluch name beside the official one, Kurdish place names, no "
        "sex column; mostly Kurdish and Baluch regions; 15% of records in Latin script",
        fmt="csv",
        encoding="utf-8-sig",
        columns=(
            ("rownum", "ردیف / No"),
            ("given", "نام / Name"),
            ("family", "نام خانوادگی / Surname"),
            ("father", "نام پدر / Father's name"),
            ("age", "سن / Age"),
            ("date", "تاریخ / Date"),
            ("city", "شهر / City"),
            ("province", "استان / Province"),
            ("notes", "توضیحات / Notes"),
        ),
        capture_base=0.3,
        capture_slope=1.0,
        region_effect=(("kurd", 1.6), ("baluch", 1.6), ("arab", -1.5), ("fars", -3.0)),
        p_persian=0.85,
        p_persian_digits=0.4,
        p_kurdish_place=0.35,
        p_arabic_yk=0.03,
        alt_styles=(("alt_official", 0.4), ("official_alt", 0.2), ("alt", 0.2), ("official", 0.2)),
        p_jalali_fa=0.9,
        p_jalali_en=0.5,
        jalali_formats=(("j_ymd_slash", 45), ("j_name_mah", 30), ("j_ordinal", 10), ("j_name", 15)),
        greg_formats=(("g_d_month_y", 60), ("g_iso", 40)),
        age_formats=(("num", 75), ("saleh", 20), ("about", 5)),
        missing=(("father", 0.25), ("age", 0.1), ("province", 0.05), ("notes", 0.2)),
        notes_facts=2.0,
        order="city",
    ),
    ListSpec(
        name="D",
        kind="ngo_list",
        description="Diaspora volunteer sheet: XLSX, English headers, an English and a Persian "
        "name column, real date cells plus typed text dates, loose ages, 'Surname, Given' "
        "and upper-case surnames from some volunteers",
        fmt="xlsx",
        sheet="Victims",
        typed_cells=True,
        date_cells=0.7,
        columns=(
            ("rownum", "#"),
            ("name_en", "Full Name"),
            ("name_fa", "Name (Farsi)"),
            ("age", "Age"),
            ("sex", "M/F"),
            ("city_loc", "City"),
            ("date", "Date"),
            ("notes", "Notes"),
            ("source", "Source"),
        ),
        capture_base=-0.6,
        capture_slope=1.3,
        p_persian=0.0,
        p_upper_surname=0.25,
        p_surname_first=0.15,
        p_lowercase=0.04,
        p_typo=0.04,
        spelling_loyalty=0.5,
        p_jalali_en=0.1,
        jalali_formats=(("j_name", 1.0),),
        greg_formats=(("g_noyear", 35), ("g_partial", 20), ("g_uncertain", 25), ("g_d_mon_y", 20)),
        age_formats=(("num", 70), ("about", 12), ("teen", 5), ("decade", 8), ("range", 5)),
        sex_en=("M", "F"),
        p_city_with_province=0.35,
        missing=(("age", 0.15), ("sex", 0.2), ("notes", 0.4), ("source", 0.2)),
        missing_en=(("", 0.9), ("?", 0.1)),
        notes_facts=1.0,
        order="random",
    ),
)

INSIDER_LISTS = (
    ListSpec(
        name="A",
        kind="morgue",
        description="Morgue register: CSV Windows-1256, terse Persian headers, split names, "
        "Jalali dates in Latin digits, random national-ID-like numbers; Tehran region",
        fmt="csv",
        encoding="cp1256",
        columns=(
            ("rownum", "ردیف"),
            ("fileno", "شماره پرونده"),
            ("given", "نام"),
            ("family", "نام خانوادگی"),
            ("father", "نام پدر"),
            ("age", "سن"),
            ("sex", "جنس"),
            ("date", "تاریخ فوت"),
            ("cause_terse", "علت فوت"),
            ("natid", "کد ملی"),
            ("referral", "محل ارجاع"),
        ),
        capture_base=0.0,
        capture_slope=0.5,
        city_effect=(("tehran", 1.9), ("karaj", 1.7), ("eslamshahr", 1.9), ("*", -3.5)),
        dup_rate=0.02,
        p_persian=1.0,
        p_arabic_yk=0.4,
        p_seyyed_written=0.9,
        alt_styles=(("official", 1.0),),
        jalali_formats=(
            ("j_ymd_slash", 80),
            ("j_dmy_slash", 10),
            ("j_ymd_slash_np", 5),
            ("j_short", 5),
        ),
        date_jitter=((0, 0.92), (1, 0.04), (-1, 0.04)),
        age_formats=(("num", 1.0),),
        age_jitter=((0, 0.95), (1, 0.05)),
        sex_fa=("مذکر", "مونث"),
        missing=(("father", 0.1), ("age", 0.08), ("natid", 0.3), ("referral", 0.3)),
        missing_fa=(("", 0.7), ("-", 0.3)),
        p_typo=0.015,
        order="date",
    ),
    ListSpec(
        name="B",
        kind="hospital",
        description="Hospital list: CSV UTF-16 with BOM, Persian headers, full name, admission "
        "and death dates, ward and diagnosis; western/Kurdish region",
        fmt="csv",
        encoding="utf-16",
        rownum_fa=True,
        columns=(
            ("rownum", "ردیف"),
            ("full_name", "نام و نام خانوادگی بیمار"),
            ("father", "نام پدر"),
            ("age", "سن"),
            ("sex", "جنسیت"),
            ("date_admit", "تاریخ پذیرش"),
            ("date", "تاریخ فوت"),
            ("ward", "بخش"),
            ("diagnosis", "تشخیص"),
            ("city", "محل سکونت"),
        ),
        capture_base=0.0,
        capture_slope=0.5,
        region_effect=(("kurd", 1.4), ("fars", -3.5), ("baluch", -4.0), ("arab", -3.5)),
        dup_rate=0.02,
        p_persian=1.0,
        p_persian_digits=0.5,
        p_seyyed_written=0.85,
        alt_styles=(("official", 1.0),),
        jalali_formats=(("j_ymd_slash", 70), ("j_ymd_dash", 20), ("j_ymd_slash_np", 10)),
        date_jitter=((0, 0.9), (1, 0.05), (-1, 0.05)),
        age_formats=(("num", 0.9), ("saleh", 0.1)),
        age_jitter=((0, 0.95), (1, 0.05)),
        sex_fa=("مرد", "زن"),
        missing=(("father", 0.15), ("age", 0.05), ("date", 0.08), ("city", 0.2), ("sex", 0.05)),
        missing_fa=(("", 1.0),),
        p_typo=0.015,
        order="date",
    ),
    ListSpec(
        name="C",
        kind="cemetery",
        description="Cemetery registers from several big cities: CSV Windows-1256, full name "
        "with مرحوم/مرحومه, burial dates and grave locations, often no death date",
        fmt="csv",
        encoding="cp1256",
        columns=(
            ("rownum", "ردیف"),
            ("full_name", "نام و نام خانوادگی متوفی"),
            ("father", "نام پدر"),
            ("age", "سن"),
            ("date", "تاریخ فوت"),
            ("date_burial", "تاریخ دفن"),
            ("cemetery", "آرامستان"),
            ("grave", "محل دفن"),
            ("natid", "کد ملی"),
        ),
        capture_base=0.0,
        capture_slope=0.6,
        city_effect=(
            ("tehran", 1.2),
            ("karaj", 1.2),
            ("eslamshahr", 1.2),
            ("mashhad", 1.4),
            ("isfahan", 1.4),
            ("shiraz", 1.4),
            ("rasht", 1.4),
            ("*", -1.8),
        ),  # fmt: skip
        dup_rate=0.02,
        p_persian=1.0,
        p_arabic_yk=0.2,
        p_prefix=0.35,
        prefixes_fa=(("cemetery", 1.0),),
        p_seyyed_written=0.9,
        alt_styles=(("official", 1.0),),
        jalali_formats=(("j_ymd_slash", 85), ("j_ymd_slash_np", 15)),
        date_jitter=((0, 0.9), (1, 0.05), (-1, 0.05)),
        age_formats=(("num", 1.0),),
        missing=(("date", 0.35), ("father", 0.1), ("age", 0.15), ("natid", 0.4)),
        missing_fa=(("", 1.0),),
        p_typo=0.015,
        order="date",
    ),
    ListSpec(
        name="D",
        kind="family_report",
        description="Family reports from a web form: JSON list of objects, English question "
        "headers, names typed by relatives, Jalali or Gregorian dates, a free-text story",
        fmt="json",
        json_missing="empty",
        typed_cells=True,
        columns=(
            ("timestamp", "Timestamp"),
            ("full_name", "Full name of the victim"),
            ("father", "Father's name (if known)"),
            ("age", "Age"),
            ("sex", "Gender"),
            ("date", "Date of death"),
            ("city", "City / town"),
            ("province", "Province"),
            ("what_happened", "What happened?"),
            ("relationship", "Your relationship to the victim"),
        ),
        capture_base=0.1,
        capture_slope=0.9,
        dup_rate=0.03,
        p_persian=0.0,
        p_lowercase=0.1,
        p_typo=0.05,
        spelling_loyalty=0.0,
        p_seyyed_written=0.4,
        alt_styles=(("official", 0.4), ("official_alt", 0.3), ("alt_official", 0.3)),
        p_jalali_en=0.35,
        jalali_formats=(("j_name", 60), ("j_ymd_slash", 30), ("j_mdy_en", 10)),
        greg_formats=(
            ("g_d_month_y", 35),
            ("g_dmy_slash", 25),
            ("g_iso", 15),
            ("g_noyear", 15),
            ("g_mon_d_y", 10),
        ),  # fmt: skip
        age_formats=(("num", 90), ("saleh", 5), ("words", 5)),
        sex_en=("Male", "Female"),
        missing=(("father", 0.45), ("province", 0.4), ("sex", 0.1), ("age", 0.05)),
        missing_en=(("", 1.0),),
        order="timestamp",
    ),
)

MIXED_LISTS = (
    ListSpec(
        name="A",
        kind="ngo_list",
        description="Mixed list: CSV UTF-8, headers half Persian half English, each record "
        "in Persian or Latin script, Jalali or Gregorian",
        fmt="csv",
        encoding="utf-8",
        columns=(
            ("rownum", "ردیف"),
            ("full_name", "Name"),
            ("father", "نام پدر"),
            ("age", "Age / سن"),
            ("date", "تاریخ"),
            ("city", "City"),
            ("province", "استان"),
            ("sex", "Sex"),
            ("notes", "Notes"),
        ),
        capture_base=0.3,
        p_persian=0.5,
        p_persian_digits=0.6,
        p_cross_script=0.1,
        p_arabic_yk=0.05,
        p_prefix=0.15,
        prefixes_fa=MEMORIAL_FA,
        prefixes_en=MEMORIAL_EN,
        p_age_in_name=0.08,
        p_father_in_name=0.05,
        p_upper_surname=0.15,
        p_jalali_fa=0.75,
        p_jalali_en=0.3,
        jalali_formats=(
            ("j_ymd_slash", 40),
            ("j_name", 30),
            ("j_name_mah", 15),
            ("j_dmy_slash", 10),
            ("j_partial", 5),
        ),  # fmt: skip
        greg_formats=(
            ("g_iso", 25),
            ("g_d_month_y", 30),
            ("g_dmy_slash", 20),
            ("g_mon_d_y", 15),
            ("g_partial", 5),
            ("g_dmy_dot", 5),
        ),  # fmt: skip
        age_formats=(
            ("num", 65),
            ("saleh", 20),
            ("about", 7),
            ("range", 3),
            ("teen", 3),
            ("birth", 2),
        ),  # fmt: skip
        sex_fa=("مرد", "زن"),
        sex_en=("male", "female"),
        missing=(("father", 0.35), ("age", 0.1), ("province", 0.3), ("sex", 0.1), ("notes", 0.4)),
        order="date",
    ),
    ListSpec(
        name="B",
        kind="media",
        description="Mixed list: XLSX, English headers, split names, each record in Persian "
        "or Latin script and either calendar, location as 'city, province'",
        fmt="xlsx",
        sheet="Sheet1",
        typed_cells=True,
        columns=(
            ("rownum", "ID"),
            ("given", "First name"),
            ("family", "Last name"),
            ("father", "Father"),
            ("age", "Age"),
            ("date", "Date"),
            ("city_loc", "Location"),
            ("sex", "Gender"),
            ("source", "Source"),
        ),
        capture_base=0.0,
        p_persian=0.4,
        p_persian_digits=0.3,
        p_cross_script=0.1,
        p_upper_surname=0.3,
        p_jalali_fa=0.8,
        p_jalali_en=0.25,
        jalali_formats=(("j_ymd_slash", 50), ("j_name", 30), ("j_ymd_dash", 10), ("j_ordinal", 10)),
        greg_formats=(("g_iso", 40), ("g_d_mon_y", 30), ("g_month_d_y", 20), ("g_ymd_slash", 10)),
        age_formats=(("num", 80), ("about", 8), ("saleh", 7), ("birth", 5)),
        sex_fa=("مرد", "زن"),
        sex_en=("M", "F"),
        p_city_with_province=0.6,
        missing=(("father", 0.5), ("age", 0.12), ("sex", 0.15), ("source", 0.3)),
        order="random",
    ),
    ListSpec(
        name="C",
        kind="ngo_list",
        description="Mixed list: JSON with Persian keys, missing values as absent keys, each "
        "record in Persian or Latin script and either calendar",
        fmt="json",
        json_missing="omit",
        typed_cells=True,
        columns=(
            ("full_name", "نام کامل"),
            ("age", "سن"),
            ("date", "تاریخ فوت"),
            ("city", "شهر"),
            ("sex", "جنسیت"),
            ("father", "پدر"),
            ("notes", "یادداشت"),
        ),
        capture_base=-0.2,
        p_persian=0.5,
        p_persian_digits=0.7,
        p_cross_script=0.1,
        p_prefix=0.12,
        prefixes_fa=MEMORIAL_FA,
        prefixes_en=MEMORIAL_EN,
        p_age_in_name=0.05,
        p_father_in_name=0.1,
        p_surname_first=0.1,
        p_jalali_fa=0.7,
        p_jalali_en=0.4,
        jalali_formats=(
            ("j_name", 30),
            ("j_ymd_slash", 30),
            ("j_ordinal", 10),
            ("j_weekday", 10),
            ("j_name_mah", 15),
            ("j_noyear", 5),
        ),  # fmt: skip
        greg_formats=(("g_d_month_y", 40), ("g_iso", 30), ("g_ordinal", 10), ("g_mon_d_y", 20)),
        age_formats=(("num", 70), ("saleh", 15), ("words", 5), ("about", 5), ("birth", 5)),
        sex_fa=("مرد", "زن"),
        sex_en=("Male", "Female"),
        missing=(("father", 0.4), ("age", 0.1), ("sex", 0.2), ("notes", 0.5)),
        order="random",
    ),
    ListSpec(
        name="D",
        kind="other",
        description="Mixed list: CSV Windows-1256, terse Persian headers, split names, 40% "
        "of records in Latin script, place as one cell, Latin digits only",
        fmt="csv",
        encoding="cp1256",
        columns=(
            ("rownum", "ردیف"),
            ("given", "نام"),
            ("family", "نام خانوادگی"),
            ("father", "نام پدر"),
            ("age", "سن"),
            ("date", "تاریخ"),
            ("city_loc", "محل"),
        ),
        capture_base=-0.5,
        p_persian=0.6,
        p_cross_script=0.1,
        p_arabic_yk=0.15,
        p_jalali_fa=0.85,
        p_jalali_en=0.35,
        jalali_formats=(("j_ymd_slash", 60), ("j_name", 25), ("j_dmy_slash", 15)),
        greg_formats=(("g_dmy_slash", 40), ("g_iso", 30), ("g_d_month_y", 30)),
        age_formats=(("num", 85), ("saleh", 10), ("about", 5)),
        p_city_with_province=0.4,
        missing=(("father", 0.3), ("age", 0.12)),
        order="city",
    ),
)

FAMILY_SPECS: dict[str, tuple[ListSpec, ...]] = {
    "wild_ngo": NGO_LISTS,
    "wild_insider": INSIDER_LISTS,
    "wild_mixed": MIXED_LISTS,
}

# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


class ListStyle:
    """Per-list house style: preferred spellings and joints, chosen once per list."""

    def __init__(self, spec: ListSpec, rng: np.random.Generator):
        self.spec = spec
        self.rng = rng
        self.pref: dict[str, int] = {}
        self.fa_joint = pick(rng, spec.fa_joints)
        self.en_joint = pick(rng, spec.en_joints)
        self.seyyed_en = pick(rng, (("Seyed", 4), ("Seyyed", 3), ("Sayed", 2), ("Sayyid", 1)))

    def spelling(self, key: str, variants: list[str], ratio: float = 0.45) -> str:
        if len(variants) == 1:
            return variants[0]
        w = spelling_weights(len(variants), ratio)
        if key not in self.pref:
            self.pref[key] = int(self.rng.choice(len(variants), p=w))
        if self.rng.random() < self.spec.spelling_loyalty:
            return variants[self.pref[key]]
        return variants[int(self.rng.choice(len(variants), p=w))]


class Record:
    """Renders one record of one person for one list."""

    def __init__(self, person: Person, style: ListStyle, rng: np.random.Generator):
        self.p = person
        self.style = style
        self.spec = style.spec
        self.rng = rng
        spec = self.spec
        self.script = "fa" if rng.random() < spec.p_persian else "en"
        self.fa_digits = self.script == "fa" and rng.random() < spec.p_persian_digits
        self.arabic = rng.random() < spec.p_arabic_yk
        self.date = person.death + timedelta(days=int(pick(rng, spec.date_jitter)))
        self.age = max(1, person.age + int(pick(rng, spec.age_jitter)))
        p_j = spec.p_jalali_fa if self.script == "fa" else spec.p_jalali_en
        self.jalali = rng.random() < p_j
        self.date_fmt = pick(rng, spec.jalali_formats if self.jalali else spec.greg_formats)
        self.date_cell = spec.date_cells > 0 and not self.jalali and rng.random() < spec.date_cells
        self.age_in_name = False
        self.cols = {f for f, _ in spec.columns}

    # -- helpers -----------------------------------------------------------
    def num(self, s: Any, script: str | None = None) -> str:
        s = str(s)
        fa = self.fa_digits if script is None else (script == "fa" and self.fa_digits)
        return s.translate(FA_DIGITS) if fa else s

    def field_script(self) -> str:
        if self.spec.p_cross_script and self.rng.random() < self.spec.p_cross_script:
            return "en" if self.script == "fa" else "fa"
        return self.script

    def missing_token(self, script: str) -> str:
        return pick(self.rng, self.spec.missing_fa if script == "fa" else self.spec.missing_en)

    def fa_variant(self, text: str) -> str:
        if text in FA_ALT and self.rng.random() < self.spec.p_fa_alt_spelling:
            return choose(self.rng, FA_ALT[text])
        return text

    def fa_joint(self, text: str) -> str:
        if ZWNJ not in text:
            return text
        j = self.style.fa_joint if self.rng.random() < 0.7 else pick(self.rng, self.spec.fa_joints)
        return text.replace(ZWNJ, {"zwnj": ZWNJ, "joined": "", "space": " "}[j])

    # -- names -------------------------------------------------------------
    def given_text(self, key: str, script: str) -> str:
        fa, parts, _ = GIVEN[key]
        if script == "fa":
            return self.fa_joint(self.fa_variant(fa))
        spelled = [self.style.spelling(c, COMP_LATIN[c]) for c in parts]
        if len(spelled) == 1:
            return spelled[0]
        j = self.style.en_joint if self.rng.random() < 0.7 else pick(self.rng, self.spec.en_joints)
        if j == "joined":
            if self.rng.random() < 0.06:
                return "".join(spelled)  # MohammadReza
            return spelled[0] + "".join(s.lower() for s in spelled[1:])
        return (" " if j == "space" else "-").join(spelled)

    def family_text(self, script: str) -> str:
        fa, latin = FAMILY[self.p.family]
        if script == "fa":
            return self.fa_joint(self.fa_variant(fa))
        return self.style.spelling("fam:" + self.p.family, latin)

    def typo(self, text: str, script: str) -> str:
        """One slip of the keyboard: a swapped look-alike letter, a dropped, doubled or
        transposed letter (letters only, never brackets or spaces)."""
        rng = self.rng
        inner = [i for i in range(1, len(text) - 1) if text[i].isalpha() and text[i - 1].isalpha()]
        if not inner:
            return text
        if script == "fa":
            swaps = {"ز": "ذ", "ذ": "ز", "س": "ص", "ص": "س", "ت": "ط", "ط": "ت", "ح": "ه",
                     "ق": "غ", "غ": "ق", "آ": "ا"}  # fmt: skip
            idx = [i for i, ch in enumerate(text) if ch in swaps]
            if idx and rng.random() < 0.7:
                i = choose(rng, idx)
                return text[:i] + swaps[text[i]] + text[i + 1 :]
            i = choose(rng, inner)
            return text[:i] + text[i + 1 :]
        i = choose(rng, inner)
        kind = rng.integers(3)
        if kind == 0:
            return text[:i] + text[i + 1 :]
        if kind == 1:
            return text[:i] + text[i] + text[i:]
        return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]

    def name_core(self, script: str) -> tuple[str, str, str]:
        """(seyyed prefix, given, family) in one script."""
        p, spec, rng = self.p, self.spec, self.rng
        given = self.given_text(p.given, script)
        seyyed = ""
        if p.seyyed and rng.random() < spec.p_seyyed_written:
            if p.sex == "M":
                if script == "fa":
                    seyyed = "سید" if rng.random() < 0.2 else "سید "
                else:
                    seyyed = self.style.seyyed_en + " "
            elif rng.random() < 0.7:
                given += " سادات" if script == "fa" else " Sadat"
            else:
                seyyed = "سیده " if script == "fa" else "Seyedeh "
        if p.alt:
            style = pick(rng, spec.alt_styles)
            alt = self.given_text(p.alt, script)
            if style == "alt":
                given = alt
            elif style == "alt_official":
                given = f"{alt} ({given})"
            elif style == "official_alt":
                given = f"{given} ({alt})"
        family = self.family_text(script)
        if rng.random() < spec.p_typo:
            if rng.random() < 0.5:
                family = self.typo(family, script)
            else:
                given = self.typo(given, script)
        if script == "en" and rng.random() < spec.p_upper_surname:
            family = family.upper()
        return seyyed, given, family

    def prefix(self, script: str) -> str:
        p = self.p
        options = self.spec.prefixes_fa if script == "fa" else self.spec.prefixes_en
        if not options:
            return ""
        kind = pick(self.rng, options)
        if kind == "cemetery":
            return "مرحوم" if p.sex == "M" else "مرحومه"
        if kind == "title" and p.occupation not in ("doctor", "engineer"):
            kind = "courtesy"
        if kind == "courtesy":
            if script == "fa":
                return "آقای" if p.sex == "M" else "خانم"
            return "Mr." if p.sex == "M" else choose(self.rng, ["Ms.", "Mrs."])
        if kind == "title":
            if script == "fa":
                return "دکتر" if p.occupation == "doctor" else "مهندس"
            return "Dr." if p.occupation == "doctor" else "Eng."
        return kind

    def full_name(self, script: str) -> str:
        p, spec, rng = self.p, self.spec, self.rng
        seyyed, given, family = self.name_core(script)
        surname_first = rng.random() < spec.p_surname_first
        if surname_first:
            core = f"{family}، {seyyed}{given}" if script == "fa" else f"{family}, {seyyed}{given}"
        else:
            core = f"{seyyed}{given} {family}"
        if spec.p_prefix and not surname_first and rng.random() < spec.p_prefix:
            pre = self.prefix(script)
            if pre:
                core = f"{pre} {core}"
        if spec.p_age_in_name and rng.random() < spec.p_age_in_name:
            self.age_in_name = True
            age = self.num(self.age, script)
            occ_fa, occ_en = OCCUPATIONS[p.occupation]
            if script == "fa":
                form = pick(rng, (("paren", 5), ("comma", 2), ("bare", 2), ("occ", 1)))
                if form == "occ" and occ_fa:
                    core = f"{core} ({occ_fa}، {age} ساله)"
                elif form == "comma":
                    core = f"{core}، {age} ساله"
                elif form == "bare":
                    core = f"{core} {age} ساله"
                else:
                    core = f"{core} ({age} ساله)"
            else:
                form = pick(rng, (("paren", 6), ("comma", 3), ("occ", 1)))
                if form == "occ" and occ_en:
                    core = f"{core} ({age}, {occ_en})"
                elif form == "comma":
                    core = f"{core}, {age}"
                else:
                    core = f"{core} ({age})"
        if spec.p_father_in_name and rng.random() < spec.p_father_in_name:
            father = self.given_text(p.father, script)
            if script == "fa":
                kin = pick(rng, (("فرزند", 3), ("پسر" if p.sex == "M" else "دختر", 1)))
                core = (
                    f"{core} ({kin} {father})" if rng.random() < 0.3 else f"{core} {kin} {father}"
                )
            else:
                kin = pick(
                    rng,
                    (
                        ("son of" if p.sex == "M" else "daughter of", 3),
                        ("s/o" if p.sex == "M" else "d/o", 1),
                    ),
                )
                core = f"{core}, {kin} {father}" if rng.random() < 0.5 else f"{core} {kin} {father}"
        if script == "en" and rng.random() < spec.p_lowercase:
            core = core.lower()
        return core

    # -- dates -------------------------------------------------------------
    def date_text(self, d: date, fmt: str | None = None, script: str | None = None) -> Any:
        rng = self.rng
        script = script or self.script
        fmt = fmt or self.date_fmt
        if fmt.startswith("j_"):
            j = jdatetime.date.fromgregorian(date=d)
            jy, jm, jd = j.year, j.month, j.day
            mfa, men = FA_MONTHS[jm - 1], EN_JMONTHS[jm - 1]
            if men == "Dey" and rng.random() < 0.15:
                men = choose(rng, ["Dei", "Day"])
            if fmt == "j_ymd_slash":
                s = f"{jy}/{jm:02d}/{jd:02d}"
            elif fmt == "j_ymd_slash_np":
                s = f"{jy}/{jm}/{jd}"
            elif fmt == "j_ymd_dash":
                s = f"{jy}-{jm:02d}-{jd:02d}"
            elif fmt == "j_dmy_slash":
                s = f"{jd:02d}/{jm:02d}/{jy}"
            elif fmt == "j_short":
                s = f"{jy % 100:02d}/{jm:02d}/{jd:02d}"
            elif script == "en":
                if fmt in ("j_partial",):
                    part = pick(rng, (("", 2), ("early ", 1), ("mid-", 1), ("late ", 1)))
                    s = f"{part}{men} {jy}"
                elif fmt == "j_noyear":
                    s = f"{jd} {men}"
                elif fmt == "j_mdy_en":
                    s = f"{men} {jd}, {jy}"
                else:
                    s = f"{jd} {men} {jy}"
            else:
                mah = mfa + choose(rng, [ZWNJ + "ماه", "ماه", " ماه"])
                if fmt == "j_name":
                    s = f"{jd} {mfa} {jy}"
                elif fmt == "j_name_mah":
                    s = f"{jd} {mah} {jy}"
                elif fmt == "j_ordinal":
                    month = mah if rng.random() < 0.5 else mfa
                    s = f"{fa_ordinal(jd, rng)} {month}"
                    if rng.random() < 0.6:
                        s += f" {jy}"
                elif fmt == "j_weekday":
                    s = f"{FA_WEEKDAYS[j.weekday()]} {jd} {mfa} {jy}"
                elif fmt == "j_noyear":
                    s = f"{jd} {mfa}"
                elif fmt == "j_partial":
                    part = jd // 11  # 0 early, 1 mid, 2 late
                    word = ["اوایل", "اواسط", "اواخر"][min(part, 2)]
                    s = f"{word} {mfa} {jy}" if rng.random() < 0.6 else f"{mah} {jy}"
                else:
                    s = f"{jd} {mfa} {jy}"
            return self.num(s, script)
        # Gregorian
        y, m, dd = d.year, d.month, d.day
        month, mon = EN_GMONTHS[m], EN_GMONTHS[m][:3]
        if fmt == "g_iso":
            s = d.isoformat()
        elif fmt == "g_dmy_slash":
            s = f"{dd:02d}/{m:02d}/{y}"
        elif fmt == "g_dmy_slash_np":
            s = f"{dd}/{m}/{y}"
        elif fmt == "g_dmy_dot":
            s = f"{dd:02d}.{m:02d}.{y}"
        elif fmt == "g_ymd_slash":
            s = f"{y}/{m:02d}/{dd:02d}"
        elif script == "fa":
            s = f"{dd} {FA_GMONTHS[m]} {y}"
        elif fmt == "g_d_month_y":
            s = f"{dd} {month} {y}"
        elif fmt == "g_month_d_y":
            s = f"{month} {dd}, {y}"
        elif fmt == "g_mon_d_y":
            s = f"{mon} {dd}, {y}"
        elif fmt == "g_d_mon_y":
            s = f"{dd} {mon} {y}"
        elif fmt == "g_ordinal":
            s = (
                f"{en_ordinal(dd)} {month} {y}"
                if rng.random() < 0.6
                else f"{month} {en_ordinal(dd)}"
            )
        elif fmt == "g_noyear":
            s = f"{mon} {dd}" if rng.random() < 0.6 else f"{dd} {month}"
        elif fmt == "g_partial":
            part = ["early", "mid-", "late"][min((dd - 1) // 10, 2)]
            sep = "" if part.endswith("-") else " "
            s = f"{part}{sep}{month} {y}" if rng.random() < 0.7 else f"{part}{sep}{mon}"
        elif fmt == "g_uncertain":
            e = d + timedelta(days=1)
            if e.month == m:
                s = f"{mon} {dd} or {e.day}" if rng.random() < 0.5 else f"{mon} {dd}-{e.day}"
            else:
                s = f"~{mon} {dd}"
        else:
            s = f"{dd} {month} {y}"
        return self.num(s, script)

    # -- ages --------------------------------------------------------------
    def age_text(self, script: str) -> Any:
        rng, age = self.rng, self.age
        fmt = pick(rng, self.spec.age_formats)
        if fmt == "teen" and age >= 20:
            fmt = "num"
        if fmt == "decade" and age < 20:
            fmt = "num"
        if fmt == "num":
            if self.spec.typed_cells and not self.fa_digits:
                return age
            return self.num(age, script)
        if script == "fa":
            if fmt == "saleh":
                return self.num(f"{age} ساله", script)
            if fmt == "range":
                lo = age - int(rng.integers(0, 3))
                return self.num(
                    f"{lo} تا {lo + 4}" if rng.random() < 0.5 else f"{lo}-{lo + 4}", script
                )
            if fmt == "about":
                r = 5 * round(age / 5) if abs(5 * round(age / 5) - age) <= 2 else age
                return self.num(f"حدود {r}" if rng.random() < 0.5 else f"حدودا {r} ساله", script)
            if fmt == "teen":
                return "کودک" if age < 13 else "نوجوان"
            if fmt == "decade":
                return f"{FA_TENS[age // 10]} و چند ساله" if age >= 20 else self.num(age, script)
            if fmt == "words":
                return (
                    f"{fa_number_words(age)} ساله" if rng.random() < 0.7 else fa_number_words(age)
                )
            if fmt == "birth":
                jy = jdatetime.date.fromgregorian(date=self.p.dob).year
                return self.num(f"متولد {jy}", script)
            return self.num(age, script)
        if fmt == "saleh":
            return choose(rng, [f"{age} yrs", f"{age} years", f"{age} years old", f"{age} y/o"])
        if fmt == "range":
            lo = age - int(rng.integers(0, 3))
            return f"{lo}-{lo + 4}" if rng.random() < 0.6 else f"{lo} to {lo + 4}"
        if fmt == "about":
            r = 5 * round(age / 5) if abs(5 * round(age / 5) - age) <= 2 else age
            return choose(rng, [f"about {r}", f"~{r}", f"approx. {r}", f"c. {r}", f"{r}?"])
        if fmt == "teen":
            return "child" if age < 13 else choose(rng, ["teen", "teenager", "minor"])
        if fmt == "decade":
            part = "early" if age % 10 <= 3 else ("mid" if age % 10 <= 6 else "late")
            return f"{part} {age // 10 * 10}s"
        if fmt == "words":
            return en_number_words(age)
        if fmt == "birth":
            return choose(rng, [f"b. {self.p.dob.year}", f"born {self.p.dob.year}"])
        return str(age)

    # -- places ------------------------------------------------------------
    def city_name(self, script: str) -> str:
        fa, latin, _, _, _, local = CITIES[self.p.city]
        if script == "fa":
            if local and self.rng.random() < self.spec.p_kurdish_place:
                return choose(self.rng, local)
            return fa
        return self.style.spelling("city:" + self.p.city, latin, ratio=0.2)

    def province_name(self, script: str) -> str:
        fa, latin = PROVINCES[CITIES[self.p.city][2]]
        if script == "fa":
            return fa
        return self.style.spelling("prov:" + CITIES[self.p.city][2], latin, ratio=0.3)

    def city_loc(self, script: str) -> str:
        if self.rng.random() < 0.03:  # only the province is known
            return self.province_name(script)
        city = self.city_name(script)
        if self.rng.random() >= self.spec.p_city_with_province:
            return city
        prov = self.province_name(script)
        if prov == city or prov.startswith(city):
            return city
        if script == "fa":
            form = pick(
                self.rng, (("{c}، {p}", 5), ("{c} - {p}", 2), ("{p}، {c}", 2), ("{p} - {c}", 1))
            )
        else:
            form = pick(self.rng, (("{c}, {p}", 6), ("{c} ({p})", 3), ("{c} - {p}", 1)))
        return form.format(c=city, p=prov)

    def spot_text(self, script: str) -> str:
        fa, en = self.p.spot
        if self.p.cause == "custody":
            fa, en = "بازداشتگاه", "detention centre"
        return fa if script == "fa" else en

    # -- notes -------------------------------------------------------------
    def facts(self, script: str, with_cause: bool, with_father: bool) -> list[str]:
        p, rng = self.p, self.rng
        fa = script == "fa"
        out: list[tuple[str, float]] = []
        occ = OCCUPATIONS[p.occupation][0 if fa else 1]
        if occ:
            out.append((occ, 1.0))
        if with_cause and p.cause != "unknown":
            _, cfa, cen, _ = CAUSES[p.cause]
            out.append((choose(rng, cfa if fa else cen), 1.2))
        if p.body_withheld:
            out.append(
                (
                    "پیکر به خانواده تحویل داده نشد" if fa else "body withheld by the authorities",
                    1.0,
                )
            )
        if p.night_burial:
            out.append(
                (
                    "خاکسپاری شبانه تحت فشار نهادهای امنیتی"
                    if fa
                    else "buried at night under security pressure",
                    1.0,
                )
            )
        if p.children:
            if fa:
                parent = "پدر" if p.sex == "M" else "مادر"
                out.append((f"{parent} {FA_ONES[p.children]} فرزند", 0.8))
            else:
                parent = "father" if p.sex == "M" else "mother"
                out.append((f"{parent} of {EN_ONES[p.children]}", 0.8))
        if p.sex == "F" and "sex" not in self.cols:
            if fa:
                out.append(
                    ("دختر نوجوان" if p.age < 18 else "زن جوان" if p.age < 35 else "زن", 1.5)
                )
            else:
                out.append(
                    (
                        "teenage girl" if p.age < 18 else "young woman" if p.age < 35 else "woman",
                        1.5,
                    )
                )
        if with_father:
            father = self.given_text(p.father, script)
            kin = (
                ("فرزند" if rng.random() < 0.6 else ("پسر" if p.sex == "M" else "دختر"))
                if fa
                else ("son of" if p.sex == "M" else "daughter of")
            )
            out.append((f"{kin} {father}", 1.0))
        if not out:
            return []
        k = min(len(out), max(1, int(rng.poisson(self.spec.notes_facts))))
        w = np.array([o[1] for o in out])
        idx = rng.choice(len(out), size=k, replace=False, p=w / w.sum())
        chosen = [out[i][0] for i in sorted(idx)]
        return chosen

    def notes(self, script: str) -> str:
        facts = self.facts(
            script, with_cause="cause" not in self.cols, with_father="father" not in self.cols
        )
        if script == "fa":
            return choose(self.rng, ["؛ ", "، ", " - "]).join(facts)
        if not facts:
            return ""
        sep = choose(self.rng, ["; ", ". ", ", "])
        if sep == ". ":
            facts = [f[0].upper() + f[1:] for f in facts]
            return sep.join(facts) + "."
        return facts[0][0].upper() + facts[0][1:] + "".join(sep + f for f in facts[1:])

    def what_happened(self) -> tuple[str, str]:
        """(story, reporter's relationship) for a family web form."""
        p, rng = self.p, self.rng
        m = p.sex == "M"
        roles: list[tuple[tuple[str, str], float]] = []
        if p.age < 30:
            roles += [(("son" if m else "daughter", choose(rng, ["Mother", "Father"])), 4)]
        roles += [(("brother" if m else "sister", choose(rng, ["Brother", "Sister"])), 3)]
        if p.married:
            roles += [(("husband" if m else "wife", "Wife" if m else "Husband"), 3)]
        if p.children and p.age > 35:
            roles += [(("father" if m else "mother", choose(rng, ["Son", "Daughter"])), 2)]
        roles += [
            (("cousin", "Cousin"), 1),
            (("friend", "Friend"), 1),
            (("neighbour", "Neighbour"), 0.5),
        ]
        role, rel = pick(rng, roles)
        he = "he" if m else "she"
        his = "his" if m else "her"
        cause = choose(rng, CAUSES[p.cause][2])
        spot = self.spot_text("en")
        verb = cause if cause.startswith(("shot", "beaten", "run")) else f"killed ({cause})"
        templates = [
            f"My {role} was {verb} near {spot}.",
            f"{he.capitalize()} went out to the protests and never came back. We found {his} body later. Cause: {cause}.",
            f"My {role} was killed during the protests ({cause}).",
        ]
        story = choose(rng, templates)
        if p.body_withheld and rng.random() < 0.7:
            story += " They did not give us the body for days."
        if p.night_burial and rng.random() < 0.7:
            story += " We were forced to bury " + ("him" if m else "her") + " at night."
        return story, rel

    # -- one row -----------------------------------------------------------
    def row(self) -> dict[str, Any]:
        spec, rng = self.spec, self.rng
        out: dict[str, Any] = {}
        fields = [f for f, _ in spec.columns]
        # names first (age-in-name decides whether the age cell may be skipped)
        for f in fields:
            if f == "full_name":
                out[f] = self.full_name(self.script)
            elif f in ("given", "family"):
                if "given" not in out:
                    seyyed, given, family = self.name_core(self.script)
                    out["given"] = seyyed + given
                    out["family"] = family
            elif f in ("name_en", "name_fa"):
                if "name_en" not in out:
                    both, en_only = spec.dual_names
                    u = rng.random()
                    out["name_en"] = self.full_name("en") if u < both + en_only else ""
                    out["name_fa"] = (
                        self.full_name("fa") if (u < both or u >= both + en_only) else ""
                    )
        for f in fields:
            if f in out:
                continue
            if f != "rownum" and rng.random() < spec.missing_rate(f):
                free_text = f in ("notes", "source", "place", "referral", "natid")
                out[f] = "" if free_text else self.missing_token(self.script)
                continue
            out[f] = self.cell(f)
        if self.arabic:
            for k, v in out.items():
                if isinstance(v, str):
                    out[k] = v.replace("ی", "ي").replace("ک", "ك")
        return out

    def cell(self, f: str) -> Any:
        p, rng, spec = self.p, self.rng, self.spec
        if f == "rownum":
            return ""  # filled after sorting
        if f == "father":
            return self.given_text(p.father, self.field_script())
        if f == "age":
            if self.age_in_name and rng.random() < 0.5:
                return ""
            return self.age_text(self.script)
        if f == "sex":
            vocab = spec.sex_fa if self.script == "fa" else spec.sex_en
            return vocab[0] if p.sex == "M" else vocab[1]
        if f == "date":
            if self.date_cell:
                return self.date
            return self.date_text(self.date)
        if f == "date_admit":
            fmt = self.date_fmt if self.date_fmt != "j_partial" else "j_ymd_slash"
            return self.date_text(self.date - timedelta(days=int(rng.random() < 0.3)), fmt)
        if f == "date_burial":
            fmt = self.date_fmt if self.date_fmt != "j_partial" else "j_ymd_slash"
            delay = int(pick(rng, ((0, 2), (1, 4), (2, 3), (3, 1))))
            return self.date_text(self.date + timedelta(days=delay), fmt)
        if f == "city":
            return self.city_name(self.field_script())
        if f == "province":
            return self.province_name(self.field_script())
        if f == "city_loc":
            return self.city_loc(self.field_script())
        if f == "place":
            return self.spot_text(self.script)
        if f == "place_city":
            city = self.city_name(self.script)
            if rng.random() < 0.45:
                return f"{self.spot_text(self.script)}, {city}"
            return city
        if f == "cause":
            _, cfa, cen, _ = CAUSES[p.cause]
            text = choose(rng, cfa if self.script == "fa" else cen)
            return text if self.script == "fa" else text[0].upper() + text[1:]
        if f == "cause_terse":
            return choose(rng, CAUSES[p.cause][3])
        if f == "notes":
            return self.notes(self.script)
        if f == "source":
            if self.script == "fa":
                return choose(
                    rng,
                    ["منبع محلی", "گزارش خانواده", "کانال تلگرامی", "اینستاگرام", "گزارش شهروندی"],
                )
            if rng.random() < 0.4:
                return f"https://example.org/report/{int(rng.integers(10000, 99999))}"
            return choose(
                rng, ["local sources", "family", "social media", "Telegram", "citizen report"]
            )
        if f == "natid":
            nid = p.national_id
            if rng.random() < 0.03:  # one digit mistyped
                i = int(rng.integers(10))
                nid = nid[:i] + str((int(nid[i]) + 1) % 10) + nid[i + 1 :]
            return nid
        if f == "fileno":
            return str(int(rng.integers(1000, 99999)))
        if f == "referral":
            return choose(rng, [h[0] for h in HOSPITALS] + ["کلانتری", "اورژانس ۱۱۵"])
        if f == "ward":
            return choose(rng, ["اورژانس", "ICU", "جراحی اعصاب", "جراحی عمومی"])
        if f == "diagnosis":
            return {
                "live": choose(rng, ["اصابت گلوله (GSW)", "زخم ناشی از گلوله", "خونریزی شدید"]),
                "pellets": "جراحات ساچمه",
                "beating": choose(rng, ["ترومای سر", "ضربه مغزی"]),
            }.get(p.cause, choose(rng, ["ایست قلبی تنفسی", "خونریزی شدید", "فوت در بدو ورود"]))
        if f == "cemetery":
            fa, _ = CEMETERIES.get(p.city, (f"آرامستان {CITIES[p.city][0]}", ""))
            return fa
        if f == "grave":
            a, b, c = p.grave
            return f"قطعه {a} ردیف {b} شماره {c}"
        if f == "timestamp":
            t = datetime.combine(p.death, datetime.min.time()) + timedelta(
                days=int(rng.integers(1, 20)), seconds=int(rng.integers(0, 86400))
            )
            return t.strftime("%Y-%m-%d %H:%M:%S")
        if f == "what_happened":
            story, self._rel = self.what_happened()
            return story
        if f == "relationship":
            if not hasattr(self, "_rel"):
                self._rel = self.what_happened()[1]
            return self._rel
        raise KeyError(f)


# ---------------------------------------------------------------------------
# Capture
# ---------------------------------------------------------------------------


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def capture_logits(specs: tuple[ListSpec, ...], people: list[Person]) -> np.ndarray:
    v = np.array([p.visibility for p in people])
    out = np.zeros((len(specs), len(people)))
    for li, spec in enumerate(specs):
        reg = dict(spec.region_effect)
        cit = dict(spec.city_effect)
        eff = np.array(
            [
                reg.get(p.region, 0.0) + (cit.get(p.city, cit.get("*", 0.0)) if cit else 0.0)
                for p in people
            ]
        )
        out[li] = spec.capture_base + spec.capture_slope * v + eff
    return out


def solve_shift(logits: np.ndarray, target: float) -> float:
    lo, hi = -12.0, 12.0
    for _ in range(60):
        mid = (lo + hi) / 2
        union = 1 - np.prod(1 - sigmoid(logits + mid), axis=0)
        if union.mean() < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def as_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def cp1256_safe(s: str) -> str:
    s = s.replace("ی", "ي").translate(TO_LATIN_DIGITS)
    s.encode("cp1256")  # raises if the table ever gains an unencodable character
    return s


def write_csv(path: Path, headers: list[str], rows: list[list[str]], encoding: str) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(headers)
    w.writerows(rows)
    text = buf.getvalue()
    if encoding == "utf-16":
        data = "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")
    else:
        data = text.encode(encoding)
    path.write_bytes(data)


def write_xlsx(path: Path, spec: ListSpec, headers: list[str], rows: list[list[Any]]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = spec.sheet
    if spec.rtl:
        ws.sheet_view.rightToLeft = True
    ws.append(headers)
    for r in rows:
        ws.append([None if v == "" else v for v in r])
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, date | datetime):
                c.number_format = "yyyy-mm-dd"
    fixed = datetime(2026, 2, 1, 12, 0, 0)
    wb.properties.creator = "SYNTHETIC"
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.save(path)


def write_json(path: Path, spec: ListSpec, headers: list[str], rows: list[list[Any]]) -> None:
    objs = []
    for r in rows:
        o: dict[str, Any] = {}
        for h, v in zip(headers, r, strict=True):
            if v == "" or v is None:
                if spec.json_missing == "omit":
                    continue
                o[h] = None if spec.json_missing == "null" else ""
            elif isinstance(v, date):
                o[h] = v.isoformat()
            else:
                o[h] = v
        objs.append(o)
    path.write_text(json.dumps(objs, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------
# Scenario
# ---------------------------------------------------------------------------


@dataclass
class Scenario:
    family: str
    seed: int
    lists: dict[str, pd.DataFrame]
    files: dict[str, Path]
    truth: pd.DataFrame
    people: pd.DataFrame
    n_people_exist: int
    n_people_listed: int
    specs: dict[str, ListSpec] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)


def people_frame(people: list[Person], lists_of: dict[str, list[str]]) -> pd.DataFrame:
    rows = []
    for p in people:
        gfa, gparts, _ = GIVEN[p.given]
        ffa, flat = FAMILY[p.family]
        jd = jdatetime.date.fromgregorian(date=p.death)
        rows.append(
            {
                "person_id": p.pid,
                "sex": p.sex,
                "given_name_fa": gfa,
                "given_name_en": " ".join(COMP_LATIN[c][0] for c in gparts),
                "alt_given_name_fa": GIVEN[p.alt][0] if p.alt else "",
                "alt_given_name_en": COMP_LATIN[GIVEN[p.alt][1][0]][0] if p.alt else "",
                "family_name_fa": ffa,
                "family_name_en": flat[0],
                "seyyed": p.seyyed,
                "father_name_fa": GIVEN[p.father][0],
                "father_name_en": " ".join(COMP_LATIN[c][0] for c in GIVEN[p.father][1]),
                "age": p.age,
                "date_of_birth": p.dob.isoformat(),
                "date_of_death": p.death.isoformat(),
                "date_of_death_jalali": f"{jd.year}/{jd.month:02d}/{jd.day:02d}",
                "city": CITIES[p.city][1][0],
                "city_fa": CITIES[p.city][0],
                "province": PROVINCES[CITIES[p.city][2]][1][0],
                "region": p.region,
                "cause": p.cause,
                "occupation": p.occupation,
                "body_withheld": p.body_withheld,
                "night_burial": p.night_burial,
                "national_id_synthetic": p.national_id,
                "visibility": round(p.visibility, 4),
                "lists": ";".join(lists_of.get(p.pid, [])),
            }
        )
    return pd.DataFrame(rows)


def generate(
    family: str, seed: int = 1, out_dir: Path | str | None = None, n_people: int = N_PEOPLE
) -> Scenario:
    """Generate one SYNTHETIC scenario of `family` and write its files to `out_dir`
    (`n_people`: a smaller population for quick tests)."""
    if family not in FAMILY_SPECS:
        raise KeyError(f"unknown family {family!r}; known: {', '.join(FAMILIES)}")
    specs = FAMILY_SPECS[family]
    out = (
        Path(out_dir)
        if out_dir is not None
        else Path(tempfile.mkdtemp(prefix=f"{family}-SYNTHETIC-"))
    )
    out.mkdir(parents=True, exist_ok=True)
    people = make_people(seed, n_people)
    rng_cap = np.random.default_rng(stable_seed("wild-capture", family, seed))
    logits = capture_logits(specs, people)
    shift = solve_shift(logits, UNION_TARGET)
    caught = rng_cap.random(logits.shape) < sigmoid(logits + shift)

    lists: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {}
    truth_rows: list[dict[str, Any]] = []
    lists_of: dict[str, list[str]] = {}
    stats: dict[str, Any] = {"shift": round(shift, 4), "lists": {}}
    prefix = f"{family}-seed{seed}"
    for li, spec in enumerate(specs):
        rng = np.random.default_rng(stable_seed("wild-list", family, seed, spec.name))
        style = ListStyle(spec, rng)
        members = [people[i] for i in np.flatnonzero(caught[li])]
        n_dup = int(rng.binomial(len(members), spec.dup_rate)) if members else 0
        dup_idx = (
            set(rng.choice(len(members), size=n_dup, replace=False).tolist()) if n_dup else set()
        )
        records: list[tuple[tuple, Person, dict[str, Any]]] = []
        for mi, person in enumerate(members):
            for _ in range(2 if mi in dup_idx else 1):
                rec = Record(person, style, rng)
                cells = rec.row()
                if spec.order == "date":
                    key: tuple = ((rec.date - FIRST_DAY).days, rng.random())
                elif spec.order == "city":
                    key = (
                        CITIES[person.city][2],
                        person.city,
                        (rec.date - FIRST_DAY).days,
                        rng.random(),
                    )
                elif spec.order == "timestamp":
                    key = (cells.get("timestamp", ""), rng.random())
                else:
                    key = (rng.random(),)
                records.append((key, person, cells))
            lists_of.setdefault(person.pid, []).append(spec.name)
        records.sort(key=lambda r: r[0])
        headers = [h for _, h in spec.columns]
        fields = [f for f, _ in spec.columns]
        rows: list[list[Any]] = []
        for n, (_, person, cells) in enumerate(records, start=1):
            if "rownum" in cells:
                if spec.rownum_fa:
                    cells["rownum"] = str(n).translate(FA_DIGITS)
                else:
                    cells["rownum"] = n if spec.typed_cells else str(n)
            row = [cells[f] for f in fields]
            rows.append(row)
            truth_rows.append({"list": spec.name, "row_number": n, "person_id": person.pid})
        if spec.encoding == "cp1256":
            headers = [cp1256_safe(h) for h in headers]
            rows = [[cp1256_safe(v) if isinstance(v, str) else v for v in r] for r in rows]
        path = out / f"{prefix}-list{spec.name}-SYNTHETIC.{spec.ext}"
        if spec.fmt == "csv":
            write_csv(path, headers, [[as_text(v) for v in r] for r in rows], spec.encoding)
        elif spec.fmt == "xlsx":
            write_xlsx(path, spec, headers, rows)
        else:
            write_json(path, spec, headers, rows)
        lists[spec.name] = pd.DataFrame(
            [[as_text(v) for v in r] for r in rows], columns=headers, dtype=str
        )
        files[spec.name] = path
        stats["lists"][spec.name] = {
            "rows": len(rows),
            "people": len(members),
            "within_list_duplicates": n_dup,
        }

    truth = pd.DataFrame(truth_rows, columns=["list", "row_number", "person_id"])
    people_df = people_frame(people, lists_of)
    n_listed = int(truth["person_id"].nunique())
    listed = people_df[people_df["lists"] != ""]
    stats["male_share_listed"] = round(float((listed["sex"] == "M").mean()), 4)
    name_key = listed["given_name_fa"] + "|" + listed["family_name_fa"]
    stats["namesake_share_listed"] = round(float(name_key.duplicated(keep=False).mean()), 4)

    files["truth"] = out / f"{prefix}-truth-SYNTHETIC.csv"
    truth.to_csv(files["truth"], index=False)
    files["people"] = out / f"{prefix}-people-SYNTHETIC.csv"
    people_df.to_csv(files["people"], index=False)
    files["manifest"] = out / f"{prefix}-MANIFEST-SYNTHETIC.json"
    manifest = {
        "synthetic": True,
        "notice": NOTICE,
        "generator": GENERATOR,
        "family": family,
        "family_description": FAMILIES[family],
        "seed": seed,
        "n_people_exist": len(people),
        "n_people_listed": n_listed,
        "mapping_files": None,
        "note": "No mapping files: headers are free-form and must be recognised by the software.",
        "lists": {
            s.name: {
                "file": files[s.name].name,
                "format": s.fmt,
                "encoding": s.encoding
                if s.fmt == "csv"
                else ("utf-8" if s.fmt == "json" else None),
                "kind": s.kind,
                "description": s.description,
                "headers": [h for _, h in s.columns],
                **stats["lists"][s.name],
            }
            for s in specs
        },
        "truth_file": files["truth"].name,
        "people_file": files["people"].name,
        "stats": stats,
    }
    files["manifest"].write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return Scenario(
        family=family,
        seed=seed,
        lists=lists,
        files=files,
        truth=truth,
        people=people_df,
        n_people_exist=len(people),
        n_people_listed=n_listed,
        specs={s.name: s for s in specs},
        stats=stats,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write one SYNTHETIC 'lists in the wild' scenario.")
    ap.add_argument("family", choices=sorted(FAMILIES))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    sc = generate(args.family, seed=args.seed, out_dir=args.out)
    dt = time.perf_counter() - t0
    print(f"SYNTHETIC scenario {sc.family} seed {sc.seed}: {dt:.1f} s")
    print(
        f"people: {sc.n_people_exist} exist, {sc.n_people_listed} listed "
        f"({sc.n_people_listed / sc.n_people_exist:.1%}); male among listed "
        f"{sc.stats['male_share_listed']:.1%}; share of listed people with a namesake "
        f"{sc.stats['namesake_share_listed']:.1%}"
    )
    for name, spec in sc.specs.items():
        st = sc.stats["lists"][name]
        enc = f", {spec.encoding}" if spec.fmt == "csv" else ""
        print(
            f"  {name} [{spec.kind}, {spec.fmt}{enc}] {st['rows']} rows "
            f"({st['within_list_duplicates']} within-list duplicates): {sc.files[name].name}"
        )
        print(f"     headers: {' | '.join(sc.lists[name].columns)}")
    print(f"  truth: {sc.files['truth'].name}; people: {sc.files['people'].name}")
    print(f"  manifest: {sc.files['manifest'].name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
