"""Lesson 7's printed claims, each recomputed by a second route: brute force over explicit
permutations (itertools), textbook sequences (OEIS), explicit permutation matrices, Parseval
on the Walsh–Hadamard transform, and exact integer arithmetic."""

import itertools
import math

import numpy as np
import pytest
import torch

from csqlab import boolean, groups, models
from csqlab.hard import classical
from csqlab.widgets.family_size_explorer import family_size_state

# OEIS A000031 (binary necklaces) and A000029 (binary bracelets), n = 0..14
NECKLACES = [1, 2, 3, 4, 6, 8, 14, 20, 36, 60, 108, 188, 352, 632, 1182]
BRACELETS = [1, 2, 3, 4, 6, 8, 13, 18, 30, 46, 78, 126, 224, 380, 687]


def all_permutations(n):
    return np.array(list(itertools.permutations(range(n))))


def rotations(n, reflections=False):
    base = [(np.arange(n) + s) % n for s in range(n)]
    if reflections:
        base += [(s - np.arange(n)) % n for s in range(n)]
    return np.array(base)


def brute_force_subset_orbits(elements, k):
    """Orbits of k-subsets as a sorted list of their sizes (explicit images under every g)."""
    n = elements.shape[1]
    seen, sizes = set(), []
    for subset in itertools.combinations(range(n), k):
        if subset in seen:
            continue
        orbit = {tuple(sorted(g[list(subset)])) for g in elements}
        seen |= orbit
        sizes.append(len(orbit))
    return sorted(sizes)


def test_section1_action_conventions_by_explicit_matrices():
    """g·x = x[g⁻¹] = roll for the shift; P_g P_h = P_gh with (P_g)_{g(i), i} = 1; shift and
    reflection do not commute; χ_S(g·x) = χ_{g⁻¹(S)}(x) on the whole cube."""
    n = 6
    shift, reflection = (np.arange(n) + 1) % n, (-np.arange(n)) % n
    x = np.arange(10, 16)
    P = np.zeros((n, n))
    P[shift, np.arange(n)] = 1
    assert np.array_equal(P @ x, np.roll(x, 1))
    assert np.array_equal(groups.act_on_vectors(shift, x), P @ x)
    Q = np.zeros((n, n))
    Q[reflection, np.arange(n)] = 1
    composed = shift[reflection]
    R = np.zeros((n, n))
    R[composed, np.arange(n)] = 1
    assert np.array_equal(R, P @ Q) and not np.array_equal(P @ Q, Q @ P)
    subset = (0, 1, 3)
    preimage = tuple(sorted(int(np.flatnonzero(shift == i)[0]) for i in subset))
    for point in itertools.product([-1, 1], repeat=n):
        point = np.array(point)
        assert np.prod((P @ point)[list(subset)]) == np.prod(point[list(preimage)])


def test_section1_relabelled_path_graph_degrees():
    """Node i becomes node g(i): the relabelled adjacency, built edge by edge, has the
    degree sequence g·deg."""
    n = 6
    shift = (np.arange(n) + 1) % n
    path = np.zeros((n, n))
    relabelled = np.zeros((n, n))
    for i in range(n - 1):
        path[i, i + 1] = path[i + 1, i] = 1
        relabelled[shift[i], shift[i + 1]] = relabelled[shift[i + 1], shift[i]] = 1
    moved, _ = groups.act_on_graph(shift, path)
    assert np.array_equal(moved, relabelled)
    assert relabelled.sum(axis=1).tolist() == [1, 1, 2, 2, 2, 2]


@pytest.mark.parametrize("name, elements, orbit, stabiliser", [
    ("trivial", np.arange(6)[None, :], 1, 1),
    ("cyclic", rotations(6), 6, 1),
    ("dihedral", rotations(6, reflections=True), 12, 1),
    ("symmetric", all_permutations(6), 20, 36),
])
def test_section2_orbit_stabiliser_of_the_example(name, elements, orbit, stabiliser):
    """x = (1,1,0,1,0,0): orbit and stabiliser by brute force; S_6: C(6,3) and 3!·3!."""
    x = np.array([1, 1, 0, 1, 0, 0])
    images = {tuple(x[np.argsort(g)]) for g in elements}
    fixed = sum(np.array_equal(x[np.argsort(g)], x) for g in elements)
    assert (len(images), fixed) == (orbit, stabiliser)
    group = {"trivial": groups.trivial, "cyclic": groups.cyclic, "dihedral": groups.dihedral,
             "symmetric": groups.symmetric}[name](6)
    assert len(groups.orbit(group, x)) == orbit
    assert groups.stabiliser(group, x).order == stabiliser


