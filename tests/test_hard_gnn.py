"""csqlab.hard.gnn: the GNN hard families of lesson 8 (Theorems A and B), each claim by a
second route — brute-force enumeration of graphs, naive Python loops, Monte Carlo with error
bars, the realising networks of csqlab.models, and fitted scalings of the bound curves."""

import itertools
import math

import numpy as np
import pytest
import torch
from scipy import stats

from csqlab import bounds
from csqlab.groups import symmetric
from csqlab.hard import gnn, hidden_plane_correlation, random_planes
from csqlab.models import ShallowGNN, equivariance_error
from csqlab.training import members


def _cycle(n):
    adjacency = np.zeros((n, n))
    for i in range(n):
        adjacency[i, (i + 1) % n] = adjacency[(i + 1) % n, i] = 1.0
    return adjacency


def _star(n):
    adjacency = np.zeros((n, n))
    adjacency[0, 1:] = adjacency[1:, 0] = 1.0
    return adjacency


def _plane_pair(d, overlap, seed):
    """Two planes in R^d with ‖UVᵀ‖_op = overlap (V tilts U's first row towards a new axis)."""
    basis = np.linalg.qr(np.random.default_rng(seed).standard_normal((d, 4)))[0].T
    plane_u = basis[:2]
    plane_v = np.stack([overlap * basis[0] + math.sqrt(1 - overlap**2) * basis[2],
                        0.3 * basis[1] + math.sqrt(1 - 0.09) * basis[3]])
    return plane_u, plane_v


# ----------------------------------------------------------------- Part 1: degree parities


def test_degree_probabilities_are_binomial_and_window_is_central():
    """Theorem A: p_j = P(Bin(n−1, p) = j) (math.comb route); the window holds the likeliest degrees."""
    n = 9
    expected = [math.comb(n - 1, j) * 0.3**j * 0.7 ** (n - 1 - j) for j in range(n)]
    assert np.allclose(gnn.degree_probabilities(n, 0.3), expected, atol=1e-15)
    for big in (1000, 16384):  # log-space route vs scipy's binomial
        assert np.allclose(gnn.degree_probabilities(big), stats.binom.pmf(np.arange(big), big - 1, 0.5),
                           rtol=1e-9, atol=0)
    assert gnn.central_degree_window(10, 2) == (4, 5)
    assert gnn.central_degree_window(11, 3) == (4, 5, 6)
    window = gnn.central_degree_window(40, 7, 0.3)
    probabilities = gnn.degree_probabilities(40, 0.3)
    assert min(probabilities[list(window)]) >= max(np.delete(probabilities, list(window)))
    assert list(window) == list(range(window[0], window[-1] + 1))
    assert gnn.window_width(100, 0.5) == 10 and gnn.window_width(1000, 1 / 3) == 10


def test_histogram_and_parity_match_a_naive_loop():
    """Theorem A: h_j counts nodes of out-degree j; χ_S = (−1)^{Σ_{j∈S} h_j}."""
    graphs = gnn.sample_graphs(7, 20, seed=3)
    for graph in graphs:
        degrees = [int(sum(row)) for row in graph]
        histogram = [degrees.count(j) for j in range(7)]
        assert gnn.degree_histogram(graph).tolist() == histogram
        assert gnn.degree_histogram_parity(graph, (2, 4)) == (-1) ** (histogram[2] + histogram[4])
    undirected = gnn.sample_graphs(7, 5, directed=False, seed=1)
    assert np.array_equal(undirected, np.transpose(undirected, (0, 2, 1)))
    assert not np.any(np.diagonal(undirected, axis1=1, axis2=2))


def test_directed_correlation_formula_matches_enumeration_of_all_4096_graphs():
    """Theorem A, correlations: E[χ_S χ_T] = (1 − 2p_{SΔT})^n, by a naive loop over every directed graph, n = 4."""
    n = 4
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    subsets = [s for r in range(5) for s in itertools.combinations(range(n), r)]
    totals = dict.fromkeys(subsets, 0)
    for code in range(1 << len(pairs)):
        degrees = [0] * n
        for position, (i, _) in enumerate(pairs):
            degrees[i] += (code >> position) & 1
        for subset in subsets:
            totals[subset] += (-1) ** sum(degrees.count(j) for j in subset)
    for subset in subsets:
        assert totals[subset] / 4096 == pytest.approx(gnn.degree_parity_correlation(n, subset),
                                                      abs=1e-14)
    # the library's vectorised enumeration agrees too (second implementation)
    enumerated = gnn.degree_parity_correlations_by_enumeration(n, (0, 1, 2, 3))
    for mask, value in enumerate(enumerated.values):
        assert value == pytest.approx(totals[enumerated.subset(mask)] / 4096, abs=1e-14)


