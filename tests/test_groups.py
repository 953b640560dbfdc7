"""Tests for csqlab.groups: the symmetry toolkit of lesson 7 (groups, actions, orbits,
Burnside, Reynolds operator, frames), each claim checked by a second route (brute force,
sympy, closed forms, matrix identities)."""

import itertools
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.combinatorics import Permutation
from sympy.combinatorics import PermutationGroup as SympyGroup

from csqlab import groups as G

SETTINGS = settings(max_examples=25, deadline=None)

GROUP_BUILDERS = {
    "trivial": lambda n: G.trivial(n),
    "cyclic": lambda n: G.cyclic(n),
    "dihedral": lambda n: G.dihedral(max(n, 3)),
    "symmetric": lambda n: G.symmetric(min(n, 5)),
    "product": lambda n: G.direct_product(G.cyclic(n), G.dihedral(3)),
    "torus": lambda n: G.grid_shifts(2, n),
    "generated": lambda n: G.generated_group([np.roll(np.arange(n), 2), np.arange(n)[::-1].copy()]),
}

group_strategy = st.builds(
    lambda kind, n: GROUP_BUILDERS[kind](n),
    st.sampled_from(sorted(GROUP_BUILDERS)),
    st.integers(min_value=1, max_value=7),
)


def sympy_group(group):
    generators = [Permutation(list(map(int, g))) for g in group.generators]
    if not generators:
        generators = [Permutation(list(range(group.degree)))]
    return SympyGroup(generators)


def brute_orbit_vectors(elements, x):
    return {tuple(x[np.argsort(g)]) for g in elements}


# ----------------------------------------------------------------------------- axioms


@SETTINGS
@given(group_strategy)
def test_every_group_satisfies_the_axioms(group):
    """Lesson 7: a group is closed, has the identity and inverses, and is associative."""
    axioms = G.check_group_axioms(group)
    assert axioms.ok, axioms
    elements = group.elements()
    assert np.array_equal(elements[0], np.arange(group.degree))  # identity first (lex order)
    assert all(group.contains(g) for g in elements)


def test_axiom_check_can_fail():
    """The axiom check is not vacuous: sets that are not groups are caught."""
    three_cycle = np.array([1, 2, 0])
    no_closure = np.array([[0, 1, 2], [1, 2, 0]])  # missing the square of the 3-cycle
    assert not G.check_group_axioms(no_closure).closure
    assert not G.check_group_axioms(no_closure).inverses
    no_identity = np.array([three_cycle, three_cycle[three_cycle]])
    assert not G.check_group_axioms(no_identity).identity
    assert not G.check_group_axioms(no_identity).ok


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
def test_orders_match_known_values_and_sympy(n):
    """|C_n| = n, |D_n| = 2n, |S_n| = n!: closed form, enumeration and sympy agree."""
    cases = [(G.cyclic(n), n), (G.symmetric(n), math.factorial(n))]
    if n >= 3:
        cases.append((G.dihedral(n), 2 * n))
    for group, expected in cases:
        assert group.order == expected
        assert len(group.elements()) == expected
        assert sympy_group(group).order() == expected
        # closure from the generators alone (BFS) recovers the same order
        assert G.generated_group(group.generators if len(group.generators) else
                                 [np.arange(n)]).order == expected


def test_product_and_torus_orders_against_sympy():
    """Direct products (disjoint and product action) have order Π|G_j|."""
    for group in [G.direct_product(G.cyclic(4), G.dihedral(3)), G.grid_shifts(3, 4),
                  G.direct_product(G.symmetric(3), G.cyclic(2), action="product")]:
        assert group.order == len(group.elements()) == sympy_group(group).order()


def test_generated_group_equals_known_groups():
    """Breadth-first closure of known generators gives exactly the known group."""
    assert np.array_equal(G.generated_group(G.cyclic(7).generators).elements(),
                          G.cyclic(7).elements())
    assert np.array_equal(G.generated_group(G.dihedral(6).generators).elements(),
                          G.dihedral(6).elements())
    all_perms = np.array(sorted(itertools.permutations(range(5))))
    assert np.array_equal(G.generated_group(G.symmetric(5).generators).elements(), all_perms)
    four_cycle = G.subgroup(G.symmetric(4), [[1, 2, 3, 0]])
    assert np.array_equal(four_cycle.elements(), G.cyclic(4).elements())
    assert four_cycle.is_subgroup_of(G.dihedral(4))
    assert not G.dihedral(4).is_subgroup_of(G.cyclic(4))


