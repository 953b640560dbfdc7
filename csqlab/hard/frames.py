"""Frame-averaged networks for any permutation subgroup: orbit-averaged parities of ReLUs
(Theorem D; lesson 9).

Kiani, Le, Lawrence, Jegelka, Weber (ICLR 2024) lift the parities of ReLUs of Goel et al.
(2020) to every permutation subgroup ``G ≤ S_n``. Stated result: for any constant ``c``,
learning frame-averaged networks needs ``n^{Ω(log n)}`` CSQ queries or a query of tolerance
``n^{−c}``. The family itself is :func:`csqlab.hard.parity_of_activations_family` with
``group=G`` (not rebuilt here); this module certifies that its members lie in the
frame-averaged class, builds the network that realises them, and gives sizes and bound
curves for several groups. Checked by a second route in ``tests/test_hard_frames.py``.

The members (x ~ N(0, I_n))
    ``f_S(x) = Σ_{w∈{±1}^k} χ(w) ReLU(⟨w, x_S⟩/√k)`` and, for each orbit of k-subsets,

        R_G f_S = (1/|Orb(S)|) Σ_{T∈Orb(S)} f_T,

    because ``f_S(g·x) = f_{g⁻¹(S)}(x)`` and ``g ↦ g⁻¹(S)`` hits every ``T ∈ Orb(S)`` exactly
    ``|G|/|Orb(S)|`` times (orbit–stabiliser). The ``f_T`` are exactly orthogonal with equal
    norms (sign-flip symmetry), so ``‖R_G f_S‖² = ‖f_S‖²/|Orb(S)|``: nothing cancels, for
    every ``G``, and members from different orbits share no ``f_T``: exactly orthogonal.
    Hence ``m = #orbits ≥ C(n, k)/|G|`` members with ``γ = 0``.

Realisation (:func:`orbit_parity_network`)
    ``R_G f_S`` is a one-hidden-layer :class:`csqlab.models.MLP` with ``|Orb(S)|·2^k`` ReLU
    units: for each ``T ∈ Orb(S)`` and ``w ∈ {±1}^k`` a unit with input weights ``w/√k`` on
    the coordinates ``T`` (zero elsewhere), zero bias, and output weight
    ``χ(w)/|Orb(S)|``. With ``k ≈ log₂ n`` and ``|G| ≤ poly(n)`` the width is ``poly(n)``.

Why it is hard for *every* frame-averaged class (the paper's lifting argument)
    A frame ``F`` gives ``⟨φ⟩_F(x) = (1/|F(x)|) Σ_{g∈F(x)} φ(g⁻¹·x)``. If ``φ`` is already
    ``G``-invariant then every term equals ``φ(x)``, so ``⟨φ⟩_F = φ`` for *any* frame
    (argmax, canonicalisation, the whole group). A frame-averaged class with an MLP backbone
    that can express ``R_G f_S`` therefore contains the whole family
    (:func:`certify_frame_averaged_member` checks this numerically for several frames).

Sizes and the bound (**our** choice of ``k``: ``k = log_degree(n, even=True)``, ``round(log₂ n)``
rounded up to an even number, since ReLU needs even ``k``)
    ``log10 m ≥ log10 C(n, k) − log10 |G|``; with ``k ≈ log₂ n`` and ``|G| ≤ n^a``,
    ``log10 C(n, k) ≈ k log10 n − log10 k! = Θ((log n)²)``, so ``m = n^{Θ(log n)}`` and, with
    ``γ = 0`` and ``τ = n^{−c}``, the counting lemma's ``q ≥ m τ²/2`` is still
    ``10^{Θ((log n)²)}``: a linear fit of ``log10 q`` against ``(ln n)²``
    (:func:`fit_against_log_squared`). ``S_n`` is the exception that collapses the family
    (one orbit per ``k``): ``|S_n| = n!`` is not polynomial.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from csqlab.boolean import _check_int, _finite_array
from csqlab.bounds import BoundCurve
from csqlab.groups import (
    Frame,
    PermutationGroup,
    argmax_frame,
    canonical_frame,
    cyclic,
    dihedral,
    direct_product,
    grid_shifts,
    subset_orbit,
    symmetric,
    trivial,
)
from csqlab.hard.classical import (
    ACTIVATIONS,
    _sign_vectors,
    log_degree,
    parity_bound_curve,
)
from csqlab.hard.family import HardFamily

__all__ = [
    "GROUPS",
    "group_by_name",
    "group_order_by_name",
    "orbit_parity_network",
    "member_network",
    "whole_group_frame",
    "FrameCertificate",
    "certify_frame_averaged_member",
    "log10_frame_family_size",
    "frame_averaged_bound_curve",
    "LogSquaredFit",
    "fit_against_log_squared",
]


# --------------------------------------------------------------------------- groups by name


def _torus(n: int) -> PermutationGroup:
    side = math.isqrt(n)
    if side * side != n:
        raise ValueError(f"the torus group needs a square n, got {n}")
    return grid_shifts(side)


def _two_cycles(n: int) -> PermutationGroup:
    if n % 2:
        raise ValueError(f"C_(n/2) × C_(n/2) needs an even n, got {n}")
    return direct_product(cyclic(n // 2), cyclic(n // 2))


#: Groups of the lesson by name: builder ``n -> G`` and order ``n -> |G|`` (exact ints).
GROUPS: dict[str, tuple[Callable[[int], PermutationGroup], Callable[[int], int]]] = {
    "trivial": (trivial, lambda n: 1),
    "cyclic": (cyclic, lambda n: n),
    "dihedral": (dihedral, lambda n: 2 * n),
    "torus": (_torus, lambda n: n),  # C_r × C_r shifting an r×r image, n = r²
    "two cycles": (_two_cycles, lambda n: (n // 2) ** 2),  # C_(n/2) × C_(n/2) on two blocks
    "symmetric": (symmetric, math.factorial),
}


def _check_group_name(name: str) -> str:
    if name not in GROUPS:
        raise ValueError(f"group must be one of {sorted(GROUPS)}, got {name!r}")
    return name


def group_by_name(name: str, n: int) -> PermutationGroup:
    """The group ``name`` (a key of :data:`GROUPS`) acting on ``n`` points."""
    return GROUPS[_check_group_name(name)][0](_check_int(n, "n", 1))


def group_order_by_name(name: str, n: int) -> int:
    """``|G|`` of the group ``name`` on ``n`` points, without building it."""
    return GROUPS[_check_group_name(name)][1](_check_int(n, "n", 1))


# --------------------------------------------------------------------------- realisation


def orbit_parity_network(subset, group: PermutationGroup, activation: str = "relu",
                         output_scale: float = 1.0, dtype=None):
    """The one-hidden-layer :class:`csqlab.models.MLP` computing ``output_scale · R_G f_S``.

    ``|Orb(S)|·2^k`` units: for ``T ∈ Orb(S)`` (:func:`csqlab.groups.subset_orbit`) and
    ``w ∈ {±1}^k``, input weights ``w/√k`` on the coordinates ``T``, bias 0, output weight
    ``output_scale · χ(w)/|Orb(S)|``; output bias 0. ``activation``: ``"relu"``,
    ``"sigmoid"`` or ``"tanh"`` (the activation ``ψ`` of the family). float64 by default.
    """
    import torch

    from csqlab.models import MLP

    if not isinstance(group, PermutationGroup):
        raise TypeError(f"group must be a csqlab.groups.PermutationGroup, got {type(group).__name__}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    scale = float(output_scale)
    if not math.isfinite(scale):
        raise ValueError(f"output_scale must be finite, got {output_scale}")
    orbit = subset_orbit(group, subset)  # validates the subset, shape (|Orb|, k)
    size, k = orbit.shape
    n = group.degree
    signs, characters = _sign_vectors(k)
    hidden = size * (1 << k)
    first = np.zeros((hidden, n))
    rows = np.arange(hidden).reshape(size, 1 << k)
    for t, subset_t in enumerate(orbit):
        first[rows[t][:, None], subset_t[None, :]] = signs / math.sqrt(k)
    second = np.tile(characters, size)[None, :] * scale / size
    dtype = torch.float64 if dtype is None else dtype
    network = MLP(n, (hidden,), 1, activation=activation, dtype=dtype)
    return network.set_weights([(first, np.zeros(hidden)), (second, np.zeros(1))])


def member_network(family: HardFamily, member: int, activation: str = "relu", dtype=None):
    """:func:`orbit_parity_network` computing the *normalised* member ``member`` of an
    orbit-averaged :func:`csqlab.hard.parity_of_activations_family` (output scale
    ``1/family.norm[member]``); ``activation`` must be the family's."""
    if not isinstance(family, HardFamily):
        raise TypeError(f"family must be a HardFamily, got {type(family).__name__}")
    member = _check_int(member, "member", 0)
    if member >= len(family):
        raise ValueError(f"member must be < {len(family)}, got {member}")
    norms = np.broadcast_to(np.asarray(family.norm, dtype=float), (len(family),))
    return orbit_parity_network(family.members[member], family.group, activation,
                                1.0 / norms[member], dtype)


