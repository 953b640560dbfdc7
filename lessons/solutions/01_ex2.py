import numpy as np


def decompose(phi):
    """Split phi(x, y), y in {-1,+1}, into a label-free part a(x) and a correlational part b(x)."""

    def a(x):
        labels = np.ones(len(x))
        return 0.5 * (phi(x, labels) + phi(x, -labels))

    def b(x):
        labels = np.ones(len(x))
        return 0.5 * (phi(x, labels) - phi(x, -labels))

    return a, b
