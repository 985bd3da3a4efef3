"""SYNTHETIC casualty-list generator, written clean-room ("blind").

Written on 2026-12-07 by someone who had not read roshan (none of its code, docs,
simulator, normaliser or linker); it imports nothing from roshan. It was added to
the repository as a third outside generator (beside ``outside.py`` and ``wild.py``),
changed only to pass ``ruff check`` and ``ruff format``: the same seed gives the
same output as the original (apart from XLSX metadata timestamps).

**All data are SYNTHETIC.** It builds a synthetic "true" population of victims
(random combinations of common Iranian given and family names, plus a generated
long tail of root+suffix surnames -- NOT real people) and four lists written in the
house styles of different documenting groups, plus a truth file for scoring:

- ``SYNTHETIC_list1_ngo_fa.xlsx``: Persian NGO spreadsheet (Jalali dates, ZWNJ variants)
- ``SYNTHETIC_list2_diaspora_en.csv``: English diaspora/journalist list, UTF-8
- ``SYNTHETIC_list3_insider_cp1256.csv``: hospital/cemetery insider list, Windows-1256
- ``SYNTHETIC_list4_webform.json``: web-form export (bare array or {"export", "records"})
- ``SYNTHETIC_truth.csv`` (file,row,person_id; row = 1-based data row under the header,
  or 1-based index in the JSON records array), ``SYNTHETIC_population.csv`` and
  ``README_SYNTHETIC.md`` (that seed's styles and error rates).

Run::

    .venv/bin/python bench/robustness/blind_gen.py --seed N --out DIR [--people 2500]
    .venv/bin/python bench/robustness/blind_score.py DIR/SYNTHETIC_truth.csv LINKER.csv

or from Python (with ``bench`` on ``sys.path``)::

    from robustness.blind_gen import generate
    summary, n_listed, n_rows = generate(seed=1, out_dir="/tmp/blind1", people=2500)

``bench/blind_lists.py`` runs these lists through the ``roshan`` command line and
scores the result. Only numpy, pandas, openpyxl, jdatetime and the standard library
are used.
"""

import argparse
import csv
import json
import os
import re
import string
from datetime import date, timedelta

import jdatetime
import numpy as np
import openpyxl
import pandas as pd

ZWNJ = "\u200c"
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
LAT_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")

# ----------------------------------------------------------------------------
# Name tables.  Persian token -> canonical Latin transliteration.
# ----------------------------------------------------------------------------
TOK_LAT = {
    "محمد": "Mohammad",
    "علی": "Ali",
    "حسین": "Hossein",
    "رضا": "Reza",
    "مهدی": "Mahdi",
    "امیر": "Amir",
    "حسن": "Hassan",
    "ابوالفضل": "Abolfazl",
    "سعید": "Saeed",
    "مجید": "Majid",
    "حمید": "Hamid",
    "جواد": "Javad",
    "مصطفی": "Mostafa",
    "مرتضی": "Morteza",
    "یاسین": "Yasin",
    "عرفان": "Erfan",
    "آرین": "Arian",
    "پویا": "Pouya",
    "سینا": "Sina",
    "میلاد": "Milad",
    "بهنام": "Behnam",
    "کیان": "Kian",
    "نیما": "Nima",
    "فرهاد": "Farhad",
    "احمد": "Ahmad",
    "محسن": "Mohsen",
    "عباس": "Abbas",
    "غلام": "Gholam",
    "اکبر": "Akbar",
    "اصغر": "Asghar",
    "ابراهیم": "Ebrahim",
    "یوسف": "Yousef",
    "اسماعیل": "Esmaeil",
    "کامران": "Kamran",
    "بهروز": "Behrouz",
    "داوود": "Davoud",
    "هادی": "Hadi",
    "امید": "Omid",
    "وحید": "Vahid",
    "پیمان": "Peyman",
    "آرمان": "Arman",
    "ماهان": "Mahan",
    "طاها": "Taha",
    "صادق": "Sadegh",
    "کاوه": "Kaveh",
    "شاهین": "Shahin",
    "بهزاد": "Behzad",
    "مسعود": "Masoud",
    "جمال": "Jamal",
    "خلیل": "Khalil",
    "عبدالله": "Abdollah",
    "عبدالرحمن": "Abdolrahman",
    "هیمن": "Hemin",
    "ژیار": "Zhiar",
    "آرش": "Arash",
    "دانیال": "Danial",
    "عمر": "Omar",
    "امین": "Amin",
    "جعفر": "Jafar",
    "قاسم": "Ghasem",
    "کریم": "Karim",
    "منصور": "Mansour",
    "نادر": "Nader",
    "رحیم": "Rahim",
    "خداداد": "Khodadad",
    "نورالله": "Nourollah",
    "اسدالله": "Asadollah",
    "یعقوب": "Yaghoub",
    "موسی": "Mousa",
    "عیسی": "Eisa",
    "ابوبکر": "Abubakr",
    "صلاح": "Salah",
    "شهرام": "Shahram",
    "رامین": "Ramin",
    "سجاد": "Sajjad",
    "مهران": "Mehran",
    "بابک": "Babak",
    "کوروش": "Kourosh",
    "سیاوش": "Siavash",
    "متین": "Matin",
    "ایلیا": "Ilia",
    "آریا": "Aria",
    "فاطمه": "Fatemeh",
    "زهرا": "Zahra",
    "مریم": "Maryam",
    "زینب": "Zeynab",
    "سارا": "Sara",
    "نرگس": "Narges",
    "مهسا": "Mahsa",
    "نگین": "Negin",
    "ستاره": "Setareh",
    "الهام": "Elham",
    "معصومه": "Masoumeh",
    "سمیرا": "Samira",
    "مینا": "Mina",
    "آیدا": "Aida",
    "کوثر": "Kowsar",
    "حدیث": "Hadis",
    "نازنین": "Nazanin",
    "ریحانه": "Reyhaneh",
    "هانیه": "Hanieh",
    "شیرین": "Shirin",
    "پریسا": "Parisa",
    "مهدیه": "Mahdieh",
    "طاهره": "Tahereh",
    "لیلا": "Leila",
    "سحر": "Sahar",
    "نیکا": "Nika",
    "غزاله": "Ghazaleh",
    "خدیجه": "Khadijeh",
    "ژینا": "Zhina",
    "آتنا": "Atena",
    "یلدا": "Yalda",
    "کیمیا": "Kimia",
    "رقیه": "Roghayeh",
    "سکینه": "Sakineh",
}

MALE_GIVEN = [  # roughly in frequency order (Zipf weights applied by rank)
    ("محمد",),
    ("علی",),
    ("حسین",),
    ("محمد", "رضا"),
    ("امیر", "حسین"),
    ("علی", "رضا"),
    ("مهدی",),
    ("ابوالفضل",),
    ("رضا",),
    ("محمد", "حسین"),
    ("امیر", "علی"),
    ("محمد", "مهدی"),
    ("امیر",),
    ("حسن",),
    ("سعید",),
    ("محمد", "جواد"),
    ("مجید",),
    ("یاسین",),
    ("عرفان",),
    ("مصطفی",),
    ("محمد", "امین"),
    ("مرتضی",),
    ("امید",),
    ("حمید",),
    ("میلاد",),
    ("سجاد",),
    ("جواد",),
    ("آرین",),
    ("پویا",),
    ("سینا",),
    ("محمد", "علی"),
    ("علی", "اکبر"),
    ("بهنام",),
    ("کیان",),
    ("نیما",),
    ("فرهاد",),
    ("احمد",),
    ("محسن",),
    ("وحید",),
    ("عباس",),
    ("غلام", "رضا"),
    ("ابراهیم",),
    ("یوسف",),
    ("اسماعیل",),
    ("مهران",),
    ("رامین",),
    ("پیمان",),
    ("آرمان",),
    ("ماهان",),
    ("طاها",),
    ("صادق",),
    ("کاوه",),
    ("شاهین",),
    ("بهزاد",),
    ("مسعود",),
    ("دانیال",),
    ("متین",),
    ("ایلیا",),
    ("آریا",),
    ("آرش",),
    ("بابک",),
    ("سیاوش",),
    ("کوروش",),
    ("شهرام",),
    ("داوود",),
    ("هادی",),
    ("امین",),
    ("جمال",),
    ("خلیل",),
    ("عبدالله",),
    ("عبدالرحمن",),
    ("هیمن",),
    ("ژیار",),
    ("عمر",),
    ("ابوبکر",),
    ("صلاح",),
    ("یعقوب",),
    ("موسی",),
    ("کامران",),
    ("بهروز",),
    ("قاسم",),
    ("جعفر",),
    ("حسن", "رضا"),
    ("محمد", "صادق"),
    ("امیر", "محمد"),
    ("امیر", "رضا"),
    ("محمد", "طاها"),
    ("علی", "اصغر"),
]
FEMALE_GIVEN = [
    ("فاطمه",),
    ("زهرا",),
    ("مریم",),
    ("زینب",),
    ("سارا",),
    ("نرگس",),
    ("مهسا",),
    ("فاطمه", "زهرا"),
    ("نازنین", "زهرا"),
    ("نگین",),
    ("ستاره",),
    ("الهام",),
    ("معصومه",),
    ("سمیرا",),
    ("مینا",),
    ("آیدا",),
    ("کوثر",),
    ("حدیث",),
    ("نازنین",),
    ("ریحانه",),
    ("هانیه",),
    ("شیرین",),
    ("پریسا",),
    ("مهدیه",),
    ("طاهره",),
    ("لیلا",),
    ("سحر",),
    ("نیکا",),
    ("غزاله",),
    ("خدیجه",),
    ("ژینا",),
    ("آتنا",),
    ("یلدا",),
    ("کیمیا",),
    ("رقیه",),
]
FATHER_GIVEN = [  # older generation: more traditional names
    ("علی",),
    ("محمد",),
    ("حسین",),
    ("حسن",),
    ("غلام", "رضا"),
    ("عباس",),
    ("احمد",),
    ("رضا",),
    ("محمود",),
    ("اکبر",),
    ("اصغر",),
    ("محمد", "علی"),
    ("جعفر",),
    ("قاسم",),
    ("ابراهیم",),
    ("اسماعیل",),
    ("کریم",),
    ("منصور",),
    ("نادر",),
    ("رحیم",),
    ("یوسف",),
    ("مجید",),
    ("مهدی",),
    ("محمد", "رضا"),
    ("خداداد",),
    ("نورالله",),
    ("اسدالله",),
    ("یعقوب",),
    ("موسی",),
    ("عیسی",),
    ("مصطفی",),
    ("مرتضی",),
    ("جمال",),
    ("خلیل",),
    ("عبدالله",),
    ("داوود",),
    ("سعید",),
    ("حمید",),
    ("بهروز",),
    ("مسعود",),
    ("صادق",),
    ("هادی",),
    ("عمر",),
    ("صلاح",),
    ("عبدالرحمن",),
    ("علی", "اکبر"),
    ("علی", "اصغر"),
]
TOK_LAT["محمود"] = "Mahmoud"

