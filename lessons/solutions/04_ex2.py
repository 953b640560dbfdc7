import numpy as np


def one_unit_gradients(w, b, a, c, x):
    """Columns ∂h/∂w_1..∂h/∂w_n, ∂h/∂b, ∂h/∂a, ∂h/∂c of h(x) = a·ReLU(⟨w, x⟩ + b) + c."""
    x = np.asarray(x, dtype=float)
    pre_activation = x @ np.asarray(w, dtype=float) + b
    active = (pre_activation > 0).astype(float)
    return np.column_stack([
        a * active[:, None] * x,           # ∂h/∂w_i = a·1[unit active]·x_i
        a * active,                        # ∂h/∂b
        np.maximum(pre_activation, 0.0),   # ∂h/∂a = ReLU(⟨w, x⟩ + b)
        np.ones(len(x)),                   # ∂h/∂c
    ])
