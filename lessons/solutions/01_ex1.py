import numpy as np


def sample_answer(phi, target, n, n_samples, rng):
    """Answer the SQ phi from n_samples fresh uniform points of {-1,+1}^n: the empirical mean."""
    x = rng.choice([-1.0, 1.0], size=(n_samples, n))
    return float(np.mean(phi(x, target(x))))
