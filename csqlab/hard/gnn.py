"""The paper's hard families for graph neural networks (Theorems A and B; lesson 8).

Kiani, Le, Lawrence, Jegelka, Weber (ICLR 2024) prove two lower bounds for GNNs. Both
families here are built to satisfy the stated results; where the course notes (lessons/notes/proof-maps.md) mark a construction
**[ours]**, the paper's exact construction may differ. Every formula is checked by a second
route in ``tests/test_hard_gnn.py``.

Part 1 — degree-histogram parities on random graphs (SQ, exponential in ``n^c``)
    For a graph ``A`` on ``n`` nodes let ``d_i = Σ_j A_ij`` (out-degree) and
    ``h_j(A) = #{i : d_i = j}`` (the degree histogram, ``j = 0..n−1``). For a subset ``S``
    of a window ``B`` of central degrees,

        χ_S(A) = (−1)^{Σ_{j∈S} h_j(A)} = Π_i (−1)^{1[d_i ∈ S]}.

    *Products.* ``Σ_{j∈S} h_j + Σ_{j∈T} h_j = Σ_{j∈SΔT} h_j + 2 Σ_{j∈S∩T} h_j``, so
    ``χ_S χ_T = χ_{SΔT}`` and every correlation is a mean ``E[χ_U]``, ``U = SΔT``.

    *Directed G(n, p)* (each ordered pair ``i ≠ j`` an edge independently with probability
    ``p``; no self-loops). Row ``i`` of ``A`` involves only the variables ``A_ij``, so the
    out-degrees are independent, each ``Bin(n − 1, p)`` with probabilities
    ``p_j = C(n−1, j) p^j (1 − p)^{n−1−j}``. Hence, exactly,

        E[χ_S χ_T] = E[Π_i (−1)^{1[d_i ∈ U]}] = Π_i (1 − 2 P(d_i ∈ U)) = (1 − 2 p_U)^n,

    with ``p_U = Σ_{j∈U} p_j`` (:func:`degree_parity_correlation`).

    *γ of a window.* Over nonempty ``U ⊆ B`` the mass ``p_U`` ranges over
    ``[min_{j∈B} p_j, p_B]`` and ``1 − 2p_U`` is decreasing in ``p_U``, so
    ``γ = max_{∅≠U⊆B} |1 − 2p_U|^n = max(|1 − 2 min_{j∈B} p_j|, |1 − 2p_B|)^n``
    (:func:`degree_parity_gamma`; the tests compare with all ``2^{|B|}`` subsets). For a
    central window of ``|B| = n^c`` degrees, ``c ≤ 1/2``, the window's edge lies within
    ``√n/2`` of the mean ``(n−1)/2`` (standard deviation ``√(n−1)/2``), so by the local
    limit theorem ``min_{j∈B} p_j ≈ √(2/(πn)) e^{−|B|²/(2(n−1))} = Θ(1/√n)`` and

        γ ≈ (1 − 2 min p_j)^n ≤ exp(−2n min p_j) = exp(−Θ(√n)),
        −ln γ ≈ 2√(2/π) √n ≈ 1.60 √n   (c < 1/2),

    while the family has ``m = 2^{|B|} = 2^{n^c}`` members (``S = ∅`` included). **[ours]**

    *Undirected G(n, p).* Degrees are weakly dependent (each edge feeds two of them), so the
    formula is only approximate: :func:`estimate_degree_parity_correlations` measures it by
    Monte Carlo, :func:`degree_parity_correlations_by_enumeration` computes it exactly for
    tiny ``n``, and :func:`conditioned_binomial_correlation` approximates it by independent
    binomial degrees conditioned on an even sum **[ours]**. One dependence is exact: ``Σ_i d_i = 2|E|`` is even (the handshake lemma),
    so the number of odd-degree nodes is even, ``χ_{odd degrees} ≡ +1`` and
    ``χ_{even degrees} ≡ (−1)^n``. Windows containing all odd (or all even) degrees are
    refused.

    *Realisation* **[ours]** (:func:`degree_parity_network`): a
    :class:`csqlab.models.MessagePassingGNN` with constant input features (so the sum
    aggregation gives ``d_i``), the node MLP :func:`csqlab.models.degree_indicator_mlp`
    (``1[t = j] = ReLU(t−j+1) − 2ReLU(t−j) + ReLU(t−j−1)``), the sum readout (the histogram)
    and a head that forms ``s = Σ_{j∈S} h_j ∈ {0..n}`` and returns
    ``1 − 2 T(s)`` with the triangle wave ``T(t) = ReLU(t) + Σ_{r=1}^{n−1} 2(−1)^r ReLU(t−r)``
    (``T = t mod 2`` at integers; :func:`triangle_wave_coefficients`): ``n`` ReLUs.

    *Contrast.* The bits ``h_j mod 2`` (``j ∈ B``) are computable from a sample, and
    ``χ_S`` is the parity ``Π_{j∈S} (−1)^{h_j}`` of them: Gaussian elimination over GF(2)
    recovers ``S`` from ``O(|B|)`` samples (:func:`learn_degree_parity_by_elimination`),
    although every SQ learner needs ``≈ 2^{|B|} τ²/2`` queries (Boolean labels: SQ = CSQ).

Part 2 — hidden planes per node on a graph with Gaussian features (CSQ, ``d^{Ω(k)}``)
    Class ``f(A, X) = 1ᵀ σ(A X W) a`` with ``X ∈ R^{n×d}`` i.i.d. ``N(0, 1)``
    (:class:`csqlab.models.ShallowGNN`). Member for a plane ``U ∈ R^{2×d}`` (orthonormal rows):
    ``W = [Uᵀθ_1, …, Uᵀθ_{2k}]``, ``θ_m = (cos πm/k, sin πm/k)``, ``a_m = (−1)^m``, so

        f_U(A, X) = Σ_i F(U z_i),   z_i = (AX)_i,   F the DKKZ function of
        :func:`csqlab.hard.hidden_plane_function`.

    *Exact inner products.* ``z = AX`` has ``Cov(z_i, z_j) = (AAᵀ)_ij I_d``; write
    ``δ_i = (AAᵀ)_ii`` (the degree for a 0/1 adjacency) and ``ρ_ij = (AAᵀ)_ij/√(δ_i δ_j) ∈ [0, 1]``.
    ``F`` is positively 1-homogeneous, so ``F(U z_i) = √δ_i F(U g_i)`` with ``g_i`` standard,
    ``Cov(U g_i, V g_j) = ρ_ij U Vᵀ``, and each unit pair is a pair of ReLUs of standard
    Gaussians with correlation ``ρ_ij θ_mᵀ U Vᵀ θ_{m'}``:

        E[f_U f_V] = Σ_{i,j} √(δ_i δ_j) K(ρ_ij U Vᵀ),
        K(M) = Σ_{m,m'} (−1)^{m+m'} κ(θ_mᵀ M θ_{m'})   (κ the arc-cosine kernel).

    *Graph factor* **[ours]**. F has no Hermite mass below degree ``k``; for Gaussian pairs
    with cross-covariance ``M`` (``‖M‖ ≤ 1``), Mehler's formula gives
    ``|E[F(x) F(y)]| ≤ Σ_{m≥k} ‖M‖^m ‖F^{[m]}‖² ≤ ‖M‖^k ‖F‖²``. With ``‖ρ_ij UVᵀ‖ ≤ ‖UVᵀ‖``,
    the numerator is ``≤ (Σ_i √δ_i)² ‖F‖² ‖UVᵀ‖^k``. For the norm, ``M = ρ_ij I_2`` and
    ``K(ρ I_2) = Σ_m ρ^m ‖F^{[m]}‖² ≥ 0`` (``ρ ≥ 0``), so
    ``‖f_U‖² ≥ Σ_i δ_i ‖F‖²``. Together, by Cauchy–Schwarz,

        |⟨f_U, f_V⟩| / (‖f_U‖ ‖f_V‖) ≤ (Σ_i √δ_i)² / (Σ_i δ_i) · ‖UVᵀ‖^k ≤ n ‖UVᵀ‖^k,

    with equality of the first factor to ``n`` for regular graphs (:func:`graph_factor`).
    So the graph costs at most a factor ``n`` in ``γ`` and nothing in the family size:
    ``2^{d^{Ω(1)}}`` planes with ``γ ≤ n d^{−Ω(k)}`` (:func:`gnn_hidden_plane_bound_curve`).
    Here the graph is fixed and only ``X`` is random ("small fixed graphs"); for a random
    graph the same factor ``n`` bounds the averaged ratio.

    *Symmetry.* Every member is invariant under node permutations,
    ``f(PAPᵀ, PX) = f(A, X)``. Family inputs pack ``(A, X)`` as one array ``[A | X]`` of shape
    ``(n, n + d)`` (:func:`pack_graph_inputs`).

A short online gradient-descent run on a member is
:func:`csqlab.training.members.train_gnn_student` (training code lives above the families).

Why one module (about 950 lines). Both GNN results of the paper live here because they share
the graph helpers (sampling, packing ``(A, X)``, the degree window) and lesson 8 teaches them
side by side; each part is self-contained (Part 1 and Part 2 above), and about 30% of the
lines are the derivations in the docstrings. The lifted plane family itself stays in
:mod:`csqlab.hard.classical`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy.special import gammaln

from csqlab._validation import _check_memory, _memory
from csqlab.boolean import (
    _check_int,
    _check_real,
    _finite_array,
    _generator,
    learn_parity_by_elimination,
    subset_sizes,
    walsh_hadamard,
)
from csqlab.bounds import BoundCurve, bound_curve
from csqlab.groups import symmetric
from csqlab.hard.classical import (
    _hidden_plane_pair_terms,
    _plane_directions,
    hidden_plane_norm_squared,
    log10_hidden_plane_family_size,
    random_planes,
)
from csqlab.hard.family import HardFamily, evaluate_in_chunks

__all__ = [
    "MAX_WINDOW",
    "degree_probabilities",
    "window_width",
    "central_degree_window",
    "sample_graphs",
    "sample_degrees",
    "degree_histogram",
    "degree_histogram_parity",
    "histogram_parity_bits",
    "degree_parity_correlation",
    "conditioned_binomial_correlation",
    "DegreeParityGamma",
    "degree_parity_gamma",
    "ParityCorrelations",
    "degree_parity_correlations_by_enumeration",
    "estimate_degree_parity_correlations",
    "degree_parity_family",
    "triangle_wave_coefficients",
    "degree_parity_network",
    "learn_degree_parity_by_elimination",
    "degree_parity_bound_curve",
    "edge_parity_bound_curve",
    "pack_graph_inputs",
    "unpack_graph_inputs",
    "graph_factor",
    "gnn_hidden_plane_weights",
    "gnn_hidden_plane_network",
    "gnn_hidden_plane_values",
    "gnn_hidden_plane_inner_product",
    "gnn_hidden_plane_correlation",
    "gnn_hidden_plane_family",
    "plane_pair",
    "gnn_hidden_plane_bound_curve",
]

#: Largest window ``|B|`` a family holds explicitly (``2^{|B|}`` members).
MAX_WINDOW = 16
#: Largest number of edge variables enumerated exactly (``2^{22}`` graphs).
MAX_ENUMERATED_EDGES = 22
_CHUNK_ENTRIES = 2**21  # adjacency entries sampled at once (16 MB of float64 uniforms)
#: Largest ``n`` for which :func:`degree_probabilities` builds the whole law (``n`` floats,
#: 80 MB); :func:`degree_parity_correlation`, :func:`degree_parity_gamma` and
#: :func:`central_degree_window` only evaluate the degrees they need and take any ``n``.
MAX_DEGREE_LAW = 10**7


# =========================================================================================
# Part 1 — degree-histogram parities
# =========================================================================================

# --------------------------------------------------------------------------- validation


def _check_probability(edge_probability) -> float:
    edge_probability = _check_real(edge_probability, "edge_probability")
    if not 0.0 < edge_probability < 1.0:
        raise ValueError(f"edge_probability must be in (0, 1), got {edge_probability}")
    return edge_probability


def _check_window(window, n: int, limit: bool = True) -> tuple[int, ...]:
    try:
        values = tuple(sorted(_check_int(j, "window entries", 0) for j in window))
    except TypeError as error:
        if "not iterable" in str(error):
            raise TypeError(f"window must be a sequence of degrees, got {window!r}") from None
        raise
    if not values:
        raise ValueError("window must hold at least one degree")
    if len(set(values)) != len(values):
        raise ValueError(f"window must not repeat a degree, got {values}")
    if values[-1] > n - 1:
        raise ValueError(f"window degrees must be in 0..n−1 = 0..{n - 1}, got {values}")
    if limit and len(values) > MAX_WINDOW:
        raise ValueError(f"window must hold at most MAX_WINDOW = {MAX_WINDOW} degrees "
                         f"(2^|B| members), got {len(values)}")
    return values


def _check_identities(window: tuple[int, ...], n: int, directed: bool) -> None:
    """Refuse windows containing a subset U with χ_U constant (γ = 1)."""
    if set(window) == set(range(n)):
        raise ValueError(f"window must not contain every degree 0..{n - 1}: then "
                         f"Σ_j h_j = n and χ_window ≡ (−1)^n")
    if directed:
        return
    for name, start in (("odd", 1), ("even", 0)):
        degrees = set(range(start, n, 2))
        if degrees and degrees <= set(window):
            raise ValueError(f"window must not contain all {name} degrees {sorted(degrees)} for "
                             "undirected graphs: the number of odd-degree nodes is even "
                             "(handshake lemma), so that parity is constant")


def _check_adjacency(adjacency, name: str = "adjacency") -> np.ndarray:
    """Batch of 0/1 adjacency matrices without self-loops, shape (B, n, n) (int64)."""
    array = _finite_array(adjacency, name)
    if array.ndim == 2:
        array = array[None]
    if array.ndim != 3 or array.shape[1] != array.shape[2] or array.shape[1] < 1:
        raise ValueError(f"{name} must have shape (n, n) or (B, n, n), got shape {array.shape}")
    if not np.all((array == 0) | (array == 1)):
        raise ValueError(f"{name} must have entries in {{0, 1}}")
    if np.any(np.diagonal(array, axis1=1, axis2=2)):
        raise ValueError(f"{name} must have a zero diagonal (no self-loops)")
    return array.astype(np.int64)


# --------------------------------------------------------------------------- degrees


def degree_probabilities(n: int, edge_probability: float = 0.5) -> np.ndarray:
    """``p_j = P(Bin(n − 1, p) = j)``, ``j = 0..n−1``: the law of one out-degree in directed
    ``G(n, p)`` (and the marginal law of a degree in undirected ``G(n, p)``).
    ``n ≤ MAX_DEGREE_LAW = 10^7`` (the result holds ``n`` floats)."""
    n = _check_int(n, "n", 2, MAX_DEGREE_LAW, _memory(8))
    edge_probability = _check_probability(edge_probability)
    return _degree_law(n, np.arange(n, dtype=float), edge_probability)


def _degree_law(n: int, j: np.ndarray, edge_probability: float) -> np.ndarray:
    """``P(Bin(n − 1, p) = j)`` at the degrees ``j`` only."""
    # in logs: C(n−1, j) overflows floats for the large n of the bound curves
    log_p = (gammaln(n) - gammaln(j + 1) - gammaln(n - j) + j * math.log(edge_probability)
             + (n - 1 - j) * math.log1p(-edge_probability))
    return np.exp(log_p)


def window_width(n, c: float = 0.5):
    """``|B| = max(1, round(n^c))``: the number of central degrees in the window (elementwise)."""
    c = _check_real(c, "c")
    if not 0.0 < c <= 0.5:
        raise ValueError(f"c must be in (0, 1/2] (wider windows lose γ = e^(−Ω(√n))), got {c}")
    n_array = np.asarray(n, dtype=float)
    if np.any(~np.isfinite(n_array)) or np.any(n_array < 2):
        raise ValueError("n must be >= 2")
    width = np.maximum(1, np.floor(n_array**c + 0.5)).astype(int)
    return int(width) if width.ndim == 0 else width


def central_degree_window(n: int, width: int, edge_probability: float = 0.5) -> tuple[int, ...]:
    """The ``width`` most likely degrees of ``Bin(n − 1, p)`` (consecutive, around
    ``(n − 1)p``; ties go to the lower degree), as a sorted tuple: the window ``B``.
    ``width ≤ MAX_DEGREE_LAW = 10^7``; only degrees within ``width + 2`` of the centre are
    evaluated (the law is unimodal with its mode within 1 of the centre), so ``n`` is free."""
    n = _check_int(n, "n", 2)
    width = _check_int(width, "width", 1, MAX_DEGREE_LAW, _memory(64))
    if width > n:
        raise ValueError(f"width must be at most n = {n}, got {width}")
    edge_probability = _check_probability(edge_probability)
    centre = (n - 1) * edge_probability
    degrees = np.arange(max(0, math.floor(centre) - width - 2),
                        min(n, math.ceil(centre) + width + 3))
    if n <= MAX_DEGREE_LAW:
        probabilities = np.round(_degree_law(n, degrees.astype(float), edge_probability), 15)
    else:
        # log P(j) through gammaln(n) loses ~|gammaln(n)| ulp (3e-5 at n = 1e10), more than
        # neighbouring degrees differ: rank by log P(j)/P(j_0), summed from the ratios
        # P(j+1)/P(j) = (n−1−j)/(j+1) · p/(1−p), instead
        j = degrees[:-1].astype(float)
        steps = np.log((n - 1 - j) / (j + 1)) + math.log(edge_probability / (1 - edge_probability))
        probabilities = np.round(np.concatenate([[0.0], np.cumsum(steps)]), 12)
    order = np.lexsort((degrees, np.abs(degrees - centre), -probabilities))
    return tuple(sorted(int(degrees[j]) for j in order[:width]))


def sample_graphs(n: int, n_samples: int, directed: bool = True, edge_probability: float = 0.5,
                  rng=None, *, seed: int | None = None) -> np.ndarray:
    """``n_samples`` i.i.d. Erdős–Rényi graphs ``G(n, p)``, shape ``(N, n, n)``, float64 0/1.

    Directed: every ordered pair ``i ≠ j`` independently; undirected: every pair ``i < j``,
    mirrored. No self-loops. At most ``MAX_ARRAY_BYTES`` (2 GiB) of graphs
    (``8 N n²`` bytes).
    """
    n = _check_int(n, "n", 2)
    n_samples = _check_int(n_samples, "n_samples", 1)
    _check_memory(17.0 * n_samples * n * n, "n_samples * n**2", "the sampled graphs")
    edge_probability = _check_probability(edge_probability)
    generator = _generator(rng, seed)
    return _sample_adjacency(n, n_samples, bool(directed), edge_probability, generator).astype(
        np.float64)


def _sample_adjacency(n, n_samples, directed, edge_probability, generator) -> np.ndarray:
    bits = (generator.random((n_samples, n, n)) < edge_probability).astype(np.uint8)
    if directed:
        bits[:, np.arange(n), np.arange(n)] = 0
        return bits
    upper = np.triu(bits, k=1)
    return upper + np.transpose(upper, (0, 2, 1))


def sample_degrees(n: int, n_samples: int, directed: bool = True, edge_probability: float = 0.5,
                   rng=None, *, seed: int | None = None) -> np.ndarray:
    """Degree sequences of ``n_samples`` sampled graphs, shape ``(N, n)``, int64.

    The graphs are drawn edge by edge as in :func:`sample_graphs` (never from the binomial
    law directly, so Monte Carlo is an independent route to the closed forms), in chunks so
    that memory stays small. At most ``MAX_ARRAY_BYTES`` (2 GiB) of degrees (``8 N n``
    bytes) and one graph of at most that size (``9 n²`` bytes).
    """
    n = _check_int(n, "n", 2)
    n_samples = _check_int(n_samples, "n_samples", 1)
    _check_memory(9.0 * n * n, "n", "one sampled graph")
    _check_memory(8.0 * n_samples * n, "n_samples * n", "the degree sequences")
    edge_probability = _check_probability(edge_probability)
    generator = _generator(rng, seed)
    chunk = max(1, _CHUNK_ENTRIES // (n * n))
    degrees = np.empty((n_samples, n), dtype=np.int64)
    for start in range(0, n_samples, chunk):
        stop = min(n_samples, start + chunk)
        adjacency = _sample_adjacency(n, stop - start, bool(directed), edge_probability, generator)
        degrees[start:stop] = adjacency.sum(axis=2, dtype=np.int64)
    return degrees


def degree_histogram(adjacency) -> np.ndarray:
    """``h_j(A) = #{i : d_i = j}`` for ``j = 0..n−1``, ``d_i = Σ_j A_ij`` (out-degree).

    ``adjacency``: 0/1, zero diagonal, shape ``(n, n)`` or ``(B, n, n)``; returns ``(n,)`` or
    ``(B, n)`` int64.
    """
    array = _check_adjacency(adjacency)
    histogram = _histogram(array.sum(axis=2), array.shape[1])
    return histogram if np.ndim(adjacency) == 3 else histogram[0]


def _histogram(degrees: np.ndarray, n: int) -> np.ndarray:
    """Row-wise histogram of integer degrees in 0..n−1, shape (B, n)."""
    offsets = degrees + n * np.arange(degrees.shape[0])[:, None]
    return np.bincount(offsets.ravel(), minlength=n * degrees.shape[0]).reshape(-1, n)


def degree_histogram_parity(adjacency, subset) -> np.ndarray:
    """``χ_S(A) = (−1)^{Σ_{j∈S} h_j(A)}`` (float64 ±1), shape ``()`` or ``(B,)``.

    The direct formula; :func:`degree_parity_network` computes the same with a GNN.
    """
    array = _check_adjacency(adjacency)
    n = array.shape[1]
    subset = [_check_int(j, "subset entries", 0) for j in subset]
    if any(j >= n for j in subset) or len(set(subset)) != len(subset):
        raise ValueError(f"subset must hold distinct degrees in 0..{n - 1}, got {subset}")
    counts = _histogram(array.sum(axis=2), n)[:, subset].sum(axis=1)
    values = 1.0 - 2.0 * (counts % 2)
    return values if np.ndim(adjacency) == 3 else values[0]


def histogram_parity_bits(degrees, window) -> np.ndarray:
    """The computable bits ``b_j = h_j mod 2`` for ``j ∈ window`` from degree sequences.

    ``degrees``: shape ``(N, n)`` (integers in 0..n−1); returns ``(N, |B|)`` int64 in {0, 1},
    column ``t`` for the ``t``-th smallest degree of the window.
    """
    degrees = _finite_array(degrees, "degrees")
    if degrees.ndim != 2 or degrees.shape[1] < 2:
        raise ValueError(f"degrees must have shape (N, n) with n >= 2, got shape {degrees.shape}")
    n = degrees.shape[1]
    if np.any(degrees != np.round(degrees)) or np.any(degrees < 0) or np.any(degrees > n - 1):
        raise ValueError(f"degrees must be integers in 0..n−1 = 0..{n - 1}")
    window = _check_window(window, n)
    histogram = _histogram(degrees.astype(np.int64), n)
    return histogram[:, list(window)] % 2


def _bit_codes(bits: np.ndarray) -> np.ndarray:
    """Row of bits (b_0, …, b_{w−1}) → integer Σ_t b_t 2^t."""
    return bits @ (1 << np.arange(bits.shape[1], dtype=np.int64))


# --------------------------------------------------------------------------- correlations


def _subset_law(n, subset, edge_probability) -> tuple[int, np.ndarray, np.ndarray, float]:
    """Checked ``n``, the degrees of ``U``, their probabilities ``p_j`` and ``p``."""
    n = _check_int(n, "n", 2)
    degrees = [_check_int(j, "subset entries", 0) for j in subset]
    if any(j >= n for j in degrees) or len(set(degrees)) != len(degrees):
        raise ValueError(f"subset must hold distinct degrees in 0..{n - 1}, got {degrees}")
    edge_probability = _check_probability(edge_probability)
    # only the degrees of U are evaluated, so any n works (no array of n floats)
    j = np.array(degrees, dtype=float)
    return n, j, _degree_law(n, j, edge_probability), edge_probability


def degree_parity_correlation(n: int, subset, edge_probability: float = 0.5) -> float:
    """Exact ``E[χ_U] = (1 − 2 p_U)^n`` under directed ``G(n, p)`` (module docstring), which is
    ``E[χ_S χ_T]`` for ``U = S Δ T``; ``p_U = P(Bin(n − 1, p) ∈ U)``. ``U = ∅`` gives 1."""
    n, _, law, _ = _subset_law(n, subset, edge_probability)
    return (1.0 - 2.0 * float(law.sum())) ** n


def conditioned_binomial_correlation(n: int, subset, edge_probability: float = 0.5) -> float:
    """Approximate ``E[χ_U]`` under *undirected* ``G(n, p)`` **[ours]**: the degrees taken as
    independent ``Bin(n − 1, p)`` *conditioned on an even sum* (the handshake lemma).

    With ``s_i = (−1)^{1[d_i ∈ U]}`` and ``1[Σ_i d_i even] = (1 + Π_i (−1)^{d_i})/2``,

        E[Π_i s_i | Σ_i d_i even] = ((1 − 2p_U)^n + a_U^n) / (1 + (1 − 2p)^{n(n−1)}),
        a_U = E[(−1)^d s] = (1 − 2p)^{n−1} − 2 Σ_{j∈U} (−1)^j p_j,

    i.e. ``(1 − 2p_U)^n + (−2 Σ_{j∈U} (−1)^j p_j)^n`` for ``p = ½``. The second term is the
    parity conditioning; it makes the handshake identities exact (``U`` = all odd degrees
    gives 1). Only an approximation of the true undirected law: the tests measure the gap
    by enumeration and Monte Carlo."""
    n, j, law, p = _subset_law(n, subset, edge_probability)
    alternating = (1.0 - 2.0 * p) ** (n - 1) - 2.0 * float(np.sum(np.where(j % 2 == 1, -law, law)))
    return ((1.0 - 2.0 * float(law.sum())) ** n + alternating**n) / (1.0 + (1.0 - 2.0 * p) ** (n * (n - 1)))


class DegreeParityGamma(NamedTuple):
    """``γ = max_{∅≠U⊆B} |E[χ_U]|`` of a window, its natural log (finite where ``γ``
    underflows) and a subset ``U`` attaining it."""

    gamma: float
    log_gamma: float
    worst_subset: tuple[int, ...]


def degree_parity_gamma(n: int, window=None, *, c: float = 0.5,
                        edge_probability: float = 0.5) -> DegreeParityGamma:
    """Largest pairwise correlation of the directed-graph family on ``window`` (exact).

    ``γ = max(|1 − 2 min_{j∈B} p_j|, |1 − 2p_B|)^n`` (derivation in the module docstring).
    ``window=None`` uses :func:`central_degree_window` with ``|B| =`` :func:`window_width`
    ``(n, c)``. Computed through ``log γ = n log|1 − 2p|`` so nothing underflows.
    """
    n = _check_int(n, "n", 2)
    if window is None:
        window = central_degree_window(n, window_width(n, c), edge_probability)
    window = _check_window(window, n, limit=False)
    edge_probability = _check_probability(edge_probability)
    probabilities = _degree_law(n, np.array(window, dtype=float), edge_probability)
    smallest = int(np.argmin(probabilities))
    candidates = [((window[smallest],), float(probabilities[smallest])),
                  (window, float(probabilities.sum()))]
    best_subset, best_log = (), -math.inf
    for subset, mass in candidates:
        base = abs(1.0 - 2.0 * mass)
        log_value = n * math.log(base) if base > 0 else -math.inf
        if log_value > best_log:
            best_subset, best_log = subset, log_value
    return DegreeParityGamma(math.exp(best_log), best_log, best_subset)


class ParityCorrelations(NamedTuple):
    """``E[χ_U]`` for every ``U ⊆ window``, indexed by bitmask over the window positions
    (bit ``t`` ↔ the ``t``-th smallest degree of the window), with standard errors (zero for
    exact routes)."""

    window: tuple[int, ...]
    values: np.ndarray
    standard_error: np.ndarray
    method: str
    n_samples: int | None

    def subset(self, mask: int) -> tuple[int, ...]:
        """The degrees of ``U`` for bitmask ``mask``."""
        return tuple(j for t, j in enumerate(self.window) if (mask >> t) & 1)

    @property
    def gamma(self) -> float:
        """``max_{U≠∅} |E[χ_U]|`` of these values."""
        return float(np.abs(self.values[1:]).max())


def degree_parity_correlations_by_enumeration(n: int, window, directed: bool = True,
                                              edge_probability: float = 0.5) -> ParityCorrelations:
    """Exact ``E[χ_U]`` for all ``U ⊆ window`` by enumerating every graph on ``n`` nodes.

    Directed graphs have ``n(n − 1)`` edge variables, undirected ``n(n − 1)/2``; at most
    ``MAX_ENUMERATED_EDGES = 22`` (directed ``n ≤ 5``, undirected ``n ≤ 7``). Each graph is
    weighted by ``p^{|E|}(1 − p)^{#pairs − |E|}``; the law of the bits ``h_j mod 2`` is
    accumulated and Walsh–Hadamard transformed (``E[χ_U] = Σ_b P(b)(−1)^{⟨b, U⟩}``).
    """
    n = _check_int(n, "n", 2)
    edge_probability = _check_probability(edge_probability)
    window = _check_window(window, n)
    pairs = ([(i, j) for i in range(n) for j in range(n) if i != j] if directed
             else [(i, j) for i in range(n) for j in range(i + 1, n)])
    if len(pairs) > MAX_ENUMERATED_EDGES:
        raise ValueError(f"enumeration needs at most {MAX_ENUMERATED_EDGES} edge variables; "
                         f"n = {n} ({'directed' if directed else 'undirected'}) has {len(pairs)}")
    # node-major int8 layout: each pass touches one contiguous row of 2^{#pairs} entries
    index = np.arange(1 << len(pairs), dtype=np.int32)
    degrees = np.zeros((n, index.size), dtype=np.int8)
    n_edges = np.zeros(index.size, dtype=np.int8)
    for position, (i, j) in enumerate(pairs):
        bit = ((index >> position) & 1).astype(np.int8)
        degrees[i] += bit
        if not directed:
            degrees[j] += bit
        n_edges += bit
    codes = np.zeros(index.size, dtype=np.int64)
    for t, j in enumerate(window):
        odd = np.zeros(index.size, dtype=np.int8)  # h_j mod 2, accumulated node by node
        for i in range(n):
            odd ^= degrees[i] == j
        codes |= odd.astype(np.int64) << t
    n_edges = n_edges.astype(np.float64)
    weights = edge_probability**n_edges * (1.0 - edge_probability) ** (len(pairs) - n_edges)
    law = np.bincount(codes, weights=weights, minlength=1 << len(window))
    values = walsh_hadamard(law)
    return ParityCorrelations(window, values, np.zeros_like(values), "enumeration", None)


def estimate_degree_parity_correlations(n: int, window, n_samples: int, directed: bool = True,
                                        edge_probability: float = 0.5, rng=None, *,
                                        seed: int | None = None) -> ParityCorrelations:
    """Monte Carlo ``E[χ_U]`` for all ``U ⊆ window`` from ``n_samples`` sampled graphs.

    The empirical law of the bits ``h_j mod 2`` is Walsh–Hadamard transformed; each
    ``χ_U`` is ±1, so its standard error is ``√((1 − ê²)/(N − 1))`` (sample variance
    ``(1 − ê²) N/(N − 1)`` over ``N``). For undirected graphs this *measures* the
    correlations, for which the directed formula is only an approximation.
    """
    n = _check_int(n, "n", 2)
    n_samples = _check_int(n_samples, "n_samples", 2)
    window = _check_window(window, n)
    degrees = sample_degrees(n, n_samples, directed, edge_probability, rng, seed=seed)
    codes = _bit_codes(histogram_parity_bits(degrees, window))
    law = np.bincount(codes, minlength=1 << len(window)) / n_samples
    values = walsh_hadamard(law)
    standard_error = np.sqrt(np.maximum(1.0 - values**2, 0.0) / (n_samples - 1))
    return ParityCorrelations(window, values, standard_error, "monte_carlo", n_samples)


# --------------------------------------------------------------------------- the family


def degree_parity_family(n: int, window=None, *, c: float = 0.5, directed: bool = True,
                         edge_probability: float = 0.5) -> HardFamily:
    """The degree-histogram parities ``χ_S``, ``S ⊆ B``, on ``G(n, p)`` (Theorem A; lesson 8).

    Members: all ``2^{|B|}`` subsets of the window (position = bitmask over the window, so
    member 0 is ``S = ∅``), as sorted tuples of degrees. Inputs: adjacency matrices
    ``(B, n, n)``; the group is ``S_n`` acting on graphs (``A ↦ PAPᵀ``). Directed: exact
    correlations ``(1 − 2p_{SΔT})^n`` and ``gamma`` from :func:`degree_parity_gamma`.
    Undirected: no exact route (``gamma`` is None; use ``gram(method="monte_carlo")`` or
    :func:`estimate_degree_parity_correlations`). Members are ±1, so they have norm 1.
    """
    n = _check_int(n, "n", 2)
    edge_probability = _check_probability(edge_probability)
    if window is None:
        window = central_degree_window(n, window_width(n, c), edge_probability)
    window = _check_window(window, n)
    directed = bool(directed)
    _check_identities(window, n, directed)
    width = len(window)
    members = [tuple(j for t, j in enumerate(window) if (mask >> t) & 1)
               for mask in range(1 << width)]
    parity_table = (subset_sizes(width) % 2).astype(np.float64)  # popcount(mask) mod 2

    def evaluate(x, indices):
        degrees = _check_adjacency(x, "x").sum(axis=2)
        codes = _bit_codes(_histogram(degrees, n)[:, list(window)] % 2)
        masks = np.asarray(indices, dtype=np.int64)
        return 1.0 - 2.0 * parity_table[codes[:, None] & masks[None, :]]

    def sampler(n_samples, generator):
        return _sample_adjacency(n, n_samples, directed, edge_probability, generator).astype(
            np.float64)

    exact = gamma = None
    if directed:
        probabilities = degree_probabilities(n, edge_probability)[list(window)]
        masses = np.array([probabilities[[t for t in range(width) if (mask >> t) & 1]].sum()
                           for mask in range(1 << width)])
        correlations = (1.0 - 2.0 * masses) ** n

        def exact(i, j):
            return float(correlations[i ^ j])

        gamma = degree_parity_gamma(n, window, edge_probability=edge_probability).gamma
    kind = "directed" if directed else "undirected"
    return HardFamily(
        name=f"degree-histogram parities on {kind} G({n}, {edge_probability:g}), window {window}",
        members=members, evaluate_members=evaluate, input_shape=(n, n),
        distribution=f"{kind} G({n}, {edge_probability:g})", sampler=sampler, norm=1.0,
        group=symmetric(n), action="graphs", exact_correlation=exact, gamma=gamma,
        size=1 << width,
        description="χ_S(A) = (−1)^{Σ_{j∈S} h_j(A)}, S ⊆ B (Theorem A; construction [ours])")


def triangle_wave_coefficients(n: int) -> np.ndarray:
    """Coefficients ``c_r`` (``r = 0..n−1``) with ``Σ_r c_r ReLU(t − r) = t mod 2`` for
    integers ``t ∈ [0, n]``: ``c_0 = 1``, ``c_r = 2(−1)^r`` (the slope flips between ``+1``
    and ``−1`` at every integer). Then ``(−1)^t = 1 − 2 Σ_r c_r ReLU(t − r)``. **[ours]**
    ``n ≤ MAX_DEGREE_LAW = 10^7``."""
    n = _check_int(n, "n", 1, MAX_DEGREE_LAW, _memory(8))
    coefficients = 2.0 * (-1.0) ** np.arange(n)
    coefficients[0] = 1.0
    return coefficients


def degree_parity_network(n: int, subset, dtype=None):
    """The GNN computing ``χ_S`` exactly (Theorem A realisation, **[ours]**).

    ``MessagePassingGNN(node_mlp=degree_indicator_mlp(n − 1), head=MLP(n, (n,), 1))``:
    constant features and sum aggregation give ``d_i``; the node MLP gives ``e_{d_i}``
    (``3n`` ReLUs); the sum readout gives the histogram ``h``; the head's hidden layer
    computes ``ReLU(Σ_{j∈S} h_j − r)``, ``r = 0..n−1`` (``n`` ReLUs) and its output
    ``1 − 2 Σ_r c_r ReLU(·)`` with :func:`triangle_wave_coefficients`. Call it as
    ``network(A)`` with ``A`` of shape ``(B, n, n)``; output ``(B,)`` ±1. The head holds
    ``n²`` weights: at most ``MAX_ARRAY_BYTES`` (2 GiB, ``n ≤ 16384``).
    """
    import torch

    from csqlab.models import MLP, MessagePassingGNN, degree_indicator_mlp

    n = _check_int(n, "n", 2)
    _check_memory(8.0 * n * n, "n", "the head's n x n weights")
    degrees = [_check_int(j, "subset entries", 0) for j in subset]
    if any(j >= n for j in degrees) or len(set(degrees)) != len(degrees):
        raise ValueError(f"subset must hold distinct degrees in 0..{n - 1}, got {degrees}")
    dtype = torch.float64 if dtype is None else dtype
    indicator = np.zeros(n)
    indicator[degrees] = 1.0
    first = np.tile(indicator, (n, 1))  # every hidden unit reads s = Σ_{j∈S} h_j
    head = MLP(n, (n,), 1, dtype=dtype).set_weights([
        (first, -np.arange(n, dtype=float)),
        (-2.0 * triangle_wave_coefficients(n)[None, :], np.ones(1)),
    ])
    return MessagePassingGNN(degree_indicator_mlp(n - 1, dtype=dtype), head=head)


def learn_degree_parity_by_elimination(adjacency, labels, window):
    """Recover ``S ⊆ window`` from labelled graphs ``(A, χ_S(A))`` by Gaussian elimination.

    ``χ_S(A) = Π_{j∈S} x_j`` with ``x_j = (−1)^{h_j(A)}``, a parity of the computable ±1
    vector ``x``: :func:`csqlab.boolean.learn_parity_by_elimination` solves it over GF(2).
    Returns ``(subset_of_degrees, fit)`` with ``fit`` the :class:`csqlab.boolean.ParityFit`
    (``fit.unique`` once the samples have full rank, ``|B|`` plus a few samples).
    """
    array = _check_adjacency(adjacency)
    window = _check_window(window, array.shape[1], limit=False)
    bits = _histogram(array.sum(axis=2), array.shape[1])[:, list(window)] % 2
    labels = _finite_array(labels, "labels").reshape(-1)
    if labels.shape != (array.shape[0],):
        raise ValueError(f"labels must have one value per graph ({array.shape[0]}), "
                         f"got shape {labels.shape}")
    fit = learn_parity_by_elimination(1.0 - 2.0 * bits, labels)
    return tuple(window[t] for t in fit.subset), fit


# --------------------------------------------------------------------------- bound curves


def degree_parity_bound_curve(ns, tolerance, c: float = 0.5,
                              edge_probability: float = 0.5) -> BoundCurve:
    """Counting-lemma curve of the directed degree-parity family (SQ = CSQ for ±1 labels).

    ``m = 2^{|B|}`` with ``|B| =`` :func:`window_width` ``(n, c)`` and the exact ``γ(n)`` of
    :func:`degree_parity_gamma`; ``log10 q = |B| log10 2 + log10(τ² − γ) − log10 2``:
    exponential in ``n^c``. ``tolerance`` a number, array or callable of ``n``.
    """
    ns = _finite_array(ns, "ns")
    if ns.ndim != 1 or ns.size == 0 or np.any(ns < 2) or np.any(ns != np.round(ns)):
        raise ValueError("ns must be a non-empty 1-D array of integers >= 2")
    widths = np.atleast_1d(window_width(ns, c))
    gammas = np.array([degree_parity_gamma(int(n), central_degree_window(
        int(n), int(w), edge_probability), edge_probability=edge_probability).gamma
        for n, w in zip(ns, widths, strict=True)])
    return bound_curve(ns, widths * math.log10(2.0), gammas, tolerance)


def edge_parity_bound_curve(ns, tolerance, directed: bool = True) -> BoundCurve:
    """The non-symmetric bound the GNN result lifts: all parities of the edge variables of
    ``G(n, ½)`` (uniform bits, so exactly orthonormal, ``γ = 0``), ``m = 2^{n(n−1)}``
    directed or ``2^{n(n−1)/2}`` undirected — an MLP on the adjacency matrix can compute them,
    a GNN cannot (they are not permutation invariant)."""
    ns = _finite_array(ns, "ns")
    if ns.ndim != 1 or ns.size == 0 or np.any(ns < 2):
        raise ValueError("ns must be a non-empty 1-D array of sizes >= 2")
    pairs = ns * (ns - 1) / (1.0 if directed else 2.0)
    return bound_curve(ns, pairs * math.log10(2.0), 0.0, tolerance)


# =========================================================================================
# Part 2 — hidden planes per node, Gaussian node features
# =========================================================================================


def pack_graph_inputs(adjacency, features) -> np.ndarray:
    """``[A | X]``: adjacency ``(B, n, n)`` and features ``(B, n, d)`` as one ``(B, n, n + d)``
    array (the input format of :func:`gnn_hidden_plane_family`; unbatched inputs allowed)."""
    adjacency = _finite_array(adjacency, "adjacency")
    features = _finite_array(features, "features")
    if adjacency.ndim == 2:
        adjacency = adjacency[None]
    if features.ndim == 2:
        features = features[None]
    if adjacency.ndim != 3 or adjacency.shape[1] != adjacency.shape[2]:
        raise ValueError(f"adjacency must have shape (B, n, n), got {adjacency.shape}")
    if features.ndim != 3 or features.shape[:2] != adjacency.shape[:2]:
        raise ValueError(f"features must have shape (B, n, d) = ({adjacency.shape[0]}, "
                         f"{adjacency.shape[1]}, d), got {features.shape}")
    return np.concatenate([adjacency, features], axis=2)


def unpack_graph_inputs(x, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`pack_graph_inputs`: ``(A, X)`` from ``[A | X]`` of shape ``(B, n, n + d)``."""
    n = _check_int(n, "n", 1)
    x = _finite_array(x, "x")
    if x.ndim != 3 or x.shape[1] != n or x.shape[2] <= n:
        raise ValueError(f"x must have shape (B, {n}, {n} + d), got {x.shape}")
    return x[:, :, :n], x[:, :, n:]


def _check_graph(adjacency) -> np.ndarray:
    adjacency = _finite_array(adjacency, "adjacency")
    if adjacency.ndim != 2 or adjacency.shape[0] != adjacency.shape[1] or adjacency.shape[0] < 1:
        raise ValueError(f"adjacency must be one square matrix (n, n), got shape {adjacency.shape}")
    if np.any(adjacency < 0):
        raise ValueError("adjacency must have non-negative entries")
    if not np.any(adjacency):
        raise ValueError("adjacency must have at least one edge (else every member is 0)")
    return adjacency


def graph_factor(adjacency) -> float:
    """``(Σ_i √δ_i)² / (Σ_i δ_i)`` with ``δ_i = (AAᵀ)_ii`` (the degree for 0/1 adjacency).

    The factor **[ours]** by which a graph can raise the normalised correlation of the
    per-node hidden-plane family over ``‖UVᵀ‖^k`` (module docstring); at most ``n`` (the number
    of nodes) by Cauchy–Schwarz, with equality exactly for regular graphs (isolated nodes
    count as nodes of degree 0).
    """
    adjacency = _check_graph(adjacency)
    variances = np.einsum("ij,ij->i", adjacency, adjacency)
    return float(np.sqrt(variances).sum() ** 2 / variances.sum())


def _check_plane(plane, name: str) -> np.ndarray:
    plane = _finite_array(plane, name)
    if plane.ndim != 2 or plane.shape[0] != 2 or plane.shape[1] < 2:
        raise ValueError(f"{name} must have shape (2, d) with d >= 2, got shape {plane.shape}")
    if not np.allclose(plane @ plane.T, np.eye(2), atol=1e-8):
        raise ValueError(f"{name} must have orthonormal rows (U Uᵀ = I_2)")
    return plane


def gnn_hidden_plane_weights(plane, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``W = [Uᵀθ_1, …, Uᵀθ_{2k}]`` (shape ``(d, 2k)``) and ``a = ((−1)^m)_{m=1..2k}``: the
    :class:`csqlab.models.ShallowGNN` weights of the member for plane ``U``."""
    hidden_plane_norm_squared(k)  # validates k (even, or 1) and refuses a vanishing family
    plane = _check_plane(plane, "plane")
    directions, signs = _plane_directions(k)
    return (directions @ plane).T, signs


def gnn_hidden_plane_network(plane, k: int, dtype=None):
    """The member for plane ``U`` as a :class:`csqlab.models.ShallowGNN` (sum aggregation, ReLU,
    sum readout) with the explicit weights of :func:`gnn_hidden_plane_weights`
    (un-normalised: ``network(A, X) = Σ_i F(U (AX)_i)``)."""
    import torch

    from csqlab.models import ShallowGNN

    W, a = gnn_hidden_plane_weights(plane, k)
    return ShallowGNN(W.shape[0], W.shape[1], W=W, a=a,
                      dtype=torch.float64 if dtype is None else dtype)


def gnn_hidden_plane_values(adjacency, features, plane, k: int) -> np.ndarray:
    """``f_U(A, X) = Σ_i F(U (AX)_i)`` (un-normalised) in numpy, shape ``(B,)``.

    ``adjacency`` ``(B, n, n)`` or ``(n, n)`` (broadcast over the batch), ``features``
    ``(B, n, d)``.
    """
    W, a = gnn_hidden_plane_weights(plane, k)
    adjacency = _finite_array(adjacency, "adjacency")
    features = _finite_array(features, "features")
    if features.ndim == 2:
        features = features[None]
    if features.ndim != 3 or features.shape[2] != W.shape[0]:
        raise ValueError(f"features must have shape (B, n, {W.shape[0]}), got {features.shape}")
    if adjacency.shape[-2:] != (features.shape[1], features.shape[1]):
        raise ValueError(f"adjacency must have shape (..., {features.shape[1]}, "
                         f"{features.shape[1]}), got {adjacency.shape}")
    aggregated = np.matmul(adjacency, features)
    return np.einsum("bnm,m->b", np.maximum(aggregated @ W, 0.0), a)


def _pair_weights(adjacency: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique ρ_ij and their total weights Σ √(δ_i δ_j) (pairs with δ = 0 dropped)."""
    covariance = adjacency @ adjacency.T
    scale = np.sqrt(np.diag(covariance))
    keep = scale > 0
    covariance, scale = covariance[np.ix_(keep, keep)], scale[keep]
    rho = np.clip(covariance / np.outer(scale, scale), 0.0, 1.0)
    weight = np.outer(scale, scale)
    values, inverse = np.unique(np.round(rho, 12).ravel(), return_inverse=True)
    return values, np.bincount(inverse, weights=weight.ravel())


def _inner_product(rhos: np.ndarray, weights: np.ndarray, cross: np.ndarray, k: int) -> float:
    return float(sum(w * _hidden_plane_pair_terms(r * cross, k).sum()
                     for r, w in zip(rhos, weights, strict=True)))


def gnn_hidden_plane_inner_product(adjacency, plane_u, plane_v, k: int) -> float:
    """Exact ``E_X[f_U(A, X) f_V(A, X)] = Σ_{i,j} √(δ_i δ_j) K(ρ_ij U Vᵀ)`` (un-normalised;
    module docstring), ``X ~ N(0, I)`` and ``A`` fixed."""
    hidden_plane_norm_squared(k)
    adjacency = _check_graph(adjacency)
    plane_u = _check_plane(plane_u, "plane_u")
    plane_v = _check_plane(plane_v, "plane_v")
    if plane_u.shape != plane_v.shape:
        raise ValueError(f"plane_u and plane_v must have the same shape, got {plane_u.shape} "
                         f"and {plane_v.shape}")
    rhos, weights = _pair_weights(adjacency)
    return _inner_product(rhos, weights, plane_u @ plane_v.T, k)


def gnn_hidden_plane_correlation(adjacency, plane_u, plane_v, k: int) -> float:
    """Normalised ``⟨f_U, f_V⟩ / (‖f_U‖ ‖f_V‖)`` on the fixed graph (exact). Bounded by
    ``graph_factor(A) · ‖UVᵀ‖^k ≤ n ‖UVᵀ‖^k`` (module docstring)."""
    plane_u = _check_plane(plane_u, "plane_u")
    norm_squared = gnn_hidden_plane_inner_product(adjacency, plane_u, plane_u, k)
    return gnn_hidden_plane_inner_product(adjacency, plane_u, plane_v, k) / norm_squared


def gnn_hidden_plane_family(adjacency, d: int, k: int, n_planes: int | None = None, planes=None,
                            rng=None, *, seed: int | None = None) -> HardFamily:
    """Per-node hidden planes on a fixed graph with Gaussian features (Theorem B; lesson 8).

    Members: plane indices of ``planes`` ``(m, 2, d)`` or of ``n_planes`` random planes
    (:func:`csqlab.hard.random_planes`). Member ``U`` is ``f_U(A, X)/‖f_U‖`` with
    ``f_U = Σ_i F(U (AX)_i)`` — a :class:`csqlab.models.ShallowGNN` with explicit weights
    (:func:`gnn_hidden_plane_network`). Inputs ``[A | X]`` of shape ``(n, n + d)``
    (:func:`pack_graph_inputs`; the members are defined for every ``A``); the distribution
    keeps ``A`` fixed and draws ``X ~ N(0, I_{n×d})``. Exact correlations
    (:func:`gnn_hidden_plane_correlation`), ``gamma`` their largest off-diagonal value,
    invariance group ``S_n`` acting on graphs, ``(A, X) ↦ (PAPᵀ, PX)``.
    """
    adjacency = _check_graph(adjacency)
    n = adjacency.shape[0]
    d = _check_int(d, "d", 2)
    hidden_plane_norm_squared(k)
    if (planes is None) == (n_planes is None):
        raise ValueError("give exactly one of n_planes or planes")
    if planes is None:
        planes = random_planes(n_planes, d, rng, seed=seed)
    planes = _finite_array(planes, "planes")
    if planes.ndim != 3 or planes.shape[1:] != (2, d):
        raise ValueError(f"planes must have shape (m, 2, {d}), got shape {planes.shape}")
    for index, plane in enumerate(planes):
        _check_plane(plane, f"planes[{index}]")
    m = len(planes)
    rhos, weights = _pair_weights(adjacency)
    norm_squared = _inner_product(rhos, weights, np.eye(2), k)
    # every pair (i, j) at once: _hidden_plane_pair_terms broadcasts over stacked U_i U_jᵀ
    crosses = np.einsum("iad,jbd->ijab", planes, planes)  # (m, m, 2, 2)
    inner = 0.0
    for rho, weight in zip(rhos, weights, strict=True):
        inner = inner + weight * _hidden_plane_pair_terms(rho * crosses, k).sum(axis=(-2, -1))
    correlations = inner / norm_squared
    gamma = float(np.abs(correlations[~np.eye(m, dtype=bool)]).max()) if m > 1 else 0.0
    matrices = [gnn_hidden_plane_weights(plane, k) for plane in planes]
    all_weights = np.stack([W for W, _ in matrices])  # (m, d, 2k)
    all_outputs = np.stack([a for _, a in matrices])  # (m, 2k)

    def evaluate(x, indices):  # (B·n, 2k) hidden values per member
        return evaluate_in_chunks(evaluate_chunk, x, indices, len(x) * n * all_outputs.shape[1])

    def evaluate_chunk(x, indices):
        # the hidden units of every requested member side by side, one product for all
        # nodes of all graphs; the sum over nodes comes before each member's output weights
        # a_i (Σ_i Σ_u a_u σ_iu = Σ_u a_u Σ_i σ_iu)
        graphs, features = x[:, :, :n], x[:, :, n:]
        aggregated = np.matmul(graphs, features)  # (B, n, d)
        batch, count, units = len(x), len(indices), all_outputs.shape[1]
        side_by_side = all_weights[indices].transpose(1, 0, 2).reshape(d, count * units)
        hidden = aggregated.reshape(batch * n, d) @ side_by_side
        np.maximum(hidden, 0.0, out=hidden)
        pooled = hidden.reshape(batch, n, count, units).sum(axis=1)  # (B, count, units)
        return np.einsum("bcu,cu->bc", pooled, all_outputs[indices])

    def sampler(n_samples, generator):
        features = generator.standard_normal((n_samples, n, d))
        return np.concatenate([np.broadcast_to(adjacency, (n_samples, n, n)), features], axis=2)

    return HardFamily(
        name=f"per-node hidden planes, n = {n}, d = {d}, k = {k}", members=list(range(m)),
        evaluate_members=evaluate, input_shape=(n, n + d),
        distribution="fixed graph A, X ~ N(0, I)", sampler=sampler,
        norm=math.sqrt(norm_squared), group=symmetric(n), action="graphs",
        exact_correlation=lambda i, j: float(correlations[i, j]), gamma=gamma, size=m,
        description="f_U(A, X) = 1ᵀ ReLU(AXW_U) a (Theorem B; graph factor [ours])")


def plane_pair(d: int, overlap: float, rng=None, *, seed: int | None = None) -> np.ndarray:
    """Two planes ``U, V`` in ``R^d`` (``d ≥ 4``) with ``‖UVᵀ‖_op = overlap`` exactly, in a
    random orientation: ``U = (q_1, q_2)``, ``V = (t q_1 + √(1−t²) q_3, (t/2) q_2 + √(1−t²/4) q_4)``
    for orthonormal ``q_1..q_4``, so ``UVᵀ = diag(t, t/2)``. Shape ``(2, 2, d)``; for
    checking the correlation bound at a chosen overlap ``t ∈ [0, 1]``."""
    d = _check_int(d, "d", 4)
    overlap = _check_real(overlap, "overlap")
    if not 0.0 <= overlap <= 1.0:
        raise ValueError(f"overlap must be in [0, 1], got {overlap}")
    basis = np.linalg.qr(_generator(rng, seed).standard_normal((d, 4)))[0].T
    half = overlap / 2.0
    plane_v = np.stack([overlap * basis[0] + math.sqrt(1.0 - overlap**2) * basis[2],
                        half * basis[1] + math.sqrt(1.0 - half**2) * basis[3]])
    return np.stack([basis[:2], plane_v])


def gnn_hidden_plane_bound_curve(ds, k: int, c: float, tolerance,
                                 graph_factor: float) -> BoundCurve:
    """Counting-lemma curve in ``d`` for the per-node family on a graph with the given
    :func:`graph_factor` (``≤ n``; fixed while ``d`` grows).

    Planes with pairwise overlap ``t = d^{c − 1/2}``: ``log10 m`` from
    :func:`csqlab.hard.log10_hidden_plane_family_size` (our deletion estimate,
    ``2^{Ω(d^{2c})}``) and ``γ = min(1, graph_factor · t^k)``. The tolerance below which the
    lemma stops applying is ``√γ = √graph_factor · d^{−(1/2 − c)k/2}`` (``d^{−Ω(k)}``).
    """
    k = _check_int(k, "k", 1)
    c = _check_real(c, "c")
    if not 0.0 < c < 0.5:
        raise ValueError(f"c must be in (0, 1/2), got {c}")
    graph_factor = _check_real(graph_factor, "graph_factor")
    if graph_factor < 1.0:
        raise ValueError(f"graph_factor must be >= 1, got {graph_factor}")
    ds = _finite_array(ds, "ds")
    if ds.ndim != 1 or ds.size == 0:
        raise ValueError(f"ds must be a non-empty 1-D array, got shape {ds.shape}")
    overlap = ds ** (c - 0.5)
    log10_m = np.atleast_1d(log10_hidden_plane_family_size(ds, overlap))
    return bound_curve(ds, log10_m, np.minimum(1.0, graph_factor * overlap**k), tolerance)
