import numpy as np

from csqlab.hard import hidden_plane_correlation


def averaged_norm_squared(plane, k, group):
    """‖R_G φ_U‖² = (1/|G|) Σ_h ⟨φ_U, φ_U ∘ h⟩, and φ_U(h·x) = φ_{U[:, h]}(x)."""
    return float(np.mean([hidden_plane_correlation(plane, plane[:, h], k)
                          for h in group.elements()]))
