"""Can the student represent its teacher? Width checks and the degree-parity diagnosis (lesson 11).

A failed training run says something about gradient descent only if the student *could* have
computed the teacher. This module answers that question for the students of the experiments
(the size sweeps of :mod:`csqlab.experiments.registry` and the series of
:mod:`csqlab.experiments.scaling`), by the strongest route available:

* **construction** (:func:`constructed_student`): explicit weights of the protocol's student,
  at the protocol's width, that reproduce the teacher — the teacher's network embedded in the
  student, unused units zero. :func:`width_check` measures the test MSE against the family's
  own ``evaluate`` (round-off only, ~1e-30 in float64). Constructions:

  - sparse parity ``χ_S`` on ``{±1}^n`` (MLP): with ``u = #{i ∈ S : x_i = +1}``,
    ``χ_S = (−1)^{k−u}`` and ``(−1)^u = 1 − 2 Σ_{r<k} c_r ReLU(u − r)``
    (:func:`csqlab.hard.gnn.triangle_wave_coefficients`): ``k`` units;
  - orbit-averaged parities of ReLUs (frame-averaged MLP): the backbone is the teacher
    itself, ``|Orb(S)|·2^k`` units (:func:`csqlab.hard.frames.member_network`); the teacher
    is ``G``-invariant, so its frame average is itself;
  - degree-histogram parities (message-passing GNN, :func:`degree_parity_units`): node units
    ``ReLU(d − m)`` at the breakpoints ``m`` of the piecewise-linear interpolant of
    ``1[d ∈ S]`` (they lie in ``[min S − 1, max S + 1]``: at most ``|B| + 2`` for ``S`` in the
    window ``B``), so one pooled channel is the count
    ``c = #{i : d_i ∈ S}``; the head's ``n`` units draw the triangle wave ``(−1)^c``
    for ``c = 0..n``;
  - hidden planes (ShallowGNN; group-averaged network / CNN): the teacher's ``2k`` units
    (:func:`csqlab.hard.gnn.gnn_hidden_plane_weights`,
    :func:`csqlab.hard.cnn.group_averaged_plane_weights`), output weights divided by the
    member's norm.

* **supervised fit** where no exact construction exists — the set monomials
  ``n^{−1/2} Σ_i Π_{j∈S} X_ij`` are polynomials and a ReLU network is piecewise linear: a
  student of the protocol width, started from an approximate construction (polarisation
  ``Π_{j∈S} x_j = Σ_{ε₁=+1} Π ε (ε·x_S)^k / (k! 2^{k−1})``, each ``t^k`` interpolated
  by ReLUs), trained with Adam on a large *fixed* training set; train and test MSE reported.

:func:`degree_parity_diagnosis` asks the question of the experiment ``gnn-degree-parity``
(Theorem A) at ``n = 8``, where the family has only 8 members. The architecture expresses
``χ_S`` exactly (construction above). Conversely, take the graphs with ``c`` nodes of
out-degree ``j ∈ S`` and ``n − c`` of out-degree ``j' ∉ S`` (all occur under directed
``G(n, ½)``): the pooled vector is affine in ``c``, so the head is a piecewise-linear function
of ``c`` with at most one breakpoint per hidden unit, and it must alternate ``±1`` on
``c = 0..n``: at least ``n − 1`` head units; ``2n`` is enough. Started from the
construction plus small noise, training stays at low MSE; from the default initialisation
with a fixed training set it does not fit, not even its training set — an optimisation
failure, not a representation one, and with 8 members not a CSQ effect. The head's half of
the task shows where it sticks: given the true count ``c`` (typically 4..8 at ``n = 8``), a
default MLP ``1 → 2n → 1`` must move its breakpoints from near 0 to every typical count;
on the raw count it barely moves off the trivial level, on the standardised count it fits.
The protocol is **ours**.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch

from csqlab._validation import _check_int, _check_real
from csqlab.experiments.config import FAMILIES, Experiment

CASES = (
    ("sparse-parity", 16, 2),
    ("sparse-parity", 16, 3),
    ("frame-parities", 8, 4),
    ("degree-parity", 8, 2),
    ("gnn-planes", 8, 4),
    ("cnn-planes", 8, 4),
    ("set-monomials", 8, 3),
)
"""``(family, size, degree)`` of :func:`width_checks`: the smallest size of each family of
the steps-to-success series and the registry's size sweeps (degree as there)."""

