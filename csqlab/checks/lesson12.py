"""Checks for lesson 12 (capstone: a hard invariant family for a group of your own).

Each check tests properties of the learner's answer, never a copy of a reference solution:
the group axioms and a comparison with the groups the course already used (same order and
same cycle types means "the same group with the points renamed"); invariance under random
group elements and orthonormality by enumerating the cube; a Gram matrix with known entries
and known Monte Carlo variances; Burnside's count and :func:`csqlab.bounds.counting_lemma`;
and the seeded behaviour of a short gradient-descent run on an easy and a hard target, with
the points its sampler hands out counted (a fresh batch every step, no reused batch).
Conventions are those of :mod:`csqlab.groups` (``g·x = x[g⁻¹]``).
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter

import numpy as np

from csqlab import boolean, bounds, groups
from csqlab.checks._core import Property, run_check
from csqlab.hard import classical

_TOLERANCE = 1e-10
MIN_DEGREE, MAX_DEGREE = 6, 16
"""The learner's group acts on n points with 6 <= n <= 16 (the cube {±1}^n stays enumerable)."""
MAX_ORDER = 2048
"""Largest |G| accepted in exercise 12.1 (the axioms are checked on all |G|² products)."""


# --------------------------------------------------------------------------- shared test groups


def _grid_dihedral() -> groups.PermutationGroup:
    """D_4 acting on the 9 cells of a 3×3 image (rotation by 90°, mirror): a dihedral group in
    a new action, with the centre cell fixed."""
    cells = np.arange(9).reshape(3, 3)
    rotation = np.empty(9, dtype=np.int64)
    mirror = np.empty(9, dtype=np.int64)
    for i in range(3):
        for j in range(3):
            rotation[cells[i, j]] = cells[j, 2 - i]
            mirror[cells[i, j]] = cells[i, 2 - j]
    return groups.generated_group([rotation, mirror], name="D_4 on a 3×3 image")


def _six_cycle_and_fixed_point() -> groups.PermutationGroup:
    """⟨(0 1 2)(3 4 5), (0 3)(1 4)(2 5)⟩ on 7 points: order 6, point 6 fixed."""
    return groups.generated_group([[1, 2, 0, 4, 5, 3, 6], [3, 4, 5, 0, 1, 2, 6]],
                                  name="C_3 × C_2 on 7 points")


def _cube(n: int) -> np.ndarray:
    return boolean.cube(n).astype(np.float64)


# --------------------------------------------------------------------------- exercise 12.1


def _census(elements: np.ndarray) -> Counter:
    return Counter(groups.cycle_type(g) for g in elements)


def course_groups(n: int) -> list[tuple[str, groups.PermutationGroup | None, int]]:
    """The groups on ``n`` points the course already uses, as ``(description, group, order)``:
    trivial, C_n, D_n and S_n in their standard actions (lesson 7), the r×r torus and
    C_{n/2} × C_{n/2} on two blocks (lesson 9), and C_2 × C_{n/2} on the 2×(n/2) torus (this
    lesson's worked example). ``group`` is None for S_n (compared by order only)."""
    found: list[tuple[str, groups.PermutationGroup | None, int]] = [
        ("the trivial group", groups.trivial(n), 1),
        (f"the cyclic group C_{n} (shifts)", groups.cyclic(n), n),
        (f"the symmetric group S_{n}", None, math.factorial(n)),
    ]
    if n >= 3:
        found.append((f"the dihedral group D_{n} (shifts and reflections)", groups.dihedral(n), 2 * n))
    side = math.isqrt(n)
    if side * side == n and side > 1:
        found.append((f"C_{side} × C_{side} on the {side}×{side} torus (lesson 9)",
                      groups.grid_shifts(side), n))
    if n % 2 == 0:
        half = n // 2
        found.append((f"C_{half} × C_{half} on two blocks (lesson 9)",
                      groups.direct_product(groups.cyclic(half), groups.cyclic(half)), half * half))
        found.append((f"C_2 × C_{half} on the 2×{half} torus (this lesson's worked example)",
                      groups.grid_shifts(2, half), n))
    return found