def test_directed_formula_matches_enumeration_for_n5_with_biased_edges():
    """Theorem A, correlations: the formula holds for G(n, p) with p ≠ ½ (weighted enumeration, 2^20 graphs)."""
    enumerated = gnn.degree_parity_correlations_by_enumeration(5, (1, 2, 3), edge_probability=0.3)
    for mask, value in enumerate(enumerated.values):
        formula = gnn.degree_parity_correlation(5, enumerated.subset(mask), edge_probability=0.3)
        assert value == pytest.approx(formula, abs=1e-12)


def test_directed_formula_matches_monte_carlo_for_n30():
    """Theorem A, correlations: Monte Carlo over sampled directed graphs is within 4.5 standard errors."""
    window = (11, 12, 13, 14, 15, 16)
    estimate = gnn.estimate_degree_parity_correlations(30, window, 40_000, seed=5)
    formula = np.array([gnn.degree_parity_correlation(30, estimate.subset(mask))
                        for mask in range(64)])
    z = np.abs(estimate.values[1:] - formula[1:]) / estimate.standard_error[1:]
    assert z.max() < 4.5
    assert estimate.values[0] == 1.0


def test_gamma_closed_form_equals_brute_force_over_all_subsets():
    """Theorem A, correlations: γ = max over nonempty U ⊆ B of |1 − 2p_U|^n equals the endpoint formula."""
    for n, width, p in [(12, 4, 0.5), (30, 6, 0.5), (9, 8, 0.5), (20, 5, 0.3), (6, 5, 0.5)]:
        window = gnn.central_degree_window(n, width, p)
        brute = max(abs(gnn.degree_parity_correlation(n, u, p))
                    for r in range(1, width + 1) for u in itertools.combinations(window, r))
        result = gnn.degree_parity_gamma(n, window, edge_probability=p)
        assert result.gamma == pytest.approx(brute, rel=1e-10)
        assert abs(gnn.degree_parity_correlation(n, result.worst_subset, p)) == pytest.approx(brute)


def test_gamma_decays_like_exp_minus_sqrt_n():
    """Theorem A, correlations: −ln γ(n) grows like √n (log-log slope ≈ ½) with constant → 2√(2/π) for c < ½."""
    ns = np.array([256, 512, 1024, 2048, 4096, 8192, 16384])
    for c in (1 / 3, 0.5):
        minus_log = np.array([-gnn.degree_parity_gamma(int(n), c=c).log_gamma for n in ns])
        slope = np.polyfit(np.log(ns), np.log(minus_log), 1)[0]
        assert 0.42 < slope < 0.55
    constant = -gnn.degree_parity_gamma(16384, c=0.25).log_gamma / math.sqrt(16384)
    assert constant == pytest.approx(2 * math.sqrt(2 / math.pi), rel=0.03)


def test_family_exact_gram_equals_monte_carlo_and_gamma():
    """Theorem A, correlations: the HardFamily's exact Gram (formula) vs its Monte Carlo Gram; γ field."""
    family = gnn.degree_parity_family(20, window=(8, 9, 10))
    exact = family.gram()
    assert family.size == 8 and family.members[5] == (8, 10)
    assert exact.gamma == pytest.approx(family.gamma)
    assert np.allclose(np.diag(exact.gram), 1.0)
    sampled = family.gram(method="monte_carlo", n_samples=6000, seed=2)
    off = ~np.eye(8, dtype=bool)
    assert np.all(np.abs(sampled.gram - exact.gram)[off] < 5 * sampled.standard_error[off] + 1e-12)


