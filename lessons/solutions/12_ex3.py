import numpy as np

from csqlab import boolean


def gram_two_ways(evaluate, n, n_samples=20_000, seed=0):
    """Exact Gram (all 2^n cube points) and a Monte Carlo Gram with standard errors."""
    everywhere = evaluate(boolean.cube(n).astype(float))             # (2^n, m)
    exact = everywhere.T @ everywhere / len(everywhere)
    rng = np.random.default_rng(seed)
    points = rng.choice([-1.0, 1.0], size=(n_samples, n))
    values = evaluate(points)
    products = values[:, :, None] * values[:, None, :]               # f_i f_j at every point
    estimate = products.mean(axis=0)
    standard_error = products.std(axis=0, ddof=1) / np.sqrt(n_samples)

    def largest_off_diagonal(gram):
        off = np.abs(gram[~np.eye(len(gram), dtype=bool)])
        return float(off.max()) if off.size else 0.0

    return {"exact": exact, "monte_carlo": estimate, "standard_error": standard_error,
            "gamma_exact": largest_off_diagonal(exact),
            "gamma_monte_carlo": largest_off_diagonal(estimate)}
