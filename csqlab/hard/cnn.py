"""Group-averaged hidden planes: the hard family for CNNs and group-averaged networks
(Theorem C; lesson 9).

Kiani, Le, Lawrence, Jegelka, Weber (ICLR 2024) prove a CSQ lower bound for the class

    f(X) = (1/|G|) Σ_{g∈G} aᵀ σ(Wᵀ g⁻¹·X) 1_d,   X ∈ R^{n×d},  W ∈ R^{n×2k},  a ∈ R^{2k},

with ``G`` a permutation group acting on the ``n`` rows of ``X``; for ``G = C_n`` (cyclic
shifts) this is a CNN with full-width circular filters, ReLU and global average pooling
(:class:`csqlab.models.GroupAveragedNetwork`, :class:`csqlab.models.CircularCNN`). The stated
result: either ``2^{n^{Ω(1)}}/|G|²`` queries or a query of tolerance
``≤ |G|·2^{−n^{Ω(1)}} + √|G|·n^{−Ω(k)}``. The family below is built to satisfy it; its
constants (overlap ``t = n^{c−1/2}``, the deletion estimate of the family size) are
**ours**, and the paper's exact construction may differ. Every formula is checked by a
second route in ``tests/test_hard_cnn.py``.

Members
    For a plane ``U ∈ R^{2×n}`` (orthonormal rows) let ``φ_U(x) = F(Ux)/‖F‖`` be the
    hidden-plane function of DKKZ 2020 (:func:`csqlab.hard.hidden_plane_function`,
    ``‖φ_U‖ = 1`` under ``x ~ N(0, I_n)``). The member is

        f_U = R_G φ_U / ‖R_G φ_U‖,     (R_G φ)(x) = (1/|G|) Σ_g φ(g·x),

    and with ``d`` columns, ``f_U(X) ∝ Σ_c (R_G φ_U)(x_c)``. It is *computed by the class*:
    ``W = [Uᵀθ_1, …, Uᵀθ_{2k}]``, ``θ_m = (cos πm/k, sin πm/k)``, ``a_m = (−1)^m`` give
    ``aᵀσ(Wᵀ y) = F(Uy)`` for every column ``y``, so the network is ``‖F‖ · Σ_c R_G φ_U(x_c)``
    (:func:`group_averaged_plane_network`). Columns are independent and ``E[φ_U] = 0`` (F has
    no Hermite mass below degree ``k``), so cross-column terms vanish: the squared norm is
    ``d`` times the one-column value and normalised correlations do not depend on ``d``.

The group averaging identity (the group averaging identity, lessons/notes/glossary.md; the paper's lifting argument)
    For a ``G``-invariant distribution ``D`` (here ``N(0, I_n)``: permutations are
    orthogonal),

        ⟨R_G f, R_G g⟩ = (1/|G|²) Σ_{a,b} E[f(a·x) g(b·x)]
                       = (1/|G|²) Σ_{a,b} E[f(x) g(b a⁻¹·x)]        (x ↦ a⁻¹·x keeps D)
                       = (1/|G|) Σ_h ⟨f, g∘h⟩,                      (h = b a⁻¹ runs over G)

    with ``(g∘h)(x) = g(h·x)``. For hidden planes ``φ_V(h·x) = F(V P_h x)/‖F‖ = φ_{V[:, h]}(x)``
    (``P_h x = x[h⁻¹]``; :func:`translated_planes`), so every term is an exact hidden-plane
    correlation (arc-cosine kernel, :func:`csqlab.hard.hidden_plane_correlation`):

        ⟨R_G φ_U, R_G φ_V⟩ = (1/|G|) Σ_h ⟨φ_U, φ_{V[:, h]}⟩          (:func:`group_averaged_inner_product`).

Why the ``|G|`` factors (our derivation)
    Write ``c(U, V) = ⟨φ_U, φ_V⟩``; by DKKZ's Hermite bound ``|c(U, V)| ≤ ‖UVᵀ‖^k``. Suppose
    the planes satisfy, for a threshold ``t``,

    * *cross overlaps*: ``‖U_i P_h U_jᵀ‖_op ≤ t`` for all ``i ≠ j`` and all ``h ∈ G``;
    * *self overlaps*: ``‖U_i P_h U_iᵀ‖_op ≤ t`` for all ``i`` and ``h ≠ e``.

    Then ``‖R_G φ_U‖² = (1/|G|)(1 + Σ_{h≠e} c(U, U[:, h])) ≥ (1 − (|G| − 1)t^k)/|G|`` (the norm
    shrinks to ``≈ 1/|G|``: the paper's ``‖R_G f‖² ≈ ‖F‖²/|G|``), while ``|⟨R φ_U, R φ_V⟩| ≤ t^k``.
    So the normalised correlation grows by about ``|G|``:

        γ ≤ |G| t^k / (1 − (|G| − 1) t^k)                          (:func:`group_averaged_gamma_bound`).

    With ``t = n^{c−1/2}``: ``√γ ≈ √|G| n^{−(1/2−c)k/2} = √|G|·n^{−Ω(k)}``, the paper's second
    tolerance term. (Random planes usually do better: the ``|G|`` cross terms have random
    signs, so the measured ``γ`` grows more like ``√|G|``.)

    *Family size.* For independent uniform planes ``U, V`` and a fixed ``h``, ``V[:, h]`` is
    again uniform and independent of ``U``, so ``P(‖U P_h Vᵀ‖ > t) ≤ p(t)``, the tail of
    :func:`csqlab.hard.random_plane_overlap_tail`; a union bound over the ``|G|`` elements
    makes a pair bad with probability ``≤ |G| p(t)``. The deletion argument of
    :func:`csqlab.hard.log10_hidden_plane_family_size` with ``N = 1/(|G| p)`` planes then keeps
    ``≥ 1/(2|G| p)`` of them: ``log10 m ≥ log10 m_plain(n, t) − log10 |G|``
    (:func:`log10_group_averaged_plane_family_size`). Self overlaps are *not* covered by this
    argument (``U`` and ``U[:, h]`` are dependent); for the held families they are measured
    (:func:`group_overlaps`) and for fixed-point-free groups such as ``C_n`` they are of the
    same order as cross overlaps (checked in the tests). The paper states ``/|G|²``; the
    averaging identity reduces the ``|G|²`` pairs ``(a, b)`` to ``|G|`` elements ``h = b a⁻¹``,
    so one factor suffices here. In the counting lemma, ``q`` queries force
    ``τ² ≤ γ + 2q/m``, i.e. ``τ ≲ √|G|·n^{−Ω(k)} + √(q|G|)·2^{−n^{Ω(1)}}``
    (the paper's ``|G|·2^{−n^{Ω(1)}}`` is the same term with ``m ∝ 1/|G|²``).

Caveat: groups that *cancel*
    The norm shrink needs small self overlaps. A group element with many fixed points moves
    few coordinates, so ``U P_h Uᵀ ≈ I`` for a random plane (no shrink), and for a plane
    aligned with it the average can vanish: the transposition ``h = (0 1)`` acts on
    ``span(e_0, e_1)`` as a reflection; placing ``U`` in that span so that the reflection
    axis sits at angle ``π/(2k)`` in ``U``'s coordinates gives ``F(U P_h x) = −F(Ux)`` and
    ``R_G φ_U ≡ 0`` for ``G = {e, h}`` (:func:`cancelling_plane`). Cyclic shifts have no
    fixed points (``h ≠ e``), and random planes are safe.

A short online gradient-descent run on a member is
:func:`csqlab.training.members.train_cnn_student` (training code lives above the families).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from csqlab.boolean import _check_int, _check_real, _finite_array
from csqlab.bounds import BoundCurve, bound_curve
from csqlab.groups import PermutationGroup, cyclic, generated_group
from csqlab.hard.classical import (
    _hidden_plane_row_correlations,
    _plane_directions,
    hidden_plane_norm_squared,
    log10_hidden_plane_family_size,
    random_planes,
)
from csqlab.hard.family import HardFamily, evaluate_in_chunks

__all__ = [
    "MAX_GROUP_ORDER",
    "translated_planes",
    "group_averaged_inner_product",
    "group_averaged_norm_squared",
    "GroupOverlaps",
    "group_overlaps",
    "group_averaged_gamma_bound",
    "group_averaged_plane_weights",
    "group_averaged_plane_network",
    "group_averaged_plane_family",
    "cancelling_plane",
    "log10_group_averaged_plane_family_size",
    "group_averaged_plane_bound_curve",
]

#: Largest group a family or inner product enumerates (every term is one kernel sum).
MAX_GROUP_ORDER = 5_000

# A group-averaged member whose squared norm is below this is treated as cancelled.
_CANCELLED = 1e-12


# --------------------------------------------------------------------------- validation


def _check_group(group, n: int) -> PermutationGroup:
    if group is None:
        return cyclic(n)
    if not isinstance(group, PermutationGroup):
        raise TypeError(f"group must be a csqlab.groups.PermutationGroup, got {type(group).__name__}")
    if group.degree != n:
        raise ValueError(f"group must act on n = {n} points, got {group.name} of degree "
                         f"{group.degree}")
    if group.order > MAX_GROUP_ORDER:
        raise ValueError(f"group must have at most MAX_GROUP_ORDER = {MAX_GROUP_ORDER} elements "
                         f"to be enumerated, got |G| = {group.order}")
    return group


def _check_plane(plane, name: str, n: int | None = None) -> np.ndarray:
    plane = _finite_array(plane, name)
    if plane.ndim != 2 or plane.shape[0] != 2 or plane.shape[1] < 2:
        raise ValueError(f"{name} must have shape (2, n) with n >= 2, got shape {plane.shape}")
    if n is not None and plane.shape[1] != n:
        raise ValueError(f"{name} must have shape (2, {n}), got shape {plane.shape}")
    if not np.allclose(plane @ plane.T, np.eye(2), atol=1e-8):
        raise ValueError(f"{name} must have orthonormal rows (U Uᵀ = I_2)")
    return plane


def _check_planes(planes, n: int) -> np.ndarray:
    planes = _finite_array(planes, "planes")
    if planes.ndim != 3 or planes.shape[1:] != (2, n):
        raise ValueError(f"planes must have shape (m, 2, {n}), got shape {planes.shape}")
    gram = planes @ np.transpose(planes, (0, 2, 1))
    bad = np.flatnonzero(~np.all(np.isclose(gram, np.eye(2), atol=1e-8), axis=(1, 2)))
    if bad.size:
        raise ValueError(f"planes must have orthonormal rows; planes[{int(bad[0])}] does not")
    return planes


# --------------------------------------------------------------------------- exact inner products


def translated_planes(plane, group: PermutationGroup) -> np.ndarray:
    """The planes ``U[:, h]`` for every ``h ∈ G`` (in ``group.elements()`` order), shape
    ``(|G|, 2, n)``: ``φ_U(h·x) = F(U P_h x)/‖F‖ = φ_{U[:, h]}(x)`` because ``P_h x = x[h⁻¹]``."""
    plane = _check_plane(plane, "plane")
    group = _check_group(group, plane.shape[1])
    return np.transpose(plane[:, group.elements()], (1, 0, 2))


def _averaged_rows(plane: np.ndarray, translates: np.ndarray, k: int, order: int) -> np.ndarray:
    """(1/|G|) Σ_h c(U, V_j[:, h]) for every V_j; translates has shape (m, |G|, 2, n)."""
    m = translates.shape[0]
    raw = _hidden_plane_row_correlations(plane, translates.reshape(m * order, 2, -1), k)
    return raw.reshape(m, order).mean(axis=1) / hidden_plane_norm_squared(k)


def group_averaged_inner_product(plane_u, plane_v, k: int, group: PermutationGroup | None = None
                                 ) -> float:
    """Exact ``⟨R_G φ_U, R_G φ_V⟩ = (1/|G|) Σ_h ⟨φ_U, φ_{V[:, h]}⟩`` under ``N(0, I_n)``.

    ``φ_U = F(U·)/‖F‖`` has unit norm; each term is the arc-cosine kernel sum of
    :func:`csqlab.hard.hidden_plane_correlation`. ``group`` defaults to ``C_n``. The averaging
    identity behind it is derived in the module docstring.
    """
    hidden_plane_norm_squared(k)  # validates k and refuses odd k >= 3 (F ≡ 0)
    plane_u = _check_plane(plane_u, "plane_u")
    plane_v = _check_plane(plane_v, "plane_v", plane_u.shape[1])
    group = _check_group(group, plane_u.shape[1])
    translates = translated_planes(plane_v, group)[None]
    return float(_averaged_rows(plane_u, translates, k, group.order)[0])


def group_averaged_norm_squared(plane, k: int, group: PermutationGroup | None = None) -> float:
    """Exact ``‖R_G φ_U‖²`` (``‖φ_U‖ = 1``): ``(1/|G|)(1 + Σ_{h≠e} ⟨φ_U, φ_{U[:, h]}⟩)``.

    About ``1/|G|`` when the self overlaps ``‖U P_h Uᵀ‖`` (``h ≠ e``) are small — Theorem C's
    ``‖R_G f‖² ≈ ‖F‖²/|G|`` (``n = 32``, ``k = 4``, cyclic shifts: ``≈ 1/32``); 0 for a
    cancelling plane (:func:`cancelling_plane`).
    """
    return group_averaged_inner_product(plane, plane, k, group)


class GroupOverlaps(NamedTuple):
    """Largest overlaps of a set of planes under a group (module docstring, "Why the |G|").

    ``cross = max_{i≠j, h∈G} ‖U_i P_h U_jᵀ‖_op`` (0 for one plane),
    ``self = max_i max_{h≠e} ‖U_i P_h U_iᵀ‖_op`` (0 for the trivial group);
    ``overlap = max(cross, self)`` is the ``t`` of :func:`group_averaged_gamma_bound`.
    """

    n_planes: int
    n: int
    group_order: int
    cross: float
    self: float

    @property
    def overlap(self) -> float:
        return max(self.cross, self.self)


def group_overlaps(planes, group: PermutationGroup | None = None) -> GroupOverlaps:
    """The cross and self overlaps of ``planes`` (shape ``(m, 2, n)``) under ``group``
    (default ``C_n``): ``‖U_i P_h U_jᵀ‖_op = ‖U_i (U_j[:, h⁻¹])ᵀ‖_op``, the largest singular
    value of a 2×2 matrix; all ``h`` are enumerated."""
    planes = _finite_array(planes, "planes")
    if planes.ndim != 3 or planes.shape[1] != 2:
        raise ValueError(f"planes must have shape (m, 2, n), got shape {planes.shape}")
    n = planes.shape[2]
    planes = _check_planes(planes, n)
    group = _check_group(group, n)
    elements = group.elements()
    translates = planes[:, :, elements]  # (m, 2, |G|, n): U_j[:, h]
    cross = np.einsum("iad,jbhd->ijhab", planes, translates)
    norms = np.linalg.norm(cross, ord=2, axis=(3, 4))  # (m, m, |G|)
    m = len(planes)
    off = ~np.eye(m, dtype=bool)
    cross_max = float(norms[off].max()) if m > 1 else 0.0
    identity = np.all(elements == np.arange(n), axis=1)
    diagonal = norms[np.arange(m), np.arange(m)][:, ~identity]
    self_max = float(diagonal.max()) if diagonal.size else 0.0
    return GroupOverlaps(m, n, group.order, cross_max, self_max)


def group_averaged_gamma_bound(overlap, k: int, group_order) -> float | np.ndarray:
    """Our bound ``γ ≤ |G| t^k / (1 − (|G| − 1) t^k)`` (capped at 1) for planes whose cross and
    self overlaps under ``G`` are at most ``t = overlap`` (module docstring). Elementwise."""
    k = _check_int(k, "k", 1)
    t = _finite_array(overlap, "overlap")
    order = _finite_array(group_order, "group_order")
    if np.any((t < 0) | (t > 1)):
        raise ValueError("overlap must be in [0, 1]")
    if np.any(order < 1):
        raise ValueError("group_order must be >= 1")
    denominator = 1.0 - (order - 1.0) * t**k
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(denominator > 0, order * t**k / denominator, 1.0)
    value = np.minimum(value, 1.0)
    return float(value) if value.ndim == 0 else value


# --------------------------------------------------------------------------- the realising network


def group_averaged_plane_weights(plane, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``W = [Uᵀθ_1, …, Uᵀθ_{2k}]`` (shape ``(n, 2k)``) and ``a = ((−1)^m)_m``, so that
    ``aᵀ ReLU(Wᵀ y) = F(Uy)`` for every ``y ∈ R^n``."""
    hidden_plane_norm_squared(k)
    plane = _check_plane(plane, "plane")
    directions, signs = _plane_directions(k)
    return plane.T @ directions.T, signs


