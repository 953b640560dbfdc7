"""The symmetric architectures of the paper as small torch modules (lessons 7–11).

Each model's docstring states its formula and its symmetry; :func:`equivariance_error`
checks the symmetry numerically in float64 (in the spirit of e3nn's
``assert_equivariant``). Group conventions are those of :mod:`csqlab.groups`:
``g·x = x[g⁻¹]`` (entry i moves to position g(i)), graphs ``(A, X) ↦ (PAPᵀ, PX)``.

* :class:`MLP` — plain baseline, no symmetry (the check must fail for it).
* :class:`ShallowGNN` — ``f(A, X) = 1ᵀ σ(A X W) a`` (Theorem B), invariant under node
  permutations; aggregation, activation and readout are arguments.
* :class:`MessagePassingGNN` — ``f(A, X) = head(readout_i node_mlp((agg(A, X))_i))``, the
  general one-layer form; with :func:`degree_indicator_mlp` it computes the degree
  histogram of Theorem A.
* :class:`GroupAveragedNetwork` / :class:`CircularCNN` — ``f(X) = (1/|G|) Σ_g aᵀ σ(Wᵀ g⁻¹X) 1_d``
  (Theorem C); for cyclic shifts a CNN with full-width circular filters and global
  average pooling.
* :class:`FrameAveragedMLP` — ``⟨φ⟩_F(x)`` with an MLP backbone φ (Theorem D).
* :class:`InvariantPolynomial` — linear readout of power sums or orbit sums of
  monomials (the paper's invariant polynomials).

All models take ``dtype`` (default ``torch.float64``) and ``seed`` (initial weights drawn
from a private ``torch.Generator``; no global random state), and expose
``set_weights(...)`` so that a hard family can install exact weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from csqlab._validation import _check_int

from . import groups as _groups

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "ShallowGNN",
    "MessagePassingGNN",
    "degree_indicator_mlp",
    "aggregate",
    "GroupAveragedNetwork",
    "CircularCNN",
    "FrameAveragedMLP",
    "InvariantPolynomial",
    "power_sums",
    "elementary_from_power_sums",
    "EquivarianceResult",
    "equivariance_error",
]

ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "relu": torch.relu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "identity": lambda z: z,
    "square": torch.square,
}
"""Activations by name; any callable tensor → tensor is accepted as well."""


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------


def _activation(activation) -> Callable[[torch.Tensor], torch.Tensor]:
    if callable(activation):
        return activation
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)} or a callable, got {activation!r}")
    return ACTIVATIONS[activation]


def _check_dtype(dtype) -> torch.dtype:
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating torch.dtype (e.g. torch.float64), got {dtype!r}")
    return dtype


def _generator(seed) -> torch.Generator:
    if isinstance(seed, torch.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer or a torch.Generator, got {seed!r}")
    return torch.Generator().manual_seed(int(seed))


def _uniform(shape, bound: float, generator: torch.Generator, dtype) -> torch.Tensor:
    """PyTorch's default-style initialisation U(−bound, bound), from a private generator."""
    values = torch.rand(shape, generator=generator, dtype=torch.float64) * 2.0 - 1.0
    return (values * bound).to(dtype)


def _as_tensor(x, name: str, dtype: torch.dtype) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        x = torch.as_tensor(np.asarray(x), dtype=dtype)
    if x.dtype != dtype:
        x = x.to(dtype)
    if torch.isnan(x).any():
        raise ValueError(f"{name} must not contain NaN")
    return x


def _assign(parameter: torch.Tensor, value, name: str) -> None:
    value = torch.as_tensor(np.asarray(value) if not isinstance(value, torch.Tensor) else value)
    if tuple(value.shape) != tuple(parameter.shape):
        raise ValueError(f"{name} must have shape {tuple(parameter.shape)}, got {tuple(value.shape)}")
    if torch.isnan(value).any():
        raise ValueError(f"{name} must not contain NaN")
    with torch.no_grad():
        parameter.copy_(value.to(parameter.dtype))


def _pool(values: torch.Tensor, how: str, dim: int) -> torch.Tensor:
    return values.sum(dim=dim) if how == "sum" else values.mean(dim=dim)


def _check_choice(value, name: str, options: Sequence[str]) -> str:
    if value not in options:
        raise ValueError(f"{name} must be one of {list(options)}, got {value!r}")
    return value


