"""Fast Walsh–Hadamard transform: csqlab.boolean.walsh_hadamard_ against three baselines.

Run ``python benchmarks/bench_wht.py``. Every ratio compares timings taken in this run
on this machine (best of several repeats):

* a streaming bound: ``n`` passes of ``np.add(a, b, out=c)`` over arrays of the same size,
  about the least memory traffic any ``n``-stage transform can do (target: within 3×);
* ``sympy.discrete.transforms.fwht`` (pure Python) at a small ``n``;
* the dense matrix–vector product ``H_n @ f`` where ``H_n`` fits in memory.

Peak extra memory during the in-place transform is measured with ``tracemalloc``
(target: input + extra ≤ 3× the input).
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import scipy.linalg
import torch
from sympy.discrete.transforms import fwht

from csqlab.boolean import walsh_hadamard_


def best_time(function, repeats: int = 5, setup=None) -> float:
    times = []
    for _ in range(repeats):
        if setup is not None:
            setup()  # untimed, e.g. restore the input of an in-place transform
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def streaming_bound(n: int, dtype) -> float:
    a, b, c = (np.ones(1 << n, dtype=dtype) for _ in range(3))

    def passes():
        for _ in range(n):
            np.add(a, b, out=c)

    passes()  # touch the pages first
    return best_time(passes)


def peak_memory_ratio(n: int, dtype) -> float:
    values = np.random.default_rng(0).normal(size=1 << n).astype(dtype)
    tracemalloc.start()
    walsh_hadamard_(values)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (values.nbytes + peak) / values.nbytes


def main() -> None:
    torch.set_num_threads(1)
    print("In-place WHT vs the streaming bound (n passes of np.add over 2^n entries)")
    print(f"{'n':>3} {'dtype':>8} {'ours [ms]':>10} {'torch [ms]':>11} {'stream [ms]':>12}"
          f" {'ours/stream':>12} {'peak mem/input':>15}")
    for n in (16, 20, 22):
        for dtype in (np.float64, np.float32):
            original = np.random.default_rng(n).normal(size=1 << n).astype(dtype)
            values = original.copy()
            # each repeat restores the input: repeated transforms would grow it by 2^n
            ours = best_time(lambda v=values: walsh_hadamard_(v),
                             setup=lambda v=values, o=original: np.copyto(v, o))
            tensor = torch.from_numpy(original.copy())
            ours_torch = best_time(lambda t=tensor: walsh_hadamard_(t),
                                   setup=lambda t=tensor, o=original: t.copy_(torch.from_numpy(o)))
            stream = streaming_bound(n, dtype)
            memory = peak_memory_ratio(n, dtype)
            print(f"{n:>3} {np.dtype(dtype).name:>8} {1e3 * ours:>10.2f} {1e3 * ours_torch:>11.2f}"
                  f" {1e3 * stream:>12.2f} {ours / stream:>12.2f} {memory:>15.2f}")

    print("\nAgainst sympy.discrete.transforms.fwht (pure Python, same input)")
    for n in (10, 12):
        values = np.random.default_rng(n).normal(size=1 << n)
        reference = np.array(fwht(list(values)), dtype=float)
        ours_result = walsh_hadamard_(values.copy())
        assert np.allclose(ours_result, reference), "mismatch with sympy"
        sympy_time = best_time(lambda v=values: fwht(list(v)), repeats=2)
        ours = best_time(lambda v=values: walsh_hadamard_(v.copy()))
        print(f"  n = {n}: sympy {1e3 * sympy_time:9.1f} ms, ours {1e3 * ours:7.3f} ms,"
              f" speed-up {sympy_time / ours:8.0f}x")

    print("\nAgainst the dense product H_n @ f (H_n built beforehand, not timed)")
    for n in (10, 12, 13):
        hadamard = scipy.linalg.hadamard(1 << n).astype(np.float64)
        for batch in (1, 64):
            values = np.random.default_rng(n).normal(size=(batch, 1 << n))
            reference = values @ hadamard.T
            assert np.allclose(walsh_hadamard_(values.copy()), reference)
            dense = best_time(lambda v=values, h=hadamard: v @ h.T, repeats=3)
            ours = best_time(lambda v=values: walsh_hadamard_(v.copy()))
            print(f"  n = {n}, batch {batch:>2}: dense {1e3 * dense:8.2f} ms, ours {1e3 * ours:7.3f} ms,"
                  f" speed-up {dense / ours:7.1f}x")
        del hadamard


if __name__ == "__main__":
    main()
