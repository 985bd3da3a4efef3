"""The result every estimator returns, and its plain-language reading.

:class:`EstimateResult` is the one shape the CLI, the report and the web app
consume, whatever the method. ``to_dict`` gives a JSON-safe document with a
fixed set of keys; ``summary`` says in plain words what the number means and
what it rests on, so a journalist does not read an interval as a fact.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, cast

import numpy as np

from roshan.estimate.notes import is_localized, localize_warning

if TYPE_CHECKING:
    # A TypeVar with a default (PEP 696) is in typing from Python 3.13; mypy reads it from
    # typing_extensions, and at run time a plain TypeVar does (the default only types).
    from typing_extensions import TypeVar

    from roshan.estimate.method_diagnostics import LcmcrDiagnostics, LinkageDiagnostics

    D = TypeVar("D", bound=Mapping[str, object], default=Any)
else:
    from typing import TypeVar

    D = TypeVar("D")

__all__ = [
    "EstimateResult",
    "RESULT_KEYS",
    "format_count",
    "jsonable",
    "median_interval",
    "normal_z",
]

RESULT_KEYS = (
    "method",
    "lists",
    "observed",
    "estimate",
    "lower",
    "upper",
    "level",
    "model",
    "diagnostics",
    "warnings",
    "strata",
)


def jsonable(obj: Any) -> Any:
    """Turn numpy scalars/arrays, tuples and non-finite floats into JSON-safe values.

    NaN and infinities become ``None`` (JSON has no such numbers).
    """
    if isinstance(obj, dict):
        return {str(k) if not isinstance(k, str) else k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return f if math.isfinite(f) else None
    if obj is None or isinstance(obj, (int, str)):
        return obj
    if hasattr(obj, "to_dict"):
        return jsonable(obj.to_dict())
    return str(obj)


@dataclass
class EstimateResult(Generic[D]):
    """An estimate of the total number of people, with its uncertainty and caveats.

    ``estimate`` is N̂ (observed plus estimated unobserved), ``lower``/``upper``
    the interval at ``level``; all three are ``None`` when the data cannot
    support an estimate (then ``warnings`` says why). ``model`` describes the
    fitted model (a string or a dict). ``strata`` lists per-stratum results as
    dicts with the stratum key values plus ``observed, estimate, lower, upper,
    status`` ("ok"/"not_estimable") and ``reason``. ``draws`` holds posterior
    (or bootstrap) draws of N when the method has them; it is not serialised.

    ``diagnostics`` is a dict whose keys depend on the method: ``EstimateResult[D]``
    says which (``fit_dga`` returns ``EstimateResult[DgaDiagnostics]``, …; the types are in
    :mod:`roshan.estimate.method_diagnostics`); a bare ``EstimateResult`` leaves them
    untyped (``Any``).
    """

    method: str
    lists: list[str]
    observed: int
    estimate: float | None
    lower: float | None = None
    upper: float | None = None
    level: float = 0.95
    model: str | dict | None = None
    diagnostics: D = field(default_factory=dict)  # type: ignore[assignment]  # each method passes its own
    warnings: list[str] = field(default_factory=list)
    strata: list[dict] = field(default_factory=list)
    draws: np.ndarray | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict with exactly the keys in :data:`RESULT_KEYS` (no draws)."""
        return {
            "method": str(self.method),
            "lists": [str(x) for x in self.lists],
            "observed": int(self.observed),
            "estimate": jsonable(self.estimate),
            "lower": jsonable(self.lower),
            "upper": jsonable(self.upper),
            "level": float(self.level),
            "model": jsonable(self.model),
            "diagnostics": jsonable(self.diagnostics),
            "warnings": [str(w) for w in self.warnings],
            "strata": jsonable(self.strata),
        }

    @property
    def unobserved(self) -> float | None:
        """Estimated number of people on no list (``estimate - observed``)."""
        return None if self.estimate is None else float(self.estimate) - self.observed

    @property
    def documented_range(self) -> tuple[int, int] | None:
        """(fewest, most) people on the lists across the drawn clusterings, or None.

        Set only when the pooled estimate flagged the linker's own count as uncertain
        (``diagnostics["linkage"]["observed_uncertain"]``, gap above
        ``estimate.linkage.OBSERVED_GAP_WARN``): then "N documented, about M on no list"
        would state one clustering's split as fact, and the summary and the report give
        both numbers as ranges instead.
        """
        info = _linkage(self)
        if not info or not info.get("observed_uncertain"):
            return None
        obs: Mapping[str, Any] = info.get("observed_per_draw") or {}
        lo, hi = obs.get("min"), obs.get("max")
        if lo is None or hi is None:
            return None
        return int(lo), int(hi)

    def summary(self, lang: str = "en") -> str:
        """A short plain-language reading of the result (``lang`` "en" or "fa")."""
        if lang == "fa":
            return _summary_fa(self)
        return _summary_en(self)


