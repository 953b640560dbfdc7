"""Benchmark: many seeds trained at once with torch.func versus a loop over seeds.

``csqlab.train.run(config)`` stacks the 16 students' parameters (``stack_module_state``)
and computes every seed's loss and gradient in one ``vmap(grad_and_value(loss))`` call;
``method="loop"`` trains the same 16 students one after the other with plain autograd
(the same numbers to float tolerance: tests/test_train_engine.py). Both routes share the
input stream and the labels, so the whole-run ratio below includes the (shared) cost of
drawing the data and evaluating the teachers; the ratio of the training steps alone is
larger.

Run: ``python benchmarks/bench_train.py [--threads 2] [--steps 150]``. Prints, for each
family at its quick-mode size n = 8, the wall time of both routes and the ratio
loop / batched (target on two cores: >= 4 for 16 seeds).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=2)
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    print(f"{len(SEEDS)} seeds, {arguments.steps} steps, batch 128, float32, "
          f"{torch.get_num_threads()} torch threads (best of {arguments.repeats})")
    ratios = []
    for label, fields in CASES.items():
        config = train.Experiment(**fields, lr=3e-3, batch=128, steps=arguments.steps,
                                  n_test=512, seeds=SEEDS, eval_every=arguments.steps)
        train.run(replace(config, steps=2, eval_every=1), device="cpu")  # warm-up (imports)
        batched = best_of(arguments.repeats, lambda c=config: train.run(c, device="cpu"))
        looped = best_of(arguments.repeats,
                         lambda c=config: train.run(c, device="cpu", method="loop"))
        ratios.append(looped / batched)
        print(f"  {label:<48} loop {looped:6.2f} s  batched {batched:6.2f} s  "
              f"ratio {looped / batched:4.1f}x")
    geometric = float(torch.tensor(ratios).log().mean().exp())
    print(f"geometric mean ratio (loop / batched): {geometric:.1f}x")


if __name__ == "__main__":
    main()
