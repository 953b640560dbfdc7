"""The hard-family object: members, evaluation, correlations, invariance group (lessons 3–10).

A **hard family** is a list of functions ``f_1, …, f_m`` on a known input distribution
``D`` with ``‖f_i‖ = 1`` and small pairwise correlations ``|⟨f_i, f_j⟩| ≤ γ`` (``i ≠ j``),
``⟨f, g⟩ = E_{x~D}[f(x) g(x)]``. Fed to the counting lemma (lessons/notes/proof-maps.md,
:func:`csqlab.bounds.counting_lemma`), ``m`` and ``γ`` give the CSQ lower bound
``q ≥ m(τ² − γ)/2``.

:class:`HardFamily` is one small dataclass, not a class hierarchy: every family of the
course (parities, parities of ReLUs, hidden planes, and the paper's GNN/CNN/frame/polynomial
lifts) is built by a function that fills its fields.

* ``members`` — the members this object holds, as hashable labels (subsets as sorted
  tuples, orbit representatives, plane indices, …). Positions in this list are the
  indices ``i, j`` used by :meth:`HardFamily.evaluate`, :meth:`HardFamily.correlation`
  and :meth:`HardFamily.gram`.
* ``log10_size`` / ``size`` — the size ``m`` of the family the bound speaks about. Usually
  ``len(members)``; for families too large to list (``C(n, k)`` with large ``n``) the
  object holds a few members while ``size`` counts them all (``size`` is ``None`` when
  only an estimate of ``log10 m`` is known).
* ``gamma`` — ``max_{i≠j} |⟨f_i, f_j⟩|`` over the whole family as the bound uses it
  (exactly 0 for the orthogonal families).
* ``norm`` — the norm of the *un-normalised* construction (``‖F‖`` for hidden planes,
  ``‖f_S‖`` for parities of ReLUs, one value per member for orbit averages). Members as
  evaluated are divided by it, so they have norm 1.
* ``group`` and ``action`` — the invariance group of every member
  (a :class:`csqlab.groups.PermutationGroup`; trivial for the classical families) and how
  it acts on inputs (``"vectors"``: ``g·x = x[g⁻¹]``; ``"graphs"``: ``(A, X) ↦ (PAPᵀ, PX)``).
* ``distribution`` — ``"cube"`` (uniform on ``{−1,+1}^n``), ``"gaussian"`` (``N(0, I)``) or
  another name; :meth:`HardFamily.sample` draws inputs from it.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from csqlab.boolean import _check_int, _generator, cube
from csqlab.bounds import max_offdiagonal, pairwise_correlation_from_samples
from csqlab.groups import PermutationGroup, trivial

__all__ = ["HardFamily", "FamilyGram", "MAX_ENUMERATION_DIM"]

#: Largest ``n`` for which :meth:`HardFamily.gram` enumerates the cube (``2**n`` points).
MAX_ENUMERATION_DIM = 16

_ENUMERATION_CHUNK = 2**14

#: Entries (float64) of the largest array a family's evaluation makes for one chunk of
#: members (32 MiB): the members of a call are evaluated together, a chunk at a time.
_EVALUATION_BUDGET = 2**22


def evaluate_in_chunks(evaluate, x: np.ndarray, indices: np.ndarray, per_member: int) -> np.ndarray:
    """``evaluate(x, indices)`` (``(B, len(indices))``) computed for as many members at once
    as keep its largest array under :data:`_EVALUATION_BUDGET` entries, given ``per_member``,
    the entries one member adds to it on this batch; the chunks' columns in order. A sweep's
    batch of all its seeds' teachers is one chunk; the members of a large Monte Carlo batch
    are split, so evaluating many members together needs no more memory than one at a time
    beyond the budget. A member's column is the same in any chunk up to float round-off
    (tests/test_hard_members_together.py)."""
    size = max(1, _EVALUATION_BUDGET // max(1, int(per_member)))
    if len(indices) <= size:
        return evaluate(x, indices)
    return np.concatenate([evaluate(x, indices[start:start + size])
                           for start in range(0, len(indices), size)], axis=1)


class FamilyGram(NamedTuple):
    """A Gram matrix ``G_ij = ⟨f_i, f_j⟩`` of family members, with its provenance.

    ``standard_error`` is zero for the exact routes (``"exact"``, ``"enumeration"``) and the
    entrywise Monte Carlo standard error ``s_ij/√N`` for ``"monte_carlo"``.
    """

    gram: np.ndarray
    standard_error: np.ndarray
    method: str
    n_samples: int | None

    @property
    def gamma(self) -> float:
        """``max_{i≠j} |G_ij|`` of this matrix."""
        return max_offdiagonal(self.gram)


def _is_torch(x) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


@dataclass(eq=False)
class HardFamily:
    """A family of unit-norm functions with small pairwise correlations (see module docstring).

    Built by functions such as :func:`csqlab.hard.parity_family`; construct it directly only
    when adding a new family. Fields:

    ``name``; ``members`` (hashable labels); ``evaluate_members(x, indices)`` — the
    un-normalised members at positions ``indices`` on a validated float64 batch ``x`` of
    shape ``(B, *input_shape)``, returning ``(B, len(indices))``; ``input_shape``;
    ``distribution`` and ``sampler(n_samples, generator) -> x``; ``norm`` (float, or one
    value per member); ``group``/``action``; ``exact_correlation(i, j)`` (normalised, or
    None when no exact route exists); ``gamma``; ``size``/``log10_size``; ``description``.
    """

    name: str
    members: Sequence[Hashable]
    evaluate_members: Callable[[np.ndarray, np.ndarray], np.ndarray]
    input_shape: tuple[int, ...]
    distribution: str
    sampler: Callable[[int, np.random.Generator], np.ndarray]
    norm: float | np.ndarray = 1.0
    group: PermutationGroup | None = None
    action: str = "vectors"
    exact_correlation: Callable[[int, int], float] | None = None
    gamma: float | None = None
    size: int | None = None
    log10_size: float | None = None
    description: str = ""
    _norms: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        self.members = list(self.members)
        if not self.members:
            raise ValueError("members must hold at least one member")
        self.input_shape = tuple(int(s) for s in self.input_shape)
        norms = np.broadcast_to(np.asarray(self.norm, dtype=float), (len(self.members),))
        if not np.all(np.isfinite(norms)) or np.any(norms <= 0):
            raise ValueError(f"norm must be positive and finite for every member, got {self.norm}")
        self._norms = np.array(norms)
        if self.group is None:
            self.group = trivial(self.input_shape[0])
        if self.size is None and self.log10_size is None:
            self.size = len(self.members)
        if self.size is not None:
            self.size = int(self.size)
            if self.size < len(self.members):
                raise ValueError(f"size must be >= len(members) = {len(self.members)}, "
                                 f"got {self.size}")
            self.log10_size = math.log10(self.size)

    # --------------------------------------------------------------------- inputs

    def sample(self, n_samples: int, rng=None, *, seed: int | None = None) -> np.ndarray:
        """``n_samples`` i.i.d. inputs from the family's distribution, shape ``(N, *input_shape)``."""
        n_samples = _check_int(n_samples, "n_samples", 1)
        return self.sampler(n_samples, _generator(rng, seed))

    def _indices(self, members) -> np.ndarray:
        if members is None:
            return np.arange(len(self.members))
        indices = np.atleast_1d(np.asarray(members))
        if indices.ndim != 1 or (indices.size and indices.dtype.kind not in "iu"):
            raise TypeError(f"members must be None or a sequence of integer positions in "
                            f"0..{len(self.members) - 1}, got {members!r}")
        if np.any(indices < 0) or np.any(indices >= len(self.members)):
            raise ValueError(f"members must be positions in 0..{len(self.members) - 1}, "
                             f"got {indices.tolist()}")
        return indices.astype(np.int64)

    def _check_inputs(self, x) -> np.ndarray:
        array = x.detach().cpu().numpy() if _is_torch(x) else x
        try:
            array = np.asarray(array, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"x must be an array of real numbers, got {type(x).__name__}") from None
        if array.shape[1:] != self.input_shape or array.ndim != len(self.input_shape) + 1:
            raise ValueError(f"x must have shape (batch, {', '.join(map(str, self.input_shape))}), "
                             f"got shape {array.shape}")
        if not np.all(np.isfinite(array)):
            raise ValueError("x contains NaN or infinite values")
        return array

    # --------------------------------------------------------------------- evaluation

    def evaluate(self, x, members=None, *, normalised: bool = True):
        """Members on a batch: array of shape ``(batch, n_members)``, float64.

        ``members``: positions in :attr:`members` (default all). ``normalised=True`` divides
        by :attr:`norm` so every member has ``‖f‖ = 1`` under the family's distribution.
        numpy in → numpy out; a torch tensor in → a float64 tensor out (values only, no
        gradient: members are targets, not trainable models).
        """
        array = self._check_inputs(x)
        indices = self._indices(members)
        # a member asked for twice (more seeds than members) is computed once
        distinct, position = np.unique(indices, return_inverse=True)
        if len(distinct) < len(indices):
            values = np.asarray(self.evaluate_members(array, distinct), dtype=np.float64)
            values = values[:, position.reshape(-1)]
        else:
            values = np.asarray(self.evaluate_members(array, indices), dtype=np.float64)
        if normalised:
            values = values / self._norms[indices]
        if _is_torch(x):
            import torch

            return torch.from_numpy(np.ascontiguousarray(values)).to(x.device)
        return values

    def __len__(self) -> int:
        return len(self.members)

    # --------------------------------------------------------------------- correlations

    def correlation(self, i: int, j: int) -> float:
        """Exact ``⟨f_i, f_j⟩`` of the normalised members at positions ``i`` and ``j``.

        Raises ValueError for families without an exact route; use :meth:`gram` with
        ``method="monte_carlo"`` there.
        """
        i, j = (int(v) for v in self._indices([i, j]))
        if self.exact_correlation is None:
            raise ValueError(f"family {self.name!r} has no exact correlation; use "
                             "gram(method='monte_carlo')")
        return float(self.exact_correlation(i, j))

    def gram(self, members=None, method: str = "exact", *, n_samples: int = 100_000,
             rng=None, seed: int | None = None) -> FamilyGram:
        """Gram matrix ``G_ij = ⟨f_i, f_j⟩`` of the normalised members (default all).

        ``method``:

        * ``"exact"`` — from :meth:`correlation` (closed form or quadrature);
        * ``"enumeration"`` — cube families only: the average over all ``2**n`` points
          (``n ≤`` :data:`MAX_ENUMERATION_DIM`), a second exact route;
        * ``"monte_carlo"`` — ``n_samples`` draws from :meth:`sample` (``rng``/``seed``),
          with entrywise standard errors.
        """
        indices = self._indices(members)
        if method == "exact":
            if self.exact_correlation is None:
                raise ValueError(f"family {self.name!r} has no exact correlation; use "
                                 "method='monte_carlo'")
            gram = np.array([[self.exact_correlation(int(a), int(b)) for b in indices]
                             for a in indices])
            return FamilyGram(gram, np.zeros_like(gram), "exact", None)
        if method == "enumeration":
            if self.distribution != "cube":
                raise ValueError(f"method='enumeration' needs a cube family, {self.name!r} has "
                                 f"distribution {self.distribution!r}")
            n = self.input_shape[0]
            if len(self.input_shape) != 1 or n > MAX_ENUMERATION_DIM:
                raise ValueError(f"method='enumeration' needs input_shape (n,) with n <= "
                                 f"{MAX_ENUMERATION_DIM}, got {self.input_shape}")
            gram = np.zeros((len(indices), len(indices)))
            for start in range(0, 1 << n, _ENUMERATION_CHUNK):
                points = cube(n, np.float64, start=start, stop=min(1 << n, start + _ENUMERATION_CHUNK))
                values = self.evaluate(points, indices)
                gram += values.T @ values
            gram /= 1 << n
            return FamilyGram(gram, np.zeros_like(gram), "enumeration", None)
        if method == "monte_carlo":
            x = self.sample(n_samples, rng, seed=seed)
            estimate = pairwise_correlation_from_samples(self.evaluate(x, indices).T)
            return FamilyGram(estimate.gram, estimate.standard_error, "monte_carlo", n_samples)
        raise ValueError(f"method must be 'exact', 'enumeration' or 'monte_carlo', got {method!r}")

    def __repr__(self) -> str:
        size = self.size if self.size is not None else f"10^{self.log10_size:.3g}"
        gamma = "?" if self.gamma is None else f"{self.gamma:.3g}"
        return (f"HardFamily({self.name!r}, members held={len(self.members)}, size={size}, "
                f"gamma={gamma}, distribution={self.distribution!r}, group={self.group.name})")