def test_membership_without_enumeration():
    """Named groups answer membership and sample for groups far too large to list."""
    big = G.symmetric(30)
    g = big.random_elements(5, seed=1)
    assert g.shape == (5, 30) and all(big.contains(row) for row in g)
    with pytest.raises(ValueError, match="limit"):
        big.elements()
    cyc = G.cyclic(50)
    assert cyc.contains(np.roll(np.arange(50), 7))
    assert not cyc.contains(np.arange(50)[::-1].copy())
    assert G.dihedral(50).contains(np.arange(50)[::-1].copy())
    assert not G.dihedral(50).contains(G.symmetric(50).random_elements(1, seed=3)[0])
    torus = G.grid_shifts(4, 5)
    assert all(torus.contains(g) for g in torus.random_elements(10, seed=0))
    swap_rows = np.arange(20).reshape(4, 5)[[1, 0, 2, 3]].ravel()
    assert not torus.contains(swap_rows)


def test_random_elements_are_uniform_and_seeded():
    """random_elements: same seed same draws; frequencies close to 1/|G| (chi-square)."""
    group = G.dihedral(4)
    assert np.array_equal(group.random_elements(10, seed=5), group.random_elements(10, seed=5))
    draws = group.random_elements(8000, seed=0)
    _, counts = np.unique(draws, axis=0, return_counts=True)
    assert len(counts) == 8
    chi2 = ((counts - 1000) ** 2 / 1000).sum()
    assert chi2 < 24.3  # 0.999 quantile of chi-square with 7 degrees of freedom
    s4 = G.symmetric(4).random_elements(4800, seed=2)
    assert len(np.unique(s4, axis=0)) == 24


# ----------------------------------------------------------------------------- actions

perm_pair = st.integers(min_value=1, max_value=9).flatmap(
    lambda n: st.tuples(st.permutations(range(n)), st.permutations(range(n)))
)


@SETTINGS
@given(perm_pair, st.integers(0, 10_000))
def test_action_on_vectors_is_a_left_action(pair, seed):
    """(gh)·x = g·(h·x), and g·x = P_g x with P_{gh} = P_g P_h (lesson 7 convention)."""
    g, h = (np.array(p) for p in pair)
    x = np.random.default_rng(seed).normal(size=(3, len(g)))
    gh = G.compose(g, h)
    assert np.array_equal(G.act_on_vectors(gh, x), G.act_on_vectors(g, G.act_on_vectors(h, x)))
    P = G.permutation_matrix
    assert np.array_equal(x @ P(g).T, G.act_on_vectors(g, x))
    assert np.array_equal(P(gh), P(g) @ P(h))
    assert np.array_equal(G.act_on_vectors(G.inverse(g), G.act_on_vectors(g, x)), x)


def test_action_convention_on_a_worked_example():
    """Entry i moves to position g(i); the shift by s in C_n is np.roll by s."""
    g = np.array([1, 2, 0])
    assert G.act_on_vectors(g, np.array([10, 20, 30])).tolist() == [30, 10, 20]
    shift = G.cyclic(5).elements()[2]
    x = np.arange(5.0)
    assert np.array_equal(G.act_on_vectors(shift, x), np.roll(x, 2))
    assert G.compose([1, 0, 2], [0, 2, 1]).tolist() == [1, 2, 0]  # (gh)(i) = g(h(i))


