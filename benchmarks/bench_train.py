"""Benchmark: many seeds trained at once (hand-batched students) versus a loop over seeds.

``csqlab.experiments.runner.run(config)`` stacks the 16 students' parameters (shape ``(S, …)``)
and runs each architecture's forward written for the stack (csqlab/training/students.py: the
shared first layer one matrix product, the ReLU hidden layer's backward written out into
reused buffers), with one backward of the summed losses; ``method="loop"`` trains the same 16
students one after the other with plain autograd (the same numbers to float round-off:
tests/test_train_engine.py).

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

To see how close the batched students come to what the machine can do, the benchmark counts
the floating-point operations of one training step (``torch.utils.flop_counter``: a
two-step run minus a one-step run of one seed, times 16) and prints the students' rate in
GFLOP/s next to a 1024 × 1024 float32 matrix product measured in the same run — an upper
bound that these small matrices (batch 128, widths 16–256) cannot reach.

Run: ``python benchmarks/bench_train.py [--threads 2] [--steps 150]``. Prints, for each
family at its quick-mode size (n = 8 or 16), the wall times and the ratios (target on two
cores: >= 4 for 16 seeds).

Students' share of one step (2026-12-06, 2-core machine, 1 torch thread, both cores busy
with another job; CPU time, best of 3 × 20 steps, loop -> batched): sparse-parity 3.46 ->
0.76 ms (4.6x), gnn-planes 3.61 -> 0.66 (5.5x), cnn-planes 8.55 -> 0.92 (9.3x),
frame-parities 5.09 -> 2.67 (1.9x), set-monomials 14.58 -> 6.31 (2.3x), degree-parity 7.03 ->
0.97 (7.3x); shared per-step work (batch, 16 teachers, inputs) 0.09-1.06 ms. The full
``--steps 150 --repeats 2`` table below is still the torch.func route's.

Measured on the 2-core development machine (2026-11-27, best of 2, torch.func route): batched is 5.3–14.0×
faster than 16 separate runs (geometric mean 8.7×), but only 2.2–4.1× (2.8×) faster than
the loop over seeds on shared data, 3.3× on the students' share of a step. The batched
students compute at 3–9 GFLOP/s, 1–3 % of the matrix-product reference (DeepSets, the one
student with real arithmetic, 45 GFLOP/s, 16 %): per-operation overhead of ``torch.func``
(``functional_call`` re-binding the parameters, the ``vmap``/``grad`` wrappers), not
arithmetic, bounds the ratio against the loop. Replacing ``vmap(grad(loss))`` by a ``vmap``
forward and one plain backward of the summed losses gained only 1.1–1.25×; a hand-batched
forward per architecture (``bmm`` over the stacked weights) is what could go further.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import torch

from csqlab import experiments
from csqlab.experiments import runner

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
    student inputs (the same calls :func:`csqlab.experiments.runner.run` makes, without any student)."""
    setup = experiments.FAMILIES[config.family].build(config)
    members = runner._choose_members(config, setup)
    data = runner._Data(config, setup, members, torch.device("cpu"), torch.float32)
    setup.inputs(data.x_test)
    for _ in range(config.steps):
        x, _labels = data.batch()
        setup.inputs(x)


def flops_per_step(config) -> float:
    """Floating-point operations of one training step of all seeds (forward and backward;
    counted on one seed with plain autograd, the same arithmetic as the batched route)."""
    from torch.utils.flop_counter import FlopCounterMode

    one = replace(config, seeds=(0,))

    def count(steps: int) -> int:
        with FlopCounterMode(display=False) as counter:
            experiments.run(replace(one, steps=steps, eval_every=steps), device="cpu", method="loop")
        return counter.get_total_flops()

    return float(count(2) - count(1)) * len(config.seeds)


def matmul_rate(size: int = 1024, repeats: int = 20) -> float:
    """GFLOP/s of a large float32 matrix product on this machine (the reference)."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    for _ in range(3):
        a @ b
    seconds = best_of(repeats, lambda: a @ b)
    return 2 * size**3 / seconds / 1e9


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
    reference = matmul_rate()
    print(f"reference: a 1024 x 1024 float32 matrix product runs at {reference:.0f} GFLOP/s")
    ratios, rates = [], []
    for label, fields in CASES.items():
        config = experiments.Experiment(**fields, lr=3e-3, batch=128, steps=arguments.steps,
                                  n_test=512, seeds=SEEDS, eval_every=arguments.steps)
        experiments.run(replace(config, steps=2, eval_every=1), device="cpu")  # warm-up (imports)
        batched = best_of(arguments.repeats, lambda c=config: experiments.run(c, device="cpu"))
        looped = best_of(arguments.repeats,
                         lambda c=config: experiments.run(c, device="cpu", method="loop"))
        separate = best_of(arguments.repeats, lambda c=config: [
            experiments.run(replace(c, seeds=(seed,)), device="cpu") for seed in c.seeds])
        shared = best_of(arguments.repeats, lambda c=config: shared_only(c))
        students = (looped - shared) / max(batched - shared, 1e-9)
        ratios.append((separate / batched, looped / batched, students))
        work = flops_per_step(config) * arguments.steps / 1e9
        rates.append((work / max(looped - shared, 1e-9), work / max(batched - shared, 1e-9)))
        print(f"  {label:<48} {separate:6.2f} s {looped:6.2f} s {batched:6.2f} s "
              f"{shared:6.2f} s   {separate / batched:4.1f}x   {looped / batched:4.1f}x   "
              f"{students:4.1f}x")
    print(f"  students' arithmetic rate (GFLOP/s, loop -> batched; reference {reference:.0f}):")
    for label, (loop_rate, batched_rate) in zip(CASES, rates, strict=True):
        print(f"  {label:<48} {loop_rate:6.1f} -> {batched_rate:6.1f}  "
              f"({batched_rate / reference:.0%} of the reference)")
    logs = torch.tensor(ratios).log().mean(dim=0).exp()
    print(f"geometric mean: {float(logs[0]):.1f}x against 16 separate runs, "
          f"{float(logs[1]):.1f}x against the loop over seeds on shared data, "
          f"{float(logs[2]):.1f}x on the students' share of a step")


if __name__ == "__main__":
    main()
