"""Checks for lesson 9 (lower bounds for CNNs and frame-averaged networks).

Each check tests properties of the learner's answer against an independent reference: the
exact group-averaged norms of :mod:`csqlab.hard.cnn`, Monte Carlo through
:func:`csqlab.groups.reynolds`, the orbit-averaged family of :mod:`csqlab.hard.classical`
and the invariance of the resulting function.
"""

from __future__ import annotations

import math

import numpy as np

from csqlab import groups
from csqlab.checks._core import Property, run_check
from csqlab.hard import classical, cnn


def _as_float(value, what: str) -> float:
    value = float(value)
    assert math.isfinite(value), f"{what} is not a finite number"
    return value


# --------------------------------------------------------------------------- Exercise 9.1


def ex9_1(averaged_norm_squared):
    """Exercise 9.1: ``averaged_norm_squared(plane, k, group)`` returns ``‖R_G φ_U‖²`` exactly
    (unit-norm ``φ_U``), through the averaging identity."""
    planes = classical.random_planes(3, 8, seed=91)

    def trivial_group(fn):
        value = _as_float(fn(planes[0], 4, groups.trivial(8)), "the value")
        assert abs(value - 1.0) < 1e-9, f"with the trivial group R_G φ = φ has norm 1, got {value:.4g}"
        return True

    def cyclic_group(fn):
        for plane in planes:
            value = _as_float(fn(plane, 4, groups.cyclic(8)), "the value")
            expected = cnn.group_averaged_norm_squared(plane, 4, groups.cyclic(8))
            assert abs(value - expected) < 1e-9, (
                f"under C_8 expected about {expected:.4f}, got {value:.4f}")
        return True

    def other_group(fn):
        group = groups.dihedral(8)
        value = _as_float(fn(planes[1], 2, group), "the value")
        x = np.random.default_rng(92).standard_normal((20_000, 8))
        norm = math.sqrt(classical.hidden_plane_norm_squared(2))
        averaged = groups.reynolds(lambda z: classical.hidden_plane_function(
            *(z @ planes[1].T).T, 2) / norm, group)(x)
        estimate, error = float(np.mean(averaged**2)), float(np.std(averaged**2) / math.sqrt(len(x)))
        assert abs(value - estimate) < 5 * error + 1e-9, (
            f"under D_8 with k = 2 Monte Carlo gives {estimate:.4f} ± {error:.4f}, got {value:.4f}")
        return True

    return run_check("9.1", averaged_norm_squared, [
        Property("the trivial group gives 1", trivial_group,
                 "with G = {e} the sum has one term, ⟨φ_U, φ_U⟩ = 1"),
        Property("matches the exact value under cyclic shifts", cyclic_group,
                 "average ⟨φ_U, φ_U∘h⟩ over all h; which plane computes φ_U∘h? (g·x = x[g⁻¹])"),
        Property("agrees with Monte Carlo under the dihedral group", other_group,
                 "use the group's own elements; do not assume shifts"),
    ])


# --------------------------------------------------------------------------- Exercise 9.2


