"""The invariant-polynomial experiment: the paper's invariant polynomials, set monomials and DeepSets (lesson 10).
"""

from __future__ import annotations

import torch

from csqlab.experiments.setup import (
    FamilySpec,
    _distinct_subsets,
    _message_passing_student,
    _seed_candidates,
    _Setup,
)

_SET_ROWS = 8

def _build_set_monomials(config) -> _Setup:
    """The paper's invariant polynomials (set variant, **[ours]**): ``f_S(X) = n^{−1/2} Σ_i Π_{j∈S} X_ij`` with
    ``X ∈ R^{8×d}`` Gaussian, ``d = size``, ``|S| = k = degree``; one random ``S`` per seed
    (from ``data_seed``). Student: a ReLU DeepSets network ``head(Σ_i φ(X_i))`` of width
    ``config.width`` (the exact teacher uses ``2^{k−1}`` units with activation ``t^k``)."""
    from csqlab.hard import polynomials

    subsets = _distinct_subsets(config)
    family = polynomials.set_monomial_family(_SET_ROWS, config.size, config.degree,
                                             subsets=subsets)

    def student(seed, dtype):
        return _message_passing_student(config.size, config.width, seed, dtype)

    def inputs(x):
        identity = torch.eye(_SET_ROWS, dtype=x.dtype, device=x.device)
        return identity.expand(x.shape[0], _SET_ROWS, _SET_ROWS), x

    return _Setup(family, _seed_candidates(len(family)), family.sample, student, inputs,
                  2 ** (config.degree - 1))


SET_MONOMIALS = FamilySpec("set-monomials", "deepsets", "§4.5",
                           "set monomials, the DeepSets variant of invariant polynomials",
                           _build_set_monomials)