def whole_group_frame(group: PermutationGroup) -> Frame:
    """The frame ``F(x) = G`` for every ``x``: frame averaging with it is the Reynolds
    operator ``R_G``. Enumerates ``G``."""
    if not isinstance(group, PermutationGroup):
        raise TypeError(f"group must be a csqlab.groups.PermutationGroup, got {type(group).__name__}")
    elements = group.elements()

    def members(x):
        batch = len(x)
        return (np.repeat(np.arange(batch), len(elements)), np.tile(elements, (batch, 1)))

    return Frame(group, f"whole-group frame of {group.name}", members,
                 "F(x) = G (Reynolds operator)")


class FrameCertificate(NamedTuple):
    """What :func:`certify_frame_averaged_member` measured, all in float64 on the same inputs.

    ``realisation_error``: ``max |MLP(x) − f(x)|`` (the network computes the member);
    ``invariance_error``: :func:`csqlab.models.equivariance_error` of the MLP under the group;
    ``frame_errors``: for each frame name, ``max |⟨MLP⟩_F(x) − MLP(x)|`` (frame averaging
    returns the same function); ``width``: hidden units ``|Orb(S)|·2^k``.
    """

    member: tuple
    width: int
    realisation_error: float
    invariance_error: float
    frame_errors: dict

    def ok(self, tolerance: float = 1e-10) -> bool:
        errors = [self.realisation_error, self.invariance_error, *self.frame_errors.values()]
        return max(errors) <= tolerance