def test_action_on_other_axes_per_row_and_torch():
    """Batched actions: a chosen axis, one element per batch row, and torch tensors."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 6, 2))
    g = G.symmetric(6).random_elements(4, seed=1)
    rows = G.act_on_vectors(g, x, axis=1)
    for b in range(4):
        assert np.array_equal(rows[b], G.act_on_vectors(g[b], x[b], axis=0))
    xt = torch.tensor(x)
    assert np.array_equal(G.act_on_vectors(g, xt, axis=1).numpy(), rows)
    assert np.array_equal(G.act_on_vectors(g[0], xt, axis=-2).numpy(),
                          G.act_on_vectors(g[0], x, axis=-2))


def test_action_on_graphs_relabels_edges():
    """(A, X) ↦ (PAPᵀ, PX): edge (i, j) becomes (g(i), g(j)); row i of X moves to g(i)."""
    rng = np.random.default_rng(1)
    A = rng.integers(0, 2, size=(3, 5, 5)).astype(float)
    X = rng.normal(size=(3, 5, 2))
    g = np.array([3, 0, 4, 1, 2])
    A2, X2 = G.act_on_graph(g, A, X)
    P = G.permutation_matrix(g)
    assert np.allclose(A2, P @ A @ P.T) and np.allclose(X2, P @ X)
    for i, j in itertools.product(range(5), repeat=2):
        assert A2[0, g[i], g[j]] == A[0, i, j]
    gs = G.symmetric(5).random_elements(3, seed=0)
    A3, X3 = G.act_on_graph(gs, torch.tensor(A), torch.tensor(X))
    for b in range(3):
        a, x = G.act_on_graph(gs[b], A[b], X[b])
        assert np.array_equal(A3[b].numpy(), a) and np.array_equal(X3[b].numpy(), x)
    assert G.act_on_graph(g, A)[1] is None


def test_action_on_subsets_matches_parities():
    """χ_S(g·x) = χ_{g⁻¹(S)}(x) on the cube: the subset action is the one parities see."""
    cube = np.array(list(itertools.product([-1, 1], repeat=5)))
    g = np.array([2, 4, 1, 0, 3])
    S = (0, 1, 3)
    lhs = np.prod(G.act_on_vectors(g, cube)[:, list(S)], axis=1)
    rhs = np.prod(cube[:, list(G.act_on_subset(G.inverse(g), S))], axis=1)
    assert np.array_equal(lhs, rhs)
    assert G.act_on_subset(g, S) == (0, 2, 4)


def test_grid_shifts_are_two_dimensional_rolls():
    """C_r × C_c on an r×c torus: each element is np.roll along both axes."""
    group = G.grid_shifts(3, 4)
    grid = np.arange(12.0).reshape(3, 4)
    images = {G.act_on_grid(g, grid).tobytes() for g in group.elements()}
    rolls = {np.roll(grid, (a, b), axis=(0, 1)).tobytes() for a in range(3) for b in range(4)}
    assert images == rolls


# ----------------------------------------------------------------------------- orbits


@SETTINGS
@given(group_strategy, st.integers(0, 10_000))
def test_orbit_stabiliser_and_orbits_by_brute_force(group, seed):
    """|G·x| · |G_x| = |G|, and the BFS orbit equals {g·x : g ∈ G} listed by brute force."""
    x = np.random.default_rng(seed).integers(0, 2, size=group.degree)
    orbit = G.orbit(group, x)
    assert {tuple(r) for r in orbit} == brute_orbit_vectors(group.elements(), x)
    assert len(orbit) * G.stabiliser(group, x).order == group.order
    assert G.check_group_axioms(G.stabiliser(group, x)).ok


def test_orbit_sizes_against_sympy():
    """Orbit of a 0/1 vector = orbit of its support set; sizes agree with sympy."""
    rng = np.random.default_rng(3)
    for group in [G.cyclic(9), G.dihedral(8), G.symmetric(6), G.grid_shifts(2, 4)]:
        sym = sympy_group(group)
        for _ in range(5):
            x = rng.integers(0, 2, size=group.degree)
            support = [int(i) for i in np.flatnonzero(x)]
            if not support:
                continue
            assert len(G.orbit(group, x)) == len(sym.orbit(tuple(support), action="sets"))
            assert len(G.subset_orbit(group, support)) == len(G.orbit(group, x))


@pytest.mark.parametrize("builder,n,k", [(G.cyclic, 10, 3), (G.cyclic, 10, 4), (G.cyclic, 9, 3),
                                         (G.dihedral, 8, 4), (G.dihedral, 7, 3),
                                         (G.symmetric, 5, 2)])
def test_subset_orbits_match_brute_force(builder, n, k):
    """Orbits of k-subsets (lesson 7, 9): canonical representatives are the lexicographically
    smallest sorted tuples; sizes and labels match brute force over all elements."""
    group = builder(n)
    result = G.subset_orbits(group, k)
    elements = group.elements()
    brute = {}
    for S in itertools.combinations(range(n), k):
        orbit = {tuple(sorted(g[list(S)])) for g in elements}
        brute[S] = (min(orbit), len(orbit))
    reps = sorted({rep for rep, _ in brute.values()})
    assert [tuple(r) for r in result.representatives] == reps
    sizes = {rep: size for rep, size in brute.values()}
    assert result.sizes.tolist() == [sizes[r] for r in reps]
    for S, label in zip(result.subsets, result.labels, strict=True):
        assert tuple(result.representatives[label]) == brute[tuple(S)][0]
    assert result.sizes.sum() == math.comb(n, k)
    assert all(group.order % s == 0 for s in result.sizes)
    assert G.canonical_subset(group, result.subsets[-1]) == brute[tuple(result.subsets[-1])][0]


def test_subset_orbit_counts_quoted_in_background():
    """Burnside's lemma: C_10 on k-subsets has 12, 22, 26 orbits for k = 3, 4, 5; S_n has 1."""
    assert [G.subset_orbits(G.cyclic(10), k).n_orbits for k in (3, 4, 5)] == [12, 22, 26]
    assert G.subset_orbits(G.symmetric(20), 3).n_orbits == 1
    assert G.subset_orbits(G.trivial(6), 2).n_orbits == 15
    assert G.subset_orbits(G.cyclic(6), 0).n_orbits == 1


