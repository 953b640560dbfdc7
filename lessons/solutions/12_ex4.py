import math

from csqlab import groups


def capstone_bound(group, k, tolerance, gamma):
    """m = #orbits of k-subsets, the floor C(n, k)/|G|, and the counting lemma m(τ² − γ)/2."""
    if not 0.0 < tolerance <= 1.0:
        raise ValueError(f"tolerance must be in (0, 1], got {tolerance}")
    if not 0.0 <= gamma <= 1.0:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    m = groups.subset_orbits(group, k).n_orbits
    floor = math.comb(group.degree, k) / group.order
    gap = tolerance**2 - gamma
    min_queries = m * gap / 2.0 if gap > 0 else None    # τ² ≤ γ: the lemma says nothing
    return {"m": m, "m_floor": floor, "min_queries": min_queries}
