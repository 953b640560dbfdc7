import math


def max_hits(tau, gamma):
    """Largest whole s with s·τ² < 1 + (s − 1)·γ (Cauchy–Schwarz, step 1); inf if τ² ≤ γ."""
    if tau**2 <= gamma:
        return math.inf
    s = 0
    while (s + 1) * tau**2 < 1 + s * gamma:
        s += 1
    return s
