import numpy as np
import torch

from csqlab import models


def gd_run(family, member=0, steps=200, width=32, lr=3e-3, batch_size=128, seed=0):
    """Adam on ½·mean (h − y)², a fresh batch every step; test loss Σ(h − y)²/Σ y² per step."""
    rng = np.random.default_rng(seed)
    n = family.input_shape[0]
    student = models.MLP(n, (width,), dtype=torch.float32, seed=seed)
    optimiser = torch.optim.Adam(student.parameters(), lr=lr)

    def draw(size):
        x = family.sample(size, rng)
        y = family.evaluate(x, [member])[:, 0]
        return torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)

    x_test, y_test = draw(2048)

    def test_loss():
        with torch.no_grad():
            return float(((student(x_test) - y_test) ** 2).sum() / (y_test**2).sum())

    history = [test_loss()]
    for _ in range(steps):
        x, y = draw(batch_size)
        optimiser.zero_grad()
        loss = 0.5 * ((student(x) - y) ** 2).mean()
        loss.backward()
        optimiser.step()
        history.append(test_loss())
    return np.array(history)
