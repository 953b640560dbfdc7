"""The frame-averaging experiment: Theorem D, orbit-averaged parities of ReLUs (lesson 9).
"""

from __future__ import annotations

import numpy as np
import torch

from csqlab.experiments.setup import FamilySpec, _group, _seed_candidates, _Setup
from csqlab.training.students import _FramedStudent


def _build_frame_parities(config) -> _Setup:
    """Theorem D: ``G``-orbit-averaged parities of ReLUs ``R_G f_S`` (Goel et al. 2020
    lifted), ``x ~ N(0, I_n)``, ``k = degree`` (even, for ReLU). Student:
    :class:`csqlab.models.FrameAveragedMLP` (canonicalisation frame of ``G``, one hidden
    layer of width ``config.width``; the teacher needs ``|Orb(S)|·2^k`` units)."""
    from csqlab import groups
    from csqlab.hard import parity_of_activations_family
    from csqlab.models import FrameAveragedMLP

    group = _group(config.group, config.size)
    family = parity_of_activations_family(config.size, config.degree, group=group)
    frame = groups.canonical_frame(group)

    def student(seed, dtype):
        return _FramedStudent(FrameAveragedMLP(frame, hidden=(config.width,), dtype=dtype,
                                               seed=int(seed)))

    return _Setup(family, _seed_candidates(len(family)), family.sample, student,
                  lambda x: _frame_inputs(frame, x), config.size * 2**config.degree)


def _frame_inputs(frame, x: torch.Tensor) -> tuple:
    """``(g⁻¹·x_b stacked, b, 1/|F(x_b)|, zeros(B))`` for :class:`_FramedStudent`."""
    batch_index, elements = frame(x.detach().cpu().numpy())
    counts = np.bincount(batch_index, minlength=x.shape[0])
    index = torch.as_tensor(batch_index, device=x.device, dtype=torch.long)
    transformed = x[index[:, None], torch.as_tensor(elements, device=x.device, dtype=torch.long)]
    weights = torch.as_tensor(1.0 / counts[batch_index], device=x.device, dtype=x.dtype)
    return transformed, index, weights, x.new_zeros(x.shape[0])


FRAME_PARITIES = FamilySpec("frame-parities", "frame-mlp", "§4.4",
                            "orbit-averaged parities of ReLUs (frame-averaged MLP)",
                            _build_frame_parities)
