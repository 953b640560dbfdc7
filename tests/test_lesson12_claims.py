"""Lesson 12's printed claims, each recomputed by a second route: explicit torus permutations
and hand-written cycle decompositions, the Chinese-remainder relabelling, brute-force orbits
over explicit group elements, Parseval on the Walsh–Hadamard transform, exact variances by
enumeration, a closed-form Burnside count for C_2 × C_m, the counting lemma by hand, and a
rerun of the GD experiment; plus the exercise checks rejecting wrong answers."""

import itertools
import math
import re
from collections import Counter
from importlib import util
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from lesson_shape import check_lesson_shape

import csqlab
from csqlab import boolean, bounds, groups, models
from csqlab.checks import lesson12
from csqlab.hard import classical
from csqlab.training import members

N_SAMPLES = 20_000
SOLUTIONS = Path(__file__).resolve().parents[1] / "lessons" / "solutions"


# --------------------------------------------------------------------------- second routes


def torus_permutations(rows, cols):
    """All shifts (a, b) of the rows×cols torus as explicit permutations of the cells
    i·cols + j ↦ ((i + a) mod rows)·cols + (j + b) mod cols."""
    cells = [(i, j) for i in range(rows) for j in range(cols)]
    return np.array([[((i + a) % rows) * cols + (j + b) % cols for i, j in cells]
                     for a in range(rows) for b in range(cols)])


def cycle_lengths(g):
    seen, lengths = set(), []
    for start in range(len(g)):
        if start in seen:
            continue
        length, point = 0, start
        while point not in seen:
            seen.add(point)
            point = g[point]
            length += 1
        lengths.append(length)
    return tuple(sorted(lengths))


def brute_force_orbits(elements, k):
    """Orbits of k-subsets as frozensets of sorted tuples, from explicit images."""
    n = elements.shape[1]
    seen, orbits = set(), []
    for subset in itertools.combinations(range(n), k):
        if subset in seen:
            continue
        orbit = frozenset(tuple(sorted(int(v) for v in g[list(subset)])) for g in elements)
        seen |= orbit
        orbits.append(orbit)
    return orbits


def orbit_member_values(orbit, x):
    """|O|^{-1/2} Σ_{T∈O} Π_{i∈T} x_i, written out."""
    total = np.zeros(len(x))
    for subset in orbit:
        total += np.prod(x[:, list(subset)], axis=1)
    return total / math.sqrt(len(orbit))


