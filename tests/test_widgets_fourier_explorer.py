"""Lesson 2's Fourier spectrum explorer: moving a control produces the library's spectrum.

Second routes: weights from :func:`csqlab.boolean.degree_weights` on functions built directly
from :mod:`csqlab.boolean`, and coefficients from the dense Hadamard matrix (scipy).
"""

import numpy as np
import pytest
import scipy.linalg

import csqlab
from csqlab import boolean
from csqlab.widgets.fourier_explorer import family_on_cube, fourier_explorer, fourier_summary


def test_factory_is_found_by_name_and_exposes_controls_and_state():
    box = csqlab.widgets.fourier_explorer()
    assert csqlab.widgets.fourier_explorer(n=3).state["n"] == 3  # again, after the import
    assert set(box.controls) == {"family", "n", "degree", "width", "seed"}
    assert box.state["family"] == "majority" and box.state["n"] == 9
    np.testing.assert_allclose(box.state["weights"], boolean.majority_fourier_weights(9),
                               atol=1e-15)
    assert box.children[2].children[0].value[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("family, n, expected", [
    ("majority", 7, lambda: boolean.majority_on_cube(7)),
    ("and", 6, lambda: boolean.and_on_cube(6)),
    ("tribes", 8, lambda: boolean.tribes_on_cube(8, 3)),
    ("random", 10, lambda: boolean.random_boolean_on_cube(10, seed=0)),
    ("parity", 5, lambda: boolean.parity_on_cube((0, 1, 2), 5)),
])
def test_setting_family_and_n_gives_the_library_spectrum(family, n, expected):
    box = fourier_explorer()
    box.controls["n"].value = n
    box.controls["family"].value = family
    values = expected()
    assert np.array_equal(box.state["values"], values)
    np.testing.assert_allclose(box.state["weights"], boolean.degree_weights(values), atol=1e-15)
    assert box.state["total_weight"] == pytest.approx(1.0)


def test_parity_degree_slider_moves_all_weight_to_that_degree():
    """Lesson 2: χ_S has a single coefficient, f̂(S) = 1, so W^{|S|} = 1."""
    box = fourier_explorer("parity", n=8)
    box.controls["degree"].value = 5
    expected = np.zeros(9)
    expected[5] = 1.0
    np.testing.assert_allclose(box.state["weights"], expected, atol=1e-15)
    assert box.state["top"] == [((0, 1, 2, 3, 4), 1.0)]


def test_shrinking_n_keeps_degree_and_width_legal():
    box = fourier_explorer("tribes", n=10, width=6)
    box.controls["n"].value = 4
    assert box.state["width"] == 4
    assert np.array_equal(box.state["values"], boolean.and_on_cube(4))


def test_seed_changes_the_random_threshold_and_unused_controls_are_disabled():
    box = fourier_explorer("threshold", n=8)
    first = box.state["values"].copy()
    box.controls["seed"].value = 4
    weights = np.random.default_rng(4).normal(size=8)
    assert np.array_equal(box.state["values"], boolean.threshold_on_cube(weights))
    assert not np.array_equal(first, box.state["values"])
    assert box.controls["degree"].disabled and box.controls["width"].disabled
    assert not box.controls["seed"].disabled


def test_majority_at_even_n_is_labelled_and_has_even_weight():
    box = fourier_explorer("majority", n=8)
    assert "odd n" in box.state["note"]
    assert box.state["weights"][0::2].sum() > 0.01


@pytest.mark.parametrize("n", [3, 6])
def test_top_coefficients_match_the_dense_hadamard_matrix(n):
    values = family_on_cube("random", n, seed=2)
    coefficients = scipy.linalg.hadamard(1 << n) @ values / 2**n
    summary = fourier_summary(values, top=5)
    magnitudes = [m for m in sorted(np.abs(coefficients), reverse=True)[:5] if m > 1e-12]
    assert [abs(value) for _, value in summary["top"]] == pytest.approx(magnitudes)
    for subset, value in summary["top"]:
        assert coefficients[boolean.subset_to_mask(subset)] == pytest.approx(value)


def test_bad_arguments_are_refused_with_their_names():
    with pytest.raises(ValueError, match="family must be one of"):
        fourier_explorer("xor")
    with pytest.raises(ValueError, match="n must be <= max_n"):
        fourier_explorer(n=20)
    with pytest.raises(ValueError, match="degree must be <= n"):
        family_on_cube("parity", 3, degree=4)
    with pytest.raises(ValueError, match="values must have shape"):
        fourier_summary(np.ones((2, 4)))