def test_members_are_realised_by_the_message_passing_gnn_exactly():
    """Theorem A, realisation: the explicit-weight MessagePassingGNN equals χ_S on random graphs, in float64."""
    for n, subset, directed in [(10, (4, 5), True), (15, (5, 7, 8, 9), False), (6, (0,), True),
                                (8, tuple(range(8)), True)]:
        graphs = gnn.sample_graphs(n, 400, directed=directed, seed=n)
        network = gnn.degree_parity_network(n, subset)
        with torch.no_grad():
            values = network(torch.from_numpy(graphs)).numpy()
        assert np.array_equal(values, gnn.degree_histogram_parity(graphs, subset))
    head_units = gnn.degree_parity_network(10, (4, 5)).head.layers[0].out_features
    assert head_units == 10  # O(n) ReLUs for the parity


def test_triangle_wave_gives_parity_on_integers():
    """Theorem A, realisation: 1 − 2 Σ_r c_r ReLU(t − r) = (−1)^t for t = 0..n, piecewise linear between."""
    for n in (1, 2, 7, 20):
        c = gnn.triangle_wave_coefficients(n)
        t = np.arange(n + 1)
        wave = np.maximum(t[:, None] - np.arange(n)[None, :], 0) @ c
        assert np.array_equal(1 - 2 * wave, (-1.0) ** t)


def test_members_are_invariant_under_node_permutations():
    """Theorem A, invariance: every member is S_n-invariant, A ↦ PAPᵀ (float64, equivariance_error)."""
    family = gnn.degree_parity_family(12, window=(5, 6, 7))
    graphs = family.sample(5, seed=0)
    result = equivariance_error(lambda a: family.evaluate(a), family.group, (graphs,),
                                action_in="graphs", n_elements=24)
    assert result.ok and result.max_error == 0.0


def test_undirected_handshake_identity_and_refused_windows():
    """Theorem A, correlations: undirected graphs have an even number of odd-degree nodes (χ_odd ≡ 1)."""
    enumerated = gnn.degree_parity_correlations_by_enumeration(5, (1, 3), directed=False)
    assert enumerated.values[3] == pytest.approx(1.0)  # U = {1, 3} = all odd degrees
    enumerated = gnn.degree_parity_correlations_by_enumeration(5, (0, 2, 4), directed=False)
    assert enumerated.values[7] == pytest.approx((-1) ** 5)  # all even degrees: (−1)^n
    with pytest.raises(ValueError, match="handshake"):
        gnn.degree_parity_family(5, window=(1, 3), directed=False)
    with pytest.raises(ValueError, match="every degree"):
        gnn.degree_parity_family(3, window=(0, 1, 2))
    gnn.degree_parity_family(5, window=(1, 3), directed=True)  # fine for directed graphs


def test_undirected_enumeration_agrees_with_monte_carlo_and_differs_from_directed_formula():
    """Theorem A, correlations: for undirected G(6, ½) the exact correlations (enumeration) match Monte Carlo,
    and the directed formula is off by far more than the Monte Carlo error at this size."""
    window = (2, 3)
    exact = gnn.degree_parity_correlations_by_enumeration(6, window, directed=False)
    sampled = gnn.estimate_degree_parity_correlations(6, window, 40_000, directed=False, seed=4)
    assert np.all(np.abs(exact.values - sampled.values) <= 4.5 * sampled.standard_error + 1e-12)
    formula = np.array([gnn.degree_parity_correlation(6, exact.subset(m)) for m in range(4)])
    assert np.max(np.abs(exact.values - formula)) > 10 * sampled.standard_error.max()


def test_elimination_recovers_the_subset_from_few_samples():
    """Theorem A, contrast: Gaussian elimination on h_j mod 2 learns S from |B| + a few samples."""
    n = 40
    window = gnn.central_degree_window(n, 6)
    target = (window[0], window[3], window[4])
    graphs = gnn.sample_graphs(n, len(window) + 14, seed=7)
    labels = gnn.degree_histogram_parity(graphs, target)
    recovered, fit = gnn.learn_degree_parity_by_elimination(graphs, labels, window)
    assert recovered == target and fit.unique and fit.consistent
    # windows wider than a held family (MAX_WINDOW) are fine for learning
    n = 400
    window = gnn.central_degree_window(n, 20)
    graphs = gnn.sample_graphs(n, 36, seed=8)
    labels = gnn.degree_histogram_parity(graphs, window[::2])
    assert gnn.learn_degree_parity_by_elimination(graphs, labels, window)[0] == window[::2]