# family names: (Persian canonical, Latin canonical, region or None)
# region tags: kurd, baluch, north, south, azeri, lor, None = national
FAMILY = [
    ("محمدی", "Mohammadi", None),
    ("حسینی", "Hosseini", None),
    ("احمدی", "Ahmadi", None),
    ("رضایی", "Rezaei", None),
    ("موسوی", "Mousavi", None),
    ("کریمی", "Karimi", None),
    ("رحیمی", "Rahimi", None),
    ("جعفری", "Jafari", None),
    ("حیدری", "Heidari", None),
    ("صادقی", "Sadeghi", None),
    ("کاظمی", "Kazemi", None),
    ("هاشمی", "Hashemi", None),
    ("قاسمی", "Ghasemi", None),
    ("نوری", "Nouri", None),
    ("مرادی", "Moradi", None),
    ("عباسی", "Abbasi", None),
    ("ملکی", "Maleki", None),
    ("یوسفی", "Yousefi", None),
    ("اکبری", "Akbari", None),
    ("بهرامی", "Bahrami", None),
    ("سلیمانی", "Soleimani", None),
    ("امیری", "Amiri", None),
    ("نجفی", "Najafi", None),
    ("طاهری", "Taheri", None),
    ("عزیزی", "Azizi", None),
    ("خسروی", "Khosravi", None),
    ("زارعی", "Zarei", "south"),
    ("شریفی", "Sharifi", None),
    ("قربانی", "Ghorbani", None),
    ("فرهادی", "Farhadi", None),
    ("نظری", "Nazari", None),
    ("کرمی", "Karami", None),
    ("محمدزاده", "Mohammadzadeh", "azeri"),
    ("حسن" + ZWNJ + "زاده", "Hassanzadeh", "azeri"),
    ("علیزاده", "Alizadeh", "azeri"),
    ("قلی" + ZWNJ + "پور", "Gholipour", "north"),
    ("رستمی", "Rostami", "lor"),
    ("خلیلی", "Khalili", None),
    ("میرزایی", "Mirzaei", None),
    ("باقری", "Bagheri", None),
    ("اسدی", "Asadi", None),
    ("فتحی", "Fathi", None),
    ("توکلی", "Tavakoli", None),
    ("ملک" + ZWNJ + "زاده", "Malekzadeh", None),
    ("شاه" + ZWNJ + "حسینی", "Shahhosseini", None),
    ("زاهدی", "Zahedi", None),
    ("مولایی", "Molaei", None),
    ("دلاوری", "Delavari", "lor"),
    ("احمدزاده", "Ahmadzadeh", "azeri"),
    ("عبداللهی", "Abdollahi", None),
    ("آقایی", "Aghaei", None),
    ("خانی", "Khani", None),
    ("بابایی", "Babaei", None),
    ("فلاحی", "Fallahi", "north"),
    ("اسماعیلی", "Esmaeili", None),
    ("جهانگیری", "Jahangiri", None),
    ("قادری", "Ghaderi", "kurd"),
    ("ویسی", "Veisi", "kurd"),
    ("رسولی", "Rasouli", "kurd"),
    ("امینی", "Amini", "kurd"),
    ("فتاحی", "Fattahi", "kurd"),
    ("محمدپور", "Mohammadpour", "kurd"),
    ("سلطانی", "Soltani", None),
    ("پناهی", "Panahi", "kurd"),
    ("شیخی", "Sheikhi", "kurd"),
    ("ریگی", "Rigi", "baluch"),
    ("شه" + ZWNJ + "بخش", "Shahbakhsh", "baluch"),
    ("بلوچ", "Baluch", "baluch"),
    ("نارویی", "Narouei", "baluch"),
    ("براهویی", "Brahouei", "baluch"),
    ("گمشادزهی", "Gamshadzehi", "baluch"),
    ("دهواری", "Dehvari", "baluch"),
    ("شهنوازی", "Shahnavazi", "baluch"),
    ("پورعلی", "Pourali", "north"),
    ("رحمتی", "Rahmati", "north"),
    ("گیلانی", "Gilani", "north"),
    ("کیانی", "Kiani", None),
    ("نیک" + ZWNJ + "پور", "Nikpour", None),
    ("صفری", "Safari", None),
    ("بیگی", "Beigi", "lor"),
    ("کاکاوند", "Kakavand", "lor"),
    ("بیرانوند", "Beiranvand", "lor"),
    ("چگینی", "Chegini", None),
    ("ابراهیمی", "Ebrahimi", None),
    ("حسن" + ZWNJ + "پور", "Hassanpour", "north"),
    ("خدادادی", "Khodadadi", None),
    ("غلامی", "Gholami", None),
    ("شجاعی", "Shojaei", None),
    ("افشار", "Afshar", "azeri"),
    ("نصیری", "Nasiri", None),
    ("عسگری", "Asgari", None),
    ("منصوری", "Mansouri", "south"),
    ("کعبی", "Kaabi", "south"),
    ("چنانی", "Chanani", "south"),
    ("ساکی", "Saki", "south"),
    ("دهقان", "Dehghan", None),
    ("زندی", "Zandi", "lor"),
    ("یزدانی", "Yazdani", None),
    ("طالبی", "Talebi", None),
    ("کاظم" + ZWNJ + "پور", "Kazempour", None),
]
N_HEAD_FAMILY = len(FAMILY)


def _build_tail_families():
    """Long tail of plausible surnames: root + suffix, and place-based names."""
    roots = [
        ("محمد", "Mohammad"),
        ("علی", "Ali"),
        ("حسن", "Hassan"),
        ("حسین", "Hossein"),
        ("رضا", "Reza"),
        ("کریم", "Karim"),
        ("رحیم", "Rahim"),
        ("جعفر", "Jafar"),
        ("قاسم", "Ghasem"),
        ("عباس", "Abbas"),
        ("اکبر", "Akbar"),
        ("احمد", "Ahmad"),
        ("محمود", "Mahmoud"),
        ("یوسف", "Yousef"),
        ("ابراهیم", "Ebrahim"),
        ("کاظم", "Kazem"),
        ("تقی", "Taghi"),
        ("نقی", "Naghi"),
        ("امیر", "Amir"),
        ("سلطان", "Soltan"),
        ("ملک", "Malek"),
        ("نیک", "Nik"),
        ("شاه", "Shah"),
        ("میر", "Mir"),
        ("قلی", "Gholi"),
        ("باقر", "Bagher"),
        ("صادق", "Sadegh"),
        ("نصر", "Nasr"),
        ("فرج", "Faraj"),
        ("حاجی", "Haji"),
        ("آقا", "Agha"),
        ("بابا", "Baba"),
        ("اسد", "Asad"),
        ("نور", "Nour"),
        ("کمال", "Kamal"),
        ("جمال", "Jamal"),
        ("عزیز", "Aziz"),
        ("رستم", "Rostam"),
        ("بهرام", "Bahram"),
        ("ایزد", "Izad"),
        ("یزدان", "Yazdan"),
        ("زمان", "Zaman"),
        ("نادر", "Nader"),
        ("فتح", "Fath"),
        ("حبیب", "Habib"),
        ("شریف", "Sharif"),
        ("مراد", "Morad"),
        ("خلیل", "Khalil"),
        ("صفر", "Safar"),
        ("رمضان", "Ramezan"),
        ("غفار", "Ghaffar"),
    ]
    sufs = [
        ("زاده", "zadeh", None),
        ("پور", "pour", None),
        ("نژاد", "nejad", None),
        ("ی", "i", None),
        ("وند", "vand", "lor"),
        ("لو", "lou", "azeri"),
        ("فر", "far", None),
        ("یان", "ian", None),
        ("خانی", "khani", None),
        ("آبادی", "abadi", None),
    ]
    nonjoin = set("اآدذرزژو")
    out = []
    for rf, rl in roots:
        for sf, sl, reg in sufs:
            if sf in ("ی", "یان") and rf[-1] in "ایه":
                continue
            sep = "" if (sf in ("ی", "یان") or rf[-1] in nonjoin) else ZWNJ
            if sf == "آبادی":
                sep = ""
            out.append((rf + sep + sf, rl + sl, reg))
    places = [
        ("تهرانی", "Tehrani"),
        ("شیرازی", "Shirazi"),
        ("اصفهانی", "Esfahani"),
        ("تبریزی", "Tabrizi"),
        ("کاشانی", "Kashani"),
        ("رشتی", "Rashti"),
        ("کرمانی", "Kermani"),
        ("یزدی", "Yazdi"),
        ("قزوینی", "Ghazvini"),
        ("همدانی", "Hamedani"),
        ("لاهیجی", "Lahiji"),
        ("زنجانی", "Zanjani"),
        ("اردبیلی", "Ardabili"),
        ("مازندرانی", "Mazandarani"),
        ("خراسانی", "Khorasani"),
    ]
    out += [(f, lat, None) for f, lat in places]
    seen = {f[0] for f in FAMILY}
    res = []
    for f in out:
        if f[0] not in seen and f[0].replace(ZWNJ, "") not in seen:
            seen.add(f[0])
            res.append(f)
    return res


