"""Lesson 4 (gradient descent is a CSQ algorithm): csqlab.training.gd.

Second routes: autograd's gradient of the exact population loss (one backward through a
weighted sum) against the gradient assembled from p CSQ answers; per-example gradients
from torch.func against a Python loop of autograd calls; the adversarial run against the
exact run as τ → 0; the τ = 1 adversary against gradient descent on the zero target.
"""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from csqlab import oracles
from csqlab.boolean import cube, parity
from csqlab.gaussian import gauss_hermite_rule
from csqlab.models import MLP
from csqlab.training import gd

SETTINGS = settings(max_examples=10, deadline=None)


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


def parity_target(subset):
    return lambda x: parity(subset, x)


def majority(x):
    return np.sign(np.sum(x, axis=1))


def real_target(x):
    """A real-valued degree-2 target (not ±1): x_1 − 0.5 x_2 x_3 + 0.25."""
    return x[:, 0] - 0.5 * x[:, 1] * x[:, 2] + 0.25


def loop_per_example_gradients(model, points):
    """The slow route: one autograd call per point."""
    rows = []
    for point in torch.as_tensor(points):
        output = model(point[None]).reshape(())
        grads = torch.autograd.grad(output, list(model.parameters()))
        rows.append(torch.cat([g.reshape(-1) for g in grads]))
    return torch.stack(rows).detach().numpy()


MODELS = {
    "relu-8": lambda n: gd.two_layer_network(n, 8, seed=1),
    "tanh-5": lambda n: gd.two_layer_network(n, 5, activation="tanh", seed=2),
    "relu-zero-readout": lambda n: gd.two_layer_network(n, 6, zero_output=True, seed=3),
    "csqlab-MLP-two-hidden": lambda n: MLP(n, (4, 3), activation="tanh", seed=4),
}
TARGETS = {
    "parity-all": lambda n: parity_target(tuple(range(n))),
    "parity-2": lambda n: parity_target((0, 1)),
    "majority": lambda n: majority,
    "real-degree-2": lambda n: real_target,
}


# --------------------------------------------------------------------------- per-example gradients


@pytest.mark.parametrize("name", MODELS)
def test_per_example_gradients_match_a_loop_of_autograd_calls(name):
    """Lesson 4: the query functions ∂_j h_θ(x), vectorised, equal autograd point by point."""
    model = MODELS[name](5)
    points = cube(5, np.float64)
    outputs, jacobian = gd.per_example_gradients(model, points)
    assert jacobian.shape == (32, gd.n_parameters(model))
    np.testing.assert_allclose(jacobian, loop_per_example_gradients(model, points), atol=1e-13, rtol=0)
    with torch.no_grad():
        np.testing.assert_allclose(outputs, model(torch.as_tensor(points)).reshape(-1).numpy(),
                                   atol=1e-14, rtol=0)


def test_vmap_and_jacfwd_routes_agree():
    model = gd.two_layer_network(4, 7, seed=5)
    points = cube(4, np.float64)
    _, by_vmap = gd.per_example_gradients(model, points, method="vmap")
    _, by_jacfwd = gd.per_example_gradients(model, points, method="jacfwd")
    np.testing.assert_allclose(by_vmap, by_jacfwd, atol=1e-13, rtol=0)


def test_auto_falls_back_to_jacfwd_for_a_model_vmap_cannot_trace():
    """csqlab.models.MLP checks its input with .any(): vmap refuses, jacfwd works."""
    model = MLP(3, (4,), seed=0)
    points = cube(3, np.float64)
    with pytest.raises(RuntimeError):
        gd.per_example_gradients(model, points, method="vmap")
    _, jacobian = gd.per_example_gradients(model, points)
    np.testing.assert_allclose(jacobian, loop_per_example_gradients(model, points), atol=1e-13)


# --------------------------------------------------------------------------- gradient = label-free + p CSQs


@pytest.mark.parametrize("target_name", TARGETS)
@pytest.mark.parametrize("model_name", MODELS)
def test_query_gradient_equals_autograd_on_the_cube(model_name, target_name):
    """Lesson 4's first claim: E[h∇h] − B ⊙ (CSQ answers) = autograd's gradient to 1e-12."""
    n = 6
    model, target = MODELS[model_name](n), TARGETS[target_name](n)
    oracle = oracles.ExactOracle(oracles.Cube(n), target)
    result = gd.gradient_as_queries(model, oracle)
    reference = gd.autograd_gradient(model, oracles.Cube(n), target)
    assert np.max(np.abs(result.gradient - reference)) < 1e-12
    assert result.n_queries == oracle.n_queries == gd.n_parameters(model)
    assert {record.kind for record in oracle.log} == {"CSQ"}


