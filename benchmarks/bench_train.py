"""Benchmark: many seeds trained at once (hand-batched students) versus a loop over seeds.

``csqlab.experiments.runner.run(config)`` stacks the 16 students' parameters (shape ``(S, …)``,
views of one flat vector, so Adam runs once per step) and runs each architecture's forward
written for the stack (csqlab/training/students.py): the shared first layer one batched
product with the hidden layer kept seed-major ``(S, N, w)``, its pooling and read-out as
row-vector-times-matrix products, the ReLU's backward written out into reused buffers, the
DeepSets/message-passing node MLP's last layer merged with the head's first (both affine);
one backward of the summed losses. ``method="loop"`` trains the same 16 students one after
the other with plain autograd (the same numbers to float round-off:
tests/test_train_engine.py, tests/test_batched_students.py).

Two baselines: **separate** — 16 single-seed runs one after the other (what one does without
batching: each run draws its own batches and test set and evaluates its own teacher), and
**loop** — ``method="loop"``, the 16 students stepped one by one on the shared batches (this
isolates the gain of batching the students; the shared data generation and teacher
evaluation are paid once in both).

A third measurement, **shared**, replays only what every method pays once per run and step
whatever the number of seeds: building the family, drawing the batch, evaluating the 16
teachers on it and building the student's inputs (frames, graphs). Subtracting it splits the
loop/batched ratio into the part batching can speed up — the students' forward, backward and
Adam step, reported as "students only" — and the part it cannot (Amdahl's law: with shared
time ``s`` the ratio against the loop is at most ``loop / s``).

To see how close the batched students come to what the machine can do, the benchmark counts
the floating-point operations of one training step (``torch.utils.flop_counter``: a
two-step run minus a one-step run of one seed with the loop's plain autograd, times 16) and
prints that work per second of each route next to a 1024 × 1024 float32 matrix product
measured in the same run. The count is the loop's arithmetic: where the batched route does
less (the merged DeepSets layers), its rate can exceed the reference.

``--threads`` also sets numpy's BLAS threads (``OPENBLAS_NUM_THREADS`` and friends, read when
numpy is imported): the teachers' labels are numpy, and an unpinned OpenBLAS starts one
thread per core, which on a busy machine makes its small products many times slower.

Run: ``python benchmarks/bench_train.py [--threads 2] [--steps 150] [--repeats 2]``. Prints,
for each family at its quick-mode size (n = 8 or 16), the wall times and the ratios.

Measured 2026-12-07 on the 2-core development machine, ``--threads 1 --steps 150
--repeats 2``, with both cores busy with other jobs throughout (two experiment workers and
test runs; load average 3.7–4.3), so single timings vary by up to 2× from run to run; the
ratios come from one run. Reference matrix product 95 GFLOP/s.

    family (student)                     separate   loop  batched  shared  sep/bat  loop/bat  students
    sparse-parity (MLP, width 64)          1.42 s  0.92 s  0.17 s  0.04 s    8.5x     5.5x      6.7x
    gnn-planes (ShallowGNN, width 16)      1.82 s  1.14 s  0.25 s  0.08 s    7.4x     4.6x      6.3x
    cnn-planes (circular CNN, width 16)    1.32 s  1.78 s  0.33 s  0.17 s    4.0x     5.5x     10.2x
    frame-parities (frame MLP, width 256)  1.81 s  0.99 s  0.30 s  0.10 s    6.1x     3.3x      4.6x
    set-monomials (DeepSets, width 64)     2.22 s  2.44 s  0.52 s  0.04 s    4.3x     4.7x      5.0x
    degree-parity (message passing, 16)    2.06 s  1.19 s  0.23 s  0.03 s    9.0x     5.2x      5.7x
    geometric mean                                                           6.2x     4.7x      6.2x

Two more runs minutes later (same load) gave 4.5× and 4.4× as the geometric mean against
the loop, with single families moving by up to a third (the first of them: set monomials
3.3×, GNN planes 3.8×, degree parities 7.8×; sparse parities 5.2×, CNN planes 4.7×, frame
parities 3.4×).

On an idle machine (2026-12-07 01:23, load 0.75, reference 102 GFLOP/s), loop/batched:
sparse-parity 4.9×, gnn-planes 3.8×, cnn-planes 5.2×, frame-parities 3.3×, set-monomials 4.0×,
degree-parity 5.9× (geometric mean 4.4×; 6.2× against 16 separate runs, 5.9× on the students'
share alone).

In the loaded run above, against the loop over seeds on shared data: 3.3–5.5× (geometric mean 4.7×; the torch.func
route of 2026-11-27 gave 2.2–4.1×, 2.8×); the 5× target is met for sparse parities, CNN
planes and degree parities, not for GNN planes (4.6×), set monomials (4.7×) and frame
parities (3.3×: its loop is cheap, about 0.4 ms per seed and step, and the shared work — 16
teachers, the frames — is 0.67 ms of the batched route's 2.0 ms per step). Students' arithmetic, loop → batched (GFLOP/s): sparse-parity 1.6 → 10.4, gnn-planes
1.0 → 6.6, cnn-planes 0.8 → 8.1, frame-parities 3.4 → 15.4, set-monomials 30.6 → 153
(counted on the loop's unmerged layers), degree-parity 3.8 → 22.0.
"""

from __future__ import annotations

import os
import sys

# numpy's BLAS (the teachers' labels) runs on as many threads as torch: OpenBLAS reads the
# count once, when numpy is imported; left alone it starts one thread per core, and on a
# busy machine those threads wait on each other far longer than the small products take
_THREADS = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv[:-1] else "2"
for _variable in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_variable, _THREADS)

import argparse  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402

import torch  # noqa: E402

from csqlab import experiments  # noqa: E402
from csqlab.experiments import runner  # noqa: E402

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
