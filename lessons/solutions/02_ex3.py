import math

import numpy as np


def majority_weights(n):
    """W^k[Maj_n] for k = 0..n (odd n), using only that Maj_n is symmetric.

    f̂(S) depends only on k = |S|, so take S = {0, …, k−1}: f̂_k = E[Maj(x) x_0⋯x_{k−1}].
    Group the 2**n points by a = #(−1s among the first k coordinates) and
    b = #(−1s among the other n − k): there are C(k, a)·C(n − k, b) such points, on which
    x_0⋯x_{k−1} = (−1)^a and Maj(x) = sign(n − 2(a + b)). Then W^k = C(n, k)·f̂_k².
    """
    weights = np.zeros(n + 1)
    for k in range(n + 1):
        total = 0
        for a in range(k + 1):
            for b in range(n - k + 1):
                majority = 1 if n - 2 * (a + b) > 0 else -1
                total += math.comb(k, a) * math.comb(n - k, b) * (-1) ** a * majority
        coefficient = total / 2**n
        weights[k] = math.comb(n, k) * coefficient**2
    return weights
