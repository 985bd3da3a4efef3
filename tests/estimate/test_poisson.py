"""Log-linear model specification and Poisson fitting (roshan.estimate.poisson)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.stats import chi2

from roshan.errors import EstimationError
from roshan.estimate.counts import CaptureCounts
from roshan.estimate.identifiability import master_design
from roshan.estimate.poisson import Model, Table, fit_model, profile_interval

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def korea() -> tuple[CaptureCounts, Table]:
    cc = CaptureCounts.from_csv(DATA / "korea_3list.csv")
    return cc, Table.from_counts(cc)


def test_parse_closes_hierarchy_and_formats() -> None:
    m = Model.parse("A:B:C", ["A", "B", "C", "D"])
    assert m.terms == (0b011, 0b101, 0b110, 0b111)
    assert m.generators() == (0b111,)
    assert m.hierarchy(4) == "[123,4]"
    assert m.label(["A", "B", "C", "D"]) == "A + B + C + D + A:B + A:C + B:C + A:B:C"
    assert Model.parse("", ["A", "B"]).terms == ()
    assert Model.parse("b:c + c:d", ["b", "c", "d"]).hierarchy(3) == "[12,23]"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("A:X", "not a list"), ("A:A", "at least two"), ("A:B:C", "confounded")],
)
def test_parse_rejects_bad_terms(text: str, fragment: str) -> None:
    with pytest.raises(EstimationError, match=fragment):
        Model.parse(text, ["A", "B", "C"])


def test_unknown_heterogeneity_rejected() -> None:
    with pytest.raises(EstimationError, match="heterogeneity"):
        Model.of((), "weird")


def test_korea_published_models(korea) -> None:
    """MultipleSystemsEstimation: [12,23] -> 157.1667; [12,3] -> 268.7778, BIC 58.9686,
    AIC 44.90767 (R's glm AIC, which drops no constants), coefficients as printed."""
    _, t = korea
    f = fit_model(t, Model.of((0b011, 0b110)))
    assert f.estimate == pytest.approx(157.1667, abs=1e-3)
    g = fit_model(t, Model.of((0b011,)))
    assert g.estimate == pytest.approx(268.7778, abs=1e-3)
    assert g.bic == pytest.approx(58.9686, abs=1e-3)
    assert g.aic == pytest.approx(44.90767, abs=1e-4)
    # R prints coefficients (intercept, b, c, d, b:c) = 4.982083 -2.832024 -3.620482 5.412241 ...
    assert g.coef[0] == pytest.approx(4.982083, abs=1e-5)
    assert g.coef[1] == pytest.approx(-2.832024, abs=1e-5)
    assert g.coef[0b011] == pytest.approx(5.412241, abs=1e-5)


def test_fit_matches_statsmodels_glm() -> None:
    cc = CaptureCounts.from_csv(DATA / "uk_slavery_6list.csv")
    t = Table.from_counts(cc)
    m = Model.of((0b000011, 0b000101, 0b010010, 0b010100, 0b100100, 0b011000))
    f = fit_model(t, m)
    assert f.ok and not f.neginf
    x = master_design(6)[:, list(m.params(6))]
    ref = sm.GLM(t.y, x, family=sm.families.Poisson()).fit(tol=1e-12)
    assert f.coef[0] == pytest.approx(ref.params[0], abs=1e-6)
    assert f.loglik == pytest.approx(ref.llf, abs=1e-6)
    assert f.estimate == pytest.approx(12349.587, abs=0.01)  # UK published 12,350


def test_warm_start_gives_same_fit(korea) -> None:
    _, t = korea
    cold = fit_model(t, Model.of((0b011, 0b110)))
    warm = fit_model(t, Model.of((0b011, 0b110)), start=fit_model(t, Model.of((0b011,))).coef)
    assert warm.estimate == pytest.approx(cold.estimate, rel=1e-9)


def test_heterogeneity_term_is_fitted() -> None:
    cc = CaptureCounts.from_csv(DATA / "allegheny_4list.csv")
    t = Table.from_counts(cc)
    f = fit_model(t, Model.of((0b0011, 0b0101, 0b1001), "darroch"))
    assert f.ok and f.coef["h"] > 0
    assert f.n_params == 1 + 4 + 3 + 1
    assert "h(darroch)" in f.model.label(cc.lists)


def test_profile_interval_is_a_likelihood_ratio_interval(korea) -> None:
    """At both limits the complete-table likelihood ratio equals chi2_1(0.95)."""
    from scipy.special import gammaln

    _, t = korea
    m = Model.of((0b011, 0b110))
    f = fit_model(t, m)
    lo, hi = profile_interval(t, f, 0.95)
    assert t.n <= lo < f.estimate < hi

    x = np.vstack([master_design(3)[:, list(m.params(3))], np.eye(1, 6)])

    def prof(big_n: float) -> float:
        yy = np.append(t.y, big_n - t.n)
        r = sm.GLM(yy, x, family=sm.families.Poisson()).fit(tol=1e-12)
        mu = r.fittedvalues
        return float(
            gammaln(big_n + 1)
            - gammaln(big_n - t.n + 1)
            + np.sum(np.where(yy > 0, yy * np.log(mu / big_n), 0.0))
        )

    grid = np.linspace(t.n + 0.01, 400, 4000)
    lmax = max(prof(v) for v in grid[::40])
    crit = chi2.ppf(0.95, 1) / 2
    assert lmax - prof(lo) == pytest.approx(crit, abs=0.02)
    assert lmax - prof(hi) == pytest.approx(crit, abs=0.02)
