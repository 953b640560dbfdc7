"""Finite permutation groups, their actions, orbits, Burnside counts, the Reynolds operator
and frames (lesson 7; used by the hard families of lessons 8–10).

Conventions (used everywhere in csqlab)
---------------------------------------
* A **permutation** of degree ``n`` is an integer array ``g`` of length ``n`` with
  ``g[i] = g(i)``, the image of the index ``i``.
* **Composition** ``gh = compose(g, h) = g[h]``: first ``h``, then ``g``, so
  ``(gh)(i) = g(h(i))``. The inverse is ``inverse(g) = argsort(g)``.
* **Action on vectors** (a *left* action): the entry at position ``i`` moves to position
  ``g(i)``,

      (g·x)_{g(i)} = x_i,      i.e.   g·x = x[g⁻¹],

  so ``(gh)·x = g·(h·x)``. As a matrix, ``g·x = P_g x`` with ``(P_g)_{g(i), i} = 1``
  (:func:`permutation_matrix`). Note ``g⁻¹·x = x[g]``.
* **Graphs** (node permutations): ``(A, X) ↦ (P A Pᵀ, P X)``, i.e. node ``i`` becomes
  node ``g(i)``: ``(P A Pᵀ)_{g(i) g(j)} = A_{ij}``.
* **Index subsets** (parities, monomials): ``S ↦ g(S) = {g(i) : i ∈ S}``. With this
  convention ``χ_S(g·x) = χ_{g⁻¹(S)}(x)``.
* **Functions**: ``(f∘g)(x) = f(g·x)``; the Reynolds operator is
  ``(R_G f)(x) = (1/|G|) Σ_{g∈G} f(g·x)``.

A group is a :class:`PermutationGroup` built by :func:`trivial`, :func:`cyclic`,
:func:`dihedral`, :func:`symmetric`, :func:`direct_product`, :func:`grid_shifts`,
:func:`generated_group` (closure of given permutations by breadth-first search) or
:func:`subgroup`. Elements are enumerated only on request (``group.elements()``) and only
below a size limit; named groups test membership and draw uniform random elements
without enumerating.

Frames (Puny et al., ICLR 2022): a frame is a set-valued map ``F(x) ⊆ G``, non-empty and
equivariant, ``F(g·x) = g F(x)``. Frame averaging
``⟨φ⟩_F(x) = (1/|F(x)|) Σ_{g∈F(x)} φ(g⁻¹·x)`` is then exactly ``G``-invariant. Our
frame for an arbitrary permutation subgroup is the **canonicalisation frame**
``F(x) = {g ∈ G : g⁻¹·x is the lexicographically largest element of the orbit G·x}``
(:func:`canonical_frame`); the paper does not say which frame it uses.

Why one module (about 1,450 lines). Every function here works on the same representation —
:class:`PermutationGroup` and the conventions above — and the pieces depend on each other in
a chain: named groups → actions → orbits and Burnside counts → the Reynolds operator →
frames (a frame is checked against the group's action and its orbits). Lessons 7–12, the
checks and the hard families call them as one namespace, ``csqlab.groups.<name>``; splitting
would rename public functions the lessons print and import, for no cut that a reader of one
part could make without the others.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

import numpy as np

from csqlab._validation import _check_int

__all__ = [
    "MAX_ELEMENTS",
    "MAX_SUBSETS",
    "PermutationGroup",
    "trivial",
    "cyclic",
    "dihedral",
    "symmetric",
    "direct_product",
    "grid_shifts",
    "generated_group",
    "subgroup",
    "identity",
    "compose",
    "inverse",
    "is_permutation",
    "permutation_matrix",
    "cycles",
    "cycle_type",
    "GroupAxioms",
    "check_group_axioms",
    "act_on_vectors",
    "act_on_graph",
    "act_on_subset",
    "act_on_grid",
    "orbit",
    "stabiliser",
    "subset_orbit",
    "canonical_subset",
    "SubsetOrbits",
    "subset_orbits",
    "burnside_count",
    "euler_phi",
    "necklace_count",
    "bracelet_count",
    "cyclic_subset_orbit_count",
    "dihedral_subset_orbit_count",
    "subset_orbit_count",
    "reynolds",
    "reynolds_matrix",
    "Frame",
    "argmax_frame",
    "sort_frame",
    "canonical_frame",
    "frame_average",
    "canonicalise",
]

MAX_ELEMENTS = 100_000
"""Default limit on the number of group elements that may be enumerated (S_8 has 40320)."""

MAX_SUBSETS = 2_000_000
#: Largest ``n`` of the closed-form orbit counts (:func:`necklace_count`,
#: :func:`bracelet_count`, :func:`cyclic_subset_orbit_count`,
#: :func:`dihedral_subset_orbit_count`): they sum over the divisors of ``n`` found by trial
#: division and the answer has about ``n log2(c)`` bits (~0.1 s at the limit).
MAX_ORBIT_COUNT_N = 10**5
#: Largest ``m`` of :func:`euler_phi` (trial division up to ``√m``, ~0.3 s at the limit).
MAX_TOTIENT = 10**12
"""Default limit on C(n, k) for :func:`subset_orbits`."""


# ---------------------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------------------


def _to_numpy(x):
    """numpy view of an array-like or a (detached, CPU) torch tensor."""
    if hasattr(x, "detach") and hasattr(x, "cpu"):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def _is_torch(x) -> bool:
    return type(x).__module__.startswith("torch")


def _as_permutation(g, name: str = "g", degree: int | None = None) -> np.ndarray:
    arr = _to_numpy(g)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D integer array (a permutation), got shape {arr.shape}")
    if arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must have an integer dtype (a permutation), got dtype {arr.dtype}")
    if degree is not None and arr.size != degree:
        raise ValueError(f"{name} must have degree {degree} (length {degree}), got length {arr.size}")
    if arr.size == 0:
        raise ValueError(f"{name} must have degree >= 1, got an empty array")
    if not np.array_equal(np.sort(arr), np.arange(arr.size)):
        shown = arr.tolist() if arr.size <= 12 else arr[:12].tolist() + ["..."]
        raise ValueError(f"{name} must be a permutation of 0..{arr.size - 1}, got {shown}")
    return arr.astype(np.int64)


def _as_permutations(gs, name: str, degree: int | None = None) -> np.ndarray:
    """Validate a stack of permutations of shape (m, n)."""
    arr = _to_numpy(gs)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a permutation or an (m, n) array of them, got shape {arr.shape}")
    if arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must have an integer dtype, got dtype {arr.dtype}")
    if degree is not None and arr.shape[1] != degree:
        raise ValueError(f"{name} must have degree {degree}, got permutations of length {arr.shape[1]}")
    n = arr.shape[1]
    if n == 0:
        raise ValueError(f"{name} must have degree >= 1")
    if arr.shape[0] and not np.all(np.sort(arr, axis=1) == np.arange(n)):
        bad = int(np.flatnonzero(~np.all(np.sort(arr, axis=1) == np.arange(n), axis=1))[0])
        raise ValueError(f"{name}[{bad}] must be a permutation of 0..{n - 1}, got {arr[bad].tolist()}")
    return arr.astype(np.int64)


def _resolve_rng(seed, rng) -> np.random.Generator:
    if rng is not None:
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        return rng
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer or a numpy Generator, got {seed!r}")
    return np.random.default_rng(int(seed))


def _row_keys(rows: np.ndarray) -> np.ndarray:
    """One opaque, sortable key per row (for exact row lookup)."""
    rows = np.ascontiguousarray(rows)
    return rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()


# ---------------------------------------------------------------------------------------
# permutations
# ---------------------------------------------------------------------------------------


def identity(n: int) -> np.ndarray:
    """The identity permutation ``[0, 1, ..., n-1]`` (``n ≤ 2^28``: 2 GiB of int64)."""
    n = _check_int(n, "n", 1, 2**28, lambda v: f"about {8 * v / 2**30:.3g} GiB of memory")
    return np.arange(n, dtype=np.int64)


def compose(g, h) -> np.ndarray:
    """The product ``gh = g[h]``: apply ``h`` first, then ``g``; ``(gh)(i) = g(h(i))``."""
    g = _as_permutation(g, "g")
    h = _as_permutation(h, "h", degree=g.size)
    return g[h]


def inverse(g) -> np.ndarray:
    """The inverse permutation ``g⁻¹`` (``g⁻¹[g[i]] = i``)."""
    return np.argsort(_as_permutation(g, "g"))


def is_permutation(g) -> bool:
    """True when ``g`` is a 1-D integer array holding each of ``0..n-1`` exactly once."""
    try:
        _as_permutation(g)
    except (ValueError, TypeError):
        return False
    return True


def permutation_matrix(g) -> np.ndarray:
    """The matrix ``P_g`` with ``(P_g)_{g(i), i} = 1``, so ``P_g x = g·x`` and
    ``P_{gh} = P_g P_h`` (a representation)."""
    g = _as_permutation(g, "g")
    matrix = np.zeros((g.size, g.size))
    matrix[g, np.arange(g.size)] = 1.0
    return matrix


def cycles(g) -> list[tuple[int, ...]]:
    """Disjoint cycle decomposition of ``g``, fixed points included, e.g. ``[(0, 2), (1,)]``."""
    g = _as_permutation(g, "g")
    seen = np.zeros(g.size, dtype=bool)
    result = []
    for start in range(g.size):
        if seen[start]:
            continue
        cycle = []
        i = start
        while not seen[i]:
            seen[i] = True
            cycle.append(i)
            i = int(g[i])
        result.append(tuple(cycle))
    return result


def cycle_type(g) -> tuple[int, ...]:
    """Cycle lengths of ``g`` in decreasing order (a partition of the degree)."""
    return tuple(sorted((len(c) for c in cycles(g)), reverse=True))


def _cycle_lengths(g: np.ndarray) -> tuple[int, ...]:
    seen = np.zeros(g.size, dtype=bool)
    lengths = []
    for start in range(g.size):
        if seen[start]:
            continue
        length = 0
        i = start
        while not seen[i]:
            seen[i] = True
            i = g[i]
            length += 1
        lengths.append(length)
    return tuple(sorted(lengths, reverse=True))


# ---------------------------------------------------------------------------------------
# the group object
# ---------------------------------------------------------------------------------------


class PermutationGroup:
    """A finite group of permutations of ``{0, ..., degree-1}``.

    Build one with :func:`trivial`, :func:`cyclic`, :func:`dihedral`, :func:`symmetric`,
    :func:`direct_product`, :func:`grid_shifts`, :func:`generated_group` or
    :func:`subgroup`, not with this constructor.

    Attributes: ``degree`` (n), ``name``, ``kind`` ('trivial', 'cyclic', 'dihedral',
    'symmetric', 'product', 'generated'), ``generators`` (an ``(m, n)`` array that
    generates the group), ``order`` (|G|, exact, as a Python int).
    Methods: ``elements(limit)``, ``contains(g)`` (also ``g in group``),
    ``random_elements(size, seed=0, rng=None)``, ``is_subgroup_of(other)``.
    """

    def __init__(
        self,
        degree: int,
        generators: np.ndarray,
        *,
        name: str,
        kind: str,
        order: int | None = None,
        enumerate_elements: Callable[[], np.ndarray] | None = None,
        contains: Callable[[np.ndarray], bool] | None = None,
        sample: Callable[[int, np.random.Generator], np.ndarray] | None = None,
        elements: np.ndarray | None = None,
    ):
        self._degree = int(degree)
        gens = np.asarray(generators, dtype=np.int64).reshape(-1, self._degree)
        gens.setflags(write=False)
        self._generators = gens
        self.name = name
        self._kind = kind
        self._order = order
        self._enumerate = enumerate_elements
        self._contains = contains
        self._sample = sample
        self._elements = None
        self._element_keys = None
        self._enumeration_limit = MAX_ELEMENTS
        if elements is not None:
            self._set_elements(elements)

    # --- basic attributes -------------------------------------------------------------
    @property
    def degree(self) -> int:
        """Number of points ``n`` the group permutes."""
        return self._degree

    @property
    def kind(self) -> str:
        return self._kind

    @property
    def generators(self) -> np.ndarray:
        return self._generators

    @property
    def identity(self) -> np.ndarray:
        return np.arange(self._degree, dtype=np.int64)

    @property
    def order(self) -> int:
        """|G| as an exact integer (closed form for named groups, closure otherwise)."""
        if self._order is None:
            self._order = len(self.elements())
        return self._order

    def __repr__(self) -> str:
        order = self._order if self._order is not None else "?"
        return f"PermutationGroup({self.name}, degree={self._degree}, order={order})"

    # --- elements -----------------------------------------------------------------------
    def _set_elements(self, elements: np.ndarray) -> None:
        elements = np.unique(np.asarray(elements, dtype=np.int64), axis=0)  # lexicographic
        elements.setflags(write=False)
        self._elements = elements
        self._element_keys = np.sort(_row_keys(elements))
        self._order = len(elements)

    def elements(self, limit: int | None = None) -> np.ndarray:
        """All elements as a read-only ``(|G|, n)`` array in lexicographic order (the
        identity first). Raises ValueError when |G| exceeds ``limit`` (default
        :data:`MAX_ELEMENTS`): use ``contains``/``random_elements`` for large groups."""
        limit = MAX_ELEMENTS if limit is None else _check_int(limit, "limit", 1)
        if self._elements is not None:
            if len(self._elements) > limit:
                raise ValueError(self._too_large_message(len(self._elements), limit))
            return self._elements
        if self._order is not None and self._order > limit:
            raise ValueError(self._too_large_message(self._order, limit))
        if self._enumerate is not None:
            elements = self._enumerate()
        else:
            elements = _closure(self._generators, self._degree, limit, self.name)
        self._set_elements(elements)
        return self._elements

    def _too_large_message(self, order: int, limit: int) -> str:
        return (
            f"group {self.name} has {order} elements, more than limit={limit}; pass a larger "
            "limit, or use contains()/random_elements(), which do not enumerate"
        )

    def is_enumerable(self, limit: int | None = None) -> bool:
        """True when ``elements(limit)`` would succeed without exceeding the limit."""
        limit = MAX_ELEMENTS if limit is None else limit
        if self._elements is not None:
            return len(self._elements) <= limit
        if self._order is not None:
            return self._order <= limit
        try:
            self.elements(limit)
        except ValueError:
            return False
        return True

    # --- membership and sampling --------------------------------------------------------
    def contains(self, g) -> bool:
        """Membership test. Raises ValueError if ``g`` is not a permutation of the
        group's degree (a wrong degree is an error, not a 'no')."""
        g = _as_permutation(g, "g", degree=self._degree)
        if self._contains is not None:
            return bool(self._contains(g))
        self.elements()
        key = _row_keys(g[None, :])
        position = np.searchsorted(self._element_keys, key)
        return bool(position[0] < len(self._element_keys) and self._element_keys[position[0]] == key[0])

    def __contains__(self, g) -> bool:
        return self.contains(g)

    def random_elements(self, size: int, seed=0, rng: np.random.Generator | None = None) -> np.ndarray:
        """``size`` independent uniformly random elements, shape ``(size, n)``.
        Named groups sample without enumerating (S_n: a uniform permutation)."""
        size = _check_int(size, "size", minimum=0)
        generator = _resolve_rng(seed, rng)
        if self._sample is not None:
            return self._sample(size, generator)
        elements = self.elements()
        return elements[generator.integers(0, len(elements), size=size)].copy()

    def is_subgroup_of(self, other: PermutationGroup) -> bool:
        """True when every generator of this group lies in ``other`` (same degree)."""
        if not isinstance(other, PermutationGroup):
            raise TypeError(f"other must be a PermutationGroup, got {type(other).__name__}")
        if other.degree != self.degree:
            return False
        return all(other.contains(g) for g in self._generators)


