"""Short online runs of one student on one member of a hard family (lessons 8–10 and 12).

Each trains a wider student with Adam on fresh batches of a normalised member (our experiment protocol
protocol, **ours**) through :func:`csqlab.training.online.train_online`; the test MSE stays
near the trivial level 1 on the hard families. :func:`train_gnn_student` — a
:class:`csqlab.models.ShallowGNN` on per-node hidden planes (lesson 8);
:func:`train_cnn_student` — a :class:`csqlab.models.GroupAveragedNetwork` (a CNN for
``C_n``) on group-averaged hidden planes (lesson 9); :func:`train_member` — any network on
any family, the curve normalised by ``mean y²`` (lessons 10 and 12).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from csqlab._validation import _check_int, _generator
from csqlab.hard.family import HardFamily
from csqlab.hard.polynomials import set_network_on_sets
from csqlab.models import GroupAveragedNetwork, ShallowGNN
from csqlab.training.online import train_online

__all__ = ["StudentRun", "train_gnn_student", "train_cnn_student", "TrainingCurve",
           "train_member"]


class StudentRun(NamedTuple):
    """Test MSE of a student against a normalised member at ``steps`` (``test_mse[0]`` at
    initialisation). The trivial predictor 0 scores 1."""

    steps: np.ndarray
    test_mse: np.ndarray


def train_gnn_student(family: HardFamily, member: int = 0, width: int = 16, steps: int = 200,
                  lr: float = 3e-3, batch_size: int = 128, n_test: int = 2048,
                  record_every: int = 10, seed: int = 0) -> StudentRun:
    """Online Adam on the square loss: a :class:`csqlab.models.ShallowGNN` student of ``width``
    units learns member ``member`` of a :func:`csqlab.hard.gnn.gnn_hidden_plane_family` (normalised,
    ``E[f*²] = 1``) from fresh batches each step (so GD stays a CSQ algorithm; our experiment protocol
    protocol, **[ours]**). Test set of ``n_test`` draws; everything seeded by ``seed``.
    The loop is :func:`csqlab.training.online.train_online`.
    """
    if not isinstance(family, HardFamily) or family.distribution != "fixed graph A, X ~ N(0, I)":
        raise TypeError("family must be a gnn_hidden_plane_family")
    member = _check_int(member, "member", 0)
    if member >= len(family):
        raise ValueError(f"member must be < {len(family)}, got {member}")
    width = _check_int(width, "width", 1)
    # steps, lr, batch_size, n_test and record_every are validated by train_online
    n = family.input_shape[0]
    d = family.input_shape[1] - n

    def sample(size, generator):
        x = family.sample(size, generator)
        return (x[:, :, :n], x[:, :, n:]), family.evaluate(x, [member])[:, 0]

    run = train_online(ShallowGNN(d, width, seed=seed), sample, steps, lr=lr,
                       batch_size=batch_size, n_test=n_test, record_every=record_every,
                       seed=seed)
    return StudentRun(run.steps, run.test_mse)


def train_cnn_student(family: HardFamily, member: int = 0, width: int = 16, steps: int = 200,
                      lr: float = 3e-3, batch_size: int = 128, n_test: int = 2048,
                      record_every: int = 10, seed: int = 0) -> StudentRun:
    """Online Adam on the square loss: a :class:`csqlab.models.GroupAveragedNetwork` student
    (a :class:`csqlab.models.CircularCNN` for ``C_n``) of ``width`` filters learns member
    ``member`` of a :func:`csqlab.hard.cnn.group_averaged_plane_family` (normalised, ``E[f*²] = 1``: predicting
    0 scores 1) from fresh batches each step, so GD stays a CSQ algorithm (our experiment protocol,
    **[ours]**). Test set of ``n_test`` draws; everything seeded by ``seed``. The loop is
    :func:`csqlab.training.online.train_online`.
    """
    if not isinstance(family, HardFamily) or "averaged hidden planes" not in family.name:
        raise TypeError("family must be a group_averaged_plane_family")
    member = _check_int(member, "member", 0)
    if member >= len(family):
        raise ValueError(f"member must be < {len(family)}, got {member}")
    width = _check_int(width, "width", 1)
    # steps, lr, batch_size, n_test and record_every are validated by train_online

    def sample(size, generator):
        x = family.sample(size, generator)
        return x, family.evaluate(x, [member])[:, 0]

    student = GroupAveragedNetwork(family.input_shape[0], width, family.group, seed=seed)
    run = train_online(student, sample, steps, lr=lr, batch_size=batch_size, n_test=n_test,
                       record_every=record_every, seed=_generator(None, seed))
    return StudentRun(run.steps, run.test_mse)


class TrainingCurve(NamedTuple):
    """``steps`` and the normalised test loss ``Σ(h − y)²/Σ y²`` on a fixed test set
    (predicting 0 scores exactly 1, the trivial level)."""

    steps: np.ndarray
    test_loss: np.ndarray


def train_member(network, family: HardFamily, member: int, steps: int, *, batch_size: int = 256,
                 lr: float = 1e-3, test_size: int = 4096, eval_every: int = 25,
                 seed: int = 0) -> TrainingCurve:
    """Adam on the square loss with a fresh batch from the family's distribution at every step
    (online: every gradient is an average over new samples, the CSQ regime of lesson 4).
    The target is member ``member`` (unit norm). ``network`` is evaluated with
    :func:`csqlab.hard.polynomials.set_network_on_sets` for set families, else called on ``x``. The loop is
    :func:`csqlab.training.online.train_online`; the curve is its test MSE over ``mean y²``."""
    if not isinstance(family, HardFamily):
        raise TypeError(f"family must be a HardFamily, got {type(family).__name__}")
    member = _check_int(member, "member", 0)
    if member >= len(family):
        raise ValueError(f"member must be < {len(family)}, got {member}")
    # named here: the shared loop calls them n_test and record_every
    test_size = _check_int(test_size, "test_size", 1)
    eval_every = _check_int(eval_every, "eval_every", 1)
    on_sets = len(family.input_shape) == 2

    def sample(size, generator):
        x = family.sample(size, generator)
        return x, family.evaluate(x, [member])[:, 0]

    def forward(student, x):
        return set_network_on_sets(student, x) if on_sets else student(x).reshape(-1)

    run = train_online(network, sample, steps, lr=lr, batch_size=batch_size,
                        n_test=test_size, record_every=eval_every, seed=seed, forward=forward)
    return TrainingCurve(run.steps, run.test_mse / run.trivial_mse)