FAMILY = FAMILY + _build_tail_families()
SEYED_FAMILIES = {
    "میرزایی",
    "حسینی",
    "موسوی",
    "هاشمی",
    "کاظمی",
    "شاه" + ZWNJ + "حسینی",
    "طاهری",
    "نوری",
}

# cities: province_fa, province_en, city_fa, [city_en variants], weight, region
CITIES = [
    ("تهران", "Tehran", "تهران", ["Tehran", "Teheran"], 30, None),
    ("البرز", "Alborz", "کرج", ["Karaj"], 9, None),
    ("گیلان", "Gilan", "رشت", ["Rasht"], 8, "north"),
    ("گیلان", "Gilan", "لاهیجان", ["Lahijan"], 2, "north"),
    ("سیستان و بلوچستان", "Sistan and Baluchestan", "زاهدان", ["Zahedan"], 7, "baluch"),
    ("سیستان و بلوچستان", "Sistan and Baluchestan", "ایرانشهر", ["Iranshahr"], 2, "baluch"),
    ("سیستان و بلوچستان", "Sistan and Baluchestan", "سراوان", ["Saravan"], 1.5, "baluch"),
    ("کرمانشاه", "Kermanshah", "کرمانشاه", ["Kermanshah", "Kermanshāh"], 7, "kurd"),
    ("کرمانشاه", "Kermanshah", "جوانرود", ["Javanrud", "Javanroud"], 2.5, "kurd"),
    ("خراسان رضوی", "Razavi Khorasan", "مشهد", ["Mashhad", "Mashad"], 7, None),
    ("خراسان رضوی", "Razavi Khorasan", "نیشابور", ["Nishapur", "Neyshabur"], 1.5, None),
    ("اصفهان", "Isfahan", "اصفهان", ["Esfahan", "Isfahan"], 6, None),
    ("اصفهان", "Isfahan", "نجف" + ZWNJ + "آباد", ["Najafabad", "Najaf Abad"], 2, None),
    ("اصفهان", "Isfahan", "فولادشهر", ["Fuladshahr", "Fouladshahr"], 1.5, None),
    ("فارس", "Fars", "شیراز", ["Shiraz"], 5, "south"),
    ("فارس", "Fars", "مرودشت", ["Marvdasht"], 1.5, "south"),
    ("آذربایجان شرقی", "East Azerbaijan", "تبریز", ["Tabriz"], 4, "azeri"),
    ("خوزستان", "Khuzestan", "اهواز", ["Ahvaz", "Ahwaz"], 4, "south"),
    ("خوزستان", "Khuzestan", "ایذه", ["Izeh"], 2.5, "lor"),
    ("خوزستان", "Khuzestan", "دزفول", ["Dezful", "Dezfoul"], 1.5, "south"),
    ("کردستان", "Kurdistan", "سنندج", ["Sanandaj"], 4, "kurd"),
    ("کردستان", "Kurdistan", "سقز", ["Saqqez", "Saghez"], 2, "kurd"),
    ("کردستان", "Kurdistan", "دیواندره", ["Divandarreh"], 1, "kurd"),
    ("آذربایجان غربی", "West Azerbaijan", "ارومیه", ["Urmia", "Orumiyeh"], 2.5, "azeri"),
    ("آذربایجان غربی", "West Azerbaijan", "بوکان", ["Bukan", "Boukan"], 2, "kurd"),
    ("آذربایجان غربی", "West Azerbaijan", "مهاباد", ["Mahabad"], 2, "kurd"),
    ("آذربایجان غربی", "West Azerbaijan", "پیرانشهر", ["Piranshahr"], 1.5, "kurd"),
    ("ایلام", "Ilam", "ایلام", ["Ilam"], 1.5, "kurd"),
    ("ایلام", "Ilam", "آبدانان", ["Abdanan"], 1.5, "lor"),
    ("ایلام", "Ilam", "ملکشاهی", ["Malekshahi"], 1.5, "kurd"),
    ("لرستان", "Lorestan", "خرم" + ZWNJ + "آباد", ["Khorramabad", "Khoramabad"], 2.5, "lor"),
    ("لرستان", "Lorestan", "ازنا", ["Azna"], 1.5, "lor"),
    ("چهارمحال و بختیاری", "Chaharmahal and Bakhtiari", "لردگان", ["Lordegan"], 1.5, "lor"),
    ("مرکزی", "Markazi", "اراک", ["Arak"], 2, None),
    ("قزوین", "Qazvin", "قزوین", ["Qazvin", "Ghazvin"], 2, None),
    ("همدان", "Hamadan", "همدان", ["Hamedan", "Hamadan"], 2, None),
    ("قم", "Qom", "قم", ["Qom", "Ghom"], 1.5, None),
    ("مازندران", "Mazandaran", "بابل", ["Babol"], 2, "north"),
    ("مازندران", "Mazandaran", "آمل", ["Amol"], 1.5, "north"),
    ("مازندران", "Mazandaran", "ساری", ["Sari"], 1.5, "north"),
    ("گلستان", "Golestan", "گرگان", ["Gorgan"], 1.5, "north"),
    ("یزد", "Yazd", "یزد", ["Yazd"], 1, None),
    ("کرمان", "Kerman", "کرمان", ["Kerman"], 1.5, None),
    ("هرمزگان", "Hormozgan", "بندرعباس", ["Bandar Abbas", "Bandar-e Abbas"], 1.5, "south"),
    ("اردبیل", "Ardabil", "اردبیل", ["Ardabil"], 1, "azeri"),
    ("زنجان", "Zanjan", "زنجان", ["Zanjan"], 1, "azeri"),
]
PERIPHERY_PROV = {"کردستان", "کرمانشاه", "آذربایجان غربی", "ایلام", "سیستان و بلوچستان"}
BIG_PROV = {"تهران", "البرز", "اصفهان", "فارس", "خراسان رضوی"}

STREETS = {  # (fa, en)
    "تهران": [
        ("خیابان ستارخان", "Sattarkhan St."),
        ("نارمک", "Narmak"),
        ("تهرانپارس", "Tehranpars"),
        ("صادقیه", "Sadeghiyeh"),
        ("اکباتان", "Ekbatan"),
        ("نازی" + ZWNJ + "آباد", "Naziabad"),
        ("میدان انقلاب", "Enghelab Sq."),
        ("خیابان آزادی", "Azadi St."),
        ("پیروزی", "Piroozi"),
        ("شهرک غرب", "Shahrak-e Gharb"),
        ("جنت" + ZWNJ + "آباد", "Jannatabad"),
    ],
    "کرج": [("گوهردشت", "Gohardasht"), ("فردیس", "Fardis"), ("مهرشهر", "Mehrshahr")],
    "رشت": [("میدان شهرداری", "Shahrdari Sq."), ("گلسار", "Golsar")],
    "زاهدان": [("مصلی", "Mosalla"), ("شیرآباد", "Shirabad")],
    "مشهد": [("احمدآباد", "Ahmadabad"), ("قاسم" + ZWNJ + "آباد", "Ghasemabad")],
    "اصفهان": [("خیابان چهارباغ", "Chaharbagh St."), ("خمینی" + ZWNJ + "شهر", "Khomeinishahr")],
    "کرمانشاه": [("فرهنگیان", "Farhangian"), ("میدان آزادی", "Azadi Sq.")],
}
GENERIC_STREETS = [
    ("خیابان امام", "Imam St."),
    ("میدان شهدا", "Shohada Sq."),
    ("بلوار کشاورز", "Keshavarz Blvd."),
    ("میدان مرکزی شهر", "city centre"),
]

JMONTHS = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
]
JWEEKDAYS = ["شنبه", "یکشنبه", "دوشنبه", "سه" + ZWNJ + "شنبه", "چهارشنبه", "پنجشنبه", "جمعه"]
GMONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

START = date(2025, 12, 28)
END = date(2026, 1, 31)

SIMILAR_FA = [
    ("ح", "خ"),
    ("ح", "ج"),
    ("خ", "ج"),
    ("س", "ص"),
    ("س", "ث"),
    ("ص", "ث"),
    ("ز", "ذ"),
    ("ز", "ظ"),
    ("ذ", "ظ"),
    ("ت", "ط"),
    ("ه", "ح"),
    ("ر", "ز"),
    ("ب", "پ"),
    ("ک", "گ"),
    ("د", "ذ"),
]


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------
class R:
    """Thin wrapper around numpy Generator with convenience methods."""

    def __init__(self, seed):
        self.g = np.random.default_rng(seed)

    def u(self):
        return float(self.g.random())

    def p(self, prob):
        return self.g.random() < prob

    def choice(self, seq, w=None):
        if w is None:
            return seq[int(self.g.integers(len(seq)))]
        w = np.asarray(w, dtype=float)
        return seq[int(self.g.choice(len(seq), p=w / w.sum()))]

    def randint(self, a, b):  # inclusive
        return int(self.g.integers(a, b + 1))

    def unif(self, a, b):
        return float(self.g.uniform(a, b))


def zipf_weights(n, s):
    return np.array([1.0 / (r + 1) ** s for r in range(n)])


def fa_join(tokens, sep):
    return sep.join(tokens)


def jalali(d):
    return jdatetime.date.fromgregorian(date=d)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# ----------------------------------------------------------------------------
