import numpy as np


def support_statistic(orbit, n):
    """E[p_S(x)² He_2(x_j)] = 2 c_j / |orbit|, c_j = number of subsets of the orbit containing j."""
    orbit = np.asarray(orbit)
    counts = np.array([np.sum(np.any(orbit == j, axis=1)) for j in range(n)])
    return 2.0 * counts / len(orbit)