def group_averaged_plane_network(plane, k: int, group: PermutationGroup | None = None,
                                 dtype=None):
    """The network of Theorem C computing the un-normalised member ``‖F‖ Σ_c R_G φ_U(x_c)``:
    a :class:`csqlab.models.CircularCNN` when ``group`` is ``C_n`` (the default; ``2k``
    full-width circular filters, ReLU, global average pooling), else a
    :class:`csqlab.models.GroupAveragedNetwork` over ``group``. Weights from
    :func:`group_averaged_plane_weights`; float64 by default."""
    import torch

    from csqlab.models import CircularCNN, GroupAveragedNetwork

    plane = _check_plane(plane, "plane")
    n = plane.shape[1]
    group = _check_group(group, n)
    W, a = group_averaged_plane_weights(plane, k)
    dtype = torch.float64 if dtype is None else dtype
    if group.kind == "cyclic":
        return CircularCNN(n, 2 * k, W=W, a=a, dtype=dtype)
    return GroupAveragedNetwork(n, 2 * k, group, W=W, a=a, dtype=dtype)


# --------------------------------------------------------------------------- the family


def group_averaged_plane_family(n: int, k: int, group: PermutationGroup | None = None,
                                n_planes: int | None = None, planes=None, columns: int = 1,
                                rng=None, *, seed: int | None = None) -> HardFamily:
    """Group-averaged hidden planes ``f_U = R_G φ_U/‖R_G φ_U‖`` (Theorem C; lesson 9).

    Members are indices of ``planes`` (shape ``(m, 2, n)``) or of ``n_planes`` random planes
    (:func:`csqlab.hard.random_planes`, ``rng``/``seed``). ``group`` defaults to ``C_n``
    (the CNN). Inputs ``X ~ N(0, I)``, shape ``(n,)`` for ``columns = 1`` and ``(n, columns)``
    otherwise (``G`` permutes rows, ``action = "rows"``). The un-normalised member is the
    network output ``(1/|G|) Σ_g aᵀ ReLU(Wᵀ g⁻¹·X) 1_d = Σ_c R_G(F∘U)(x_c)`` with
    ``norm² = columns · ‖F‖² · ‖R_G φ_U‖²``; exact correlations from
    :func:`group_averaged_inner_product` (all ``m²|G|`` terms at construction); ``gamma`` is
    their largest off-diagonal absolute value. Raises ValueError when a member cancels.
    """
    n = _check_int(n, "n", 2)
    norm_squared = hidden_plane_norm_squared(k)
    columns = _check_int(columns, "columns", 1)
    group = _check_group(group, n)
    if (planes is None) == (n_planes is None):
        raise ValueError("give exactly one of n_planes or planes")
    if planes is None:
        planes = random_planes(n_planes, n, rng, seed=seed)
    planes = _check_planes(planes, n)
    m, order = len(planes), group.order
    elements = group.elements()
    translates = np.transpose(planes[:, :, elements], (0, 2, 1, 3))  # (m, |G|, 2, n)
    inner = np.stack([_averaged_rows(planes[i], translates, k, order) for i in range(m)])
    averaged_norms = np.diag(inner).copy()
    cancelled = np.flatnonzero(averaged_norms <= _CANCELLED)
    if cancelled.size:
        raise ValueError(f"planes[{int(cancelled[0])}] cancels under {group.name}: "
                         f"‖R_G φ_U‖² = {averaged_norms[cancelled[0]]:.2e}")
    scale = np.sqrt(averaged_norms)
    correlations = inner / np.outer(scale, scale)
    gamma = float(np.abs(correlations[~np.eye(m, dtype=bool)]).max()) if m > 1 else 0.0
    directions, signs = _plane_directions(k)
    # units of every translate: weights[i, h*2k + m] = (U_i[:, h])ᵀ θ_m
    weights = np.einsum("ma,ihad->ihmd", directions, translates).reshape(m, order * 2 * k, n)
    tiled_signs = np.tile(signs, order) / order

    def evaluate(x, indices):  # (B·columns, units) hidden values per member
        return evaluate_in_chunks(evaluate_chunk, x, indices,
                                  len(x) * columns * weights.shape[1])

    def evaluate_chunk(x, indices):
        # every requested member's units side by side: one product for all of them, then
        # the signed sum over each member's units and the columns
        stacked = x if x.ndim == 3 else x[:, :, None]  # (B, n, columns)
        batch, _, width = stacked.shape
        count, units = len(indices), weights.shape[1]
        side_by_side = weights[indices].reshape(count * units, n)
        hidden = stacked.transpose(0, 2, 1).reshape(batch * width, n) @ side_by_side.T
        np.maximum(hidden, 0.0, out=hidden)  # (B·columns, count·units)
        return (hidden.reshape(batch, width, count, units) @ tiled_signs).sum(axis=1)

    shape = (n,) if columns == 1 else (n, columns)
    return HardFamily(
        name=f"{group.name}-averaged hidden planes in R^{n}, k = {k}", members=list(range(m)),
        evaluate_members=evaluate, input_shape=shape, distribution="gaussian",
        sampler=lambda size, generator: generator.standard_normal((size, *shape)),
        norm=np.sqrt(columns * norm_squared * averaged_norms), group=group,
        action="vectors" if columns == 1 else "rows",
        exact_correlation=lambda i, j: float(correlations[i, j]), gamma=gamma, size=m,
        description="f_U = R_G φ_U/‖R_G φ_U‖, φ_U = F(U·)/‖F‖ (Theorem C; constants ours)")


