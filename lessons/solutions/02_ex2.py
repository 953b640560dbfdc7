import numpy as np


def fwht_butterfly(values):
    """H_n · values for a vector of length 2**n, in n butterfly passes of O(2**n) work each."""
    result = np.array(values, dtype=float)
    half = 1
    while half < len(result):
        # pass j pairs indices i and i + 2**j (they differ only in bit j): (a, b) -> (a + b, a - b)
        blocks = result.reshape(-1, 2, half)
        top, bottom = blocks[:, 0, :].copy(), blocks[:, 1, :].copy()
        blocks[:, 0, :] = top + bottom
        blocks[:, 1, :] = top - bottom
        half *= 2
    return result
