from itertools import combinations

import numpy as np


def count_subset_orbits(elements, k):
    """Brute force: the canonical member of an orbit is its smallest image (as a sorted tuple)."""
    elements = np.asarray(elements)
    n = elements.shape[1]
    canonical = set()
    for subset in combinations(range(n), k):
        images = np.sort(elements[:, list(subset)], axis=1)  # g(S) for every g, sorted
        canonical.add(min(map(tuple, images.tolist())))
    return len(canonical)
