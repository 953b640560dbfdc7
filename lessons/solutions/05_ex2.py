import math

import numpy as np


def relu_hermite(max_degree):
    """E[ReLU(z) He_m(z)] for m = 0..max_degree, z ~ N(0, 1).

    Stein's identity E[g He_m] = E[g^{(m)}] with ReLU' = 1[z > 0] and ReLU'' = δ_0 gives
    E[ReLU] = φ(0), E[ReLU·He_1] = P(z > 0) = 1/2 and, for m ≥ 2,
    E[ReLU·He_m] = E[δ_0^{(m−2)}] = He_{m−2}(0) φ(0),
    where He_{2j}(0) = (−1)^j (2j − 1)!! and He_odd(0) = 0.
    """
    density_at_zero = 1.0 / math.sqrt(2.0 * math.pi)
    coefficients = np.zeros(max_degree + 1)
    coefficients[0] = density_at_zero
    if max_degree >= 1:
        coefficients[1] = 0.5
    hermite_at_zero = 1.0  # He_0(0); then He_{j+1}(0) = −j He_{j−1}(0)
    previous_at_zero = 0.0
    for m in range(2, max_degree + 1):
        coefficients[m] = hermite_at_zero * density_at_zero
        j = m - 2
        previous_at_zero, hermite_at_zero = hermite_at_zero, -j * previous_at_zero
    return coefficients