def ex9_2(orbit_parity_weights):
    """Exercise 9.2: ``orbit_parity_weights(subset, group)`` returns first-layer weights
    ``(units, n)`` and output weights ``(units,)`` of a ReLU network (no biases) computing
    ``R_G f_S``."""
    cases = [((0, 1), groups.cyclic(6)), ((0, 2), groups.cyclic(6)), ((0, 3), groups.dihedral(6)),
             ((0, 1, 2, 4), groups.cyclic(7))]
    x = np.random.default_rng(93).standard_normal((200, 7))

    def network(fn, subset, group):
        first, second = fn(subset, group)
        first, second = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
        assert first.ndim == 2 and first.shape[1] == group.degree, (
            f"first-layer weights must have shape (units, {group.degree}), got {first.shape}")
        assert second.shape == (first.shape[0],), (
            f"output weights must have shape ({first.shape[0]},), got {second.shape}")
        points = x[:, : group.degree]
        return np.maximum(points @ first.T, 0.0) @ second, points

    def single_subset(fn):
        values, points = network(fn, (0, 1), groups.trivial(6))
        expected = classical.parity_of_activations(points, (0, 1))
        assert np.allclose(values, expected, atol=1e-10), "with the trivial group it should be f_S"
        return True

    def averaged(fn):
        for subset, group in cases:
            values, points = network(fn, subset, group)
            expected = groups.reynolds(lambda z, s=subset: classical.parity_of_activations(z, s),
                                       group)(points)
            assert np.allclose(values, expected, atol=1e-10), (
                f"wrong function for S = {subset} under {group.name}")
        return True

    def width(fn):
        for subset, group in cases:
            first, _ = fn(subset, group)
            expected = len(groups.subset_orbit(group, subset)) * 2 ** len(subset)
            assert np.shape(first)[0] == expected, (
                f"S = {subset} under {group.name}: expected |Orb(S)|·2^k = {expected} units, "
                f"got {np.shape(first)[0]}")
        return True

    return run_check("9.2", orbit_parity_weights, [
        Property("the trivial group gives the parity of ReLUs f_S", single_subset,
                 "one unit per sign vector w, input weights w/√k on the coordinates of S"),
        Property("computes R_G f_S for several groups", averaged,
                 "R_G f_S averages f_T over the orbit of S; mind the 1/|Orb(S)|"),
        Property("uses |Orb(S)|·2^k units", width, "one block of 2^k units per subset in the orbit"),
    ])


# --------------------------------------------------------------------------- Exercise 9.3


def _plane(beta: float, n: int = 6) -> np.ndarray:
    plane = np.zeros((2, n))
    plane[0, :2] = (math.cos(beta), math.sin(beta))
    plane[1, :2] = (-math.sin(beta), math.cos(beta))
    return plane


def ex9_3(cancelling_angle):
    """Exercise 9.3: ``cancelling_angle(k)`` returns ``β`` such that the plane with rows
    ``(cos β, sin β, 0, …)``, ``(−sin β, cos β, 0, …)`` cancels under ``G = {e, (0 1)}``."""
    _, group = cnn.cancelling_plane(6, 2)

    def cancels(fn):
        for k in (2, 4, 6, 8):
            beta = _as_float(fn(k), f"cancelling_angle({k})")
            value = cnn.group_averaged_norm_squared(_plane(beta), k, group)
            assert value < 1e-12, f"k = {k}: ‖R_G φ_U‖² = {value:.3g}, not 0"
        return True

    def one_number(fn):
        for k in (2, 4, 6, 8):
            value = fn(k)
            assert np.ndim(value) == 0, f"cancelling_angle({k}) must return one number"
            _as_float(value, f"cancelling_angle({k})")
        return True

    return run_check("9.3", cancelling_angle, [
        Property("the averaged function vanishes for k = 2, 4, 6, 8", cancels,
                 "the swap reflects span(e_0, e_1) across e_0 + e_1; F changes sign under a "
                 "reflection across the axis at angle π/(2k) in U's coordinates"),
        Property("returns one real angle per k", one_number, "return a float (radians)"),
    ])


# --------------------------------------------------------------------------- Exercise 9.4

# (n, number of planes, seed) for the exact comparisons: cyclic shifts, k = 8; the hypothesis
# (|G| − 1) t^k < 1 holds for both (t ≈ 0.50 and 0.32)
_PLANE_CASES = ((64, 3, 9), (128, 3, 9))


def _pieces(fn, overlap, k, order) -> dict:
    answer = fn(overlap, k, order)
    assert isinstance(answer, dict), f"return a dict, got {type(answer).__name__}"
    missing = {"inner", "norm_squared", "gamma"} - set(answer)
    assert not missing, f"the dict lacks {sorted(missing)}"
    return {key: _as_float(answer[key], f'"{key}"') for key in ("inner", "norm_squared", "gamma")}


