"""The online training loop and its optimisers (lessons 8–10 and 12; our experiment protocol, lessons/notes/proof-maps.md).

:func:`train_online` trains one student with online Adam on the square loss (a fresh batch
every step, so every gradient is an average over new samples: the CSQ regime of lesson 4)
and records the test MSE every few steps. The step rules :func:`_adam` and :func:`_sgd`
(written out, elementwise, in place) are shared with the sweep engine
(:func:`csqlab.experiments.runner.run`); :func:`resolve_device` picks CUDA or the CPU.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from csqlab._validation import _check_int
from csqlab.training.gd import _check_positive

__all__ = ["resolve_device", "OnlineRun", "train_online"]

_ADAM_BETAS = (0.9, 0.999)
_ADAM_EPSILON = 1e-8

def resolve_device(device: str = "auto") -> torch.device:
    """``"auto"``: CUDA when available, else the CPU; or any torch device string."""
    if not isinstance(device, (str, torch.device)):
        raise TypeError(f"device must be a string such as 'auto', 'cpu' or 'cuda', got {device!r}")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except RuntimeError:
        raise ValueError(f"device must be 'auto' or a torch device string, got {device!r}") from None

# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_KEPT_MEMORY: list[bool] = []


def _keep_freed_memory() -> bool:
    """Let glibc keep freed memory for reuse (Linux; elsewhere nothing happens): True if
    both settings were accepted.

    A training step makes and frees arrays of a few hundred kB to a few MB (the hidden
    layer of all seeds, the teachers' labels). By default glibc hands blocks of that size
    back to the operating system when they are freed (``mmap`` above its threshold, and
    trimming the heap top), so the next step's array of the same size starts on fresh
    pages, each one a page fault — measured here to cost more than the arithmetic (up to
    3× on a teacher's evaluation). With the ``mmap`` threshold at its largest (32 MiB) and
    no trimming below 1 GiB, freed blocks stay in the process and are reused: the same
    numbers, the peak memory unchanged (what is kept was in use before). Process-wide and
    once per process; called by the training loops (:func:`train_online`, the sweep
    engine), so every Dask worker that trains sets it for itself."""
    if not _KEPT_MEMORY:
        accepted = False
        if sys.platform.startswith("linux"):
            try:
                mallopt = ctypes.CDLL(None).mallopt
            except (OSError, AttributeError):  # not glibc (musl has no mallopt)
                mallopt = None
            if mallopt is not None:
                mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
                accepted = bool(mallopt(_M_MMAP_THRESHOLD, 32 * 2**20)) and bool(
                    mallopt(_M_TRIM_THRESHOLD, 2**30))
        _KEPT_MEMORY.append(accepted)
    return _KEPT_MEMORY[0]


def _adam(parameters: dict, gradients: dict, state: dict, step: int, lr: float) -> None:
    """One Adam step (β = 0.9, 0.999, ε = 1e-8; Kingma & Ba 2015), elementwise, in place.

    Elementwise updates make Adam on stacked parameters (one slice per seed) identical to
    Adam run separately on each seed. Written out because ``torch.optim``'s first use
    imports its compiler stack (seconds a quick run cannot afford). The denominator goes
    into a buffer kept in ``state``: a fresh tensor the size of all stacked parameters
    every step costs more in page faults than the arithmetic."""
    beta1, beta2 = _ADAM_BETAS
    with torch.no_grad():
        for name, parameter in parameters.items():
            gradient = gradients[name]
            if name not in state:
                state[name] = tuple(torch.zeros_like(parameter) for _ in range(3))
            first, second, denominator = state[name]
            first.mul_(beta1).add_(gradient, alpha=1 - beta1)
            second.mul_(beta2).addcmul_(gradient, gradient, value=1 - beta2)
            torch.div(second, 1 - beta2**step, out=denominator).sqrt_().add_(_ADAM_EPSILON)
            parameter.addcdiv_(first, denominator, value=-lr / (1 - beta1**step))


def _sgd(parameters: dict, gradients: dict, state: dict, step: int, lr: float) -> None:
    """Plain SGD ``θ ← θ − lr ∇``."""
    with torch.no_grad():
        for name, parameter in parameters.items():
            parameter.sub_(gradients[name], alpha=lr)


_STEP_RULES = {"adam": _adam, "sgd": _sgd}

class OnlineRun(NamedTuple):
    """A :func:`train_online` run: test MSE ``mean (h − y)²`` on the fixed test set at
    ``steps`` (``test_mse[0]`` at initialisation) and ``trivial_mse = mean y²``, the score of
    predicting 0 (``≈ E[f*²] = 1`` for a normalised teacher)."""

    steps: np.ndarray
    test_mse: np.ndarray
    trivial_mse: float


def _as_student_inputs(inputs, dtype):
    """An array or tensor, or a tuple of them, as tensors of the student's dtype."""
    if isinstance(inputs, tuple):
        return tuple(torch.as_tensor(part, dtype=dtype) for part in inputs)
    return torch.as_tensor(inputs, dtype=dtype)


def _call_student(student: nn.Module, inputs) -> torch.Tensor:
    return (student(*inputs) if isinstance(inputs, tuple) else student(inputs)).reshape(-1)


def train_online(student, sample: Callable, steps: int, *, lr: float, batch_size: int = 128,
                 n_test: int = 2048, record_every: int = 10, seed=0,
                 forward: Callable | None = None) -> OnlineRun:
    """One student, online Adam on the square loss: the quick gradient-descent runs of
    lessons 8–10 and 12 (our experiment protocol, lessons/notes/proof-maps.md; :func:`run` is the engine for sweeps).

    ``sample(size, generator) -> (inputs, targets)`` draws ``size`` points from the teacher's
    distribution with the numpy ``generator`` (``inputs``: an array/tensor, or a tuple of
    them passed as separate arguments; ``targets``: shape ``(size,)``). The test set of
    ``n_test`` points is drawn first, then a **fresh** batch of ``batch_size`` points at every
    step, so every gradient is an average over new samples and GD is a CSQ algorithm
    (lesson 4). Step ``t`` minimises ``½ mean (h − y)²`` with Adam (β = 0.9, 0.999,
    ε = 1e-8, learning rate ``lr``; the engine's :func:`_adam`). The test MSE is recorded at
    step 0, every ``record_every`` steps and at the last step. ``forward(student, inputs)``
    returns the predictions, shape ``(size,)`` (default: ``student(*inputs)`` flattened).
    ``seed``: int or numpy Generator for the data stream; the student comes initialised.
    """
    if not isinstance(student, nn.Module):
        raise TypeError(f"student must be a torch.nn.Module, got {type(student).__name__}")
    parameters = {name: p for name, p in student.named_parameters() if p.requires_grad}
    if not parameters:
        raise ValueError("student must have at least one trainable parameter")
    dtypes = {p.dtype for p in parameters.values()}
    if len(dtypes) != 1 or not next(iter(dtypes)).is_floating_point:
        raise TypeError(f"student parameters must share one floating dtype, got "
                        f"{sorted(map(str, dtypes))}")
    dtype = next(iter(dtypes))
    if not callable(sample):
        raise TypeError(f"sample must be a callable (size, generator) -> (inputs, targets), "
                        f"got {type(sample).__name__}")
    if forward is None:
        forward = _call_student
    elif not callable(forward):
        raise TypeError(f"forward must be None or a callable (student, inputs) -> predictions, "
                        f"got {type(forward).__name__}")
    steps = _check_int(steps, "steps", 1)
    lr = _check_positive(lr, "lr")
    batch_size = _check_int(batch_size, "batch_size", 1)
    n_test = _check_int(n_test, "n_test", 1)
    record_every = _check_int(record_every, "record_every", 1)
    if isinstance(seed, np.random.Generator):
        generator = seed
    else:
        generator = np.random.default_rng(_check_int(seed, "seed", 0))

    def draw(size: int):
        inputs, targets = sample(size, generator)
        return _as_student_inputs(inputs, dtype), torch.as_tensor(targets, dtype=dtype)

    test_inputs, test_targets = draw(n_test)
    if test_targets.shape != (n_test,) or not bool(torch.isfinite(test_targets).all()):
        raise ValueError(f"sample must return finite targets of shape (size,), got shape "
                         f"{tuple(test_targets.shape)} for size {n_test}")

    def test_mse() -> float:
        with torch.no_grad():
            predictions = forward(student, test_inputs)
        if predictions.shape != test_targets.shape:
            raise ValueError(f"forward must return predictions of shape ({n_test},), got "
                             f"{tuple(predictions.shape)}")
        return float(((predictions - test_targets) ** 2).mean())

    _keep_freed_memory()
    state: dict = {}
    recorded_steps, losses = [0], [test_mse()]
    for step in range(1, steps + 1):
        inputs, targets = draw(batch_size)
        loss = 0.5 * ((forward(student, inputs) - targets) ** 2).mean()
        values = torch.autograd.grad(loss, list(parameters.values()))
        _adam(parameters, dict(zip(parameters, values, strict=True)), state, step, lr)
        if step % record_every == 0 or step == steps:
            recorded_steps.append(step)
            losses.append(test_mse())
    return OnlineRun(np.array(recorded_steps), np.array(losses),
                     float((test_targets**2).mean()))