# ---------------------------------------------------------------------------------------
# MLP baseline
# ---------------------------------------------------------------------------------------


class MLP(nn.Module):
    """Fully connected network ``f(x) = W_L σ(··· σ(W_1 x + b_1) ···) + b_L`` on the
    flattened input (all axes after the batch axis), or, with ``flatten=False``, on the
    last axis only (shared across the other axes: a node-wise MLP for
    :class:`MessagePassingGNN`).

    Symmetry: none — permuting input coordinates changes the output in general; the
    baseline for which :func:`equivariance_error` must report a failure.
    Output shape (B,) when ``out_features == 1``, else (B, out_features).
    ``set_weights([(W_1, b_1), ..., (W_L, b_L)])`` with ``W_l`` of shape (out, in)."""

    def __init__(self, in_features: int, hidden: Sequence[int] = (64,), out_features: int = 1,
                 activation="relu", bias: bool = True, dtype: torch.dtype = torch.float64,
                 seed=0, flatten: bool = True):
        super().__init__()
        self.flatten = bool(flatten)
        in_features = _check_int(in_features, "in_features", 1)
        out_features = _check_int(out_features, "out_features", 1)
        hidden = [_check_int(h, "hidden[]", 1) for h in hidden]
        dtype = _check_dtype(dtype)
        generator = _generator(seed)
        sizes = [in_features, *hidden, out_features]
        self.layers = nn.ModuleList()
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            layer = nn.Linear(fan_in, fan_out, bias=bias, dtype=dtype)
            bound = 1.0 / math.sqrt(fan_in)
            with torch.no_grad():
                layer.weight.copy_(_uniform((fan_out, fan_in), bound, generator, dtype))
                if bias:
                    layer.bias.copy_(_uniform((fan_out,), bound, generator, dtype))
            self.layers.append(layer)
        self.activation = _activation(activation)
        self.in_features = in_features
        self.out_features = out_features

    def forward(self, x) -> torch.Tensor:
        x = _as_tensor(x, "x", self.layers[0].weight.dtype)
        if self.flatten:
            x = x.reshape(x.shape[0], -1) if x.ndim > 1 else x.reshape(1, -1)
        if x.shape[-1] != self.in_features:
            raise ValueError(f"x must have {self.in_features} features per input, got shape {tuple(x.shape)}")
        for layer in self.layers[:-1]:
            x = self.activation(layer(x))
        out = self.layers[-1](x)
        return out.squeeze(-1) if self.out_features == 1 else out

    def set_weights(self, weights: Sequence[tuple]) -> MLP:
        """Install ``[(W_1, b_1), ...]`` (``b_l`` may be None when bias=False)."""
        if len(weights) != len(self.layers):
            raise ValueError(f"weights must hold {len(self.layers)} (W, b) pairs, got {len(weights)}")
        for index, (layer, pair) in enumerate(zip(self.layers, weights, strict=True)):
            weight, bias = pair
            _assign(layer.weight, weight, f"weights[{index}][0]")
            if layer.bias is not None:
                _assign(layer.bias, bias, f"weights[{index}][1]")
        return self


# ---------------------------------------------------------------------------------------
# graph neural networks
# ---------------------------------------------------------------------------------------


def _graph_inputs(adjacency, features, dtype, default_features: bool = False):
    """Validate (A, X); add a batch axis when missing. Returns (A, X, was_batched)."""
    adjacency = _as_tensor(adjacency, "adjacency", dtype)
    if adjacency.ndim not in (2, 3) or adjacency.shape[-1] != adjacency.shape[-2]:
        raise ValueError(
            f"adjacency must be square, shape (n, n) or (B, n, n), got {tuple(adjacency.shape)}"
        )
    batched = adjacency.ndim == 3
    if not batched:
        adjacency = adjacency[None]
    n = adjacency.shape[-1]
    if features is None:
        if not default_features:
            raise ValueError("features must be given (node-feature matrix of shape (B, n, d))")
        features = torch.ones(adjacency.shape[0], n, 1, dtype=adjacency.dtype)
    else:
        features = _as_tensor(features, "features", dtype)
        if not batched:
            features = features[None]
        if features.ndim == 2:  # one scalar feature per node
            features = features[..., None]
        if features.ndim != 3 or features.shape[1] != n or features.shape[0] != adjacency.shape[0]:
            raise ValueError(
                f"features must have shape (B, n, d) matching adjacency (B = {adjacency.shape[0]}, "
                f"n = {n}), got {tuple(features.shape)}"
            )
    return adjacency, features, batched