def relabelled_course_group(group: groups.PermutationGroup) -> str | None:
    """The course group that ``group`` matches, or None.

    Two permutation groups that differ only by a renaming of the points (conjugate in S_n)
    have the same order and the same number of elements of each cycle type. We compare these
    invariants. For C_n and D_n a match is exact: a group of order n with an n-cycle is that
    cycle's group, and one of order 2n with an n-cycle and the reflections' cycle types is
    D_n relabelled (lesson 7's D_n); e.g. C_3 × C_4 on a 3×4 torus contains a 12-cycle, so it
    is C_12 with its cells renamed (Chinese remainder theorem)."""
    n = group.degree
    census = None
    for description, course, order in course_groups(n):
        if group.order != order:
            continue
        if course is None:
            return description
        census = _census(group.elements()) if census is None else census
        if census == _census(course.elements()):
            return description
    return None


def ex12_1(build_group):
    """Exercise 12.1: ``build_group()`` returns a :class:`csqlab.groups.PermutationGroup` on
    6–16 points that is a group, non-trivial, at most 2048 elements, not a course group
    (not even after renaming the points), and with several orbits of 3-subsets."""
    cache: dict = {}

    def group_of(fn):
        if "group" not in cache:
            cache["group"] = fn()
        return cache["group"]

    def is_permutation_group(fn):
        group = group_of(fn)
        assert isinstance(group, groups.PermutationGroup), (
            f"build_group() must return a csqlab.groups.PermutationGroup, got {type(group).__name__}"
        )
        assert MIN_DEGREE <= group.degree <= MAX_DEGREE, (
            f"the group acts on n = {group.degree} points; choose {MIN_DEGREE} <= n <= {MAX_DEGREE}"
        )
        return True

    def small_and_nontrivial(fn):
        group = group_of(fn)
        assert group.is_enumerable(MAX_ORDER), f"|G| exceeds {MAX_ORDER}"
        assert group.order > 1, "the group has one element: that is no symmetry at all"
        return True

    def axioms(fn):
        result = groups.check_group_axioms(group_of(fn).elements(MAX_ORDER))
        failed = [name for name, holds in result._asdict().items() if not holds]
        assert not failed, f"these axioms fail: {', '.join(failed)}"
        return True

    def new_group(fn):
        match = relabelled_course_group(group_of(fn))
        assert match is None, (
            f"{group_of(fn).name} has the same order and cycle types as {match}: the same group "
            "with the points renamed"
        )
        return True

    def several_orbits(fn):
        count = groups.burnside_count(group_of(fn), k=3)
        assert count >= 4, f"only {count} orbits of 3-subsets: the degree-3 family would be tiny"
        return True

    return run_check(
        "12.1",
        build_group,
        [
            Property("returns a PermutationGroup on 6 to 16 points", is_permutation_group,
                     hint="build it with csqlab.groups (generated_group, direct_product, "
                          "grid_shifts, subgroup)"),
            Property(f"non-trivial, with at most {MAX_ORDER} elements", small_and_nontrivial,
                     hint="a big group collapses the hard family: the floor is C(n, k)/|G|"),
            Property("closure, identity, inverses and associativity hold", axioms,
                     hint="groups.check_group_axioms(group.elements()) tells you which fails"),
            Property("not a group the course already used, even with the points renamed",
                     new_group,
                     hint="renaming the points does not make a new group; compare the number of "
                          "elements of each cycle type (groups.cycle_type)"),
            Property("at least 4 orbits of 3-subsets", several_orbits,
                     hint="a group that moves every 3-subset onto almost every other leaves "
                          "almost no members"),
        ],
    )


# --------------------------------------------------------------------------- exercise 12.2