def cancelling_plane(n: int, k: int) -> tuple[np.ndarray, PermutationGroup]:
    """A plane ``U`` and a group ``G = {e, (0 1)}`` with ``R_G φ_U ≡ 0`` (the caveat of Theorem C).

    The transposition swaps ``x_0, x_1``: on ``span(e_0, e_1)`` it is the reflection across
    ``e_0 + e_1``. With ``U``'s rows ``(cos β, sin β)``, ``(−sin β, cos β)`` in that span and
    ``β = π/4 − π/(2k)``, the reflection axis sits at angle ``π/(2k)`` in ``U``'s coordinates,
    and a reflection across that axis is ``z ↦ R_{π/k} z̄``; ``F`` is even in ``t``
    (``F(s, −t) = F(s, t)``, re-index ``m ↦ 2k − m``) and odd under ``R_{π/k}``, so
    ``F(U P_h x) = −F(Ux)``. ``G`` fixes ``n − 2`` of the ``n`` points.
    """
    n = _check_int(n, "n", 2)
    hidden_plane_norm_squared(k)
    beta = math.pi / 4 - math.pi / (2 * k)
    plane = np.zeros((2, n))
    plane[0, :2] = (math.cos(beta), math.sin(beta))
    plane[1, :2] = (-math.sin(beta), math.cos(beta))
    swap = np.arange(n)
    swap[[0, 1]] = [1, 0]
    return plane, generated_group([swap], name=f"⟨(0 1)⟩ on {n} points")