def aggregate(adjacency: torch.Tensor, features: torch.Tensor, how: str = "sum") -> torch.Tensor:
    """One message-passing aggregation over neighbours: ``"sum"``: ``A X`` (row i is
    Σ_{j ∈ N(i)} x_j); ``"mean"``: ``D⁻¹ A X`` (isolated nodes get 0). Equivariant:
    ``agg(PAPᵀ, PX) = P agg(A, X)``."""
    _check_choice(how, "aggregation", ("sum", "mean"))
    summed = adjacency @ features
    if how == "sum":
        return summed
    degree = adjacency.sum(dim=-1, keepdim=True)
    return summed / torch.clamp(degree, min=1.0)


class ShallowGNN(nn.Module):
    """The GNN class of Theorem B (lesson 8):

        f(A, X) = readout_i  Σ_m a_m σ( (agg(A, X) W)_{i m} ),

    with the defaults (sum aggregation, ReLU, sum readout) exactly ``f(A, X) = 1ᵀ σ(A X W) a``:
    one sum-aggregation layer, a node-wise width-``width`` layer, a sum readout.
    Shapes: A (B, n, n) or (n, n); X (B, n, d) or (n, d); W (d, width); a (width,).

    Symmetry: invariant under node permutations, ``f(PAPᵀ, PX) = f(A, X)`` for every
    permutation matrix P (the node outputs ``σ(agg(A,X) W) a`` are equivariant:
    :meth:`node_outputs`)."""

    def __init__(self, in_features: int, width: int, aggregation: str = "sum",
                 activation="relu", readout: str = "sum", W=None, a=None,
                 dtype: torch.dtype = torch.float64, seed=0):
        super().__init__()
        in_features = _check_int(in_features, "in_features", 1)
        width = _check_int(width, "width", 1)
        dtype = _check_dtype(dtype)
        self.aggregation = _check_choice(aggregation, "aggregation", ("sum", "mean"))
        self.readout = _check_choice(readout, "readout", ("sum", "mean"))
        self.activation = _activation(activation)
        generator = _generator(seed)
        self.W = nn.Parameter(_uniform((in_features, width), 1 / math.sqrt(in_features), generator, dtype))
        self.a = nn.Parameter(_uniform((width,), 1 / math.sqrt(width), generator, dtype))
        if W is not None or a is not None:
            self.set_weights(W if W is not None else self.W.detach(), a if a is not None else self.a.detach())

    def set_weights(self, W, a) -> ShallowGNN:
        """Install W (in_features, width) and a (width,)."""
        _assign(self.W, W, "W")
        _assign(self.a, a, "a")
        return self

    def node_outputs(self, adjacency, features) -> torch.Tensor:
        """``σ(agg(A, X) W) a`` per node, shape (B, n) — permutation-equivariant."""
        A, X, batched = _graph_inputs(adjacency, features, self.W.dtype)
        if X.shape[-1] != self.W.shape[0]:
            raise ValueError(f"features must have d = {self.W.shape[0]} columns, got {tuple(X.shape)}")
        values = self.activation(aggregate(A, X, self.aggregation) @ self.W) @ self.a
        return values if batched else values[0]

    def forward(self, adjacency, features) -> torch.Tensor:
        nodes = self.node_outputs(adjacency, features)
        return _pool(nodes, self.readout, dim=-1)