_FAMILY_CASES = [(lambda: groups.grid_shifts(2, 4), 3), (_six_cycle_and_fixed_point, 2),
                 (_grid_dihedral, 3)]


def ex12_2(orbit_parity_values):
    """Exercise 12.2: ``orbit_parity_values(group, k, x)`` returns, for a batch ``x`` of shape
    ``(B, n)``, the normalised orbit-averaged parities ``|O|^{-1/2} Σ_{T∈O} χ_T(x)``, one column
    per orbit ``O`` of k-subsets (any order and signs), shape ``(B, #orbits)``."""
    cases = [(build(), k) for build, k in _FAMILY_CASES]

    def values(fn, group, k, x):
        result = np.asarray(fn(group, k, x), dtype=np.float64)
        expected = (len(x), groups.burnside_count(group, k=k))
        assert result.shape == expected, (
            f"{group.name}, k = {k}: expected shape {expected} (batch, number of orbits), "
            f"got {result.shape}"
        )
        assert np.all(np.isfinite(result)), "the values must be finite"
        return result

    def shape(fn):
        for group, k in cases:
            values(fn, group, k, np.random.default_rng(0).normal(size=(5, group.degree)))
        return True

    def orthonormal(fn):
        for group, k in cases:
            points = _cube(group.degree)
            table = values(fn, group, k, points)
            gram = table.T @ table / len(points)
            error = float(np.abs(gram - np.eye(gram.shape[0])).max())
            assert error < _TOLERANCE, f"{group.name}, k = {k}: max |Gram − I| = {error:.2e}"
        return True

    def invariant(fn):
        for group, k in cases:
            x = np.random.default_rng(1).normal(size=(16, group.degree))
            reference = values(fn, group, k, x)
            for g in group.random_elements(8, seed=2):
                moved = values(fn, group, k, groups.act_on_vectors(g, x))
                error = float(np.abs(moved - reference).max())
                assert error < _TOLERANCE, f"{group.name}: |f(g·x) − f(x)| = {error:.2e}"
        return True

    def orbit_sums(fn):
        for group, k in cases:
            points = _cube(group.degree)
            library = classical.parity_family(group.degree, k, group).evaluate(points)
            overlap = values(fn, group, k, points).T @ library / len(points)
            # an orbit-sum basis matches the library's up to order and signs: one ±1 per row
            matched = np.abs(np.abs(overlap).max(axis=1) - 1.0).max()
            assert matched < 1e-8, (
                f"{group.name}, k = {k}: a column is a mixture of several orbit sums, not one"
            )
        return True

    return run_check(
        "12.2",
        orbit_parity_values,
        [
            Property("shape (batch, number of orbits of k-subsets)", shape,
                     hint="groups.subset_orbits(group, k) lists the orbits"),
            Property("orthonormal on the uniform cube (all 2^n points)", orthonormal,
                     hint="an orbit O contributes |O|^(-1/2) times the sum of its parities"),
            Property("invariant: f(g·x) = f(x) for random g (float64, error < 1e-10)", invariant,
                     hint="sum χ_T over the whole orbit, every T exactly once"),
            Property("each column is the sum over one orbit (up to sign)", orbit_sums,
                     hint="do not mix orbits: column j uses the subsets of orbit j only"),
        ],
    )


# --------------------------------------------------------------------------- exercise 12.3

_GRAM_N = 6
_GRAM_SAMPLES = 20_000


def _test_members(x: np.ndarray) -> np.ndarray:
    """Four unit-norm functions on {±1}^6 with known correlations:
    f1 = χ_{01}, f2 = χ_{23}, f3 = (χ_{01} + χ_{45})/√2, f4 = (χ_{23} + √3 χ_{12345})/2,
    so ⟨f1, f3⟩ = 1/√2, ⟨f2, f4⟩ = 1/2, all other pairs 0."""
    x = np.asarray(x, dtype=np.float64)

    def chi(*subset):
        return np.prod(x[:, list(subset)], axis=1)

    return np.stack([chi(0, 1), chi(2, 3), (chi(0, 1) + chi(4, 5)) / math.sqrt(2.0),
                     (chi(2, 3) + math.sqrt(3.0) * chi(1, 2, 3, 4, 5)) / 2.0], axis=1)


