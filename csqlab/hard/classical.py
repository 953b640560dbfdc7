"""The classical hard families the paper lifts: parities, parities of ReLUs, hidden planes
(the families the paper lifts: Diakonikolas, Kane, Kontonis, Zarifis 2020; Goel et al. 2020;
lessons/notes/proof-maps.md; lessons 2, 6, 8–10).

Every family is a :class:`csqlab.hard.HardFamily`; every closed form here is checked by a
second route in ``tests/test_hard_classical.py``.

Parities (uniform cube ``{−1,+1}^n``)
    ``χ_S(x) = Π_{i∈S} x_i``, ``|S| = k``: ``C(n, k)`` exactly orthonormal functions.
    Orbit-averaged under a permutation group ``G`` (``χ_S(g·x) = χ_{g⁻¹(S)}(x)``):
    ``√|Orb(S)| · R_G χ_S = |Orb(S)|^{−1/2} Σ_{T∈Orb(S)} χ_T``, one member per orbit of
    k-subsets; exactly orthonormal (disjoint orbits share no character), ``G``-invariant,
    and ``#orbits ≥ C(n, k)/|G|``: symmetry shrinks the family by at most ``|G|``
    (``C_n`` keeps ``≈ C(n,k)/n`` members, ``S_n`` collapses it to one).

Parities of activations (Goel, Gollakota, Jin, Karmalkar, Klivans 2020; ``x ~ N(0, I_n)``)
    ``f_S(x) = Σ_{w∈{±1}^k} χ(w) ψ(⟨w, x_S⟩/√k)``, ``χ(w) = Π_i w_i`` — a one-hidden-layer
    network with ``2^k`` units and ``±1`` output weights. Flipping ``x_i`` (``i ∈ S``) and
    re-indexing ``w_i ↦ −w_i`` gives ``f_S(x^{⊕i}) = −f_S(x)``, while ``f_T`` is unchanged
    when ``i ∉ T``: under any sign-flip-invariant distribution ``⟨f_S, f_T⟩ = 0`` for
    ``S ≠ T``. On the cube ``f_S = c_k(ψ) χ_S`` with
    ``c_k(ψ) = f_S(1, …, 1) = Σ_{h=0}^k C(k, h)(−1)^h ψ((k − 2h)/√k)``.

    *Norm.* For ``w, w'`` at Hamming distance ``h``, ``a = ⟨w, x_S⟩/√k`` and
    ``b = ⟨w', x_S⟩/√k`` are standard Gaussians with correlation ``ρ_h = ⟨w, w'⟩/k
    = 1 − 2h/k``, and ``χ(w)χ(w') = (−1)^h``; each ``w`` has ``C(k, h)`` such partners, so

        ‖f_S‖² = 2^k Σ_{h=0}^k C(k, h) (−1)^h κ_ψ(1 − 2h/k),   κ_ψ(ρ) = E[ψ(a) ψ(b)].

    ``κ_ψ`` is the arc-cosine kernel in closed form for ReLU
    (:func:`csqlab.gaussian.relu_pair_expectation`) and 2-D quadrature otherwise
    (:func:`csqlab.gaussian.correlated_expectation`). By Mehler,
    ``κ_ψ(ρ) = Σ_m c_m² ρ^m`` (``c_m`` the ``h_m``-coefficients of ``ψ``), so
    ``‖f_S‖² = 2^k Σ_m c_m² A_{k,m}`` with ``A_{k,m} = Σ_h C(k,h)(−1)^h (1 − 2h/k)^m
    = k^{−m} Σ_{u∈{±1}^k} χ(u) (Σ_i u_i)^m`` (``u = w∘w'``). The last sum keeps only
    monomials holding every ``u_i`` an odd number of times, so ``A_{k,m} = 0`` unless
    ``m ≥ k`` and ``m ≡ k (mod 2)``, and ``A_{k,k} = 2^k k!/k^k``: hence the lower bound
    ``‖f_S‖² ≥ 4^k c_k² k!/k^k`` (ReLU, ``k = 2``: ``2/π ≈ 0.637``). Hence the **activation/degree parity trap** (the activation/degree trap, lessons/notes/glossary.md):
    ``f_S ≡ 0`` when the part of ``ψ`` with the parity of ``k`` is a polynomial of degree
    ``< k``. ReLU (``t/2 + |t|/2``) needs ``k = 1`` or even ``k``; sigmoid
    (``1/2 +`` odd) and tanh (odd) need odd ``k``. A vanishing family raises ValueError.

    Orbit-averaged under ``G`` (Theorem D): ``R_G f_S = (1/|Orb(S)|) Σ_{T∈Orb(S)} f_T``
    with ``‖R_G f_S‖² = ‖f_S‖²/|Orb(S)|`` (the ``f_T`` are orthogonal with equal norms, so
    nothing cancels, for every ``G``) and exact orthogonality across orbits.

Hidden planes (Diakonikolas, Kane, Kontonis, Zarifis 2020; ``x ~ N(0, I_d)``)
    ``F(s, t) = Σ_{m=1}^{2k} (−1)^m ReLU(s cos(πm/k) + t sin(πm/k))`` and
    ``f_U(x) = F(Ux)/‖F‖`` for ``U ∈ R^{2×d}`` with orthonormal rows. Rotating the plane by
    ``π/k`` flips the sign of ``F``, so ``F ⊥`` every polynomial of degree ``< k`` (degree
    ``k`` can correlate); for ReLU and odd ``k ≥ 3`` ``F ≡ 0``. With unit directions
    ``θ_m = (cos πm/k, sin πm/k)``, ``F(Ux) = Σ_m (−1)^m ReLU(⟨Uᵀθ_m, x⟩)`` is a sum of ReLU
    ridge functions, so exactly (arc-cosine kernel ``κ``)

        ‖F‖² = Σ_{m,m'} (−1)^{m+m'} κ(cos(π(m − m')/k)),
        E[F(Ux) F(Vx)] = Σ_{m,m'} (−1)^{m+m'} κ(θ_mᵀ U Vᵀ θ_{m'}),

    and the Hermite bound ``|⟨f_U, f_V⟩| ≤ ‖UVᵀ‖_op^k`` (DKKZ Lemma 16; F has no Hermite
    mass below degree ``k``).

Why one module (about 980 lines). The four classical families share one pattern — a closed
form, its exact correlation, its norm and a :class:`csqlab.hard.HardFamily` — and they share
their helpers: the orbit-averaged versions are the parity families called with a ``group``,
and the parities of ReLUs and the hidden planes both evaluate the ReLU arc-cosine kernel.
They are the families the paper lifts, re-exported together as ``csqlab.hard.<name>`` and
used together by lessons 2, 6 and 8–10; about a third of the lines are the derivations in
the docstrings.
"""

from __future__ import annotations

import decimal
import functools
import math
from collections.abc import Callable, Sequence
from itertools import combinations
from typing import NamedTuple

import numpy as np
from scipy.special import expit, gammaln

from csqlab.boolean import _check_int, _check_real, _generator, random_cube_points
from csqlab.bounds import BoundCurve, bound_curve, log10_binomial
from csqlab.gaussian import (
    correlated_expectation,
    hermite_coefficients,
    relu_hermite_coefficients,
    relu_pair_expectation,
)
from csqlab.groups import PermutationGroup, subset_orbits, trivial
from csqlab.hard.family import HardFamily, evaluate_in_chunks