class MessagePassingGNN(nn.Module):
    """A general one-layer message-passing GNN (PyTorch Geometric style, aggregation visible):

        f(A, X) = head( readout_i  node_mlp( agg(A, X)_i ) ),

    ``node_mlp`` acts on the last axis of each node's aggregated features (shared across
    nodes); ``head`` (optional) maps the pooled vector to the output. Without features,
    X = 1 (one constant feature) and ``agg(A, 1)_i = deg(i)`` — then with
    ``node_mlp = degree_indicator_mlp(n − 1)`` the readout is the degree histogram
    ``h_j(A) = #{i : deg(i) = j}`` of Theorem A.

    Symmetry: invariant under node permutations (agg equivariant, node_mlp node-wise,
    readout a symmetric function of the nodes). Output (B,) when the last axis has size 1."""

    def __init__(self, node_mlp: nn.Module, head: nn.Module | None = None,
                 aggregation: str = "sum", readout: str = "sum"):
        super().__init__()
        if not callable(node_mlp):
            raise TypeError(f"node_mlp must be a torch module or callable, got {type(node_mlp).__name__}")
        if head is not None and not callable(head):
            raise TypeError(f"head must be a torch module, a callable or None, got {type(head).__name__}")
        self.node_mlp = node_mlp
        self.head = head
        self.aggregation = _check_choice(aggregation, "aggregation", ("sum", "mean"))
        self.readout = _check_choice(readout, "readout", ("sum", "mean"))

    def _dtype(self) -> torch.dtype:
        for parameter in self.parameters():
            return parameter.dtype
        return torch.float64

    def pooled(self, adjacency, features=None) -> torch.Tensor:
        """``readout_i node_mlp(agg(A, X)_i)``, shape (B, m): the invariant graph summary."""
        A, X, batched = _graph_inputs(adjacency, features, self._dtype(), default_features=True)
        nodes = self.node_mlp(aggregate(A, X, self.aggregation))
        pooled = _pool(nodes, self.readout, dim=1)
        return pooled if batched else pooled[0]

    def forward(self, adjacency, features=None) -> torch.Tensor:
        out = self.pooled(adjacency, features)
        if self.head is not None:
            out = self.head(out)
        return out.squeeze(-1) if out.ndim >= 1 and out.shape[-1] == 1 else out


def degree_indicator_mlp(max_degree: int, dtype: torch.dtype = torch.float64) -> nn.Sequential:
    """Exact node MLP turning an integer degree t into the one-hot vector
    ``(1[t = 0], ..., 1[t = max_degree])`` with
    ``1[t = j] = ReLU(t − j + 1) − 2 ReLU(t − j) + ReLU(t − j − 1)`` (for integer t; a
    triangle of width 2 around j). 3(max_degree + 1) hidden ReLUs. Theorem A [ours]."""
    max_degree = _check_int(max_degree, "max_degree", minimum=0)
    dtype = _check_dtype(dtype)
    size = max_degree + 1
    first = nn.Linear(1, 3 * size, dtype=dtype)
    second = nn.Linear(3 * size, size, bias=False, dtype=dtype)
    with torch.no_grad():
        first.weight.fill_(1.0)
        offsets = torch.arange(size, dtype=dtype)
        first.bias.copy_(torch.stack([-offsets + 1, -offsets, -offsets - 1], dim=1).reshape(-1))
        second.weight.zero_()
        for j in range(size):
            second.weight[j, 3 * j : 3 * j + 3] = torch.tensor([1.0, -2.0, 1.0], dtype=dtype)
    return nn.Sequential(first, nn.ReLU(), second)


# ---------------------------------------------------------------------------------------
# group-averaged networks (CNNs)
# ---------------------------------------------------------------------------------------