def _closure(generators: np.ndarray, degree: int, limit: int, name: str) -> np.ndarray:
    """All products of the generators, by breadth-first search from the identity.

    For a finite group the positive words in the generators already give every element
    (each generator has finite order, so its inverse is a power of it)."""
    identity_perm = np.arange(degree, dtype=np.int64)
    seen = {identity_perm.tobytes()}
    found = [identity_perm]
    frontier = identity_perm[None, :]
    while len(frontier) and len(generators):
        # left-multiply every frontier element by every generator: gen ∘ f = gen[f]
        candidates = np.unique(np.concatenate([gen[frontier] for gen in generators]), axis=0)
        fresh = []
        for row in candidates:
            key = row.tobytes()
            if key not in seen:
                seen.add(key)
                fresh.append(row)
        if len(seen) > limit:
            raise ValueError(
                f"group {name} has more than limit={limit} elements; pass a larger limit"
            )
        found.extend(fresh)
        frontier = np.array(fresh, dtype=np.int64).reshape(-1, degree)
    return np.array(found, dtype=np.int64)


# --- named groups -------------------------------------------------------------------------


def trivial(n: int) -> PermutationGroup:
    """The trivial group {e} acting on n points (|G| = 1)."""
    n = _check_int(n, "n", 1)
    if n > 2**28:
        raise ValueError(f"n must be at most 2**28 (2 GiB of int64), got {n}")
    ident = np.arange(n, dtype=np.int64)
    return PermutationGroup(
        n,
        np.zeros((0, n), dtype=np.int64),
        name=f"1_{n}",
        kind="trivial",
        order=1,
        enumerate_elements=lambda: ident[None, :],
        contains=lambda g: bool(np.array_equal(g, ident)),
        sample=lambda size, rng: np.tile(ident, (size, 1)),
    )


