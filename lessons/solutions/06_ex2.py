import itertools
import math

import numpy as np


def vanishes(activation, k):
    """True iff f_S = Σ_w χ(w) ψ(⟨w, x⟩/√k) is identically zero: evaluate the network at random
    points and compare with the size of its terms (exact cancellation leaves only rounding)."""
    x = np.random.default_rng(0).standard_normal((200, k)) * 2.0
    total, scale = np.zeros(len(x)), np.zeros(len(x))
    for w in itertools.product([-1.0, 1.0], repeat=k):
        term = np.prod(w) * activation(x @ np.array(w) / math.sqrt(k))
        total, scale = total + term, scale + np.abs(term)
    return bool(np.max(np.abs(total)) <= 1e-9 * np.max(scale))