@pytest.mark.parametrize("n", range(3, 15))
def test_section2_necklace_and_bracelet_table_against_oeis(n):
    assert groups.necklace_count(n) == groups.burnside_count(groups.cyclic(n)) == NECKLACES[n]
    assert groups.bracelet_count(n) == groups.burnside_count(groups.dihedral(n)) == BRACELETS[n]


def test_section2_orbits_of_4_subsets_of_8_points():
    """Counts 70, 10, 8, 1 and the orbit-size distributions, by explicit images."""
    expected = {
        "trivial": (np.arange(8)[None, :], [1] * 70),
        "cyclic": (rotations(8), [2, 4] + [8] * 8),
        "dihedral": (rotations(8, reflections=True), [2, 4] + [8] * 4 + [16] * 2),
        "symmetric": (all_permutations(8), [70]),
    }
    builders = {"trivial": groups.trivial, "cyclic": groups.cyclic, "dihedral": groups.dihedral,
                "symmetric": groups.symmetric}
    for name, (elements, sizes) in expected.items():
        assert brute_force_subset_orbits(elements, 4) == sizes, name
        orbits = groups.subset_orbits(builders[name](8), 4)
        assert sorted(orbits.sizes.tolist()) == sizes, name


def test_section3_reynolds_traces_are_orbit_counts_on_the_cube():
    """trace R = #orbits of G on {±1}^6: 14 (necklaces), 13 (bracelets), 7 (Hamming weights)."""
    points = boolean.cube(6).astype(float)
    for build, expected in [(groups.cyclic, 14), (groups.dihedral, 13), (groups.symmetric, 7)]:
        R = groups.reynolds_matrix(build(6), points)
        assert math.isclose(np.trace(R), expected, abs_tol=1e-9)
        assert np.linalg.matrix_rank(R) == expected
    weights = {int((point < 0).sum()) for point in points}
    assert len(weights) == 7


def test_section3_c4_reynolds_blocks_have_orbit_sizes():
    """Diagonal of R for C_4 on {±1}^4 is 1/|orbit|; the orbit sizes by rotating each point."""
    points = boolean.cube(4).astype(float)
    R = groups.reynolds_matrix(groups.cyclic(4), points)
    sizes = [len({tuple(np.roll(p, s)) for s in range(4)}) for p in points]
    assert np.allclose(np.diag(R), 1 / np.array(sizes))
    assert sorted(sizes) == [1, 1, 2, 2] + [4] * 12


def test_section4_symmetry_table_with_explicit_permutation_matrices():
    """The notebook's models and seeds: the GNN is invariant under PAPᵀ, PX for random P; the
    CNN is shift-invariant but not S_8-invariant; the MLP is not shift-invariant."""
    rng = np.random.default_rng(0)
    upper = np.triu(rng.integers(0, 2, size=(4, 8, 8)), 1)
    A = torch.tensor(upper + upper.transpose(0, 2, 1), dtype=torch.float64)
    X = torch.tensor(rng.normal(size=(4, 8, 3)))
    signals = torch.tensor(rng.normal(size=(4, 8)))
    gnn = models.ShallowGNN(3, width=5, seed=0)
    cnn = models.CircularCNN(8, width=4, seed=0)
    mlp = models.MLP(8, hidden=(16,), seed=0)
    with torch.no_grad():
        for seed in range(5):
            perm = np.random.default_rng(seed).permutation(8)
            P = torch.zeros(8, 8, dtype=torch.float64)
            P[perm, torch.arange(8)] = 1
            assert torch.allclose(gnn(P @ A @ P.T, P @ X), gnn(A, X), atol=1e-12)
            assert torch.allclose(gnn.node_outputs(P @ A @ P.T, P @ X), gnn.node_outputs(A, X) @ P.T,
                                  atol=1e-12)
        rolled = [torch.roll(signals, s, dims=1) for s in range(8)]
        assert all(torch.allclose(cnn(r), cnn(signals), atol=1e-12) for r in rolled)
        assert max(float((mlp(r) - mlp(signals)).abs().max()) for r in rolled) > 0.1
        worst = max(float((cnn(signals[:, p]) - cnn(signals)).abs().max())
                    for p in all_permutations(8)[::997])
        assert worst > 0.01