def two_row_torus_orbit_count(m, k):
    """#orbits of k-subsets under C_2 × C_m on the 2×m torus by Burnside in closed form: the
    group acts regularly, so the element (a, b) has all cycles of length L = its order
    lcm(2/gcd(a, 2), m/gcd(b, m)) and fixes C(2m/L, k/L) subsets when L divides k."""
    total = 0
    for a in range(2):
        for b in range(m):
            length = math.lcm(2 // math.gcd(a, 2), m // math.gcd(b, m))
            if k % length == 0:
                total += math.comb(2 * m // length, k // length)
    assert total % (2 * m) == 0
    return total // (2 * m)


def load_solution(lesson, number):
    spec = util.spec_from_file_location("solution", SOLUTIONS / f"{lesson:02d}_ex{number}.py")
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def worked():
    group = groups.grid_shifts(2, 6)
    family = classical.parity_family(12, 3, group)
    return group, family


# --------------------------------------------------------------------------- step 1


def test_step1_worked_group_order_axioms_and_cycle_types():
    """C_2 × C_6 on the 2×6 torus: 12 elements, a group, cycle types 1^12 once, 2^6 three
    times, 3^4 twice, 6^2 six times — the library's group equals the explicit shifts."""
    explicit = torus_permutations(2, 6)
    library = groups.grid_shifts(2, 6).elements()
    assert {tuple(g) for g in explicit} == {tuple(g) for g in library}
    as_set = {tuple(g) for g in explicit}
    assert all(tuple(g[h]) in as_set for g in explicit for h in explicit)  # closure
    assert all(tuple(np.argsort(g)) in as_set for g in explicit)          # inverses
    census = Counter(cycle_lengths(g) for g in explicit)
    assert census == {(1,) * 12: 1, (2,) * 6: 3, (3,) * 4: 2, (6, 6): 6}
    assert groups.check_group_axioms(library).ok


def test_step1_twelve_cycles_and_the_chinese_remainder_relabelling():
    """The 3×4 torus has 4 twelve-cycles like C_12 (φ(12) = 4) and IS C_12 after renaming cell
    (i, j) to the t with t ≡ i (mod 3), t ≡ j (mod 4); the 2×6 torus has none (no element of
    order 12, since gcd(2, 6) = 2), so no renaming makes it cyclic."""
    assert sum(cycle_lengths(g) == (12,) for g in torus_permutations(3, 4)) == 4
    assert sum(cycle_lengths(g) == (12,) for g in torus_permutations(2, 6)) == 0
    assert groups.euler_phi(12) == 4
    rename = np.empty(12, dtype=int)
    for t in range(12):
        rename[(t % 3) * 4 + t % 4] = t
    conjugated = {tuple(rename[g[np.argsort(rename)]]) for g in torus_permutations(3, 4)}
    assert conjugated == {tuple(g) for g in groups.cyclic(12).elements()}
    orders = [math.lcm(*cycle_lengths(g)) for g in torus_permutations(2, 6)]
    assert max(orders) == 6


def test_step1_course_groups_are_recognised_after_renaming():
    """The comparison used by check 12.1 flags the 3×4 torus as C_12 and a randomly renamed
    D_9 as D_9, and accepts the lesson's suggestions: D_4 on a 3×3 image and D_6 on the corners
    and sides of a hexagon (12 points)."""
    assert "C_12" in lesson12.relabelled_course_group(groups.grid_shifts(3, 4))
    rename = np.random.default_rng(0).permutation(9)
    renamed = groups.generated_group([rename[g[np.argsort(rename)]]
                                      for g in groups.dihedral(9).generators])
    assert "D_9" in lesson12.relabelled_course_group(renamed)
    assert "worked example" in lesson12.relabelled_course_group(groups.grid_shifts(2, 6))
    assert lesson12.relabelled_course_group(lesson12._grid_dihedral()) is None
    corners_and_sides = groups.generated_group([
        [(i + 1) % 6 for i in range(6)] + [6 + (i + 1) % 6 for i in range(6)],   # rotate
        [(-i) % 6 for i in range(6)] + [6 + (-1 - i) % 6 for i in range(6)],     # reflect
    ])
    assert corners_and_sides.order == 12
    assert csqlab.checks.ex12_1(lambda: corners_and_sides).ok


# --------------------------------------------------------------------------- step 2


def test_step2_family_size_floor_and_orbit_sizes(worked):
    """m = 19 orbits of 3-subsets (18 of size 12, one of size 4) >= C(12, 3)/12 = 18.33, by
    brute force over the explicit elements."""
    group, family = worked
    orbits = brute_force_orbits(torus_permutations(2, 6), 3)
    assert len(orbits) == len(family) == 19
    assert Counter(len(orbit) for orbit in orbits) == {12: 18, 4: 1}
    assert math.comb(12, 3) / 12 == pytest.approx(18.33, abs=0.005)
    assert {min(orbit) for orbit in orbits} == set(family.members)


def test_step2_invariance_and_members_by_the_written_out_formula(worked):
    """Members equal |O|^{-1/2} Σ_{T∈O} χ_T written out; permuting the input by any element
    leaves them unchanged (error < 1e-12 on cube and Gaussian points)."""
    group, family = worked
    orbits = {min(orbit): orbit for orbit in brute_force_orbits(torus_permutations(2, 6), 3)}
    x = np.random.default_rng(2).normal(size=(64, 12))
    explicit = np.stack([orbit_member_values(orbits[S], x) for S in family.members], axis=1)
    assert np.abs(family.evaluate(x) - explicit).max() < 1e-12
    for points in (x, boolean.random_cube_points(12, 64, seed=1)):
        for g in torus_permutations(2, 6):
            moved = points[:, np.argsort(g)]        # g·x = x[g⁻¹]
            assert np.abs(family.evaluate(moved) - family.evaluate(points)).max() < 1e-12
    result = models.equivariance_error(family.evaluate, group, torch.tensor(x))
    assert result.ok and result.n_elements == 12


def test_step2_gram_identity_by_walsh_hadamard(worked):
    """Parseval: the Fourier coefficients of member O are |O|^{-1/2} on the subsets of O and 0
    elsewhere, so disjoint orbits give Gram = I."""
    _, family = worked
    values = family.evaluate(boolean.cube(12).astype(float))
    coefficients = boolean.fourier_coefficients(values.T)
    supports = [set(np.flatnonzero(np.abs(row) > 1e-12)) for row in coefficients]
    assert all(a.isdisjoint(b) for a, b in itertools.combinations(supports, 2))
    gram = coefficients @ coefficients.T
    assert np.abs(gram - np.eye(len(family))).max() < 1e-12
    assert family.gamma == 0.0


# --------------------------------------------------------------------------- step 3


def test_step3_monte_carlo_gram_and_error_bars(worked):
    """Seed 3, N = 20000: γ̂ = 0.0223, standard errors 0.0069–0.0096, largest deviation 3.17
    standard errors, all 171 pairs within 4; recomputed from the same points with the
    written-out members, and the standard errors against the exact variances (enumeration)."""
    _, family = worked
    orbits = {min(orbit): orbit for orbit in brute_force_orbits(torus_permutations(2, 6), 3)}
    bits = np.random.default_rng(3).integers(0, 2, size=(N_SAMPLES, 12), dtype=np.int8)
    x = (1 - 2 * bits).astype(float)
    values = np.stack([orbit_member_values(orbits[S], x) for S in family.members], axis=1)
    products = values[:, :, None] * values[:, None, :]
    gram = products.mean(axis=0)
    standard_error = products.std(axis=0, ddof=1) / math.sqrt(N_SAMPLES)
    estimate = family.gram(method="monte_carlo", n_samples=N_SAMPLES, seed=3)
    assert np.abs(estimate.gram - gram).max() < 1e-12
    off = ~np.eye(len(family), dtype=bool)
    assert round(float(np.abs(gram[off]).max()), 4) == 0.0223
    assert (round(float(standard_error[off].min()), 4), round(float(standard_error[off].max()), 4)) \
        == (0.0069, 0.0096)
    ratio = np.abs(gram[off]) / standard_error[off]
    assert round(float(ratio.max()), 2) == 3.17 and np.all(ratio <= 4) and off.sum() // 2 == 171
    cube = family.evaluate(boolean.cube(12).astype(float))
    exact_products = cube[:, :, None] * cube[:, None, :]
    exact_se = np.sqrt(exact_products.var(axis=0) / N_SAMPLES)
    assert np.abs(exact_se - standard_error).max() < 0.1 * exact_se.max()


def test_step3_relu_family_on_gaussian_inputs(worked):
    """Orbit-averaged parities of ReLUs (k = 2): 7 members, at most 12·4 = 48 units, invariant,
    γ̂ = 0.0223 at N = 20000 (seed 5), all entries within 4 standard errors of I; members
    recomputed from Σ_w χ(w) ReLU(⟨w, x_T⟩/√2) written out."""
    group, _ = worked
    family = classical.parity_of_activations_family(12, 2, "relu", group=group)
    orbits = {min(orbit): orbit for orbit in brute_force_orbits(torus_permutations(2, 6), 2)}
    assert len(family) == len(orbits) == 7 and max(len(o) for o in orbits.values()) * 4 == 48
    x = np.random.default_rng(5).standard_normal((N_SAMPLES, 12))
    norm = math.sqrt(classical.parity_of_activations_norm_squared(2))
    columns = []
    for S in family.members:
        total = np.zeros(len(x))
        for T in orbits[S]:
            for w in itertools.product((-1.0, 1.0), repeat=2):
                total += w[0] * w[1] * np.maximum((w[0] * x[:, T[0]] + w[1] * x[:, T[1]]) / math.sqrt(2), 0)
        columns.append(total / len(orbits[S]) / (norm / math.sqrt(len(orbits[S]))))
    values = np.stack(columns, axis=1)
    products = values[:, :, None] * values[:, None, :]
    gram = products.mean(axis=0)
    standard_error = products.std(axis=0, ddof=1) / math.sqrt(N_SAMPLES)
    estimate = family.gram(method="monte_carlo", n_samples=N_SAMPLES, seed=5)
    assert np.abs(estimate.gram - gram).max() < 1e-10
    assert round(bounds.max_offdiagonal(gram), 4) == 0.0223
    assert np.all(np.abs(gram - np.eye(7)) <= 4 * standard_error)
    assert models.equivariance_error(family.evaluate, group, torch.tensor(x[:256])).ok


# --------------------------------------------------------------------------- step 4


def test_step4_counting_lemma_values_by_hand(worked):
    """m = 19: τ = 0.05 → q ≥ 19·0.0025/2 = 0.02375, 800 per query; τ = 0.2 → 0.38, 50 per
    query; with γ̂ = 0.02228 not applicable at τ = 0.05 and q ≥ 19(0.04 − γ̂)/2 ≈ 0.1683,
    2(1 − γ̂)/(0.04 − γ̂) ≈ 110.4 per query at τ = 0.2."""
    for tolerance, queries, per_query in ((0.05, 0.02375, 800), (0.2, 0.38, 50)):
        bound = bounds.counting_lemma(tolerance, 0.0, m=19)
        assert bound.min_queries == pytest.approx(19 * tolerance**2 / 2) == pytest.approx(queries)
        assert bound.per_query == pytest.approx(2 / tolerance**2) == pytest.approx(per_query)
    gamma_hat = worked[1].gram(method="monte_carlo", n_samples=N_SAMPLES, seed=3).gamma  # step 3
    assert not bounds.counting_lemma(0.05, gamma_hat, m=19).applicable and 0.05**2 <= gamma_hat
    bound = bounds.counting_lemma(0.2, gamma_hat, m=19)
    assert f"{19 * (0.04 - gamma_hat) / 2:.4g}" == "0.1683" == f"{bound.min_queries:.4g}"
    assert f"{2 * (1 - gamma_hat) / (0.04 - gamma_hat):.4g}" == "110.4"


def test_step4_bound_curve_by_closed_form_burnside():
    """For n = 8..256 (step 4), k = round(log2 n): the exact family size of C_2 × C_{n/2}
    (closed-form Burnside) equals the library's count, is >= C(n, k)/n and about log10 n below
    C(n, k); the bound m/(2n²) at τ = 1/n first exceeds one query at n = 24; at n = 256, k = 8,
    m = 10^12.2 and q >= 10^7.1."""
    sizes = np.arange(8, 257, 4)
    first = None
    for size in sizes:
        size = int(size)
        k = max(1, round(math.log2(size)))
        m = two_row_torus_orbit_count(size // 2, k)
        if size <= 40 or size % 64 == 0:
            assert m == groups.subset_orbit_count(groups.grid_shifts(2, size // 2), k)
        assert m >= math.comb(size, k) / size
        if size >= 40:
            assert abs(math.log10(math.comb(size, k) / m) - math.log10(size)) < 0.05
        if first is None and m / (2 * size**2) > 1:
            first = size
    assert first == 24
    m = two_row_torus_orbit_count(128, 8)
    assert (round(math.log10(m), 1), round(math.log10(m / (2 * 256**2)), 1)) == (12.2, 7.1)
    small = brute_force_orbits(torus_permutations(2, 6), 4)
    assert len(small) == two_row_torus_orbit_count(6, 4)


# --------------------------------------------------------------------------- step 5


def test_step5_budget_arithmetic():
    """T·p with p = 32(n + 2) + 1 (width-32 MLP), T = 400: 230800, 282000, 333200; the lemma at
    τ = 1/√128 forces m/256 = 0.137, 0.223, 0.332 queries; the samples T·B = 51200 stay below
    2^n at every size; with k = round(log2 n) the lemma first exceeds T·p(n) at n = 116 on the
    grid 8, 12, …, 256."""
    for size, m, used, forced in ((16, 35, 230800, "0.137"), (20, 57, 282000, "0.223"),
                                  (24, 85, 333200, "0.332")):
        student = models.MLP(size, (32,), dtype=torch.float32, seed=0)
        assert 400 * sum(p.numel() for p in student.parameters()) == 400 * (32 * (size + 2) + 1) == used
        assert len(brute_force_orbits(torus_permutations(2, size // 2), 3)) == m
        assert f"{m / (2 * 128):.3f}" == forced and 400 * 128 == 51200 < 2**size
    crossing = next(int(size) for size in range(8, 257, 4)
                    if two_row_torus_orbit_count(size // 2, max(1, round(math.log2(size)))) / 256
                    > 400 * (32 * (size + 2) + 1))
    assert crossing == 116


def _drawn_share(size, seed=0, steps=400, batch=128):
    """Share of the cube {±1}^size drawn by the training batches of one run, replaying the
    sample stream of the online loop (test set first, then one fresh batch per step)."""
    family = classical.parity_family(size, 3, groups.grid_shifts(2, size // 2))
    rng = np.random.default_rng(seed)
    test = family.sample(2048, rng)
    train = np.concatenate([family.sample(batch, rng) for _ in range(steps)])
    codes = lambda x: ((x > 0).astype(np.int64) << np.arange(size)).sum(axis=1)  # noqa: E731
    seen = np.unique(codes(train))
    return len(seen) / 2**size, np.isin(codes(test), seen).mean()


def test_step5_samples_below_the_cube_and_the_printed_shares():
    """The shares printed (expected 54.2%, 4.8%, 0.3% of the cube) against the points a run
    really draws (the stream replayed); at the old n = 12 the run drew all 4096 points, so
    every test point had been trained on."""
    for size, printed in ((16, 0.542), (20, 0.048), (24, 0.003)):
        expected = -math.expm1(51200 * math.log1p(-(2.0**-size)))
        assert round(expected, 3) == printed
        share, _ = _drawn_share(size)
        assert abs(share - expected) < 0.01
    share, test_seen = _drawn_share(12)
    assert share == 1.0 and test_seen == 1.0


def test_step5_gd_plateau_rerun():
    """Rerun of step 5 (seed 0): final losses 0.94 at n = 16 (below 0.96: some progress) and
    1.00 at n = 24 (above 0.98: the trivial level); the same seed reproduces."""
    csqlab.setup()
    finals = {}
    for size in (16, 24):
        target = classical.parity_family(size, 3, groups.grid_shifts(2, size // 2))
        runs = []
        for _ in range(2 if size == 16 else 1):
            student = models.MLP(size, (32,), dtype=torch.float32, seed=0)
            runs.append(members.train_member(student, target, len(target) - 1, 400,
                                                 batch_size=128, lr=3e-3, test_size=2048,
                                                 eval_every=20, seed=0).test_loss)
        if size == 16:
            assert np.array_equal(runs[0], runs[1])
        finals[size] = runs[0][-1]
    assert round(finals[16], 2) == 0.94 and round(finals[24], 2) == 1.0
    assert finals[16] < 0.96 and finals[24] > 0.98


# --------------------------------------------------------------------------- step 6


def test_step6_burnside_table_by_explicit_torus_permutations():
    """Fixed 3-subsets per element of the explicit torus permutations: 220 (identity), 0 (the
    three elements of type 2^6), 4 (the two of type 3^4), 0 (the six of type 6^2); 228/12 = 19
    = the brute-force orbit count; the small orbit is {0,2,4}, {1,3,5}, {6,8,10}, {7,9,11}."""
    elements = torus_permutations(2, 6)
    table = Counter()
    for g in elements:
        fixed = sum(set(g[list(s)]) == set(s) for s in itertools.combinations(range(12), 3))
        table[(tuple(sorted(cycle_lengths(g))), fixed)] += 1
    assert table == {((1,) * 12, 220): 1, ((2,) * 6, 0): 3, ((3,) * 4, 4): 2, ((6, 6), 0): 6}
    assert sum(count * fixed for (_, fixed), count in table.items()) == 228 == 19 * 12
    orbits = brute_force_orbits(elements, 3)
    assert len(orbits) == 19
    small = [orbit for orbit in orbits if len(orbit) < 12]
    assert [sorted(small[0])] == [[(0, 2, 4), (1, 3, 5), (6, 8, 10), (7, 9, 11)]]


def test_check_12_6_solution_passes_and_floor_fails(capsys):
    """The solution passes; dividing C(n, k) by |G| (the floor, not Burnside) fails."""
    assert csqlab.checks.ex12_6(load_solution(12, 6).orbits_from_cycle_types).status == "passed"

    def floor_only(census, k):
        n = sum(next(iter(census)))
        return math.comb(n, k) / sum(census.values())

    assert csqlab.checks.ex12_6(floor_only).status == "failed"


# --------------------------------------------------------------------------- shape and wording

NOTEBOOK = Path(__file__).resolve().parents[1] / "lessons" / "12_capstone.ipynb"
NOTES = NOTEBOOK.parent / "notes"


def test_shape_opening_question_closing_questions_length_and_no_internal_citations():
    """Opens with its question; summary and 2-4 questions with model answers in
    notes/understanding.md; markdown at most 2,000 words; no PAPER/BACKGROUND citation; the
    rubric lives in notes/capstone-rubric.md and covers the six exercises; code cells at most
    15 lines."""
    check_lesson_shape(NOTEBOOK, "Lesson 12 — Capstone: a hard invariant family for a group of your own")
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    assert not re.search(r"PAPER|BACKGROUND", "\n".join(c.source for c in cells))
    rubric = (NOTES / "capstone-rubric.md").read_text()
    rows = re.findall(r"^\| (12\.\d|interpretation)[^|]*\| (\d+) \|", rubric, re.M)
    assert [r[0] for r in rows] == ["12.1", "12.2", "12.3", "12.4", "12.5", "12.6", "interpretation"]
    assert sum(int(r[1]) for r in rows) == 100
    assert all(len(c.source.splitlines()) <= 15 for c in cells if c.cell_type == "code")


def test_understanding_answers_numbers():
    """Q1: 216/12 = 18 free orbits plus one of size 4; Q2: m(τ² − γ̂)/2 = 0.168 at τ = 0.2 and
    τ² = 0.0025 < γ̂ = 0.0223 (step 3's seed); Q3: 1 − (1 − 2^-12)^51200 ≈ 99.9996%, and a
    reused batch draws 2048 + 128 points."""
    assert (220 - 4) / 12 == 18
    family = classical.parity_family(12, 3, groups.grid_shifts(2, 6))
    gamma_hat = family.gram(method="monte_carlo", n_samples=N_SAMPLES, seed=3).gamma
    assert round(gamma_hat, 4) == 0.0223 and 0.05**2 < gamma_hat
    assert round(19 * (0.2**2 - gamma_hat) / 2, 3) == 0.168 and round(19 * 0.2**2 / 2, 2) == 0.38
    assert round(1 - (1 - 2**-12) ** 51200, 6) == 0.999996
    assert 51200 / 4096 == 12.5 and 2048 + 128 == 2176


# --------------------------------------------------------------------------- the checks


def test_check_12_1_rejects_course_groups_in_disguise(capsys):
    """Check 12.1 fails the 3×4 torus (C_12 renamed), C_10, the worked example and a group on
    too many points."""
    for build in (lambda: groups.grid_shifts(3, 4), lambda: groups.cyclic(10),
                  lambda: groups.grid_shifts(2, 6), lambda: groups.cyclic(20)):
        assert csqlab.checks.ex12_1(build).status == "failed"
    assert "C_12" in capsys.readouterr().out


def test_check_12_2_rejects_unnormalised_and_mixed_columns(capsys):
    solution = load_solution(12, 2)

    def unnormalised(group, k, x):
        sizes = np.bincount(groups.subset_orbits(group, k).labels)
        return solution.orbit_parity_values(group, k, x) * np.sqrt(sizes)

    def rotated(group, k, x):
        values = solution.orbit_parity_values(group, k, x)
        angle = 0.3
        first, second = values[:, 0].copy(), values[:, 1].copy()
        values[:, 0] = math.cos(angle) * first + math.sin(angle) * second
        values[:, 1] = -math.sin(angle) * first + math.cos(angle) * second
        return values

    for wrong, failing in ((unnormalised, "orthonormal"), (rotated, "one orbit")):
        result = csqlab.checks.ex12_2(wrong)
        assert result.status == "failed" and failing in result.message


def test_check_12_3_rejects_gaussian_points_and_diagonal_gamma(capsys):
    solution = load_solution(12, 3)

    def gaussian_points(evaluate, n, n_samples=20_000, seed=0):
        result = solution.gram_two_ways(evaluate, n, n_samples, seed)
        values = evaluate(np.random.default_rng(seed).normal(size=(n_samples, n)))
        products = values[:, :, None] * values[:, None, :]
        result["monte_carlo"] = products.mean(axis=0)
        result["standard_error"] = products.std(axis=0) / math.sqrt(n_samples)
        result["gamma_monte_carlo"] = bounds.max_offdiagonal(result["monte_carlo"])
        return result

    def with_diagonal(evaluate, n, n_samples=20_000, seed=0):
        result = solution.gram_two_ways(evaluate, n, n_samples, seed)
        result["gamma_exact"] = float(np.abs(result["exact"]).max())
        return result

    for wrong, failing in ((gaussian_points, "standard errors"), (with_diagonal, "γ")):
        result = csqlab.checks.ex12_3(wrong)
        assert result.status == "failed" and failing in result.message


def test_check_12_4_rejects_subset_counts_and_negative_bounds(capsys):
    def subsets_not_orbits(group, k, tolerance, gamma):
        m = math.comb(group.degree, k)
        return {"m": m, "m_floor": m / group.order, "min_queries": m * (tolerance**2 - gamma) / 2}

    def negative_allowed(group, k, tolerance, gamma):
        if not 0 < tolerance <= 1:
            raise ValueError("tolerance")
        m = groups.burnside_count(group, k=k)
        return {"m": m, "m_floor": math.comb(group.degree, k) / group.order,
                "min_queries": m * (tolerance**2 - gamma) / 2}

    assert "orbits" in csqlab.checks.ex12_4(subsets_not_orbits).message
    assert "not applicable" in csqlab.checks.ex12_4(negative_allowed).message


def test_check_12_5_rejects_a_history_without_step_zero(capsys):
    def no_initial_loss(family, member=0, steps=200, width=32, lr=3e-3, batch_size=128, seed=0):
        return np.ones(steps)

    result = csqlab.checks.ex12_5(no_initial_loss)
    assert result.status == "failed" and "steps 0..steps" in result.message


def _gd_run_on(batches):
    """A gd_run like solutions/12_ex5.py whose training batch at each step is ``batches(draw)``:
    the way it draws its points is the only difference."""
    def gd_run(family, member=0, steps=200, width=32, lr=3e-3, batch_size=128, seed=0):
        rng = np.random.default_rng(seed)
        student = models.MLP(family.input_shape[0], (width,), dtype=torch.float32, seed=seed)
        optimiser = torch.optim.Adam(student.parameters(), lr=lr)

        def draw(size, generator=rng):
            x = family.sample(size, generator)
            return (torch.tensor(x, dtype=torch.float32),
                    torch.tensor(family.evaluate(x, [member])[:, 0], dtype=torch.float32))

        x_test, y_test = draw(2048)
        next_batch = batches(draw, batch_size, seed)

        def test_loss():
            with torch.no_grad():
                return float(((student(x_test) - y_test) ** 2).sum() / (y_test**2).sum())

        history = [test_loss()]
        for _ in range(steps):
            x, y = next_batch()
            optimiser.zero_grad()
            (0.5 * ((student(x) - y) ** 2).mean()).backward()
            optimiser.step()
            history.append(test_loss())
        return np.array(history)
    return gd_run


def test_check_12_5_detects_batch_reuse_and_passes_fresh_batches(capsys):
    """One fixed batch reused at every step, or the same batch redrawn from a re-seeded
    generator, passed the old four properties; the sampler count now fails both, while the
    same loop with a fresh batch per step (and the solution file) passes all five."""
    def one_fixed_batch(draw, size, seed):
        batch = draw(size)
        return lambda: batch

    def reseeded_each_step(draw, size, seed):
        return lambda: draw(size, np.random.default_rng(seed + 1))

    def fresh(draw, size, seed):
        return lambda: draw(size)

    for reusing, message in ((one_fixed_batch, "handed out 2176"),
                             (reseeded_each_step, "a batch is reused")):
        result = csqlab.checks.ex12_5(_gd_run_on(reusing))
        assert result.status == "failed" and "fresh batch" in result.message, result.message
        assert message in result.message and result.passed == 4, result.message
    assert csqlab.checks.ex12_5(_gd_run_on(fresh)).status == "passed"
    result = csqlab.checks.ex12_5(load_solution(12, 5).gd_run)
    assert result.status == "passed" and (result.passed, result.total) == (5, 5)
    assert lesson12._expected_distinct(7168, 2**16) == pytest.approx(
        2**16 * (1 - (1 - 2**-16) ** 7168))
