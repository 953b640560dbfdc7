"""Lesson 0's picture: a group of size |G| divides the degree-k parity family by at most |G|."""

import math

import pytest

from csqlab import groups


@pytest.mark.parametrize("n", range(6, 61, 3))
def test_orbit_counts_shrink_by_at_most_the_group_order(n):
    k = 3
    family = math.comb(n, k)
    cyclic = groups.cyclic_subset_orbit_count(n, k)
    dihedral = groups.dihedral_subset_orbit_count(n, k)
    assert family / n <= cyclic <= family
    assert family / (2 * n) <= dihedral <= cyclic


def test_lesson00_ratio_at_60_is_close_to_the_group_order():
    ratio = math.comb(60, 3) / groups.cyclic_subset_orbit_count(60, 3)
    assert 59.5 < ratio <= 60


@pytest.mark.parametrize("n", [6, 9, 12])
def test_cyclic_formula_matches_burnside_and_brute_force(n):
    formula = groups.cyclic_subset_orbit_count(n, 3)
    assert formula == groups.burnside_count(groups.cyclic(n), k=3)
    assert formula == groups.subset_orbits(groups.cyclic(n), 3).n_orbits