def _test_gram() -> np.ndarray:
    gram = np.eye(4)
    gram[0, 2] = gram[2, 0] = 1.0 / math.sqrt(2.0)
    gram[1, 3] = gram[3, 1] = 0.5
    return gram


_GRAM_KEYS = ("exact", "monte_carlo", "standard_error", "gamma_exact", "gamma_monte_carlo")


def ex12_3(gram_two_ways):
    """Exercise 12.3: ``gram_two_ways(evaluate, n, n_samples, seed)`` returns a dict with the
    exact Gram matrix (enumeration of {±1}^n), a Monte Carlo estimate from ``n_samples`` uniform
    cube points (seeded), its entrywise standard errors, and γ (largest off-diagonal |G_ij|)
    from each route."""
    cache: dict = {}

    def report(fn, seed=0):
        if seed not in cache:
            result = fn(_test_members, _GRAM_N, _GRAM_SAMPLES, seed)
            assert isinstance(result, dict), f"return a dict, got {type(result).__name__}"
            missing = [key for key in _GRAM_KEYS if key not in result]
            assert not missing, f"missing keys: {', '.join(missing)}"
            cache[seed] = result
        return cache[seed]

    def matrix(fn, key, seed=0):
        value = np.asarray(report(fn, seed)[key], dtype=np.float64)
        assert value.shape == (4, 4), f"{key!r} must have shape (4, 4), got {value.shape}"
        assert np.all(np.isfinite(value)), f"{key!r} must be finite"
        return value

    def exact(fn):
        error = float(np.abs(matrix(fn, "exact") - _test_gram()).max())
        assert error < 1e-12, f"exact Gram is off by {error:.2e} on a test family"
        return True

    def seeded(fn):
        same = np.array_equal(matrix(fn, "monte_carlo"), np.asarray(fn(
            _test_members, _GRAM_N, _GRAM_SAMPLES, 0)["monte_carlo"], dtype=np.float64))
        assert same, "two calls with the same seed gave different estimates"
        other = matrix(fn, "monte_carlo", seed=1)
        assert not np.array_equal(other, matrix(fn, "monte_carlo")), (
            "seeds 0 and 1 gave the same estimate: is the sample drawn from the seed?"
        )
        return True

    def standard_errors(fn):
        points = _cube(_GRAM_N)
        values = _test_members(points)
        products = values[:, :, None] * values[:, None, :]
        expected = np.sqrt(products.var(axis=0) / _GRAM_SAMPLES)
        got = matrix(fn, "standard_error")
        error = float(np.abs(got - expected).max() / expected.max())
        assert error < 0.1, (
            "standard errors differ from sd(f_i f_j)/√N under the uniform cube by "
            f"{100 * error:.0f}% of the largest"
        )
        return True

    def agree(fn):
        gap = np.abs(matrix(fn, "monte_carlo") - _test_gram())
        allowed = 5.0 * matrix(fn, "standard_error") + 1e-12
        worst = float((gap / allowed).max())
        assert worst <= 1.0, f"an estimate is {5 * worst:.1f} standard errors from the truth"
        return True

    def gammas(fn):
        result = report(fn)
        for key, gram in (("gamma_exact", matrix(fn, "exact")),
                          ("gamma_monte_carlo", matrix(fn, "monte_carlo"))):
            expected = bounds.max_offdiagonal(gram)
            got = float(result[key])
            assert abs(got - expected) < 1e-12, f"{key} = {got:.6g}, expected {expected:.6g}"
        return True

    return run_check(
        "12.3",
        gram_two_ways,
        [
            Property("exact Gram by enumeration of the cube", exact,
                     hint="average f_i f_j over all 2^n points, e.g. boolean.cube(n)"),
            Property("Monte Carlo estimate reproducible from its seed", seeded,
                     hint="draw the points with np.random.default_rng(seed)"),
            Property("standard errors sd(f_i f_j)/√N, uniform cube points", standard_errors,
                     hint="each entry is a mean of N products; points are uniform on {±1}^n"),
            Property("Monte Carlo within 5 standard errors of the exact Gram", agree,
                     hint="use n_samples points and divide by n_samples"),
            Property("γ = largest off-diagonal |G_ij| from each route", gammas,
                     hint="leave out the diagonal, take absolute values"),
        ],
    )