# --------------------------------------------------------------------------- sizes and bounds


def _group_orders(ns: np.ndarray, group_order) -> np.ndarray:
    if callable(group_order):
        orders = np.array([_check_real(group_order(int(v)), "group_order(n)") for v in ns])
    else:
        orders = np.broadcast_to(_finite_array(group_order, "group_order"), ns.shape).astype(float)
    if np.any(orders < 1):
        raise ValueError("group_order must be >= 1")
    return orders


def log10_group_averaged_plane_family_size(n, overlap, group_order) -> float | np.ndarray:
    """**Our estimate** ``log10 m ≥ log10 m_plain(n, t) − log10 |G|`` (clipped at 0): planes in
    ``R^n`` whose cross overlaps under all ``|G|`` elements stay below ``t`` (union bound over
    ``G`` in the deletion argument; module docstring). ``group_order``: a number, an array
    like ``n``, or a callable of ``n`` (``lambda n: n`` for ``C_n``). Elementwise."""
    ns = np.atleast_1d(_finite_array(n, "n"))
    t = np.broadcast_to(_finite_array(overlap, "overlap"), ns.shape)
    orders = _group_orders(ns, group_order)
    value = np.maximum(log10_hidden_plane_family_size(ns, t) - np.log10(orders), 0.0)
    return float(value[0]) if np.ndim(n) == 0 else value


