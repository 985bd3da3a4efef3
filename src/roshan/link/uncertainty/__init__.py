"""Plausible clusterings of the records: the linkage side of linkage uncertainty.

A linked list is one clustering of records into people; the pairwise model says how
sure each link is. This package turns the saved pair probabilities into a graph and
draws plausible clusterings from it:

* :mod:`roshan.link.uncertainty.graph` — the pair graph (:func:`build_graph`: certain
  links contracted, reviewers' decisions as hard constraints), constrained components,
  the blocking miss rate and the plug-in clustering;
* :mod:`roshan.link.uncertainty.samplers` — the Gibbs sampler over partitions (the
  numba sweep kernel, cluster scores, merge priors) and independent pair draws;
* :mod:`roshan.link.uncertainty.workspace` — reading the inputs from a linked workspace.

A synthetic problem with known truth for tests and benchmarks is
:func:`roshan.simulate.linkage.synthetic_problem`. Re-estimating the total on each
clustering and pooling is estimation, and lives in :mod:`roshan.estimate.linkage`. Why a
posterior over clusterings rather than independent pair draws or a threshold ensemble:
docs/linkage-uncertainty.md.
"""