def test_degree_parity_bound_is_exponential_in_n_to_the_c():
    """Theorem A, scaling: log10 q = |B| log10 2 + log10(τ² − γ) − log10 2, |B| ≈ n^c (fitted)."""
    ns = np.array([64, 128, 256, 512, 1024, 2048, 4096])
    tolerance = 0.05
    curve = gnn.degree_parity_bound_curve(ns, tolerance, c=0.5)
    assert np.all(curve.applicable)
    widths = gnn.window_width(ns, 0.5)
    slope, intercept = np.polyfit(widths, curve.log10_min_queries, 1)
    assert slope == pytest.approx(math.log10(2), rel=0.01)
    assert intercept == pytest.approx(math.log10(tolerance**2 / 2), abs=0.05)
    exponent = np.polyfit(np.log(ns), np.log(curve.log10_m), 1)[0]
    assert exponent == pytest.approx(0.5, abs=0.03)
    # second route: the counting lemma itself at one n
    n = 256
    gamma = gnn.degree_parity_gamma(n).gamma
    direct = bounds.counting_lemma(tolerance, gamma, 2 ** gnn.window_width(n, 0.5))
    assert curve.log10_min_queries[2] == pytest.approx(direct.log10_min_queries)
    # the non-symmetric bound it lifts: parities of all n(n−1) edge bits
    edges = gnn.edge_parity_bound_curve(ns, tolerance)
    assert edges.log10_m[0] == pytest.approx(64 * 63 * math.log10(2))


# ----------------------------------------------------------------- Part 2: hidden planes per node


def test_graph_factor_at_most_n_with_equality_for_regular_graphs():
    """Theorem B: (Σ√deg)²/Σdeg ≤ n, = n for regular graphs (cycle, complete), < n for a star."""
    assert gnn.graph_factor(_cycle(7)) == pytest.approx(7)
    assert gnn.graph_factor(np.ones((5, 5)) - np.eye(5)) == pytest.approx(5)
    assert gnn.graph_factor(_star(6)) == pytest.approx((math.sqrt(5) + 5) ** 2 / 10)
    for graph in gnn.sample_graphs(9, 10, directed=False, seed=0):
        if graph.any():
            assert gnn.graph_factor(graph) <= 9 + 1e-12


def test_member_is_a_shallow_gnn_with_explicit_weights():
    """Theorem B: 1ᵀ ReLU(AXW) a with W = [Uᵀθ_m], a_m = (−1)^m equals Σ_i F(U z_i) (float64)."""
    plane = random_planes(1, 6, seed=2)[0]
    W, a = gnn.gnn_hidden_plane_weights(plane, 4)
    assert W.shape == (6, 8) and np.array_equal(a, (-1.0) ** np.arange(1, 9))
    network = gnn.gnn_hidden_plane_network(plane, 4)
    assert isinstance(network, ShallowGNN)
    graphs = gnn.sample_graphs(5, 50, directed=False, seed=1)
    features = np.random.default_rng(3).standard_normal((50, 5, 6))
    with torch.no_grad():
        values = network(torch.from_numpy(graphs), torch.from_numpy(features)).numpy()
    # independent route: Σ_i F(U z_i) with the 2-D hidden-plane function of classical
    from csqlab.hard import hidden_plane_function
    z = np.einsum("bij,bjd->bid", graphs, features) @ plane.T
    direct = hidden_plane_function(z[..., 0], z[..., 1], 4).sum(axis=1)
    assert np.max(np.abs(values - direct)) < 1e-12
    family = gnn.gnn_hidden_plane_family(graphs[0], 6, 4, planes=plane[None])
    x = gnn.pack_graph_inputs(np.broadcast_to(graphs[0], (50, 5, 5)), features)
    assert np.allclose(family.evaluate(x, normalised=False)[:, 0],
                       gnn.gnn_hidden_plane_values(graphs[0], features, plane, 4), atol=1e-12)