def _default_frames(group: PermutationGroup) -> list[Frame]:
    frames = [canonical_frame(group), whole_group_frame(group)]
    if len(np.unique(group.elements()[:, 0])) == group.degree:  # argmax needs transitivity
        frames.insert(0, argmax_frame(group))
    return frames


def certify_frame_averaged_member(family: HardFamily, member: int, activation: str = "relu",
                                  frames=None, n_samples: int = 256, seed: int = 0
                                  ) -> FrameCertificate:
    """Certify that member ``member`` of an orbit-averaged parity family lies in the
    frame-averaged class (Theorem D): build its MLP (:func:`member_network`), compare with
    ``family.evaluate``, check its invariance, and frame-average it with each frame
    (default: the argmax frame when ``G`` is transitive, the canonicalisation frame and the
    whole group) through :class:`csqlab.models.FrameAveragedMLP`, on ``n_samples`` draws.
    """
    import torch

    from csqlab.models import FrameAveragedMLP, equivariance_error

    network = member_network(family, member, activation)
    x = family.sample(_check_int(n_samples, "n_samples", 1), seed=seed)
    inputs = torch.from_numpy(x)
    with torch.no_grad():
        outputs = network(inputs).numpy()
    realisation = float(np.abs(outputs - family.evaluate(x, [member])[:, 0]).max())
    invariance = equivariance_error(network, family.group, inputs, n_elements=32, seed=seed)
    frames = _default_frames(family.group) if frames is None else list(frames)
    errors = {}
    for frame in frames:
        if not isinstance(frame, Frame) or frame.group.degree != family.group.degree:
            raise TypeError(f"frames must be csqlab.groups.Frame objects acting on "
                            f"{family.group.degree} points")
        averaged = FrameAveragedMLP(frame, backbone=network)
        with torch.no_grad():
            errors[frame.name] = float(np.abs(averaged(inputs).numpy() - outputs).max())
    width = network.layers[0].out_features
    return FrameCertificate(tuple(family.members[member]), width, realisation,
                            invariance.max_error, errors)


