# Exercise 11.1 — solution
import numpy as np


def information_exponent(link, max_degree=12):
    """Smallest k >= 1 with E[link(z) He_k(z)] != 0, z ~ N(0, 1) (Gauss–Hermite quadrature)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(60)
    weights = weights / weights.sum()  # probabilists' weights sum to sqrt(2π)
    values = link(nodes)
    for k in range(1, max_degree + 1):
        basis = np.zeros(k + 1)
        basis[k] = 1.0
        coefficient = np.sum(weights * values * np.polynomial.hermite_e.hermeval(nodes, basis))
        if abs(coefficient) > 1e-8:
            return k
    raise ValueError(f"no nonzero Hermite coefficient up to degree {max_degree}")
