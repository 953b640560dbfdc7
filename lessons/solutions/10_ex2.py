import numpy as np

from csqlab.hard.polynomials import truncated_square_mean


def support_query(X, y, j, label_scale, c=1.0):
    """φ_j(X, y) = min(y², B)/B · (1/n) Σ_i g(X_ij), g(z) = (min(z², c) − m_c)/max(m_c, c − m_c)."""
    mean = truncated_square_mean(c)
    g = (np.minimum(np.asarray(X)[:, :, j] ** 2, c) - mean) / max(mean, c - mean)
    label_part = np.minimum(np.asarray(y) ** 2, label_scale) / label_scale
    return label_part * g.mean(axis=1)
