# Exercise 11.3 — solution
import numpy as np


def invariant_kernel(x, x2):
    """k_G(x, x') = (1/n) Σ_s (1 + ⟨x, shift_s x'⟩)² for the cyclic group C_n."""
    n = x.shape[1]
    return sum((1.0 + x @ np.roll(x2, s, axis=1).T) ** 2 for s in range(n)) / n