# --------------------------------------------------------------------------- exercise 12.4

_BOUND_CASES = [(lambda: groups.grid_shifts(2, 4), 3), (_grid_dihedral, 3),
                (_six_cycle_and_fixed_point, 2), (lambda: groups.cyclic(12), 4)]


def ex12_4(capstone_bound):
    """Exercise 12.4: ``capstone_bound(group, k, tolerance, gamma)`` returns a dict with ``m``
    (the number of orbits of k-subsets), ``m_floor`` (``C(n, k)/|G|``) and ``min_queries``
    (``m(τ² − γ)/2`` from the counting lemma, or None when ``τ² ≤ γ``)."""
    cases = [(build(), k) for build, k in _BOUND_CASES]

    def result_of(fn, group, k, tolerance, gamma):
        result = fn(group, k, tolerance, gamma)
        assert isinstance(result, dict), f"return a dict, got {type(result).__name__}"
        missing = [key for key in ("m", "m_floor", "min_queries") if key not in result]
        assert not missing, f"missing keys: {', '.join(missing)}"
        return result

    def family_size(fn):
        for group, k in cases:
            got = result_of(fn, group, k, 0.1, 0.0)["m"]
            expected = groups.burnside_count(group, k=k)
            assert got == expected, f"{group.name}, k = {k}: m = {got}, Burnside gives {expected}"
        return True

    def floor(fn):
        for group, k in cases:
            result = result_of(fn, group, k, 0.1, 0.0)
            expected = math.comb(group.degree, k) / group.order
            assert abs(float(result["m_floor"]) - expected) <= 1e-12 * expected, (
                f"{group.name}, k = {k}: m_floor = {result['m_floor']}, expected C(n, k)/|G|"
            )
            assert result["m"] >= result["m_floor"], "m must be at least C(n, k)/|G|"
        return True

    def lemma(fn):
        for (group, k), tolerance, gamma in zip(cases, (0.05, 0.2, 0.5, 0.01), (0.0, 0.01, 0.1, 0.0),
                                                strict=True):
            got = result_of(fn, group, k, tolerance, gamma)["min_queries"]
            m = groups.burnside_count(group, k=k)
            expected = bounds.counting_lemma(tolerance, gamma, m).min_queries
            assert got is not None, f"τ = {tolerance}, γ = {gamma}: the lemma applies, got None"
            assert abs(float(got) - expected) <= 1e-9 * expected, (
                f"τ = {tolerance}, γ = {gamma}, m = {m}: got {got}, the counting lemma gives "
                f"{expected:.6g}"
            )
        return True

    def not_applicable(fn):
        group, k = cases[0]
        for tolerance, gamma in ((0.1, 0.05), (0.5, 0.25)):
            got = result_of(fn, group, k, tolerance, gamma)["min_queries"]
            assert got is None, (
                f"τ = {tolerance}, γ = {gamma}: τ² ≤ γ, expected None (not applicable), got {got}"
            )
        return True

    def validates(fn):
        group, k = cases[0]
        for tolerance in (0.0, 1.5):
            try:
                fn(group, k, tolerance, 0.0)
            except ValueError:
                continue
            raise AssertionError(f"tolerance = {tolerance} was accepted")
        return True

    return run_check(
        "12.4",
        capstone_bound,
        [
            Property("m = number of orbits of k-subsets", family_size,
                     hint="count orbits (groups.subset_orbits or Burnside), not subsets"),
            Property("m_floor = C(n, k)/|G| and m >= m_floor", floor,
                     hint="each orbit holds at most |G| subsets"),
            Property("min_queries = m(τ² − γ)/2 when τ² > γ", lemma,
                     hint="the standard form of lesson 3"),
            Property("None (not applicable) when τ² ≤ γ, also at equality", not_applicable,
                     hint="the lemma says nothing there; never report a negative count"),
            Property("ValueError for a tolerance outside (0, 1]", validates,
                     hint="validate the arguments before computing"),
        ],
    )


