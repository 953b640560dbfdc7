"""Checks for lesson 0 (start here)."""

from __future__ import annotations

from csqlab import groups
from csqlab.checks._core import Property, run_check


def ex0_1(count_necklaces):
    """Exercise 0.1: brute-force necklace counts agree with Burnside's formula."""

    def agrees(n_values):
        def test(fn):
            for n in n_values:
                got = fn(n)
                expected = groups.necklace_count(n)
                assert got == expected, f"n = {n}: you counted {got}, Burnside gives {expected}"
            return True

        return test

    return run_check(
        "0.1",
        count_necklaces,
        [
            Property("small lengths n = 1..4", agrees(range(1, 5)),
                     hint="two strings are in the same necklace when one is a rotation of the other"),
            Property("n = 6 (rotations with repeated blocks)", agrees([6]),
                     hint="count each orbit once, e.g. keep the smallest rotation of each string"),
            Property("n = 10 gives 108", agrees([10]), hint="enumerate all 2**n strings"),
        ],
    )