def test_hidden_plane_members_evaluated_together_equal_each_plane_alone():
    """Lesson 8's teachers: the family evaluates many members in one product (the sweep
    engine's labels); every column equals gnn_hidden_plane_values of that plane alone, to
    float64 round-off, for members in any order and repeated."""
    graph = gnn.sample_graphs(6, 1, directed=False, seed=4)[0]
    planes = random_planes(5, 7, seed=8)
    family = gnn.gnn_hidden_plane_family(graph, 7, 4, planes=planes)
    features = np.random.default_rng(5).standard_normal((40, 6, 7))
    x = gnn.pack_graph_inputs(np.broadcast_to(graph, (40, 6, 6)), features)
    chosen = [3, 0, 4, 4, 1]
    together = family.evaluate(x, chosen, normalised=False)
    alone = np.stack([gnn.gnn_hidden_plane_values(graph, features, planes[i], 4)
                      for i in chosen], axis=1)
    assert together.shape == (40, 5)
    assert np.max(np.abs(together - alone)) <= 1e-13 * max(1.0, np.max(np.abs(alone)))


def test_hidden_plane_family_correlations_equal_the_pairwise_exact_correlation():
    """Theorem B: the family's correlation matrix (all pairs at once) and gamma equal
    gnn_hidden_plane_correlation computed pair by pair (float64 round-off)."""
    graph = gnn.sample_graphs(6, 1, directed=False, seed=2)[0]
    planes = random_planes(6, 5, seed=9)
    family = gnn.gnn_hidden_plane_family(graph, 5, 4, planes=planes)
    pairwise = np.array([[gnn.gnn_hidden_plane_correlation(graph, u, v, 4) for v in planes]
                         for u in planes])
    together = np.array([[family.correlation(i, j) for j in range(6)] for i in range(6)])
    assert np.max(np.abs(together - pairwise)) < 1e-13
    assert family.gamma == pytest.approx(np.max(np.abs(pairwise[~np.eye(6, dtype=bool)])),
                                         abs=1e-13)


def test_exact_correlation_matches_monte_carlo_and_stays_below_the_graph_bound():
    """Theorem B: exact ⟨f_U, f_V⟩ (arc-cosine kernel) vs Monte Carlo ± error bars, and
    |⟨f_U, f_V⟩| ≤ graph_factor · ‖UVᵀ‖^k ≤ n ‖UVᵀ‖^k on small fixed graphs."""
    rng = np.random.default_rng(0)
    for graph in (_cycle(5), _star(5), (rng.random((5, 5)) < 0.5) * (1 - np.eye(5))):
        for overlap in (0.6, 0.9):
            plane_u, plane_v = _plane_pair(4, overlap, seed=1)
            family = gnn.gnn_hidden_plane_family(graph, 4, 2, planes=np.stack([plane_u, plane_v]))
            exact = family.correlation(0, 1)
            sampled = family.gram(method="monte_carlo", n_samples=30_000, seed=6)
            assert abs(sampled.gram[0, 1] - exact) < 4.5 * sampled.standard_error[0, 1]
            assert abs(sampled.gram[0, 0] - 1) < 4.5 * sampled.standard_error[0, 0]
            bound = gnn.graph_factor(graph) * np.linalg.norm(plane_u @ plane_v.T, 2) ** 2
            assert abs(exact) <= bound + 1e-12 and bound <= 5 * overlap**2 + 1e-12


def test_plane_pair_has_the_requested_overlap():
    """Theorem B: plane_pair gives orthonormal rows and ‖UVᵀ‖_op = t (numpy's singular values)."""
    for overlap in (0.0, 0.3, 0.8, 1.0):
        plane_u, plane_v = gnn.plane_pair(7, overlap, seed=2)
        assert np.allclose(plane_u @ plane_u.T, np.eye(2)) and np.allclose(plane_v @ plane_v.T,
                                                                           np.eye(2))
        assert np.linalg.svd(plane_u @ plane_v.T, compute_uv=False)[0] == pytest.approx(overlap)