__all__ = [
    "MAX_MEMBERS",
    "MAX_RELU_DEGREE",
    "parity_family",
    "ACTIVATIONS",
    "parity_of_activations",
    "parity_of_activations_norm_squared",
    "parity_of_activations_cube_constant",
    "parity_of_activations_degree_weights",
    "parity_of_activations_family",
    "hidden_plane_function",
    "hidden_plane_angular_coefficients",
    "hidden_plane_degree_weights",
    "hidden_plane_norm_squared",
    "hidden_plane_correlation",
    "hidden_plane_family",
    "random_planes",
    "plane_overlaps",
    "PlaneOverlaps",
    "plane_overlap_summary",
    "random_plane_overlap_tail",
    "log10_hidden_plane_family_size",
    "log10_parity_family_size",
    "log10_orbit_family_size_lower_bound",
    "log_degree",
    "parity_bound_curve",
    "hidden_plane_bound_curve",
]

#: Most members a family built here will hold (``C(n, k)`` subsets or orbits).
MAX_MEMBERS = 200_000

#: Named activations ``ψ`` for the parities of activations.
ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": expit,
    "tanh": np.tanh,
}

# A construction whose exact squared norm is below this fraction of the sum of the absolute
# values of its terms is identically zero up to rounding (the activation/degree trap, lessons/notes/glossary.md).
_ZERO_RELATIVE = 1e-9

#: Largest ``k`` accepted by :func:`parity_of_activations_norm_squared` for ReLU: ``‖f_S‖²``
#: grows like ``≈ 2^k`` (``4.16 · 10²⁹⁴`` at ``k = 1000``, computed in about 3 s) and
#: overflows a float near ``k = 1046``.
MAX_RELU_DEGREE = 1000

# Absolute accuracy of a polar-quadrature kernel value κ_ψ(ρ) (sigmoid, tanh), and the
# relative accuracy below which their alternating norm sum is refused.
_KERNEL_ACCURACY = 1e-15
_QUADRATURE_RELATIVE_ACCURACY = 1e-6


# --------------------------------------------------------------------------- validation


def _check_degree(n: int, k: int) -> tuple[int, int]:
    n = _check_int(n, "n", 1)
    k = _check_int(k, "k", 1)
    if k > n:
        raise ValueError(f"k must be at most n = {n}, got {k}")
    return n, k


def _check_group(group, n: int) -> PermutationGroup:
    if group is None:
        return trivial(n)
    if not isinstance(group, PermutationGroup):
        raise TypeError(f"group must be a csqlab.groups.PermutationGroup, got {type(group).__name__}")
    if group.degree != n:
        raise ValueError(f"group must act on n = {n} points, got degree {group.degree}")
    return group


def _check_subsets(subsets, n: int, k: int) -> list[tuple[int, ...]]:
    if subsets is None:
        count = math.comb(n, k)
        if count > MAX_MEMBERS:
            raise ValueError(f"C(n, k) = C({n}, {k}) = {count} members exceeds MAX_MEMBERS = "
                             f"{MAX_MEMBERS}; pass subsets=[...] to hold a few of them")
        return list(combinations(range(n), k))
    result = []
    for subset in subsets:
        values = tuple(sorted(_check_int(i, "subsets entries", 0) for i in subset))
        if len(values) != k or len(set(values)) != k or (values and values[-1] >= n):
            raise ValueError(f"subsets must hold k = {k} distinct indices in 0..{n - 1}, "
                             f"got {tuple(subset)}")
        result.append(values)
    if not result:
        raise ValueError("subsets must not be empty")
    if len(set(result)) != len(result):
        raise ValueError("subsets must not repeat a subset")
    return result


def _orbits(group: PermutationGroup, k: int):
    """(representatives, list of orbit member arrays) for the k-subsets under group."""
    orbits = subset_orbits(group, k, limit=MAX_MEMBERS)
    order = np.argsort(orbits.labels, kind="stable")
    split = np.cumsum(orbits.sizes)[:-1]
    members = np.split(orbits.subsets[order], split)
    representatives = [tuple(int(i) for i in row) for row in orbits.representatives]
    return representatives, members


def _activation(activation) -> tuple[str, Callable[[np.ndarray], np.ndarray]]:
    if isinstance(activation, str):
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be a callable or one of {sorted(ACTIVATIONS)}, "
                             f"got {activation!r}")
        return activation, ACTIVATIONS[activation]
    if not callable(activation):
        raise TypeError(f"activation must be a callable or a name, got {type(activation).__name__}")
    return getattr(activation, "__name__", "activation"), activation


def _distribution_sampler(distribution: str, dim: int):
    if distribution == "gaussian":
        return lambda n_samples, generator: generator.standard_normal((n_samples, dim))
    if distribution == "cube":
        return lambda n_samples, generator: random_cube_points(dim, n_samples, generator)
    raise ValueError(f"distribution must be 'gaussian' or 'cube', got {distribution!r}")


def _orthogonal_exact(i: int, j: int) -> float:
    return 1.0 if i == j else 0.0


# --------------------------------------------------------------------------- parities


def parity_family(n: int, k: int, group: PermutationGroup | None = None,
                  subsets: Sequence | None = None) -> HardFamily:
    """Degree-``k`` parities on the uniform cube ``{−1,+1}^n`` (lessons 2–3), optionally
    orbit-averaged under a permutation ``group`` (lesson 7).

    Without a group: members are the k-subsets ``S`` (all ``C(n, k)``, or the given
    ``subsets``), ``f_S = χ_S``, ``size = C(n, k)``, exact Gram ``= I`` (``γ = 0``).

    With a group ``G``: members are the orbit representatives of
    :func:`csqlab.groups.subset_orbits`, member ``S`` is
    ``√|Orb(S)| · R_G χ_S = |Orb(S)|^{−1/2} Σ_{T∈Orb(S)} χ_T`` (``G``-invariant, unit norm),
    ``size`` = number of orbits ``≥ C(n, k)/|G|``; exact Gram ``= I``.
    """
    n, k = _check_degree(n, k)
    group = _check_group(group, n)
    sampler = _distribution_sampler("cube", n)
    if group.order == 1:
        members = _check_subsets(subsets, n, k)

        def evaluate_chunk(x, indices):
            # every requested subset at once: (B, count, k) coordinates, multiplied along k
            chosen = np.array([members[i] for i in indices], dtype=np.intp).reshape(len(indices), k)
            return np.prod(x[:, chosen], axis=2)

        def evaluate(x, indices):
            return evaluate_in_chunks(evaluate_chunk, x, indices, len(x) * max(k, 1))

        return HardFamily(
            name=f"degree-{k} parities on {{±1}}^{n}", members=members,
            evaluate_members=evaluate, input_shape=(n,), distribution="cube", sampler=sampler,
            norm=1.0, group=group, exact_correlation=_orthogonal_exact, gamma=0.0,
            size=math.comb(n, k),
            description="χ_S(x) = Π_{i∈S} x_i; exactly orthonormal (lesson 2)")
    if subsets is not None:
        raise ValueError("subsets cannot be given with a group: members are the orbits")
    representatives, orbits = _orbits(group, k)

    def evaluate_orbits(x, indices):
        # √|Orb| R_G χ_S = |Orb|^{-1/2} Σ_T χ_T; divided by norm = 1 below
        return np.stack([np.prod(x[:, orbits[i]], axis=2).sum(axis=1) / math.sqrt(len(orbits[i]))
                         for i in indices], axis=1)

    return HardFamily(
        name=f"{group.name}-orbit-averaged degree-{k} parities on {{±1}}^{n}",
        members=representatives, evaluate_members=evaluate_orbits, input_shape=(n,),
        distribution="cube", sampler=sampler, norm=1.0, group=group,
        exact_correlation=_orthogonal_exact, gamma=0.0, size=len(representatives),
        description="√|Orb(S)| R_G χ_S, one per orbit of k-subsets; orthonormal, invariant")


