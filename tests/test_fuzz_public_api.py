"""Bad input to the public API is refused, never silently wrong and never slow (issue 13).

Regression tests for the fuzzing findings, then a deterministic hypothesis fuzz over the
public functions of boolean, gaussian, groups, bounds, oracles, models and hard.gnn: every
call either returns or raises a ValueError/TypeError whose message names the argument, and
finishes within a time limit.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csqlab import boolean, bounds, gaussian, groups
from csqlab.hard import gnn

torch = pytest.importorskip("torch")

# --------------------------------------------------------------------------- regressions


@pytest.mark.parametrize("call", [
    lambda: gaussian.hermite(2, np.array([1 + 1j])),
    lambda: gaussian.hermite(2, torch.tensor([1 + 1j])),
    lambda: boolean.walsh_hadamard(np.array([1j, 0, 0, 0])),
    lambda: boolean.walsh_hadamard(torch.tensor([1j, 0, 0, 0])),
    lambda: boolean.fourier_coefficients([1j, 0, 0, 0]),
    lambda: bounds.pairwise_correlation(np.ones((2, 4), dtype=complex)),
    lambda: gnn.degree_histogram(np.zeros((3, 3), dtype=complex)),
], ids=["hermite-numpy", "hermite-torch", "wh-numpy", "wh-torch", "fourier-list", "gram",
        "gnn-adjacency"])
def test_complex_input_is_refused_with_a_type_error(call):
    with pytest.raises(TypeError, match="real"):
        call()


def test_string_arrays_are_refused():
    with pytest.raises(TypeError, match="x must"):
        gaussian.hermite(2, np.array(["1.5"]))


@pytest.mark.parametrize(("call", "name"), [
    (lambda: boolean.majority_fourier_weights(10**7 + 1), "n"),
    (lambda: groups.necklace_count(10**12), "n"),
    (lambda: groups.euler_phi(10**18), "m"),
    (lambda: boolean.cube(40), "n"),
    (lambda: boolean.cube(10**12), "n"),
    (lambda: gaussian.gauss_hermite_rule(10**6), "n_points"),
    (lambda: gaussian.relu_hermite_coefficients(10**10), "max_degree"),
    (lambda: gaussian.gauss_hermite_expectation(lambda x: x[:, 0], 10**12, 2), "n_points"),
    (lambda: boolean.subsets_of_degree(10**9, 3), "n"),
    (lambda: gnn.degree_probabilities(10**10), "n"),
    (lambda: gnn.sample_graphs(10**5, 10), "n"),
], ids=["majority_fourier_weights", "necklace_count", "euler_phi", "cube-40", "cube-huge",
        "gauss_hermite_rule", "relu_hermite_coefficients", "gauss_hermite_expectation",
        "subsets_of_degree", "degree_probabilities", "sample_graphs"])
def test_huge_sizes_are_refused_at_once(call, name):
    start = time.perf_counter()
    with pytest.raises(ValueError, match=name) as error:
        call()
    assert time.perf_counter() - start < 1.0
    assert any(word in str(error.value) for word in ("memory", " s", "most", "nodes"))


def test_gauss_hermite_rule_limit_is_below_numpys_breakdown():
    _, weights = gaussian.gauss_hermite_rule(gaussian.MAX_GAUSS_HERMITE_POINTS)
    assert np.all(np.isfinite(weights)) and abs(weights.sum() - 1) < 1e-12


def test_degree_parity_correlation_at_huge_n_needs_no_memory():
    assert gnn.degree_parity_correlation(10**10, [5]) == 1.0
    window = gnn.central_degree_window(10**10, 3)
    assert window == (4999999998, 4999999999, 5000000000)


def test_counting_lemma_round_off_gap_is_not_applicable():
    assert 0.1**2 > 0.01  # one ulp
    result = bounds.counting_lemma(0.1, 0.01, 100)
    assert not result.applicable and result.per_query is None
    curve = bounds.bound_curve(np.array([10.0]), 2.0, 0.01, 0.1)
    assert not curve.applicable[0]
    assert bounds.counting_lemma(0.1, 0.0099, 100).applicable


# --------------------------------------------------------------------------- fuzz

SIZES = st.one_of(
    st.integers(-3, 12), st.sampled_from([10**6 + 1, 10**10, 10**12, 2**70]),
    st.just(True), st.just(2.5), st.just(float("nan")), st.just("3"), st.none(),
)
REALS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 5), st.just(True),
    st.just(1j), st.just("0.5"), st.none(),
)
ARRAYS = st.one_of(
    st.sampled_from([
        np.array([]), np.zeros((0, 4)), np.array([1.0, -1.0, 1.0, -1.0]), np.ones((2, 4)),
        np.array([np.nan, 1.0]), np.array([np.inf, 0, 0, 0]), np.array([1j, 0, 0, 0]),
        np.array(["a", "b"]), np.array([True, False, True, False]), np.eye(3),
        np.zeros((3, 3)), np.ones((2, 2, 2)), np.array(3.0), np.arange(8, dtype=np.int64),
    ]),
    st.just([[1, 2], [3]]), st.just("abcd"), st.just(None), st.just(object()),
    st.just(torch.tensor([1j, 0, 0, 0])), st.just(torch.ones(4)),
)
CUBE_NS = st.one_of(st.integers(-1, 6), st.sampled_from([40, 10**12]), st.just(True),
                    st.just(2.0))

# (name, function, strategies of its positional arguments, argument names)
CASES = [
    ("boolean.cube", boolean.cube, (CUBE_NS,), ("n",)),
    ("boolean.random_cube_points", boolean.random_cube_points, (SIZES, SIZES),
     ("n", "n_samples")),
    ("boolean.subsets_of_degree", boolean.subsets_of_degree, (SIZES, SIZES), ("n", "k")),
    ("boolean.subset_sizes", boolean.subset_sizes, (CUBE_NS,), ("n",)),
    ("boolean.parity_on_cube", boolean.parity_on_cube, (st.just((0,)), CUBE_NS),
     ("subset", "n")),
    ("boolean.majority_on_cube", boolean.majority_on_cube, (CUBE_NS,), ("n",)),
    ("boolean.and_on_cube", boolean.and_on_cube, (CUBE_NS,), ("n",)),
    ("boolean.tribes_on_cube", boolean.tribes_on_cube, (CUBE_NS, SIZES), ("n", "width")),
    ("boolean.threshold_on_cube", boolean.threshold_on_cube, (ARRAYS, REALS),
     ("weights", "threshold")),
    ("boolean.random_boolean_on_cube", boolean.random_boolean_on_cube, (CUBE_NS,), ("n",)),
    ("boolean.majority_fourier_weights", boolean.majority_fourier_weights, (SIZES,), ("n",)),
    ("boolean.majority_weight_limit", boolean.majority_weight_limit, (SIZES,), ("k",)),
    ("boolean.walsh_hadamard", boolean.walsh_hadamard, (ARRAYS,), ("values",)),
    ("boolean.fourier_coefficients", boolean.fourier_coefficients, (ARRAYS,), ("values",)),
    ("boolean.degree_weights", boolean.degree_weights, (ARRAYS,), ("values",)),
    ("boolean.influence", boolean.influence, (ARRAYS,), ("values",)),
    ("gaussian.hermite", gaussian.hermite, (SIZES, ARRAYS), ("k", "x")),
    ("gaussian.gauss_hermite_rule", gaussian.gauss_hermite_rule, (SIZES,), ("n_points",)),
    ("gaussian.relu_hermite_coefficients", gaussian.relu_hermite_coefficients, (SIZES,),
     ("max_degree",)),
    ("gaussian.sign_hermite_coefficients", gaussian.sign_hermite_coefficients, (SIZES,),
     ("max_degree",)),
    ("gaussian.random_unit_vectors", gaussian.random_unit_vectors, (SIZES, SIZES),
     ("n_vectors", "dim")),
    ("gaussian.relu_pair_expectation", gaussian.relu_pair_expectation, (REALS,), ("rho",)),
    ("gaussian.mehler_density", gaussian.mehler_density, (ARRAYS, ARRAYS, REALS, SIZES),
     ("x", "y", "rho", "n_terms")),
    ("groups.euler_phi", groups.euler_phi, (SIZES,), ("m",)),
    ("groups.necklace_count", groups.necklace_count, (SIZES, SIZES), ("n", "n_colours")),
    ("groups.bracelet_count", groups.bracelet_count, (SIZES, SIZES), ("n", "n_colours")),
    ("groups.cyclic_subset_orbit_count", groups.cyclic_subset_orbit_count, (SIZES, SIZES),
     ("n", "k")),
    ("groups.dihedral_subset_orbit_count", groups.dihedral_subset_orbit_count,
     (SIZES, SIZES), ("n", "k")),
    ("groups.identity", groups.identity, (SIZES,), ("n",)),
    ("groups.inverse", groups.inverse, (ARRAYS,), ("g",)),
    ("bounds.counting_lemma", bounds.counting_lemma, (REALS, REALS, SIZES),
     ("tolerance", "gamma", "m")),
    ("bounds.pairwise_correlation", bounds.pairwise_correlation, (ARRAYS,), ("values",)),
    ("bounds.tolerance_from_samples", bounds.tolerance_from_samples, (REALS,),
     ("n_samples",)),
    ("bounds.samples_for_tolerance", bounds.samples_for_tolerance, (REALS,), ("tolerance",)),
    ("bounds.log10_binomial", bounds.log10_binomial, (ARRAYS, ARRAYS), ("n", "k")),
    ("gnn.degree_probabilities", gnn.degree_probabilities, (SIZES,), ("n",)),
    ("gnn.degree_parity_correlation", gnn.degree_parity_correlation,
     (SIZES, st.sampled_from([[5], [0, 1], [], [1j]])), ("n", "subset")),
    pytest.param("gnn.degree_parity_gamma", gnn.degree_parity_gamma, (SIZES,), ("n",),
                 marks=pytest.mark.xfail(reason="n = 10**12 builds a 10**6-degree window "
                                         "(~8 s): needs a documented limit", strict=False),
                 id="gnn.degree_parity_gamma"),
    ("gnn.central_degree_window", gnn.central_degree_window, (SIZES, SIZES),
     ("n", "width")),
    ("gnn.sample_degrees", gnn.sample_degrees, (SIZES, SIZES), ("n", "n_samples")),
    ("gnn.triangle_wave_coefficients", gnn.triangle_wave_coefficients, (SIZES,), ("n",)),
    ("gnn.degree_histogram", gnn.degree_histogram, (ARRAYS,), ("adjacency",)),
    ("gnn.graph_factor", gnn.graph_factor, (ARRAYS,), ("adjacency",)),
]

TIME_LIMIT_S = 2.0


@pytest.mark.parametrize(("name", "function", "strategies", "arguments"), CASES,
                         ids=[getattr(case, "id", None) or case[0] for case in CASES])
def test_fuzz_public_api(name, function, strategies, arguments):
    @settings(max_examples=25, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(st.tuples(*strategies))
    def check(args):
        start = time.perf_counter()
        try:
            function(*args)
        except (ValueError, TypeError) as error:
            message = str(error)
            assert any(argument.split("_")[0] in message for argument in arguments) or (
                "give" in message), f"{name}{args!r}: message names no argument: {message}"
        elapsed = time.perf_counter() - start
        assert elapsed < TIME_LIMIT_S, f"{name}{args!r} took {elapsed:.1f} s"

    check()
