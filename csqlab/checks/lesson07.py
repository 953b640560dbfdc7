"""Checks for lesson 7 (symmetry: groups, actions, equivariant architectures).

Every check tests properties of the learner's answer — invariance, idempotence,
equivariance of a frame, agreement with Burnside's count or with the library's own
implementation on fixed random inputs — never a copy of a reference solution.
Conventions are those of :mod:`csqlab.groups`: ``g·x = x[g⁻¹]``; the shift by ``s`` acts
on vectors as ``np.roll(x, s)``.
"""

from __future__ import annotations

import numpy as np

from csqlab import groups
from csqlab.checks._core import Property, run_check

_TOLERANCE = 1e-10


def _test_function(n: int):
    """A fixed function of x ∈ R^n with no symmetry at all (batched: (B, n) → (B,))."""
    weights = np.random.default_rng(7).normal(size=n)

    def fn(x):
        x = np.asarray(x, dtype=float)
        return np.tanh(x @ weights) + x[:, 0] * x[:, 1] ** 2

    return fn


def _inputs(n: int, size: int = 6, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(size, n))


# ------------------------------------------------------------------------------ exercise 7.1


def ex7_1(count_subset_orbits):
    """Exercise 7.1: ``count_subset_orbits(elements, k)`` counts the orbits of k-subsets of
    {0..n−1} under the group with the given elements, by brute force; checked against
    Burnside's lemma (:func:`csqlab.groups.burnside_count`)."""

    def agrees(cases):
        def test(fn):
            for group, k in cases:
                got = fn(np.array(group.elements()), k)
                expected = groups.burnside_count(group, k=k)
                assert got == expected, (
                    f"{group.name}, k = {k}: you counted {got}, Burnside gives {expected}"
                )
            return True

        return test

    # rotate points 0, 1, 2 and, independently, swap points 3 and 4 (order 6, not transitive)
    rotation_and_swap = groups.generated_group(
        [[1, 2, 0, 3, 4, 5], [0, 1, 2, 4, 3, 5]], name="C_3 × S_2"
    )
    return run_check(
        "7.1",
        count_subset_orbits,
        [
            Property("trivial group: C(n, k) orbits", agrees([(groups.trivial(6), 2)]),
                     hint="with no symmetry every subset is its own orbit"),
            Property("C_6 on 3-subsets: the count you derived on paper", agrees([(groups.cyclic(6), 3)]),
                     hint="Burnside: the identity fixes C(6, 3) = 20 subsets, the rotations by 2 "
                          "and 4 fix 2 each, the others none"),
            Property("cyclic shifts C_8 and C_12", agrees([(groups.cyclic(8), 3),
                                                           (groups.cyclic(12), 4)]),
                     hint="two subsets are in one orbit when some g maps one onto the other; "
                          "compare subsets as sorted tuples"),
            Property("dihedral D_7 and the full symmetric group S_5",
                     agrees([(groups.dihedral(7), 3), (groups.symmetric(5), 2)]),
                     hint="pick one canonical member per orbit, e.g. the smallest image"),
            Property("a group given only by its elements", agrees([(rotation_and_swap, 3)]),
                     hint="use every row of elements, not only shifts"),
        ],
    )
# ------------------------------------------------------------------------------ exercise 7.2


def ex7_2(reynolds_average):
    """Exercise 7.2: ``reynolds_average(fn, elements)`` returns the group average
    ``x ↦ (1/|G|) Σ_g fn(g·x)`` of a batched function, for a group given by its elements."""
    cases = [groups.cyclic(6), groups.dihedral(5), groups.symmetric(4)]

    def averaged_values(group, fn=None, x=None):
        fn = _test_function(group.degree) if fn is None else fn
        x = _inputs(group.degree) if x is None else x
        average = reynolds_average(fn, np.array(group.elements()))
        assert callable(average), "reynolds_average must return a function of x"
        values = np.asarray(average(x), dtype=float)
        assert values.shape == (len(x),), (
            f"the averaged function must map a batch of shape {x.shape} to shape ({len(x)},), "
            f"got shape {values.shape}"
        )
        return values

    def invariant(_):
        for group in cases:
            x = _inputs(group.degree)
            reference = averaged_values(group, x=x)
            for g in group.random_elements(8, seed=1):
                moved = averaged_values(group, x=groups.act_on_vectors(g, x))
                error = float(np.max(np.abs(moved - reference)))
                assert error < _TOLERANCE, f"{group.name}: |Rf(g·x) − Rf(x)| = {error:.2e}"
        return True

    def agrees_with_library(_):
        for group in cases:
            fn = _test_function(group.degree)
            x = _inputs(group.degree, seed=2)
            expected = groups.reynolds(fn, group)(x)
            error = float(np.max(np.abs(averaged_values(group, fn, x) - expected)))
            assert error < _TOLERANCE, f"{group.name}: differs from groups.reynolds by {error:.2e}"
        return True

    def idempotent(_):
        group = groups.dihedral(5)
        elements = np.array(group.elements())
        fn = _test_function(group.degree)
        x = _inputs(group.degree, seed=3)
        once = reynolds_average(fn, elements)
        twice = reynolds_average(once, elements)
        error = float(np.max(np.abs(np.asarray(twice(x)) - np.asarray(once(x)))))
        assert error < _TOLERANCE, f"R(Rf) differs from Rf by {error:.2e}"
        return True

    def fixes_invariant_functions(_):
        group = groups.cyclic(6)

        def energy(x):  # invariant under every permutation of the coordinates
            return np.sum(np.asarray(x) ** 2, axis=1)

        x = _inputs(6, seed=4)
        error = float(np.max(np.abs(averaged_values(group, energy, x) - energy(x))))
        assert error < _TOLERANCE, f"an invariant function changed by {error:.2e}"
        return True

    return run_check(
        "7.2",
        reynolds_average,
        [
            Property("the average is invariant: Rf(g·x) = Rf(x)", invariant,
                     hint="average fn over the whole orbit {g·x : g ∈ G}, one term per element"),
            Property("agrees with csqlab.groups.reynolds (C_6, D_5, S_4)", agrees_with_library,
                     hint="divide by the number of group elements; g·x = x[g⁻¹] permutes the "
                          "last axis"),
            Property("idempotent: R(Rf) = Rf", idempotent,
                     hint="the returned function must accept a batch like fn does"),
            Property("leaves an invariant function unchanged", fixes_invariant_functions,
                     hint="Rf = f when f is already invariant"),
        ],
    )


