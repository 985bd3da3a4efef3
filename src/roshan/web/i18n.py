"""Persian and English strings of the web app, and date formatting in both calendars.

Persian pages are right-to-left and show dates in the Jalali (Solar Hijri)
calendar with Persian digits; English pages are left-to-right with Gregorian
ISO dates. Every visible string goes through :func:`t`, so a missing translation
falls back to English rather than failing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

LANGS: tuple[str, ...] = ("fa", "en")
DEFAULT_LANG = "en"

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

STRINGS: dict[str, dict[str, str]] = {
    "app": {"en": "roshan", "fa": "روشن"},
    "dashboard": {"en": "Dashboard", "fa": "داشبورد"},
    "victims": {"en": "Victims", "fa": "قربانیان"},
    "review": {"en": "Review", "fa": "بازبینی"},
    "upload": {"en": "Upload a list", "fa": "بارگذاری فهرست"},
    "imports": {"en": "Imports", "fa": "ورودی‌ها"},
    "jobs": {"en": "Jobs", "fa": "کارها"},
    "exports": {"en": "Exports", "fa": "خروجی‌ها"},
    "audit": {"en": "Audit log", "fa": "گزارش رویدادها"},
    "users": {"en": "Users", "fa": "کاربران"},
    "account": {"en": "Account", "fa": "حساب"},
    "sign_in": {"en": "Sign in", "fa": "ورود"},
    "sign_out": {"en": "Sign out", "fa": "خروج"},
    "username": {"en": "Username", "fa": "نام کاربری"},
    "password": {"en": "Password", "fa": "گذرواژه"},
    "new_password": {"en": "New password", "fa": "گذرواژهٔ تازه"},
    "current_password": {"en": "Current password", "fa": "گذرواژهٔ کنونی"},
    "totp_code": {"en": "Six-digit code from your authenticator app",
                  "fa": "کد شش‌رقمی برنامهٔ احراز هویت"},
    "continue": {"en": "Continue", "fa": "ادامه"},
    "bad_login": {"en": "Wrong username or password.", "fa": "نام کاربری یا گذرواژه نادرست است."},
    "locked": {"en": "Too many failed attempts; the account is locked for a while.",
               "fa": "تلاش‌های ناموفق زیاد بود؛ حساب برای مدتی قفل شد."},
    "throttled": {"en": "Too many attempts from this address; wait a few minutes.",
                  "fa": "تلاش‌های زیادی از این نشانی انجام شد؛ چند دقیقه صبر کنید."},
    "bad_code": {"en": "That code is not valid.", "fa": "این کد معتبر نیست."},
    "estimate": {"en": "Estimated total", "fa": "برآورد کل"},
    "interval": {"en": "95% interval", "fa": "بازهٔ ۹۵٪"},
    "documented": {"en": "Documented victims", "fa": "قربانیان مستند"},
    "records": {"en": "Records", "fa": "رکوردها"},
    "sources": {"en": "Sources", "fa": "منابع"},
    "method": {"en": "Method", "fa": "روش"},
    "no_estimate": {"en": "No estimate yet. An analyst can start one under Jobs.",
                    "fa": "هنوز برآوردی نیست. تحلیلگر می‌تواند از بخش کارها آن را آغاز کند."},
    "timeline": {"en": "Deaths by date", "fa": "کشته‌شدگان بر پایهٔ تاریخ"},
    "by_province": {"en": "Documented victims by province", "fa": "قربانیان مستند بر پایهٔ استان"},
    "province": {"en": "Province", "fa": "استان"},
    "date": {"en": "Date", "fa": "تاریخ"},
    "count": {"en": "Count", "fa": "شمار"},
    "strata": {"en": "Estimates by stratum", "fa": "برآورد بر پایهٔ لایه"},
    "search": {"en": "Search", "fa": "جستجو"},
    "search_hint": {"en": "Name in Persian or Latin script, or a victim id (V-…)",
                    "fa": "نام به خط فارسی یا لاتین، یا شناسهٔ قربانی (V-…)"},
    "no_results": {"en": "No victim matches.", "fa": "قربانی‌ای یافت نشد."},
    "name": {"en": "Name", "fa": "نام"},
    "sex": {"en": "Sex", "fa": "جنسیت"},
    "age": {"en": "Age", "fa": "سن"},
    "date_of_death": {"en": "Date of death", "fa": "تاریخ درگذشت"},
    "city": {"en": "City", "fa": "شهر"},
    "cause": {"en": "Cause", "fa": "علت"},
    "flags": {"en": "Flags", "fa": "نشانه‌ها"},
    "linked_records": {"en": "Linked records", "fa": "رکوردهای پیوندخورده"},
    "provenance": {"en": "Provenance", "fa": "منشأ"},
    "history": {"en": "History", "fa": "تاریخچه"},
    "source": {"en": "Source", "fa": "منبع"},
    "file": {"en": "File", "fa": "پرونده"},
    "row": {"en": "Row", "fa": "ردیف"},
    "match_probability": {"en": "Match probability", "fa": "احتمال تطابق"},
    "match": {"en": "Same person", "fa": "یک نفر"},
    "non_match": {"en": "Different people", "fa": "دو نفر متفاوت"},
    "unsure": {"en": "Unsure", "fa": "نامطمئن"},
    "shortcuts": {"en": "Keys: m = same person, n = different, u = unsure, s = skip",
                  "fa": "کلیدها: m = یک نفر، n = متفاوت، u = نامطمئن، s = رد شدن"},
    "queue_empty": {"en": "Nothing to review.", "fa": "چیزی برای بازبینی نیست."},
    "conflict": {"en": "Someone else decided this pair meanwhile; it was not overwritten. "
                       "Look again.",
                 "fa": "در این فاصله کس دیگری دربارهٔ این جفت تصمیم گرفت؛ تصمیم او بازنویسی "
                       "نشد. دوباره نگاه کنید."},
    "saved": {"en": "Saved.", "fa": "ذخیره شد."},
    "skip": {"en": "Skip", "fa": "رد شدن"},
    "reason": {"en": "Reason", "fa": "دلیل"},
    "source_name": {"en": "Source name", "fa": "نام منبع"},
    "source_kind": {"en": "Kind of source", "fa": "نوع منبع"},
    "mapping_file": {"en": "Mapping file (optional: TOML, YAML or JSON)", "fa": "پروندهٔ نگاشت (اختیاری: TOML، YAML یا JSON)"},
    "list_file": {"en": "List file (CSV, TSV, XLSX, JSON, JSONL)",
                  "fa": "پروندهٔ فهرست (CSV، TSV، XLSX، JSON، JSONL)"},
    "preview": {"en": "Preview", "fa": "پیش‌نمایش"},
    "encoding": {"en": "Detected encoding", "fa": "رمزگذاری شناسایی‌شده"},
    "format": {"en": "Format", "fa": "قالب"},
    "mapped_fields": {"en": "Columns and the fields they map to",
                      "fa": "ستون‌ها و فیلدهای متناظر"},
    "unmapped": {"en": "(not used)", "fa": "(استفاده نمی‌شود)"},
    "confirm_import": {"en": "Import this list", "fa": "این فهرست وارد شود"},
    "cancel": {"en": "Cancel", "fa": "لغو"},
    "accepted": {"en": "Accepted", "fa": "پذیرفته"},
    "rejected": {"en": "Rejected", "fa": "ردشده"},
    "rejected_rows": {"en": "Rejected rows", "fa": "ردیف‌های ردشده"},
    "already_imported": {"en": "This file was imported before; nothing changed.",
                         "fa": "این پرونده پیش‌تر وارد شده بود؛ چیزی تغییر نکرد."},
    "start_link": {"en": "Link records into victims", "fa": "پیوند رکوردها به قربانیان"},
    "start_estimate": {"en": "Estimate the total", "fa": "برآورد کل"},
    "status": {"en": "Status", "fa": "وضعیت"},
    "progress": {"en": "Progress", "fa": "پیشرفت"},
    "kind": {"en": "Kind", "fa": "نوع"},
    "started_by": {"en": "Started by", "fa": "آغازگر"},
    "when": {"en": "When", "fa": "زمان"},
    "actor": {"en": "Who", "fa": "چه کسی"},
    "action": {"en": "Action", "fa": "کار"},
    "object": {"en": "Object", "fa": "موضوع"},
    "role": {"en": "Role", "fa": "نقش"},
    "active": {"en": "Active", "fa": "فعال"},
    "add_user": {"en": "Add a user", "fa": "افزودن کاربر"},
    "deactivate": {"en": "Deactivate", "fa": "غیرفعال کردن"},
    "change_password": {"en": "Change password", "fa": "تغییر گذرواژه"},
    "enable_totp": {"en": "Turn on two-step sign-in", "fa": "فعال کردن ورود دومرحله‌ای"},
    "totp_on": {"en": "Two-step sign-in is on.", "fa": "ورود دومرحله‌ای فعال است."},
    "api_tokens": {"en": "API tokens", "fa": "توکن‌های API"},
    "create_token": {"en": "Create a token", "fa": "ساخت توکن"},
    "token_once": {"en": "Copy this token now; it is not shown again:",
                   "fa": "این توکن را اکنون رونوشت کنید؛ دوباره نشان داده نمی‌شود:"},
    "download": {"en": "Download", "fa": "دریافت"},
    "aggregate_only": {"en": "Your role sees aggregates only.",
                       "fa": "نقش شما فقط آمار کلی را می‌بیند."},
    "forbidden": {"en": "Your role does not allow this.", "fa": "نقش شما اجازهٔ این کار را نمی‌دهد."},
    "not_found": {"en": "Not found.", "fa": "یافت نشد."},
    "error": {"en": "Error", "fa": "خطا"},
    "synthetic_note": {"en": "", "fa": ""},
    "language": {"en": "فارسی", "fa": "English"},
    "none": {"en": "—", "fa": "—"},
    "next": {"en": "Next", "fa": "بعدی"},
    "previous": {"en": "Previous", "fa": "قبلی"},
    "pair": {"en": "Pair", "fa": "جفت"},
    "decision_version": {"en": "Decision version", "fa": "نسخهٔ تصمیم"},
    "current_decision": {"en": "Current decision", "fa": "تصمیم کنونی"},
    "observed": {"en": "observed", "fa": "مشاهده‌شده"},
    "public_level": {"en": "publication level: no names, lists as A, B, …",
                     "fa": "سطح انتشار: بی‌نام، فهرست‌ها با A، B، …"},
    "stale": {"en": "from an earlier linkage run; estimate again",
              "fa": "از پیوند پیشین؛ دوباره برآورد کنید"},
    "name_field": {"en": "Token name", "fa": "نام توکن"},
}


def t(lang: str, key: str) -> str:
    """The string ``key`` in ``lang`` (English, then the key itself, when missing)."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry.get("en") or key


