"""The contrast experiment: sparse parities on the cube, learned in ``n^O(k)`` steps (lesson 11).
"""

from __future__ import annotations

from csqlab.experiments.setup import FamilySpec, _distinct_subsets, _seed_candidates, _Setup


def _build_sparse_parity(config) -> _Setup:
    """Contrast (Barak et al. 2022): a ``k``-sparse parity ``χ_S`` on the
    uniform cube ``{±1}^n`` (``k = degree``), one random ``S`` per seed. Student: a
    one-hidden-layer :class:`csqlab.models.MLP` of width ``config.width``."""
    from csqlab.hard import parity_family
    from csqlab.models import MLP

    subsets = _distinct_subsets(config)
    family = parity_family(config.size, config.degree, subsets=subsets)

    def student(seed, dtype):
        return MLP(config.size, (config.width,), dtype=dtype, seed=int(seed))

    return _Setup(family, _seed_candidates(len(family)), family.sample, student,
                  lambda x: (x,), config.degree + 1)


SPARSE_PARITY = FamilySpec("sparse-parity", "mlp", "contrast",
                           "k-sparse parities on the cube (learnable in n^O(k) steps)",
                           _build_sparse_parity)