# ------------------------------------------------------------------------------ exercise 7.3


def _tie_inputs(n: int) -> list[np.ndarray]:
    """Generic vectors and vectors whose maximum is attained several times."""
    rng = np.random.default_rng(5)
    generic = [rng.normal(size=n) for _ in range(3)]
    two_maxima = rng.normal(size=n)
    two_maxima[[1, 4]] = two_maxima.max() + 1.0
    all_equal = np.full(n, 0.5)
    periodic = np.tile([2.0, -1.0, 0.0], n // 3)  # maxima at every third position
    return [*generic, two_maxima, all_equal, periodic]


def _as_shift_set(members, n: int) -> set[int]:
    values = np.asarray(members).ravel()
    assert values.size > 0, "the frame must not be empty"
    assert np.all(values == np.round(values)), f"shifts must be integers, got {values.tolist()}"
    values = values.astype(int)
    assert np.all((values >= 0) & (values < n)), f"shifts must lie in 0..{n - 1}, got {values.tolist()}"
    assert len(set(values.tolist())) == values.size, f"repeated shifts in {values.tolist()}"
    return set(values.tolist())


def ex7_3(argmax_frame_shifts):
    """Exercise 7.3: ``argmax_frame_shifts(x)`` returns the argmax frame of C_n at one
    vector x, as the set of shifts s with ``(g_s⁻¹·x)_0 = np.roll(x, −s)[0] = max x``."""
    n = 9

    def members_bring_max_to_front(fn):
        for x in _tie_inputs(n):
            for s in _as_shift_set(fn(x.copy()), n):
                assert np.roll(x, -s)[0] == x.max(), (
                    f"shift {s}: np.roll(x, -{s})[0] = {np.roll(x, -s)[0]:.3g} is not max x"
                )
        return True

    def equivariant(fn):
        for x in _tie_inputs(n):
            frame = _as_shift_set(fn(x.copy()), n)
            for t in range(n):
                moved = _as_shift_set(fn(np.roll(x, t)), n)
                expected = {(s + t) % n for s in frame}
                assert moved == expected, (
                    f"F(shift by {t} of x) = {sorted(moved)}, but shift·F(x) = {sorted(expected)}"
                )
        return True

    def exact_invariance(fn):
        weights = np.random.default_rng(8).normal(size=(n, 5))

        def phi(z):  # an MLP-like backbone with no symmetry
            return np.tanh(np.asarray(z) @ weights) @ np.arange(1.0, 6.0)

        def averaged(x):
            shifts = sorted(_as_shift_set(fn(x.copy()), n))
            return float(np.mean(phi(np.stack([np.roll(x, -s) for s in shifts]))))

        library = groups.argmax_frame(groups.cyclic(n))
        for x in _tie_inputs(n):
            value = averaged(x)
            expected = float(groups.frame_average(phi, library, x[None, :])[0])
            assert abs(value - expected) < _TOLERANCE, (
                f"frame average {value:.6g} differs from the library's {expected:.6g}"
            )
            for t in range(n):
                moved = averaged(np.roll(x, t))
                assert abs(moved - value) < _TOLERANCE, (
                    f"frame-averaged output changed by {abs(moved - value):.2e} under a shift by {t}"
                )
        return True

    return run_check(
        "7.3",
        argmax_frame_shifts,
        [
            Property("every shift in F(x) brings a maximal entry to position 0",
                     members_bring_max_to_front,
                     hint="g_s⁻¹·x = np.roll(x, -s), whose entry 0 is x[s]"),
            Property("equivariant as sets: F(g_t·x) = t + F(x), also at ties", equivariant,
                     hint="when the maximum is attained several times, which shifts qualify?"),
            Property("the frame-averaged backbone is exactly shift-invariant", exact_invariance,
                     hint="a frame must be non-empty and equivariant; then averaging over it is "
                          "invariant"),
        ],
    )