# ----------------------------------------------------------------------------- Burnside


def brute_necklaces(n, colours, reflections=False):
    seen = set()
    for word in itertools.product(range(colours), repeat=n):
        images = [word[s:] + word[:s] for s in range(n)]
        if reflections:
            images += [tuple(reversed(w)) for w in images]
        seen.add(min(images))
    return len(seen)


def test_binary_necklaces_n10_is_108():
    """The course's headline Burnside example: 108 binary necklaces of length 10, by the
    closed form, by the Burnside sum over C_10, and by listing all 1024 strings."""
    assert G.necklace_count(10) == 108
    assert G.burnside_count(G.cyclic(10)) == 108
    assert brute_necklaces(10, 2) == 108


@pytest.mark.parametrize("n,colours", [(3, 2), (4, 3), (6, 2), (7, 2), (8, 2), (5, 3)])
def test_necklaces_and_bracelets_vs_brute_force(n, colours):
    """Necklaces (C_n) and bracelets (D_n): closed form = Burnside sum = brute force."""
    assert G.necklace_count(n, colours) == G.burnside_count(G.cyclic(n), colours) \
        == brute_necklaces(n, colours)
    assert G.bracelet_count(n, colours) == G.burnside_count(G.dihedral(n), colours) \
        == brute_necklaces(n, colours, reflections=True)


@pytest.mark.parametrize("n", [3, 4, 6, 9, 12, 30])
def test_subset_orbit_counts_closed_form_burnside_and_enumeration(n):
    """k-subset orbit counts under C_n, D_n: closed form = Burnside = explicit orbits."""
    for k in range(n + 1):
        if math.comb(n, k) > 200_000:
            assert G.cyclic_subset_orbit_count(n, k) == G.burnside_count(G.cyclic(n), k=k)
            assert G.dihedral_subset_orbit_count(n, k) == G.burnside_count(G.dihedral(n), k=k)
            continue
        for closed, builder in [(G.cyclic_subset_orbit_count, G.cyclic),
                                (G.dihedral_subset_orbit_count, G.dihedral)]:
            expected = G.subset_orbits(builder(n), k).n_orbits
            assert closed(n, k) == G.burnside_count(builder(n), k=k) == expected, (n, k)


@pytest.mark.parametrize("name", ["trivial", "cyclic", "dihedral", "symmetric", "product",
                                  "generated"])
@pytest.mark.parametrize("n", [4, 7])
def test_subset_orbit_count_matches_explicit_orbits(name, n):
    """Lesson 7's family sizes: the dispatching count equals the explicit orbit enumeration
    and is at least C(n, k)/|G|."""
    group = GROUP_BUILDERS[name](n)
    for k in range(group.degree + 1):
        count = G.subset_orbit_count(group, k)
        assert count == G.subset_orbits(group, k).n_orbits, (name, n, k)
        assert count * group.order >= math.comb(group.degree, k)