# --------------------------------------------------------------------------- parities of activations


@functools.lru_cache(maxsize=32)
def _sign_vectors(k: int) -> tuple[np.ndarray, np.ndarray]:
    """All w in {±1}^k as rows (2^k, k) and their characters χ(w) = Π w_i (read-only,
    computed once per k: the experiments evaluate teachers at every training step)."""
    bits = (np.arange(1 << k)[:, None] >> np.arange(k)) & 1
    signs = 1.0 - 2.0 * bits
    characters = np.prod(signs, axis=1)
    signs.flags.writeable = characters.flags.writeable = False
    return signs, characters


def _parity_of_activations_values(x: np.ndarray, subset, psi) -> np.ndarray:
    """Raw f_S(x) = Σ_w χ(w) ψ(⟨w, x_S⟩/√k) on a batch x (B, n); no zero-family check."""
    return _parity_of_activations_many(x, [subset], psi)[:, 0]


def _parity_of_activations_many(x: np.ndarray, subsets, psi) -> np.ndarray:
    """``(B, m)``: raw f_S on a batch for each of ``m`` subsets of one size k, in one pass
    (the same arithmetic per subset as one at a time: every sum runs over i, then over w)."""
    k = len(subsets[0])
    signs, characters = _sign_vectors(k)
    # einsum, not @: BLAS is slow on the narrow (B, m, k) x (k, 2^k) shapes used here
    chosen = x[:, np.asarray(subsets, dtype=np.intp)]
    projections = np.einsum("bmi,ui->bmu", chosen, signs) / math.sqrt(k)
    return np.einsum("bmu,u->bm", psi(projections), characters)


def _pair_kernel(name: str, psi) -> Callable[[float], float]:
    """κ_ψ(ρ) = E[ψ(a)ψ(b)] for standard Gaussians a, b with correlation ρ."""
    if name == "relu":
        return relu_pair_expectation
    return lambda rho: correlated_expectation(psi, psi, rho)


def _parity_of_activations_terms(k: int, name: str, psi) -> np.ndarray:
    """The k+1 terms 2^k C(k,h)(−1)^h κ_ψ(1 − 2h/k) whose sum is ‖f_S‖²."""
    kernel = _pair_kernel(name, psi)
    return np.array([2.0**k * math.comb(k, h) * (-1.0) ** h * kernel(1.0 - 2.0 * h / k)
                     for h in range(k + 1)])


def _check_nonzero(terms: np.ndarray, what: str, reason: str) -> float:
    norm_squared = float(terms.sum())
    if norm_squared <= _ZERO_RELATIVE * float(np.abs(terms).sum()):
        raise ValueError(f"{what} is identically zero: {reason}")
    return norm_squared


def _zero_reason(k: int, name: str) -> str:
    parity_part = "even" if k % 2 == 0 else "odd"
    return (f"the {parity_part} part of activation {name!r} is a polynomial of degree < k = {k} "
            "and the parity of k units keeps only the Hermite components of degree >= k with the "
            "parity of k; so ReLU (t/2 + |t|/2) needs k = 1 or even k, sigmoid and tanh need odd k")


def _named_activation(activation) -> str | None:
    """The name of a built-in activation (given by name or as the ACTIVATIONS object itself),
    None for any other callable: only for these is the zero family decided exactly."""
    if isinstance(activation, str):
        return activation if activation in ACTIVATIONS else None
    for name, function in ACTIVATIONS.items():
        if activation is function:
            return name
    return None


def _vanishes_exactly(k: int, named: str) -> bool:
    """Whether f_S ≡ 0 under N(0, I_n), decided from the parity structure of ψ (module
    docstring): ReLU = t/2 + |t|/2 vanishes for odd k ≥ 3, sigmoid = 1/2 + odd and tanh (odd)
    for even k."""
    if named == "relu":
        return k % 2 == 1 and k >= 3
    return k % 2 == 0


def _check_relu_degree(k: int) -> None:
    if k > MAX_RELU_DEGREE:
        raise ValueError(f"k must be at most MAX_RELU_DEGREE = {MAX_RELU_DEGREE} for ReLU "
                         f"(‖f_S‖² overflows a float near k = 1046), got {k}")


def _decimal_arctan(y: decimal.Decimal) -> decimal.Decimal:
    """arctan(y) for 0 ≤ y ≤ 1 at the current decimal precision: halve the angle
    (arctan y = 2 arctan(y/(1 + √(1 + y²)))) until y < 10⁻³, then the Taylor series."""
    one = decimal.Decimal(1)
    doublings = 0
    while y > decimal.Decimal("0.001"):
        y = y / (one + (one + y * y).sqrt())
        doublings += 1
    epsilon = decimal.Decimal(10) ** -(decimal.getcontext().prec + 2)
    total, power, square, n = y, y, y * y, 1
    while power > epsilon:
        power *= square
        term = power / (2 * n + 1)
        total = total - term if n % 2 else total + term
        n += 1
    return total * (1 << doublings)