def test_star_graph_correlation_equals_the_single_plane_correlation():
    """Theorem B: on a star the leaves share one aggregate and the centre is independent of it,
    so the normalised correlation is exactly the single-node one (DKKZ closed form)."""
    planes = random_planes(2, 8, seed=4)
    single = hidden_plane_correlation(planes[0], planes[1], 4)
    assert gnn.gnn_hidden_plane_correlation(_star(6), planes[0], planes[1], 4) == pytest.approx(
        single, rel=1e-10)


def test_hidden_plane_members_are_invariant_under_node_permutations():
    """Theorem B: f(PAPᵀ, PX) = f(A, X) for every member (float64, equivariance_error, S_n)."""
    family = gnn.gnn_hidden_plane_family(_cycle(6), 5, 4, n_planes=3, seed=1)
    graphs = gnn.sample_graphs(6, 4, directed=False, seed=2)
    features = np.random.default_rng(1).standard_normal((4, 6, 5))
    result = equivariance_error(lambda a, x: family.evaluate(gnn.pack_graph_inputs(a, x)),
                                symmetric(6), (graphs, features), action_in="graphs")
    assert result.ok


def test_hidden_plane_bound_curve_scaling():
    """Theorem B: tolerance needed √γ ∝ d^{−(½−c)k/2} (fitted slope), log10 m ∝ d^{2c}, and the
    graph factor raises γ by exactly that factor over the DKKZ bound it lifts."""
    ds = np.round(np.geomspace(1e3, 1e7, 9))
    k, c, factor = 4, 0.25, 6.0
    curve = gnn.gnn_hidden_plane_bound_curve(ds, k, c, 0.05, factor)
    slope = np.polyfit(np.log(ds), np.log(np.sqrt(curve.gamma)), 1)[0]
    assert slope == pytest.approx(-(0.5 - c) * k / 2, abs=1e-9)
    growth = np.polyfit(np.log(ds[3:]), np.log(curve.log10_m[3:]), 1)[0]
    assert growth == pytest.approx(2 * c, abs=0.05)
    from csqlab.hard import hidden_plane_bound_curve
    plain = hidden_plane_bound_curve(ds, k, c, 0.05)
    assert np.allclose(curve.gamma, factor * plain.gamma)
    assert np.all(curve.log10_m == plain.log10_m)
    assert curve.applicable[-1] and not curve.applicable[0]


# ----------------------------------------------------------------- Part 3 and the API edges


