"""Teachers evaluated together: ``family.evaluate(x, members)`` computes every requested
member in one pass (the sweep engine asks for all seeds' teachers at every step); each column
must equal that member evaluated alone, by the family's own single-member route, for members
in any order, repeated, on every family whose evaluation is batched over members."""

import numpy as np
import pytest

from csqlab import groups
from csqlab.hard import classical, cnn, gnn, polynomials


def _ring(n):
    adjacency = np.zeros((n, n))
    for i in range(n):
        adjacency[i, (i + 1) % n] = adjacency[(i + 1) % n, i] = 1.0
    return adjacency


FAMILIES = {
    "sparse parities": lambda: classical.parity_family(9, 3),
    "orbit parities of ReLUs (C_8)": lambda: classical.parity_of_activations_family(
        8, 4, group=groups.cyclic(8)),
    "orbit parities of ReLUs (C_9, odd orbits)": lambda: classical.parity_of_activations_family(
        9, 3, activation="sigmoid", group=groups.cyclic(9)),
    "CNN hidden planes": lambda: cnn.group_averaged_plane_family(8, 4, n_planes=6, seed=1),
    "CNN hidden planes, 3 columns": lambda: cnn.group_averaged_plane_family(
        6, 2, n_planes=5, columns=3, seed=2),
    "GNN hidden planes": lambda: gnn.gnn_hidden_plane_family(_ring(6), 5, 2, n_planes=5, seed=3),
    "set monomials": lambda: polynomials.set_monomial_family(5, 6, 3),
}


@pytest.mark.parametrize("name", FAMILIES)
def test_members_evaluated_together_equal_each_alone(name):
    family = FAMILIES[name]()
    x = family.sample(40, seed=0)
    count = len(family.members)
    members = [count - 1, 0, count // 2, 0, 1, count - 1]  # unordered, repeated
    together = family.evaluate(x, members)
    alone = np.stack([family.evaluate(x, [m])[:, 0] for m in members], axis=1)
    assert together.shape == (40, len(members))
    np.testing.assert_allclose(together, alone, rtol=1e-12, atol=1e-13)
    # every member at once, as the sweep engine asks for the seeds' teachers
    everything = family.evaluate(x)
    np.testing.assert_allclose(everything[:, members], alone, rtol=1e-12, atol=1e-13)
    assert np.std(alone, axis=0).min() > 0  # no member is a constant: the check can fail


@pytest.mark.parametrize("name", FAMILIES)
def test_members_split_into_chunks_give_the_same_columns(name, monkeypatch):
    """With a tiny budget every member is its own chunk (as for a large Monte Carlo batch):
    the same values, to round-off, as all members in one product."""
    from csqlab.hard import family as family_module

    family = FAMILIES[name]()
    x = family.sample(30, seed=1)
    together = family.evaluate(x)
    calls = []
    real = family_module.evaluate_in_chunks

    def counting(evaluate, batch, indices, per_member):
        """Records the members of the call (positive) and of each chunk (negative)."""
        calls.append(len(indices))

        def one_chunk(b, chunk):
            calls.append(-len(chunk))
            return evaluate(b, chunk)

        return real(one_chunk, batch, indices, per_member)

    monkeypatch.setattr(family_module, "_EVALUATION_BUDGET", 1)
    for module in (classical, cnn, gnn, polynomials):
        if hasattr(module, "evaluate_in_chunks"):
            monkeypatch.setattr(module, "evaluate_in_chunks", counting)
    family = FAMILIES[name]()  # built again: its evaluation now goes through `counting`
    split = family.evaluate(x)
    np.testing.assert_allclose(split, together, rtol=1e-12, atol=1e-13)
    assert calls[0] == len(family.members) and all(c == -1 for c in calls[1:])  # one by one
    assert len(calls) == 1 + len(family.members)