def test_section5_argmax_frame_and_tie_jump():
    """The frame at the notebook's x is the shift to its argmax; at the tie the frame average
    is the mean of φ at the two rotated inputs, and the two one-sided values differ."""
    n = 8
    x = np.random.default_rng(1).normal(size=n)
    _, members = groups.argmax_frame(groups.cyclic(n))(x[None])
    assert members[:, 0].tolist() == [int(np.argmax(x))]
    frame_mlp = models.FrameAveragedMLP(groups.argmax_frame(groups.cyclic(n)), hidden=(32,), seed=0)
    tie = np.array([1.0, 1.0, 0.2, -0.5, 0.4, -1.0, 0.0, 0.3])
    with torch.no_grad():
        phi = frame_mlp.backbone
        candidates = phi(torch.tensor(np.stack([tie, np.roll(tie, -1)]))).numpy()
        at_tie = float(frame_mlp(torch.tensor(tie[None]))[0])
        assert math.isclose(at_tie, candidates.mean(), abs_tol=1e-12)
        step = np.zeros(n)
        step[:2] = [-0.5, 0.5]
        left = float(frame_mlp(torch.tensor((tie - 1e-9 * step)[None]))[0])
        right = float(frame_mlp(torch.tensor((tie + 1e-9 * step)[None]))[0])
    assert math.isclose(left, candidates[0], abs_tol=1e-6)
    assert math.isclose(right, candidates[1], abs_tol=1e-6)
    assert abs(right - left) > 0.01


def test_section6_newton_example_and_orbit_sum_feature_counts():
    """e_k of the notebook's x by products over subsets; orbit-sum features of degree 1..3 of
    S_8, D_8, C_8 number 3, 10, 12 (Burnside counts per degree)."""
    x = np.random.default_rng(3).normal(size=6)
    elementary = models.elementary_from_power_sums(models.power_sums(x, 8))
    direct = [sum(math.prod(x[list(c)]) for c in itertools.combinations(range(6), k)) for k in range(7)]
    assert np.allclose(elementary[:7], direct, atol=1e-12)
    assert np.allclose(elementary[7:], 0.0, atol=1e-12)
    for build, expected in [(groups.symmetric, 3), (groups.dihedral, 10), (groups.cyclic, 12)]:
        group = build(8)
        counted = sum(groups.burnside_count(group, k=k) for k in (1, 2, 3))
        model = models.InvariantPolynomial(8, 3, features="orbit_sum", group=group)
        assert model.n_features == counted == expected


def test_section7_orbit_parity_norms_by_parseval():
    """‖Rχ_S‖² = 1/|Orb(S)|: the Walsh–Hadamard coefficients of Rχ_S are 1/|Orb(S)| on the
    orbit's subsets and 0 elsewhere (Parseval), for all 12 orbits of C_10 on 3-subsets."""
    n, k = 10, 3
    group = groups.cyclic(n)
    points = boolean.cube(n).astype(float)
    orbits = groups.subset_orbits(group, k)
    assert orbits.n_orbits == 12
    for subset, size in zip(orbits.representatives, orbits.sizes, strict=True):
        subset = tuple(int(i) for i in subset)
        values = groups.reynolds(lambda z, s=subset: boolean.parity(s, z), group)(points)
        coefficients = boolean.fourier_coefficients(values)
        nonzero = np.abs(coefficients) > 1e-12
        assert nonzero.sum() == size
        assert np.allclose(coefficients[nonzero], 1 / size)
        assert math.isclose(float(np.sum(coefficients**2)), 1 / size, rel_tol=1e-12)


def test_section7_family_gram_by_explicit_rotations():
    """Normalised orbit parities built by hand from rotations of each representative: the
    library's members agree and the Gram matrix is the identity."""
    n, k = 10, 3
    family = classical.parity_family(n, k, groups.cyclic(n))
    points = boolean.cube(n).astype(float)
    by_hand = []
    for subset in family.members:
        orbit = {tuple(sorted((np.array(subset) + s) % n)) for s in range(n)}
        by_hand.append(sum(boolean.parity(t, points) for t in orbit) / math.sqrt(len(orbit)))
    by_hand = np.stack(by_hand, axis=1)
    assert np.allclose(family.evaluate(points), by_hand, atol=1e-12)
    assert np.allclose(by_hand.T @ by_hand / len(points), np.eye(len(family.members)), atol=1e-12)


def test_section7_family_sizes_for_n24_and_n64():
    """n = 24, k = 4: 10626, 446, 256, 1; n = 64, k = 6: 74974368, 1171552, 588256, 1 — by
    Burnside over the enumerated C_n and D_n; the factor removed never exceeds |G|."""
    assert [groups.subset_orbit_count(build(24), 4) for build in
            (groups.trivial, groups.cyclic, groups.dihedral, groups.symmetric)] == [10626, 446, 256, 1]
    assert brute_force_subset_orbits(rotations(24), 4).__len__() == 446
    assert brute_force_subset_orbits(rotations(24, reflections=True), 4).__len__() == 256
    assert math.comb(64, 6) == 74974368
    assert groups.burnside_count(groups.cyclic(64), k=6) == 1171552
    assert groups.burnside_count(groups.dihedral(64), k=6) == 588256
    ns = np.arange(8, 65)
    ks = classical.log_degree(ns)
    assert ks.tolist() == [max(1, int(np.rint(np.log2(n)))) for n in ns]
    for n, k in zip(ns.tolist(), ks.tolist(), strict=True):
        for build, order in [(groups.cyclic, n), (groups.dihedral, 2 * n)]:
            assert math.comb(n, k) <= order * groups.subset_orbit_count(build(n), k)


