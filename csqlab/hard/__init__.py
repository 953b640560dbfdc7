"""Hard families: the function classes behind every lower bound of the course (lessons 3–10).

A hard family is a list of unit-norm functions ``f_1, …, f_m`` on a known input
distribution whose pairwise correlations ``|⟨f_i, f_j⟩|`` are at most a small ``γ``. The
counting lemma (lessons/notes/proof-maps.md, :func:`csqlab.bounds.counting_lemma`) turns ``m`` and ``γ`` into a
CSQ lower bound ``q ≥ m(τ² − γ)/2``: a learner needs either many queries or tolerance
``τ ≲ √γ``. The paper lifts classical hard families (parities, parities of ReLUs, hidden
planes) into symmetric architectures (GNNs, CNNs, frame-averaged networks, invariant
polynomials), where every member is also invariant under a group.

Each family is one :class:`HardFamily` object (``evaluate``, ``members``,
``correlation(i, j)``, ``gram``, ``gamma``, ``group``), built by a function:

* :mod:`csqlab.hard.family`    — the :class:`HardFamily` object itself;
* :mod:`csqlab.hard.classical` — parities, orbit-averaged parities, parities of ReLUs /
  sigmoids (optionally orbit-averaged), hidden planes, and family-size curves.

Further modules, one per lifted family of the paper, build on the same object (below).
"""

from csqlab.hard import classical
from csqlab.hard.classical import *  # noqa: F403 — the classical families, by name
from csqlab.hard.family import MAX_ENUMERATION_DIM, FamilyGram, HardFamily

# The paper's lifted families live in their own modules, used by module name
# (``from csqlab.hard import gnn``): csqlab.hard.gnn (Theorems A and B, lesson 8),
# csqlab.hard.cnn and csqlab.hard.frames (Theorems C and D, lesson 9),
# csqlab.hard.polynomials and csqlab.hard.proper (invariant polynomials, lesson 10;
# NP-hardness of proper learning, lesson 10b).

__all__ = ["HardFamily", "FamilyGram", "MAX_ENUMERATION_DIM", *classical.__all__]
