"""One run: every seed of an :class:`~csqlab.experiments.config.Experiment` trained at once.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from csqlab.experiments.config import _DTYPES, FAMILIES, Experiment, config_hash
from csqlab.experiments.setup import _Setup
from csqlab.training.online import _STEP_RULES, _keep_freed_memory, resolve_device
from csqlab.training.students import _BatchedStudents, _LoopedStudents


class _Data:
    """The shared input stream of a run and every seed's labels (float64 numpy → tensors)."""

    def __init__(self, config: Experiment, setup: _Setup, members: np.ndarray, device, dtype):
        self.config, self.setup, self.members = config, setup, members
        self.device, self.dtype = device, dtype
        self.generator = np.random.default_rng([config.data_seed, 7])
        self.x_test, self.y_test = self.draw(config.n_test)
        if config.n_train is not None:
            self.x_train, self.y_train = self.draw(config.n_train)

    def labels(self, x: np.ndarray) -> np.ndarray:
        """``(S, B)``: teacher ``member[s]`` on every point."""
        return self.setup.family.evaluate(x, self.members).T

    def to_tensor(self, array):
        return torch.as_tensor(np.ascontiguousarray(array), dtype=self.dtype, device=self.device)

    def draw(self, count: int):
        x = self.setup.sample(count, self.generator)
        return self.to_tensor(x), self.to_tensor(self.labels(x))

    def batch(self):
        if self.config.n_train is None:
            return self.draw(self.config.batch)
        index = self.generator.integers(0, self.config.n_train, size=self.config.batch)
        index = torch.as_tensor(index, device=self.device)
        return self.x_train[index], self.y_train[:, index]

def _choose_members(config: Experiment, setup: _Setup) -> np.ndarray:
    """Teacher member of each seed: seed ``s`` picks uniformly among the candidates,
    distinct seeds taking distinct members while there are enough."""
    candidates = setup.candidates
    chosen: list[int] = []
    for seed in config.seeds:
        generator = np.random.default_rng([int(seed), 11])
        order = generator.permutation(len(candidates))
        pick = next((int(candidates[i]) for i in order if int(candidates[i]) not in chosen),
                    int(candidates[order[0]]))
        chosen.append(pick)
    return np.array(chosen, dtype=np.int64)


def run(config: Experiment, *, device: str = "auto", method: str = "batched",
        progress: bool = False) -> list[dict]:
    """Train every seed of ``config`` and return tidy records (our experiment protocol, lessons/notes/proof-maps.md).

    One record per seed and checkpoint (steps ``0, eval_every, 2·eval_every, …, steps``):
    the configuration's fields (``seeds`` replaced by ``seed``), ``config_hash``,
    ``member`` (the teacher's position in its family), ``variant`` (``"online"`` or
    ``"fixed"``), ``step``, ``train_loss`` (online: mean MSE of the batches since the
    last checkpoint, before each update; fixed: MSE on the whole training set),
    ``test_loss`` (MSE on ``n_test`` fresh points), ``trivial_loss`` (MSE of predicting 0
    on the same test points: ``≈ E[f*²] = 1``), ``wall_time`` (seconds since the run
    started), ``device``.

    ``method="batched"`` trains all seeds at once (stacked parameters, the architecture's
    forward written for the stack, one backward of the summed losses:
    :class:`_BatchedStudents`); ``"loop"`` trains them one after the other with plain
    autograd — the same numbers to float round-off (tested), slower.
    ``progress=True`` shows a ``tqdm.auto`` bar (a widget in JupyterLab, text in a terminal).
    """
    if not isinstance(config, Experiment):
        raise TypeError(f"config must be a csqlab.experiments.Experiment, got {type(config).__name__}")
    if method not in ("batched", "loop"):
        raise ValueError(f"method must be 'batched' or 'loop', got {method!r}")
    from tqdm.auto import tqdm

    _keep_freed_memory()
    start = time.perf_counter()
    device = resolve_device(device)
    dtype = _DTYPES[config.dtype]
    setup = FAMILIES[config.family].build(config)
    members = _choose_members(config, setup)
    data = _Data(config, setup, members, device, dtype)
    modules = [setup.student(seed, dtype).to(device) for seed in config.seeds]
    students = _BatchedStudents(modules) if method == "batched" else _LoopedStudents(modules)
    step_rule = _STEP_RULES[config.optimiser]
    states: list[dict] = [{} for _ in config.seeds]
    test_inputs = setup.inputs(data.x_test)
    trivial = (data.y_test**2).mean(dim=1)
    pending_losses: list[torch.Tensor] = []
    records: list[dict] = []
    base = {key: value for key, value in config.as_dict().items() if key != "seeds"}
    base["config_hash"] = config_hash(config)
    base["variant"] = "online" if config.online else "fixed"
    base["device"] = device.type

    def checkpoint(step: int, batch_losses: torch.Tensor | None) -> None:
        test = ((students.predict(test_inputs) - data.y_test) ** 2).mean(dim=1)
        if config.online:
            train = 2.0 * batch_losses if batch_losses is not None else None
        else:
            train_outputs = students.predict(setup.inputs(data.x_train))
            train = ((train_outputs - data.y_train) ** 2).mean(dim=1)
        elapsed = time.perf_counter() - start
        for index, seed in enumerate(config.seeds):
            records.append({**base, "seed": int(seed), "member": int(members[index]),
                            "step": step,
                            "train_loss": float("nan") if train is None else float(train[index]),
                            "test_loss": float(test[index]),
                            "trivial_loss": float(trivial[index]),
                            "wall_time": round(elapsed, 4)})

    bar = tqdm(total=config.steps, disable=not progress, leave=False,
               desc=f"{config.family} n={config.size} lr={config.lr:g}")
    for step in range(1, config.steps + 1):
        x, y = data.batch()
        inputs = setup.inputs(x)
        gradients, losses = students.gradients(inputs, y)
        if step == 1 and config.online:
            checkpoint(0, losses.detach())
        elif step == 1:
            checkpoint(0, None)
        pending_losses.append(losses.detach())
        if method == "batched":
            step_rule(students.parameters, gradients, states[0], step, config.lr)
        else:
            for parameters, grads, state in zip(students.parameters, gradients, states,
                                                strict=True):
                step_rule(parameters, grads, state, step, config.lr)
        if step % config.eval_every == 0 or step == config.steps:
            checkpoint(step, torch.stack(pending_losses).mean(dim=0))
            pending_losses = []
        bar.update(1)
    bar.close()
    if config.steps == 0:
        checkpoint(0, None)
    return records