def test_subset_orbit_count_is_instant_for_large_named_groups():
    """Closed forms, no enumeration: S_60 has one orbit per k; C_60 about C(60, 5)/60."""
    assert G.subset_orbit_count(G.symmetric(60), 5) == 1
    assert G.subset_orbit_count(G.cyclic(60), 5) == G.cyclic_subset_orbit_count(60, 5)
    assert G.subset_orbit_count(G.trivial(60), 5) == math.comb(60, 5)
    with pytest.raises(ValueError, match="k must be at most"):
        G.subset_orbit_count(G.cyclic(4), 5)


def test_burnside_for_symmetric_group_counts_multisets():
    """S_n-orbits of c-colourings are multisets: C(n + c − 1, c − 1)."""
    for n, c in [(4, 2), (5, 3), (6, 2)]:
        assert G.burnside_count(G.symmetric(n), c) == math.comb(n + c - 1, c - 1)


def test_euler_phi_against_sympy():
    from sympy import totient

    assert [G.euler_phi(m) for m in range(1, 60)] == [int(totient(m)) for m in range(1, 60)]


# ----------------------------------------------------------------------------- Reynolds


def cube(n):
    return np.array(list(itertools.product([-1.0, 1.0], repeat=n)))


@pytest.mark.parametrize("group", [G.cyclic(6), G.dihedral(6), G.grid_shifts(2, 3),
                                   G.symmetric(4)], ids=lambda g: g.name)
def test_reynolds_matrix_is_an_orthogonal_projection(group):
    """Under the uniform (invariant) cube distribution R_G is idempotent and symmetric,
    its image is invariant, and its rank (trace) is the number of orbits (Burnside)."""
    points = cube(group.degree)
    R = G.reynolds_matrix(group, points)
    assert np.allclose(R @ R, R, atol=1e-12)
    assert np.allclose(R, R.T, atol=1e-12)
    f = np.random.default_rng(0).normal(size=len(points))
    Rf = R @ f
    averaged = G.reynolds(lambda x: f[index_of(points, x)], group)
    assert np.allclose(averaged(points), Rf)
    for g in group.random_elements(5, seed=1):
        assert np.allclose(Rf[index_of(points, G.act_on_vectors(g, points))], Rf)
    assert round(np.trace(R)) == G.burnside_count(group, 2)


def index_of(points, queries):
    lookup = {tuple(p): i for i, p in enumerate(points)}
    return np.array([lookup[tuple(q)] for q in queries])


def test_reynolds_shrinks_parity_norm_by_orbit_size():
    """Group averaging identity (lessons/notes/glossary.md): ‖R χ_S‖² = 1/|Orb(S)| on the uniform cube."""
    group = G.cyclic(8)
    points = cube(8)
    R = G.reynolds_matrix(group, points)
    for S in [(0,), (0, 4), (0, 1, 3), (0, 2, 4, 6)]:
        parity = np.prod(points[:, list(S)], axis=1)
        norm2 = np.mean((R @ parity) ** 2)
        assert norm2 == pytest.approx(1 / len(G.subset_orbit(group, S)), abs=1e-12)


def test_reynolds_on_graphs_is_invariant_and_fixes_invariant_functions():
    """Graph Reynolds average over S_n: output invariant; invariant inputs unchanged."""
    rng = np.random.default_rng(2)
    A = rng.integers(0, 2, size=(6, 4, 4)).astype(float)
    X = rng.normal(size=(6, 4, 1))

    def first_node(a, x):
        return a[:, 0, 1] * x[:, 0, 0]

    averaged = G.reynolds(first_node, G.symmetric(4), action="graphs")
    g = np.array([2, 0, 3, 1])
    assert np.allclose(averaged(*G.act_on_graph(g, A, X)), averaged(A, X), atol=1e-14)
    assert not np.allclose(first_node(*G.act_on_graph(g, A, X)), first_node(A, X))
    edges = G.reynolds(lambda a: a.sum(axis=(1, 2)), G.symmetric(4), action="graphs")
    assert np.allclose(edges(A), A.sum(axis=(1, 2)))


# ----------------------------------------------------------------------------- frames


def frame_sets(frame, x):
    batch_index, elements = frame(x)
    return [{tuple(e) for e in elements[batch_index == b]} for b in range(len(x))]