class GroupAveragedNetwork(nn.Module):
    """The group-averaged class of Theorem C (lesson 9):

        f(X) = (1/|G|) Σ_{g∈G} aᵀ σ(Wᵀ g⁻¹·X) 1_d,    X ∈ R^{n×d}, W ∈ R^{n×width}, a ∈ R^{width},

    G a :class:`csqlab.groups.PermutationGroup` permuting the n rows of X
    (``g⁻¹·X = X[g]``). With G = C_n (cyclic shifts) the pre-activations
    ``(Wᵀ g_s⁻¹·X)_{m c} = Σ_i W_{i m} X_{i+s, c}`` are a circular convolution with
    full-width filters, and the average over s is global average pooling: a CNN. The
    cyclic case uses ``conv1d`` with circular padding; any other group enumerates G.
    Inputs (B, n, d) or (B, n) (d = 1); output (B,).

    Symmetry: G-invariant, ``f(h·X) = f(X)`` (reindexing the sum g ↦ h⁻¹g)."""

    def __init__(self, n: int, width: int, group: _groups.PermutationGroup | None = None,
                 activation="relu", W=None, a=None, dtype: torch.dtype = torch.float64,
                 seed=0, fast_path: bool = True):
        super().__init__()
        n = _check_int(n, "n", 1)
        width = _check_int(width, "width", 1)
        dtype = _check_dtype(dtype)
        group = _groups.cyclic(n) if group is None else group
        if not isinstance(group, _groups.PermutationGroup):
            raise TypeError(f"group must be a csqlab.groups.PermutationGroup, got {type(group).__name__}")
        if group.degree != n:
            raise ValueError(f"group must act on n = {n} points, got {group.name} of degree {group.degree}")
        self.group = group
        self.n = n
        self.activation = _activation(activation)
        self.cyclic_path = bool(fast_path) and group.kind == "cyclic"
        if not self.cyclic_path:
            self.register_buffer("elements", torch.tensor(np.array(group.elements()), dtype=torch.long))
        generator = _generator(seed)
        self.W = nn.Parameter(_uniform((n, width), 1 / math.sqrt(n), generator, dtype))
        self.a = nn.Parameter(_uniform((width,), 1 / math.sqrt(width), generator, dtype))
        if W is not None or a is not None:
            self.set_weights(W if W is not None else self.W.detach(), a if a is not None else self.a.detach())

    def set_weights(self, W, a) -> GroupAveragedNetwork:
        """Install W (n, width) and a (width,)."""
        _assign(self.W, W, "W")
        _assign(self.a, a, "a")
        return self

    def _inputs(self, X) -> torch.Tensor:
        X = _as_tensor(X, "X", self.W.dtype)
        if X.ndim == 2:
            X = X[..., None]
        if X.ndim != 3 or X.shape[1] != self.n:
            raise ValueError(f"X must have shape (B, {self.n}) or (B, {self.n}, d), got {tuple(X.shape)}")
        return X

    def pre_activations(self, X) -> torch.Tensor:
        """``Wᵀ g⁻¹·X`` for every g, shape (B, |G|, width, d) (cyclic: g = shift by s, in order)."""
        X = self._inputs(X)
        batch, n, d = X.shape
        if self.cyclic_path:
            signals = X.permute(0, 2, 1).reshape(batch * d, 1, n)
            padded = torch.cat([signals, signals[..., : n - 1]], dim=-1)
            # conv1d is a cross-correlation: out[m, s] = Σ_i W[i, m] x[i + s]
            out = torch.nn.functional.conv1d(padded, self.W.T[:, None, :])
            return out.reshape(batch, d, -1, n).permute(0, 3, 2, 1)
        transformed = X[:, self.elements]  # (B, |G|, n, d): row i of g⁻¹·X is X[g(i)]
        return torch.einsum("bgnd,nw->bgwd", transformed, self.W)

    def forward(self, X) -> torch.Tensor:
        hidden = self.activation(self.pre_activations(X))  # (B, |G|, width, d)
        return torch.einsum("bgwd,w->b", hidden, self.a) / hidden.shape[1]


class CircularCNN(GroupAveragedNetwork):
    """:class:`GroupAveragedNetwork` with G = C_n: a 1-D CNN with ``width`` full-width
    circular filters (columns of W), activation σ, output weights a and global average
    pooling over the n shifts, ``f(X) = (1/n) Σ_s aᵀ σ(Wᵀ X[(· + s) mod n]) 1_d``.
    Symmetry: invariant under cyclic shifts of the rows of X."""

    def __init__(self, n: int, width: int, activation="relu", W=None, a=None,
                 dtype: torch.dtype = torch.float64, seed=0):
        super().__init__(n, width, _groups.cyclic(_check_int(n, "n", 1)), activation, W, a, dtype, seed)


# ---------------------------------------------------------------------------------------
# frame averaging
# ---------------------------------------------------------------------------------------


