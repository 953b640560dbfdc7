"""Hard families: the function classes behind every lower bound of the course (lessons 3–10).

A hard family is a list of unit-norm functions ``f_1, …, f_m`` on a known input
distribution whose pairwise correlations ``|⟨f_i, f_j⟩|`` are at most a small ``γ``. The
counting lemma (PAPER §2, :func:`csqlab.bounds.counting_lemma`) turns ``m`` and ``γ`` into a
CSQ lower bound ``q ≥ m(τ² − γ)/2``: a learner needs either many queries or tolerance
``τ ≲ √γ``. The paper lifts classical hard families (parities, parities of ReLUs, hidden
planes) into symmetric architectures (GNNs, CNNs, frame-averaged networks, invariant
polynomials), where every member is also invariant under a group.

Each family is one :class:`HardFamily` object (``evaluate``, ``members``,
``correlation(i, j)``, ``gram``, ``gamma``, ``group``), built by a function:

* :mod:`csqlab.hard.family`    — the :class:`HardFamily` object itself;
* :mod:`csqlab.hard.classical` — parities, orbit-averaged parities, parities of ReLUs /
  sigmoids (optionally orbit-averaged), hidden planes, and family-size curves.

Further modules (one per lifted family of the paper) build on the same object.
"""

from csqlab.hard import cnn, frames  # noqa: E402, F401 — lesson 9 (PAPER §4.3, §4.4)
from csqlab.hard.classical import (
    ACTIVATIONS,
    MAX_MEMBERS,
    PlaneOverlaps,
    hidden_plane_angular_coefficients,
    hidden_plane_bound_curve,
    hidden_plane_correlation,
    hidden_plane_degree_weights,
    hidden_plane_family,
    hidden_plane_function,
    hidden_plane_norm_squared,
    log10_hidden_plane_family_size,
    log10_orbit_family_size_lower_bound,
    log10_parity_family_size,
    log_degree,
    parity_bound_curve,
    parity_family,
    parity_of_activations,
    parity_of_activations_cube_constant,
    parity_of_activations_degree_weights,
    parity_of_activations_family,
    parity_of_activations_norm_squared,
    plane_overlap_summary,
    plane_overlaps,
    random_plane_overlap_tail,
    random_planes,
)
from csqlab.hard.family import MAX_ENUMERATION_DIM, FamilyGram, HardFamily
from csqlab.hard.gnn import *  # noqa: E402, F403 — lesson 8's GNN families (PAPER §4.1, §4.2)

__all__ = [
    "HardFamily",
    "FamilyGram",
    "MAX_ENUMERATION_DIM",
    "ACTIVATIONS",
    "MAX_MEMBERS",
    "parity_family",
    "parity_of_activations",
    "parity_of_activations_norm_squared",
    "parity_of_activations_cube_constant",
    "parity_of_activations_degree_weights",
    "parity_of_activations_family",
    "hidden_plane_function",
    "hidden_plane_angular_coefficients",
    "hidden_plane_degree_weights",
    "hidden_plane_norm_squared",
    "hidden_plane_correlation",
    "hidden_plane_family",
    "random_planes",
    "plane_overlaps",
    "PlaneOverlaps",
    "plane_overlap_summary",
    "random_plane_overlap_tail",
    "log10_hidden_plane_family_size",
    "log10_parity_family_size",
    "log10_orbit_family_size_lower_bound",
    "log_degree",
    "parity_bound_curve",
    "hidden_plane_bound_curve",
]
