"""The offline terminal form: asks a witness (in Persian or English) what they saw.

Why a separate module: the questions, their labels and the answer parsing are
the same whether the form runs in a terminal or is driven by a script or a test
(``ask`` and ``say`` are injectable); ``roshan intake new`` then hands the
answers to ``report.save_report``, which encrypts them at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roshan.errors import IntakeError

# (field, English label, Persian label)
QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("full_name", "Full name of the person killed", "نام و نام خانوادگی جان‌باخته"),
    ("father_name", "Father's name", "نام پدر"),
    ("sex", "Sex", "جنسیت"),
    ("age", "Age (a number or 'about 30')", "سن"),
    ("date_of_death", "Date of death (Jalali or Gregorian)", "تاریخ جان‌باختن (شمسی یا میلادی)"),
    ("place_of_death", "Place of death (street, hospital…)", "محل جان‌باختن (خیابان، بیمارستان…)"),
    ("city", "City or town", "شهر"),
    ("province", "Province", "استان"),
    ("cause_of_death", "Cause of death, as you know it", "علت مرگ"),
    ("perpetrator", "Who did it (unit, force), if known", "عامل (یگان، نیرو) در صورت اطلاع"),
    (
        "body_withheld",
        "Was the body withheld? (yes/no/unknown)",
        "آیا پیکر تحویل داده نشد؟ (بله/خیر/نمی‌دانم)",
    ),
    ("burial_place", "Place of burial", "محل دفن"),
    (
        "forced_burial",
        "Forced or night burial? (yes/no/unknown)",
        "دفن اجباری یا شبانه؟ (بله/خیر/نمی‌دانم)",
    ),
)
TEXTS: dict[str, dict[str, Any]] = {
    "en": {
        "intro": "roshan field report. Leave any question empty if you do not know. "
        "Nothing is saved until the end, and then only encrypted.",
        "circumstances": "What happened? (one line; you can write more later in another report)",
        "witness": "Your contact, ONLY if you accept being contacted (encrypted separately; "
        "leave empty to stay anonymous)",
        "attachments": "Photos, videos or documents: file paths separated by ';' (empty for none)",
        "keep": "Keep location/camera metadata in photos? Only if you are sure it is safe (y/N)",
        "yes": ("y", "yes"),
        "saved": "report saved encrypted in {outbox} (id {report_id}…); this device cannot "
        "read it back",
        "warning": "warning",
    },
    "fa": {
        "intro": "گزارش میدانی روشن. اگر پاسخ پرسشی را نمی‌دانید آن را خالی بگذارید. "
        "تا پایان چیزی ذخیره نمی‌شود و سپس فقط به صورت رمزگذاری‌شده.",
        "circumstances": "چه اتفاقی افتاد؟ (یک خط)",
        "witness": "راه تماس با شما، فقط اگر مایل به تماس هستید (جداگانه رمزگذاری می‌شود؛ "
        "برای ناشناس ماندن خالی بگذارید)",
        "attachments": "عکس، ویدیو یا سند: مسیر فایل‌ها با ';' جدا شود (خالی برای هیچ)",
        "keep": "اطلاعات مکان و دوربین در عکس‌ها حفظ شود؟ فقط اگر مطمئنید امن است (بله/خیر)",
        "yes": ("y", "yes", "بله", "آره"),
        "saved": "گزارش به صورت رمزگذاری‌شده در {outbox} ذخیره شد (شناسه {report_id}…)؛ "
        "این دستگاه نمی‌تواند آن را دوباره بخواند",
        "warning": "هشدار",
    },
}


@dataclass
class FormAnswers:
    """Everything the form collected, ready for ``report.save_report``."""

    victim: dict[str, str] = field(default_factory=dict)
    circumstances: str = ""
    witness_contact: str | None = None
    attachments: list[Path] = field(default_factory=list)
    keep_metadata: bool = False
    language: str = "en"


def run_form(
    language: str = "en", *, ask: Callable[[str], str] = input, say: Callable[[str], None] = print
) -> FormAnswers:
    """Ask every question in ``language`` ('fa' or 'en') and collect the answers."""
    if language not in TEXTS:
        raise IntakeError("form language must be 'fa' or 'en'")
    t = TEXTS[language]
    col = 2 if language == "fa" else 1
    say(str(t["intro"]))
    ans = FormAnswers(language=language)
    for q in QUESTIONS:
        value = ask(f"{q[col]}: ").strip()
        if value:
            ans.victim[q[0]] = value
    ans.circumstances = ask(f"{t['circumstances']}: ").strip()
    contact = ask(f"{t['witness']}: ").strip()
    ans.witness_contact = contact or None
    paths = ask(f"{t['attachments']}: ").strip()
    ans.attachments = [Path(p.strip()).expanduser() for p in paths.split(";") if p.strip()]
    ans.keep_metadata = ask(f"{t['keep']}: ").strip().lower() in t["yes"]
    return ans


def answers_from_json(path: Path) -> FormAnswers:
    """Answers from a JSON file (scripted intake), same keys as FormAnswers.

    ``{"victim": {...canonical fields...}, "circumstances": "...",
    "witness_contact": "..." | {...}, "attachments": ["photo.jpg"],
    "keep_metadata": false, "language": "en"}``; attachment paths are relative
    to the JSON file.
    """
    path = Path(path)
    try:
        doc: Any = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IntakeError(
            f"{path.name}: cannot read report JSON ({exc.__class__.__name__})"
        ) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("victim", {}), dict):
        raise IntakeError(f"{path.name}: expected an object with a 'victim' object")
    unknown = set(doc) - {
        "victim",
        "circumstances",
        "witness_contact",
        "attachments",
        "keep_metadata",
        "language",
    }
    if unknown:
        raise IntakeError(f"{path.name}: unknown keys {sorted(unknown)}")
    atts = doc.get("attachments") or []
    if not isinstance(atts, list) or not all(isinstance(a, str) for a in atts):
        raise IntakeError(f"{path.name}: attachments must be a list of file paths")
    return FormAnswers(
        victim=dict(doc.get("victim") or {}),
        circumstances=str(doc.get("circumstances") or ""),
        witness_contact=doc.get("witness_contact") or None,
        attachments=[(path.parent / a) for a in atts],
        keep_metadata=bool(doc.get("keep_metadata", False)),
        language=str(doc.get("language") or "en"),
    )