def test_query_gradient_on_a_weighted_discrete_law_and_on_points():
    """The empirical distribution of a fixed sample (points) and a weighted Discrete law."""
    rng = np.random.default_rng(0)
    points = rng.normal(size=(40, 3))
    weights = rng.uniform(size=40)
    weights /= weights.sum()
    model = gd.two_layer_network(3, 5, activation="tanh", seed=7)
    law = oracles.Discrete(points, weights)
    result = gd.gradient_as_queries(model, oracles.ExactOracle(law, real_target))
    np.testing.assert_allclose(result.gradient, gd.autograd_gradient(model, law, real_target),
                               atol=1e-12, rtol=0)
    on_points = gd.gradient_as_queries(model, points, real_target)
    np.testing.assert_allclose(
        on_points.gradient, gd.autograd_gradient(model, oracles.Discrete(points), real_target),
        atol=1e-12, rtol=0)


def test_label_free_term_and_bounds_by_direct_sums():
    """E[h ∂_j h] and B_j = max |∂_j h| from the per-example gradients written out by hand."""
    n = 5
    model = gd.two_layer_network(n, 4, seed=8)
    target = majority
    points = cube(n, np.float64)
    jacobian = loop_per_example_gradients(model, points)
    with torch.no_grad():
        outputs = model(torch.as_tensor(points)).reshape(-1).numpy()
    labels = target(points)
    result = gd.gradient_as_queries(model, oracles.ExactOracle(oracles.Cube(n), target))
    np.testing.assert_allclose(result.label_free_term, (outputs[:, None] * jacobian).mean(0), atol=1e-14)
    expected_bounds = np.abs(jacobian).max(axis=0)
    expected_bounds[expected_bounds == 0] = 1.0
    np.testing.assert_allclose(result.bounds, expected_bounds, atol=1e-15)
    np.testing.assert_allclose(result.true_correlations,
                               (labels[:, None] * jacobian).mean(0) / expected_bounds, atol=1e-14)
    assert result.max_abs_correlation <= 1.0


def test_an_explicit_bound_gives_the_same_gradient_and_a_too_small_one_is_refused():
    n = 4
    model = gd.two_layer_network(n, 3, seed=9)
    oracle = oracles.ExactOracle(oracles.Cube(n), majority)
    reference = gd.autograd_gradient(model, oracles.Cube(n), majority)
    loose = gd.gradient_as_queries(model, oracle, bound=50.0)
    assert np.all(loose.bounds == 50.0)
    assert np.max(np.abs(loose.gradient - reference)) < 1e-12
    with pytest.raises(ValueError, match="bound"):
        gd.gradient_as_queries(model, oracle, bound=1e-3)


@SETTINGS
@given(st.integers(0, 10_000), st.integers(1, 6), st.sampled_from(["relu", "tanh", "sigmoid"]))
def test_query_gradient_equals_autograd_for_random_networks(seed, width, activation):
    n = 4
    model = gd.two_layer_network(n, width, activation=activation, seed=seed)
    target = parity_target((0, 3))
    result = gd.gradient_as_queries(model, oracles.ExactOracle(oracles.Cube(n), target))
    assert np.max(np.abs(result.gradient - gd.autograd_gradient(model, oracles.Cube(n), target))) < 1e-12


def test_adversarial_answers_move_each_coordinate_by_at_most_bound_times_tolerance():
    """|ĝ_j − g_j| ≤ B_j τ: the reduction's accuracy statement, with the 'random' adversary."""
    n, tolerance = 5, 0.05
    model = gd.two_layer_network(n, 4, seed=10)
    oracle = oracles.AdversarialOracle(oracles.Cube(n), majority, tolerance, adversary="random",
                                       seed=0)
    result = gd.gradient_as_queries(model, oracle)
    error = np.abs(result.gradient - gd.autograd_gradient(model, oracles.Cube(n), majority))
    assert np.all(error <= result.bounds * tolerance * (1 + 1e-9))
    assert np.any(error > 0.1 * result.bounds * tolerance)  # the adversary did perturb


