import itertools
import math

import numpy as np

from csqlab.groups import subset_orbit


def orbit_parity_weights(subset, group):
    """First-layer weights (units, n) and output weights (units,) of R_G f_S: one unit per
    T in Orb(S) and w in {±1}^k, input weights w/√k on T, output weight χ(w)/|Orb(S)|."""
    orbit = subset_orbit(group, subset)
    k = len(subset)
    rows, outputs = [], []
    for t in orbit:
        for w in itertools.product([1.0, -1.0], repeat=k):
            row = np.zeros(group.degree)
            row[list(t)] = np.array(w) / math.sqrt(k)
            rows.append(row)
            outputs.append(math.prod(w) / len(orbit))
    return np.array(rows), np.array(outputs)
