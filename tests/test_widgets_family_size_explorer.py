"""Lesson 7's widget: the orbit-averaged parity family's size and its counting-lemma bound.

Setting the controls must produce the state of the pure function, and that state must agree
with a second route: explicit orbit enumeration (csqlab.groups.subset_orbits), the closed
form C(n, k)/|G| with exact integers, and m τ²/2 by hand."""

import math

import numpy as np
import pytest

import csqlab
from csqlab import groups
from csqlab.widgets.family_size_explorer import family_size_state

ORDERS = {"trivial": lambda n: 1, "cyclic": lambda n: n, "dihedral": lambda n: 2 * n,
          "symmetric": math.factorial}
BUILDERS = {"trivial": groups.trivial, "cyclic": groups.cyclic, "dihedral": groups.dihedral,
            "symmetric": groups.symmetric}


@pytest.fixture(scope="module")
def explorer():
    csqlab.setup()
    return csqlab.widgets.family_size_explorer(group="cyclic", k=3, n=12, tolerance=0.01)


def test_initial_state_is_the_pure_function(explorer):
    state = family_size_state("cyclic", 3, 12, 0.01)
    assert explorer.state.n_orbits == state.n_orbits
    assert explorer.state.family_size == groups.cyclic_subset_orbit_count(12, 3)
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("group", ["trivial", "cyclic", "dihedral", "symmetric"])
def test_controls_drive_the_state_and_sizes_match_explicit_orbits(explorer, group):
    """Family size = number of explicit orbits of k-subsets; ≥ C(n, k)/|G| (lesson 7)."""
    explorer.controls["n"].value = 11
    explorer.controls["group"].value = group
    for k in (2, 4):
        explorer.controls["k"].value = k
        state = explorer.state
        assert (state.group, state.k, state.n) == (group, k, 11)
        tolerance = explorer.controls["tolerance"].value
        assert state.n_orbits == family_size_state(group, k, 11, tolerance).n_orbits
        for n, count, order in zip(state.ns, state.n_orbits, state.group_order, strict=True):
            n = int(n)
            assert order == ORDERS[group](n)
            assert count == groups.subset_orbits(BUILDERS[group](n), k).n_orbits, (group, n, k)
            assert count * order >= math.comb(n, k)
        expected_floor = np.log10([math.comb(int(n), k) / ORDERS[group](int(n)) for n in state.ns])
        assert np.allclose(state.log10_floor, expected_floor, atol=1e-9)


def test_tolerance_control_sets_the_counting_lemma_bound(explorer):
    """q ≥ m τ²/2 with γ = 0, by hand, along the whole curve and at the largest n."""
    explorer.controls["group"].value = "dihedral"
    explorer.controls["k"].value = 3
    explorer.controls["n"].value = 30
    explorer.controls["tolerance"].value = 0.1
    state = explorer.state
    tolerance = explorer.controls["tolerance"].value
    by_hand = np.log10(np.array(state.n_orbits, dtype=float) * tolerance**2 / 2)
    assert np.allclose(state.log10_min_queries, by_hand, atol=1e-9)
    assert state.bound.applicable
    assert math.isclose(state.bound.min_queries, state.family_size * tolerance**2 / 2, rel_tol=1e-12)
    assert str(state.family_size) in state.summary()


def test_symmetric_group_collapses_the_family_while_cyclic_does_not():
    """S_n leaves one member for every n; C_n leaves at least C(n, k)/n, growing with n."""
    symmetric = family_size_state("symmetric", 4, 60)
    cyclic = family_size_state("cyclic", 4, 60)
    assert set(symmetric.n_orbits) == {1}
    assert cyclic.family_size >= math.comb(60, 4) / 60
    assert np.all(np.diff(cyclic.n_orbits) >= 0)


def test_bad_arguments_raise_naming_them():
    with pytest.raises(ValueError, match="group must be one of"):
        family_size_state("alternating", 3, 20)
    with pytest.raises(ValueError, match="k must be"):
        family_size_state("cyclic", 0, 20)
    with pytest.raises(ValueError, match="n must be"):
        family_size_state("cyclic", 3, 1000)
    with pytest.raises(ValueError, match="tolerance"):
        family_size_state("cyclic", 3, 20, tolerance=1.5)