# --------------------------------------------------------------------------- exercise 12.5

_GD_STEPS = 40
_EASY_STEPS = 60


def _gd_families():
    torus = groups.grid_shifts(2, 8)
    hard = classical.parity_family(16, 6, torus)
    easy = classical.parity_family(16, 1, torus)  # the invariant linear function Σ x_i / 4
    return easy, hard


def _recording(family):
    """``family`` with a sampler that keeps every batch it hands out (to count fresh points)."""
    drawn: list[np.ndarray] = []

    def sampler(size, generator):
        x = family.sampler(size, generator)
        drawn.append(np.array(x, copy=True))
        return x

    return dataclasses.replace(family, sampler=sampler), drawn


def _expected_distinct(draws: int, points: int) -> float:
    """Expected number of distinct points among ``draws`` independent uniform draws from a set
    of ``points`` points."""
    return points * -math.expm1(draws * math.log1p(-1.0 / points))


def ex12_5(gd_run):
    """Exercise 12.5: ``gd_run(family, member, steps, width, lr, batch_size, seed)`` trains a
    one-hidden-layer MLP by Adam on fresh batches (square loss) with ``family``'s member as
    target and returns the normalised test loss ``Σ(h − y)²/Σ y²`` at steps ``0, 1, …, steps``.
    Fresh batches are checked by counting the points the family's sampler hands out: at least
    ``2048 + steps·batch_size`` draws, and about as many distinct cube points as that many
    independent draws give (a solution that reuses one batch draws ``2048 + batch_size``)."""
    easy, hard = _gd_families()
    member = len(hard) - 1
    cache: dict = {}

    def losses(fn, family, steps, seed):
        key = (id(family), steps, seed)
        if key not in cache:
            result = np.asarray(fn(family, member if family is hard else 0, steps, 32, 3e-3, 128,
                                   seed), dtype=np.float64)
            assert result.shape == (steps + 1,), (
                f"steps = {steps}: expected {steps + 1} losses (step 0 included), got shape "
                f"{result.shape}"
            )
            assert np.all(np.isfinite(result)), "the losses must be finite"
            cache[key] = result
        return cache[key]

    def history(fn):
        losses(fn, hard, _GD_STEPS, 0)
        return True

    def seeded(fn):
        first = losses(fn, hard, _GD_STEPS, 0)
        again = np.asarray(fn(hard, member, _GD_STEPS, 32, 3e-3, 128, 0), dtype=np.float64)
        assert np.array_equal(first, again), "the same seed gave a different loss history"
        assert not np.array_equal(first, losses(fn, hard, _GD_STEPS, 1)), (
            "seeds 0 and 1 gave the same history: seed the model and the data"
        )
        return True

    def learns_easy(fn):
        final = losses(fn, easy, _EASY_STEPS, 0)[-1]
        assert final < 0.25, (
            f"on the linear target Σx_i/4 the test loss is still {final:.3f} after "
            f"{_EASY_STEPS} steps"
        )
        return True

    def fresh_batches(fn):
        recorded, drawn = _recording(hard)
        fn(recorded, member, _GD_STEPS, 32, 3e-3, 128, 0)
        points = np.concatenate([x.reshape(len(x), -1) for x in drawn]) if drawn else np.empty((0, 16))
        needed = 2048 + _GD_STEPS * 128
        assert len(points) >= needed, (
            f"{_GD_STEPS} steps of batch 128 and a test set of 2048 need at least {needed} "
            f"sampled points; family.sample handed out {len(points)}"
        )
        distinct = len(np.unique(points, axis=0))
        expected = _expected_distinct(len(points), 2**16)
        assert distinct >= 0.9 * expected, (
            f"only {distinct} distinct points among {len(points)} drawn (independent draws give "
            f"about {expected:.0f}): a batch is reused"
        )
        return True

    def trivial_on_hard(fn):
        final = losses(fn, hard, _GD_STEPS, 0)[-1]
        assert 0.85 <= final <= 1.25, (
            f"final test loss {final:.3f} on a degree-6 orbit parity: expected near the trivial "
            "level 1"
        )
        return True

    return run_check(
        "12.5",
        gd_run,
        [
            Property("returns the test loss at steps 0..steps", history,
                     hint="record the loss once before training and once after every step"),
            Property("seeded: same seed, same history; another seed, another", seeded,
                     hint="seed the model (models.MLP(..., seed=seed)) and the batches "
                          "(np.random.default_rng(seed))"),
            Property("learns an easy (linear) invariant target", learns_easy,
                     hint="Adam on ½·mean (h − y)² with a fresh batch each step; normalise the "
                          "test loss by Σ y²"),
            Property("stays near the trivial level 1 on a dense orbit parity", trivial_on_hard,
                     hint="the normalised loss of the zero predictor is exactly 1"),
            Property("a fresh batch every step (counted at the sampler)", fresh_batches,
                     hint="call family.sample(batch_size, rng) inside the loop, once per step; "
                          "reusing one batch is training on a fixed set, not online"),
        ],
    )


