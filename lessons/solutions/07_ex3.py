import numpy as np


def argmax_frame_shifts(x):
    """Argmax frame of C_n at x: every shift s with np.roll(x, -s)[0] = x[s] = max x."""
    x = np.asarray(x)
    return np.flatnonzero(x == x.max())