FRAMES = {
    "argmax C_7": lambda: G.argmax_frame(G.cyclic(7)),
    "argmax D_7": lambda: G.argmax_frame(G.dihedral(7)),
    "canonical C_7": lambda: G.canonical_frame(G.cyclic(7)),
    "canonical D_7": lambda: G.canonical_frame(G.dihedral(7)),
    "canonical generated": lambda: G.canonical_frame(
        G.generated_group([[1, 0, 2, 3, 4, 5, 6], [0, 1, 3, 4, 2, 5, 6]])),
    "sort S_7": lambda: G.sort_frame(7),
}


@pytest.mark.parametrize("name", sorted(FRAMES))
def test_frames_are_equivariant_and_averages_invariant(name):
    """F(h·x) = h F(x) as sets (ties included) and ⟨φ⟩_F is exactly invariant (lesson 7)."""
    frame = FRAMES[name]()
    group = frame.group
    rng = np.random.default_rng(0)
    generic = rng.normal(size=(20, 7))
    tied = rng.integers(0, 3, size=(20, 7)).astype(float)
    weights = rng.normal(size=7)

    def phi(z):  # not invariant on its own
        return np.tanh(z @ weights) + z[:, 0] * z[:, 1]

    for x in (generic, tied):
        h = group.random_elements(len(x), seed=1)
        moved = G.act_on_vectors(h, x)
        before, after = frame_sets(frame, x), frame_sets(frame, moved)
        for b in range(len(x)):
            assert before[b], "frames are non-empty"
            assert after[b] == {tuple(G.compose(h[b], np.array(g))) for g in before[b]}
        average = G.frame_average(phi, frame, x)
        if x is generic:
            assert np.array_equal(G.frame_average(phi, frame, moved), average)
        else:
            assert np.allclose(G.frame_average(phi, frame, moved), average, atol=1e-12)
    invariant = G.frame_average(lambda z: z.sum(axis=1) ** 2, frame, generic)
    assert np.allclose(invariant, generic.sum(axis=1) ** 2)


def test_canonical_frame_of_symmetric_group_is_the_sort_frame(monkeypatch):
    """For S_n the lexicographic canonicalisation frame equals the sort frame."""
    x = np.random.default_rng(4).integers(0, 3, size=(15, 5)).astype(float)
    enumerated = G.canonical_frame(G.generated_group(G.symmetric(5).generators))  # lexmax path
    assert frame_sets(enumerated, x) == frame_sets(G.sort_frame(5), x)
    assert G.canonical_frame(G.symmetric(12)).name.startswith("sort frame")
    monkeypatch.setattr(G, "_FRAME_CHUNK_ENTRIES", 120 * 5 * 4)  # batches of 4 inputs
    assert frame_sets(enumerated, x) == frame_sets(G.sort_frame(5), x)


def test_canonicalise_returns_the_lexicographic_maximum_of_the_orbit():
    """canonicalise(x) ∈ G·x is the lexicographic maximum, and g⁻¹·x = canonical."""
    rng = np.random.default_rng(5)
    for group in [G.cyclic(6), G.dihedral(6), G.direct_product(G.cyclic(3), G.cyclic(3))]:
        x = rng.integers(0, 3, size=(10, 6)).astype(float)
        canonical, chosen = G.canonicalise(group, x)
        for b in range(10):
            assert tuple(canonical[b]) == max(brute_orbit_vectors(group.elements(), x[b]))
            assert np.array_equal(G.act_on_vectors(G.inverse(chosen[b]), x[b]), canonical[b])


def test_frame_average_matches_a_per_input_loop_and_torch():
    """The vectorised frame average equals the definition evaluated input by input."""
    rng = np.random.default_rng(6)
    x = rng.integers(0, 2, size=(40, 6)).astype(float)  # many ties
    weights = rng.normal(size=6)

    def phi(z):
        return np.sin(z @ weights)

    frame = G.argmax_frame(G.cyclic(6))
    fast = G.frame_average(phi, frame, x)
    for b in range(40):
        members = [np.roll(np.arange(6), -s) for s in np.flatnonzero(x[b] == x[b].max())]
        slow = np.mean([phi(x[b][g][None, :])[0] for g in members])
        assert fast[b] == pytest.approx(slow, abs=1e-14)
    xt = torch.tensor(x, requires_grad=True)
    out = G.frame_average(lambda z: torch.sin(z @ torch.tensor(weights)), frame, xt)
    assert np.allclose(out.detach().numpy(), fast, atol=1e-14)
    out.sum().backward()
    assert xt.grad is not None


