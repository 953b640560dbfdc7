import numpy as np


def hermite_normalised_table(max_degree, x):
    """Rows h_0(x), ..., h_max_degree(x) with h_k = He_k / sqrt(k!), by the normalised recurrence.

    He_{k+1} = x He_k − k He_{k−1} divided by sqrt((k+1)!) gives
    h_{k+1} = (x h_k − sqrt(k) h_{k−1}) / sqrt(k + 1), which never forms k!.
    """
    x = np.asarray(x, dtype=float)
    table = np.empty((max_degree + 1, len(x)))
    table[0] = 1.0
    if max_degree >= 1:
        table[1] = x
    for k in range(1, max_degree):
        table[k + 1] = (x * table[k] - np.sqrt(k) * table[k - 1]) / np.sqrt(k + 1)
    return table
