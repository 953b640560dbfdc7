import itertools

import numpy as np


def inner_product(f, g, n):
    """E_x[f(x) g(x)] for x uniform on {-1,+1}^n, by enumerating all 2**n points."""
    total = 0.0
    for point in itertools.product([1, -1], repeat=n):
        x = np.array(point)
        total += f(x) * g(x)
    return total / 2**n