def _shifts(shift: np.ndarray, n: int) -> np.ndarray:
    return (np.arange(n)[None, :] + np.asarray(shift).reshape(-1, 1)) % n


def cyclic(n: int) -> PermutationGroup:
    """The cyclic group C_n of shifts ``i ↦ i + s (mod n)``, |C_n| = n.

    Acting on vectors, the shift by ``s`` is ``np.roll(x, s)``. Generator: the shift by 1.
    This is the symmetry of circular convolutions (CNNs, lesson 9)."""
    n = _check_int(n, "n", 1)
    ident = np.arange(n)
    return PermutationGroup(
        n,
        _shifts(np.array([1]), n) if n > 1 else np.zeros((0, n), dtype=np.int64),
        name=f"C_{n}",
        kind="cyclic",
        order=n,
        enumerate_elements=lambda: _shifts(np.arange(n), n),
        contains=lambda g: bool(np.array_equal(g, (ident + g[0]) % n)),
        sample=lambda size, rng: _shifts(rng.integers(0, n, size=size), n),
    )


def dihedral(n: int) -> PermutationGroup:
    """The dihedral group D_n (symmetries of the regular n-gon), |D_n| = 2n, n >= 3:
    rotations ``i ↦ i + s`` and reflections ``i ↦ s − i`` (mod n)."""
    n = _check_int(n, "n", minimum=3)
    ident = np.arange(n)

    def reflections(shift):
        return (np.asarray(shift).reshape(-1, 1) - ident[None, :]) % n

    def sample(size, rng):
        shift = rng.integers(0, n, size=size)
        reflect = rng.integers(0, 2, size=size).astype(bool)
        return np.where(reflect[:, None], reflections(shift), _shifts(shift, n))

    def contains(g):
        return bool(
            np.array_equal(g, (ident + g[0]) % n) or np.array_equal(g, (g[0] - ident) % n)
        )

    return PermutationGroup(
        n,
        np.stack([_shifts(np.array([1]), n)[0], reflections(np.array([0]))[0]]),
        name=f"D_{n}",
        kind="dihedral",
        order=2 * n,
        enumerate_elements=lambda: np.concatenate(
            [_shifts(np.arange(n), n), reflections(np.arange(n))]
        ),
        contains=contains,
        sample=sample,
    )


def symmetric(n: int) -> PermutationGroup:
    """The symmetric group S_n of all n! permutations (sets, graphs, DeepSets).

    Membership and uniform sampling never enumerate; ``elements()`` works only while
    n! is below the limit (n <= 8 by default)."""
    n = _check_int(n, "n", 1)
    generators = []
    if n >= 2:
        transposition = np.arange(n)
        transposition[[0, 1]] = [1, 0]
        generators.append(transposition)
    if n >= 3:
        generators.append(np.roll(np.arange(n), -1))  # the n-cycle i ↦ i + 1
    return PermutationGroup(
        n,
        np.array(generators, dtype=np.int64).reshape(-1, n),
        name=f"S_{n}",
        kind="symmetric",
        order=math.factorial(n),
        enumerate_elements=lambda: np.array(list(itertools.permutations(range(n))), dtype=np.int64),
        contains=lambda g: True,  # every permutation of degree n (already validated)
        sample=lambda size, rng: np.array(
            [rng.permutation(n) for _ in range(size)], dtype=np.int64
        ).reshape(size, n),
    )


def direct_product(*groups: PermutationGroup, action: str = "disjoint") -> PermutationGroup:
    """The direct product G_1 × ... × G_m as a permutation group.

    ``action="disjoint"``: G_j permutes its own block of points (degree Σ n_j);
    ``action="product"``: (g_1, ..., g_m) acts on multi-indices coordinate-wise,
    ``(i_1, ..., i_m) ↦ (g_1(i_1), ..., g_m(i_m))``, flattened in row-major order
    (degree Π n_j) — e.g. C_r × C_c shifting an r×c torus (:func:`grid_shifts`).
    |G_1 × ... × G_m| = Π |G_j| in both cases."""
    if len(groups) == 1 and isinstance(groups[0], (list, tuple)):
        groups = tuple(groups[0])
    if len(groups) < 1:
        raise ValueError("direct_product needs at least one group, got none")
    for j, group in enumerate(groups):
        if not isinstance(group, PermutationGroup):
            raise TypeError(f"groups[{j}] must be a PermutationGroup, got {type(group).__name__}")
    if action not in ("disjoint", "product"):
        raise ValueError(f"action must be 'disjoint' or 'product', got {action!r}")
    degrees = [group.degree for group in groups]
    if action == "disjoint":
        degree = sum(degrees)
        offsets = np.cumsum([0] + degrees[:-1])

        def combine(parts):  # parts[j]: (size, n_j) elements of G_j
            return np.concatenate([p + o for p, o in zip(parts, offsets, strict=True)], axis=1)

        def split(g):
            blocks = [g[o : o + d] - o for o, d in zip(offsets, degrees, strict=True)]
            if any(b.min() < 0 or b.max() >= d for b, d in zip(blocks, degrees, strict=True)):
                return None
            return blocks
    else:
        degree = math.prod(degrees)
        shape = tuple(degrees)

        def combine(parts):
            size = len(parts[0])
            grids = np.meshgrid(*[np.arange(d) for d in degrees], indexing="ij")
            result = np.empty((size, degree), dtype=np.int64)
            for row in range(size):
                images = [parts[j][row][grids[j]] for j in range(len(degrees))]
                result[row] = np.ravel_multi_index(images, shape).ravel()
            return result

        def split(g):
            coordinates = np.unravel_index(g, shape)
            blocks = []
            for j, d in enumerate(degrees):
                # where the j-th coordinate goes, read off along the j-th axis from 0
                index = [0] * len(degrees)
                points = []
                for i in range(d):
                    index[j] = i
                    points.append(np.ravel_multi_index(index, shape))
                blocks.append(coordinates[j][np.array(points)])
            if any(not np.array_equal(np.sort(b), np.arange(d)) for b, d in zip(blocks, degrees, strict=True)):
                return None
            if not np.array_equal(combine([b[None, :] for b in blocks])[0], g):
                return None
            return blocks

    identities = [np.arange(d)[None, :] for d in degrees]
    generators = []
    for j, group in enumerate(groups):
        for gen in group.generators:
            parts = list(identities)
            parts[j] = gen[None, :]
            generators.append(combine(parts)[0])

    def contains(g):
        blocks = split(g)
        return blocks is not None and all(
            group.contains(b) for group, b in zip(groups, blocks, strict=True)
        )

    def enumerate_elements():
        element_lists = [group.elements() for group in groups]
        index = np.array(list(itertools.product(*[range(len(e)) for e in element_lists])))
        return combine([e[index[:, j]] for j, e in enumerate(element_lists)])

    def sample(size, rng):
        return combine([group.random_elements(size, rng=rng) for group in groups])

    symbol = " × " if action == "disjoint" else " ⊗ "
    return PermutationGroup(
        degree,
        np.array(generators, dtype=np.int64).reshape(-1, degree),
        name="(" + symbol.join(group.name for group in groups) + ")",
        kind="product",
        order=math.prod(group.order for group in groups),
        enumerate_elements=enumerate_elements,
        contains=contains,
        sample=sample,
    )