def test_sample_oracle_gradient_approaches_the_exact_one():
    """τ ≈ 1/√N: with N = 4 000 fresh samples per query each coordinate is off by ≲ 4 B_j/√N."""
    n = 5
    model = gd.two_layer_network(n, 3, seed=11)
    oracle = oracles.SampleOracle(oracles.Cube(n), majority, n_samples=4_000, seed=1)
    result = gd.gradient_as_queries(model, oracle)
    assert result.true_correlations is None
    error = np.abs(result.gradient - gd.autograd_gradient(model, oracles.Cube(n), majority))
    assert np.all(error <= 4 * result.bounds / np.sqrt(4_000))
    assert np.any(error > 0)  # the answers really came from samples


def test_gaussian_oracle_needs_a_bound_and_then_matches_the_quadrature_grid():
    """On N(0, I_2) the partials ∂h/∂w_ij = a_i σ'(·) x_j are unbounded, so the bound must be
    given; with one, the gradient equals autograd on the Gauss–Hermite grid as a Discrete law."""
    model = gd.two_layer_network(2, 2, activation="tanh", seed=12)
    law = oracles.Gaussian(2, n_points=12)
    target = lambda x: np.tanh(x[:, 0])  # noqa: E731
    oracle = oracles.ExactOracle(law, target)
    with pytest.raises(ValueError, match="bound"):
        gd.gradient_as_queries(model, oracle)
    result = gd.gradient_as_queries(model, oracle, bound=100.0)
    nodes, weights = gauss_hermite_rule(12)
    grid = np.stack(np.meshgrid(nodes, nodes, indexing="ij"), axis=-1).reshape(-1, 2)
    grid_weights = np.outer(weights, weights).reshape(-1)
    reference = gd.autograd_gradient(model, oracles.Discrete(grid, grid_weights), target)
    np.testing.assert_allclose(result.gradient, reference, atol=1e-12, rtol=0)


# --------------------------------------------------------------------------- gradient descent


def test_every_step_asks_p_queries():
    n, steps = 5, 4
    model = gd.two_layer_network(n, 3, seed=13)
    oracle = oracles.ExactOracle(oracles.Cube(n), majority)
    run = gd.csq_gradient_descent(model, oracle, steps, 0.1)
    p = gd.n_parameters(model)
    assert p == 3 * (n + 2) + 1
    assert list(run.n_queries) == [t * p for t in range(steps + 1)]
    assert oracle.n_queries == steps * p
    assert [r["n_queries"] for r in run.records()] == list(run.n_queries)
    assert [r["step"] for r in run.records()] == list(range(steps + 1))


def test_exact_oracle_descent_equals_autograd_descent():
    n = 6
    model = gd.two_layer_network(n, 5, seed=14)
    target = parity_target((0, 1))
    queried = gd.csq_gradient_descent(model, oracles.ExactOracle(oracles.Cube(n), target), 15, 0.3)
    plain = gd.exact_gradient_descent(model, oracles.Cube(n), target, 15, 0.3)
    np.testing.assert_allclose(queried.loss, plain.loss, atol=1e-12, rtol=0)
    np.testing.assert_allclose(gd.flat_parameters(queried.model),
                               gd.flat_parameters(plain.model), atol=1e-12, rtol=0)


def test_adversarial_descent_tends_to_exact_descent_as_tolerance_goes_to_zero():
    """Lesson 4: with τ → 0 the adversarial GD equals exact GD (difference O(τ))."""
    n, steps, lr = 6, 10, 0.3
    model = gd.two_layer_network(n, 5, zero_output=True, seed=15)
    target = parity_target((0, 1))
    plain = gd.exact_gradient_descent(model, oracles.Cube(n), target, steps, lr)
    differences = []
    for tolerance in [1e-2, 1e-4, 1e-6, 1e-12]:
        oracle = oracles.AdversarialOracle(oracles.Cube(n), target, tolerance)
        run = gd.csq_gradient_descent(model, oracle, steps, lr)
        differences.append(np.max(np.abs(gd.flat_parameters(run.model)
                                          - gd.flat_parameters(plain.model))))
    assert differences[-1] < 1e-9
    assert differences[0] > differences[1] > differences[2] > differences[3]
    assert differences[2] < 1e-3


