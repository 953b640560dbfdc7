"""The course's standard figures render, are labelled, and refuse inconsistent data.

Image smoke tests: each figure is saved as a PNG with the Agg backend under the
course style, then its Axes are inspected (title, axis labels, legend, limits).
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import csqlab  # noqa: E402
from csqlab import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def course_style():
    matplotlib.rcParams.update(matplotlib.rcParamsDefault)
    plt.style.use(csqlab.style_path())
    yield
    plt.close("all")


def save_and_check(ax, tmp_path, name):
    """Render to PNG; every course figure has a title and both axis labels."""
    path = tmp_path / f"{name}.png"
    ax.figure.savefig(path)
    assert path.exists() and path.stat().st_size > 1000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    return path


def test_gram_is_centred_at_zero_with_colourbar(tmp_path):
    """Lessons 2–10: signed correlations use a diverging map whose limits are ±max|G|."""
    gram = np.array([[1.0, 0.3, -0.1], [0.3, 1.0, 0.0], [-0.1, 0.0, 0.5]])
    ax = plotting.plot_gram(gram, labels=["a", "b", "c"], title="three members")
    save_and_check(ax, tmp_path, "gram")
    low, high = ax.images[0].get_clim()
    assert low == -high == -1.0
    assert ax.images[0].get_cmap().name == plotting.DIVERGING_CMAP
    assert len(ax.figure.axes) == 2  # image + colourbar
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_title() == "three members"


def test_gram_limits_symmetric_for_negative_dominated_and_zero_matrices():
    ax = plotting.plot_gram(np.array([[-2.0, 0.5], [0.5, 1.0]]))
    assert ax.images[0].get_clim() == (-2.0, 2.0)
    ax = plotting.plot_gram(np.zeros((3, 3)))
    low, high = ax.images[0].get_clim()
    assert low == -high and high > 0


def test_gram_draws_on_given_axes(tmp_path):
    figure, (left, right) = plt.subplots(1, 2)
    returned = plotting.plot_gram(np.eye(4), ax=right)
    assert returned is right and right.images and not left.images
    save_and_check(returned, tmp_path, "gram_on_axes")


def test_bound_curves_with_not_applicable_gaps(tmp_path):
    """Lesson 3: NaN marks n where the counting lemma does not apply (τ² ≤ γ)."""
    n = np.arange(4, 12)
    curves = {
        "parities": 0.3 * n,
        "hidden plane": np.where(n < 7, np.nan, 0.5 * n),
        "too noisy": np.full(len(n), np.nan),
    }
    ax = plotting.plot_bound_curves(n, curves)
    save_and_check(ax, tmp_path, "bounds")
    lines = ax.get_lines()
    assert len(lines) == 3
    np.testing.assert_array_equal(np.isnan(lines[1].get_ydata()), n < 7)
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["parities", "hidden plane", "too noisy (not applicable)"]
    # the style cycle provides distinct colours: nothing is hard-coded
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    assert [line.get_color() for line in lines] == cycle[:3]


def test_loss_curves_with_seed_bands_and_trivial_line(tmp_path):
    """Lessons 8–11: test MSE per size, against the trivial predictor at 1."""
    steps = np.arange(0, 200, 10)
    rng = np.random.default_rng(0)
    losses = {
        8: np.exp(-steps / 50.0),
        12: 1.0 + 0.01 * rng.standard_normal((3, len(steps))) ** 2,
    }
    ax = plotting.plot_loss_curves(steps, losses, log_y=True)
    save_and_check(ax, tmp_path, "loss")
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:2] == ["n = 8", "n = 12"]
    trivial = [line for line in ax.get_lines() if line.get_label().startswith("trivial")]
    assert len(trivial) == 1 and set(trivial[0].get_ydata()) == {1.0}
    assert len(ax.collections) == 1  # one ± std band, for the size with several seeds
    assert ax.get_yscale() == "log"


def test_final_loss_vs_size_mean_and_spread(tmp_path):
    sizes = [4, 8, 16]
    final = [np.array([0.1, 0.3]), np.array([0.9, 1.1, 1.0]), np.array([1.0])]
    ax = plotting.plot_final_loss_vs_size(sizes, final, label="GNN")
    plotting.plot_final_loss_vs_size(sizes, np.ones((3, 2)), ax=ax, label="MLP", spread="range")
    save_and_check(ax, tmp_path, "final")
    means = ax.containers[0].lines[0].get_ydata()
    np.testing.assert_allclose(means, [0.2, 1.0, 1.0])
    trivial = [line for line in ax.get_lines() if line.get_label().startswith("trivial")]
    assert len(trivial) == 1  # drawn once even after two calls
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "GNN" in legend and "MLP" in legend


def test_degree_spectrum_bars(tmp_path):
    """Lessons 2, 5, 6: weight per degree (Parseval: sums to E[f²])."""
    weights = np.array([0.0, 0.25, 0.0, 0.75])
    ax = plotting.plot_degree_spectrum(weights, basis="Hermite")
    save_and_check(ax, tmp_path, "spectrum")
    heights = [patch.get_height() for patch in ax.patches]
    np.testing.assert_allclose(heights, weights)
    assert "Hermite" in ax.get_ylabel()


def test_error_vs_samples_has_half_slope_reference(tmp_path):
    """Lesson 1: Monte Carlo error shrinks like 1/sqrt(N)."""
    N = np.array([100, 1000, 10000, 100000])
    errors = 0.8 / np.sqrt(N)
    ax = plotting.plot_error_vs_samples(N, errors)
    save_and_check(ax, tmp_path, "error")
    assert ax.get_xscale() == ax.get_yscale() == "log"
    reference = ax.get_lines()[1]
    x, y = reference.get_xdata(), reference.get_ydata()
    slope = np.polyfit(np.log(x), np.log(y), 1)[0]
    assert slope == pytest.approx(-0.5)
    # through the geometric mean: for exact 1/sqrt(N) data it reproduces the constant
    np.testing.assert_allclose(y * np.sqrt(x), 0.8)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: plotting.plot_gram(np.ones((2, 3))), ValueError, "gram must be square"),
        (lambda: plotting.plot_gram(np.ones(3)), ValueError, "gram must have 2"),
        (lambda: plotting.plot_gram(np.array([[np.nan]])), ValueError, "gram contains NaN"),
        (lambda: plotting.plot_gram(np.eye(2), labels=["a"]), ValueError, "labels"),
        (lambda: plotting.plot_bound_curves([1, 2, 3], {"a": [1.0, 2.0]}), ValueError,
         "one value per entry of n"),
        (lambda: plotting.plot_bound_curves([1, 2], {}), ValueError, "curves"),
        (lambda: plotting.plot_bound_curves([1, 2], {"a": [1.0, np.inf]}), ValueError, "infinite"),
        (lambda: plotting.plot_loss_curves([0, 1, 2], {4: [1.0, 0.5]}), ValueError,
         "one value per step"),
        (lambda: plotting.plot_loss_curves([0, 1], {4: [1.0, -0.5]}), ValueError, "non-negative"),
        (lambda: plotting.plot_final_loss_vs_size([4, 8], [[0.5]]), ValueError,
         "one entry per size"),
        (lambda: plotting.plot_final_loss_vs_size([4], [[0.5]], spread="iqr"), ValueError, "spread"),
        (lambda: plotting.plot_degree_spectrum([0.5, -0.1]), ValueError, "non-negative"),
        (lambda: plotting.plot_degree_spectrum([]), ValueError, "must not be empty"),
        (lambda: plotting.plot_error_vs_samples([10, 100], [0.1]), ValueError,
         "one value per entry of N"),
        (lambda: plotting.plot_error_vs_samples([10, 100], [0.1, 0.0]), ValueError, "positive"),
        (lambda: plotting.plot_error_vs_samples(["a"], [0.1]), TypeError, "N must be"),
    ],
)
def test_bad_input_raises_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
