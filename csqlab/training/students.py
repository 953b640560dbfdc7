"""Students for the sweep engine: seeded layers, and all seeds of a run trained together.

:class:`_BatchedStudents` stacks every seed's parameters and trains them at once with
``torch.func`` (``stack_module_state``, ``functional_call``, ``vmap`` of the loss and its
gradient); :class:`_LoopedStudents` is the reference route (one module per seed, plain
autograd, the same numbers to float tolerance). :func:`_linear` and :func:`_plain_mlp` build
layers from a private ``torch.Generator`` (the global random state is never touched).
"""

from __future__ import annotations

import copy
import math

import torch
from torch import nn


def _linear(fan_in: int, fan_out: int, generator: torch.Generator, dtype) -> nn.Linear:
    """``nn.Linear`` with PyTorch's default-style ``U(±1/√fan_in)`` weights drawn from a
    private generator (``skip_init``: the global random state is never touched)."""
    layer = nn.utils.skip_init(nn.Linear, fan_in, fan_out, dtype=dtype)
    bound = 1.0 / math.sqrt(fan_in)
    with torch.no_grad():
        for parameter in (layer.weight, layer.bias):
            values = torch.rand(parameter.shape, generator=generator, dtype=torch.float64)
            parameter.copy_(((2.0 * values - 1.0) * bound).to(dtype))
    return layer


def _plain_mlp(sizes, generator, dtype) -> nn.Sequential:
    """``Linear → ReLU → … → Linear`` as an ``nn.Sequential`` (no input checks, so it can
    sit inside a network that ``vmap`` traces with batched activations)."""
    layers: list[nn.Module] = []
    for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        if index:
            layers.append(nn.ReLU())
        layers.append(_linear(fan_in, fan_out, generator, dtype))
    return nn.Sequential(*layers)

class _BatchedStudents:
    """All seeds' students as one stack of parameters, trained with ``torch.func``.

    ``stack_module_state`` stacks the parameters along a new leading axis (one slice per
    seed); ``functional_call`` runs the architecture with one slice; ``vmap`` maps it over
    the slices with the input batch shared (``in_dims=None``) and the labels per seed.
    The loss of seed ``s`` depends only on slice ``s``, so ``vmap(grad_and_value(loss))``
    returns every seed's gradient of its own loss at once."""

    def __init__(self, modules: list[nn.Module]):
        from torch.func import functional_call, grad_and_value, stack_module_state, vmap

        params, buffers = stack_module_state(modules)
        self.parameters = {name: value.detach().clone() for name, value in params.items()}
        self.buffers = {name: value.detach() for name, value in buffers.items()}
        base = copy.deepcopy(modules[0]).to("meta")

        def outputs(parameters, buffers, inputs):
            return functional_call(base, (parameters, buffers), inputs).reshape(-1)

        def loss(parameters, buffers, inputs, labels):
            return 0.5 * ((outputs(parameters, buffers, inputs) - labels) ** 2).mean()

        self._outputs = vmap(outputs, in_dims=(0, 0, None))
        self._gradients = vmap(grad_and_value(loss), in_dims=(0, 0, None, 0))

    def predict(self, inputs) -> torch.Tensor:
        with torch.no_grad():
            return self._outputs(self.parameters, self.buffers, inputs)

    def gradients(self, inputs, labels):
        gradients, losses = self._gradients(self.parameters, self.buffers, inputs, labels)
        return gradients, losses


class _LoopedStudents:
    """The reference route: one module per seed, autograd per seed, the same step rule."""

    def __init__(self, modules: list[nn.Module]):
        self.modules = modules
        self.parameters = [dict(module.named_parameters()) for module in modules]
        for module in modules:
            module.requires_grad_(True)

    def predict(self, inputs) -> torch.Tensor:
        with torch.no_grad():
            return torch.stack([module(*inputs).reshape(-1) for module in self.modules])

    def gradients(self, inputs, labels):
        gradients, losses = [], []
        for module, parameters, target in zip(self.modules, self.parameters, labels, strict=True):
            loss = 0.5 * ((module(*inputs).reshape(-1) - target) ** 2).mean()
            values = torch.autograd.grad(loss, list(parameters.values()))
            gradients.append(dict(zip(parameters, values, strict=True)))
            losses.append(loss.detach())
        return gradients, torch.stack(losses)
