"""Estimate warnings in Persian.

What: the estimators write their warnings in English (the CLI, the JSON documents and
the stored runs keep them so: they are the record, and what tests and users grep for).
:func:`localize_warning` gives a warning in the reader's language: for ``"fa"`` it finds
the warning's template in :data:`WARNINGS_FA` and fills the Persian template with the
same values (digits made Persian); a warning no template knows stays in English, and
:func:`is_localized` says which is which so a page can mark it.

Why a catalogue of templates rather than message codes: the warnings are built in about
thirty places across the estimators; keeping their text the single source and matching
it here changes nothing they store. ``tests/estimate/test_notes.py`` renders every
warning the estimators can write (read from their source) and fails when one has no
Persian template, so a new warning cannot ship untranslated.
"""

from __future__ import annotations

import re
from functools import lru_cache

from roshan.i18n import persian_digits

__all__ = ["WARNINGS_FA", "is_localized", "localize_warning"]

#: (English template, Persian template). ``{0}``, ``{1}``, … stand for the values the
#: estimator put in; a value that is itself one of :data:`_WORDS_FA` is translated.
WARNINGS_FA: tuple[tuple[str, str], ...] = (
    # the table itself (counts.table_warnings)
    (
        "few overlaps: {0} of {1} pairs of lists share fewer than {2} people ({3}); estimates "
        "lean heavily on model assumptions",
        "همپوشانی کم: در {0} از {1} جفت فهرست کمتر از {2} نفر مشترک‌اند ({3})؛ برآوردها سخت "
        "به فرض‌های مدل تکیه دارند",
    ),
    (
        "no two lists share anyone: the data carry no information on the total",
        "هیچ دو فهرستی فرد مشترکی ندارند: داده‌ها درباره‌ی کل هیچ اطلاعی نمی‌دهند",
    ),
    (
        "one list dominates: {0} holds {1} of observed people; the estimate depends mostly on "
        "how complete that list is",
        "یک فهرست غالب است: {0} {1} از افرادِ مشاهده‌شده را دارد؛ برآورد بیشتر به کامل بودن "
        "همان فهرست بستگی دارد",
    ),
    (
        "sparse table: {0} of {1} possible capture patterns are empty; higher-order "
        "interactions cannot be estimated reliably",
        "جدول تُنُک: {0} از {1} الگوی ثبتِ ممکن خالی‌اند؛ برهم‌کنش‌های مرتبه‌ی بالا را نمی‌توان "
        "با اطمینان برآورد کرد",
    ),
    # dga
    (
        "lists {0} and {1} share nobody; models linking them rest on the prior alone",
        "فهرست‌های {0} و {1} هیچ فرد مشترکی ندارند؛ مدل‌هایی که آن‌ها را به هم وابسته می‌کنند "
        "تنها بر پیشین تکیه دارند",
    ),
    (
        "only {0} people observed; the posterior is dominated by the prior",
        "تنها {0} نفر مشاهده شده‌اند؛ توزیع پسین را پیشین تعیین می‌کند",
    ),
    (
        "the posterior of N has a heavy right tail: {0} of it lies between {1} and {2} people, "
        "where the grid stops; the upper bound and the mean are truncated there and not "
        "reliable. The lists overlap too little for this prior (try a smaller delta or more "
        "lists).",
        "توزیع پسینِ N دنباله‌ی راستِ سنگینی دارد: {0} از آن میان {1} و {2} نفر است، جایی که "
        "شبکه‌ی مقادیر تمام می‌شود؛ کران بالا و میانگین در آنجا بریده شده‌اند و قابل اتکا "
        "نیستند. همپوشانی فهرست‌ها برای این پیشین بسیار کم است (delta کوچک‌تر یا فهرست‌های "
        "بیشتری را بیازمایید).",
    ),
    (
        "the saturated model (every list dependent on every other) has posterior probability "
        "{0}; under it the data say nothing about the people on no list, so that share of the "
        "result is set by delta and the prior on N alone (with a small delta it piles up at "
        "the observed count). Treat the estimate as unreliable and compare "
        "include_saturated=False and other methods.",
        "مدل اشباع‌شده (هر فهرست وابسته به همه‌ی فهرست‌های دیگر) احتمال پسینِ {0} دارد؛ در این "
        "مدل داده‌ها درباره‌ی کسانی که در هیچ فهرستی نیستند چیزی نمی‌گویند، پس این سهم از نتیجه "
        "را تنها delta و پیشینِ N تعیین می‌کنند (با delta کوچک، روی شمار مشاهده‌شده انباشته "
        "می‌شود). برآورد را قابل اتکا ندانید و آن را با include_saturated=False و روش‌های دیگر "
        "مقایسه کنید.",
    ),
    (
        "{0} of the posterior lies at the top of the Nmissing grid (up to {1} people); widen "
        "the grid (n_max) - the upper bound is cut off",
        "{0} از توزیع پسین در بالای شبکه‌ی Nmissing (تا {1} نفر) است؛ شبکه را گسترده‌تر کنید "
        "(n_max) - کران بالا بریده شده است",
    ),
    # federated counts
    (
        "overlaps computed privately by {0} (roshan federate); the interval allows for the "
        "private matching's error ({1} drawn matchings pooled)",
        "همپوشانی‌ها به‌صورت خصوصی به دست {0} محاسبه شده‌اند (roshan federate)؛ بازه خطای "
        "تطبیق خصوصی را در بر می‌گیرد ({1} تطبیق نمونه‌گیری‌شده ادغام شده‌اند)",
    ),
    (
        "overlaps computed privately by {0} (roshan federate); the interval treats the "
        "private matching as certain (no drawn matchings pooled)",
        "همپوشانی‌ها به‌صورت خصوصی به دست {0} محاسبه شده‌اند (roshan federate)؛ بازه تطبیق "
        "خصوصی را قطعی می‌گیرد (هیچ تطبیق نمونه‌گیری‌شده‌ای ادغام نشده است)",
    ),
    (
        "overlaps computed privately by {0} (roshan federate); the interval is widened by the "
        "private matching's error measured on SYNTHETIC scenarios (sd {1} × √N̂: {2} of the "
        "estimate)",
        "همپوشانی‌ها به‌صورت خصوصی به دست {0} محاسبه شده‌اند (roshan federate)؛ بازه به اندازه‌ی "
        "خطای تطبیق خصوصی که روی سناریوهای ساختگی (SYNTHETIC) سنجیده شده پهن‌تر شده است "
        "(انحراف معیار {1} × √N̂: {2} از برآورد)",
    ),
    (
        "counts computed privately: the private linkage's error is carried into the overall "
        "estimate only, not into these stratum estimates",
        "شمارش‌ها به‌صورت خصوصی محاسبه شده‌اند: خطای پیوند خصوصی فقط در برآورد کل آمده است، "
        "نه در برآوردهای این طبقه‌ها",
    ),
    # lcmcr
    (
        "NOT FINAL: the {0} chains disagree ({1}), so they have not all found the same part "
        "of the posterior (it may have several modes); do not quote this number or interval. "
        "Run more iterations (--burnin, --samples, --thin) or more --chains until R-hat is at "
        "most 1.05",
        "نهایی نیست: {0} زنجیره با هم هم‌خوان نیستند ({1})، پس همه به یک بخش از توزیع پسین "
        "نرسیده‌اند (ممکن است چند قله داشته باشد)؛ این عدد و بازه را نقل نکنید. تکرار بیشتر "
        "(--burnin، --samples، --thin) یا --chains بیشتر اجرا کنید تا R-hat حداکثر 1.05 شود",
    ),
    (
        "few effective draws (ESS {0} < {1}); the interval ends are noisy, increase samples "
        "or thin",
        "نمونه‌های مؤثر کم است (ESS {0} < {1})؛ دو سر بازه پرنوسان‌اند؛ samples یا thin را "
        "بیشتر کنید",
    ),
    (
        "{0} of the posterior draws have more than {1} unobserved people per observed one "
        "(R's LCMCR would redraw these; roshan keeps them): the data say little about how "
        "many no list saw",
        "{0} از نمونه‌های پسین بیش از {1} نفرِ دیده‌نشده به ازای هر نفرِ دیده‌شده دارند (LCMCR "
        "در R این‌ها را دوباره نمونه می‌گیرد؛ roshan نگهشان می‌دارد): داده‌ها درباره‌ی شمار "
        "کسانی که هیچ فهرستی ثبتشان نکرده چیز زیادی نمی‌گویند",
    ),
    # linkage draws
    (
        "linkage uncertainty: {0} plausible clusterings pooled; {1}% of the variance comes "
        "from linkage, the rest from victims on no list",
        "عدم قطعیت پیوند: {0} خوشه‌بندی محتمل ادغام شده‌اند؛ {1}٪ از واریانس از پیوند رکوردها "
        "می‌آید و باقی از قربانیانی که در هیچ فهرستی نیستند",
    ),
    (
        "the pooled estimate ({0}) is below the number of people on the lists ({1}): the "
        "estimator is unstable on these tables; do not publish this interval",
        "برآورد ادغام‌شده ({0}) از شمار افرادِ فهرست‌ها ({1}) کمتر است: برآوردگر روی این "
        "جدول‌ها ناپایدار است؛ این بازه را منتشر نکنید",
    ),
    (
        "chains disagree (R-hat {0} > {1}); run longer (more samples/thin) before quoting "
        "this interval",
        "زنجیره‌ها هم‌خوان نیستند (R-hat {0} > {1})؛ پیش از نقل این بازه طولانی‌تر اجرا کنید "
        "(samples/thin بیشتر)",
    ),
    (
        "the linked list counts {0} people, {1} {2} than the plausible matchings ({3}–{4}): "
        "many pairs sit near the threshold and the number of documented people is itself "
        "uncertain; review the pairs near the threshold (roshan review)",
        "پیوند رکوردها {0} نفر می‌شمارد، {1} {2} از تطبیق‌های محتمل ({3}–{4}): بسیاری از "
        "جفت‌ها نزدیک آستانه‌اند و شمار افرادِ مستند خود نامطمئن است؛ جفت‌های نزدیک آستانه را "
        "بازبینی کنید (roshan review)",
    ),
    (
        "linkage uncertainty is not included: {0}; this is the estimate on the linker's one "
        "clustering",
        "عدم قطعیت پیوند در این برآورد نیست: {0}؛ این برآورد روی تنها خوشه‌بندیِ پیوند است",
    ),
    (
        "the linkage failed its health check and the risk was accepted "
        "(--accept-linkage-risk): {0}",
        "پیوند رکوردها در بررسی سلامت رد شد و خطر آن پذیرفته شد (--accept-linkage-risk): {0}",
    ),
    (
        "{0} scored pair(s) name records not in the workspace (or themselves) and were "
        "ignored; re-run `roshan link`",
        "{0} جفتِ امتیازدار به رکوردهایی اشاره دارند که در فضای کار نیستند (یا به خودشان) و "
        "نادیده گرفته شدند؛ `roshan link` را دوباره اجرا کنید",
    ),
    (
        "{0} reviewer must-link pair(s) contradict cannot-link decisions and could not all be "
        "honoured; review them again",
        "{0} جفتِ «یک نفر» از تصمیم‌های بازبین با تصمیم‌های «دو نفر» در تضادند و همه را "
        "نمی‌شد رعایت کرد؛ دوباره بازبینی‌شان کنید",
    ),
    # log-linear
    (
        "the estimate is {0} times the number observed: the lists capture only a small, "
        "possibly unrepresentative part of the population",
        "برآورد {0} برابر شمار مشاهده‌شده است: فهرست‌ها تنها بخش کوچکی از جمعیت را، شاید "
        "نامعرف، در بر می‌گیرند",
    ),
    (
        "the heterogeneity coefficient is negative (people on more lists less likely than "
        "chance); Rcapture would drop the heterogeneity term in this case",
        "ضریب ناهمگنی منفی است (بودن در فهرست‌های بیشتر از تصادف کم‌احتمال‌تر است)؛ Rcapture "
        "در این حالت جمله‌ی ناهمگنی را کنار می‌گذارد",
    ),
    (
        "some interactions are fixed at minus infinity because the lists involved never "
        "overlap ({0})",
        "برخی برهم‌کنش‌ها در منفی بی‌نهایت ثابت شده‌اند، چون فهرست‌های درگیر هیچ همپوشانی ندارند ({0})",
    ),
    (
        "the profile-likelihood interval treats the selected model as if it had been known "
        "in advance; it ignores model-selection uncertainty (use --bootstrap)",
        "بازه‌ی درست‌نمایی نیم‌رخ مدلِ انتخاب‌شده را چنان می‌گیرد که گویی از پیش معلوم بوده؛ "
        "عدم قطعیتِ انتخاب مدل را نادیده می‌گیرد (از --bootstrap استفاده کنید)",
    ),
    (
        "the profile likelihood does not fall enough: no finite upper limit",
        "درست‌نمایی نیم‌رخ به اندازه‌ی کافی پایین نمی‌آید: کران بالای متناهی ندارد",
    ),
    (
        "BCa correction undefined (all replicates on one side); percentile interval used",
        "تصحیح BCa تعریف‌نشده است (همه‌ی تکرارها در یک سو)؛ بازه‌ی صدکی به کار رفت",
    ),
    (
        "{0} of {1} bootstrap replicates had no usable model and were left out of the interval",
        "{0} از {1} تکرار بوت‌استرپ مدل قابل‌استفاده‌ای نداشتند و از بازه کنار گذاشته شدند",
    ),
    # strata
    (
        "some estimated strata have no draws and enter the interval as fixed numbers, so the "
        "interval of the total is somewhat too narrow",
        "برخی طبقه‌های برآوردشده نمونه ندارند و با عددی ثابت وارد بازه می‌شوند، پس بازه‌ی کل "
        "اندکی باریک‌تر از واقع است",
    ),
    (
        "no stratum produced draws, so the total has no interval",
        "هیچ طبقه‌ای نمونه نداد، پس کل بازه ندارد",
    ),
    (
        "{0} stratum/strata could not be estimated on their own ({1}); they were pooled into "
        "one remainder stratum of {2} people and estimated together",
        "{0} طبقه به‌تنهایی برآوردپذیر نبودند ({1})؛ در یک طبقه‌ی باقی‌مانده با {2} نفر ادغام "
        "و با هم برآورد شدند",
    ),
    (
        "{0} stratum/strata could not be estimated ({1}), not even pooled ({2}); their {3} "
        "observed people are counted as observed only, so the total is a lower bound for that "
        "part",
        "{0} طبقه برآوردپذیر نبودند ({1})، حتی با ادغام ({2})؛ {3} نفرِ مشاهده‌شده‌ی آن‌ها تنها "
        "به‌عنوان مشاهده‌شده شمرده شده‌اند، پس کل برای آن بخش کران پایین است",
    ),
    # why a stratum is not estimable (strata.stratum_problem, fit_strata), shown beside it
    (
        "only {0} list(s) have records here; at least {1} are needed",
        "تنها {0} فهرست در اینجا رکورد دارند؛ دست‌کم {1} فهرست لازم است",
    ),
    (
        "no one appears on two lists, so overlaps carry no information",
        "هیچ‌کس در دو فهرست نیامده است، پس همپوشانی‌ها اطلاعی نمی‌دهند",
    ),
    (
        "the method gave no estimate",
        "روش برآوردی به دست نداد",
    ),
    (
        "{0} combined draws dropped (a stratum had no estimate in that replicate)",
        "{0} نمونه‌ی ترکیبی کنار گذاشته شد (طبقه‌ای در آن تکرار برآورد نداشت)",
    ),
    # recommended
    (
        "components disagree: {0} gives {1} [{2}, {3}], below the recommended estimate {4}; "
        "the data cannot rule out a hard-to-list group, and methods that assume everyone is "
        "fairly likely to be listed come out lower",
        "اجزای برآورد ناسازگارند: {0} عدد {1} [{2}، {3}] را می‌دهد، کمتر از برآورد پیشنهادی "
        "{4}؛ داده‌ها وجود گروهی را که به‌سختی در فهرست‌ها می‌آید رد نمی‌کنند، و روش‌هایی که "
        "احتمال ثبت همه را کم‌وبیش برابر می‌گیرند عدد کمتری می‌دهند",
    ),
    (
        "components disagree: {0} gives {1} [{2}, {3}], above the recommended estimate {4}; "
        "check list dependence and the linkage",
        "اجزای برآورد ناسازگارند: {0} عدد {1} [{2}، {3}] را می‌دهد، بیشتر از برآورد پیشنهادی "
        "{4}؛ وابستگی فهرست‌ها و پیوند رکوردها را بررسی کنید",
    ),
    (
        "components disagree: {0}'s estimate {1} lies outside the recommended interval [{2}, {3}]",
        "اجزای برآورد ناسازگارند: برآورد {0} ({1}) بیرون از بازه‌ی پیشنهادی [{2}، {3}] است",
    ),
    (
        "sensitivity check {0} could not run: {1}",
        "بررسی حساسیت {0} اجرا نشد: {1}",
    ),
)

