"""Benchmark: many seeds trained at once with torch.func versus a loop over seeds.

``csqlab.train.run(config)`` stacks the 16 students' parameters (``stack_module_state``)
and computes every seed's loss and gradient in one ``vmap(grad_and_value(loss))`` call;
``method="loop"`` trains the same 16 students one after the other with plain autograd
(the same numbers to float tolerance: tests/test_train_engine.py).

Two baselines: **separate** — 16 single-seed runs one after the other (what one does without
batching: each run draws its own batches and test set and evaluates its own teacher), and
**loop** — ``method="loop"``, the 16 students stepped one by one on the shared batches (this
isolates the gain of ``vmap`` itself; the shared data generation and teacher evaluation, often
half of a step for these small models, are paid once in both).

A third measurement, **shared**, replays only what every method pays once per step whatever
the number of seeds: drawing the batch, evaluating the 16 teachers on it and building the
student's inputs (frames, graphs). Subtracting it splits the loop/batched ratio into the
part ``vmap`` can speed up — the students' forward, backward and Adam step, reported as
"students only" — and the part it cannot (Amdahl's law: with shared time ``s`` the ratio
against the loop is at most ``loop / s``).

Run: ``python benchmarks/bench_train.py [--threads 2] [--steps 150]``. Prints, for each
family at its quick-mode size (n = 8 or 16), the wall times and the ratios (target on two
cores: >= 4 for 16 seeds).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import torch

from csqlab import train

SEEDS = tuple(range(16))
CASES = {
    "sparse-parity (MLP, width 64)": dict(model="mlp", family="sparse-parity", group="trivial",
                                          size=16, width=64, degree=3),
    "gnn-planes (ShallowGNN, width 16)": dict(model="shallow-gnn", family="gnn-planes",
                                              group="symmetric", size=8, width=16, degree=4),
    "cnn-planes (circular CNN, width 16)": dict(model="group-averaged", family="cnn-planes",
                                                group="cyclic", size=8, width=16, degree=4),
    "frame-parities (frame-averaged MLP, width 256)": dict(model="frame-mlp",
                                                           family="frame-parities",
                                                           group="cyclic", size=8, width=256,
                                                           degree=4),
    "set-monomials (DeepSets, width 64)": dict(model="deepsets", family="set-monomials",
                                               group="symmetric", size=8, width=64, degree=3),
    "degree-parity (message passing, width 16)": dict(model="gnn", family="degree-parity",
                                                      group="symmetric", size=8, width=16),
}


def best_of(repeats: int, function) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def shared_only(config) -> None:
    """The per-step work every method does once: the batch, the teachers' labels, the
    student inputs (the same calls :func:`csqlab.train.run` makes, without any student)."""
    setup = train.FAMILIES[config.family].build(config)
    members = train._choose_members(config, setup)
    data = train._Data(config, setup, members, torch.device("cpu"), torch.float32)
    setup.inputs(data.x_test)
    for _ in range(config.steps):
        x, _labels = data.batch()
        setup.inputs(x)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=2)
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    print(f"{len(SEEDS)} seeds, {arguments.steps} steps, batch 128, float32, "
          f"{torch.get_num_threads()} torch threads (best of {arguments.repeats})")
    print(f"  {'family (student)':<48} {'separate':>8} {'loop':>8} {'batched':>8} "
          f"{'shared':>8}   ratios: separate/batched, loop/batched, students only")
    ratios = []
    for label, fields in CASES.items():
        config = train.Experiment(**fields, lr=3e-3, batch=128, steps=arguments.steps,
                                  n_test=512, seeds=SEEDS, eval_every=arguments.steps)
        train.run(replace(config, steps=2, eval_every=1), device="cpu")  # warm-up (imports)
        batched = best_of(arguments.repeats, lambda c=config: train.run(c, device="cpu"))
        looped = best_of(arguments.repeats,
                         lambda c=config: train.run(c, device="cpu", method="loop"))
        separate = best_of(arguments.repeats, lambda c=config: [
            train.run(replace(c, seeds=(seed,)), device="cpu") for seed in c.seeds])
        shared = best_of(arguments.repeats, lambda c=config: shared_only(c))
        students = (looped - shared) / max(batched - shared, 1e-9)
        ratios.append((separate / batched, looped / batched, students))
        print(f"  {label:<48} {separate:6.2f} s {looped:6.2f} s {batched:6.2f} s "
              f"{shared:6.2f} s   {separate / batched:4.1f}x   {looped / batched:4.1f}x   "
              f"{students:4.1f}x")
    logs = torch.tensor(ratios).log().mean(dim=0).exp()
    print(f"geometric mean: {float(logs[0]):.1f}x against 16 separate runs, "
          f"{float(logs[1]):.1f}x against the loop over seeds on shared data, "
          f"{float(logs[2]):.1f}x on the students' share of a step")


if __name__ == "__main__":
    main()