# --------------------------------------------------------------------------- sizes and bounds


def _degrees(ns: np.ndarray, k) -> np.ndarray:
    if k is None:
        return np.atleast_1d(log_degree(ns, even=True))
    return np.broadcast_to(np.asarray(_check_int(k, "k", 1)), ns.shape)


def log10_frame_family_size(n, group: str = "cyclic", k=None) -> float | np.ndarray:
    """``log10`` of the family size for the named group: the exact ``0`` (one orbit) for
    ``"symmetric"``, else the floor ``log10(C(n, k)/|G|)`` (clipped at 0), with
    ``k = log_degree(n, even=True)`` by default. Elementwise in ``n``."""
    from csqlab.hard.classical import log10_orbit_family_size_lower_bound

    group = _check_group_name(group)
    ns = np.atleast_1d(_finite_array(n, "n"))
    if np.any(ns < 1) or np.any(ns != np.round(ns)):
        raise ValueError("n must be integers >= 1")
    degrees = _degrees(ns, k)
    if group == "symmetric":
        value = np.zeros(len(ns))
    else:
        orders = np.array([GROUPS[group][1](int(v)) for v in ns], dtype=float)
        value = np.atleast_1d(log10_orbit_family_size_lower_bound(ns, degrees, orders))
    return float(value[0]) if np.ndim(n) == 0 else value


def frame_averaged_bound_curve(ns, tolerance, group: str = "cyclic", k=None) -> BoundCurve:
    """Counting-lemma curve for the orbit-averaged parities of ReLUs under the named group
    (Theorem D): ``γ = 0``, ``log10 m`` from :func:`log10_frame_family_size`
    (``k = log_degree(n, even=True)`` by default); ``tolerance`` a number, array or callable
    of ``n`` (e.g. ``lambda n: n**-c``). ``group="trivial"`` is the non-symmetric bound it
    lifts (Goel et al. 2020)."""
    from csqlab.bounds import bound_curve

    ns = _finite_array(ns, "ns")
    if ns.ndim != 1 or ns.size == 0:
        raise ValueError(f"ns must be a non-empty 1-D array, got shape {ns.shape}")
    group = _check_group_name(group)
    if group == "symmetric":
        return bound_curve(ns, np.zeros(len(ns)), 0.0, tolerance)
    orders = np.array([GROUPS[group][1](int(v)) for v in ns], dtype=float)
    return parity_bound_curve(ns, tolerance, _degrees(ns, k), orders)


class LogSquaredFit(NamedTuple):
    """Least-squares line ``y ≈ slope·(ln n)² + intercept`` and its coefficient of
    determination ``r_squared``."""

    slope: float
    intercept: float
    r_squared: float


def fit_against_log_squared(ns, values) -> LogSquaredFit:
    """Fit ``values`` (e.g. ``log10 q``) against ``(ln n)²``: a good straight line (``r² ≈ 1``)
    with positive slope means ``q = n^{Θ(log n)}``, quasi-polynomial."""
    ns = _finite_array(ns, "ns")
    values = _finite_array(values, "values")
    if ns.ndim != 1 or ns.shape != values.shape or ns.size < 3:
        raise ValueError(f"ns and values must be 1-D of equal length >= 3, got shapes "
                         f"{ns.shape} and {values.shape}")
    if np.any(ns <= 1):
        raise ValueError("ns must be > 1")
    design = np.log(ns) ** 2
    slope, intercept = np.polyfit(design, values, 1)
    residual = values - (slope * design + intercept)
    total = float(np.sum((values - values.mean()) ** 2))
    r_squared = 1.0 - float(np.sum(residual**2)) / total if total > 0 else 1.0
    return LogSquaredFit(float(slope), float(intercept), r_squared)