class FrameAveragedMLP(nn.Module):
    """Frame averaging of an MLP backbone φ (Theorem D, lesson 9):

        f(x) = ⟨φ⟩_F(x) = (1/|F(x)|) Σ_{g∈F(x)} φ(g⁻¹·x),

    F a :class:`csqlab.groups.Frame` of a group G (default: the canonicalisation frame,
    ``F(x) = {g : g⁻¹·x`` lexicographically largest in G·x``}``). Inputs (B, n) or
    (B, n, d); output (B,).

    Symmetry: G-invariant for every backbone, because ``F(h·x) = h F(x)``. The frame's
    choice of g is not differentiable in x (the output is discontinuous at ties);
    gradients flow through φ."""

    def __init__(self, frame: _groups.Frame | _groups.PermutationGroup, in_features: int | None = None,
                 hidden: Sequence[int] = (64,), activation="relu", backbone: nn.Module | None = None,
                 dtype: torch.dtype = torch.float64, seed=0):
        super().__init__()
        if isinstance(frame, _groups.PermutationGroup):
            frame = _groups.canonical_frame(frame)
        if not isinstance(frame, _groups.Frame):
            raise TypeError(f"frame must be a csqlab.groups.Frame or PermutationGroup, got {type(frame).__name__}")
        self.frame = frame
        if backbone is None:
            in_features = frame.group.degree if in_features is None else in_features
            backbone = MLP(in_features, hidden, 1, activation, dtype=dtype, seed=seed)
        elif not callable(backbone):
            raise TypeError(f"backbone must be a torch module or callable, got {type(backbone).__name__}")
        self.backbone = backbone
        self.dtype = _check_dtype(dtype)

    def forward(self, x) -> torch.Tensor:
        x = _as_tensor(x, "x", self.dtype)
        return _groups.frame_average(self.backbone, self.frame, x)


# ---------------------------------------------------------------------------------------
# invariant polynomials
# ---------------------------------------------------------------------------------------


class InvariantPolynomial(nn.Module):
    """A linear model on invariant polynomial features (the paper's invariant polynomials, lesson 10):

        f(x) = c_0 + Σ_j c_j φ_j(x).

    * ``features="power_sum"``: ``φ_j = p_j(x) = Σ_i x_i^j``, j = 1..degree — invariant
      under all of S_n (they generate the S_n-invariant polynomials over Q for j <= n).
    * ``features="orbit_sum"``: one feature per orbit of k-subsets (k = 1..degree) under
      ``group`` (default S_n): ``o_S(x) = |Orb(S)|^{−1/2} Σ_{T∈G·S} Π_{i∈T} x_i``,
      G-invariant and orthonormal under x ~ N(0, I_n) (distinct multilinear monomials
      are orthonormal). ``orbit_representatives`` lists S for each feature.

    Inputs (B, n); output (B,). ``set_weights(coefficients, bias)``."""

    def __init__(self, n: int, degree: int, features: str = "power_sum",
                 group: _groups.PermutationGroup | None = None, coefficients=None,
                 bias: bool = True, dtype: torch.dtype = torch.float64, seed=0):
        super().__init__()
        self.n = _check_int(n, "n", 1)
        self.degree = _check_int(degree, "degree", 1)
        self.kind = _check_choice(features, "features", ("power_sum", "orbit_sum"))
        dtype = _check_dtype(dtype)
        if features == "power_sum":
            if group is not None:
                raise ValueError("group must be None for power_sum features (they are S_n-invariant)")
            self.group = _groups.symmetric(self.n)
            size = self.degree
            self.orbit_representatives = None
        else:
            if self.degree > self.n:
                raise ValueError(f"degree must be at most n = {self.n} for orbit sums, got {self.degree}")
            self.group = _groups.symmetric(self.n) if group is None else group
            if not isinstance(self.group, _groups.PermutationGroup) or self.group.degree != self.n:
                raise ValueError(f"group must be a PermutationGroup of degree n = {self.n}, got {group!r}")
            self.orbit_representatives = []
            self._orbit_data = []
            for k in range(1, self.degree + 1):
                orbits = _groups.subset_orbits(self.group, k)
                self.orbit_representatives.extend(tuple(map(int, r)) for r in orbits.representatives)
                self.register_buffer(f"_subsets_{k}", torch.as_tensor(orbits.subsets, dtype=torch.long))
                self.register_buffer(f"_labels_{k}", torch.as_tensor(orbits.labels, dtype=torch.long))
                self.register_buffer(
                    f"_scale_{k}", torch.as_tensor(orbits.sizes, dtype=dtype).rsqrt()
                )
                self._orbit_data.append(orbits.n_orbits)
            size = len(self.orbit_representatives)
        generator = _generator(seed)
        self.coefficients = nn.Parameter(_uniform((size,), 1 / math.sqrt(size), generator, dtype))
        self.bias = nn.Parameter(torch.zeros((), dtype=dtype)) if bias else None
        if coefficients is not None:
            self.set_weights(coefficients, None if self.bias is None else self.bias.detach())

    @property
    def n_features(self) -> int:
        return self.coefficients.shape[0]

    def set_weights(self, coefficients, bias=None) -> InvariantPolynomial:
        """Install the coefficients (n_features,) and, with bias=True, the constant c_0."""
        _assign(self.coefficients, coefficients, "coefficients")
        if self.bias is not None and bias is not None:
            _assign(self.bias, bias, "bias")
        return self

    def features(self, x) -> torch.Tensor:
        """The invariant features φ_j(x), shape (B, n_features)."""
        x = _as_tensor(x, "x", self.coefficients.dtype)
        if x.ndim != 2 or x.shape[1] != self.n:
            raise ValueError(f"x must have shape (B, {self.n}), got {tuple(x.shape)}")
        if self.kind == "power_sum":
            powers = torch.arange(1, self.degree + 1, dtype=x.dtype)
            return (x[:, :, None] ** powers).sum(dim=1)
        blocks = []
        for k, n_orbits in enumerate(self._orbit_data, start=1):
            subsets = getattr(self, f"_subsets_{k}")
            monomials = x[:, subsets].prod(dim=-1)  # (B, C(n, k))
            sums = torch.zeros(x.shape[0], n_orbits, dtype=x.dtype)
            sums = sums.index_add(1, getattr(self, f"_labels_{k}"), monomials)
            blocks.append(sums * getattr(self, f"_scale_{k}"))
        return torch.cat(blocks, dim=1)

    def forward(self, x) -> torch.Tensor:
        out = self.features(x) @ self.coefficients
        return out + self.bias if self.bias is not None else out


