"""csqlab.hard.frames: orbit-averaged parities of ReLUs in frame-averaged networks, lesson 9
(Theorem D). Each claim by a second route: the family of csqlab.hard.classical vs the explicit
MLP, frame averaging through models.FrameAveragedMLP vs the backbone, the whole-group frame vs
groups.reynolds, orbit enumeration vs the size floor, fitted scalings of the bound curves."""

import math

import numpy as np
import pytest
import torch

from csqlab import groups as G
from csqlab.hard import classical as C
from csqlab.hard import frames as FR
from csqlab.models import MLP, FrameAveragedMLP

GROUP_CASES = [("cyclic", 8), ("dihedral", 8), ("torus", 9), ("two cycles", 8)]


@pytest.mark.parametrize(("name", "n"), GROUP_CASES)
def test_members_are_mlps_and_frame_averaging_returns_them(name, n):
    """Theorem D: every member of the orbit-averaged ReLU-parity family is computed (float64)
    by the explicit one-hidden-layer MLP with |Orb(S)|·2^k units, is G-invariant, and frame
    averaging it with the argmax, canonicalisation and whole-group frames returns it."""
    group = FR.group_by_name(name, n)
    family = C.parity_of_activations_family(n, 2, group=group)
    for member in range(len(family)):
        certificate = FR.certify_frame_averaged_member(family, member, n_samples=64, seed=member)
        assert certificate.ok(1e-12), certificate
        assert certificate.width == len(G.subset_orbit(group, family.members[member])) * 4
        transitive = name != "two cycles"
        assert len(certificate.frame_errors) == (3 if transitive else 2)


def test_sigmoid_members_with_odd_k():
    """The same for sigmoid units (odd k = 3) under C_7: the MLP uses the family's activation."""
    family = C.parity_of_activations_family(7, 3, "sigmoid", group=G.cyclic(7))
    certificate = FR.certify_frame_averaged_member(family, 2, activation="sigmoid", n_samples=64)
    assert certificate.ok(1e-12), certificate
    assert certificate.width == 7 * 8


def test_network_weights_are_the_construction():
    """The MLP holds ±1/√k on the coordinates of each T ∈ Orb(S) (zeros elsewhere), χ(w)/|Orb|
    output weights and zero biases; without averaging (trivial group) it is f_S itself."""
    group = G.cyclic(6)
    subset = (0, 2)
    network = FR.orbit_parity_network(subset, group)
    first = network.layers[0].weight.detach().numpy()
    orbit = G.subset_orbit(group, subset)
    assert first.shape == (len(orbit) * 4, 6)
    supports = {tuple(np.flatnonzero(row)) for row in first}
    assert supports == {tuple(t) for t in orbit}
    np.testing.assert_allclose(np.abs(first[first != 0]), 1 / math.sqrt(2))
    assert np.all(network.layers[0].bias.detach().numpy() == 0)
    np.testing.assert_allclose(np.abs(network.layers[1].weight.detach().numpy()), 1 / len(orbit))
    x = np.random.default_rng(0).standard_normal((100, 6))
    single = FR.orbit_parity_network(subset, G.trivial(6))
    with torch.no_grad():
        np.testing.assert_allclose(single(torch.from_numpy(x)).numpy(),
                                   C.parity_of_activations(x, subset), atol=1e-13)


def test_frame_averaging_changes_a_non_invariant_backbone():
    """Contrast: f_S alone is not invariant, so frame averaging changes it; with the whole group
    as the frame it becomes exactly R_G f_S (groups.reynolds and the family's raw member)."""
    n = 8
    group = G.cyclic(n)
    family = C.parity_of_activations_family(n, 2, group=group)
    subset = family.members[1]
    single = FR.orbit_parity_network(subset, G.trivial(n))
    x = family.sample(200, seed=1)
    inputs = torch.from_numpy(x)
    with torch.no_grad():
        plain = single(inputs).numpy()
        argmax = FrameAveragedMLP(G.argmax_frame(group), backbone=single)(inputs).numpy()
        whole = FrameAveragedMLP(FR.whole_group_frame(group), backbone=single)(inputs).numpy()
    assert np.abs(argmax - plain).max() > 0.1
    np.testing.assert_allclose(whole, family.evaluate(x, [1], normalised=False)[:, 0], atol=1e-12)
    reynolds = G.reynolds(lambda z: C.parity_of_activations(z, subset), group)(x)
    np.testing.assert_allclose(whole, reynolds, atol=1e-12)


def test_torus_family_orthonormal_by_monte_carlo():
    """Members for the 3×3 torus group are orthonormal (Monte Carlo Gram within 4 SE of I) and
    ‖R_G f_S‖² = ‖f_S‖²/|Orb(S)| (family norms)."""
    group = FR.group_by_name("torus", 9)
    family = C.parity_of_activations_family(9, 2, group=group)
    orbit_sizes = np.array([len(G.subset_orbit(group, s)) for s in family.members])
    np.testing.assert_allclose(np.asarray(family.norm) ** 2,
                               C.parity_of_activations_norm_squared(2) / orbit_sizes)
    estimate = family.gram(method="monte_carlo", n_samples=60_000, seed=2)
    deviation = np.abs(estimate.gram - np.eye(len(family)))
    assert np.all(deviation <= 4 * estimate.standard_error + 1e-12), deviation.max()