_GROUPS = {"sparse-parity": "trivial", "frame-parities": "cyclic", "degree-parity": "symmetric",
           "gnn-planes": "symmetric", "cnn-planes": "cyclic", "set-monomials": "symmetric"}


def protocol_width(family: str, size: int, degree: int) -> int:
    """The student width of the experiments: MLP 128 (sparse parities), ``2·n·2^k``
    (frame-averaged MLP), ``2n`` (message-passing GNN), 16 (ShallowGNN, CNN), 64 (DeepSets);
    as ``WIDTH_RULES`` of the registry and the ``SERIES`` of the scaling experiment."""
    _check_family(family)
    size = _check_int(size, "size", 2)
    degree = _check_int(degree, "degree", 1)
    return {"sparse-parity": 128, "frame-parities": 2 * size * 2**degree,
            "degree-parity": 2 * size, "gnn-planes": 16, "cnn-planes": 16,
            "set-monomials": 64}[family]


def _check_family(family) -> str:
    if family not in _GROUPS:
        raise ValueError(f"family must be one of {sorted(_GROUPS)}, got {family!r}")
    return family


def protocol_config(family: str, size: int, degree: int, width: int | None = None,
                    seeds: tuple[int, ...] = (0,)) -> Experiment:
    """The :class:`~csqlab.experiments.config.Experiment` of a family at ``size`` with the
    protocol's student (``width`` defaults to :func:`protocol_width`)."""
    width = protocol_width(family, size, degree) if width is None else _check_int(width, "width", 1)
    return Experiment(FAMILIES[family].model, family, _GROUPS[family], size, width,
                      degree=degree, seeds=seeds)


# --------------------------------------------------------------------------- constructions


def degree_parity_units(n: int, subset) -> dict:
    """Units the message-passing GNN needs to compute ``χ_S`` exactly on ``G(n, ·)``:
    ``breakpoints`` (the integers ``m`` where ``Δ²1_S(m) = 1_S(m−1) − 2·1_S(m) + 1_S(m+1) ≠ 0``;
    node units ``ReLU(d − m)`` with output weight ``Δ²1_S(m)`` give ``1[d ∈ S]`` at every
    integer degree), ``node`` (their number), ``head`` (``n``, the triangle wave over
    ``c = 0..n``), ``head_lower_bound`` (``n − 1``: the breakpoints an exact head needs along
    the count) and ``width`` (``max(node, head)``)."""
    n = _check_int(n, "n", 2)
    members = set(_check_degrees(subset, n))
    indicator = [1.0 if m in members else 0.0 for m in range(-2, n + 2)]  # index m + 2
    second = {m: indicator[m + 1] - 2 * indicator[m + 2] + indicator[m + 3] for m in range(-1, n + 1)}
    breakpoints = [m for m, value in second.items() if value != 0.0]
    return {"breakpoints": breakpoints, "slopes": [second[m] for m in breakpoints],
            "node": len(breakpoints), "head": n, "head_lower_bound": n - 1,
            "width": max(len(breakpoints), n)}


def _check_degrees(subset, n: int) -> tuple[int, ...]:
    degrees = tuple(_check_int(j, "subset entries", 0) for j in subset)
    if not degrees or any(j >= n for j in degrees) or len(set(degrees)) != len(degrees):
        raise ValueError(f"subset must hold distinct degrees in 0..{n - 1}, got {degrees}")
    return degrees


def _too_narrow(width: int, needed: int, what: str) -> None:
    if width < needed:
        raise ValueError(f"width must be at least {needed} to hold {what}, got width = {width}")


def _zero(module) -> None:
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.zero_()