def grid_shifts(rows: int, cols: int | None = None) -> PermutationGroup:
    """C_rows × C_cols acting on an rows×cols torus by cyclic shifts of both axes
    (the symmetry of a 2-D circular CNN). Points are grid cells in row-major order,
    cell (i, j) = index ``i*cols + j``; act on grids with :func:`act_on_grid`."""
    rows = _check_int(rows, "rows", 1)
    cols = rows if cols is None else _check_int(cols, "cols", 1)
    group = direct_product(cyclic(rows), cyclic(cols), action="product")
    group.name = f"C_{rows} × C_{cols} (torus)"
    return group


def generated_group(generators, name: str | None = None, limit: int | None = None) -> PermutationGroup:
    """The group generated by the given permutations (an ``(m, n)`` array or a list),
    found by breadth-first closure (lazily, on first need). Membership and sampling
    enumerate the group, so it must have at most ``limit`` elements."""
    gens = _as_permutations(generators, "generators")
    if gens.shape[0] == 0:
        raise ValueError("generators must contain at least one permutation, got none")
    degree = gens.shape[1]
    group = PermutationGroup(
        degree, gens, name=name or f"⟨{len(gens)} generators⟩", kind="generated"
    )
    if limit is not None:
        group.elements(limit)
    return group


def subgroup(group: PermutationGroup, generators, name: str | None = None) -> PermutationGroup:
    """The subgroup of ``group`` generated by ``generators``; ValueError if a generator is
    not in ``group`` (or has the wrong degree)."""
    if not isinstance(group, PermutationGroup):
        raise TypeError(f"group must be a PermutationGroup, got {type(group).__name__}")
    gens = _as_permutations(generators, "generators", degree=group.degree)
    for j, gen in enumerate(gens):
        if not group.contains(gen):
            raise ValueError(f"generators[{j}] = {gen.tolist()} is not an element of {group.name}")
    return generated_group(gens, name=name or f"subgroup of {group.name}")


def _group_from_elements(elements: np.ndarray, name: str) -> PermutationGroup:
    degree = elements.shape[1]
    non_identity = elements[np.any(elements != np.arange(degree), axis=1)]
    return PermutationGroup(degree, non_identity, name=name, kind="generated", elements=elements)


# ---------------------------------------------------------------------------------------
# group axioms
# ---------------------------------------------------------------------------------------


class GroupAxioms(NamedTuple):
    """Which group axioms hold for a finite set of permutations; ``ok`` if all do."""

    closure: bool
    identity: bool
    inverses: bool
    associativity: bool

    @property
    def ok(self) -> bool:
        return self.closure and self.identity and self.inverses and self.associativity


def check_group_axioms(elements, n_triples: int = 2000, seed=0) -> GroupAxioms:
    """Check closure (gh ∈ G for all pairs), identity, inverses (g⁻¹ ∈ G) and
    associativity ((gh)k = g(hk) on ``n_triples`` random triples) for a set of
    permutations (an ``(m, n)`` array, or a :class:`PermutationGroup`). Closure costs
    |G|² products: meant for groups of up to a few thousand elements."""
    if isinstance(elements, PermutationGroup):
        elements = elements.elements()
    elements = _as_permutations(elements, "elements")
    degree = elements.shape[1]
    keys = np.sort(_row_keys(elements))

    def members(rows):
        candidate = _row_keys(rows)
        position = np.minimum(np.searchsorted(keys, candidate), len(keys) - 1)
        return keys[position] == candidate

    # all products g∘h = g[h], row by row to keep memory at |G|·n per step
    closure = all(bool(np.all(members(g[elements]))) for g in elements)
    identity_ok = bool(members(np.arange(degree)[None, :])[0])
    inverses = bool(np.all(members(np.argsort(elements, axis=1))))
    rng = _resolve_rng(seed, None)
    a, b, c = (elements[rng.integers(0, len(elements), size=n_triples)] for _ in range(3))
    rows = np.arange(n_triples)[:, None]
    ab = a[rows, b]
    bc = b[rows, c]
    associativity = bool(np.array_equal(ab[rows, c], a[rows, bc]))
    return GroupAxioms(closure, identity_ok, inverses, associativity)


# ---------------------------------------------------------------------------------------
# actions
# ---------------------------------------------------------------------------------------


def _take_along(x, index: np.ndarray, axis: int):
    """``x`` re-indexed along ``axis`` by ``index`` (one permutation, or one per batch row
    when ``index`` has shape (B, n) and ``x.shape[0] == B``); numpy or torch."""
    if _is_torch(x):
        import torch

        index_t = torch.as_tensor(index, device=x.device, dtype=torch.long)
        if index.ndim == 1:
            return torch.index_select(x, axis, index_t)
        moved = torch.movedim(x, axis, 1)
        rows = torch.arange(moved.shape[0], device=x.device)[:, None]
        return torch.movedim(moved[rows, index_t], 1, axis)
    x = np.asarray(x)
    if index.ndim == 1:
        return np.take(x, index, axis=axis)
    moved = np.moveaxis(x, axis, 1)
    return np.moveaxis(moved[np.arange(moved.shape[0])[:, None], index], 1, axis)


def _elements_argument(g, name: str = "g") -> np.ndarray:
    arr = _to_numpy(g)
    if arr.ndim == 2:
        return _as_permutations(arr, name)
    return _as_permutation(arr, name)


def _check_nan(x, name: str) -> None:
    arr = _to_numpy(x)
    if arr.dtype.kind in "fc" and np.isnan(arr).any():
        raise ValueError(f"{name} must not contain NaN")