def test_static_explorer_figure_numbers():
    """C_60, k = 6: 834472 orbits (Burnside over C_60) and q ≥ m τ²/2 ≈ 41.72 at τ = 0.01."""
    state = family_size_state("cyclic", k=6, n=60, tolerance=0.01)
    assert state.family_size == groups.burnside_count(groups.cyclic(60), k=6) == 834472
    assert math.isclose(state.bound.min_queries, 834472 * 0.01**2 / 2)
    assert "41.72" in state.summary()


# --------------------------------------------- check your understanding (notes/understanding.md)


def _subsets_fixed_by(shift, n, k):
    return [s for s in itertools.combinations(range(n), k)
            if tuple(sorted((i + shift) % n for i in s)) == s]


def test_understanding_q1_small_c8_orbits_of_4_subsets():
    """Q1: {0,2,4,6}, {1,3,5,7} form an orbit of size 2; six subsets are fixed by the shift by 4,
    the other four form one orbit of size 4; 64 free subsets, 8 free orbits."""
    assert _subsets_fixed_by(2, 8, 4) == [(0, 2, 4, 6), (1, 3, 5, 7)]
    by_four = _subsets_fixed_by(4, 8, 4)
    assert len(by_four) == 6
    assert sorted(set(by_four) - {(0, 2, 4, 6), (1, 3, 5, 7)}) == [
        (0, 1, 4, 5), (0, 3, 4, 7), (1, 2, 5, 6), (2, 3, 6, 7)]
    assert brute_force_subset_orbits(rotations(8), 4) == [2, 4] + [8] * 8


def test_understanding_q2_value_at_the_tie_is_the_mean_of_the_two_sides():
    """Q2: (0.0332 + 0.0577)/2 ≈ 0.0454 (rounded printed values)."""
    assert abs((0.0332 + 0.0577) / 2 - 0.0454) <= 0.0001


def test_understanding_q3_c24_orbits_of_4_subsets():
    """Q3: 66 subsets fixed by the shift by 12, 6 of them by the shift by 6; 440 + 5 + 1 = 446
    orbits; factor removed 23.83."""
    assert len(_subsets_fixed_by(12, 24, 4)) == 66 and len(_subsets_fixed_by(6, 24, 4)) == 6
    assert [len(_subsets_fixed_by(s, 24, 4)) for s in range(1, 24) if s not in (6, 12, 18)] == [0] * 20
    assert (10626 - 66) // 24 == 440 and (66 - 6) // 12 == 5 and 440 + 5 + 1 == 446
    assert groups.subset_orbit_count(groups.cyclic(24), 4) == 446
    assert round(math.comb(24, 4) / 446, 2) == 23.83 and math.comb(24, 4) / 24 == 442.75


def test_understanding_section7_k_steps_up_at_the_printed_n():
    """Section 7 (orbit-count figure): k = round(log2 n) steps up at n = 12, 23, 46 (k = 4, 5, 6)."""
    ns = np.arange(8, 65)
    ks = classical.log_degree(ns)
    steps = ns[1:][np.diff(ks) > 0]
    assert steps.tolist() == [12, 23, 46] and ks[np.isin(ns, steps)].tolist() == [4, 5, 6]
    assert all(round(math.log2(n - 1)) < round(math.log2(n)) for n in (12, 23, 46))


# --------------------------------------------- exercise 7.1, the derivation (notes/answers.md)


def test_exercise_7_1_burnside_for_3_subsets_under_c6():
    """Fixed 3-subsets of the six rotations, by enumeration: 20, 0, 2, 0, 2, 0; 24/6 = 4 orbits
    of sizes 6, 6, 6, 2 (brute force); D_6 merges the mirror pair: 3."""
    subsets = [frozenset(s) for s in itertools.combinations(range(6), 3)]
    fixed = [sum(frozenset((i + shift) % 6 for i in s) == s for s in subsets) for shift in range(6)]
    assert fixed == [20, 0, 2, 0, 2, 0] and sum(fixed) / 6 == 4
    orbits = {frozenset(frozenset((i + shift) % 6 for i in s) for shift in range(6)) for s in subsets}
    assert sorted(len(orbit) for orbit in orbits) == [2, 6, 6, 6]
    assert groups.burnside_count(groups.cyclic(6), k=3) == 4
    assert groups.burnside_count(groups.dihedral(6), k=3) == 3