def _sparse_parity(student, family, member: int, config) -> int:
    subset = list(family.members[member])
    k = len(subset)
    _too_narrow(config.width, k, f"the {k} units of the triangle wave of χ_S")
    from csqlab.hard.gnn import triangle_wave_coefficients

    coefficients = triangle_wave_coefficients(k) if k > 1 else np.array([1.0])
    first, second = student.layers
    sign = (-1.0) ** k
    _zero(student)
    with torch.no_grad():
        for r in range(k):  # u − r with u = (Σ_{i∈S} x_i + k)/2
            first.weight[r, subset] = 0.5
            first.bias[r] = k / 2 - r
            second.weight[0, r] = -2.0 * sign * coefficients[r]
        second.bias[0] = sign
    return k


def _frame_parities(student, family, member: int, config) -> int:
    from csqlab.hard.frames import member_network

    teacher = member_network(family, member, dtype=torch.float64)
    hidden = teacher.layers[0].weight.shape[0]
    _too_narrow(config.width, hidden, f"the teacher's |Orb(S)|·2^k = {hidden} units")
    backbone = student.network.backbone
    _zero(backbone)
    with torch.no_grad():
        backbone.layers[0].weight[:hidden] = teacher.layers[0].weight
        backbone.layers[1].weight[:, :hidden] = teacher.layers[1].weight
    return hidden


def _degree_parity(student, family, member: int, config) -> int:
    from csqlab.hard.gnn import triangle_wave_coefficients

    n = config.size
    units = degree_parity_units(n, family.members[member])
    _too_narrow(config.width, units["width"],
                f"the {units['node']} node units and n = {n} head units of χ_S")
    node_in, node_out = student.node_mlp[0], student.node_mlp[2]
    head_in, head_out = student.head[0], student.head[2]
    _zero(student)
    coefficients = triangle_wave_coefficients(n)
    with torch.no_grad():
        for u, (m, slope) in enumerate(zip(units["breakpoints"], units["slopes"], strict=True)):
            node_in.weight[u, 0] = 1.0
            node_in.bias[u] = -m
            node_out.weight[0, u] = slope  # pooled channel 0 = #{i : d_i ∈ S}
        for r in range(n):
            head_in.weight[r, 0] = 1.0
            head_in.bias[r] = -r
            head_out.weight[0, r] = -2.0 * coefficients[r]
        head_out.bias[0] = 1.0
    return units["width"]


def _norm(family, member: int) -> float:
    return float(np.broadcast_to(np.asarray(family.norm, dtype=float), (len(family),))[member])


def _planes(config, n_features: int) -> np.ndarray:
    """The planes the experiment's family was built with (same seed as its builder)."""
    from csqlab.hard import random_planes

    seed = config.data_seed + 1 if config.family == "gnn-planes" else config.data_seed
    return random_planes(len(config.seeds), n_features, seed=seed)


def _hidden_planes(student, family, member: int, config) -> int:
    from csqlab.hard.cnn import group_averaged_plane_weights
    from csqlab.hard.gnn import gnn_hidden_plane_weights

    k = config.degree
    _too_narrow(config.width, 2 * k, f"the teacher's 2k = {2 * k} units")
    plane = _planes(config, config.size)[member]
    weights = gnn_hidden_plane_weights if config.family == "gnn-planes" \
        else group_averaged_plane_weights
    W, a = weights(plane, k)
    full_W = np.zeros(tuple(student.W.shape))
    full_a = np.zeros(tuple(student.a.shape))
    full_W[:, :2 * k] = W
    full_a[:2 * k] = a / _norm(family, member)
    student.set_weights(full_W, full_a)
    return 2 * k


_CONSTRUCTIONS = {"sparse-parity": _sparse_parity, "frame-parities": _frame_parities,
                  "degree-parity": _degree_parity, "gnn-planes": _hidden_planes,
                  "cnn-planes": _hidden_planes}


