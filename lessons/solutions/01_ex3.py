def phi(x, y):
    """A label-only SQ: y**2 / (1 + y**2) is in [0, 1), nonlinear in y, and 0 exactly when y = 0."""
    return y**2 / (1 + y**2)