def act_on_vectors(g, x, axis: int = -1):
    """``g·x = x[g⁻¹]`` along ``axis`` (entry i moves to position g(i)); batched over all
    other axes; numpy or torch in, same type out.

    ``g`` is one permutation of degree n, or an ``(B, n)`` array of them, one per batch
    row (``x.shape[0] == B``, ``axis != 0``)."""
    g = _elements_argument(g)
    shape = tuple(x.shape)
    if len(shape) == 0:
        raise ValueError("x must have at least one axis, got a scalar")
    n = g.shape[-1]
    try:
        length = shape[axis]
    except IndexError:
        raise ValueError(f"axis must be a valid axis of x (shape {shape}), got {axis}") from None
    if length != n:
        raise ValueError(
            f"x must have length {n} (the degree of g) along axis {axis}, got shape {shape}"
        )
    if g.ndim == 2:
        if axis % len(shape) == 0 or shape[0] != g.shape[0]:
            raise ValueError(
                f"g holds {g.shape[0]} permutations, so x must have a batch axis 0 of that "
                f"size and be permuted along another axis; got shape {shape}, axis {axis}"
            )
    return _take_along(x, np.argsort(g, axis=-1), axis)


def act_on_graph(g, adjacency, features=None):
    """Node permutation of a graph: ``(A, X) ↦ (P A Pᵀ, P X)`` with ``P = P_g``, i.e.
    ``(PAPᵀ)_{g(i) g(j)} = A_{ij}`` and row i of X moves to row g(i).

    ``adjacency`` has shape (..., n, n), ``features`` (optional) (..., n, d); ``g`` is one
    permutation or one per batch row. Returns ``(adjacency', features')`` (``features'``
    is None when no features were given)."""
    g = _elements_argument(g)
    shape = tuple(adjacency.shape)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(f"adjacency must be square in its last two axes (..., n, n), got shape {shape}")
    n = g.shape[-1]
    if shape[-1] != n:
        raise ValueError(f"adjacency must have n = {n} nodes (the degree of g), got shape {shape}")
    if g.ndim == 2 and (len(shape) < 3 or shape[0] != g.shape[0]):
        raise ValueError(
            f"g holds {g.shape[0]} permutations, so adjacency needs a batch axis of that size, "
            f"got shape {shape}"
        )
    inv = np.argsort(g, axis=-1)
    permuted = _take_along(_take_along(adjacency, inv, len(shape) - 2), inv, len(shape) - 1)
    if features is None:
        return permuted, None
    fshape = tuple(features.shape)
    if len(fshape) < 2 or fshape[-2] != n:
        raise ValueError(f"features must have shape (..., {n}, d) (one row per node), got {fshape}")
    if g.ndim == 2 and fshape[0] != g.shape[0]:
        raise ValueError(f"features must have batch size {g.shape[0]}, got shape {fshape}")
    return permuted, _take_along(features, inv, len(fshape) - 2)


def act_on_subset(g, subset) -> tuple[int, ...]:
    """``g(S) = {g(i) : i ∈ S}`` as a sorted tuple (so ``χ_S(g·x) = χ_{g⁻¹(S)}(x)``)."""
    g = _as_permutation(g, "g")
    subset = _as_subset(subset, g.size)
    return tuple(sorted(int(g[i]) for i in subset))


def _as_subset(subset, n: int, name: str = "subset") -> tuple[int, ...]:
    arr = np.asarray(list(subset) if not hasattr(subset, "shape") else subset)
    if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
        raise ValueError(f"{name} must be a collection of integer indices, got {subset!r}")
    values = [int(v) for v in arr]
    if any(v < 0 or v >= n for v in values):
        raise ValueError(f"{name} must hold indices in 0..{n - 1}, got {values}")
    if len(set(values)) != len(values):
        raise ValueError(f"{name} must not repeat an index, got {values}")
    return tuple(sorted(values))


def act_on_grid(g, grid):
    """``g·grid`` for a group acting on the cells of an r×c grid (degree r·c, cells in
    row-major order, e.g. :func:`grid_shifts`); ``grid`` has shape (..., r, c)."""
    g = _as_permutation(g, "g")
    shape = tuple(grid.shape)
    if len(shape) < 2 or shape[-1] * shape[-2] != g.size:
        raise ValueError(
            f"grid must have shape (..., r, c) with r*c = {g.size} (the degree of g), got {shape}"
        )
    flat = grid.reshape(*shape[:-2], shape[-2] * shape[-1])
    return act_on_vectors(g, flat).reshape(shape)


# ---------------------------------------------------------------------------------------
# orbits and stabilisers
# ---------------------------------------------------------------------------------------


def _check_group(group, name: str = "group") -> PermutationGroup:
    if not isinstance(group, PermutationGroup):
        raise TypeError(f"{name} must be a csqlab.groups.PermutationGroup, got {type(group).__name__}")
    return group


def _check_vector(x, n: int, name: str = "x") -> np.ndarray:
    arr = _to_numpy(x)
    if arr.ndim != 1 or arr.size != n:
        raise ValueError(f"{name} must be a vector of length {n} (the group degree), got shape {arr.shape}")
    _check_nan(arr, name)
    return arr


def orbit(group: PermutationGroup, x, limit: int | None = None) -> np.ndarray:
    """The orbit ``G·x = {g·x : g ∈ G}`` of a vector, as distinct rows in lexicographic
    order. Found by breadth-first search with the generators (no enumeration of G)."""
    group = _check_group(group)
    x = _check_vector(x, group.degree)
    limit = MAX_ELEMENTS if limit is None else limit
    inverses = [np.argsort(gen) for gen in group.generators]
    seen = {x.tobytes()}
    found = [x]
    frontier = x[None, :]
    while len(frontier) and inverses:
        candidates = np.concatenate([frontier[:, inv] for inv in inverses])
        fresh = []
        for row in candidates:
            key = row.tobytes()
            if key not in seen:
                seen.add(key)
                fresh.append(row)
        if len(seen) > limit:
            raise ValueError(f"orbit has more than limit={limit} points; pass a larger limit")
        found.extend(fresh)
        frontier = np.array(fresh).reshape(-1, group.degree)
    return np.unique(np.array(found), axis=0)


def stabiliser(group: PermutationGroup, x, limit: int | None = None) -> PermutationGroup:
    """The stabiliser ``G_x = {g ∈ G : g·x = x}`` as a group (enumerates G).
    Orbit–stabiliser: ``|G·x| · |G_x| = |G|``."""
    group = _check_group(group)
    x = _check_vector(x, group.degree)
    elements = group.elements(limit)
    fixed = np.all(x[np.argsort(elements, axis=1)] == x, axis=1)
    return _group_from_elements(elements[fixed], name=f"Stab_{group.name}")


def subset_orbit(group: PermutationGroup, subset) -> np.ndarray:
    """The orbit ``{g(S) : g ∈ G}`` of an index subset, as sorted tuples in rows,
    lexicographically ordered (row 0 is :func:`canonical_subset`)."""
    group = _check_group(group)
    subset = _as_subset(subset, group.degree)
    start = np.array(subset, dtype=np.int64)
    seen = {start.tobytes()}
    found = [start]
    frontier = [start]
    while frontier:
        fresh = []
        for s in frontier:
            for gen in group.generators:
                image = np.sort(gen[s])
                key = image.tobytes()
                if key not in seen:
                    seen.add(key)
                    fresh.append(image)
        found.extend(fresh)
        frontier = fresh
    return np.unique(np.array(found, dtype=np.int64).reshape(len(found), len(subset)), axis=0)


def canonical_subset(group: PermutationGroup, subset) -> tuple[int, ...]:
    """Canonical orbit representative of a subset: the lexicographically smallest
    sorted tuple in its orbit."""
    return tuple(int(i) for i in subset_orbit(group, subset)[0])


class SubsetOrbits(NamedTuple):
    """Orbits of the k-subsets of {0..n-1} under a group.

    ``representatives[j]``: lexicographically smallest sorted tuple of orbit j (orbits are
    listed in the lexicographic order of their representatives); ``sizes[j]`` = |orbit j|;
    ``subsets``: all C(n, k) subsets in lexicographic order; ``labels[i]``: the orbit of
    ``subsets[i]``."""

    representatives: np.ndarray
    sizes: np.ndarray
    subsets: np.ndarray
    labels: np.ndarray

    @property
    def n_orbits(self) -> int:
        return len(self.sizes)