def direction(lang: str) -> str:
    """``rtl`` for Persian, ``ltr`` otherwise."""
    return "rtl" if lang == "fa" else "ltr"


def digits(value: Any, lang: str) -> str:
    """``value`` as text, with Persian digits on Persian pages."""
    text = "" if value is None else str(value)
    return text.translate(_PERSIAN_DIGITS) if lang == "fa" else text


def number(value: Any, lang: str, decimals: int = 0) -> str:
    """A number with thousands separators (Persian digits and separator on fa pages)."""
    if value is None:
        return t(lang, "none")
    try:
        text = f"{float(value):,.{decimals}f}"
    except (TypeError, ValueError):
        return digits(value, lang)
    if lang == "fa":
        text = text.replace(",", "٬").replace(".", "٫")
    return digits(text, lang)


def format_date(value: Any, lang: str) -> str:
    """An ISO date (or datetime) shown as Jalali on fa pages and Gregorian ISO on en pages.

    Partial dates (``2026-01``) and unparseable text are shown as given.
    """
    if value is None or value == "":
        return t(lang, "none")
    d: date | None
    if isinstance(value, datetime):
        d = value.date()
        clock = value.strftime(" %H:%M")
    elif isinstance(value, date):
        d, clock = value, ""
    else:
        text = str(value)
        clock = ""
        try:
            if len(text) > 10:
                dt = datetime.fromisoformat(text)
                d, clock = dt.date(), dt.strftime(" %H:%M")
            else:
                d = date.fromisoformat(text)
        except ValueError:
            return digits(text, lang)
    if lang != "fa":
        return d.isoformat() + clock
    import jdatetime

    j = jdatetime.date.fromgregorian(date=d)
    return digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}{clock}", lang)