@pytest.fixture
def one_thread():
    """Lessons run torch on one thread (csqlab.setup); small GNN steps crawl on more."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_student_run_is_seeded_and_stays_near_the_trivial_level(one_thread):
    """Our experiment protocol: same seed → same numbers; test MSE stays near 1 for d = 16."""
    family = gnn.gnn_hidden_plane_family(_cycle(5), 16, 4, n_planes=1, seed=0)
    first = members.train_gnn_student(family, width=16, steps=60, batch_size=64, n_test=512, seed=1)
    second = members.train_gnn_student(family, width=16, steps=60, batch_size=64, n_test=512, seed=1)
    assert np.array_equal(first.test_mse, second.test_mse)
    assert first.steps[0] == 0 and first.steps[-1] == 60
    assert first.test_mse[-1] > 0.8


@pytest.mark.parametrize("call, match", [
    (lambda: gnn.degree_parity_family(10, window=()), "window"),
    (lambda: gnn.degree_parity_family(10, window=(3, 3)), "repeat"),
    (lambda: gnn.degree_parity_family(10, window=(12,)), "0..n−1"),
    (lambda: gnn.degree_parity_family(40, window=tuple(range(17))), "MAX_WINDOW"),
    (lambda: gnn.degree_histogram(np.full((3, 3), 0.5)), "entries"),
    (lambda: gnn.degree_histogram(np.eye(3)), "self-loops"),
    (lambda: gnn.degree_probabilities(5, 1.5), "edge_probability"),
    (lambda: gnn.window_width(100, 0.7), "c must"),
    (lambda: gnn.degree_parity_correlations_by_enumeration(6, (2,)), "edge variables"),
    (lambda: gnn.graph_factor(np.zeros((3, 3))), "at least one edge"),
    (lambda: gnn.gnn_hidden_plane_weights(np.ones((2, 4)), 4), "orthonormal"),
    (lambda: gnn.gnn_hidden_plane_weights(random_planes(1, 4)[0], 3), "identically zero"),
    (lambda: gnn.gnn_hidden_plane_family(_cycle(4), 4, 2), "exactly one"),
    (lambda: gnn.gnn_hidden_plane_bound_curve([1e3], 4, 0.6, 0.05, 2.0), "c must"),
])
def test_bad_arguments_raise_value_errors_naming_them(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_binomial_tail_sanity_for_window_mass():
    """Theorem A: the central window of √n degrees carries ≈ P(|Z| ≤ 1) of the mass (scipy)."""
    n = 10_000
    window = gnn.central_degree_window(n, gnn.window_width(n, 0.5))
    mass = gnn.degree_probabilities(n)[list(window)].sum()
    assert mass == pytest.approx(stats.norm.cdf(1) - stats.norm.cdf(-1), abs=0.02)


# --------------------------------------------------------------------------- conditioned binomials


def _conditioned_by_brute_force(n, subset, p):
    """E[Π_i (−1)^{1[d_i∈U]} | Σ d_i even] over all n-tuples of Bin(n − 1, p) degrees."""
    pmf = [math.comb(n - 1, j) * p**j * (1 - p) ** (n - 1 - j) for j in range(n)]
    total = mass = 0.0
    for degrees in itertools.product(range(n), repeat=n):
        if sum(degrees) % 2:
            continue
        weight = math.prod(pmf[d] for d in degrees)
        mass += weight
        total += weight * (-1) ** sum(d in subset for d in degrees)
    return total / mass


@pytest.mark.parametrize("n, p", [(4, 0.5), (5, 0.5), (5, 0.3), (6, 0.5)])
def test_conditioned_binomial_correlation_matches_brute_force(n, p):
    for size in range(n + 1):
        for subset in itertools.combinations(range(n), size):
            assert gnn.conditioned_binomial_correlation(n, subset, p) == pytest.approx(
                _conditioned_by_brute_force(n, subset, p), abs=1e-12)


def test_conditioned_binomial_correlation_against_undirected_graphs():
    """Exact for the handshake identities; on central windows at n = 6, 7 (all graphs
    enumerated) it is within 0.03 of the true undirected correlations, less than half the gap
    of the directed formula; at n = 12 (Monte Carlo) too, where the directed formula is many
    standard errors off."""
    assert gnn.conditioned_binomial_correlation(8, (1, 3, 5, 7)) == pytest.approx(1.0)
    assert gnn.conditioned_binomial_correlation(7, (0, 2, 4, 6)) == pytest.approx(-1.0)
    for n, window in ((6, (2, 3)), (7, (3,)), (7, (2, 3, 4))):
        exact = gnn.degree_parity_correlations_by_enumeration(n, window, directed=False)
        masks = range(1, len(exact.values))
        approx = np.array([gnn.conditioned_binomial_correlation(n, exact.subset(m)) for m in masks])
        directed = np.array([gnn.degree_parity_correlation(n, exact.subset(m)) for m in masks])
        gap = np.abs(exact.values[1:] - approx).max()
        assert gap < 0.03 and gap < 0.5 * np.abs(exact.values[1:] - directed).max()
    sampled = gnn.estimate_degree_parity_correlations(12, (4, 5, 6), 40_000, directed=False, seed=97)
    approx = np.array([gnn.conditioned_binomial_correlation(12, sampled.subset(m)) for m in range(8)])
    directed = np.array([gnn.degree_parity_correlation(12, sampled.subset(m)) for m in range(8)])
    error = sampled.standard_error[1:]
    gap = np.abs(sampled.values[1:] - approx[1:]).max()
    assert gap < 0.5 * np.abs(sampled.values[1:] - directed[1:]).max()
    assert np.max(np.abs(sampled.values[1:] - directed[1:]) / error) > 8


def test_conditioned_binomial_correlation_rejects_bad_input():
    with pytest.raises(ValueError, match="subset"):
        gnn.conditioned_binomial_correlation(6, (2, 2))
    with pytest.raises(ValueError, match="subset"):
        gnn.conditioned_binomial_correlation(6, (6,))
    with pytest.raises(ValueError, match="edge_probability"):
        gnn.conditioned_binomial_correlation(6, (2,), edge_probability=1.0)