def ex9_4(gamma_bound_pieces):
    """Exercise 9.4 (a derivation): ``gamma_bound_pieces(overlap, k, group_order)`` returns the
    learner's three bounds — on ``|⟨R_G φ_{U_i}, R_G φ_{U_j}⟩|``, on ``‖R_G φ_U‖²`` from below,
    and on ``γ`` — for planes whose cross and self overlaps under ``G`` are at most ``t``. Each
    piece is compared with the exact values of :mod:`csqlab.hard.cnn` for random planes in
    ``R^64`` and ``R^128`` under cyclic shifts (the bounds must hold), and with the closed forms
    of the derivation (the bounds must be the ones derived, not looser)."""
    grid = [(t, k, order) for t in (0.05, 0.2, 0.4) for k in (4, 8) for order in (1, 8, 64)]

    def trivial_group(fn):
        for t, k, _ in grid:
            pieces = _pieces(fn, t, k, 1)
            assert abs(pieces["norm_squared"] - 1.0) < 1e-12, (
                f"|G| = 1: R_G φ = φ has squared norm exactly 1, got {pieces['norm_squared']:.4g}")
            assert abs(pieces["gamma"] - t**k) < 1e-12 * max(1.0, t**k), (
                f"|G| = 1, t = {t}, k = {k}: γ should be lesson 6's t^k, got {pieces['gamma']:.4g}")
        return True

    def holds_for_real_planes(fn):
        for n, count, seed in _PLANE_CASES:
            planes = classical.random_planes(count, n, seed=seed)
            group = groups.cyclic(n)
            t = cnn.group_overlaps(planes, group).overlap
            pieces = _pieces(fn, t, 8, n)
            family = cnn.group_averaged_plane_family(n, 8, planes=planes)
            inner = max(abs(cnn.group_averaged_inner_product(planes[i], planes[j], 8, group))
                        for i in range(count) for j in range(count) if i != j)
            norm = min(cnn.group_averaged_norm_squared(p, 8, group) for p in planes)
            assert inner <= pieces["inner"], (
                f"R^{n}: the exact |⟨R φ_U, R φ_V⟩| = {inner:.3g} exceeds your bound "
                f"{pieces['inner']:.3g}")
            assert norm >= pieces["norm_squared"], (
                f"R^{n}: the exact ‖R φ_U‖² = {norm:.4g} is below your lower bound "
                f"{pieces['norm_squared']:.4g}")
            assert family.gamma <= pieces["gamma"], (
                f"R^{n}: the exact γ = {family.gamma:.3g} exceeds your bound {pieces['gamma']:.3g}")
        return True

    def derived(fn):
        for t, k, order in grid:
            pieces = _pieces(fn, t, k, order)
            floor = (1.0 - (order - 1) * t**k) / order
            for name, expected in (("inner", t**k), ("norm_squared", floor)):
                assert math.isclose(pieces[name], expected, rel_tol=1e-9, abs_tol=1e-15), (
                    f"t = {t}, k = {k}, |G| = {order}: {name} = {pieces[name]:.6g} is not the "
                    "bound the derivation gives")
            if floor > 0:
                expected = min(1.0, float(cnn.group_averaged_gamma_bound(t, k, order)))
                assert math.isclose(pieces["gamma"], expected, rel_tol=1e-9), (
                    f"t = {t}, k = {k}, |G| = {order}: γ bound {pieces['gamma']:.6g} does not "
                    "follow from your two pieces")
        return True

    def vacuous(fn):
        for t, k, order in ((0.9, 4, 64), (0.5, 4, 16), (1.0, 8, 2)):
            gamma = _pieces(fn, t, k, order)["gamma"]
            assert gamma == 1.0, (
                f"t = {t}, k = {k}, |G| = {order}: (|G| − 1)t^k ≥ 1, so the norm bound is not "
                f"positive and only γ ≤ 1 remains; got {gamma:.4g}")
        return True

    return run_check("9.4", gamma_bound_pieces, [
        Property("|G| = 1 gives norm 1 and lesson 6's γ ≤ t^k", trivial_group,
                 "with one group element nothing is averaged"),
        Property("each bound holds for exact values (random planes in R^64, R^128, C_n, k = 8)",
                 holds_for_real_planes,
                 "the numerator: |G| terms, each at most t^k, divided by |G|; the norm: the term "
                 "h = e is 1, each other term is at least −t^k"),
        Property("the bounds are the ones the derivation gives", derived,
                 "γ = (bound on the inner product) / (lower bound on the squared norm)"),
        Property("γ ≤ 1 where the norm bound is not positive", vacuous,
                 "a normalised correlation never exceeds 1"),
    ])
