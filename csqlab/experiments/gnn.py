"""The GNN experiments: Theorem A (degree-histogram parities on random graphs) and Theorem B
(per-node hidden planes with Gaussian node features); lesson 8.
"""

from __future__ import annotations

import numpy as np

from csqlab.experiments.setup import FamilySpec, _message_passing_student, _seed_candidates, _Setup


def _build_degree_parity(config) -> _Setup:
    """Theorem A: degree-histogram parities ``χ_S`` on directed ``G(n, ½)`` (window of
    ``round(√n)`` central degrees); teacher ``S`` a non-empty subset of the window.
    Student: message-passing GNN with width ``config.width`` (the teacher has ``3n``
    node units and ``n`` head units)."""
    from csqlab.hard import gnn

    n = config.size
    family = gnn.degree_parity_family(n)
    candidates = np.array([i for i, subset in enumerate(family.members) if len(subset) > 0])

    def student(seed, dtype):
        return _message_passing_student(1, config.width, seed, dtype)

    return _Setup(family, candidates, family.sample, student, lambda x: (x,), 4 * n)


def _build_gnn_planes(config) -> _Setup:
    """Theorem B: per-node hidden planes ``f_U(A, X) = Σ_i F(U (AX)_i)`` on one fixed
    undirected ``G(6, ½)`` graph (drawn from ``data_seed``) with Gaussian features in
    ``R^d``, ``d = size``, ``k = degree``. Student: :class:`csqlab.models.ShallowGNN`
    ``1ᵀσ(AXW)a`` of width ``config.width`` (the teacher has ``2k`` units)."""
    from csqlab.hard import gnn
    from csqlab.models import ShallowGNN

    nodes = 6
    adjacency = gnn.sample_graphs(nodes, 1, directed=False, seed=config.data_seed)[0]
    family = gnn.gnn_hidden_plane_family(adjacency, config.size, config.degree,
                                         n_planes=len(config.seeds), seed=config.data_seed + 1)

    def student(seed, dtype):
        return ShallowGNN(config.size, config.width, dtype=dtype, seed=int(seed))

    def inputs(x):
        return x[..., :nodes], x[..., nodes:]

    return _Setup(family, _seed_candidates(len(family)), family.sample, student, inputs,
                  2 * config.degree)


DEGREE_PARITY = FamilySpec("degree-parity", "gnn", "§4.1",
                           "degree-histogram parities on random graphs (GNN)",
                           _build_degree_parity)
GNN_PLANES = FamilySpec("gnn-planes", "shallow-gnn", "§4.2",
                        "per-node hidden planes, Gaussian node features (GNN)", _build_gnn_planes)