# --------------------------------------------------------------------------- sizes and bounds


@pytest.mark.parametrize(("name", "n"), [*GROUP_CASES, ("trivial", 8), ("symmetric", 6)])
def test_family_sizes_against_orbit_enumeration(name, n):
    """#orbits (enumerated by groups.subset_orbits) ≥ C(n, k)/|G| = the floor used by the
    bound; S_n collapses to exactly one orbit; orders by name match the built groups."""
    group = FR.group_by_name(name, n)
    assert FR.group_order_by_name(name, n) == group.order
    for k in (2, 3):
        n_orbits = G.subset_orbits(group, k).n_orbits
        floor = FR.log10_frame_family_size(n, name, k)
        if name == "symmetric":
            assert n_orbits == 1 and floor == 0.0
        else:
            assert floor == pytest.approx(max(0.0, math.log10(math.comb(n, k) / group.order)))
            assert n_orbits >= math.comb(n, k) / group.order


def test_bound_curves_are_quasi_polynomial():
    """Theorem D: with k = log n (even) and |G| ≤ poly(n), log10 q is linear in (ln n)² (r² >
    0.99, slope stable); the cyclic and dihedral curves are the non-symmetric one minus
    log10|G|; τ = n^{−c} enters as −2c log10 n; S_n collapses (m = 1)."""
    ns = np.unique(np.round(np.geomspace(64, 2**20, 25)))
    c = 0.5

    def tolerance(n):
        return n**-c

    plain = FR.frame_averaged_bound_curve(ns, tolerance, "trivial")
    k = C.log_degree(ns, even=True)
    np.testing.assert_allclose(plain.log10_m, C.log10_parity_family_size(ns, k))
    np.testing.assert_allclose(plain.log10_min_queries,
                               plain.log10_m - 2 * c * np.log10(ns) - math.log10(2))
    slopes = []
    for name in ("trivial", "cyclic", "dihedral"):
        curve = FR.frame_averaged_bound_curve(ns, tolerance, name)
        orders = np.array([FR.group_order_by_name(name, int(v)) for v in ns], dtype=float)
        np.testing.assert_allclose(curve.log10_m, plain.log10_m - np.log10(orders))
        fit = FR.fit_against_log_squared(ns, curve.log10_min_queries)
        assert fit.r_squared > 0.99
        slopes.append(fit.slope)
        ratio = curve.log10_min_queries[-5:] / np.log(ns[-5:]) ** 2
        assert np.all((ratio > 0.3) & (ratio < 0.8))
    assert max(slopes) - min(slopes) < 0.05  # a poly(n) group does not change the exponent
    assert 0.4 < slopes[0] < 0.7
    collapsed = FR.frame_averaged_bound_curve(ns, tolerance, "symmetric")
    assert np.all(collapsed.log10_m == 0) and np.all(collapsed.log10_min_queries < 0)


def test_fit_against_log_squared_recovers_a_known_line():
    ns = np.array([10.0, 100.0, 1000.0, 10_000.0])
    fit = FR.fit_against_log_squared(ns, 2.0 * np.log(ns) ** 2 + 1.0)
    assert fit.slope == pytest.approx(2.0) and fit.intercept == pytest.approx(1.0)
    assert fit.r_squared == pytest.approx(1.0)


def test_whole_group_frame_is_the_reynolds_operator():
    group = G.dihedral(5)
    backbone = MLP(5, (7,), seed=3)
    x = torch.from_numpy(np.random.default_rng(4).standard_normal((30, 5)))
    with torch.no_grad():
        averaged = FrameAveragedMLP(FR.whole_group_frame(group), backbone=backbone)(x).numpy()
        reynolds = G.reynolds(lambda z: backbone(z), group)(x).numpy()
    np.testing.assert_allclose(averaged, reynolds, atol=1e-12)
    assert FR.whole_group_frame(group).sizes(x.numpy()).tolist() == [10] * 30


def test_bad_inputs_raise_clear_errors():
    group = G.cyclic(6)
    with pytest.raises(ValueError, match="group must be one of"):
        FR.group_by_name("cube", 6)
    with pytest.raises(ValueError, match="square n"):
        FR.group_by_name("torus", 10)
    with pytest.raises(ValueError, match="activation"):
        FR.orbit_parity_network((0, 1), group, "softplus")
    with pytest.raises(TypeError, match="PermutationGroup"):
        FR.orbit_parity_network((0, 1), "cyclic")
    with pytest.raises(ValueError, match="finite"):
        FR.orbit_parity_network((0, 1), group, output_scale=float("nan"))
    family = C.parity_of_activations_family(6, 2, group=group)
    with pytest.raises(ValueError, match="member must be"):
        FR.member_network(family, 99)
    with pytest.raises(ValueError, match="equal length"):
        FR.fit_against_log_squared([10, 100], [1, 2])
    with pytest.raises(TypeError, match="Frame"):
        FR.certify_frame_averaged_member(family, 0, frames=[G.argmax_frame(G.cyclic(5))])
