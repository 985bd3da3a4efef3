"""Force the same-script trap of issue 18 on purpose (tests and bench/review_repair.py).

In the trap, "same spelling" (a level only two records in the same script can reach)
carries the matches and the same name written in the other script (cross-script key)
almost none: m 0.996 against 0.001, as measured on the outside runs that failed.
roshan no longer has a same-spelling level (``roshan_spec(spelling_level=True)`` puts
it back), and its training no longer lands there; these helpers make a model that has.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

NAMES = ("family_name", "given_name", "father_name")


def trap(model: dict[str, Any]) -> dict[str, Any]:
    """``model`` (Splink JSON, with a same-spelling level) put in the same-script optimum."""
    for comp in model["comparisons"]:
        if comp["output_column_name"] not in NAMES:
            continue
        for lv in comp["comparison_levels"]:
            if lv.get("is_null_level"):
                continue
            lv["m_probability"] = {
                "same spelling": 0.996,
                "same name (cross-script key)": 0.001,
            }.get(lv["label_for_charts"], 0.0005)
    return model


@contextmanager
def forced_trap(*, fallback: bool = True):
    """Every EM start (and, with ``fallback``, the sure-match fallback) ends in the trap,
    and ``link_workspace`` uses the spec with a same-spelling level. Review labels are
    applied after the trap, as they are after EM: they can repair it."""
    from splink import Linker

    import roshan.link.pipeline as pipeline
    import roshan.link.train as train
    from roshan.link.settings import roshan_spec

    real_em, real_sure, real_spec = train._run_em, train.sure_m, pipeline.roshan_spec

    def em(backend, linker, sdf, spec, report, max_pairs, rules=None):
        linker = real_em(backend, linker, sdf, spec, report, max_pairs, rules=rules)
        return Linker(sdf, trap(linker.misc.save_model_to_json()), log_level=None)

    def sure(*a, **k):
        model = real_sure(*a, **k)
        return None if model is None else trap(model)

    train._run_em = em
    if fallback:
        train.sure_m = sure
    pipeline.roshan_spec = lambda threshold=None: roshan_spec(threshold, spelling_level=True)
    try:
        yield
    finally:
        train._run_em, train.sure_m, pipeline.roshan_spec = real_em, real_sure, real_spec
