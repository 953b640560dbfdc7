"""Students for the sweep engine: seeded layers, and all seeds of a run trained together.

:class:`_BatchedStudents` stacks every seed's parameters along a new leading axis (shape
``(S, …)``, one slice per seed) and runs the architecture once for all ``S`` students, written
out per architecture (:func:`_batched_forward`): the input batch is shared by the seeds, so
the hidden ReLU layer is one batched product (``bmm``) of the shared input with the stacked
weights, kept seed-major ``(S, N, w)`` with its backward written out
(:class:`_SharedReLULayer`; the message-passing head's ReLU layer too, on seed-wise inputs),
and later layers are batched products over the stacked weights. The loss of seed ``s``
depends only on slice ``s``, so one backward pass of the **summed** losses gives every seed
the gradient of its own loss. :class:`_LoopedStudents` is the
reference route (one module per seed, plain autograd; the same numbers to float round-off,
tests/test_train_engine.py, tests/test_batched_students.py).
:func:`_linear` and :func:`_plain_mlp` build layers from a private ``torch.Generator`` (the
global random state is never touched).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from csqlab import models


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
    """``Linear → ReLU → … → Linear`` as an ``nn.Sequential`` (no input checks: the node
    MLP and head of :class:`csqlab.models.MessagePassingGNN` students)."""
    layers: list[nn.Module] = []
    for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        if index:
            layers.append(nn.ReLU())
        layers.append(_linear(fan_in, fan_out, generator, dtype))
    return nn.Sequential(*layers)


class _FramedStudent(nn.Module):
    """A :class:`csqlab.models.FrameAveragedMLP` evaluated from a precomputed frame.

    ``⟨φ⟩_F(x) = Σ_{(b, g)} w_{b,g} φ(g⁻¹·x_b)`` with ``w = 1/|F(x_b)|``: the frame depends
    on the inputs only, never on the weights, so it is computed once per batch for all seeds
    (:func:`csqlab.experiments.frames._frame_inputs`, numpy) and the module sums the
    backbone over the stacked ``g⁻¹·x_b``. Equal to ``FrameAveragedMLP.forward`` (tested)."""

    def __init__(self, network: nn.Module):
        super().__init__()
        self.network = network

    def forward(self, transformed, batch_index, weights, template):
        values = self.network.backbone(transformed).reshape(-1) * weights
        return template.index_add(0, batch_index, values)


# ------------------------------------------------------------------ stacked layers
# Activations keep the layout (N, S, features): N points (shared by the seeds), S seeds.

def _shared_linear(x: torch.Tensor, weight: torch.Tensor, bias) -> torch.Tensor:
    """Every seed's ``nn.Linear`` on one shared input: ``x (N, in)``, ``weight (S, out, in)``,
    ``bias (S, out)`` or None → ``(N, S, out)``: one matrix product ``x · [W_1ᵀ … W_Sᵀ]``."""
    seeds, fan_out, fan_in = weight.shape
    side_by_side = weight.reshape(seeds * fan_out, fan_in).T
    if bias is None:
        values = x @ side_by_side
    else:
        values = torch.addmm(bias.reshape(-1), x, side_by_side)
    return values.reshape(x.shape[0], seeds, fan_out)


def _seedwise_linear(x: torch.Tensor, weight: torch.Tensor, bias) -> torch.Tensor:
    """Seed ``s``'s ``nn.Linear`` on its own activations ``x[:, s]``: ``x (N, S, in)`` →
    ``(N, S, out)``; a batched product over the seeds, or, for one output, a dot product
    per seed (elementwise: no ``S`` matrix products of width one)."""
    if weight.shape[1] == 1:
        values = (x * weight[:, 0]).sum(dim=-1, keepdim=True)
        return values if bias is None else values + bias
    if bias is None:
        return torch.bmm(x.transpose(0, 1), weight.transpose(1, 2)).transpose(0, 1)
    # the bias inside the product: adding it to the transposed result is a strided pass
    return torch.baddbmm(bias[:, None, :], x.transpose(0, 1),
                         weight.transpose(1, 2)).transpose(0, 1)


def _seed_major_linear(x: torch.Tensor, weight: torch.Tensor, bias) -> torch.Tensor:
    """Seed ``s``'s ``nn.Linear`` on seed-major activations: ``x (S, N, in)``, ``weight
    (S, out, in)``, ``bias (S, out)`` or None → ``(S, N, out)``; one output as an
    elementwise product and sum (its gradients keep the seed-major layout: a gradient with
    transposed strides meeting a contiguous tensor makes every later elementwise pass slow)."""
    if weight.shape[1] == 1:
        values = (x * weight).sum(dim=-1, keepdim=True)
        return values if bias is None else values + bias[:, None, :]
    if bias is None:
        return torch.bmm(x, weight.transpose(1, 2))
    return torch.baddbmm(bias[:, None, :], x, weight.transpose(1, 2))


def _linear_layers(module: nn.Module, prefix: str) -> list[tuple[str, str | None]]:
    """Parameter names ``(weight, bias)`` of the ``nn.Linear`` layers of an ``nn.Sequential``,
    in order; ``TypeError`` unless it alternates ``Linear`` and ``ReLU`` (:func:`_plain_mlp`)."""
    children = list(module.named_children())
    linears, activations = children[0::2], children[1::2]
    if (not isinstance(module, nn.Sequential) or len(children) % 2 == 0
            or not all(isinstance(layer, nn.Linear) for _, layer in linears)
            or not all(isinstance(layer, nn.ReLU) for _, layer in activations)):
        raise TypeError(f"{prefix.rstrip('.')} must be an nn.Sequential alternating nn.Linear "
                        "and nn.ReLU layers")
    return [(f"{prefix}{name}.weight", None if layer.bias is None else f"{prefix}{name}.bias")
            for name, layer in linears]


def _stacked_mlp(parameters: dict, layers, activation, x: torch.Tensor,
                 shared: bool) -> torch.Tensor:
    """``W_L σ(··· σ(W_1 x + b_1) ···) + b_L`` for every seed: ``x (N, in)`` shared by the
    seeds (``shared=True``) or ``(N, S, in)``; returns ``(N, S, out)``."""
    for index, (weight, bias) in enumerate(layers):
        if index:
            x = activation(x)
        linear = _shared_linear if shared and index == 0 else _seedwise_linear
        x = linear(x, parameters[weight], None if bias is None else parameters[bias])
    return x


class _Workspace:
    """Buffers reused from step to step, by name and shape: the hidden layer of all seeds is
    large (``N × S·width`` values), and a fresh allocation of that size every step costs
    more than the arithmetic (the memory comes back from the operating system untouched)."""

    def __init__(self):
        self._buffers: dict = {}

    def get(self, name: str, shape, like: torch.Tensor, dtype=None) -> torch.Tensor:
        dtype = like.dtype if dtype is None else dtype
        key = (name, tuple(shape), dtype, like.device)
        if key not in self._buffers:
            self._buffers[key] = torch.empty(shape, dtype=dtype, device=like.device)
        return self._buffers[key]


def _relu_backward(upstream: torch.Tensor, hidden: torch.Tensor, out: torch.Tensor) -> None:
    """``out = upstream ⊙ 1[hidden > 0]`` (``upstream`` may broadcast; ``out`` may be
    ``upstream``)."""
    torch.ops.aten.threshold_backward.grad_input(upstream, hidden, 0, grad_input=out)


class _SharedReLULayer(torch.autograd.Function):
    """Every seed's hidden ReLU layer on shared features, reduced at once, with its backward
    written out into reused buffers.

    ``H[s] = ReLU(F · weight[s] + bias[s])`` with ``F (N, in)`` shared, ``weight (S, in, w)``,
    ``bias (S, w)`` or None (or seed-wise features ``F (S, N, in)``, ``H[s] = ReLU(F[s] ·
    weight[s] + bias[s])``, whose gradient ``∂F[s] = ∂H[s] weight[s]ᵀ`` is returned too:
    a later layer); ``H`` is kept seed-major, ``(S, N, w)``, so that every product
    is a batched product over the seeds with unit-stride rows. Rows are pooled over
    consecutive groups of ``group`` (the nodes of a graph, the group elements of an input):
    returns either the read-out ``out[g, s] = scale · Σ_r Σ_m H[s, g·group + r, m] v[s, m]``
    (``readout v (S, w)``; shape ``(N/group, S)``) or, with ``readout=None``, the pooled
    ``scale · Σ_r H[s, g·group + r]`` (shape ``(N/group, S, w)``). Backward:
    ``∂H = (upstream) ⊙ 1[H > 0]``, ``∂weight[s] = Fᵀ ∂H[s]``, ``∂bias[s] = Σ_n ∂H[s, n]``,
    ``∂v[s, m] = scale · Σ_{g, r} ∂out[g, s] H[s, g·group + r, m]``.
    The read-outs are written as row vector times matrix (``vᵀ Hᵀ``, ``∂outᵀ H``): the
    matrix-times-column-vector form of the same products is several times slower on the CPU."""

    @staticmethod
    def forward(ctx, features, weight, bias, readout, group, scale, workspace):
        rows = features.shape[-2]
        seeds, _, width = weight.shape
        hidden = workspace.get("hidden", (seeds, rows, width), features)
        shared = features if features.dim() == 3 else features.expand(seeds, *features.shape)
        if bias is None:
            torch.bmm(shared, weight, out=hidden)
        else:
            torch.baddbmm(bias[:, None, :], shared, weight, out=hidden)
        hidden.relu_()
        blocks = hidden.view(seeds, rows // group, group * width)  # a group's rows in one
        if readout is not None:
            tiled = readout if group == 1 else readout.repeat(1, group)  # (S, group·w)
            result = torch.bmm(tiled[:, None, :], blocks.transpose(1, 2))[:, 0].T
        else:
            result = hidden.view(seeds, rows // group, group, width).sum(dim=2).transpose(0, 1)
        if scale != 1:
            result = result * scale
        ctx.save_for_backward(features, readout)
        ctx.weight = weight if features.dim() == 3 else None
        ctx.hidden, ctx.workspace, ctx.group, ctx.scale = hidden, workspace, group, scale
        ctx.has_bias = bias is not None
        return result

    @staticmethod
    def backward(ctx, upstream):
        features, readout = ctx.saved_tensors
        hidden = ctx.hidden
        seeds, rows, width = hidden.shape
        gradient = ctx.workspace.get("gradient", hidden.shape, hidden)
        grad_readout = None
        # ∂H ⊙ 1[H > 0] in one pass (ReLU's own backward kernel): a product with a boolean
        # mask would first convert the whole mask to floats
        group = ctx.group
        shape = (seeds, rows // group, group, width)
        if readout is not None:
            by_seed = upstream.T if ctx.scale == 1 else upstream.T * ctx.scale  # (S, N/group)
            if group == 1:  # the product is as large as H: into the buffer, then masked
                torch.mul(by_seed[:, :, None], readout[:, None, :], out=gradient)
                _relu_backward(gradient, hidden, out=gradient)
            else:  # the product is 1/group of H: masked while broadcast over the group
                pooled = by_seed[:, :, None] * readout[:, None, :]  # (S, N/group, w)
                _relu_backward(pooled[:, :, None, :].expand(shape), hidden.view(shape),
                               out=gradient.view(shape))
            blocks = hidden.view(seeds, rows // group, group * width)
            grad_readout = torch.bmm(by_seed[:, None, :], blocks)[:, 0]
            if group > 1:
                grad_readout = grad_readout.view(seeds, group, width).sum(dim=1)
        else:
            pooled = upstream.transpose(0, 1)  # (S, N/group, w)
            if ctx.scale != 1:
                pooled = pooled * ctx.scale
            _relu_backward(pooled[:, :, None, :].expand(shape), hidden.view(shape),
                           out=gradient.view(shape))
        grad_features = None
        if features.dim() == 3:  # seed-wise: ∂weight[s] = F[s]ᵀ ∂H[s], ∂F[s] = ∂H[s] weight[s]ᵀ
            grad_weight = torch.bmm(features.transpose(1, 2), gradient)
            if ctx.needs_input_grad[0]:
                grad_features = torch.bmm(gradient, ctx.weight.transpose(1, 2))
        else:
            grad_weight = torch.bmm(features.T.expand(seeds, *features.T.shape), gradient)
        grad_bias = gradient.sum(dim=1) if ctx.has_bias else None
        return grad_features, grad_weight, grad_bias, grad_readout, None, None, None


# ------------------------------------------------------------------ one forward per architecture
# Each returns forward(parameters, *inputs) -> (N, S): the same formula as the module's
# forward, with the input-only work (aggregation, transformed inputs) done once for all seeds.

def _mlp_forward(module: models.MLP, prefix: str = "") -> Callable:
    """:class:`csqlab.models.MLP` with one output on the flattened input."""
    if module.out_features != 1 or not module.flatten:
        raise TypeError("a batched MLP student must have out_features=1 and flatten=True")
    layers = [(f"{prefix}layers.{i}.weight",
               None if layer.bias is None else f"{prefix}layers.{i}.bias")
              for i, layer in enumerate(module.layers)]

    workspace = _Workspace()

    def forward(parameters, x):
        x = x.reshape(x.shape[0], -1)
        if len(layers) != 2 or module.activation is not torch.relu:
            return _stacked_mlp(parameters, layers, module.activation, x, shared=True)[..., 0]
        (first, first_bias), (second, second_bias) = layers
        bias = None if first_bias is None else parameters[first_bias]
        out = _SharedReLULayer.apply(x, parameters[first].transpose(1, 2), bias,
                                     parameters[second][:, 0], 1, 1, workspace)
        return out if second_bias is None else out + parameters[second_bias][:, 0]

    return forward


def _shallow_gnn_forward(module: models.ShallowGNN) -> Callable:
    """:class:`csqlab.models.ShallowGNN` ``readout_i Σ_m a_m σ((agg(A, X) W)_{im})``:
    ``agg(A, X)`` once, then one product with ``[W_1 … W_S]``."""
    workspace = _Workspace()

    def forward(parameters, adjacency, features):
        W, a = parameters["W"], parameters["a"]
        seeds, d, width = W.shape
        aggregated = models.aggregate(adjacency, features, module.aggregation)  # (B, n, d)
        batch, nodes = aggregated.shape[:2]
        if module.activation is torch.relu:  # Σ_i Σ_m a_m σ_im: one read-out over (i, m)
            scale = 1 if module.readout == "sum" else 1 / nodes
            return _SharedReLULayer.apply(aggregated.reshape(-1, d), W, None, a,
                                          nodes, scale, workspace)  # (B, S)
        side_by_side = W.transpose(0, 1).reshape(d, seeds * width)
        hidden = module.activation(aggregated.reshape(-1, d) @ side_by_side)
        pooled = models._pool(hidden.reshape(batch, nodes, -1), module.readout, dim=1)
        return (pooled.reshape(batch, seeds, width) * a).sum(dim=-1)

    return forward


def _group_averaged_forward(module: models.GroupAveragedNetwork) -> Callable:
    """:class:`csqlab.models.GroupAveragedNetwork` ``(1/|G|) Σ_g aᵀ σ(Wᵀ g⁻¹·X) 1_d``: the
    transformed inputs ``g⁻¹·X = X[g]`` once (on the convolution path, the cyclic shifts
    ``X[(i + s) mod n]``), then one product with ``[W_1 … W_S]``."""
    if module.cyclic_path:
        shifts = torch.arange(module.n)
        elements = (shifts[:, None] + shifts[None, :]) % module.n  # row s: i ↦ i + s
    else:
        elements = module.elements
    workspace = _Workspace()

    def forward(parameters, X):
        W, a = parameters["W"], parameters["a"]
        seeds, n, width = W.shape
        X = X[..., None] if X.ndim == 2 else X
        transformed = X[:, elements.to(X.device)].transpose(-1, -2)  # (B, |G|, d, n)
        batch, order, d = transformed.shape[:3]
        if module.activation is torch.relu:  # Σ_{g, column, m} a_m σ: one read-out
            return _SharedReLULayer.apply(transformed.reshape(-1, n), W, None, a,
                                          order * d, 1, workspace) / order  # (B, S)
        # sum over (g, column) before the output weights a (the sum is linear)
        side_by_side = W.transpose(0, 1).reshape(n, seeds * width)
        hidden = module.activation(transformed.reshape(-1, n) @ side_by_side)
        summed = hidden.reshape(batch, order * d, -1).sum(dim=1).reshape(batch, seeds, width)
        return (summed * a).sum(dim=-1) / order

    return forward


def _message_passing_forward(module: models.MessagePassingGNN) -> Callable:
    """:class:`csqlab.models.MessagePassingGNN` ``head(readout_i node_mlp(agg(A, X)_i))``
    with ``nn.Sequential`` node MLP and head (:func:`_plain_mlp`): ``agg(A, X)`` once, the
    node MLP's first layer one product for all seeds, the later layers batched over seeds.
    The readout comes before the node MLP's last (affine) layer, ``Σ_i (W h_i + b) =
    W Σ_i h_i + n b``: that layer then acts on one vector per graph, not on ``n``."""
    *node_layers, (last_weight, last_bias) = _linear_layers(module.node_mlp, "node_mlp.")
    head_layers = None if module.head is None else _linear_layers(module.head, "head.")
    final = module.node_mlp if module.head is None else module.head
    if final[-1].out_features != 1:
        raise TypeError("a batched message-passing student must have one output")
    workspace, tail_workspace = _Workspace(), _Workspace()

    def forward(parameters, adjacency, features=None):
        if features is None:  # one constant feature: agg(A, 1)_i = deg(i)
            features = adjacency.new_ones(adjacency.shape[0], adjacency.shape[1], 1)
        aggregated = models.aggregate(adjacency, features, module.aggregation)  # (B, n, in)
        batch, nodes, fan_in = aggregated.shape
        if len(node_layers) == 1:  # the engine's node MLP: in → width (ReLU) → width
            (weight_name, bias_name), = node_layers
            bias = None if bias_name is None else parameters[bias_name]
            scale = 1 if module.readout == "sum" else 1 / nodes
            pooled = _SharedReLULayer.apply(aggregated.reshape(batch * nodes, fan_in),
                                            parameters[weight_name].transpose(1, 2), bias,
                                            None, nodes, scale, workspace)  # (B, S, w)
            return _seed_major_tail(parameters, pooled.transpose(0, 1), nodes)
        if node_layers:
            hidden = torch.relu(_stacked_mlp(parameters, node_layers, torch.relu,
                                             aggregated.reshape(batch * nodes, fan_in),
                                             shared=True))
            pooled = models._pool(hidden.reshape(batch, nodes, *hidden.shape[1:]),
                                  module.readout, dim=1)
            last = _seedwise_linear
        else:
            pooled = models._pool(aggregated, module.readout, dim=1)
            last = _shared_linear
        bias = None if last_bias is None else parameters[last_bias]
        if bias is not None and module.readout == "sum":
            bias = bias * nodes
        pooled = last(pooled, parameters[last_weight], bias)
        if head_layers is not None:
            pooled = _stacked_mlp(parameters, head_layers, torch.relu, pooled, shared=False)
        return pooled[..., 0]

    def _seed_major_tail(parameters, pooled, nodes):
        """The node MLP's last layer and the head on the pooled ``(S, B, w)``, seed-major
        throughout (each seed's rows contiguous: on the transposed ``(B, S, w)`` layout the
        elementwise passes are several times slower); returns ``(B, S)``."""
        weight = parameters[last_weight]
        bias = None if last_bias is None else parameters[last_bias]
        if bias is not None and module.readout == "sum":
            bias = bias * nodes
        layers = [] if head_layers is None else head_layers
        if layers and weight.shape[1] < pooled.shape[1]:
            # the node MLP's last layer and the head's first are both affine with no
            # activation between: one layer W = W_head W_last, c = W_head b + b_head
            # (w³ per seed once, instead of B·w² per point and pass, when w < B)
            (head_weight, head_bias), *layers = layers
            outer = parameters[head_weight]
            bias = None if bias is None else torch.bmm(bias[:, None, :], outer.transpose(1, 2))[:, 0]
            if head_bias is not None:
                bias = parameters[head_bias] if bias is None else bias + parameters[head_bias]
            weight = torch.bmm(outer, weight)
            if len(layers) == 1 and parameters[layers[0][0]].shape[1] == 1:
                # the merged layer, its ReLU and the one-output layer in one step, written
                # out into reused buffers (:class:`_SharedReLULayer` on seed-wise features)
                (name, bias_name), = layers
                values = _SharedReLULayer.apply(pooled, weight.transpose(1, 2), bias,
                                                parameters[name][:, 0], 1, 1, tail_workspace)
                return values if bias_name is None else values + parameters[bias_name][:, 0]
            values = _seed_major_linear(pooled, weight, bias)
            for name, bias_name in layers:
                values = _seed_major_linear(torch.relu(values), parameters[name],
                                            None if bias_name is None else parameters[bias_name])
        else:
            values = _seed_major_linear(pooled, weight, bias)
            for index, (name, bias_name) in enumerate(layers):
                values = _seed_major_linear(torch.relu(values) if index else values,
                                            parameters[name],
                                            None if bias_name is None else parameters[bias_name])
        return values[..., 0].T

    return forward


def _framed_forward(module: _FramedStudent) -> Callable:
    """:class:`_FramedStudent`: the backbone MLP on the shared ``g⁻¹·x_b`` (one product for
    the first layer), weighted by ``1/|F(x_b)|`` and summed per input ``b``."""
    backbone = _mlp_forward(module.network.backbone, "network.backbone.")

    def forward(parameters, transformed, batch_index, weights, template):
        values = backbone(parameters, transformed)  # (T, S)
        if values.shape[0] == template.shape[0] and torch.equal(
                batch_index, torch.arange(len(batch_index), device=batch_index.device)):
            # one frame element per input, in input order (Gaussian inputs almost surely):
            # every weight is 1 and the sum per input is the value itself
            return values
        values = values * weights[:, None]
        zeros = template[:, None].expand(-1, values.shape[1])
        return zeros.index_add(0, batch_index, values)

    return forward


def _batched_forward(module: nn.Module) -> Callable:
    """``forward(parameters, *inputs) -> (N, S)`` of ``module``'s architecture for stacked
    ``parameters`` (the names of ``module.named_parameters()``, shapes ``(S, …)``);
    ``TypeError`` for an architecture the engine does not train."""
    if isinstance(module, _FramedStudent):
        return _framed_forward(module)
    if isinstance(module, models.MLP):
        return _mlp_forward(module)
    if isinstance(module, models.ShallowGNN):
        return _shallow_gnn_forward(module)
    if isinstance(module, models.GroupAveragedNetwork):
        return _group_averaged_forward(module)
    if isinstance(module, models.MessagePassingGNN):
        return _message_passing_forward(module)
    raise TypeError(f"no batched forward for a {type(module).__name__} student; "
                    "use method='loop'")


# ------------------------------------------------------------------ the two routes

class _BatchedStudents:
    """All seeds' students as one stack of parameters (one slice per seed), one forward for
    all of them (:func:`_batched_forward`) and one backward of the summed losses.

    The stacked parameters are views of one flat vector, ``parameters = {"all": flat}``, and
    :meth:`gradients` returns the flat gradient: the elementwise step rule then runs its few
    operations once per step, not once per parameter tensor (the same numbers: it is
    elementwise)."""

    def __init__(self, modules: list[nn.Module]):
        self._forward = _batched_forward(modules[0])
        named = [dict(module.named_parameters()) for module in modules]
        stacked = {name: torch.stack([values[name].detach() for values in named])
                   for name in named[0]}
        flat = torch.cat([value.reshape(-1) for value in stacked.values()]).requires_grad_(True)
        self.named, offset = {}, 0
        for name, value in stacked.items():
            self.named[name] = flat[offset:offset + value.numel()].view(value.shape)
            offset += value.numel()
        self.parameters = {"all": flat}
        self._gradient = torch.empty_like(flat, requires_grad=False)

    def predict(self, inputs) -> torch.Tensor:
        with torch.no_grad():
            return self._forward(self.named, *inputs).T

    def gradients(self, inputs, labels):
        outputs = self._forward(self.named, *inputs).T
        losses = 0.5 * ((outputs - labels) ** 2).mean(dim=1)
        values = torch.autograd.grad(losses.sum(), list(self.named.values()))
        # into one buffer reused every step (the caller's step rule consumes it at once)
        torch.cat([value.reshape(-1) for value in values], out=self._gradient)
        return {"all": self._gradient}, losses.detach()


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