def power_sums(x, degree: int) -> np.ndarray:
    """Power sums ``p_j(x) = Σ_i x_i^j`` for ``j = 1..degree`` (lesson 7), x of shape
    (..., n) → shape (..., degree). Each ``p_j`` is invariant under all of S_n; over Q the
    first n of them generate every S_n-invariant polynomial (via
    :func:`elementary_from_power_sums`): the algebra behind DeepSets, ``ρ(Σ_i φ(x_i))``."""
    x = np.asarray(x.detach().cpu() if isinstance(x, torch.Tensor) else x, dtype=np.float64)
    if x.ndim < 1 or x.shape[-1] == 0:
        raise ValueError(f"x must have shape (..., n) with n >= 1, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x must be finite (no NaN or inf)")
    degree = _check_int(degree, "degree", 1)
    return np.stack([np.sum(x**j, axis=-1) for j in range(1, degree + 1)], axis=-1)


def elementary_from_power_sums(power_sums) -> np.ndarray:
    """Elementary symmetric polynomials from power sums by **Newton's identities**
    (lesson 7):

        e_0 = 1,    k e_k = Σ_{i=1}^{k} (−1)^{i−1} e_{k−i} p_i,    k = 1..m,

    where ``e_k(x) = Σ_{i_1<…<i_k} x_{i_1}⋯x_{i_k}`` (so ``Π_i (t + x_i) = Σ_k e_k t^{n−k}``).
    Input ``(p_1, …, p_m)`` along the last axis, shape (..., m); output ``(e_0, …, e_m)``,
    shape (..., m + 1). For x of length n, ``e_k = 0`` for k > n, and the recursion shows
    every symmetric polynomial is a polynomial in ``p_1..p_n`` (over Q). The division by k
    makes it numerically delicate for large m; fine for the small degrees of the course."""
    p = np.asarray(
        power_sums.detach().cpu() if isinstance(power_sums, torch.Tensor) else power_sums,
        dtype=np.float64,
    )
    if p.ndim < 1 or p.shape[-1] == 0:
        raise ValueError(f"power_sums must have shape (..., m) with m >= 1, got shape {p.shape}")
    if not np.all(np.isfinite(p)):
        raise ValueError("power_sums must be finite (no NaN or inf)")
    m = p.shape[-1]
    e = np.zeros(p.shape[:-1] + (m + 1,))
    e[..., 0] = 1.0
    for k in range(1, m + 1):
        signs = (-1.0) ** np.arange(k)  # (−1)^{i−1} for i = 1..k
        e[..., k] = np.sum(signs * e[..., k - 1 :: -1][..., :k] * p[..., :k], axis=-1) / k
    return e


