"""Who each source documents: the capture model behind the lists.

For victim *i* and source *k* the capture probability is

    p_ik = base_k · capture_scale · province_k(prov_i) · period_k(date_i)
           · exp(heterogeneity · sensitivity_k · effect(class_i))

clipped to [0, 0.97], where ``period_k`` is the source's blackout factor for
deaths on or after the blackout date (the internet shutdown hid deaths from
most documenters) and ``province_k`` is a log-normal draw per province (sd
0.35 · heterogeneity), strong inside a regional source's focus provinces and
weak outside. Dependence between sources is added on top:

* positive ``(a, b, +1)``: source *a* copies from *b* — every victim *b* lists
  and *a* missed is added to *a* with probability ``dependence`` (and, when both
  write the same script, the copy keeps *b*'s spelling of the names with
  probability ``copy_spelling``, typos included);
* negative ``(a, b, -1)``: *a* and *b* reach disjoint networks — each victim
  belongs to one of two networks (a fair coin), and *a*'s probability is
  multiplied by (1 + d) in one network and (1 - d) in the other, *b*'s the
  other way round.

The result is a boolean capture matrix (victims × sources).
"""

from __future__ import annotations

import numpy as np

from roshan.simulate.config import ScenarioConfig, SourceSpec
from roshan.simulate.places import load_places
from roshan.simulate.population import LATENT_EFFECT, Population


def capture_probabilities(
    cfg: ScenarioConfig, sources: list[SourceSpec], pop: Population, rng: np.random.Generator
) -> np.ndarray:
    """Independent-part capture probabilities, shape (victims, sources), before dependence."""
    places = load_places()
    n_prov = len(places.province_code)
    b = (cfg.blackout_date - cfg.start_date).days
    after = pop.day >= b
    p = np.empty((pop.n, len(sources)))
    for k, s in enumerate(sources):
        prov_f = np.exp(rng.normal(0.0, 0.35 * cfg.heterogeneity, n_prov))
        if s.focus_provinces:
            inside = np.isin(places.province_code, list(s.focus_provinces))
            prov_f = np.where(inside, 2.5 * prov_f, 0.12 * prov_f)
        blackout = cfg.blackout_factor if cfg.blackout_factor is not None else s.blackout_factor
        period = np.where(after, blackout, 1.0)
        het = np.exp(cfg.heterogeneity * s.class_sensitivity * LATENT_EFFECT[pop.latent])
        p[:, k] = s.base_capture * cfg.capture_scale * prov_f[pop.province] * period * het
    return np.clip(p, 0.0, 0.97)


def dependence_pairs(cfg: ScenarioConfig, n_sources: int) -> list[tuple[int, int, int]]:
    """The pairs in force: explicit ones, or the defaults that fit ``n_sources``."""
    if cfg.dependence_pairs is not None:
        return [tuple(x) for x in cfg.dependence_pairs]  # type: ignore[misc]
    pairs = []
    if n_sources >= 2:
        pairs.append((1, 0, 1))
    if n_sources >= 4:
        pairs.append((2, 3, -1))
    return pairs


def capture_with_copies(
    cfg: ScenarioConfig, sources: list[SourceSpec], pop: Population, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw who each source lists, and which listings were copied from which source.

    Returns ``(caught, copied_from)``: bool (victims, sources), and int of the
    same shape holding the index of the source a listing was copied from, or -1.
    """
    p = capture_probabilities(cfg, sources, pop, rng)
    d = cfg.dependence
    pairs = dependence_pairs(cfg, len(sources))
    for a, b, sign in pairs:
        if sign < 0 and d > 0:
            net = rng.random(pop.n) < 0.5
            p[:, a] *= np.where(net, 1 + d, 1 - d)
            p[:, b] *= np.where(net, 1 - d, 1 + d)
    p = np.clip(p, 0.0, 0.97)
    caught = rng.random(p.shape) < p
    copied_from = np.full(caught.shape, -1, dtype=np.int64)
    # copying: apply in the order given, so chains (c copies b copies a) work
    for a, b, sign in pairs:
        if sign > 0 and d > 0:
            copy = caught[:, b] & ~caught[:, a] & (rng.random(pop.n) < d)
            caught[:, a] |= copy
            copied_from[copy, a] = b
    return caught, copied_from


def capture_matrix(
    cfg: ScenarioConfig, sources: list[SourceSpec], pop: Population, rng: np.random.Generator
) -> np.ndarray:
    """Draw who each source lists: bool array (victims, sources)."""
    return capture_with_copies(cfg, sources, pop, rng)[0]