# Latin transliteration variation
# ----------------------------------------------------------------------------
WORD_VARIANTS = {
    "mohammad": ["mohammad", "mohammed", "muhammad", "mohamad", "mohamed", "mohammad"],
    "hossein": ["hossein", "hosein", "hussein", "husain", "hossain", "hosseyn"],
    "hosseini": ["hosseini", "hoseini", "husseini", "husaini", "hosseiny"],
    "hassan": ["hassan", "hasan"],
    "reza": ["reza", "reza", "rezā"],
    "zahra": ["zahra", "zahra", "zahrā"],
    "mahdi": ["mahdi", "mehdi", "mehdy"],
    "saeed": ["saeed", "saeid", "said", "saied"],
    "yasin": ["yasin", "yassin", "yaseen"],
    "abolfazl": ["abolfazl", "abulfazl", "abolfazel", "abol-fazl"],
    "esmaeil": ["esmaeil", "esmail", "ismail", "esmaeel"],
    "ebrahim": ["ebrahim", "ibrahim"],
    "mostafa": ["mostafa", "mustafa", "mostapha"],
    "morteza": ["morteza", "murtaza", "mortaza"],
    "fatemeh": ["fatemeh", "fatima", "fatemeh", "fateme", "fatemah"],
    "zeynab": ["zeynab", "zainab", "zeinab"],
    "jafar": ["jafar", "jaafar", "ja'far"],
    "abbas": ["abbas", "abbās", "abas"],
    "abdollah": ["abdollah", "abdullah", "abdolah"],
    "abdolrahman": ["abdolrahman", "abdulrahman", "abdorrahman", "abdul-rahman"],
    "masoumeh": ["masoumeh", "masoomeh", "masumeh", "masoume"],
    "reyhaneh": ["reyhaneh", "reihaneh", "reyhane"],
    "ali": ["ali", "ali", "aly"],
    "amir": ["amir", "amir", "ameer"],
    "yousef": ["yousef", "yusuf", "yousof", "yusef"],
    "kowsar": ["kowsar", "kosar", "kausar"],
    "sajjad": ["sajjad", "sajad"],
    "taha": ["taha", "tahā"],
}

GENERIC_RULES = [  # (pattern, replacements) applied with probability scheme[name]
    ("kh", ["x", "kh"], "kh"),
    ("gh", ["q", "gh"], "gh"),
    ("ou", ["u", "oo"], "ou"),
    ("ei$", ["ee", "i", "ie", "yi"], "ei"),
    ("i$", ["ee", "y"], "ifinal"),
    ("zadeh$", ["zade", "-zadeh", " Zadeh"], "zadeh"),
    ("eh$", ["e", "ah"], "eh"),
    ("j", ["dj"], "dj"),
    ("v", ["w"], "vw"),
]


def cap_like(s):
    out = []
    for part in s.split(" "):
        out.append("-".join(p[:1].upper() + p[1:] for p in part.split("-")))
    return " ".join(out)


def latin_word(word, scheme, r):
    """Vary one canonical Latin word according to a transliteration scheme."""
    w = word.lower()
    if w in WORD_VARIANTS and r.p(scheme["word"]):
        w = r.choice(WORD_VARIANTS[w])
    else:
        # embedded morphemes
        for k in ("mohammad", "hossein", "hassan", "gholam", "abdol", "abol"):
            if k in w and w != k and r.p(scheme["word"]):
                rep = {
                    "mohammad": ["mohamad", "mohammed", "muhammad"],
                    "hossein": ["hosein", "hussein", "husain"],
                    "hassan": ["hasan"],
                    "gholam": ["golam", "qolam", "gholām"],
                    "abdol": ["abdul", "abd-ol"],
                    "abol": ["abul"],
                }[k]
                w = w.replace(k, r.choice(rep), 1)
    for pat, reps, key in GENERIC_RULES:
        if scheme.get(key, 0) > 0 and re.search(pat, w) and r.p(scheme[key]):
            w = re.sub(pat, r.choice(reps), w, count=1)
    if r.p(scheme.get("macron", 0)):
        # a long vowel with macron (Rezā, Zahrā style)
        if w.endswith("a") and len(w) > 2:  # Rezā, Zahrā, Tahā ...
            w = w[:-1] + "ā"
    return cap_like(w)


def latin_given(tokens, scheme, r):
    parts = [latin_word(TOK_LAT[t], scheme, r) for t in tokens]
    if len(parts) == 1:
        return parts[0]
    style = r.choice(["joined", "hyphen", "space", "camel"], scheme["compound_w"])
    if style == "joined":
        return parts[0] + parts[1].lower()
    if style == "hyphen":
        return parts[0] + "-" + parts[1]
    if style == "space":
        return parts[0] + " " + parts[1]
    return parts[0] + parts[1]


def latin_family(fam_lat, scheme, r):
    return latin_word(fam_lat, scheme, r)


def latin_title(sex, r):
    if sex == "M":
        return r.choice(["Seyed", "Seyyed", "Sayyed", "Sayed", "Seyed", "S."], [4, 2, 1, 1, 3, 0.5])
    return r.choice(["Seyedeh", "Seyyedeh", "Sayyedeh", "Seyede"], [4, 2, 1, 1])


# ----------------------------------------------------------------------------
# Persian rendering variation
# ----------------------------------------------------------------------------
def fa_variants(s, st, r):
    """Apply orthographic variation to a Persian string per style dict st."""
    if ZWNJ in s:
        c = r.choice(["zwnj", "space", "none"], st["zwnj_w"])
        s = s.replace(ZWNJ, {"zwnj": ZWNJ, "space": " ", "none": ""}[c])
    if "ایی" in s and r.p(st.get("hamza", 0.25)):
        s = s.replace("ایی", "ائی")
    if s.startswith("آ") and r.p(st.get("madda", 0.05)):
        s = "ا" + s[1:]
    if r.p(st.get("arabic", 0)):
        s = s.replace("ی", "ي").replace("ک", "ك")
    return s


NONJOIN = set("اآدذرزژو")
JOINED_OK = {("علی", "رضا")}


def fa_canonical(tokens):
    """Canonical Persian spelling of a (possibly compound) given name."""
    if len(tokens) == 1:
        return tokens[0]
    if tokens[0][-1] in NONJOIN or tuple(tokens) in JOINED_OK:
        return "".join(tokens)
    return ZWNJ.join(tokens)


def fa_given(tokens, st, r):
    if len(tokens) == 1:
        return tokens[0]
    w = list(st["compound_w"])
    if tokens[0][-1] not in NONJOIN and tuple(tokens) not in JOINED_OK:
        w[0] *= 0.1  # writing e.g. علی+اصغر glued together is rare
    sep = r.choice(["", ZWNJ, " "], w)
    return sep.join(tokens)


def fa_title(sex):
    return "سید" if sex == "M" else "سیده"


def fa_typo(s, r):
    """One transcription typo between visually/phonetically similar letters."""
    letters = [i for i, c in enumerate(s) if any(c in pair for pair in SIMILAR_FA)]
    if not letters:
        return s
    i = r.choice(letters)
    c = s[i]
    opts = [b if a == c else a for a, b in SIMILAR_FA if c in (a, b)]
    return s[:i] + r.choice(opts) + s[i + 1 :]


def lat_typo(s, r):
    if len(s) < 4:
        return s
    i = r.randint(1, len(s) - 2)
    op = r.choice(["swap", "drop", "double"])
    if op == "swap" and s[i].isalpha() and s[i + 1].isalpha():
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    if op == "drop" and s[i].isalpha():
        return s[:i] + s[i + 1 :]
    if s[i].isalpha():
        return s[:i] + s[i] + s[i:]
    return s


# ----------------------------------------------------------------------------
# Dates and ages
# ----------------------------------------------------------------------------
def fa_date(d, r, st):
    j = jalali(d)
    f = r.choice(
        ["slash", "slash_nopad", "dmy_text", "d_month", "d_mah", "weekday", "dash"], st["date_w"]
    )
    if f == "slash":
        s = f"{j.year}/{j.month:02d}/{j.day:02d}"
    elif f == "slash_nopad":
        s = f"{j.year}/{j.month}/{j.day}"
    elif f == "dash":
        s = f"{j.year}-{j.month:02d}-{j.day:02d}"
    elif f == "dmy_text":
        s = f"{j.day} {JMONTHS[j.month - 1]} {j.year}"
    elif f == "d_month":
        s = f"{j.day} {JMONTHS[j.month - 1]}"
    elif f == "d_mah":
        s = f"{j.day} {JMONTHS[j.month - 1]}{r.choice([ZWNJ, '', ' '])}ماه" + (
            f" {j.year}" if r.p(0.3) else ""
        )
    else:
        s = f"{JWEEKDAYS[j.weekday()]} {j.day} {JMONTHS[j.month - 1]}"
    if r.p(st["fa_digits"]):
        s = s.translate(FA_DIGITS)
    return s


def en_date(d, r, st):
    f = r.choice(
        ["mdy_text", "dmy_slash", "iso", "d_month", "month_d", "d_mon_y", "us_slash", "night"],
        st["date_w"],
    )
    if f == "mdy_text":
        return f"{GMONTHS[d.month - 1][:3]} {d.day}, {d.year}"
    if f == "dmy_slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if f == "iso":
        return d.isoformat()
    if f == "d_month":
        return f"{d.day} {GMONTHS[d.month - 1]}"
    if f == "month_d":
        return f"{GMONTHS[d.month - 1]} {d.day}"
    if f == "d_mon_y":
        return f"{d.day} {GMONTHS[d.month - 1][:3]} {d.year}"
    if f == "us_slash":
        return f"{d.month}/{d.day}/{d.year}"
    p = d - timedelta(days=1)
    if p.month == d.month:
        return f"night of {GMONTHS[d.month - 1][:3]} {p.day}-{d.day}"
    return f"night of {GMONTHS[p.month - 1][:3]} {p.day}-{GMONTHS[d.month - 1][:3]} {d.day}"