def _all_subsets(n: int, k: int) -> np.ndarray:
    if k == 0:
        return np.zeros((1, 0), dtype=np.int64)
    count = math.comb(n, k)
    flat = np.fromiter(
        itertools.chain.from_iterable(itertools.combinations(range(n), k)),
        dtype=np.int64,
        count=count * k,
    )
    return flat.reshape(count, k)


def subset_orbits(group: PermutationGroup, k: int, limit: int | None = None) -> SubsetOrbits:
    """All orbits of k-subsets under ``group`` (the index sets of the orbit-averaged
    parities and monomials of lessons 7, 9, 10; their number is at least C(n,k)/|G|).

    Method: each generator maps every subset to another (a function on the C(n,k)
    subsets, looked up by colex rank); orbit labels are the connected components of
    these maps, found by propagating the smallest lexicographic index. G is never
    enumerated, so this also works for S_n with large n."""
    group = _check_group(group)
    n = group.degree
    k = _check_int(k, "k", minimum=0)
    if k > n:
        raise ValueError(f"k must be at most the degree n = {n}, got {k}")
    limit = MAX_SUBSETS if limit is None else limit
    if math.comb(n, k) > limit:
        raise ValueError(f"C(n, k) = C({n}, {k}) = {math.comb(n, k)} subsets exceeds limit={limit}")
    subsets = _all_subsets(n, k)
    count = len(subsets)
    labels = np.arange(count)
    if k > 0 and len(group.generators):
        binomials = np.array(
            [[math.comb(i, j) for j in range(k + 1)] for i in range(n + 1)], dtype=np.int64
        )
        position = np.arange(1, k + 1)

        def colex_rank(rows):  # rows sorted ascending; rank = Σ_j C(s_j, j+1)
            return binomials[rows, position].sum(axis=1)

        colex_to_lex = np.empty(count, dtype=np.int64)
        colex_to_lex[colex_rank(subsets)] = np.arange(count)
        neighbours = [colex_to_lex[colex_rank(np.sort(gen[subsets], axis=1))] for gen in group.generators]
        while True:
            updated = labels
            for neighbour in neighbours:
                updated = np.minimum(updated, updated[neighbour])
            updated = updated[updated]  # pointer jumping: labels[j] <= j within the orbit
            if np.array_equal(updated, labels):
                break
            labels = updated
    roots, inverse_index, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    return SubsetOrbits(subsets[roots], sizes, subsets, inverse_index.ravel())


# ---------------------------------------------------------------------------------------
# Burnside counts
# ---------------------------------------------------------------------------------------


def _check_colours(n_colours) -> int:
    return _check_int(n_colours, "n_colours", 1)


def burnside_count(group: PermutationGroup, n_colours: int = 2, k: int | None = None,
                   limit: int | None = None) -> int:
    """Number of orbits by Burnside's lemma, ``(1/|G|) Σ_g |Fix(g)|``, summed over the
    enumerated elements.

    * ``k=None``: colourings ``{0..c-1}^n`` (c = ``n_colours``); ``|Fix(g)| = c^{#cycles(g)}``.
    * ``k`` given: k-subsets; ``|Fix(g)|`` = coefficient of ``t^k`` in ``Π_cycles (1 + t^ℓ)``
      (a fixed subset is a union of cycles of g).
    """
    group = _check_group(group)
    n_colours = _check_colours(n_colours)
    if k is not None:
        k = _check_int(k, "k", minimum=0)
        if k > group.degree:
            raise ValueError(f"k must be at most the degree n = {group.degree}, got {k}")
    types = Counter(_cycle_lengths(g) for g in group.elements(limit))
    total = 0
    for lengths, multiplicity in types.items():
        if k is None:
            fixed = n_colours ** len(lengths)
        else:
            polynomial = [1] + [0] * k
            for length in lengths:
                for degree in range(k, length - 1, -1):
                    polynomial[degree] += polynomial[degree - length]
            fixed = polynomial[k]
        total += multiplicity * fixed
    count = Fraction(total, group.order)
    if count.denominator != 1:  # pragma: no cover - Burnside always gives an integer
        raise ArithmeticError(f"Burnside sum {total} not divisible by |G| = {group.order}")
    return int(count)


def euler_phi(m: int) -> int:
    """Euler's totient φ(m) = #{1 <= j <= m : gcd(j, m) = 1}."""
    m = _check_int(m, "m", 1, MAX_TOTIENT,
                   lambda v: f"trial division up to {math.isqrt(v)}, about {math.isqrt(v) / 3e6:.3g} s")
    result, rest, p = m, m, 2
    while p * p <= rest:
        if rest % p == 0:
            while rest % p == 0:
                rest //= p
            result -= result // p
        p += 1
    if rest > 1:
        result -= result // rest
    return result


def _check_orbit_n(n, minimum: int = 1) -> int:
    return _check_int(n, "n", minimum, MAX_ORBIT_COUNT_N,
                      lambda v: f"{v} trial divisions, about {v / 1e7:.3g} s, and an answer of up to {v} bits or more")


def _check_answer_bits(n: int, colours: int) -> None:
    bits = n * math.log2(max(colours, 2))
    if bits > 10**8:
        raise ValueError(f"n_colours too large for n = {n}: the count has about {bits:.3g} bits "
                         f"(limit 10**8 bits, 12 MB)")


def _divisors(m: int) -> list[int]:
    return [d for d in range(1, m + 1) if m % d == 0]


