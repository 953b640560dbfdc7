import numpy as np


def reynolds_average(fn, elements):
    """The group average x ↦ (1/|G|) Σ_g fn(g·x), with g·x = x[g⁻¹] on the last axis."""
    elements = np.asarray(elements)
    inverses = np.argsort(elements, axis=1)  # row j is g_j⁻¹, so x[..., g⁻¹] = g·x

    def averaged(x):
        x = np.asarray(x)
        return sum(fn(x[..., inverse]) for inverse in inverses) / len(inverses)

    return averaged
