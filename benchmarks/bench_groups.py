"""Speed of csqlab.groups on the sizes the lessons use, against baselines timed in the same run.

    python benchmarks/bench_groups.py

1. Orbits of k-subsets under C_n (n = 24, k = 4) — vs brute force (every subset, every
   group element, Python tuples).
2. Burnside counts for n = 30 (necklaces, bracelets, k-subsets) — vs the closed forms.
3. Frame averaging over C_n for 10⁴ inputs — vectorised vs a per-input Python loop.
"""

from __future__ import annotations

import itertools
import time

import numpy as np

from csqlab import groups as G


def best_time(fn, repeat=3):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def brute_force_subset_orbits(group, k):
    elements = [tuple(int(v) for v in g) for g in group.elements()]
    representatives = set()
    for subset in itertools.combinations(range(group.degree), k):
        representatives.add(min(tuple(sorted(g[i] for i in subset)) for g in elements))
    return len(representatives)


def main():
    print("1. orbits of k-subsets under C_24, k = 4")
    group = G.cyclic(24)
    fast, orbits = best_time(lambda: G.subset_orbits(group, 4))
    slow, count = best_time(lambda: brute_force_subset_orbits(group, 4), repeat=1)
    assert orbits.n_orbits == count == G.cyclic_subset_orbit_count(24, 4)
    print(f"   {orbits.n_orbits} orbits; subset_orbits {fast * 1e3:.1f} ms, "
          f"brute force {slow * 1e3:.0f} ms, speed-up x{slow / fast:.0f}; "
          f"under 1 s: {fast < 1.0}")

    print("2. Burnside counts, n = 30")
    for label, burnside, closed in [
        ("necklaces C_30", lambda: G.burnside_count(G.cyclic(30)), lambda: G.necklace_count(30)),
        ("bracelets D_30", lambda: G.burnside_count(G.dihedral(30)), lambda: G.bracelet_count(30)),
        ("C_30 on 10-subsets", lambda: G.burnside_count(G.cyclic(30), k=10),
         lambda: G.cyclic_subset_orbit_count(30, 10)),
        ("D_30 on 10-subsets", lambda: G.burnside_count(G.dihedral(30), k=10),
         lambda: G.dihedral_subset_orbit_count(30, 10)),
    ]:
        t_sum, value = best_time(burnside)
        t_closed, expected = best_time(closed)
        assert value == expected
        print(f"   {label}: {value} orbits; Burnside sum {t_sum * 1e3:.2f} ms, closed form "
              f"{t_closed * 1e3:.3f} ms (x{t_sum / t_closed:.0f} slower); under 1 s: {t_sum < 1.0}")

    print("3. frame averaging over C_16, 10^4 inputs")
    n, batch = 16, 10_000
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch, n))
    weights = rng.normal(size=n)

    def phi(z):
        return np.tanh(z @ weights)

    for frame in [G.argmax_frame(G.cyclic(n)), G.canonical_frame(G.cyclic(n))]:
        fast, vectorised = best_time(lambda frame=frame: G.frame_average(phi, frame, x))

        def loop(frame=frame):
            return np.array([G.frame_average(phi, frame, row[None, :])[0] for row in x])

        slow, looped = best_time(loop, repeat=1)
        assert np.allclose(vectorised, looped, atol=1e-14)
        print(f"   {frame.name}: vectorised {fast * 1e3:.1f} ms, per-input loop "
              f"{slow * 1e3:.0f} ms, speed-up x{slow / fast:.0f}")


if __name__ == "__main__":
    main()