# ---------------------------------------------------------------------------------------
# the numerical symmetry check
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EquivarianceResult:
    """Outcome of :func:`equivariance_error`: the worst absolute deviation over the tested
    group elements and inputs, the dtype-based tolerance, and whether it passed."""

    max_error: float
    tolerance: float
    n_elements: int

    @property
    def ok(self) -> bool:
        return self.max_error <= self.tolerance

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        # A deviation far below the tolerance is round-off: its digits depend on the BLAS
        # build and the CPU, so the repr shows only an upper bound (reproducible output).
        floor = self.tolerance / 100
        if self.max_error < floor:
            error = f"max_error < {floor:.0e}"
        else:
            error = f"max_error={self.max_error:.3g}"
        return (f"EquivarianceResult({error}, tolerance={self.tolerance:.2g}, "
                f"n_elements={self.n_elements}, ok={self.ok})")


_BASE_TOLERANCE = {torch.float64: 1e-10, torch.float32: 1e-4, torch.float16: 1e-2, torch.bfloat16: 1e-1}


def _named_action(action, role: str):
    if callable(action):
        return action
    if action == "vectors":
        return lambda g, x: _groups.act_on_vectors(g, x, axis=-1)
    if action in ("rows", "nodes"):
        return lambda g, x: _groups.act_on_vectors(g, x, axis=-2)
    if action == "graphs":
        def act(g, inputs):
            adjacency, *rest = inputs
            moved, features = _groups.act_on_graph(g, adjacency, rest[0] if rest else None)
            return (moved,) if not rest else (moved, features)

        return act
    raise ValueError(f"{role} must be 'vectors', 'rows', 'nodes', 'graphs' or a callable, got {action!r}")


def _to_float64(value) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().to(torch.float64).numpy()
    return np.asarray(value, dtype=np.float64)


def equivariance_error(fn: Callable, group: _groups.PermutationGroup, inputs,
                       action_in="vectors", action_out=None, n_elements: int = 16,
                       seed=0) -> EquivarianceResult:
    """Worst deviation ``max_g max |fn(g·x) − g·fn(x)|`` (``action_out=None``: invariance,
    ``max |fn(g·x) − fn(x)|``) over all elements of ``group`` when |G| <= ``n_elements``,
    else over ``n_elements`` uniformly random ones (seeded).

    ``inputs``: a batch (tensor/array) or a tuple of them (then ``fn(*inputs)``).
    ``action_in`` / ``action_out``: ``"vectors"`` (G permutes the last axis), ``"rows"``
    or ``"nodes"`` (second-to-last axis: node-feature matrices), ``"graphs"`` (inputs
    ``(A, X)`` or ``(A,)``, ``(A, X) ↦ (PAPᵀ, PX)``), or a callable ``action(g, value)``.
    The tolerance is ``base(dtype) · max(1, max|fn(x)|)`` with base 1e-10 for float64,
    1e-4 for float32. Returns :class:`EquivarianceResult` (``.max_error``,
    ``.tolerance``, ``.ok``)."""
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    if not isinstance(group, _groups.PermutationGroup):
        raise TypeError(f"group must be a csqlab.groups.PermutationGroup, got {type(group).__name__}")
    n_elements = _check_int(n_elements, "n_elements", 1)
    act_in = _named_action(action_in, "action_in")
    act_out = None if action_out is None else _named_action(action_out, "action_out")
    if group.is_enumerable(n_elements):
        elements = group.elements()
    else:
        elements = group.random_elements(n_elements, seed=seed)

    def call(value):
        return fn(*value) if isinstance(value, tuple) else fn(value)

    with torch.no_grad():
        reference = call(inputs)
        reference_np = _to_float64(reference)
        worst = 0.0
        for g in elements:
            moved = call(act_in(g, inputs))
            expected = reference if act_out is None else act_out(g, reference)
            deviation = np.abs(_to_float64(moved) - _to_float64(expected))
            worst = max(worst, float(deviation.max()) if deviation.size else 0.0)
    dtype = reference.dtype if isinstance(reference, torch.Tensor) else None
    if dtype is None:
        kind = np.asarray(reference).dtype
        dtype = torch.float32 if kind == np.float32 else torch.float64
    base = _BASE_TOLERANCE.get(dtype, 0.0)
    scale = max(1.0, float(np.abs(reference_np).max()) if reference_np.size else 1.0)
    return EquivarianceResult(worst, base * scale, len(elements))
