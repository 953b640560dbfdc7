import math

import numpy as np

from csqlab import groups


def orbit_parity_values(group, k, x):
    """One column per orbit O of k-subsets: |O|^(-1/2) Σ_{T∈O} χ_T(x)."""
    x = np.asarray(x, dtype=float)
    orbits = groups.subset_orbits(group, k)
    columns = []
    for label in range(orbits.n_orbits):
        members = orbits.subsets[orbits.labels == label]              # the subsets T of orbit O
        characters = np.prod(x[:, members], axis=2)                   # χ_T(x), shape (B, |O|)
        columns.append(characters.sum(axis=1) / math.sqrt(len(members)))
    return np.stack(columns, axis=1)