def median_interval(draws: np.ndarray, level: float) -> tuple[float, float, float]:
    """The median of posterior ``draws`` and their equal-tailed ``level`` interval
    (NumPy's default, linear quantiles): ``(estimate, lower, upper)``."""
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(draws, [tail, 1.0 - tail])
    return float(np.median(draws)), float(lo), float(hi)


def normal_z(level: float) -> float:
    """The normal quantile z of a two-sided ``level`` interval, P(|Z| <= z) = ``level``
    (1.96 at 0.95)."""
    from scipy.stats import norm

    return float(norm.ppf(0.5 + level / 2))


def format_count(x: float | None) -> str:
    """A number of people as the summaries print it: whole, with thousands separators;
    ``"n/a"`` for none."""
    if x is None:
        return "n/a"
    return f"{x:,.0f}"


def _model_text(model: str | dict | None) -> str:
    if model is None:
        return ""
    if isinstance(model, str):
        return model
    if "formula" in model:
        return str(model["formula"])
    if "name" in model:
        return str(model["name"])
    return ", ".join(f"{k}={v}" for k, v in model.items() if not isinstance(v, (dict, list)))


_ASSUMPTIONS_EN = {
    "loglinear": "the chosen log-linear model describes how the lists depend on each other, "
    "and the highest-order interaction among all lists is absent",
    "lcmcr": "people fall into a small number of latent groups within which lists are "
    "independent (Bayesian latent-class model); the prior matters when overlaps are few",
    "dga": "the dependence between lists is captured by the averaged decomposable graphical "
    "models and their prior",
}


def _linkage(r: EstimateResult) -> LinkageDiagnostics | None:
    """``diagnostics["linkage"]`` of a result pooled over drawn clusterings, else None."""
    info: Any = (r.diagnostics or {}).get("linkage")
    return cast("LinkageDiagnostics", info) if isinstance(info, dict) and info else None


def _summary_en(r: EstimateResult) -> str:
    lines: list[str] = []
    lists = ", ".join(r.lists)
    pct = f"{r.level * 100:.0f}%"
    if r.estimate is None:
        lines.append(
            f"No estimate: the {len(r.lists)} lists ({lists}) with {r.observed:,} distinct "
            f"people observed cannot support a {r.method} estimate."
        )
    else:
        docs = r.documented_range
        if docs is None:
            lines.append(
                f"Estimated total: {format_count(r.estimate)} people ({r.method}), of whom "
                f"{r.observed:,} appear on at least one of {len(r.lists)} lists ({lists}); "
                f"about {format_count(r.unobserved)} are estimated to be on none."
            )
        else:
            lo, hi = docs
            lines.append(
                f"Estimated total: {format_count(r.estimate)} people ({r.method}). "
                f"Between {lo:,} and {hi:,} people appear on at least one of {len(r.lists)} lists ({lists}): "
                f"the matching of records is uncertain (the linker counts {r.observed:,}), "
                f"so about {format_count(max(0.0, r.estimate - hi))} to "
                f"{format_count(max(0.0, r.estimate - lo))} are estimated to be on none."
            )
        linkage = _linkage(r)
        if r.lower is not None and r.upper is not None:
            kind = r.diagnostics.get("interval", "interval")
            what = (
                "sampling uncertainty and the uncertainty of the record linkage"
                if linkage
                else "sampling uncertainty"
            )
            lines.append(
                f"{pct} {kind}: {format_count(r.lower)} to {format_count(r.upper)}. "
                f"The interval reflects {what} under the model's assumptions only; it does not cover "
                "errors in the assumptions themselves."
            )
        else:
            lines.append("No interval was computed.")
        if linkage:
            plug: Mapping[str, Any] = linkage.get("plugin") or {}
            n = linkage.get("draws_used") or linkage.get("n_draws")
            line = (
                f"Linkage: pooled over {n} plausible clusterings of the records into "
                "people, drawn from the linker's match probabilities."
            )
            if plug.get("estimate") is not None:
                iv = (
                    f" [{format_count(plug.get('lower'))}, {format_count(plug.get('upper'))}]"
                    if plug.get("lower") is not None and plug.get("upper") is not None
                    else ""
                )
                line += (
                    f" Diagnostic only: treating the linker's one clustering as certain "
                    f"({plug.get('observed', 0):,} people) would give "
                    f"{format_count(plug['estimate'])}{iv}."
                )
            lines.append(line)
        mt = _model_text(r.model)
        if mt:
            lines.append(f"Model: {mt}.")
        conv = _convergence(r, "en")
        if conv:
            lines.append(conv)
    assumption = _ASSUMPTIONS_EN.get(r.method.split(":")[0], "the method's model is adequate")
    link_text = (
        "match probabilities that are calibrated (the linkage draws are only as good as they are)"
        if _linkage(r)
        else "perfect linkage (each person matched correctly across lists)"
    )
    lines.append(
        "It rests on: a closed population (everyone counted could have been on any list), "
        f"{link_text}, and that {assumption}."
    )
    if r.strata:
        bad = [s for s in r.strata if s.get("status") != "ok"]
        lines.append(
            f"Combined over {len(r.strata)} strata"
            + (f"; {len(bad)} could not be estimated on their own (see warnings)." if bad else ".")
        )
    if r.warnings:
        lines.append("Warnings:")
        lines.extend(f"  - {w}" for w in r.warnings)
    return "\n".join(lines)