def constructed_student(config: Experiment, member: int | None = None, dtype=torch.float64):
    """``(setup, student, units)``: the protocol's student of ``config`` (its family's
    builder, :data:`csqlab.experiments.config.FAMILIES`) with explicit weights computing
    the normalised teacher ``member`` exactly (default: the family's first admissible teacher,
    ``setup.candidates[0]``), and the number of hidden units the
    construction uses. ValueError naming ``width`` when the student is too narrow, and for
    the set monomials (no exact ReLU construction: :func:`width_check` fits instead)."""
    if not isinstance(config, Experiment):
        raise TypeError(f"config must be a csqlab.experiments.Experiment, got {type(config).__name__}")
    if config.family not in _CONSTRUCTIONS:
        raise ValueError(f"config.family must be one of {sorted(_CONSTRUCTIONS)} (an exact "
                         f"construction exists), got {config.family!r}")
    setup = FAMILIES[config.family].build(config)
    member = _check_member(member, setup)
    student = setup.student(0, dtype)
    units = _CONSTRUCTIONS[config.family](student, setup.family, member, config)
    return setup, student, units


# --------------------------------------------------------------------------- evaluation and fitting


def _check_fit(n_train, n_test, lr, seed) -> tuple[int, int, float, int]:
    """The training arguments shared by :func:`width_check` and :func:`degree_parity_diagnosis`."""
    n_train = _check_int(n_train, "n_train", 1)
    n_test = _check_int(n_test, "n_test", 2)
    lr = _check_real(lr, "lr")
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr}")
    return n_train, n_test, lr, _check_int(seed, "seed", 0)


def _check_member(member, setup) -> int:
    if member is None:
        return int(setup.candidates[0])
    member = _check_int(member, "member", 0)
    if member not in set(int(m) for m in setup.candidates):
        raise ValueError(f"member must be an admissible teacher, one of "
                         f"{[int(m) for m in setup.candidates]}, got {member}")
    return member


def _mse(setup, student, x: np.ndarray, y: np.ndarray, dtype) -> float:
    with torch.no_grad():
        inputs = setup.inputs(torch.as_tensor(x, dtype=dtype))
        out = student(*inputs).reshape(-1).to(torch.float64).numpy()
    return float(np.mean((out - y) ** 2))