def en_age(a, r, st):
    if a is None:
        return r.choice(["", "", "", "unknown", "n/a"])
    f = r.choice(["plain", "decade", "minor", "approx"], st["age_w"])
    if a < 18 and (f == "minor" or r.p(0.4)):
        return r.choice([f"{a} (minor)", f"{a} (child)", f"{a}, minor"], [4, 1, 1])
    if f == "decade" and a >= 20:
        dec = (a // 10) * 10
        k = a % 10
        if r.p(0.3):
            return f"{dec}s"
        pos = "early" if k <= 3 else ("mid" if k <= 6 else "late")
        return f"{pos}-{dec}s"
    if f == "approx":
        return f"~{int(round(a / 5.0) * 5)}"
    return str(a)


def fa_age(a, r, st):
    if a is None:
        return r.choice(["", "", "", "نامعلوم", "؟"])
    f = r.choice(["int", "str", "saleh", "hodud", "child"], st["age_w"])
    if f == "int":
        return a
    if f == "child" and a < 18:
        s = f"{a} (کودک)" if r.p(0.5) else f"{a} ساله - نوجوان"
    elif f == "hodud":
        s = f"حدود {int(round(a / 5.0) * 5)}" if r.p(0.6) else f"حدود {a}"
    elif f == "saleh":
        s = f"{a} ساله"
    else:
        s = str(a)
    if r.p(st["fa_digits"]):
        s = s.translate(FA_DIGITS)
    return s


# ----------------------------------------------------------------------------
# Population
# ----------------------------------------------------------------------------
def make_population(n, r):
    zs = r.unif(0.6, 0.85)
    mw = zipf_weights(len(MALE_GIVEN), zs)
    fw = zipf_weights(len(FEMALE_GIVEN), zs)
    pw = zipf_weights(len(FATHER_GIVEN), zs * 0.9)
    # surnames: Zipf head of common names + long flat tail (a random subset per seed)
    head = zipf_weights(N_HEAD_FAMILY, r.unif(0.5, 0.7))
    head = head / head.sum() * r.unif(0.4, 0.55)
    ntail = len(FAMILY) - N_HEAD_FAMILY
    tail = zipf_weights(ntail, 0.3)[r.g.permutation(ntail)] * (
        r.g.random(ntail) < r.unif(0.6, 0.85)
    )
    tail = tail / tail.sum() * (1 - head.sum())
    famw = np.concatenate([head, tail])
    reg_idx = {}
    for i, f in enumerate(FAMILY):
        if f[2]:
            reg_idx.setdefault(f[2], []).append(i)
    cw = np.array([c[4] for c in CITIES], dtype=float)
    # death dates: strong peak around 8-10 January
    days = (END - START).days + 1
    dw = np.full(days, 0.6)
    for k in range(days):
        dd = START + timedelta(days=k)
        if date(2025, 12, 30) <= dd <= date(2026, 1, 4):
            dw[k] = 1.6
        if dd == date(2026, 1, 7):
            dw[k] = 5
        if dd == date(2026, 1, 8):
            dw[k] = 22
        if dd == date(2026, 1, 9):
            dw[k] = 26
        if dd == date(2026, 1, 10):
            dw[k] = 15
        if dd == date(2026, 1, 11):
            dw[k] = 5
        if dd == date(2026, 1, 12):
            dw[k] = 2.5
    people = []
    for i in range(n):
        sex = "M" if r.p(0.87) else "F"
        ci = int(r.g.choice(len(CITIES), p=cw / cw.sum()))
        city = CITIES[ci]
        if sex == "M":
            given = MALE_GIVEN[int(r.g.choice(len(MALE_GIVEN), p=mw / mw.sum()))]
        else:
            given = FEMALE_GIVEN[int(r.g.choice(len(FEMALE_GIVEN), p=fw / fw.sum()))]
        region = city[5]
        if region in reg_idx and r.p(0.55):
            idxs = reg_idx[region]
            w = famw[idxs]
            fi = idxs[int(r.g.choice(len(idxs), p=w / w.sum()))]
        else:
            fi = int(r.g.choice(len(FAMILY), p=famw / famw.sum()))
        fam = FAMILY[fi]
        father = FATHER_GIVEN[int(r.g.choice(len(FATHER_GIVEN), p=pw / pw.sum()))]
        seyed = r.p(0.45 if (fam[0] in SEYED_FAMILIES or fam[0].startswith("میر")) else 0.04)
        u = r.u()
        if u < 0.10:
            age = r.randint(11, 17)
        elif u < 0.80:
            age = int(np.clip(round(r.g.normal(25, 5.5)), 18, 40))
        else:
            age = r.randint(36, 72)
        k = int(r.g.choice(days, p=dw / dw.sum()))
        people.append(
            dict(
                person_id=f"P{i + 1:05d}",
                sex=sex,
                given=given,
                family_i=fi,
                father=father,
                seyed=seyed,
                age=age,
                dod=START + timedelta(days=k),
                city_i=ci,
                kind="normal",
                link="",
            )
        )
    # namesake pairs: same given+family, same city, same week, different people
    n_ns = r.randint(5, 12)
    targets = r.g.choice(n, size=2 * n_ns + 2 * 6, replace=False)
    ti = 0
    for _ in range(n_ns):
        a = people[targets[ti]]
        b = people[targets[ti + 1]]
        ti += 2
        b.update(
            sex=a["sex"],
            given=a["given"],
            family_i=a["family_i"],
            city_i=a["city_i"],
            seyed=a["seyed"] if r.p(0.7) else (not a["seyed"]),
            dod=a["dod"] + timedelta(days=r.randint(-3, 3)),
            kind="namesake",
            link=a["person_id"],
        )
        if b["father"] == a["father"] and r.p(0.8):
            b["father"] = FATHER_GIVEN[r.randint(0, len(FATHER_GIVEN) - 1)]
        if abs(b["age"] - a["age"]) < 2 and r.p(0.5):
            b["age"] = a["age"] + r.choice([-9, -6, 5, 8, 12])
            b["age"] = max(12, b["age"])
        a["kind"] = "namesake"
        a["link"] = b["person_id"]
        b["dod"] = min(max(b["dod"], START), END)
    # siblings killed together: same family, same father, same city, same/adjacent day
    n_sib = r.randint(3, 6)
    for _ in range(n_sib):
        a = people[targets[ti]]
        b = people[targets[ti + 1]]
        ti += 2
        b.update(
            family_i=a["family_i"],
            father=a["father"],
            city_i=a["city_i"],
            seyed=a["seyed"],
            dod=a["dod"] + timedelta(days=r.choice([0, 0, 0, 1])),
            kind="sibling",
            link=a["person_id"],
        )
        if b["given"] == a["given"]:
            b["given"] = (
                MALE_GIVEN[r.randint(0, 30)] if b["sex"] == "M" else FEMALE_GIVEN[r.randint(0, 15)]
            )
        b["age"] = max(10, a["age"] + r.choice([-7, -4, -2, 2, 3, 5, 9]))
        b["dod"] = min(b["dod"], END)
        a["kind"] = "sibling"
        a["link"] = b["person_id"]
    return people


def person_facts(p):
    fam = FAMILY[p["family_i"]]
    city = CITIES[p["city_i"]]
    return fam, city


# ----------------------------------------------------------------------------
# Capture model
# ----------------------------------------------------------------------------
def capture(people, r):
    n = len(people)
    z = r.g.normal(0, 1, n)  # shared latent "visibility"
    for i, p in enumerate(people):
        if p["kind"] != "normal":
            z[i] += 1.0  # make sure hard cases actually appear in lists
        p["visibility"] = float(z[i])
    prov = [CITIES[p["city_i"]][0] for p in people]
    age = np.array([p["age"] for p in people])
    female = np.array([p["sex"] == "F" for p in people])
    # hospital/cemetery insider: a few provinces only
    provs = sorted(set(c[0] for c in CITIES))
    hosp_provs = set(
        [r.choice(["تهران", "البرز"])]
        + list(str(x) for x in r.g.choice(provs, size=r.randint(1, 3), replace=False))
    )
    eff = {
        "ngo": np.array([0.9 if pv in PERIPHERY_PROV else 0.0 for pv in prov]),
        "en": np.array(
            [0.6 if pv in BIG_PROV else (-0.2 if pv in PERIPHERY_PROV else 0.0) for pv in prov]
        )
        + 0.6 * (age < 18)
        + 0.5 * female,
        "hosp": np.array([2.2 if pv in hosp_provs else -2.8 for pv in prov]),
        "web": np.array([0.6 if pv in ("تهران", "گیلان", "البرز") else 0.0 for pv in prov])
        + 0.3 * (age < 30),
    }
    targets = {
        "ngo": r.unif(0.40, 0.60),
        "en": r.unif(0.25, 0.45),
        "hosp": r.unif(0.18, 0.32),
        "web": r.unif(0.25, 0.42),
    }
    slopes = {
        "ngo": r.unif(0.9, 1.5),
        "en": r.unif(1.3, 2.0),
        "hosp": r.unif(0.3, 0.7),
        "web": r.unif(0.8, 1.4),
    }
    inc = {}
    for L in targets:
        lo, hi = -12.0, 12.0
        for _ in range(60):
            mid = (lo + hi) / 2
            m = sigmoid(mid + slopes[L] * z + eff[L]).mean()
            lo, hi = (mid, hi) if m < targets[L] else (lo, mid)
        pr = sigmoid(lo + slopes[L] * z + eff[L])
        inc[L] = r.g.random(n) < pr
    return inc, hosp_provs, targets


# ----------------------------------------------------------------------------
# Observation noise shared by lists copying each other ("public report")
# ----------------------------------------------------------------------------
def perturb_facts(p, r, rates, base=None):
    """Return the observed (noisy) facts for one record."""
    b = base or p
    o = dict(age=b["age"], dod=b["dod"], father=b["father"])
    if base is None:
        if r.p(rates["age_err"]):
            o["age"] = max(8, o["age"] + r.choice([-2, -1, -1, 1, 1, 2]))
        if r.p(rates["date_err"]):
            o["dod"] = o["dod"] + timedelta(days=r.choice([-3, -2, -1, -1, 1, 1, 2, 3]))
    if r.p(rates["age_miss"]):
        o["age"] = None
    if r.p(rates["father_miss"]):
        o["father"] = None
    o["swap"] = r.p(rates["swap"])
    o["typo"] = r.p(rates.get("typo", 0))
    return o


def public_report(p, r):
    o = dict(age=p["age"], dod=p["dod"], father=p["father"])
    if r.p(0.12):
        o["age"] = max(8, o["age"] + r.choice([-2, -1, 1, 2]))
    if r.p(0.12):
        o["dod"] = o["dod"] + timedelta(days=r.choice([-2, -1, 1, 2]))
    return o


# ----------------------------------------------------------------------------
# List 1: Persian NGO spreadsheet
# ----------------------------------------------------------------------------
NGO_NOTES = [
    "اصابت گلوله جنگی",
    "اصابت ساچمه",
    "شلیک مستقیم به سر",
    "دانشجو",
    "کارگر",
    "دانش" + ZWNJ + "آموز",
    "پیکر با شرط سکوت تحویل داده شد",
    "منبع: خانواده",
    "تأیید نشده",
    "پیکر در کهریزک شناسایی شد",
    "کاسب",
    "راننده",
    "پدر دو فرزند",
    "دفن شبانه تحت نظر نیروهای امنیتی",
    "در بیمارستان جان باخت",
    "ورزشکار",
]


def render_ngo(p, o, r, st):
    fam, city = person_facts(p)
    given = fa_given(p["given"], st, r)
    if p["seyed"] and r.p(st["title"]):
        given = fa_title(p["sex"]) + r.choice([" ", "", ZWNJ], [5, 2, 1]) + given
    given = fa_variants(given, st, r)
    family = fa_variants(fam[0], st, r)
    if o["swap"]:
        given, family = family, given
    father = fa_variants(fa_given(o["father"], st, r), st, r) if o["father"] else ""
    notes = []
    if r.p(0.45):
        notes.append(r.choice(NGO_NOTES))
    if o["father"] and r.p(0.08):  # father in notes rather than column
        notes.append("فرزند " + father)
        father = ""
    if p["kind"] == "sibling" and r.p(0.5):
        notes.append(r.choice(["برادرش نیز در همان روز جان باخت", "خواهر یا برادرش نیز کشته شد"]))
    if p["age"] < 18 and r.p(0.3):
        notes.append("کودک")
    age = fa_age(o["age"], r, st)
    dod = fa_date(o["dod"], r, st) if not r.p(0.03) else r.choice(["نامشخص", "", "دی ۱۴۰۴"])
    prov = city[0]
    if " و " in prov and r.p(0.3):
        prov = prov.replace(" و ", "و")
    if " " in prov and r.p(0.2):
        prov = prov.replace(" ", ZWNJ)
    cityname = fa_variants(city[2], st, r)
    if r.p(0.05):
        prov = ""
    return {
        "نام": given,
        "نام خانوادگی": family,
        "نام پدر": father,
        "سن": age,
        "تاریخ جان" + ZWNJ + "باختن": dod,
        "استان": prov,
        "شهر": cityname,
        "توضیحات": "؛ ".join(notes),
    }


# ----------------------------------------------------------------------------
# List 2: English diaspora/journalist CSV
# ----------------------------------------------------------------------------
EN_SOURCES = [
    "family",
    "social media",
    "rights group",
    "local journalist",
    "eyewitness",
    "hospital source",
    "",
]
EN_NOTES = [
    "shot by live ammunition",
    "student",
    "killed by pellet fire",
    "body withheld",
    "buried under security presence",
    "worker",
    "shot in the head",
    "died in hospital",
    "footage verified",
    "unconfirmed",
    "",
    "",
    "",
]


def render_en(p, o, r, st):
    fam, city = person_facts(p)
    given = latin_given(p["given"], st["scheme"], r)
    if p["seyed"] and r.p(st["title"]):
        given = latin_title(p["sex"], r) + " " + given
    family = latin_family(fam[1], st["scheme"], r)
    if r.p(st["typo"]):
        family = lat_typo(family, r)
    father = latin_given(o["father"], st["scheme"], r) if o["father"] else None
    f = r.choice(["gf", "fcg", "sonof", "fatherparen", "UPPER"], st["name_w"])
    if o["swap"]:
        name = f"{family} {given}"
    elif f == "fcg":
        name = f"{family}, {given}"
    elif f == "sonof" and father:
        rel = "son of" if p["sex"] == "M" else "daughter of"
        if r.p(0.15):
            rel = "s/o" if p["sex"] == "M" else "d/o"
        name = f"{given} {family} {rel} {father}"
        father = None
    elif f == "fatherparen" and father:
        name = f"{given} {family} (father: {father})"
        father = None
    elif f == "UPPER":
        name = f"{family.upper()} {given}"
    else:
        name = f"{given} {family}"
    cityname = r.choice(city[3])
    loc = cityname
    if r.p(0.3):
        loc = f"{cityname}, {city[1]}"
    elif r.p(0.08):
        loc = city[1] + " province"
    return {
        "Name": name,
        "Age": en_age(o["age"], r, st),
        "Date of death": en_date(o["dod"], r, st)
        if not r.p(0.03)
        else r.choice(["", "early January", "unknown"]),
        "Location": loc,
        "Source": r.choice(EN_SOURCES),
        "Notes": r.choice(EN_NOTES),
    }


# ----------------------------------------------------------------------------
# List 3: hospital / cemetery insider list (Windows-1256 CSV)
# ----------------------------------------------------------------------------
def cp1256_safe(s):
    if s is None:
        return ""
    s = str(s).translate(LAT_DIGITS).replace("ی", "ي").replace("ى", "ي")
    return s.encode("cp1256", errors="replace").decode("cp1256")


def render_hosp(p, o, r, st):
    fam, city = person_facts(p)
    given = fa_given(p["given"], st, r)
    if p["seyed"] and r.p(st["title"]):
        given = r.choice(["سید ", "سيد", "س."]) + given if p["sex"] == "M" else "سیده " + given
    given = fa_variants(given, st, r)
    family = fa_variants(fam[0], st, r)
    form = r.choice(["gf", "fg", "famonly"], st["name_w"])
    if o["swap"]:
        form = "fg" if form == "gf" else "gf"
    if form == "gf":
        name = f"{given} {family}"
    elif form == "fg":
        name = f"{family} {given}"
    else:
        name = r.choice(["", "", "آقای " if p["sex"] == "M" else "خانم ", "خانواده "]) + family
    if o["typo"]:
        name = fa_typo(name, r)
    father = fa_variants(fa_given(o["father"], st, r), st, r) if o["father"] else ""
    if father and r.p(st["typo"] / 2):
        father = fa_typo(father, r)
    burial = r.p(st["burial"])
    d = o["dod"] + timedelta(days=r.randint(1, 5)) if burial else o["dod"]
    j = jalali(d)
    df = r.choice(["a", "b", "c", "d"], [6, 2, 1, 1])
    ds = {
        "a": f"{j.year}/{j.month:02d}/{j.day:02d}",
        "b": f"{j.year}/{j.month}/{j.day}",
        "c": f"{j.day:02d}/{j.month:02d}/{j.year}",
        "d": f"{j.day} {JMONTHS[j.month - 1]}",
    }[df]
    age = "" if o["age"] is None else (str(o["age"]) if r.p(0.85) else f"{o['age']} ساله")
    place = r.choice(
        [
            "سردخانه",
            "بهشت زهرا" if city[2] == "تهران" else "آرامستان " + city[2],
            "بیمارستان " + city[2],
            city[2],
        ]
    )
    notes = []
    if burial and r.p(0.4):
        notes.append("تاریخ دفن")
    elif not burial and r.p(0.2):
        notes.append("تاریخ فوت")
    if r.p(0.25):
        notes.append(f"قطعه {r.randint(1, 320)} ردیف {r.randint(1, 60)}")
    if r.p(0.15):
        notes.append(
            r.choice(
                [
                    "اصابت گلوله",
                    "تحویل به خانواده",
                    "جسد شناسایی شد",
                    "کد " + str(r.randint(1000, 9999)),
                ]
            )
        )
    row = {
        "نام و نام خانوادگی": name,
        "نام پدر": father,
        "سن": age,
        "تاریخ فوت/دفن": ds,
        "محل": place,
        "ملاحظات": " - ".join(notes),
    }
    return {k: cp1256_safe(v) for k, v in row.items()}


# ----------------------------------------------------------------------------
# List 4: JSON web form export
# ----------------------------------------------------------------------------
REL_FA = ["برادر", "خواهر", "پسرعمو", "دوست", "همسایه", "مادر", "پدر", "همکار"]
REL_EN = [
    "brother",
    "sister",
    "cousin",
    "friend",
    "neighbour",
    "mother",
    "father",
    "colleague",
    "other",
]


def render_web(p, o, r, st, sub_time):
    fam, city = person_facts(p)
    lang = "fa" if r.p(st["fa_share"]) else "en"
    if lang == "fa":
        given = fa_given(p["given"], st, r)
        if p["seyed"] and r.p(st["title"]):
            given = fa_title(p["sex"]) + " " + given
        family = fa_variants(fam[0], st, r)
        given = fa_variants(given, st, r)
        name = f"{family} {given}" if o["swap"] else f"{given} {family}"
        if r.p(0.05):
            name = "شهید " + name
        father = fa_variants(fa_given(o["father"], st, r), st, r) if o["father"] else None
        age = o["age"]
        if age is not None:
            age = r.choice(
                [age, str(age), str(age).translate(FA_DIGITS), f"{age} سال".translate(FA_DIGITS)],
                [4, 2, 2, 1],
            )
        dj = jalali(o["dod"])
        date_k = r.choice(
            [
                f"{dj.year}/{dj.month:02d}/{dj.day:02d}",
                f"{dj.year}/{dj.month}/{dj.day}",
                fa_date(o["dod"], r, dict(st, date_w=st["date_w_fa"])),
                o["dod"].isoformat(),
            ],
            [4, 2, 3, 1],
        )
        streets = STREETS.get(city[2], []) + GENERIC_STREETS
        loc = city[2]
        if r.p(0.4):
            loc = f"{city[2]}، {r.choice(streets)[0]}"
        elif r.p(0.15):
            loc = f"{city[0]} - {city[2]}"
        gender = r.choice(
            ["مرد" if p["sex"] == "M" else "زن", None, "male" if p["sex"] == "M" else "female"],
            [5, 3, 2],
        )
        relation = r.choice(REL_FA)
    else:
        given = latin_given(p["given"], st["scheme"], r)
        if p["seyed"] and r.p(st["title"]):
            given = latin_title(p["sex"], r) + " " + given
        family = latin_family(fam[1], st["scheme"], r)
        if r.p(st["typo"]):
            family = lat_typo(family, r)
        name = (
            f"{family} {given}"
            if o["swap"]
            else (f"{family}, {given}" if r.p(0.08) else f"{given} {family}")
        )
        cs = r.choice(["keep", "lower", "upper"], [7, 3, 0.7])
        name = name.lower() if cs == "lower" else (name.upper() if cs == "upper" else name)
        father = latin_given(o["father"], st["scheme"], r) if o["father"] else None
        if father and cs == "lower":
            father = father.lower()
        age = o["age"]
        if age is not None:
            age = r.choice(
                [age, str(age), f"{age} years", en_age(age, r, dict(st, age_w=st["age_w_en"]))],
                [4, 2, 1, 1],
            )
        dj = jalali(o["dod"])
        date_k = r.choice(
            [
                f"{dj.year}/{dj.month:02d}/{dj.day:02d}",
                o["dod"].isoformat(),
                en_date(o["dod"], r, dict(st, date_w=st["date_w_en"])),
                f"{o['dod'].day:02d}.{o['dod'].month:02d}.{o['dod'].year}",
            ],
            [3, 3, 3, 1],
        )
        cname = r.choice(city[3])
        streets = STREETS.get(city[2], []) + GENERIC_STREETS
        loc = cname
        if r.p(0.45):
            loc = f"{cname}, {r.choice(streets)[1]}"
        elif r.p(0.15):
            loc = f"{cname}, {city[1]}, Iran"
        gender = r.choice(
            ["male" if p["sex"] == "M" else "female", None, "M" if p["sex"] == "M" else "F"],
            [5, 3, 2],
        )
        relation = r.choice(REL_EN)
    if father is not None and r.p(0.1):
        father = ""
    rec = {
        "submission": {
            "id": "".join(r.choice(list(string.hexdigits.lower()[:16])) for _ in range(10)),
            "submitted_at": sub_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "lang": lang,
        },
        "victim_name": name,
        "father": father,
        "age": age,
        "gender": gender,
        "date_killed": date_k,
        "location": loc,
        "submitter": {"relation": relation, "contact_verified": bool(r.p(0.3))},
    }
    if r.p(0.3):
        rec["details"] = {
            "circumstances": r.choice(
                ["shot", "pellets", "beaten", "تیر جنگی", "ساچمه", "unknown"]
            ),
            "body_returned": r.choice([True, False, None]),
        }
    if r.p(0.1):
        del rec["gender"]
    return rec, lang


# ----------------------------------------------------------------------------
# Main assembly
# ----------------------------------------------------------------------------
def list_params(r):
    """Per-seed house styles and error rates."""
    ngo = dict(
        rates=dict(
            age_err=r.unif(0.04, 0.10),
            date_err=r.unif(0.05, 0.12),
            age_miss=r.unif(0.08, 0.2),
            father_miss=r.unif(0.45, 0.7),
            swap=r.unif(0.01, 0.04),
        ),
        dup=r.unif(0.02, 0.04),
        copy=0.0,
        zwnj_w=[r.unif(3, 6), r.unif(1, 3), r.unif(0.5, 2)],
        compound_w=[5, r.unif(1, 3), r.unif(1, 3)],
        hamza=r.unif(0.1, 0.35),
        madda=0.05,
        arabic=r.unif(0.03, 0.15),
        title=r.unif(0.6, 0.9),
        fa_digits=r.unif(0.3, 0.8),
        date_w=[4, 1, 2, 2, 2, 1, 0.3],
        age_w=[3, 2, 2, 1, 1],
    )
    en = dict(
        rates=dict(
            age_err=r.unif(0.05, 0.12),
            date_err=r.unif(0.06, 0.15),
            age_miss=r.unif(0.1, 0.25),
            father_miss=r.unif(0.6, 0.85),
            swap=r.unif(0.02, 0.05),
        ),
        dup=r.unif(0.02, 0.05),
        copy=r.unif(0.25, 0.5),
        typo=r.unif(0.01, 0.04),
        title=r.unif(0.3, 0.7),
        scheme=dict(
            word=r.unif(0.25, 0.55),
            kh=r.unif(0.0, 0.08),
            gh=r.unif(0.03, 0.2),
            ou=r.unif(0.1, 0.35),
            ei=r.unif(0.15, 0.45),
            ifinal=r.unif(0.02, 0.1),
            zadeh=r.unif(0.1, 0.3),
            eh=r.unif(0.05, 0.2),
            dj=0.01,
            vw=0.01,
            macron=r.unif(0.0, 0.04),
            compound_w=[r.unif(1, 4), r.unif(2, 5), r.unif(1, 3), 0.5],
        ),
        name_w=[6, r.unif(1, 3), 1.5, 0.5, r.unif(0.3, 1.0)],
        date_w=[4, 2, 2, 1.5, 1, 1, 0.3, 0.3],
        age_w=[6, 1.5, 1, 0.7],
    )
    hosp = dict(
        rates=dict(
            age_err=r.unif(0.05, 0.12),
            date_err=r.unif(0.03, 0.08),
            age_miss=r.unif(0.2, 0.4),
            father_miss=r.unif(0.15, 0.4),
            swap=r.unif(0.02, 0.06),
            typo=r.unif(0.05, 0.12),
        ),
        dup=r.unif(0.04, 0.06),
        copy=0.0,
        typo=r.unif(0.05, 0.12),
        zwnj_w=[r.unif(0.5, 2), r.unif(2, 4), r.unif(1, 3)],
        compound_w=[6, 0.5, r.unif(1, 4)],
        hamza=r.unif(0.2, 0.5),
        madda=0.12,
        arabic=0.0,
        title=r.unif(0.6, 0.9),
        burial=r.unif(0.3, 0.6),
        name_w=[6, r.unif(1, 3), r.unif(0.3, 0.8)],
    )
    web = dict(
        rates=dict(
            age_err=r.unif(0.06, 0.14),
            date_err=r.unif(0.08, 0.16),
            age_miss=r.unif(0.1, 0.25),
            father_miss=r.unif(0.4, 0.65),
            swap=r.unif(0.03, 0.07),
        ),
        dup=r.unif(0.03, 0.06),
        copy=r.unif(0.15, 0.35),
        typo=r.unif(0.03, 0.07),
        title=r.unif(0.3, 0.7),
        fa_share=r.unif(0.4, 0.7),
        zwnj_w=[r.unif(1, 3), r.unif(1, 3), r.unif(1, 3)],
        compound_w=[4, 1, 3],
        hamza=0.3,
        madda=0.1,
        arabic=r.unif(0.05, 0.2),
        fa_digits=r.unif(0.2, 0.6),
        date_w_fa=[4, 1, 2, 2, 1, 1, 0.3],
        date_w_en=[3, 1, 1, 1, 1, 0.5, 0.2, 0.1],
        age_w=[3, 1, 1, 1, 0.5],
        age_w_en=[6, 1, 1, 1],
        scheme=dict(
            word=r.unif(0.4, 0.7),
            kh=r.unif(0.02, 0.12),
            gh=r.unif(0.05, 0.25),
            ou=r.unif(0.2, 0.5),
            ei=r.unif(0.3, 0.6),
            ifinal=r.unif(0.05, 0.2),
            zadeh=r.unif(0.2, 0.4),
            eh=r.unif(0.1, 0.3),
            dj=0.01,
            vw=0.02,
            macron=0.0,
            compound_w=[4, 2, 3, 1],
        ),
    )
    return dict(ngo=ngo, en=en, hosp=hosp, web=web)


FILES = {
    "ngo": "SYNTHETIC_list1_ngo_fa.xlsx",
    "en": "SYNTHETIC_list2_diaspora_en.csv",
    "hosp": "SYNTHETIC_list3_insider_cp1256.csv",
    "web": "SYNTHETIC_list4_webform.json",
}


def build_records(people, inc, params, r, key, pub):
    """Return list of (person index, observed facts) incl. within-list duplicates, in list order."""
    prm = params[key]
    idx = [i for i in range(len(people)) if inc[key][i]]
    recs = []
    for i in idx:
        base = pub[i] if r.p(prm["copy"]) else None
        recs.append((i, perturb_facts(people[i], r, prm["rates"], base)))
    ndup = int(round(prm["dup"] * len(idx)))
    for i in r.g.choice(idx, size=min(ndup, len(idx)), replace=False):
        i = int(i)
        # duplicate entry: re-reported independently, own noise
        recs.append((i, perturb_facts(people[i], r, prm["rates"], None)))
    return recs


def generate(seed, out_dir, people=2500):
    """Write the four SYNTHETIC lists, the truth and the population of ``seed`` into
    ``out_dir``; return ({list key: (rows, unique people)}, people listed, total rows)."""
    out = str(out_dir)
    n_people = people
    r = R(seed)
    os.makedirs(out, exist_ok=True)
    people = make_population(n_people, r)
    inc, hosp_provs, targets = capture(people, r)
    params = list_params(r)
    pub = [public_report(p, r) for p in people]
    truth = []
    summary = {}

    # ---- list 1: NGO XLSX, sorted by province then date (with some disorder)
    recs = build_records(people, inc, params, r, "ngo", pub)
    recs.sort(key=lambda t: (CITIES[people[t[0]]["city_i"]][0], t[1]["dod"], r.u()))
    # late additions appended at the end (realistic: rows added after first release)
    nlate = int(len(recs) * r.unif(0.05, 0.15))
    late = [recs.pop(r.randint(0, len(recs) - 1)) for _ in range(nlate)]
    recs += late
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "جان" + ZWNJ + "باختگان"
    ws.sheet_view.rightToLeft = True
    headers = [
        "ردیف",
        "نام",
        "نام خانوادگی",
        "نام پدر",
        "سن",
        "تاریخ جان" + ZWNJ + "باختن",
        "استان",
        "شهر",
        "توضیحات",
    ]
    ws.append(headers)
    st = params["ngo"]
    for k, (i, o) in enumerate(recs, 1):
        row = render_ngo(people[i], o, r, st)
        radif = k if r.p(0.7) else str(k).translate(FA_DIGITS)
        ws.append([radif] + [row[h] if row[h] != "" else None for h in headers[1:]])
        truth.append((FILES["ngo"], k, people[i]["person_id"]))
    wb.save(os.path.join(out, FILES["ngo"]))
    summary["ngo"] = (len(recs), len(set(i for i, _ in recs)))

    # ---- list 2: English CSV, roughly chronological with noise
    recs = build_records(people, inc, params, r, "en", pub)
    recs.sort(key=lambda t: (t[1]["dod"] + timedelta(days=r.randint(-2, 2)), r.u()))
    st = params["en"]
    rows = []
    for k, (i, o) in enumerate(recs, 1):
        row = render_en(people[i], o, r, st)
        rows.append(row)
        truth.append((FILES["en"], k, people[i]["person_id"]))
    pd.DataFrame(
        rows, columns=["Name", "Age", "Date of death", "Location", "Source", "Notes"]
    ).to_csv(
        os.path.join(out, FILES["en"]), index=False, encoding="utf-8", quoting=csv.QUOTE_MINIMAL
    )
    summary["en"] = (len(recs), len(set(i for i, _ in recs)))

    # ---- list 3: insider CSV, cp1256, ordered by recorded (death/burial) date
    recs = build_records(people, inc, params, r, "hosp", pub)
    st = params["hosp"]
    rendered = [(i, render_hosp(people[i], o, r, st)) for i, o in recs]
    # order: group by place, chronological-ish within place
    rendered.sort(
        key=lambda t: (t[1]["محل"], people[t[0]]["dod"] + timedelta(days=r.randint(0, 3)))
    )
    hrows = []
    for k, (i, row) in enumerate(rendered, 1):
        row = dict(row)
        row["ردیف"] = str(k)
        hrows.append(row)
        truth.append((FILES["hosp"], k, people[i]["person_id"]))
    cols = ["ردیف", "نام و نام خانوادگی", "نام پدر", "سن", "تاریخ فوت/دفن", "محل", "ملاحظات"]
    hdf = pd.DataFrame(hrows, columns=cols)
    hdf.columns = [cp1256_safe(c) for c in cols]
    hdf.to_csv(os.path.join(out, FILES["hosp"]), index=False, encoding="cp1256", errors="strict")
    summary["hosp"] = (len(recs), len(set(i for i, _ in recs)))

    # ---- list 4: JSON web form, ordered by submission time
    recs = build_records(people, inc, params, r, "web", pub)
    st = params["web"]
    timed = []
    for i, o in recs:
        lag = timedelta(days=float(r.g.gamma(1.5, 4.0)) + 0.2)
        t0 = pd.Timestamp(o["dod"]) + lag
        t0 = t0 + pd.Timedelta(seconds=r.randint(0, 86399))
        timed.append((t0, i, o))
    timed.sort(key=lambda t: t[0])
    records = []
    for k, (t0, i, o) in enumerate(timed, 1):
        rec, _ = render_web(people[i], o, r, st, t0)
        records.append(rec)
        truth.append((FILES["web"], k, people[i]["person_id"]))
    export = (
        {
            "export": {
                "form": "SYNTHETIC victim report form",
                "generated": "synthetic",
                "count": len(records),
            },
            "records": records,
        }
        if r.p(0.5)
        else records
    )
    with open(os.path.join(out, FILES["web"]), "w", encoding="utf-8") as fh:
        json.dump(export, fh, ensure_ascii=False, indent=1)
    summary["web"] = (len(recs), len(set(i for i, _ in recs)))

    # ---- truth and population
    pd.DataFrame(truth, columns=["file", "row", "person_id"]).to_csv(
        os.path.join(out, "SYNTHETIC_truth.csv"), index=False, encoding="utf-8"
    )
    pop = []
    for i, p in enumerate(people):
        fam, city = person_facts(p)
        pop.append(
            dict(
                person_id=p["person_id"],
                given_fa=fa_canonical(p["given"]),
                given_lat="-".join(TOK_LAT[t] for t in p["given"]),
                title=("سید" if p["sex"] == "M" else "سیده") if p["seyed"] else "",
                family_fa=fam[0],
                family_lat=fam[1],
                father_fa=fa_canonical(p["father"]),
                father_lat="-".join(TOK_LAT[t] for t in p["father"]),
                sex=p["sex"],
                age=p["age"],
                date_of_death=p["dod"].isoformat(),
                date_of_death_jalali=str(jalali(p["dod"])).replace("-", "/"),
                province_fa=city[0],
                province_en=city[1],
                city_fa=city[2],
                city_en=city[3][0],
                kind=p["kind"],
                linked_person=p["link"],
                visibility=round(p["visibility"], 3),
                in_ngo=int(inc["ngo"][i]),
                in_en=int(inc["en"][i]),
                in_hosp=int(inc["hosp"][i]),
                in_web=int(inc["web"][i]),
            )
        )
    pd.DataFrame(pop).to_csv(
        os.path.join(out, "SYNTHETIC_population.csv"), index=False, encoding="utf-8"
    )
    listed = set()
    for key in inc:
        listed |= set(np.nonzero(inc[key])[0].tolist())
    write_readme(out, seed, n_people, summary, len(listed), hosp_provs, params, len(truth))
    return summary, len(listed), len(truth)


def write_readme(out, seed, n, summary, n_listed, hosp_provs, params, n_rows):
    pr = {k: v["rates"] for k, v in params.items()}

    def rates(k):
        x = pr[k]
        return (
            ", ".join(f"{a}={b:.3f}" for a, b in x.items())
            + f", within-list dup={params[k]['dup']:.3f}"
        )

    txt = f"""# SYNTHETIC casualty lists (seed {seed})

**Everything in this directory is SYNTHETIC.** Names are random combinations of common
Iranian given and family names; no row describes a real person. Generated by `gen.py`
(clean-room generator) for testing record linkage.

True population: {n} synthetic people; {n_listed} appear in at least one list; {n_rows} rows in total.

| file | rows | unique true people |
|---|---|---|
| {FILES["ngo"]} | {summary["ngo"][0]} | {summary["ngo"][1]} |
| {FILES["en"]} | {summary["en"][0]} | {summary["en"][1]} |
| {FILES["hosp"]} | {summary["hosp"][0]} | {summary["hosp"][1]} |
| {FILES["web"]} | {summary["web"][0]} | {summary["web"][1]} |

## Lists

1. **{FILES["ngo"]}** - Persian NGO spreadsheet (sheet «جان‌باختگان», RTL). Header row 1:
   «ردیف», «نام», «نام خانوادگی», «نام پدر», «سن», «تاریخ جان‌باختن», «استان», «شهر», «توضیحات».
   Jalali dates (۱۴۰۴/۱۰/۱۸, 1404/10/8, 18 دی 1404, ۱۸ دی‌ماه, پنجشنبه ۱۸ دی, ...), Persian or Latin
   digits, ages as numbers or «۲۵ ساله», «حدود ۳۰», «۱۶ (کودک)»; ZWNJ kept / dropped / replaced by a space;
   occasional Arabic ي/ك and ئ for یی; titles سید/سیده before the given name; the father sometimes only in the
   notes («فرزند ...»); sorted by province and date, late additions at the end. Rates: {rates("ngo")}.
2. **{FILES["en"]}** - English diaspora/journalist list, UTF-8 CSV, columns Name, Age, Date of death,
   Location, Source, Notes. Single Name column in mixed transliteration schemes ("Given Family",
   "Family, Given", "FAMILY Given", "X Y son of Z", "X Y (father: Z)"); dates "Jan 9, 2026",
   "09/01/2026" (DD/MM), "2026-01-09", "9 January", "January 9", rarely US "1/9/2026" and
   "night of Jan 8-9"; ages "25", "mid-20s", "30s", "~30", "17 (minor)". Partly copied from a shared
   public report (inherits its age/date errors). Rates: {rates("en")}.
3. **{FILES["hosp"]}** - hospital/cemetery insider list, **Windows-1256** CSV (Persian yeh written as ي,
   Latin digits). Columns «ردیف», «نام و نام خانوادگی», «نام پدر», «سن», «تاریخ فوت/دفن», «محل», «ملاحظات».
   Covers mainly these provinces: {", ".join(sorted(hosp_provs))}. Many dates are burial dates 1-5 days after
   death (sometimes flagged «تاریخ دفن» in ملاحظات); name order given-family or family-given; some rows only
   the family name («آقای ...», «خانواده ...»); letter-confusion typos (ح/خ/ج, س/ص/ث, ز/ذ/ظ, ت/ط, ه/ح ...).
   Rates: {rates("hosp")}, burial-date share={params["hosp"]["burial"]:.2f}.
4. **{FILES["web"]}** - JSON export of a web form: either a bare array or {{"export":..., "records":[...]}}.
   Each record: submission{{id, submitted_at, lang}}, victim_name, father, age (int, string, Persian digits,
   "25 years"), gender (sometimes missing), date_killed (Jalali in Latin digits "1404/10/19", ISO, "Jan 9",
   "09.01.2026", Persian text), location free text ("Tehran, Sattarkhan St.", «رشت»), submitter{{relation,
   contact_verified}}, optional details{{...}}. Mixed Persian/Latin records, lower-case typing, ordered by
   submission time. Rates: {rates("web")}.

Hard cases planted in the population (`kind` column of SYNTHETIC_population.csv): namesake pairs
(same given and family name, same city, same week, different people) and siblings killed together
(same family and father, same city, same or next day).

## Truth / scoring
`SYNTHETIC_truth.csv`: file,row,person_id; row = 1-based data row under the header (XLSX/CSV) or
1-based index in the records array (JSON). Score a linker output (file,row,cluster_id) with
`python score.py SYNTHETIC_truth.csv linker_output.csv`.
"""
    with open(os.path.join(out, "README_SYNTHETIC.md"), "w", encoding="utf-8") as fh:
        fh.write(txt)


def main():
    ap = argparse.ArgumentParser(description="SYNTHETIC casualty list generator")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--people", type=int, default=2500)
    a = ap.parse_args()
    summary, n_listed, n_rows = generate(a.seed, a.out, a.people)
    for k, (rows, uniq) in summary.items():
        print(f"{FILES[k]}: {rows} rows, {uniq} unique people")
    print(f"people listed anywhere: {n_listed} / {a.people}; total rows {n_rows}")


if __name__ == "__main__":
    main()
