import itertools

import numpy as np


def symmetrised_correlation(f, g, x):
    """(1/(N 2^n)) Σ_i Σ_ε f(ε∘x_i) g(ε∘x_i): the average of f·g over every sign-flipped copy."""
    x = np.asarray(x, dtype=float)
    total = 0.0
    for signs in itertools.product([-1.0, 1.0], repeat=x.shape[1]):
        flipped = x * np.array(signs)
        total += float(np.sum(f(flipped) * g(flipped)))
    return total / (len(x) * 2 ** x.shape[1])