def _mcmc(r: EstimateResult) -> dict[str, Any] | None:
    """R-hat and ESS as printed ("n/a" when not a number), chains, seed and verdict of a
    sampler result (None if not MCMC)."""
    if "rhat" not in (r.diagnostics or {}) or r.estimate is None:
        return None
    d = cast("LcmcrDiagnostics", r.diagnostics)  # lcmcr's or recommended's
    rh, ess = d.get("rhat"), d.get("ess")
    if not isinstance(rh, (int, float)) or not isinstance(ess, (int, float)):
        return None
    return {
        "rhat": "n/a" if rh != rh else f"{float(rh):.3f}",
        "ess": "n/a" if ess != ess else f"{float(ess):,.0f}",
        "chains": d.get("chains"),
        "seed": d.get("seed"),
        "final": bool(d.get("final", True)),
    }


_CONVERGENCE = {
    "en": (
        "Convergence of N: R-hat {rhat}, effective sample size {ess}, {chains} chains, "
        "seed {seed}.",
        " NOT FINAL: the chains disagree (see warnings); rerun with more iterations.",
    ),
    "fa": (
        "همگرایی N: R-hat {rhat}، اندازهٔ مؤثر نمونه {ess}، {chains} زنجیره، بذر تصادفی {seed}.",
        " نهایی نیست: زنجیره‌ها با هم توافق ندارند؛ با تکرار بیشتر دوباره اجرا کنید.",
    ),
}
"""The summary's convergence line (and what it adds when the chains disagree), by language."""


def _convergence(r: EstimateResult, lang: str) -> str | None:
    m = _mcmc(r)
    if m is None:
        return None
    line, not_final = _CONVERGENCE[lang]
    return line.format(**m) + ("" if m["final"] else not_final)


def _summary_fa(r: EstimateResult) -> str:
    lines: list[str] = []
    if r.estimate is None:
        lines.append(f"برآوردی ممکن نیست: {r.observed:,} نفر مشاهده‌شده در {len(r.lists)} فهرست.")
    else:
        docs = r.documented_range
        if docs is None:
            lines.append(
                f"برآورد کل: {format_count(r.estimate)} نفر ({r.method})؛ "
                f"{r.observed:,} نفر دست‌کم در یکی از {len(r.lists)} فهرست آمده‌اند."
            )
        else:
            lines.append(
                f"برآورد کل: {format_count(r.estimate)} نفر ({r.method})؛ بین {docs[0]:,} و "
                f"{docs[1]:,} نفر دست‌کم در یکی از {len(r.lists)} فهرست آمده‌اند: پیوند "
                f"رکوردها نامطمئن است (پیونددهنده {r.observed:,} نفر می‌شمارد)."
            )
        linkage = _linkage(r)
        if r.lower is not None and r.upper is not None:
            what = (
                "عدم قطعیت نمونه‌گیری و عدم قطعیت پیوند رکوردها"
                if linkage
                else "فقط عدم قطعیت نمونه‌گیری"
            )
            lines.append(
                f"بازهٔ {r.level * 100:.0f}٪: {format_count(r.lower)} تا {format_count(r.upper)} "
                f"({what}، با فرض درستی مدل)."
            )
        if linkage:
            plug: Mapping[str, Any] = linkage.get("plugin") or {}
            n = linkage.get("draws_used") or linkage.get("n_draws")
            line = f"پیوند: ترکیب {n} خوشه‌بندی محتمل رکوردها."
            if plug.get("estimate") is not None:
                line += (
                    f" فقط برای مقایسه: اگر خوشه‌بندی پیونددهنده قطعی فرض شود، برآورد "
                    f"{format_count(plug['estimate'])} می‌شد."
                )
            lines.append(line)
        conv = _convergence(r, "fa")
        if conv:
            lines.append(conv)
    link_fa = (
        "احتمال‌های تطابقِ درست‌تنظیم‌شده" if _linkage(r) else "پیوند کامل و درست رکوردها میان فهرست‌ها"
    )
    lines.append(f"فرض‌ها: جمعیت بسته، {link_fa}، و درستی مدل انتخاب‌شده.")
    if r.warnings:
        lines.append("هشدارها:")
        lines.extend(
            f"  - {localize_warning(w, 'fa')}" + ("" if is_localized(w, "fa") else " (به انگلیسی)")
            for w in r.warnings
        )
    return "\n".join(lines)