def _train(setup, student, x_train, y_train, lr: float, steps: int, batch: int, seed: int,
           dtype) -> None:
    """Adam on the square loss, minibatches drawn from the fixed training set."""
    x_train = torch.as_tensor(x_train, dtype=dtype)
    y_train = torch.as_tensor(y_train, dtype=dtype)
    optimiser = torch.optim.Adam(student.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(int(seed))
    for _ in range(steps):
        index = torch.randint(0, len(x_train), (batch,), generator=generator)
        prediction = student(*setup.inputs(x_train[index])).reshape(-1)
        loss = ((prediction - y_train[index]) ** 2).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()


def _add_noise(student, noise: float, seed: int) -> None:
    generator = torch.Generator().manual_seed(int(seed))
    with torch.no_grad():
        for parameter in student.parameters():
            parameter.add_(noise * torch.randn(parameter.shape, generator=generator,
                                               dtype=torch.float64).to(parameter.dtype))


def _set_monomial_warm_start(student, subset, rows: int, knots: int) -> None:
    """Polarisation with ``t^k`` interpolated by ReLUs on ``[−T, T]``, ``T = 3√k`` (the
    directions ``ε·x_S`` have variance ``k``); the head passes the pooled channel through
    ``ReLU(p + B) − B``."""
    k = len(subset)
    signs = np.array([(1,) + tuple(1 - 2 * ((m >> b) & 1) for b in range(k - 1))
                      for m in range(1 << (k - 1))], dtype=float)
    scale = 1.0 / (math.factorial(k) * 2 ** (k - 1) * math.sqrt(rows))
    grid = np.linspace(-3 * math.sqrt(k), 3 * math.sqrt(k), knots)
    values = grid**k
    slopes = np.diff(values) / np.diff(grid)
    changes = np.concatenate([[slopes[0]], np.diff(slopes)])  # at grid[0..knots-2]
    node_in, node_out = student.node_mlp[0], student.node_mlp[2]
    head_in, head_out = student.head[0], student.head[2]
    _zero(student)
    shift = 20.0
    with torch.no_grad():
        unit = 0
        for epsilon in signs:
            weight = scale * float(np.prod(epsilon))
            for knot, change in zip(grid[:-1], changes, strict=True):
                node_in.weight[unit, list(subset)] = torch.as_tensor(epsilon, dtype=node_in.weight.dtype)
                node_in.bias[unit] = -knot
                node_out.weight[0, unit] = weight * change
                unit += 1
            node_out.bias[0] += weight * values[0]
        head_in.weight[0, 0] = 1.0
        head_in.bias[0] = shift
        head_out.weight[0, 0] = 1.0
        head_out.bias[0] = -shift


@dataclass(frozen=True)
class WidthCheck:
    """One answer of :func:`width_check`: ``route`` is ``"construction"`` (``units`` hidden
    units of the ``width`` used, ``test_mse`` is round-off) or ``"fit"`` / ``"fit, default"``
    (``start_mse`` of the warm start or of the default initialisation, then ``train_mse``/``test_mse`` after ``steps`` Adam steps on
    ``n_train`` fixed points); ``seconds`` of wall time."""

    family: str
    size: int
    degree: int
    width: int
    route: str
    units: int | None
    start_mse: float | None
    train_mse: float | None
    test_mse: float
    steps: int
    n_train: int
    seconds: float


def width_check(family: str, size: int, degree: int, width: int | None = None, *,
                member: int | None = None, n_test: int = 4096, n_train: int = 8192, steps: int = 1500,
                lr: float = 1e-3, seed: int = 0, start: str = "warm") -> WidthCheck:
    """Can a student of ``width`` (default: the protocol's, :func:`protocol_width`)
    represent teacher ``member`` (default ``candidates[0]``) of ``family`` at ``size``? By construction where one
    exists (float64, test MSE on ``n_test`` fresh inputs against ``family.evaluate``),
    else (``"set-monomials"``) by a supervised fit: the warm start of the module docstring
    (``start="warm"``; ``"default"``: the protocol's initialisation instead), ``steps`` Adam steps (``lr``, batch 256) on ``n_train`` fixed points, float32. Inputs
    are drawn from ``seed``. About 0.1 s by construction, ~8 s for the fit (one core)."""
    _check_family(family)
    config = protocol_config(family, size, degree, width)
    n_train, n_test, lr, seed = _check_fit(n_train, n_test, lr, seed)
    steps = _check_int(steps, "steps", 0)
    if start not in ("warm", "default"):
        raise ValueError(f"start must be 'warm' or 'default', got {start!r}")
    initialisation, start = start, time.perf_counter()
    generator = np.random.default_rng([seed, 23])
    if family in _CONSTRUCTIONS:
        setup, student, units = constructed_student(config, member)
        member = _check_member(member, setup)
        x = setup.sample(n_test, generator)
        y = setup.family.evaluate(x, [member])[:, 0]
        return WidthCheck(family, config.size, config.degree, config.width, "construction",
                          units, None, None, _mse(setup, student, x, y, torch.float64), 0, 0,
                          time.perf_counter() - start)
    setup = FAMILIES[family].build(config)
    member = _check_member(member, setup)
    dtype = torch.float32
    student = setup.student(seed, dtype)
    if initialisation == "warm":
        blocks = 2 ** (config.degree - 1)
        knots = config.width // blocks  # knots − 1 units per direction
        if knots < 3:
            raise ValueError(f"width must be at least {3 * blocks} for the warm start of "
                             f"{blocks} polarisation directions, got width = {config.width}")
        _set_monomial_warm_start(student, setup.family.members[member], 8, knots)
        _add_noise(student, 1e-3, seed)
    x_train = setup.sample(n_train, generator)
    y_train = setup.family.evaluate(x_train, [member])[:, 0]
    x = setup.sample(n_test, generator)
    y = setup.family.evaluate(x, [member])[:, 0]
    start_mse = _mse(setup, student, x, y, dtype)
    _train(setup, student, x_train, y_train, lr, steps, 256, seed, dtype)
    return WidthCheck(family, config.size, config.degree, config.width,
                      "fit" if initialisation == "warm" else "fit, default", None, start_mse,
                      _mse(setup, student, x_train, y_train, dtype), _mse(setup, student, x, y, dtype),
                      steps, n_train, time.perf_counter() - start)


def width_checks(cases=CASES, **options) -> list[WidthCheck]:
    """:func:`width_check` for every ``(family, size, degree)`` of ``cases``."""
    return [width_check(family, size, degree, **options) for family, size, degree in cases]


def format_width_checks(checks) -> str:
    """The checks as a small text table (one line per check)."""
    lines = [f"{'family':15s} {'size':>4s} {'k':>2s} {'width':>5s} {'route':12s} {'units':>5s} "
             f"{'start':>9s} {'train MSE':>9s} {'test MSE':>9s}"]
    for c in checks:
        lines.append(f"{c.family:15s} {c.size:4d} {c.degree:2d} {c.width:5d} {c.route:12s} "
                     f"{'-' if c.units is None else c.units:>5} "
                     f"{_number(c.start_mse):>9s} {_number(c.train_mse):>9s} {_number(c.test_mse):>9s}")
    return "\n".join(lines)


def _number(value) -> str:
    if value is None:
        return "-"
    return "< 1e-20" if value < 1e-20 else f"{value:.2e}"


# --------------------------------------------------------------------------- the degree-parity diagnosis


@dataclass(frozen=True)
class DiagnosisRow:
    """One start of :func:`degree_parity_diagnosis`: ``start`` (``"construction"``,
    ``"construction + noise"``, ``"default"``, or ``"count c -> MLP, raw"`` / ``", scaled"``
    for the head's task alone), ``noise`` (std of the Gaussian added to
    every weight), ``width``, ``lr``, ``steps``, the test MSE at the start and the train and
    test MSE at the end (trivial level 1)."""

    start: str
    noise: float
    width: int
    lr: float
    steps: int
    start_mse: float
    train_mse: float
    test_mse: float


def degree_parity_diagnosis(n: int = 8, subset=None, *, noises=(0.01, 0.1),
                            multipliers=(2, 4, 8), n_train: int = 8192, n_test: int = 4096,
                            warm_steps: int = 300, default_steps: int = 1000,
                            lr: float = 3e-3, seed: int = 0) -> dict:
    """Theorem A's experiment at small ``n``: can the message-passing GNN (node MLP ``1 → 2n → 2n``, head
    ``2n → 2n → 1``) fit a degree-histogram parity ``χ_S`` on directed ``G(n, ½)``?

    Returns ``units`` (:func:`degree_parity_units`: the construction's node and head units,
    and the head's lower bound ``n − 1``), ``window``, ``subset`` (default: the whole window,
    ``|S| = round(√n)``) and ``rows`` (:class:`DiagnosisRow`): the construction (float64,
    exact), the construction plus Gaussian ``noises`` trained ``warm_steps`` Adam steps, and
    the default initialisation at widths ``m·n`` for ``m`` in ``multipliers`` (``2n`` is the
    protocol's) trained ``default_steps`` steps, and the head's task alone: a default MLP
    ``1 → 2n → 1`` given the true count ``c`` (raw ``0..n``, then standardised by the
    training set's mean and deviation) — all float32, batch 256 from one fixed
    training set of ``n_train`` graphs, learning rate ``lr``. About 11 s at ``n = 8`` (one core)."""
    n = _check_int(n, "n", 2)
    from csqlab.hard import gnn

    family = gnn.degree_parity_family(n)
    window = family.members[-1]
    subset = window if subset is None else tuple(sorted(_check_degrees(subset, n)))
    if subset not in family.members:
        raise ValueError(f"subset must be a non-empty subset of the window {window}, got {subset}")
    noises = tuple(_check_real(s, "noises[]") for s in noises)
    if any(s <= 0 for s in noises):
        raise ValueError(f"noises must be positive, got {noises}")
    multipliers = tuple(_check_int(m, "multipliers[]", 1) for m in multipliers)
    n_train, n_test, lr, seed = _check_fit(n_train, n_test, lr, seed)
    warm_steps = _check_int(warm_steps, "warm_steps", 0)
    default_steps = _check_int(default_steps, "default_steps", 0)
    member = family.members.index(subset)
    generator = np.random.default_rng([seed, 29])
    x_train = family.sample(n_train, generator)
    x_test = family.sample(n_test, generator)
    y_train = family.evaluate(x_train, [member])[:, 0]
    y_test = family.evaluate(x_test, [member])[:, 0]
    rows = []

    def finish(start, noise, setup, student, steps, start_mse, dtype):
        _train(setup, student, x_train, y_train, lr, steps, 256, seed, dtype)
        rows.append(DiagnosisRow(start, noise, setup_width(setup, student), lr, steps, start_mse,
                                 _mse(setup, student, x_train, y_train, dtype),
                                 _mse(setup, student, x_test, y_test, dtype)))

    config = protocol_config("degree-parity", n, 2)
    setup, exact, _ = constructed_student(config, member)
    exact_mse = _mse(setup, exact, x_test, y_test, torch.float64)
    rows.append(DiagnosisRow("construction", 0.0, config.width, 0.0, 0, exact_mse,
                             _mse(setup, exact, x_train, y_train, torch.float64), exact_mse))
    for noise in noises:
        _, student, _ = constructed_student(config, member, torch.float32)
        _add_noise(student, noise, seed)
        finish("construction + noise", noise, setup, student, warm_steps,
               _mse(setup, student, x_test, y_test, torch.float32), torch.float32)
    for multiplier in multipliers:
        wide = FAMILIES["degree-parity"].build(protocol_config("degree-parity", n, 2, multiplier * n))
        student = wide.student(seed, torch.float32)
        finish("default", 0.0, wide, student, default_steps,
               _mse(wide, student, x_test, y_test, torch.float32), torch.float32)
    # the head's half alone: the true count c = #{i : d_i ∈ S} given, a default MLP
    # 1 → 2n → 1 must draw (−1)^c over the typical counts (raw, then standardised)
    from types import SimpleNamespace

    from csqlab.models import MLP

    counts = [np.isin(x.sum(axis=2), subset).sum(axis=1)[:, None].astype(float)
              for x in (x_train, x_test)]
    mean, spread = counts[0].mean(), counts[0].std() or 1.0
    plain = SimpleNamespace(inputs=lambda x: (x,))
    for label, (shift, scale) in (("count c -> MLP, raw", (0.0, 1.0)),
                                  ("count c -> MLP, scaled", (mean, spread))):
        train, test = ((c - shift) / scale for c in counts)
        student = MLP(1, (2 * n,), dtype=torch.float32, seed=seed)
        start_mse = _mse(plain, student, test, y_test, torch.float32)
        _train(plain, student, train, y_train, lr, default_steps, 256, seed, torch.float32)
        rows.append(DiagnosisRow(label, 0.0, 2 * n, lr, default_steps, start_mse,
                                 _mse(plain, student, train, y_train, torch.float32),
                                 _mse(plain, student, test, y_test, torch.float32)))
    return {"n": n, "window": window, "subset": subset,
            "units": degree_parity_units(n, subset), "rows": rows}


def setup_width(setup, student) -> int:
    """The width of a message-passing student (its node MLP's hidden layer)."""
    return int(student.node_mlp[0].out_features)


def format_diagnosis(diagnosis: dict) -> str:
    """:func:`degree_parity_diagnosis` as a text table (two lines and one per row)."""
    units = diagnosis["units"]
    lines = [f"n = {diagnosis['n']}, window {diagnosis['window']}, S = {diagnosis['subset']}: "
             f"construction uses {units['node']} node units and {units['head']} head units "
             f"(an exact head needs >= {units['head_lower_bound']}); protocol width "
             f"2n = {2 * diagnosis['n']}",
             f"{'start':24s} {'noise':>5s} {'width':>5s} {'steps':>5s} {'start MSE':>9s} "
             f"{'train MSE':>9s} {'test MSE':>9s}"]
    for row in diagnosis["rows"]:
        lines.append(f"{row.start:24s} {row.noise:5.2f} {row.width:5d} {row.steps:5d} "
                     f"{_number(row.start_mse):>9s} {_number(row.train_mse):>9s} "
                     f"{_number(row.test_mse):>9s}")
    return "\n".join(lines)