def group_averaged_plane_bound_curve(ns, k: int, c: float, tolerance, group_order) -> BoundCurve:
    """Counting-lemma curve for group-averaged hidden planes against ``n`` (Theorem C).

    Overlap ``t = n^{c−1/2}``; ``γ`` from :func:`group_averaged_gamma_bound`
    (``≈ |G| n^{−(1/2−c)k}``); ``log10 m`` from :func:`log10_group_averaged_plane_family_size`
    (``≈ n^{2c}/(4 ln 10) − log10 |G|``). With ``group_order = 1`` it is the plain curve
    :func:`csqlab.hard.hidden_plane_bound_curve`. For ``|G| = n`` the tolerance a learner
    needs, ``√γ``, falls like ``n^{(1 − (1/2−c)k)/2}``: choose ``(1/2 − c)k > 1``.
    """
    k = _check_int(k, "k", 1)
    c = _check_real(c, "c")
    if not 0.0 < c < 0.5:
        raise ValueError(f"c must be in (0, 1/2), got {c}")
    ns = _finite_array(ns, "ns")
    if ns.ndim != 1 or ns.size == 0:
        raise ValueError(f"ns must be a non-empty 1-D array, got shape {ns.shape}")
    overlap = ns ** (c - 0.5)
    orders = _group_orders(ns, group_order)
    log10_m = np.atleast_1d(log10_group_averaged_plane_family_size(ns, overlap, orders))
    return bound_curve(ns, log10_m, group_averaged_gamma_bound(overlap, k, orders), tolerance)
