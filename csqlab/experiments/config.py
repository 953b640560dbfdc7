"""One training configuration (:class:`Experiment`), its hashes, and the families it can use.

:data:`FAMILIES` collects the :class:`~csqlab.experiments.setup.FamilySpec` of each section
module. :func:`config_hash` hashes the configuration's fields only (canonical JSON), so the
hashes of the shipped results in ``csqlab/data`` do not depend on where the code lives.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass

import torch

from csqlab._validation import _check_int
from csqlab.experiments import cnn, frames, gnn, parity, polynomials
from csqlab.experiments.setup import FamilySpec
from csqlab.training.gd import _check_positive

# =========================================================================================
# Section 2 — experiments: training students on hard families (our experiment protocol; lessons 8–11)
# =========================================================================================
#
# The protocol is **ours** (the paper states only that over-parameterised networks trained
# by gradient methods fail on the hard symmetric classes as the size grows; the paper's
# exact settings are unknown). One experiment is a frozen :class:`Experiment`:
#
# * teacher: a member of a hard family, normalised so ``E[f*²] = 1`` (predicting 0 scores
#   test MSE 1, the *trivial line*);
# * student: the same architecture as the teacher, wider, with standard initialisation;
# * square loss ``½ mean (h − y)²``, Adam (or SGD), a learning rate from the sweep;
# * online (``n_train=None``: a fresh batch each step, so every gradient is an average
#   over new samples and GD is a CSQ algorithm, lesson 4) or a fixed training set of
#   ``n_train`` points (minibatches drawn from it: it can memorise, it need not generalise);
# * several seeds; test MSE on ``n_test`` fresh points every ``eval_every`` steps.
#
# Seeds: seed ``s`` draws the student's initialisation and the teacher member; the input
# stream (training batches, training set, test set) comes from ``data_seed`` and is shared
# by every seed of the run. Sharing the inputs is what lets the engine train all seeds at
# once (csqlab.training.students: the input-only work is done once, and a first layer is
# one matrix product with every seed's weights); the labels differ per seed because the
# teachers do.

_GROUP_NAMES = ("trivial", "cyclic", "dihedral", "symmetric")
_OPTIMISERS = ("adam", "sgd")
_DTYPES = {"float32": torch.float32, "float64": torch.float64}

@dataclass(frozen=True)
class Experiment:
    """One training configuration (all seeds of it run together).

    ``model`` — student architecture (must match the family: see :data:`FAMILIES`);
    ``family`` — the hard family the teacher is drawn from; ``group`` — its symmetry
    group by name (``"trivial"``, ``"cyclic"``, ``"dihedral"``, ``"symmetric"``);
    ``size`` — the input size ``n`` or ``d`` of the theorem; ``degree`` — the family's
    ``k``; ``width`` — student width; ``optimiser`` (``"adam"`` or ``"sgd"``), ``lr``,
    ``batch``, ``steps``; ``n_train`` — ``None`` for online training (fresh batches) or
    the size of a fixed training set; ``n_test``; ``seeds``; ``eval_every`` — checkpoint
    spacing in steps; ``data_seed`` — the shared input stream; ``dtype`` — the student's
    float type (``"float32"`` or ``"float64"``).
    """

    model: str
    family: str
    group: str
    size: int
    width: int
    degree: int = 2
    optimiser: str = "adam"
    lr: float = 1e-3
    batch: int = 128
    steps: int = 300
    n_train: int | None = None
    n_test: int = 2048
    seeds: tuple[int, ...] = (0, 1, 2)
    eval_every: int = 50
    data_seed: int = 0
    dtype: str = "float32"

    def __post_init__(self):
        for name in ("model", "family", "group"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"{name} must be a string, got {getattr(self, name)!r}")
        if self.family not in FAMILIES:
            raise ValueError(f"family must be one of {sorted(FAMILIES)}, got {self.family!r}")
        expected = FAMILIES[self.family].model
        if self.model != expected:
            raise ValueError(f"model must be {expected!r} for family {self.family!r}, "
                             f"got {self.model!r}")
        if self.group not in _GROUP_NAMES:
            raise ValueError(f"group must be one of {list(_GROUP_NAMES)}, got {self.group!r}")
        for name, minimum in (("size", 2), ("width", 1), ("degree", 1), ("batch", 1),
                              ("steps", 0), ("n_test", 2), ("eval_every", 1), ("data_seed", 0)):
            _check_int(getattr(self, name), name, minimum)
        if self.n_train is not None:
            _check_int(self.n_train, "n_train", 1)
        _check_positive(self.lr, "lr")
        if self.optimiser not in _OPTIMISERS:
            raise ValueError(f"optimiser must be one of {list(_OPTIMISERS)}, got {self.optimiser!r}")
        if self.dtype not in _DTYPES:
            raise ValueError(f"dtype must be one of {sorted(_DTYPES)}, got {self.dtype!r}")
        if not isinstance(self.seeds, tuple) or not self.seeds:
            raise TypeError(f"seeds must be a non-empty tuple of integers, got {self.seeds!r}")
        for seed in self.seeds:
            _check_int(seed, "seeds[]", 0)
        if len(set(self.seeds)) != len(self.seeds):
            raise ValueError(f"seeds must be distinct, got {self.seeds}")

    @property
    def online(self) -> bool:
        """True when every step draws a fresh batch (the CSQ regime)."""
        return self.n_train is None

    def as_dict(self) -> dict:
        """The fields as a JSON-ready dict (seeds as a list)."""
        values = dataclasses.asdict(self)
        values["seeds"] = list(self.seeds)
        return values


def config_hash(config: Experiment) -> str:
    """SHA-256 (hex) of the configuration's fields, canonical JSON (sorted keys).

    Identifies a configuration independently of the package version; the on-disk cache
    key adds the version (:func:`cache_key`)."""
    if not isinstance(config, Experiment):
        raise TypeError(f"config must be a csqlab.experiments.Experiment, got {type(config).__name__}")
    text = json.dumps(config.as_dict(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def cache_key(config: Experiment) -> str:
    """The cache key: SHA-256 of the configuration hash and ``csqlab.__version__`` (a new
    version recomputes rather than trusting results of older code)."""
    from csqlab import __version__

    return hashlib.sha256(f"{config_hash(config)}:{__version__}".encode()).hexdigest()


FAMILIES: dict[str, FamilySpec] = {
    spec.name: spec for spec in (gnn.DEGREE_PARITY, gnn.GNN_PLANES, cnn.CNN_PLANES,
                                 frames.FRAME_PARITIES, polynomials.SET_MONOMIALS,
                                 parity.SPARSE_PARITY)
}
"""The families an :class:`Experiment` can use, by name (``family`` field), with the student
architecture each pairs with (``model`` field)."""
