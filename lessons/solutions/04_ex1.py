import numpy as np

from csqlab import boolean
from csqlab.training import gd


def logistic_gradient_as_queries(model, oracle):
    """Gradient of E[log(1 + exp(-y h))] for y in {±1}: label-free term plus p CSQs.

    For y = ±1, d/dh log(1 + exp(-y h)) = ½ tanh(h/2) − y/2, so the gradient is
    E[½ tanh(h/2) ∇h] − ½ E[y ∇h]: the same p queries ∂_j h / B_j as for the square loss.
    """
    square_loss = gd.gradient_as_queries(model, oracle)  # asks the p queries
    points = boolean.cube(oracle.distribution.n, np.float64)
    outputs, jacobian = gd.per_example_gradients(model, points)
    label_free = np.mean(0.5 * np.tanh(outputs / 2)[:, None] * jacobian, axis=0)
    return label_free - 0.5 * square_loss.bounds * square_loss.correlational_answers