# --------------------------------------------------------------------------- exercise 12.6


def ex12_6(orbits_from_cycle_types):
    """Exercise 12.6 (a derivation): ``orbits_from_cycle_types(census, k)`` turns a census
    ``{cycle lengths: number of elements}`` into the number of orbits of k-subsets by Burnside's
    lemma. Compared with :func:`csqlab.groups.subset_orbit_count` (closed forms for C_n, D_n and
    the enumerated sum otherwise) on groups the learner did not build, for every k."""
    cases = [groups.cyclic(10), groups.dihedral(9), _grid_dihedral(), groups.grid_shifts(2, 6),
             groups.direct_product(groups.cyclic(3), groups.cyclic(5))]

    def count(fn, census, k):
        value = fn(Counter(census), k)
        assert float(value) == int(round(float(value))), f"k = {k}: {value} is not a whole number"
        return int(round(float(value)))

    def identity_only(fn):
        for k in range(0, 7):
            assert count(fn, {(1,) * 6: 1}, k) == math.comb(6, k), (
                f"the trivial group on 6 points: every {k}-subset is its own orbit, "
                f"C(6, {k}) = {math.comb(6, k)}")
        return True

    def matches_groups(fn):
        for group in cases:
            census = _census(group.elements())
            for k in range(0, group.degree + 1):
                expected = groups.subset_orbit_count(group, k)
                got = count(fn, census, k)
                assert got == expected, (
                    f"{group.name}, k = {k}: expected {expected} orbits, got {got}")
        return True

    return run_check("12.6", orbits_from_cycle_types, [
        Property("the trivial group gives C(n, k)", identity_only,
                 "the identity fixes every k-subset; the average is over the census's elements"),
        Property("Burnside's count for five groups and every k", matches_groups,
                 "a fixed k-subset is a union of whole cycles: count the ways to pick cycles whose "
                 "lengths add up to k, for each cycle type"),
    ])
