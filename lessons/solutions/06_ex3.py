import numpy as np


def plane_function(s, t, k):
    """F(s, t) = Σ_{m=1}^{2k} (−1)^m ReLU(s cos(πm/k) + t sin(πm/k)): 2k ReLUs, alternating signs."""
    s, t = np.asarray(s, dtype=float), np.asarray(t, dtype=float)
    total = np.zeros(np.broadcast(s, t).shape)
    for m in range(1, 2 * k + 1):
        angle = np.pi * m / k
        total += (-1) ** m * np.maximum(s * np.cos(angle) + t * np.sin(angle), 0.0)
    return total
