import numpy as np


def graph_factor(adjacency):
    """(Σ_i √deg_i)² / Σ_i deg_i, with deg_i the row sums of the adjacency matrix."""
    degrees = np.asarray(adjacency, dtype=float).sum(axis=1)
    return float(np.sqrt(degrees).sum() ** 2 / degrees.sum())