def necklace_count(n: int, n_colours: int = 2) -> int:
    """C_n-orbits of c-colourings (necklaces), from the cycle index of C_n:
    ``(1/n) Σ_{d | n} φ(d) c^{n/d}`` (binary, n = 10: 108).
    ``n ≤ MAX_ORBIT_COUNT_N = 10^5`` and ``n log2(c) ≤ 10^8``."""
    n = _check_orbit_n(n)
    c = _check_colours(n_colours)
    _check_answer_bits(n, c)
    return sum(euler_phi(d) * c ** (n // d) for d in _divisors(n)) // n


def bracelet_count(n: int, n_colours: int = 2) -> int:
    """D_n-orbits of c-colourings (bracelets, n >= 3): necklaces/2 plus the reflection
    term, ``c^{(n+1)/2}/2`` for odd n and ``(c+1) c^{n/2} / 4`` for even n.
    ``n ≤ MAX_ORBIT_COUNT_N = 10^5`` and ``n log2(c) ≤ 10^8``."""
    n = _check_orbit_n(n, 3)
    c = _check_colours(n_colours)
    _check_answer_bits(n, c)
    rotations = sum(euler_phi(d) * c ** (n // d) for d in _divisors(n))
    if n % 2:
        reflections = n * c ** ((n + 1) // 2)
    else:
        reflections = (n // 2) * (c ** (n // 2 + 1) + c ** (n // 2))
    return (rotations + reflections) // (2 * n)


def cyclic_subset_orbit_count(n: int, k: int) -> int:
    """C_n-orbits of k-subsets: ``(1/n) Σ_{d | gcd(n,k)} φ(d) C(n/d, k/d)``
    (the shift by s has gcd(n,s) cycles of length n/gcd(n,s)). ``n ≤ MAX_ORBIT_COUNT_N``."""
    n = _check_orbit_n(n)
    k = _check_int(k, "k", minimum=0)
    if k > n:
        raise ValueError(f"k must be at most n = {n}, got {k}")
    return sum(euler_phi(d) * math.comb(n // d, k // d) for d in _divisors(math.gcd(n, k))) // n


def dihedral_subset_orbit_count(n: int, k: int) -> int:
    """D_n-orbits of k-subsets (n >= 3): rotations as in :func:`cyclic_subset_orbit_count`;
    a reflection of odd n has one fixed point and (n−1)/2 transpositions, so it fixes
    C((n−1)/2, ⌊k/2⌋) subsets; for even n, n/2 reflections have two fixed points
    (Σ_{f∈{0,1,2}, k−f even} C(2,f) C((n−2)/2, (k−f)/2) fixed subsets) and n/2 have none
    (C(n/2, k/2) for even k). ``n ≤ MAX_ORBIT_COUNT_N = 10^5``."""
    n = _check_orbit_n(n, 3)
    k = _check_int(k, "k", minimum=0)
    if k > n:
        raise ValueError(f"k must be at most n = {n}, got {k}")
    rotations = sum(euler_phi(d) * math.comb(n // d, k // d) for d in _divisors(math.gcd(n, k)))
    if n % 2:
        reflections = n * math.comb((n - 1) // 2, k // 2)
    else:
        half = n // 2
        through_points = sum(
            math.comb(2, f) * math.comb(half - 1, (k - f) // 2)
            for f in range(3)
            if f <= k and (k - f) % 2 == 0
        )
        through_edges = math.comb(half, k // 2) if k % 2 == 0 else 0
        reflections = half * through_points + half * through_edges
    return (rotations + reflections) // (2 * n)


def subset_orbit_count(group: PermutationGroup, k: int) -> int:
    """Number of orbits of k-subsets of {0..n−1} under ``group`` — the size of the
    orbit-averaged parity family (lessons 7, 9), at least ``C(n, k)/|G|``.

    Closed forms for the named groups, so it is instant for any n: trivial ``C(n, k)``;
    C_n :func:`cyclic_subset_orbit_count`; D_n :func:`dihedral_subset_orbit_count`; S_n
    ``1`` (S_n moves any k-subset onto any other). Any other group: :func:`burnside_count`
    (enumerates G)."""
    group = _check_group(group)
    n = group.degree
    k = _check_int(k, "k", minimum=0)
    if k > n:
        raise ValueError(f"k must be at most the degree n = {n}, got {k}")
    if group.kind == "trivial":
        return math.comb(n, k)
    if group.kind == "cyclic":
        return cyclic_subset_orbit_count(n, k)
    if group.kind == "dihedral":
        return dihedral_subset_orbit_count(n, k)
    if group.kind == "symmetric":
        return 1
    return burnside_count(group, k=k)


# ---------------------------------------------------------------------------------------
# Reynolds operator
# ---------------------------------------------------------------------------------------


def reynolds(fn: Callable, group: PermutationGroup, action: str | Callable = "vectors",
             limit: int | None = None) -> Callable:
    """The group average of ``fn`` as a new callable, ``(R_G f)(x) = (1/|G|) Σ_g f(g·x)``.

    ``action``: ``"vectors"`` (``fn(x)``, x of shape (..., n), G acts on the last axis),
    ``"graphs"`` (``fn(adjacency, features=None)``, G acts by ``(A, X) ↦ (PAPᵀ, PX)``) or
    any callable ``action(g, x)``. ``fn`` must be batched; numpy or torch. If the input
    distribution is G-invariant, R_G is the orthogonal projection onto G-invariant
    functions (see :func:`reynolds_matrix`)."""
    group = _check_group(group)
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    elements = group.elements(limit)
    order = len(elements)
    if action == "graphs":

        def averaged_graph(adjacency, features=None):
            total = 0
            for g in elements:
                a, x = act_on_graph(g, adjacency, features)
                total = total + (fn(a) if features is None else fn(a, x))
            return total / order

        averaged_graph.__doc__ = f"Reynolds average of {getattr(fn, '__name__', 'fn')} over {group.name}"
        return averaged_graph
    if action == "vectors":
        act = act_on_vectors
    elif callable(action):
        act = action
    else:
        raise ValueError(f"action must be 'vectors', 'graphs' or a callable, got {action!r}")

    def averaged(x):
        total = 0
        for g in elements:
            total = total + fn(act(g, x))
        return total / order

    averaged.__doc__ = f"Reynolds average of {getattr(fn, '__name__', 'fn')} over {group.name}"
    return averaged


def reynolds_matrix(group: PermutationGroup, domain, limit: int | None = None) -> np.ndarray:
    """The Reynolds operator as an N×N matrix on function values over a finite domain
    (rows ``domain[i]``, e.g. the cube {±1}^n): ``R_{ij} = #{g : g·x_i = x_j} / |G|``, so
    ``(R f)(x_i) = Σ_j R_{ij} f(x_j) = (1/|G|) Σ_g f(g·x_i)``.

    For a G-closed domain with the uniform (G-invariant) distribution, R is symmetric
    and idempotent: the orthogonal projection onto G-invariant functions (lesson 7)."""
    group = _check_group(group)
    domain = _to_numpy(domain)
    if domain.ndim != 2 or domain.shape[1] != group.degree:
        raise ValueError(
            f"domain must be an (N, {group.degree}) array of points, got shape {domain.shape}"
        )
    _check_nan(domain, "domain")
    keys = _row_keys(domain)
    order_index = np.argsort(keys)
    sorted_keys = keys[order_index]
    if len(np.unique(sorted_keys)) != len(sorted_keys):
        raise ValueError("domain must not contain repeated points")
    elements = group.elements(limit)
    size = len(domain)
    matrix = np.zeros((size, size))
    rows = np.arange(size)
    for g in elements:
        image_keys = _row_keys(act_on_vectors(g, domain))
        position = np.minimum(np.searchsorted(sorted_keys, image_keys), size - 1)
        if not np.all(sorted_keys[position] == image_keys):
            raise ValueError("domain must be closed under the group (some g·x is not in domain)")
        matrix[rows, order_index[position]] += 1.0
    return matrix / len(elements)


# ---------------------------------------------------------------------------------------
# frames, frame averaging, canonicalisation
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """A frame ``F: x ↦ F(x) ⊆ G`` (non-empty, ``F(g·x) = g F(x)``) on batches of inputs.

    ``frame(x)`` takes ``x`` of shape (B, n) — or (B, n, d), G permuting the n rows — and
    returns ``(batch_index, elements)``: the rows of ``elements`` with
    ``batch_index == b`` are exactly the members of ``F(x_b)``."""

    group: PermutationGroup
    name: str
    members: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
    description: str = ""

    def __call__(self, x) -> tuple[np.ndarray, np.ndarray]:
        x = _frame_input(x, self.group.degree)
        return self.members(x)

    def sizes(self, x) -> np.ndarray:
        """|F(x_b)| for every input in the batch."""
        batch_index, _ = self(x)
        return np.bincount(batch_index, minlength=len(_frame_input(x, self.group.degree)))


def _frame_input(x, n: int) -> np.ndarray:
    arr = _to_numpy(x)
    if arr.ndim not in (2, 3) or arr.shape[1] != n:
        raise ValueError(
            f"x must have shape (B, {n}) or (B, {n}, d) (a batch; the group degree is {n}), "
            f"got shape {arr.shape}"
        )
    _check_nan(arr, "x")
    return arr


def _lexmax_mask(images: np.ndarray) -> np.ndarray:
    """images: (B, m, L). Boolean (B, m): which of the m rows equal the row-wise
    lexicographic maximum."""
    mask = np.ones(images.shape[:2], dtype=bool)
    low = -np.inf if images.dtype.kind == "f" else np.iinfo(np.int64).min
    for column in range(images.shape[2]):
        values = np.where(mask, images[:, :, column], low)
        mask &= values == values.max(axis=1, keepdims=True)
    return mask


def argmax_frame(group: PermutationGroup) -> Frame:
    """The argmax frame ``F(x) = {g ∈ G : (g⁻¹·x)_0 = max_i x_i}`` = the elements that
    bring a maximal entry to position 0 (inputs (B, n)). Equivariant for every G; non-empty
    when G is transitive. For C_n it is computed in closed form: the shifts by each
    argmax s, ``|F(x)|`` = number of maximal entries (1 for generic x). At ties F(x) grows
    and the frame average jumps: it is discontinuous (Dym, Lawrence, Siegel 2024)."""
    group = _check_group(group)
    n = group.degree
    if group.kind == "cyclic":

        def members(x):
            if x.ndim != 2:
                raise ValueError(f"argmax frame needs inputs of shape (B, {n}), got {x.shape}")
            batch_index, shift = np.nonzero(x == x.max(axis=1, keepdims=True))
            return batch_index, _shifts(shift, n)

    else:
        elements = group.elements()
        if len(np.unique(elements[:, 0])) != n:
            raise ValueError(f"group must be transitive for the argmax frame; {group.name} is not")

        def members(x):
            if x.ndim != 2:
                raise ValueError(f"argmax frame needs inputs of shape (B, {n}), got {x.shape}")
            mask = x[:, elements[:, 0]] == x.max(axis=1, keepdims=True)
            batch_index, element_index = np.nonzero(mask)
            return batch_index, elements[element_index]

    return Frame(group, f"argmax frame of {group.name}", members,
                 "F(x) = {g : (g⁻¹·x)_0 = max x}")


def sort_frame(n: int, limit: int | None = None) -> Frame:
    """The sort frame of S_n: ``F(x) = {g ∈ S_n : g⁻¹·x = x[g] is sorted in decreasing
    order}`` (inputs (B, n)). Equals the canonicalisation frame of S_n (the decreasing
    sort is the lexicographically largest rearrangement). ``|F(x)| = Π_v m_v!`` over the
    multiplicities m_v of the values; 1 for generic x. No enumeration of S_n."""
    group = symmetric(n)
    limit = MAX_ELEMENTS if limit is None else limit

    def members(x):
        if x.ndim != 2:
            raise ValueError(f"sort frame needs inputs of shape (B, {n}), got {x.shape}")
        order = np.argsort(-x, axis=1, kind="stable")
        ordered = np.take_along_axis(x, order, axis=1)
        tied = np.any(ordered[:, 1:] == ordered[:, :-1], axis=1)
        batch_index = [np.flatnonzero(~tied)]
        chosen = [order[~tied]]
        for b in np.flatnonzero(tied):
            # positions i..j with equal sorted values may be permuted among themselves
            blocks, start = [], 0
            for i in range(1, n + 1):
                if i == n or ordered[b, i] != ordered[b, start]:
                    blocks.append(order[b, start:i])
                    start = i
            size = math.prod(math.factorial(len(block)) for block in blocks)
            if size > limit:
                raise ValueError(f"sort frame of x[{b}] has {size} elements (ties), more than limit={limit}")
            options = [list(itertools.permutations(block)) for block in blocks]
            rows = [np.concatenate(choice) for choice in itertools.product(*options)]
            batch_index.append(np.full(len(rows), b))
            chosen.append(np.array(rows, dtype=np.int64))
        batch_index = np.concatenate(batch_index)
        chosen = np.concatenate(chosen).reshape(-1, n)
        order_by_batch = np.argsort(batch_index, kind="stable")
        return batch_index[order_by_batch], chosen[order_by_batch]

    return Frame(group, f"sort frame of S_{n}", members, "F(x) = {g : x[g] sorted decreasingly}")


_FRAME_CHUNK_ENTRIES = 4_000_000  # orbit images held at once by canonical_frame (~32 MB)


def canonical_frame(group: PermutationGroup, limit: int | None = None) -> Frame:
    """Our frame for any permutation subgroup G (lessons 7 and 9):

        F(x) = {g ∈ G : g⁻¹·x = x[g] is the lexicographically largest point of G·x}.

    It is G-equivariant by construction (``F(h·x) = h F(x)``, since h·x has the same
    orbit), and frame averaging with it is canonicalisation: every g ∈ F(x) gives the same
    ``g⁻¹·x``. Inputs (B, n), or (B, n, d) with G permuting rows (rows compared in
    row-major order). Enumerates G (cost B·|G|·n, in chunks of the batch); for S_n it
    returns the equal and cheaper :func:`sort_frame`."""
    group = _check_group(group)
    if group.kind == "symmetric":
        return sort_frame(group.degree, limit)
    elements = group.elements(limit)

    def members(x):
        width = int(np.prod(x.shape[1:]))
        chunk = max(1, _FRAME_CHUNK_ENTRIES // (len(elements) * width))
        batch_parts, element_parts = [], []
        for start in range(0, len(x), chunk):
            images = x[start : start + chunk][:, elements]  # images[b, j] = g_j⁻¹·x_b
            mask = _lexmax_mask(images.reshape(images.shape[0], images.shape[1], -1))
            batch_index, element_index = np.nonzero(mask)
            batch_parts.append(batch_index + start)
            element_parts.append(elements[element_index])
        return np.concatenate(batch_parts), np.concatenate(element_parts)

    return Frame(group, f"canonicalisation frame of {group.name}", members,
                 "F(x) = {g : g⁻¹·x is the lexicographic maximum of the orbit}")


def frame_average(phi: Callable, frame: Frame, x):
    """``⟨φ⟩_F(x) = (1/|F(x)|) Σ_{g∈F(x)} φ(g⁻¹·x)`` for a batch ``x`` of shape (B, n)
    or (B, n, d); G-invariant for any φ when F is a frame. Vectorised: φ is called once on
    all ``(b, g)`` pairs stacked, shape (Σ_b |F(x_b)|, n[, d]), and must return an array
    with that leading axis. numpy or torch (gradients flow through φ in torch)."""
    if not isinstance(frame, Frame):
        raise TypeError(f"frame must be a csqlab.groups.Frame, got {type(frame).__name__}")
    if not callable(phi):
        raise TypeError(f"phi must be callable, got {type(phi).__name__}")
    batch_index, elements = frame(x)
    batch = len(x)
    counts = np.bincount(batch_index, minlength=batch)
    if np.any(counts == 0):  # pragma: no cover - frames above are never empty
        raise ValueError("frame returned an empty set for some input")
    if _is_torch(x):
        import torch

        b = torch.as_tensor(batch_index, device=x.device, dtype=torch.long)
        transformed = x[b[:, None], torch.as_tensor(elements, device=x.device, dtype=torch.long)]
        values = phi(transformed)
        weights = torch.as_tensor(1.0 / counts[batch_index], device=x.device, dtype=values.dtype)
        weights = weights.reshape((-1,) + (1,) * (values.ndim - 1))
        out = torch.zeros((batch,) + tuple(values.shape[1:]), dtype=values.dtype, device=x.device)
        return out.index_add(0, b, values * weights)
    x = np.asarray(x)
    transformed = x[batch_index[:, None], elements]
    values = np.asarray(phi(transformed))
    weights = (1.0 / counts[batch_index]).reshape((-1,) + (1,) * (values.ndim - 1))
    out = np.zeros((batch,) + values.shape[1:], dtype=np.result_type(values, float))
    np.add.at(out, batch_index, values * weights)
    return out


def canonicalise(group: PermutationGroup, x, limit: int | None = None):
    """Canonical form of each input: the lexicographically largest point of its orbit,
    ``c(x) = g⁻¹·x`` for any g in :func:`canonical_frame` ``(x)``. Returns
    ``(canonical, elements)`` with one such g per input (shapes like x and (B, n)).
    ``c`` is G-invariant and ``c(x) ∈ G·x``."""
    frame = canonical_frame(group, limit)
    arr = _frame_input(x, group.degree)
    batch_index, elements = frame(arr)
    first = np.concatenate([[True], batch_index[1:] != batch_index[:-1]])
    chosen = elements[first]
    return arr[np.arange(len(arr))[:, None], chosen], chosen
