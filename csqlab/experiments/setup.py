"""What a run needs from a hard family (:class:`_Setup`), and the :class:`FamilySpec` that names it.

One module per result of the paper (:mod:`csqlab.experiments.gnn`, ``cnn``, ``frames``,
``polynomials``, and ``parity`` for the contrast) builds its family's :class:`_Setup` from an
:class:`csqlab.experiments.config.Experiment`; this module holds what they share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from csqlab.training.students import _plain_mlp


@dataclass
class _Setup:
    """What a run needs from a family: the family, the members a teacher may be, how to
    draw inputs, the student, and how the student reads an input batch."""

    family: object
    candidates: np.ndarray
    sample: Callable[[int, np.random.Generator], np.ndarray]
    student: Callable[[int, torch.dtype], nn.Module]
    inputs: Callable[[torch.Tensor], tuple]
    teacher_units: int


@dataclass(frozen=True)
class FamilySpec:
    """A hard family usable in experiments: ``model`` is the student architecture it
    pairs with, ``section`` the result of the paper it serves, ``build(config) -> _Setup``."""

    name: str
    model: str
    section: str
    description: str
    build: Callable


def _group(name: str, n: int):
    from csqlab import groups

    return {"trivial": groups.trivial, "cyclic": groups.cyclic, "dihedral": groups.dihedral,
            "symmetric": groups.symmetric}[name](n)

def _message_passing_student(in_features: int, width: int, seed: int, dtype):
    """A one-layer message-passing GNN ``head(Σ_i node_mlp(agg(A, X)_i))``: node MLP
    ``in → width → width``, sum readout, head ``width → width → 1`` (the architecture of
    the degree-parity teacher and of DeepSets)."""
    from csqlab.models import MessagePassingGNN

    generator = torch.Generator().manual_seed(int(seed))
    node_mlp = _plain_mlp((in_features, width, width), generator, dtype)
    head = _plain_mlp((width, width, 1), generator, dtype)
    return MessagePassingGNN(node_mlp, head=head, aggregation="sum", readout="sum")


def _seed_candidates(count: int) -> np.ndarray:
    return np.arange(count)

def _distinct_subsets(config) -> list[tuple[int, ...]]:
    """One random ``degree``-subset of ``range(size)`` per seed, all distinct, drawn from
    ``data_seed`` (so every seed trains on its own target)."""
    generator = np.random.default_rng(config.data_seed)
    subsets: list[tuple[int, ...]] = []
    while len(subsets) < len(config.seeds):
        subset = tuple(sorted(int(j) for j in generator.choice(config.size, config.degree,
                                                                 replace=False)))
        if subset not in subsets:
            subsets.append(subset)
    return subsets