def test_large_tolerance_never_moves_a_zero_readout_network_on_a_parity():
    """Why GD stalls: h ≡ 0 at init makes E[h∇h] = 0, and every |E[q_j χ_S]| ≤ τ lets the
    zero adversary answer 0, so the gradient is exactly 0 — at every step, by induction."""
    n = 6
    model = gd.two_layer_network(n, 6, zero_output=True, seed=16)
    theta0 = gd.flat_parameters(model)
    oracle = oracles.AdversarialOracle(oracles.Cube(n), parity_target(tuple(range(n))), 1.0)
    run = gd.csq_gradient_descent(model, oracle, 10, 0.5)
    assert np.array_equal(gd.flat_parameters(run.model), theta0)
    assert np.all(run.loss == 1.0)
    assert all(record.answer == 0.0 for record in oracle.log)


def test_tolerance_one_sees_only_the_label_free_term():
    """With τ = 1 every answer is 0, so adversarial GD is GD on ½E[h²]: exact GD on f* ≡ 0."""
    n, steps, lr = 5, 8, 0.4
    model = gd.two_layer_network(n, 4, seed=17)
    oracle = oracles.AdversarialOracle(oracles.Cube(n), parity_target((0, 1, 2)), 1.0)
    adversarial = gd.csq_gradient_descent(model, oracle, steps, lr)
    zero_target = gd.exact_gradient_descent(model, oracles.Cube(n), lambda x: np.zeros(len(x)),
                                               steps, lr)
    np.testing.assert_allclose(gd.flat_parameters(adversarial.model),
                               gd.flat_parameters(zero_target.model), atol=1e-12, rtol=0)
    assert not np.array_equal(gd.flat_parameters(adversarial.model), gd.flat_parameters(model))


def test_runs_are_deterministic_and_leave_the_model_untouched():
    n = 5
    model = gd.two_layer_network(n, 3, seed=18)
    theta0 = gd.flat_parameters(model)
    runs = [gd.csq_gradient_descent(
        model, oracles.AdversarialOracle(oracles.Cube(n), majority, 0.05, adversary="random", seed=4),
        5, 0.2) for _ in range(2)]
    assert np.array_equal(runs[0].loss, runs[1].loss)
    assert np.array_equal(gd.flat_parameters(model), theta0)
    assert np.array_equal(gd.flat_parameters(gd.two_layer_network(n, 3, seed=18)), theta0)
    assert not np.array_equal(gd.flat_parameters(gd.two_layer_network(n, 3, seed=19)), theta0)


def test_population_loss_by_direct_sum_and_trivial_level():
    n = 5
    target = parity_target((1, 2))
    model = gd.two_layer_network(n, 3, seed=20)
    points = cube(n, np.float64)
    with torch.no_grad():
        outputs = model(torch.as_tensor(points)).reshape(-1).numpy()
    assert gd.population_loss(model, oracles.Cube(n), target) == pytest.approx(
        np.mean((outputs - target(points)) ** 2), abs=1e-14)
    zero = gd.two_layer_network(n, 3, zero_output=True)
    assert gd.population_loss(zero, oracles.Cube(n), target) == 1.0


