import numpy as np


def orbit_sum(x, orbit):
    """p_S(x) = o^{-1/2} Σ_{T in orbit} Π_{i∈T} x_i for a batch x of shape (B, n)."""
    x = np.asarray(x, dtype=float)
    orbit = np.asarray(orbit)
    monomials = np.prod(x[:, orbit], axis=2)  # (B, o): one monomial per subset T
    return monomials.sum(axis=1) / np.sqrt(len(orbit))
