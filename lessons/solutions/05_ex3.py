import numpy as np


def mehler_table(rho, max_degree, n_samples, seed):
    """Monte Carlo table T[j, k] ≈ E[h_j(X) h_k(Y)] for standard Gaussians with correlation rho.

    Y = rho·X + sqrt(1 − rho²)·Z with Z independent of X has Var(Y) = 1 and Cov(X, Y) = rho.
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n_samples)
    y = rho * x + np.sqrt(1.0 - rho**2) * rng.standard_normal(n_samples)

    def normalised_hermite_rows(z):
        rows = np.empty((max_degree + 1, len(z)))
        rows[0] = 1.0
        if max_degree >= 1:
            rows[1] = z
        for k in range(1, max_degree):
            rows[k + 1] = (z * rows[k] - np.sqrt(k) * rows[k - 1]) / np.sqrt(k + 1)
        return rows

    return normalised_hermite_rows(x) @ normalised_hermite_rows(y).T / n_samples