def test_two_layer_network_parameter_count_and_zero_readout():
    model = gd.two_layer_network(10, 16, zero_output=True)
    assert gd.n_parameters(model) == 16 * 12 + 1
    with torch.no_grad():
        assert torch.all(model(torch.as_tensor(cube(10, np.float64))) == 0)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("call, error, match", [
    (lambda m, o: gd.gradient_as_queries("model", o), TypeError, "model"),
    (lambda m, o: gd.gradient_as_queries(m.float(), o), TypeError, "float64"),
    (lambda m, o: gd.gradient_as_queries(m, o, majority), ValueError, "target"),
    (lambda m, o: gd.gradient_as_queries(m, cube(3, np.float64)), ValueError, "target"),
    (lambda m, o: gd.gradient_as_queries(m, o, bound=-1.0), ValueError, "bound"),
    (lambda m, o: gd.gradient_as_queries(m, o, bound=[1.0, 2.0]), ValueError, "bound"),
    (lambda m, o: gd.gradient_as_queries(m, o, bound=float("nan")), ValueError, "bound"),
    (lambda m, o: gd.gradient_as_queries(m, o, bound=True), TypeError, "bound"),
    (lambda m, o: gd.csq_gradient_descent(m, "oracle", 3, 0.1), TypeError, "oracle"),
    (lambda m, o: gd.csq_gradient_descent(m, o, -1, 0.1), ValueError, "steps"),
    (lambda m, o: gd.csq_gradient_descent(m, o, 2.5, 0.1), TypeError, "steps"),
    (lambda m, o: gd.csq_gradient_descent(m, o, 3, 0.0), ValueError, "lr"),
    (lambda m, o: gd.csq_gradient_descent(m, o, 3, float("nan")), ValueError, "lr"),
    (lambda m, o: gd.exact_gradient_descent(m, oracles.Gaussian(3), majority, 3, 0.1),
     ValueError, "finite support"),
    (lambda m, o: gd.exact_gradient_descent(m, oracles.Cube(3), "f", 3, 0.1), TypeError, "target"),
    (lambda m, o: gd.exact_gradient_descent(m, oracles.Cube(3), lambda x: x, 3, 0.1),
     ValueError, "target must return shape"),
    (lambda m, o: gd.exact_gradient_descent(m, oracles.Cube(40), majority, 3, 0.1),
     ValueError, "dimension"),
    (lambda m, o: gd.per_example_gradients(m, np.ones(3)), ValueError, "shape"),
    (lambda m, o: gd.per_example_gradients(m, np.full((2, 3), np.nan)), ValueError, "NaN"),
    (lambda m, o: gd.per_example_gradients(m, np.ones((2, 3)), method="loop"), ValueError, "method"),
    (lambda m, o: gd.per_example_gradients(m, np.ones((2, 4))), RuntimeError, ""),
    (lambda m, o: gd.two_layer_network(3, 0), ValueError, "width"),
    (lambda m, o: gd.two_layer_network(3, 2, activation="gelu"), ValueError, "activation"),
    (lambda m, o: gd.population_loss(m, oracles.Sampler(lambda k, r: np.ones((k, 3))), majority),
     ValueError, "distribution"),
    (lambda m, o: gd.n_parameters(torch.nn.ReLU()), ValueError, "parameter"),
])
def test_bad_inputs_raise(call, error, match):
    model = gd.two_layer_network(3, 2)
    oracle = oracles.ExactOracle(oracles.Cube(3), majority)
    with pytest.raises(error, match=match):
        call(model, oracle)


def test_model_with_wrong_output_shape_is_refused():
    model = torch.nn.Linear(3, 2, dtype=torch.float64)
    with pytest.raises(ValueError, match="outputs of shape"):
        gd.gradient_as_queries(model, oracles.ExactOracle(oracles.Cube(3), majority))


# --------------------------------------------------------------------------- the query budget


def _threshold_in_exact_arithmetic(steps, width, tolerance):
    """Second route: 2^n τ²/2 > T·p(n) with fractions (τ given as a decimal string)."""
    from fractions import Fraction

    tau = Fraction(tolerance)
    n = 1
    while 2**n * tau**2 / 2 <= steps * (width * (n + 2) + 1):
        n += 1
    return n


@pytest.mark.parametrize("steps, width, tolerance", [
    (100, 16, "0.01"), (200, 16, "0.01"), (100, 32, "0.01"), (1000, 16, "0.01"),
    (10, 4, "0.1"), (1, 1, "1"), (5000, 64, "0.001"), (0, 16, "0.5"),
])
def test_hard_dimension_for_budget_matches_exact_arithmetic(steps, width, tolerance):
    """Lesson 4, section 5: the counting lemma bites once 2^n τ²/2 exceeds T·p(n)."""
    found = gd.hard_dimension_for_budget(steps, lambda n: width * (n + 2) + 1, float(tolerance))
    assert found == _threshold_in_exact_arithmetic(steps, width, tolerance)


def test_hard_dimension_for_budget_lesson_value_and_validation():
    assert gd.hard_dimension_for_budget(100, lambda n: 16 * (n + 2) + 1, 0.01) == 30
    with pytest.raises(ValueError, match="max_dimension"):
        gd.hard_dimension_for_budget(10**9, lambda n: 10**9, 1e-6, max_dimension=5)
    with pytest.raises(TypeError, match="n_parameters"):
        gd.hard_dimension_for_budget(10, 16, 0.01)
    with pytest.raises(ValueError, match="tolerance"):
        gd.hard_dimension_for_budget(10, lambda n: n, 1.5)
    with pytest.raises(ValueError, match="steps"):
        gd.hard_dimension_for_budget(-1, lambda n: n, 0.1)