#: Values inside a warning that are words, not numbers or names.
_WORDS_FA = {"more": "بیشتر", "fewer": "کمتر"}
_PLACEHOLDER = re.compile(r"\{(\d+)\}")


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for en, fa in WARNINGS_FA:
        parts = _PLACEHOLDER.split(en)
        # even indices: literal text; odd: placeholder numbers (in order of appearance)
        rx = "".join(re.escape(p) if i % 2 == 0 else f"(?P<v{p}>.+?)" for i, p in enumerate(parts))
        out.append((re.compile(rf"^{rx}$", re.DOTALL), fa))
    return tuple(out)


def _match(text: str) -> tuple[re.Match[str], str] | None:
    for rx, fa in _compiled():
        m = rx.match(text)
        if m:
            return m, fa
    return None


def is_localized(text: str, lang: str) -> bool:
    """Whether :func:`localize_warning` has a ``lang`` version of this warning."""
    return lang == "en" or (lang == "fa" and _match(text) is not None)


def _fa_number_text(text: str) -> str:
    """Persian digits and the Persian percent sign, as the report writes numbers."""
    return persian_digits(text).replace("%", "٪")


def _template_digits(fa: str) -> str:
    """Persian digits for a template's own numbers (1.05), not for its placeholders."""
    return re.sub(r"(?<![\w{-])(\d+(?:\.\d+)?)(?![\w}])", lambda m: persian_digits(m.group(1)), fa)


def localize_warning(text: str, lang: str) -> str:
    """The warning in ``lang`` ("en": unchanged; "fa": the Persian template with the same
    values, Persian digits and percent sign; unchanged English when no template matches)."""
    if lang != "fa":
        return text
    hit = _match(text)
    if hit is None:
        return text
    m, fa = hit
    values = {int(k[1:]): _fa_number_text(_WORDS_FA.get(v, v)) for k, v in m.groupdict().items()}
    # a value may hold another warning (a health summary, a reason): leave it as written
    return _PLACEHOLDER.sub(lambda p: values[int(p.group(1))], _template_digits(fa))