def test_frame_average_is_discontinuous_at_ties():
    """Dym–Lawrence–Siegel: two inputs ε apart across a tie of the argmax frame give outputs
    that stay a fixed distance apart as ε → 0 (and the tie itself gives the midpoint)."""
    frame = G.argmax_frame(G.cyclic(4))

    def phi(z):
        return z[:, 1]

    gaps = []
    for eps in [1e-2, 1e-5, 1e-9]:
        left = np.array([[1.0, 1.0 - eps, 0.0, 0.0]])
        right = np.array([[1.0 - eps, 1.0, 0.0, 0.0]])
        assert np.abs(left - right).max() <= 1.01 * eps
        gaps.append(abs(G.frame_average(phi, frame, left) - G.frame_average(phi, frame, right))[0])
    assert min(gaps) > 0.98  # gap = 1 − ε: it does not vanish as ε → 0
    tie = G.frame_average(phi, frame, np.array([[1.0, 1.0, 0.0, 0.0]]))
    assert tie[0] == pytest.approx(0.5)


# ----------------------------------------------------------------------------- bad input


def test_bad_permutations_raise_naming_the_argument():
    with pytest.raises(ValueError, match="g must be a permutation"):
        G.act_on_vectors([0, 0, 1], np.zeros(3))
    with pytest.raises(ValueError, match="g must have an integer dtype"):
        G.inverse(np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="h must have degree 3"):
        G.compose([0, 1, 2], [0, 1])
    with pytest.raises(ValueError, match=r"generators\[1\] must be a permutation"):
        G.generated_group([[0, 1, 2], [0, 2, 2]])
    assert not G.is_permutation([1, 2, 3])
    assert G.is_permutation(np.array([2, 0, 1]))


def test_mismatched_sizes_raise():
    with pytest.raises(ValueError, match="x must have length 4"):
        G.act_on_vectors([1, 0, 2, 3], np.zeros((2, 5)))
    with pytest.raises(ValueError, match="adjacency must be square"):
        G.act_on_graph([1, 0, 2], np.zeros((3, 4)))
    with pytest.raises(ValueError, match="features must have shape"):
        G.act_on_graph([1, 0, 2], np.zeros((3, 3)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="grid must have shape"):
        G.act_on_grid(np.arange(6), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="x must be a vector of length 5"):
        G.orbit(G.cyclic(5), np.zeros(4))
    with pytest.raises(ValueError, match="domain must be closed"):
        G.reynolds_matrix(G.cyclic(3), np.array([[1.0, 0.0, 0.0]]))
    with pytest.raises(ValueError, match=r"x must have shape \(B, 4\)"):
        G.frame_average(lambda z: z[:, 0], G.argmax_frame(G.cyclic(4)), np.zeros((2, 5)))
    with pytest.raises(ValueError, match="x must not contain NaN"):
        G.frame_average(lambda z: z[:, 0], G.argmax_frame(G.cyclic(2)), np.array([[np.nan, 1]]))


def test_wrong_degree_and_non_members_raise():
    with pytest.raises(ValueError, match="g must have degree 5"):
        G.cyclic(5).contains([0, 1, 2])
    with pytest.raises(ValueError, match=r"generators\[0\].*not an element of C_4"):
        G.subgroup(G.cyclic(4), [[1, 0, 2, 3]])
    with pytest.raises(ValueError, match="generators must have degree 4"):
        G.subgroup(G.cyclic(4), [[1, 0, 2]])
    with pytest.raises(ValueError, match="n must be an integer >= 3"):
        G.dihedral(2)
    with pytest.raises(ValueError, match="k must be at most"):
        G.subset_orbits(G.cyclic(4), 5)
    with pytest.raises(ValueError, match="transitive"):
        G.argmax_frame(G.direct_product(G.cyclic(2), G.cyclic(2)))
    with pytest.raises(ValueError, match="limit"):
        G.generated_group(G.symmetric(9).generators).elements(limit=1000)
    with pytest.raises(ValueError, match="seed must be"):
        G.cyclic(3).random_elements(2, seed=-1)
