import math

import numpy as np


def ridge_correlation_estimate(u, v, degree, n_samples, seed):
    """Monte Carlo E[h_k(⟨u,x⟩) h_k(⟨v,x⟩)] over x ~ N(0, I_d), with its standard error s/sqrt(N)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_samples, len(u)))

    def h(k, z):
        previous, current = np.zeros_like(z), np.ones_like(z)
        for j in range(k):
            previous, current = current, (z * current - math.sqrt(j) * previous) / math.sqrt(j + 1)
        return current

    values = h(degree, x @ u) * h(degree, x @ v)
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(n_samples))
