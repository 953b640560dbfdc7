import numpy as np


def splitting_weights(split):
    """Unit 1: w_i = −1 on S_1, n on S_2, b = 1/2; unit 2: the colours swapped."""
    split = np.asarray(split, dtype=bool)
    n = len(split)
    first = np.append(np.where(split, -1.0, n), 0.5)
    second = np.append(np.where(split, n, -1.0), 0.5)
    return np.stack([first, second])