@functools.lru_cache(maxsize=256)
def _relu_norm_squared(k: int) -> float:
    """‖f_S‖² for ReLU and even k ≥ 2, rounded once to a float from ≥ 40 guard digits.

    With ``arccos ρ = π/2 − arcsin ρ`` the arc-cosine kernel is
    ``κ(ρ) = ρ/4 + g(ρ)/(2π)``, ``g(ρ) = √(1 − ρ²) + ρ arcsin ρ``. The linear part is killed
    by the alternating sum (k ≥ 2) and g is even, so the terms h and k − h coincide:

        ‖f_S‖² = (2^k/2π) [2 Σ_{h<k/2} C(k,h)(−1)^h g(ρ_h) + (−1)^{k/2} C(k, k/2)],

    ``ρ_h = 1 − 2h/k``, ``√(1 − ρ_h²) = 2√(h(k − h))/k``. The bracket is a k-th finite
    difference of g: its terms reach ``C(k, k/2) ≈ 2^k/√k`` while it is
    ``2π ‖f_S‖²/2^k``, so ``log10(4^k/‖f_S‖²) ≈ 0.3 k`` decimal digits cancel (``‖f_S‖² ≥
    4^k c_k² k!/k^k`` bounds the loss by ``≈ 0.44 k``). It is summed in ``decimal``
    arithmetic with ``k + 40`` significant digits (integer binomials exact, square roots
    correctly rounded, arcsin = 2 arctan(ρ/(1 + √(1 − ρ²))) by series), leaving ``≥ 40``
    guard digits, and rounded to a float once.
    """
    with decimal.localcontext() as context:
        context.prec = k + 40
        D = decimal.Decimal
        pi = 4 * _decimal_arctan(D(1))
        bracket = D((-1) ** (k // 2) * math.comb(k, k // 2))  # h = k/2: ρ = 0, g(0) = 1
        for h in range(k // 2):
            rho = D(k - 2 * h) / k
            root = D(4 * h * (k - h)).sqrt() / k  # √(1 − ρ²)
            arcsin = 2 * _decimal_arctan(rho / (1 + root))
            bracket += 2 * (-1) ** h * math.comb(k, h) * (root + rho * arcsin)
        return float(D(2) ** k * bracket / (2 * pi))


def _quadrature_norm_squared(k: int, name: str, psi) -> float:
    """‖f_S‖² for a named smooth activation (f_S ≢ 0) from quadrature kernels, refused where
    the alternating sum cancels below the accuracy the kernels allow."""
    terms = _parity_of_activations_terms(k, name, psi)
    norm_squared = math.fsum(terms)
    error = _KERNEL_ACCURACY * float(np.abs(terms).sum())
    if not norm_squared > error / _QUADRATURE_RELATIVE_ACCURACY:
        raise ValueError(
            f"k = {k} is too large for activation {name!r}: its quadrature kernels (accurate to "
            f"about {_KERNEL_ACCURACY:.0e}) leave the alternating sum for ‖f_S‖² an estimated "
            f"relative error {error / max(abs(norm_squared), 1e-300):.1e}, above the limit "
            f"{_QUADRATURE_RELATIVE_ACCURACY:.0e}; use a smaller k")
    return norm_squared


def _check_not_vanishing(k: int, activation) -> None:
    """Raise the zero-family ValueError when f_S ≡ 0; exact for the named activations."""
    named = _named_activation(activation)
    if named is None:
        parity_of_activations_norm_squared(k, activation)
        return
    if named == "relu":
        _check_relu_degree(k)
    if _vanishes_exactly(k, named):
        raise ValueError(f"the parity of {named} units with k = {k} is identically zero: "
                         f"{_zero_reason(k, named)}")


def parity_of_activations_norm_squared(k: int, activation="relu") -> float:
    """Exact ``‖f_S‖² = 2^k Σ_h C(k,h)(−1)^h κ_ψ(1 − 2h/k)`` under ``N(0, I_n)`` (``|S| = k``).

    Derivation in the module docstring. The sum is alternating, with terms up to
    ``≈ 4^k/‖f_S‖² ≈ 2^k`` times the result for ReLU (a float sum loses ``10⁻¹⁰`` at
    ``k = 16`` and everything from ``k = 22``), so for the named activations it is never
    summed in plain floats:

    * ``"relu"``: the arc-cosine kernel summed in ``k + 40``-digit decimal arithmetic and
      rounded once (relative error ``≲ 10⁻¹⁵`` for every ``k``; ``k = 40`` in about a
      millisecond, cached). ``k ≤ MAX_RELU_DEGREE`` (the value overflows a float near
      ``k = 1046``); a larger ``k`` raises ValueError naming ``k`` and the limit.
    * ``"sigmoid"``, ``"tanh"``: polar-quadrature kernels (accurate to about ``10⁻¹⁵``)
      summed exactly (``math.fsum``); a ``k`` whose cancellation would leave a relative
      error above ``10⁻⁶`` raises ValueError naming ``k`` (in practice ``k ≤ 9`` for sigmoid,
      ``k ≤ 15`` for tanh).

    For these three the zero family is decided exactly (ReLU vanishes for odd ``k ≥ 3``,
    sigmoid and tanh for even ``k``) and raises ValueError ("identically zero"). Any other
    callable (a black box) gets quadrature kernels and a numerical zero test (sum ``≤ 10⁻⁹ ×``
    the sum of absolute terms), which cannot tell a zero family from cancellation for large
    ``k`` (it calls ``expit`` zero from ``k = 11``, ``np.tanh`` from ``k = 17``, a ReLU lambda
    from ``k = 22``): pass the name instead.
    Example: ReLU, ``k = 2``: ``≈ 0.7268`` (Goel et al. 2020 quotes Monte Carlo ``≈ 0.726``);
    ``k = 22``: ``1673.44``; ``k = 30``: ``2.3205 · 10⁵``.
    """
    k = _check_int(k, "k", 1)
    name, psi = _activation(activation)
    named = _named_activation(activation)
    if named is None:
        terms = _parity_of_activations_terms(k, name, psi)
        return _check_nonzero(terms, f"the parity of {name} units with k = {k}",
                              _zero_reason(k, name))
    _check_not_vanishing(k, named)
    if named == "relu":
        return 1.0 if k == 1 else _relu_norm_squared(k)  # k = 1: f_S(x) = x_i
    return _quadrature_norm_squared(k, named, psi)


def parity_of_activations_cube_constant(k: int, activation="relu") -> float:
    """``c_k(ψ) = Σ_{h=0}^k C(k,h)(−1)^h ψ((k − 2h)/√k)``, so ``f_S = c_k(ψ) χ_S`` on the cube.

    ``f_S`` is odd in every ``x_i`` (``i ∈ S``) and depends only on ``x_S``, so on
    ``{±1}^n`` it is a multiple of ``χ_S``; the multiple is ``f_S(1, …, 1)``: the ``w`` with
    ``h`` entries ``−1`` has ``⟨w, 1⟩ = k − 2h`` and ``χ(w) = (−1)^h``. ReLU, ``k = 2``: ``√2``.
    For ReLU the sum is the exact integer ``Σ_{h<k/2} C(k,h)(−1)^h (k − 2h)`` over ``√k``
    (correctly rounded for every ``k``; exactly 0 for odd ``k ≥ 3``, as under ``N(0, I_n)``:
    ``t/2`` sums to 0 and the even ``|t|/2`` terms cancel in pairs); otherwise it is summed in
    floats, which cancel for large ``k`` (terms ``≈ 2^k``).
    """
    k = _check_int(k, "k", 1)
    _, psi = _activation(activation)
    if _named_activation(activation) == "relu":
        with decimal.localcontext() as context:
            context.prec = 40
            return float(decimal.Decimal(_relu_cube_sum(k)) / decimal.Decimal(k).sqrt())
    points = np.array([(k - 2.0 * h) / math.sqrt(k) for h in range(k + 1)])
    coefficients = np.array([math.comb(k, h) * (-1.0) ** h for h in range(k + 1)])
    return float(coefficients @ np.asarray(psi(points), dtype=float))


def _relu_cube_sum(k: int) -> int:
    """Σ_h C(k,h)(−1)^h ReLU(k − 2h) = Σ_{h<k/2} C(k,h)(−1)^h (k − 2h), exactly."""
    return sum((-1) ** h * math.comb(k, h) * (k - 2 * h) for h in range((k + 1) // 2))


def parity_of_activations(x, subset, activation="relu") -> np.ndarray:
    """``f_S(x) = Σ_{w∈{±1}^k} χ(w) ψ(⟨w, x_S⟩/√k)`` on a batch ``x`` of shape ``(B, n)``.

    The un-normalised Goel et al. (2020) network with ``2^k`` units; ``subset`` is a tuple of
    ``k`` distinct indices. Raises ValueError when ``(activation, k)`` makes ``f_S ≡ 0``.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] < 1:
        raise ValueError(f"x must have shape (batch, n), got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x contains NaN or infinite values")
    subset = tuple(subset)
    if not subset:
        raise ValueError("subset must hold at least one index")
    (subset,) = _check_subsets([subset], x.shape[1], len(subset))
    _, psi = _activation(activation)
    _check_not_vanishing(len(subset), activation)  # raises for a zero family
    return _parity_of_activations_values(x, subset, psi)


def parity_of_activations_degree_weights(k: int, activation="relu", max_degree: int = 20
                                         ) -> np.ndarray:
    """Hermite weight of ``f_S`` at each total degree ``m = 0..max_degree`` under ``N(0, I_n)``.

    Expanding ``ψ = Σ_m c_m h_m`` (orthonormal Hermite coefficients), the degree-``m`` part of
    ``f_S`` is ``c_m Σ_w χ(w) h_m(⟨w, x_S⟩/√k)``; by Mehler its squared norm is

        W_m = 2^k c_m² A_{k,m},   A_{k,m} = k^{−m} Σ_{h=0}^k C(k, h)(−1)^h (k − 2h)^m,

    where ``A_{k,m} = 0`` exactly for ``m < k`` or ``m ≢ k mod 2`` (module docstring), so those
    weights are returned as exact zeros: no Hermite mass below degree ``k`` (lesson 6).
    ``Σ_m W_m = ‖f_S‖²`` (:func:`parity_of_activations_norm_squared`). ``c_m`` in closed form
    for ReLU, by quadrature (split at 0) otherwise. Raises ValueError for a zero family.
    """
    max_degree = _check_int(max_degree, "max_degree", 0)
    k = _check_int(k, "k", 1)
    name, psi = _activation(activation)
    _check_not_vanishing(k, activation)  # raises for a zero family
    if name == "relu":
        coefficients = relu_hermite_coefficients(max_degree, normalised=True)
    else:
        coefficients = hermite_coefficients(psi, max_degree, normalised=True)
    return 2.0**k * coefficients**2 * _alternating_moments(k, max_degree)


def _alternating_moments(k: int, max_degree: int) -> np.ndarray:
    """``A_{k,m} = k^{−m} Σ_h C(k,h)(−1)^h (k − 2h)^m`` for ``m = 0..max_degree``, to a few ulps.

    Exactly 0 for ``m < k`` or ``m ≢ k (mod 2)``; otherwise the terms ``h`` and ``k − h`` are
    equal, ``A_{k,m} = 2 k^{−m} Σ_{h<k/2} C(k,h)(−1)^h (k − 2h)^m`` (``h = k/2`` adds 0 at
    ``m ≥ 1``). Near ``m = k`` this cancels badly in floats (``A_{k,k} = 2^k k!/k^k`` against
    terms ``≈ 2^k``), so it is an exact integer divided once. Once the ``h = 0`` term (``1``)
    dominates, ``b_m = Σ_{1≤h<k/2} C(k,h) (1 − 2h/k)^m < 1/3`` (``b_m`` decreases in ``m``),
    the float sum has condition number ``≤ (1 + b)/(1 − b) < 2`` for every later ``m`` and
    is used from there on (fast for ``max_degree`` in the tens of thousands).
    """
    moments = np.zeros(max_degree + 1)
    half = range((k + 1) // 2)
    bases = [k - 2 * h for h in half]
    coefficients = [(-1) ** h * math.comb(k, h) for h in half]
    powers, scale = [1] * len(bases), 1
    for m in range(max_degree + 1):
        if m >= k and (m - k) % 2 == 0:
            moments[m] = 2 * sum(c * p for c, p in zip(coefficients, powers, strict=True)) / scale
            ratios = [abs(c) * (b / k) ** m for c, b in zip(coefficients, bases, strict=True)]
            if sum(ratios) - 1.0 < 1.0 / 3.0:  # b_m < 1/3 (ratios[0] = 1): well conditioned
                rest = np.arange(m, max_degree + 1)
                terms = np.array(coefficients)[:, None] * (np.array(bases)[:, None] / k) ** rest
                moments[m:] = np.where((rest - k) % 2 == 0, 2.0 * terms.sum(axis=0), 0.0)
                break
        powers = [p * b for p, b in zip(powers, bases, strict=True)]
        scale *= k
    return moments


def parity_of_activations_family(n: int, k: int, activation="relu",
                                 group: PermutationGroup | None = None,
                                 subsets: Sequence | None = None,
                                 distribution: str = "gaussian") -> HardFamily:
    """Parities of activations ``f_S/‖f_S‖`` (Goel et al. 2020; lessons 6 and 9).

    ``distribution="gaussian"`` (``N(0, I_n)``, the paper's setting; ``norm = ‖f_S‖`` from
    :func:`parity_of_activations_norm_squared`) or ``"cube"`` (``norm = |c_k(ψ)|``, where the
    members are exactly ``±χ_S``). Exact Gram ``= I`` under both (sign-flip invariance).

    With a permutation ``group`` ``G`` (Theorem D, the frame-averaged-network theorem):
    one member per orbit of k-subsets, ``R_G f_S = (1/|Orb(S)|) Σ_{T∈Orb(S)} f_T`` with
    ``norm = ‖f_S‖/√|Orb(S)|`` (so the member as evaluated is
    ``|Orb(S)|^{−1/2} Σ_T f_T/‖f_S‖``), ``G``-invariant, exact Gram ``= I``, and
    ``size`` = number of orbits ``≥ C(n, k)/|G|``. Each member is a one-hidden-layer
    network with ``|Orb(S)|·2^k`` units.
    """
    n, k = _check_degree(n, k)
    group = _check_group(group, n)
    name, psi = _activation(activation)
    sampler = _distribution_sampler(distribution, n)
    named = _named_activation(activation)
    if distribution == "gaussian":
        norm = math.sqrt(parity_of_activations_norm_squared(k, activation))
    else:
        norm = abs(parity_of_activations_cube_constant(k, activation))
        if named == "relu":
            vanishes = _relu_cube_sum(k) == 0
        elif named is not None:
            vanishes = k % 2 == 0  # sigmoid − 1/2 and tanh are odd: h and k − h cancel
        else:
            vanishes = norm <= _ZERO_RELATIVE * 2.0**k * float(
                np.max(np.abs(psi(np.array([math.sqrt(k)])))))
        if vanishes:
            raise ValueError(f"the parity of {name} units with k = {k} is zero on the cube "
                             "(c_k(ψ) = 0)")
    if group.order == 1:
        members = _check_subsets(subsets, n, k)

        def evaluate(x, indices):
            return _parity_of_activations_many(x, [members[i] for i in indices], psi)

        return HardFamily(
            name=f"parities of {name} units, k = {k}, n = {n} ({distribution})",
            members=members, evaluate_members=evaluate, input_shape=(n,),
            distribution=distribution, sampler=sampler, norm=norm, group=group,
            exact_correlation=_orthogonal_exact, gamma=0.0, size=math.comb(n, k),
            description="f_S = Σ_w χ(w) ψ(⟨w, x_S⟩/√k); exactly orthogonal (Goel et al. 2020)")
    if subsets is not None:
        raise ValueError("subsets cannot be given with a group: members are the orbits")
    representatives, orbits = _orbits(group, k)
    sizes = np.array([len(orbit) for orbit in orbits], dtype=float)

    longest = max(len(orbit) for orbit in orbits)

    def evaluate_orbits(x, indices):  # (B, |orbit|, 2^k) projections per member
        return evaluate_in_chunks(evaluate_orbit_chunk, x, indices, len(x) * longest * 2**k)

    def evaluate_orbit_chunk(x, indices):
        # every subset of every requested orbit in one pass, then each orbit's values summed
        # left to right, as sum() over the orbit (shorter orbits padded with exact zeros)
        chosen = [orbits[i] for i in indices]
        lengths = np.array([len(orbit) for orbit in chosen])
        values = _parity_of_activations_many(x, [s for orbit in chosen for s in orbit], psi)
        values = np.concatenate([values, np.zeros((len(x), 1))], axis=1)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        offsets = np.arange(lengths.max())
        positions = np.where(offsets < lengths[:, None], starts[:, None] + offsets,
                             values.shape[1] - 1)  # (count, longest); the zero column pads
        total = np.zeros((len(x), len(chosen)))
        for column in range(positions.shape[1]):
            total = total + values[:, positions[:, column]]
        return total / lengths  # R_G f_S

    return HardFamily(
        name=f"{group.name}-orbit-averaged parities of {name} units, k = {k}, n = {n}",
        members=representatives, evaluate_members=evaluate_orbits, input_shape=(n,),
        distribution=distribution, sampler=sampler, norm=norm / np.sqrt(sizes), group=group,
        exact_correlation=_orthogonal_exact, gamma=0.0, size=len(representatives),
        description="R_G f_S, one per orbit; ‖R_G f_S‖² = ‖f_S‖²/|Orb(S)| (Theorem D)")


# --------------------------------------------------------------------------- hidden planes


def _plane_directions(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit directions θ_m = (cos πm/k, sin πm/k), m = 1..2k, shape (2k, 2), and signs (−1)^m."""
    angles = np.pi * np.arange(1, 2 * k + 1) / k
    return np.stack([np.cos(angles), np.sin(angles)], axis=1), (-1.0) ** np.arange(1, 2 * k + 1)


def _alternating_relu_sum(s: np.ndarray, t: np.ndarray, k: int) -> np.ndarray:
    """Raw F(s, t) = Σ_m (−1)^m ReLU(s cos(πm/k) + t sin(πm/k)); no zero-family check."""
    directions, signs = _plane_directions(k)
    projections = np.multiply.outer(s, directions[:, 0]) + np.multiply.outer(t, directions[:, 1])
    return np.maximum(projections, 0.0) @ signs


def _hidden_plane_pair_terms(matrix: np.ndarray, k: int) -> np.ndarray:
    """Terms (−1)^{m+m'} κ(θ_mᵀ M θ_m') of E[F(Ux) F(Vx)] with M = UVᵀ, shape (2k, 2k)."""
    directions, signs = _plane_directions(k)
    rho = np.clip(directions @ matrix @ directions.T, -1.0, 1.0)
    # arc-cosine kernel κ(ρ) = (√(1−ρ²) + ρ(π − arccos ρ))/(2π), vectorised
    kernel = (np.sqrt(np.maximum(0.0, 1.0 - rho**2)) + rho * (np.pi - np.arccos(rho))) / (2 * np.pi)
    return np.outer(signs, signs) * kernel


def _hidden_plane_row_correlations(plane: np.ndarray, planes: np.ndarray, k: int) -> np.ndarray:
    """E[F(Ux) F(V_j x)] for one U against every V_j (vectorised _hidden_plane_pair_terms)."""
    directions, signs = _plane_directions(k)
    # ρ[j, m, m'] = θ_mᵀ U V_jᵀ θ_m' = ⟨Uᵀθ_m, V_jᵀθ_m'⟩
    rho = np.einsum("md,jnd->jmn", directions @ plane, np.einsum("na,jad->jnd", directions, planes))
    rho = np.clip(rho, -1.0, 1.0)
    kernel = (np.sqrt(np.maximum(0.0, 1.0 - rho**2)) + rho * (np.pi - np.arccos(rho))) / (2 * np.pi)
    return np.einsum("m,jmn,n->j", signs, kernel, signs)


def hidden_plane_norm_squared(k: int) -> float:
    """Exact ``‖F‖² = Σ_{m,m'=1}^{2k} (−1)^{m+m'} κ(cos(π(m − m')/k))`` under ``N(0, I_2)``.

    ``κ`` is the arc-cosine kernel (:func:`csqlab.gaussian.relu_pair_expectation`);
    ``k = 4``: ``0.11679`` (``≈ 0.117``, a course computation used in lesson 9), ``k = 6``: ``0.04831``.
    Raises ValueError for odd ``k ≥ 3``, where ReLU makes ``F ≡ 0``.
    """
    k = _check_int(k, "k", 1)
    terms = _hidden_plane_pair_terms(np.eye(2), k)
    return _check_nonzero(terms, f"the hidden-plane function with k = {k}",
                          "ReLU = t/2 + |t|/2 and for odd k ≥ 3 the |t| terms cancel in pairs "
                          "(θ_{m+k} = −θ_m with the opposite sign) and the linear ones sum to 0; "
                          "use k = 1 or an even k, where the |t| terms add up instead")


def hidden_plane_function(s, t, k: int) -> np.ndarray:
    """``F(s, t) = Σ_{m=1}^{2k} (−1)^m ReLU(s cos(πm/k) + t sin(πm/k))`` (un-normalised).

    ``s`` and ``t`` broadcast together. ``F(R_{π/k} z) = −F(z)`` for the rotation ``R_{π/k}``.
    Raises ValueError for odd ``k ≥ 3`` (``F ≡ 0``).
    """
    hidden_plane_norm_squared(k)  # validates k and raises for a zero family
    s, t = np.broadcast_arrays(np.asarray(s, dtype=float), np.asarray(t, dtype=float))
    if not (np.all(np.isfinite(s)) and np.all(np.isfinite(t))):
        raise ValueError("s and t must be finite (got NaN or infinite values)")
    return _alternating_relu_sum(s, t, k)


def hidden_plane_angular_coefficients(k: int, max_frequency: int) -> tuple[np.ndarray, np.ndarray]:
    """Fourier coefficients ``ĝ_j`` of the angular profile ``g(θ) = F(cos θ, sin θ)``.

    ``F`` is 1-homogeneous, ``F(r cos θ, r sin θ) = r g(θ)`` with ``g = Σ_j ĝ_j e^{ijθ}``.
    ``ReLU(cos θ)`` has coefficients ``b_0 = 1/π``, ``b_{±1} = 1/4``,
    ``b_j = (−1)^{j/2}/(π(1 − j²))`` for even ``j`` and ``b_j = 0`` for odd ``|j| ≥ 3``; the
    ``2k`` alternating rotated copies sum to ``ĝ_j = 2k b_j`` when ``j ≡ k (mod 2k)`` and 0
    otherwise (a sum of ``2k``-th roots of unity). So ``g`` only has frequencies
    ``±k, ±3k, …`` (hence ``F ⊥`` polynomials of degree ``< k``, whose angular
    frequencies are ``≤`` their degree), and for odd ``k ≥ 3`` every such ``b_j`` is 0
    (``F ≡ 0``). Returns ``(frequencies −J..J, coefficients)``; real, as ``g`` is even.
    """
    k = _check_int(k, "k", 1)
    max_frequency = _check_int(max_frequency, "max_frequency", 0)
    frequencies = np.arange(-max_frequency, max_frequency + 1)
    relu_cosine = np.zeros(len(frequencies))
    relu_cosine[frequencies == 0] = 1.0 / np.pi
    relu_cosine[np.abs(frequencies) == 1] = 0.25
    even = (frequencies % 2 == 0) & (frequencies != 0)
    relu_cosine[even] = (-1.0) ** (frequencies[even] // 2) / (np.pi * (1.0 - frequencies[even] ** 2.0))
    kept = (frequencies - k) % (2 * k) == 0
    return frequencies, np.where(kept, 2.0 * k * relu_cosine, 0.0)


def hidden_plane_degree_weights(k: int, max_degree: int = 20) -> np.ndarray:
    """Hermite weight ``W_m = Σ_{a+b=m} ⟨F, h_a ⊗ h_b⟩²`` of ``F`` under ``N(0, I_2)``, ``m ≤ max_degree``.

    The degree-``m`` Hermite space of ``R²`` splits into angular frequencies
    ``j = m, m − 2, …, −m``, spanned by ``r^{|j|} L_n^{(|j|)}(r²/2) e^{ijθ}`` with
    ``m = |j| + 2n`` (``L`` generalised Laguerre). With ``u = r²/2 ~ Exp(1)`` and
    ``∫ u^s L_n^{(α)}(u) e^{−u} du = Γ(s + 1) ((α − 1)/2)_n / n!`` at ``s = (α+1)/2``, the
    projection of ``F = r g(θ)`` gives

        W_m = Σ_{|j|≤m, |j|≡m (2)} |ĝ_j|² · 2 Γ((3+α)/2)² ((α−1)/2)_n² / (n! Γ(n+α+1)),  α = |j|,

    with ``ĝ_j`` from :func:`hidden_plane_angular_coefficients`. Weights below degree ``k``
    and at odd ``m − k`` are exactly 0; ``Σ_m W_m = ‖F‖²`` (:func:`hidden_plane_norm_squared`;
    the tail decays like ``m^{−3/2}``). Checked against polar quadrature in the tests.
    """
    max_degree = _check_int(max_degree, "max_degree", 0)
    hidden_plane_norm_squared(k)  # validates k and raises for a zero family
    frequencies, coefficients = hidden_plane_angular_coefficients(k, max_degree)
    weights = np.zeros(max_degree + 1)
    for frequency, coefficient in zip(frequencies, coefficients, strict=True):
        if coefficient == 0.0:
            continue
        alpha = abs(int(frequency))
        shift = (alpha - 1) / 2.0  # > 0 except for k = 1 (alpha = 1: only n = 0 survives)
        n = np.arange((max_degree - alpha) // 2 + 1 if shift > 0 else 1, dtype=float)
        log_pochhammer = gammaln(shift + n) - gammaln(shift) if shift > 0 else 0.0
        log_radial = (math.log(2.0) + 2.0 * gammaln((3.0 + alpha) / 2.0) + 2.0 * log_pochhammer
                      - gammaln(n + 1.0) - gammaln(n + alpha + 1.0))
        weights[alpha + 2 * n.astype(int)] += coefficient**2 * np.exp(log_radial)
    return weights


def _check_plane(plane, name: str, d: int | None = None) -> np.ndarray:
    plane = np.asarray(plane, dtype=float)
    if plane.ndim != 2 or plane.shape[0] != 2 or plane.shape[1] < 2:
        raise ValueError(f"{name} must have shape (2, d) with d >= 2, got shape {plane.shape}")
    if d is not None and plane.shape[1] != d:
        raise ValueError(f"{name} must have shape (2, {d}), got shape {plane.shape}")
    if not np.all(np.isfinite(plane)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if not np.allclose(plane @ plane.T, np.eye(2), atol=1e-8):
        raise ValueError(f"{name} must have orthonormal rows (U Uᵀ = I_2), got U Uᵀ = "
                         f"{np.round(plane @ plane.T, 6).tolist()}")
    return plane


def hidden_plane_correlation(plane_u, plane_v, k: int) -> float:
    """Exact ``⟨f_U, f_V⟩ = Σ_{m,m'} (−1)^{m+m'} κ(θ_mᵀ U Vᵀ θ_{m'}) / ‖F‖²`` under ``N(0, I_d)``.

    ``⟨Uᵀθ_m, x⟩`` and ``⟨Vᵀθ_{m'}, x⟩`` are standard Gaussians with correlation
    ``θ_mᵀ U Vᵀ θ_{m'}``; ``κ`` is the arc-cosine kernel. Satisfies
    ``|⟨f_U, f_V⟩| ≤ ‖UVᵀ‖_op^k`` (checked in the tests).
    """
    norm_squared = hidden_plane_norm_squared(k)
    plane_u = _check_plane(plane_u, "plane_u")
    plane_v = _check_plane(plane_v, "plane_v", plane_u.shape[1])
    return float(_hidden_plane_pair_terms(plane_u @ plane_v.T, k).sum() / norm_squared)


def random_planes(n_planes: int, d: int, rng=None, *, seed: int | None = None) -> np.ndarray:
    """``n_planes`` independent uniformly random 2-planes in ``R^d``, shape ``(n_planes, 2, d)``.

    Each ``U`` has orthonormal rows (QR of a Gaussian ``d × 2`` matrix, signs fixed so the
    law is Haar).
    """
    n_planes = _check_int(n_planes, "n_planes", 1)
    d = _check_int(d, "d", 2)
    generator = _generator(rng, seed)
    gaussian = generator.standard_normal((n_planes, d, 2))
    q, r = np.linalg.qr(gaussian)
    q = q * np.sign(np.diagonal(r, axis1=1, axis2=2))[:, None, :]
    return np.transpose(q, (0, 2, 1))


def _check_planes(planes) -> np.ndarray:
    planes = np.asarray(planes, dtype=float)
    if planes.ndim != 3 or planes.shape[1] != 2 or planes.shape[2] < 2:
        raise ValueError(f"planes must have shape (m, 2, d) with d >= 2, got shape {planes.shape}")
    if not np.all(np.isfinite(planes)):
        raise ValueError("planes contains NaN or infinite values")
    gram = planes @ np.transpose(planes, (0, 2, 1))
    bad = np.flatnonzero(~np.all(np.isclose(gram, np.eye(2), atol=1e-8), axis=(1, 2)))
    if bad.size:
        raise ValueError(f"planes must have orthonormal rows; planes[{int(bad[0])}] does not")
    return planes


def plane_overlaps(planes) -> np.ndarray:
    """Matrix of ``‖U_i U_jᵀ‖_op`` (largest singular value of the 2×2 matrix), shape ``(m, m)``.

    ``‖U_i U_jᵀ‖_op`` is the cosine of the smallest principal angle between the planes; the
    diagonal is 1.
    """
    planes = _check_planes(planes)
    cross = np.einsum("iad,jbd->ijab", planes, planes)
    return np.linalg.norm(cross, ord=2, axis=(2, 3))


class PlaneOverlaps(NamedTuple):
    """``max_overlap = max_{i≠j} ‖U_i U_jᵀ‖_op`` and the correlation bound ``max_overlap^k``."""

    n_planes: int
    d: int
    k: int
    max_overlap: float
    correlation_bound: float


def plane_overlap_summary(planes, k: int) -> PlaneOverlaps:
    """Largest pairwise overlap of a set of planes and the resulting bound on ``γ``.

    The hidden-plane members satisfy ``|⟨f_{U_i}, f_{U_j}⟩| ≤ ‖U_i U_jᵀ‖_op^k``, so
    ``γ ≤ max_overlap^k`` (random planes in ``R^d``: overlaps ``≈ √(2/d)``, ``γ ≈ d^{−k/2}``).
    """
    k = _check_int(k, "k", 1)
    overlaps = plane_overlaps(planes)
    m = overlaps.shape[0]
    largest = float(overlaps[~np.eye(m, dtype=bool)].max()) if m > 1 else 0.0
    return PlaneOverlaps(m, int(np.shape(planes)[2]), k, largest, largest**k)


def random_plane_overlap_tail(d: int, overlap: float) -> float:
    """Our union bound on ``P(‖UVᵀ‖_op > t)`` for independent uniform planes in ``R^d``.

    ``‖UVᵀ‖_op ≤ ‖UVᵀ‖_F`` and ``‖UVᵀ‖_F² = ‖P_U v_1‖² + ‖P_U v_2‖²`` (``v_i`` the rows of
    ``V``, each uniform on the sphere); ``‖P_U v‖² ~ Beta(1, (d−2)/2)``, whose survival
    function is ``(1 − s)^{(d−2)/2}``. So ``P(‖UVᵀ‖_op > t) ≤ 2(1 − t²/2)^{(d−2)/2}``
    (``d ≥ 3``, ``0 < t ≤ √2``), capped at 1.
    """
    d = _check_int(d, "d", 3)
    overlap = _check_real(overlap, "overlap")
    if not 0.0 < overlap <= math.sqrt(2.0):
        raise ValueError(f"overlap must be in (0, √2], got {overlap}")
    return min(1.0, 2.0 * (1.0 - overlap**2 / 2.0) ** ((d - 2) / 2.0))


def log10_hidden_plane_family_size(d, overlap) -> float | np.ndarray:
    """**Our estimate** of ``log10 m``: planes in ``R^d`` with pairwise ``‖U_i U_jᵀ‖_op ≤ t`` exist.

    Deletion argument: draw ``N = 1/p`` random planes, ``p`` the tail bound of
    :func:`random_plane_overlap_tail`; the expected number of bad pairs is
    ``≤ N²p/2 = N/2``; deleting one plane per bad pair leaves ``≥ N/2 = 1/(2p)`` planes in
    expectation, so some draw does. Hence ``log10 m ≥ −log10(2p)
    = −log10 4 − ((d−2)/2) log10(1 − t²/2)``, clipped at 0. With ``t = d^{c−1/2}`` this is
    ``≈ d^{2c}/(4 ln 10)``: ``2^{Ω(d^{2c})}`` planes (DKKZ Lemma 17 states ``2^{Ω(d^c)}``;
    both are ``2^{d^{Ω(1)}}``; constants are ours). Elementwise for arrays.
    """
    d_array = np.asarray(d, dtype=float)
    t = np.asarray(overlap, dtype=float)
    if np.any(d_array < 3) or np.any(d_array != np.round(d_array)):
        raise ValueError("d must be integers >= 3")
    if np.any(~np.isfinite(t)) or np.any(t <= 0) or np.any(t > math.sqrt(2.0)):
        raise ValueError("overlap must be in (0, √2]")
    with np.errstate(divide="ignore"):
        value = -math.log10(4.0) - (d_array - 2.0) / 2.0 * np.log10(1.0 - t**2 / 2.0)
    value = np.maximum(value, 0.0)
    return float(value) if value.ndim == 0 else value


def hidden_plane_family(d: int, k: int, n_planes: int | None = None, planes=None, rng=None, *,
                        seed: int | None = None) -> HardFamily:
    """Hidden-plane functions ``f_U(x) = F(Ux)/‖F‖`` on ``N(0, I_d)`` (DKKZ 2020; lessons 6, 8).

    Members are plane indices ``0..m−1`` of ``planes`` (shape ``(m, 2, d)``, orthonormal rows)
    or of ``n_planes`` random planes from :func:`random_planes` (``rng``/``seed``). Exact
    correlations from :func:`hidden_plane_correlation`; ``gamma`` is their largest
    off-diagonal absolute value over the held planes (``≤ max overlap^k``), and
    ``size = m``: the bound uses exactly the held planes. All ``m²`` correlations are
    computed at construction (about 7 s for ``m = 1000``, ``k = 4``). For the size of the best
    families as ``d`` grows, see :func:`log10_hidden_plane_family_size`.
    """
    d = _check_int(d, "d", 2)
    norm_squared = hidden_plane_norm_squared(k)
    if (planes is None) == (n_planes is None):
        raise ValueError("give exactly one of n_planes or planes")
    if planes is None:
        planes = random_planes(n_planes, d, rng, seed=seed)
    planes = _check_planes(planes)
    if planes.shape[2] != d:
        raise ValueError(f"planes must have shape (m, 2, {d}), got shape {planes.shape}")
    m = len(planes)
    directions, signs = _plane_directions(k)
    correlations = np.stack([_hidden_plane_row_correlations(planes[i], planes, k)
                             for i in range(m)]) / norm_squared
    gamma = float(np.abs(correlations[~np.eye(m, dtype=bool)]).max()) if m > 1 else 0.0
    weights = np.einsum("ma,iad->imd", directions, planes)  # unit i, m: direction U_iᵀ θ_m

    def evaluate(x, indices):
        return np.stack([np.maximum(x @ weights[i].T, 0.0) @ signs for i in indices], axis=1)

    return HardFamily(
        name=f"hidden planes in R^{d}, k = {k}", members=list(range(m)),
        evaluate_members=evaluate, input_shape=(d,), distribution="gaussian",
        sampler=_distribution_sampler("gaussian", d), norm=math.sqrt(norm_squared),
        group=trivial(d), exact_correlation=lambda i, j: float(correlations[i, j]),
        gamma=gamma, size=m,
        description="f_U(x) = F(Ux)/‖F‖, F = Σ_m (−1)^m ReLU(⟨θ_m, ·⟩) (DKKZ 2020)")


# --------------------------------------------------------------------------- family sizes


def log_degree(n, *, even: bool = False) -> int | np.ndarray:
    """The sparsity ``k = max(1, round(log2 n))`` of the superpolynomial families (rounded up to
    the next even number with ``even=True``, as ReLU parities need). Elementwise."""
    n_array = np.asarray(n, dtype=float)
    if np.any(~np.isfinite(n_array)) or np.any(n_array < 1):
        raise ValueError("n must be >= 1")
    k = np.maximum(1, np.rint(np.log2(n_array))).astype(int)
    if even:
        k = k + (k % 2)
    k = np.minimum(k, n_array.astype(int))
    return int(k) if k.ndim == 0 else k


def log10_parity_family_size(n, k=None):
    """``log10 C(n, k)``: the number of degree-``k`` parities (or parities of ReLUs).

    ``k=None`` uses ``k = log_degree(n)``: ``C(n, log n) = n^{Θ(log n)}``, superpolynomial.
    """
    return log10_binomial(n, log_degree(n) if k is None else k)


def log10_orbit_family_size_lower_bound(n, k=None, group_order=1):
    """``log10(C(n, k)/|G|)``: the orbit-averaged family keeps at least ``C(n, k)/|G|`` members
    (each orbit has at most ``|G|`` subsets). ``group_order`` is a number or callable of ``n``
    (e.g. ``lambda n: n`` for cyclic shifts); clipped at 0 (at least one orbit)."""
    n_array = np.asarray(n, dtype=float)
    order = np.array([group_order(v) for v in np.atleast_1d(n_array)], dtype=float).reshape(
        n_array.shape) if callable(group_order) else np.asarray(group_order, dtype=float)
    if np.any(~np.isfinite(order)) or np.any(order < 1):
        raise ValueError("group_order must be >= 1")
    value = np.maximum(log10_parity_family_size(n, k) - np.log10(order), 0.0)
    return float(value) if np.ndim(value) == 0 else value


def parity_bound_curve(ns, tolerance, k=None, group_order=1) -> BoundCurve:
    """Counting-lemma curve for (orbit-averaged) sparse parities or parities of ReLUs.

    ``γ = 0`` and ``log10 m = log10(C(n, k)/|G|)`` (``k = log_degree(n)`` by default), passed
    to :func:`csqlab.bounds.bound_curve`; ``tolerance`` a number, array or callable of ``n``.
    """
    ns = np.asarray(ns, dtype=float)
    log10_m = np.atleast_1d(log10_orbit_family_size_lower_bound(ns, k, group_order))
    return bound_curve(ns, log10_m, 0.0, tolerance)


def hidden_plane_bound_curve(ds, k: int, c: float, tolerance) -> BoundCurve:
    """Counting-lemma curve for hidden planes in ``R^d`` with overlap ``t = d^{c−1/2}``.

    ``γ = t^k`` (the Hermite bound) and ``log10 m`` from our deletion estimate
    :func:`log10_hidden_plane_family_size`, passed to :func:`csqlab.bounds.bound_curve`.
    """
    k = _check_int(k, "k", 1)
    c = _check_real(c, "c")
    if not 0.0 < c < 0.5:
        raise ValueError(f"c must be in (0, 1/2), got {c}")
    ds = np.asarray(ds, dtype=float)
    overlap = ds ** (c - 0.5)
    log10_m = np.atleast_1d(log10_hidden_plane_family_size(ds, overlap))
    return bound_curve(ds, log10_m, overlap**k, tolerance)
