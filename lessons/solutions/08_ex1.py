import numpy as np


def triangle_wave_coefficients(n):
    """c_r with Σ_r c_r ReLU(t − r) = t mod 2 on t = 0..n: slope +1 from 0, then it flips
    between +1 and −1 at every integer, a change of −2, +2, −2, ... at r = 1, 2, 3, ..."""
    coefficients = np.empty(n)
    coefficients[0] = 1.0
    for r in range(1, n):
        coefficients[r] = 2.0 * (-1.0) ** r
    return coefficients
