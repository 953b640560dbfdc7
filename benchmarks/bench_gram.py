"""Exact Gram matrices of all C(n, k) degree-k parities: Plancherel route vs enumeration.

Run ``python benchmarks/bench_gram.py``. Routes (all exact):

* **Fourier from values**: :func:`csqlab.bounds.pairwise_correlation_fourier` on a
  generator of the members' values on the cube — one fast Walsh–Hadamard transform per
  member (``O(m · n 2^n)``), then a product over the union of the Fourier supports;
* **Fourier from known coefficients**: the same function given ``{S: 1}`` per parity;
* **naive enumeration**: the dense product ``V Vᵀ / 2^n`` of the ``(m, 2^n)`` value table
  (``O(m² 2^n)`` time, ``m 2^n`` memory), timed at a smaller ``n`` where it fits.

Every ratio compares timings taken in this run on this machine.
"""

from __future__ import annotations

import math
import time

import numpy as np

from csqlab.boolean import parities_on_cube, parity_on_cube, subsets_of_degree
from csqlab.bounds import pairwise_correlation, pairwise_correlation_fourier


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def fourier_from_values(n: int, k: int):
    subsets = subsets_of_degree(n, k)
    members = (parity_on_cube(s, n, np.float32) for s in subsets)  # ±1 is exact in float32
    return pairwise_correlation_fourier(members)


def fourier_from_coefficients(n: int, k: int):
    return pairwise_correlation_fourier(coefficients=[{s: 1.0} for s in subsets_of_degree(n, k)])


def naive_enumeration(n: int, k: int):
    return pairwise_correlation(parities_on_cube(subsets_of_degree(n, k), n))


def main() -> None:
    small_n = 14
    print(f"Degree-k parities, exact Gram; naive enumeration timed at n = {small_n}")
    print(f"{'k':>2} {'n':>3} {'m':>6} {'route':>28} {'time [s]':>9} {'identity?':>10}")
    for k in (2, 3):
        m_small = math.comb(small_n, k)
        naive, naive_time = timed(lambda k=k: naive_enumeration(small_n, k))
        small_fourier, small_time = timed(lambda k=k: fourier_from_values(small_n, k))
        for name, gram, seconds in (("naive enumeration", naive, naive_time),
                                    ("Fourier from values", small_fourier, small_time)):
            print(f"{k:>2} {small_n:>3} {m_small:>6} {name:>28} {seconds:>9.3f}"
                  f" {str(np.array_equal(gram, np.eye(m_small))):>10}")
        print(f"   naive / Fourier-from-values at n = {small_n}: {naive_time / small_time:.1f}x")

        n = 20
        m = math.comb(n, k)
        gram, fourier_time = timed(lambda k=k, n=n: fourier_from_values(n, k))
        known, known_time = timed(lambda k=k, n=n: fourier_from_coefficients(n, k))
        for name, result, seconds in (("Fourier from values", gram, fourier_time),
                                      ("Fourier from coefficients", known, known_time)):
            print(f"{k:>2} {n:>3} {m:>6} {name:>28} {seconds:>9.3f}"
                  f" {str(np.array_equal(result, np.eye(m))):>10}")
        # naive cost grows like m² 2^n: extrapolate from the measured small-n time
        scale = (m / m_small) ** 2 * 2 ** (n - small_n)
        print(f"   naive enumeration at n = {n} would take ≈ {naive_time * scale:.0f} s "
              f"(extrapolated ×{scale:.0f} from n = {small_n}) and {m * 2**n * 8 / 1e9:.1f} GB; "
              f"Fourier from values is ≈ {naive_time * scale / fourier_time:.0f}x faster\n")


if __name__ == "__main__":
    main()
