"""Invariant polynomials: exponentially hard for correlational queries, easy for a label
transform (the paper's invariant polynomials, lesson 10).

The paper states CSQ lower bounds for invariant polynomials and an efficient non-gradient
(SQ) algorithm for *sparse* invariant polynomials: an SQ/CSQ separation inside one
symmetric class. The constructions below are **ours**, built to satisfy that statement
(the paper's invariant polynomials **[ours]**); the paper's exact construction may differ.

Orbit sums of multilinear monomials (``x ~ N(0, I_n)``, ``G ≤ S_n``)
    ``p_S(x) = |Orb(S)|^{−1/2} Σ_{T∈Orb(S)} x^T`` with ``x^T = Π_{i∈T} x_i``, one member per
    orbit of k-subsets. *Orthonormality.* ``x^T = Π_{i∈T} He_1(x_i)`` is a product of
    Hermite polynomials, and ``E[He_a(z) He_b(z)] = a! δ_{ab}`` with ``He_0 = 1``,
    ``He_1(z) = z``, so ``E[x^T x^{T'}] = Π_i E[He_{1[i∈T]} He_{1[i∈T']}] = 1[T = T']``:
    distinct multilinear monomials are orthonormal. Distinct orbits are disjoint, so
    ``⟨p_S, p_{S'}⟩ = |Orb|^{−1} · #(Orb(S) ∩ Orb(S')) = δ`` — exactly orthonormal
    (``γ = 0``), with ``#orbits ≥ C(n, k)/|G|`` members, exponential in ``n`` for
    ``k = Θ(n)`` and ``|G| = 2^{o(n)}``. These are the orbit-averaged parities of lesson 7
    (:func:`csqlab.hard.parity_family`) on Gaussian instead of cube inputs; the inner products
    agree because the 2-point Gauss–Hermite rule (nodes ``±1``, weights ``½``) is exact for
    degree ``≤ 3`` per variable, and a product of two multilinear polynomials has degree
    ``≤ 2`` in each variable (:func:`multilinear_gram_by_quadrature`). Each member is realised
    by :class:`csqlab.models.InvariantPolynomial` (``features="orbit_sum"``, one coefficient
    1, the rest 0): :func:`orbit_sum_model`.

Set variant (DeepSets; ``X ∈ R^{n×d}`` with i.i.d. ``N(0, 1)`` entries)
    ``f_S(X) = n^{−1/2} Σ_{i=1}^n Π_{j∈S} X_{ij}``, ``S ⊆ [d]``, ``|S| = k``: invariant under
    the ``S_n`` permuting the rows (the set elements). The ``n`` row monomials are distinct
    multilinear monomials in the ``n·d`` variables, so ``‖f_S‖ = 1`` and
    ``⟨f_S, f_{S'}⟩ = 0`` for ``S ≠ S'``: ``C(d, k)`` orthonormal members — the symmetry
    costs nothing here. Realised by a DeepSets network ``ρ(Σ_i φ(X_i))`` built from
    :class:`csqlab.models.MessagePassingGNN` on the graph with self-loops only (``A = I``, so
    the aggregation is ``X`` itself) and a node MLP with activation ``t ↦ t^k``: by
    polarisation ``Π_{j∈S} x_j = (2/(k! 2^k)) Σ_{ε∈{±1}^k, ε_1 = +1} (Π_j ε_j)(Σ_j ε_j x_j)^k``
    (``2^{k−1}`` hidden units; :func:`set_monomial_network`).

The label transform (the SQ algorithm)
    A CSQ only sees ``E[h(x) y]``. An SQ may transform the label. With
    ``He_2(z) = z² − 1``, ``E[z^a He_2(z)] = 0, 0, 2`` for ``a = 0, 1, 2``, and
    ``E[z^a] = 1, 0, 1``, so for multilinear monomials
    ``E[x^T x^{T'} He_2(x_j)] = 2 · 1[T = T'] · 1[j ∈ T]``. Hence, exactly:

    * orbit sums: ``E[p_S(x)² He_2(x_j)] = 2 · c_j/|Orb(S)|`` with
      ``c_j = #{T ∈ Orb(S) : j ∈ T}`` (:func:`orbit_support_statistic`). For a single
      monomial (trivial ``G``) this is ``2 · 1[j ∈ S]``; for a *transitive* ``G`` (e.g.
      ``C_n``) double counting gives ``c_j/|Orb| = k/n`` for every ``j``: the transform sees
      nothing, and the SQ algorithm below is for the set variant;
    * set variant: ``E[f_S(X)² Σ_i He_2(X_{ij})] = 2 · 1[j ∈ S]`` (rows ``i ≠ i'`` give
      products of independent mean-zero factors; each row ``i`` contributes
      ``(1/n) · 2 · 1[j ∈ S]``) (:func:`set_support_statistic`).

    These queries are unbounded, and for ``k = Θ(d)`` ``y²`` is heavy-tailed
    (``E[y⁴] ≥ 3^k/n``), so an empirical mean of ``y² He_2`` needs exponentially many
    samples. The bounded version used by :func:`sq_learn_set_monomial` multiplies two
    bounded factors, ``φ_j(X, y) = T_B(y) · ḡ_j(X)`` with ``T_B(y) = min(y², B)/B ∈ [0, 1]``
    (``B`` a quantile of ``y²``, found by label-only queries) and
    ``ḡ_j(X) = (1/n) Σ_i g(X_{ij})``, ``g(z) = (min(z², c) − m_c)/max(m_c, c − m_c)`` with
    ``m_c = E[min(z², c)]`` (:func:`truncated_square_mean`), so ``|g| ≤ 1`` and
    ``E[g] = 0``. Off the support ``X_{·j}`` is independent of ``y``, so
    ``E[φ_j] = E[T_B(y)] E[ḡ_j] = 0`` **exactly**; on the support ``E[φ_j] > 0`` (both
    factors grow with ``|X_{ij}|``; measured, it decays like ``1/√k``). So ``d`` bounded SQ
    queries with polynomially many samples reveal ``S``, and one correlational query fits
    the coefficient. A CSQ learner, by the counting lemma with ``m = C(d, k)`` and ``γ = 0``,
    needs ``C(d, k) τ²/2`` queries of tolerance ``τ``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from itertools import combinations
from typing import NamedTuple

import numpy as np
import torch
from scipy.stats import norm

from csqlab import models as _models
from csqlab import oracles as _oracles
from csqlab.boolean import _check_int, _check_real, _generator
from csqlab.bounds import BoundCurve, bound_curve, log10_binomial
from csqlab.gaussian import gauss_hermite_rule
from csqlab.groups import PermutationGroup, subset_orbit, symmetric
from csqlab.hard.classical import MAX_MEMBERS, parity_bound_curve, parity_family
from csqlab.hard.family import HardFamily, evaluate_in_chunks

__all__ = [
    "orbit_polynomial_family",
    "orbit_sum_terms",
    "multilinear_inner_product",
    "multilinear_gram_by_monomials",
    "multilinear_gram_by_quadrature",
    "orbit_sum_model",
    "orbit_support_statistic",
    "set_monomial_family",
    "set_monomial_terms",
    "set_monomial_network",
    "set_network_on_sets",
    "set_support_statistic",
    "truncated_square_mean",
    "set_monomial_oracle",
    "SetRecovery",
    "sq_learn_set_monomial",
    "sq_success_rate",
    "orbit_polynomial_bound_curve",
    "set_monomial_bound_curve",
    "fit_exponential_rate",
    "deepsets_student",
]

#: Largest number of Gaussian variables for the 2-point quadrature Gram (``2**dim`` nodes).
MAX_QUADRATURE_DIM = 18


# --------------------------------------------------------------------------- orbit sums


def orbit_polynomial_family(n: int, k: int, group: PermutationGroup | None = None) -> HardFamily:
    """Orbit sums of degree-``k`` multilinear monomials on ``x ~ N(0, I_n)`` (the paper's invariant polynomials,
    **[ours]**): ``p_S = |Orb(S)|^{−1/2} Σ_{T∈Orb(S)} x^T``, one member per orbit of
    k-subsets under ``group`` (default: trivial, i.e. the ``C(n, k)`` monomials).

    Exactly orthonormal (``γ = 0``; module docstring), ``G``-invariant, ``size`` = number of
    orbits ``≥ C(n, k)/|G|``. The functions are those of :func:`csqlab.hard.parity_family`
    with the Gaussian as input distribution (its evaluation is reused, not copied).
    """
    cube_family = parity_family(n, k, group)
    sampler = lambda n_samples, generator: generator.standard_normal((n_samples, n))  # noqa: E731
    return dataclasses.replace(
        cube_family,
        name=f"{cube_family.group.name}-orbit sums of degree-{k} monomials on N(0, I_{n})",
        distribution="gaussian",
        sampler=sampler,
        description="|Orb(S)|^{-1/2} Σ_{T∈Orb(S)} Π_{i∈T} x_i; orthonormal (Hermite), G-invariant",
    )


def orbit_sum_terms(group: PermutationGroup, subset) -> dict[tuple[int, ...], float]:
    """The monomial expansion ``{T: |Orb(S)|^{−1/2}}`` of the orbit sum ``p_S`` (keys are sorted
    index tuples ``T ∈ Orb(S)``), the input of :func:`multilinear_inner_product`."""
    orbit = subset_orbit(group, subset)
    coefficient = 1.0 / math.sqrt(len(orbit))
    return {tuple(int(i) for i in row): coefficient for row in orbit}


def multilinear_inner_product(terms_a: dict, terms_b: dict) -> float:
    """``E[p q]`` under ``N(0, I)`` for multilinear polynomials given as ``{T: coefficient}``:
    ``Σ_T a_T b_T``, because distinct multilinear monomials are orthonormal (Hermite)."""
    if len(terms_b) < len(terms_a):
        terms_a, terms_b = terms_b, terms_a
    return float(sum(value * terms_b.get(key, 0.0) for key, value in terms_a.items()))


def multilinear_gram_by_monomials(terms: Sequence[dict]) -> np.ndarray:
    """Gram matrix ``⟨p_a, p_b⟩`` of multilinear polynomials from their monomial expansions
    (the route "enumerate the monomials" of lesson 10)."""
    size = len(terms)
    gram = np.empty((size, size))
    for a in range(size):
        for b in range(a, size):
            gram[a, b] = gram[b, a] = multilinear_inner_product(terms[a], terms[b])
    return gram


def multilinear_gram_by_quadrature(family: HardFamily, members=None) -> np.ndarray:
    """Gram matrix of the (normalised) members of a Gaussian multilinear family by the
    2-point Gauss–Hermite rule in every variable: nodes ``±1``, weights ``½``.

    Exact, because the rule integrates polynomials of degree ``≤ 3`` per variable exactly and
    a product of two multilinear members has degree ``≤ 2`` per variable. The rule's nodes
    and weights come from :func:`csqlab.gaussian.gauss_hermite_rule` (a second route,
    independent of the Hermite-orthonormality argument). ``2**dim`` nodes, ``dim`` = number
    of input variables ``≤`` :data:`MAX_QUADRATURE_DIM`.
    """
    if not isinstance(family, HardFamily):
        raise TypeError(f"family must be a HardFamily, got {type(family).__name__}")
    if family.distribution != "gaussian":
        raise ValueError(f"family must have distribution 'gaussian', got {family.distribution!r}")
    dim = int(np.prod(family.input_shape))
    if dim > MAX_QUADRATURE_DIM:
        raise ValueError(f"the 2-point rule needs 2**dim nodes; dim must be <= "
                         f"{MAX_QUADRATURE_DIM}, got {dim}")
    nodes, weights = gauss_hermite_rule(2)
    index = (np.arange(1 << dim)[:, None] >> np.arange(dim)) & 1
    points = nodes[index].reshape((1 << dim, *family.input_shape))
    node_weights = np.prod(weights[index], axis=1)
    values = family.evaluate(points, members)
    return values.T @ (node_weights[:, None] * values)


def orbit_sum_model(family: HardFamily, index: int) -> _models.InvariantPolynomial:
    """The :class:`csqlab.models.InvariantPolynomial` (orbit-sum features of degree ≤ k under
    the family's group, no bias) whose coefficient is 1 on the feature of member ``index`` and
    0 elsewhere: it computes that member exactly (the architecture realises the family)."""
    if not isinstance(family, HardFamily) or len(family.input_shape) != 1:
        raise TypeError("family must be a HardFamily of orbit sums (input_shape (n,))")
    index = int(family._indices([index])[0])
    representative = tuple(family.members[index])
    n, k = family.input_shape[0], len(representative)
    model = _models.InvariantPolynomial(n, k, features="orbit_sum", group=family.group, bias=False)
    coefficients = torch.zeros(model.n_features, dtype=torch.float64)
    coefficients[model.orbit_representatives.index(representative)] = 1.0
    return model.set_weights(coefficients)


def orbit_support_statistic(group: PermutationGroup, subset) -> np.ndarray:
    """``E[p_S(x)² He_2(x_j)]`` for ``j = 0..n−1``, exactly: ``2 · c_j/|Orb(S)|`` with
    ``c_j = #{T ∈ Orb(S) : j ∈ T}`` (module docstring). For a single monomial it is
    ``2 · 1[j ∈ S]``; for a transitive group it is ``2k/n`` for every ``j``."""
    orbit = subset_orbit(group, subset)
    counts = np.bincount(orbit.ravel(), minlength=group.degree)
    return 2.0 * counts / len(orbit)


# --------------------------------------------------------------------------- the set variant


def _check_set_sizes(n: int, d: int, k: int) -> tuple[int, int, int]:
    n = _check_int(n, "n", 1)
    d = _check_int(d, "d", 1)
    k = _check_int(k, "k", 1)
    if k > d:
        raise ValueError(f"k must be at most d = {d}, got {k}")
    return n, d, k


def _check_subset(subset, d: int, k: int | None = None) -> tuple[int, ...]:
    values = tuple(sorted(_check_int(j, "subset entries", 0) for j in subset))
    if not values or len(set(values)) != len(values) or values[-1] >= d or (
            k is not None and len(values) != k):
        expected = f"{k} distinct" if k is not None else "distinct"
        raise ValueError(f"subset must hold {expected} feature indices in 0..{d - 1}, "
                         f"got {tuple(subset)}")
    return values


def _set_monomial_values(X: np.ndarray, subset: tuple[int, ...]) -> np.ndarray:
    """``f_S(X) = n^{−1/2} Σ_i Π_{j∈S} X_ij`` on a batch ``(B, n, d)``."""
    return X[:, :, list(subset)].prod(axis=2).sum(axis=1) / math.sqrt(X.shape[1])


def set_monomial_family(n: int, d: int, k: int, subsets: Sequence | None = None) -> HardFamily:
    """The set variant (the paper's invariant polynomials, **[ours]**): ``f_S(X) = n^{−1/2} Σ_i Π_{j∈S} X_ij`` on
    ``X ∈ R^{n×d}`` with i.i.d. ``N(0, 1)`` entries, ``S ⊆ [d]``, ``|S| = k``.

    Members: all ``C(d, k)`` subsets (or the given ``subsets``); exactly orthonormal
    (``γ = 0``), ``size = C(d, k)``; invariant under the symmetric group ``S_n`` permuting
    the rows (``action = "rows"``: ``(g·X)_{g(i)} = X_i``).
    """
    n, d, k = _check_set_sizes(n, d, k)
    if subsets is None:
        if math.comb(d, k) > MAX_MEMBERS:
            raise ValueError(f"C(d, k) = C({d}, {k}) = {math.comb(d, k)} exceeds MAX_MEMBERS = "
                             f"{MAX_MEMBERS}; pass subsets=[...] to hold a few members")
        members = list(combinations(range(d), k))
    else:
        members = [_check_subset(subset, d, k) for subset in subsets]
        if not members:
            raise ValueError("subsets must not be empty")
        if len(set(members)) != len(members):
            raise ValueError("subsets must not repeat a subset")

    def evaluate_chunk(X, indices):
        # every requested subset at once: (B, n, count, k) entries, multiplied along k
        chosen = np.array([members[i] for i in indices], dtype=np.intp)
        return X[:, :, chosen].prod(axis=3).sum(axis=1) / math.sqrt(n)

    def evaluate(X, indices):
        return evaluate_in_chunks(evaluate_chunk, X, indices, len(X) * n * k)

    def sampler(n_samples, generator):
        return generator.standard_normal((n_samples, n, d))

    return HardFamily(
        name=f"set monomials: n = {n} rows, d = {d} features, degree {k}", members=members,
        evaluate_members=evaluate, input_shape=(n, d), distribution="gaussian", sampler=sampler,
        norm=1.0, group=symmetric(n), action="rows",
        exact_correlation=lambda i, j: 1.0 if i == j else 0.0, gamma=0.0, size=math.comb(d, k),
        description="n^{-1/2} Σ_i Π_{j∈S} X_ij; a DeepSets network; orthonormal (lesson 10)")


def set_monomial_terms(n: int, d: int, subset) -> dict[tuple[int, ...], float]:
    """Monomial expansion of ``f_S`` in the flattened variables ``X_ij ↦ i·d + j``:
    ``{(i·d + j for j ∈ S): n^{−1/2}}`` for each row ``i``."""
    n = _check_int(n, "n", 1)
    d = _check_int(d, "d", 1)
    subset = _check_subset(subset, d)
    return {tuple(i * d + j for j in subset): 1.0 / math.sqrt(n) for i in range(n)}


def set_monomial_network(n: int, d: int, subset) -> _models.MessagePassingGNN:
    """A DeepSets network ``ρ(Σ_i φ(X_i))`` computing ``f_S`` exactly, as a
    :class:`csqlab.models.MessagePassingGNN` evaluated on the self-loop graph ``A = I_n``
    (use :func:`set_network_on_sets`).

    ``φ`` is a node MLP ``d → 2^{k−1} → 1`` without biases and with activation ``t ↦ t^k``:
    unit ``ε`` (``ε ∈ {±1}^k``, ``ε_1 = +1``) has input weights ``ε`` on the columns ``S`` and
    output weight ``2 Π_j ε_j / (k! 2^k √n)`` — the polarisation identity of the module
    docstring, with the ``n^{−1/2}`` folded in. The sum readout is ``ρ``. Float64 rounding
    grows like ``(Σ_j |x_j|)^k``: keep ``k`` small (≤ 6) for exact comparisons.
    """
    n = _check_int(n, "n", 1)
    d = _check_int(d, "d", 1)
    subset = _check_subset(subset, d)
    k = len(subset)
    signs = np.array([(1,) + rest for rest in _sign_tuples(k - 1)], dtype=float)
    W = np.zeros((len(signs), d))
    W[:, list(subset)] = signs
    scale = 2.0 / (math.factorial(k) * 2**k * math.sqrt(n))
    output = (np.prod(signs, axis=1) * scale)[None, :]
    node_mlp = _models.MLP(d, (len(signs),), 1, activation=lambda t: t**k, bias=False,
                           flatten=False)
    node_mlp.set_weights([(W, None), (output, None)])
    return _models.MessagePassingGNN(node_mlp, aggregation="sum", readout="sum")


def _sign_tuples(length: int) -> list[tuple[int, ...]]:
    if length == 0:
        return [()]
    return [tuple(1 - 2 * ((m >> b) & 1) for b in range(length)) for m in range(1 << length)]


def set_network_on_sets(network, X) -> torch.Tensor:
    """Evaluate a one-layer GNN on sets: the graph with self-loops only, ``A = I_n``, so
    ``agg(A, X) = X`` and ``f(X) = readout_i node_mlp(X_i)`` — the DeepSets form.
    ``X`` of shape ``(B, n, d)``; returns shape ``(B,)``."""
    dtype = next(network.parameters()).dtype if any(True for _ in network.parameters()) \
        else torch.float64
    X = torch.as_tensor(X, dtype=dtype)
    if X.ndim != 3:
        raise ValueError(f"X must have shape (B, n, d), got {tuple(X.shape)}")
    adjacency = torch.eye(X.shape[1], dtype=dtype).expand(X.shape[0], -1, -1)
    out = network(adjacency, X)
    return out.reshape(X.shape[0])


def set_support_statistic(d: int, subset) -> np.ndarray:
    """``E[f_S(X)² Σ_i He_2(X_ij)]`` for ``j = 0..d−1``, exactly ``2 · 1[j ∈ S]`` for every
    number of rows ``n`` (module docstring)."""
    d = _check_int(d, "d", 1)
    subset = _check_subset(subset, d)
    statistic = np.zeros(d)
    statistic[list(subset)] = 2.0
    return statistic


# --------------------------------------------------------------------------- the SQ algorithm


def truncated_square_mean(c: float) -> float:
    """``m_c = E[min(z², c)]`` for ``z ~ N(0, 1)``, in closed form with ``a = √c``:
    ``m_c = (2Φ(a) − 1) − 2aφ(a) + 2c(1 − Φ(a))`` (integrate ``z²φ`` by parts on ``|z| < a``)."""
    c = _check_real(c, "c")
    if c <= 0:
        raise ValueError(f"c must be positive, got {c}")
    a = math.sqrt(c)
    return float((2 * norm.cdf(a) - 1) - 2 * a * norm.pdf(a) + 2 * c * norm.sf(a))


def _feature_transform(c: float) -> Callable[[np.ndarray], np.ndarray]:
    """``g(z) = (min(z², c) − m_c)/max(m_c, c − m_c)``: values in [−1, 1], ``E[g(z)] = 0``."""
    mean = truncated_square_mean(c)
    scale = max(mean, c - mean)
    return lambda z: (np.minimum(z**2, c) - mean) / scale


def set_monomial_oracle(n: int, d: int, subset, n_samples: int, coefficient: float = 1.0,
                        rng=None, *, seed: int | None = None) -> _oracles.SampleOracle:
    """A :class:`csqlab.oracles.SampleOracle` for the target ``y = coefficient · f_S(X)``:
    inputs are the flattened ``X`` (``N(0, I_{n·d})``, row-major), each answer the mean over
    ``n_samples`` fresh draws (tolerance ``≈ 1/√N``)."""
    n = _check_int(n, "n", 1)
    d = _check_int(d, "d", 1)
    subset = _check_subset(subset, d)
    coefficient = _check_real(coefficient, "coefficient")

    def target(x):
        return coefficient * _set_monomial_values(x.reshape(-1, n, d), subset)

    return _oracles.SampleOracle(_oracles.Gaussian(n * d), target, n_samples, rng, seed=seed)


class SetRecovery(NamedTuple):
    """Outcome of :func:`sq_learn_set_monomial`.

    ``support`` (the recovered ``S``), ``coefficient`` (fitted), ``statistics`` (the ``d``
    support answers ``≈ E[T_B(y) ḡ_j]``), ``label_scale`` (``B``), ``n_sq_queries`` and
    ``n_csq_queries`` (queries asked), ``tolerance`` (the oracle's).
    """

    support: tuple[int, ...]
    coefficient: float
    statistics: np.ndarray
    label_scale: float
    n_sq_queries: int
    n_csq_queries: int
    tolerance: float

    @property
    def n_queries(self) -> int:
        return self.n_sq_queries + self.n_csq_queries


def sq_learn_set_monomial(oracle, n: int, d: int, k: int, *, quantile: float = 0.5,
                          c: float = 1.0, n_bisection: int = 12) -> SetRecovery:
    """Learn ``y = a · f_S(X)`` (set variant, ``|S| = k`` known) from bounded statistical
    queries (lesson 10; module docstring for the mathematics). Inputs to the oracle are the
    flattened ``X`` (see :func:`set_monomial_oracle`).

    1. *Label scale* (``n_bisection`` label-only SQs ``1[log y² ≤ s]``): bisection on
       ``s ∈ [−80, 10]`` for the ``quantile`` of ``log y²``; ``B = e^s``.
    2. *Support* (``d`` SQs): ``φ_j(X, y) = min(y², B)/B · (1/n) Σ_i g(X_ij) ∈ [−1, 1]``,
       exactly 0 in expectation for ``j ∉ S``; keep the ``k`` largest answers.
    3. *Coefficient* (one CSQ): ``h = clip(f_Ŝ, −1, 1)``; ``a = E[h y]/E[h f_Ŝ]``, the
       denominator label-free (free under the known marginal).
    """
    n, d, k = _check_set_sizes(n, d, k)
    quantile = _check_real(quantile, "quantile")
    if not 0.0 < quantile < 1.0:
        raise ValueError(f"quantile must be in (0, 1), got {quantile}")
    n_bisection = _check_int(n_bisection, "n_bisection", 1)
    start = oracle.n_queries
    low, high = -80.0, 10.0
    for _ in range(n_bisection):
        middle = 0.5 * (low + high)
        below = oracle.sq(lambda x, y, s=middle: (np.log(np.maximum(y**2, 1e-300)) <= s) * 1.0)
        low, high = (low, middle) if below >= quantile else (middle, high)
    label_scale = math.exp(0.5 * (low + high))
    g = _feature_transform(c)
    statistics = np.empty(d)
    for j in range(d):
        def phi(x, y, j=j):
            features = g(x.reshape(-1, n, d)[:, :, j]).mean(axis=1)
            return np.minimum(y**2, label_scale) / label_scale * features

        statistics[j] = oracle.sq(phi)
    n_sq = oracle.n_queries - start
    support = tuple(sorted(int(j) for j in np.argsort(-statistics, kind="stable")[:k]))

    def h(x):
        return np.clip(_set_monomial_values(x.reshape(-1, n, d), support), -1.0, 1.0)

    correlation = oracle.csq(h)
    normaliser = oracle.label_free_expectation(
        lambda x: h(x) * _set_monomial_values(x.reshape(-1, n, d), support))
    coefficient = correlation / normaliser if normaliser > 0 else 0.0
    return SetRecovery(support, float(coefficient), statistics, label_scale, n_sq, 1,
                       float(oracle.tolerance))


def sq_success_rate(n: int, d: int, k: int, n_samples: int, n_trials: int, rng=None, *,
                    seed: int | None = None, **options) -> float:
    """Fraction of ``n_trials`` random targets ``f_S`` (``S`` uniform among k-subsets) for which
    :func:`sq_learn_set_monomial` recovers ``S`` exactly, each with a fresh
    :func:`set_monomial_oracle` of ``n_samples`` samples per query."""
    n, d, k = _check_set_sizes(n, d, k)
    n_trials = _check_int(n_trials, "n_trials", 1)
    generator = _generator(rng, seed)
    successes = 0
    for _ in range(n_trials):
        subset = tuple(sorted(int(j) for j in generator.choice(d, size=k, replace=False)))
        oracle = set_monomial_oracle(n, d, subset, n_samples, rng=generator)
        successes += sq_learn_set_monomial(oracle, n, d, k, **options).support == subset
    return successes / n_trials


# --------------------------------------------------------------------------- bounds


def orbit_polynomial_bound_curve(ns, tolerance, group_order=1, degree_fraction: float = 0.5
                                 ) -> BoundCurve:
    """Counting-lemma curve for orbit sums of degree ``k = ⌊degree_fraction · n⌋`` under a group
    of order ``group_order`` (a number or a callable of ``n``): ``γ = 0`` and
    ``log10 m = log10(C(n, k)/|G|)`` (the guaranteed number of orbits). Exponential in ``n``
    for ``k = Θ(n)`` and ``|G| = 2^{o(n)}``; wraps :func:`csqlab.hard.parity_bound_curve`."""
    degree_fraction = _check_real(degree_fraction, "degree_fraction")
    if not 0.0 < degree_fraction <= 1.0:
        raise ValueError(f"degree_fraction must be in (0, 1], got {degree_fraction}")
    ns = np.asarray(ns, dtype=float)
    degrees = np.maximum(1, np.floor(degree_fraction * ns)).astype(int)
    return parity_bound_curve(ns, tolerance, k=degrees, group_order=group_order)


def set_monomial_bound_curve(ds, tolerance, degree_fraction: float = 0.5) -> BoundCurve:
    """Counting-lemma curve for the set variant against the feature dimension ``d``:
    ``m = C(d, ⌊degree_fraction · d⌋)``, ``γ = 0`` (no division by ``|S_n| = n!``: the members
    are invariant by construction)."""
    degree_fraction = _check_real(degree_fraction, "degree_fraction")
    if not 0.0 < degree_fraction <= 1.0:
        raise ValueError(f"degree_fraction must be in (0, 1], got {degree_fraction}")
    ds = np.asarray(ds, dtype=float)
    degrees = np.maximum(1, np.floor(degree_fraction * ds))
    return bound_curve(ds, np.atleast_1d(log10_binomial(ds, degrees)), 0.0, tolerance)


def fit_exponential_rate(ns, log10_values) -> float:
    """Least-squares slope of ``log2(value)`` against ``n``: the fitted ``r`` in
    ``value ≈ C · 2^{r n}`` (``r = 1`` for ``C(n, n/2) ≈ 2^n/√n`` asymptotically)."""
    ns = np.asarray(ns, dtype=float)
    values = np.asarray(log10_values, dtype=float)
    if ns.ndim != 1 or ns.shape != values.shape or ns.size < 2:
        raise ValueError("ns and log10_values must be 1-D arrays of equal length >= 2")
    if not (np.all(np.isfinite(ns)) and np.all(np.isfinite(values))):
        raise ValueError("ns and log10_values must be finite")
    return float(np.polyfit(ns, values / math.log10(2.0), 1)[0])


# --------------------------------------------------------------------------- a DeepSets student


def deepsets_student(d: int, width: int = 64, seed=0) -> _models.MessagePassingGNN:
    """A DeepSets student ``head(Σ_i φ(X_i))``: node MLP ``d → width → width`` (ReLU), sum
    readout, head MLP ``width → width → 1``, float32, standard initialisation (seeded);
    evaluate with :func:`set_network_on_sets`."""
    d = _check_int(d, "d", 1)
    width = _check_int(width, "width", 1)
    node_mlp = _models.MLP(d, (width,), width, dtype=torch.float32, seed=seed, flatten=False)
    head = _models.MLP(width, (width,), 1, dtype=torch.float32, seed=seed + 1)
    return _models.MessagePassingGNN(node_mlp, head=head, aggregation="sum", readout="sum")
