"""Lesson 3's adversary-game widget: every control produces the state the pure game gives."""

import numpy as np
import pytest

import csqlab
from csqlab import adversary
from csqlab.boolean import parity_on_cube
from csqlab.widgets.adversary_game import parse_subset


@pytest.fixture
def box():
    return csqlab.widgets.adversary_game(n=6, tolerance=0.3)


def test_factory_starts_a_fresh_parity_game_and_draws_it(box):
    game = box.state.game
    assert (game.m, game.n_queries, game.n_consistent) == (64, 0, 64)
    assert game.tolerance == 0.3 and game.gamma == 0.0
    assert box.children[-1].value[:8] == b"\x89PNG\r\n\x1a\n"


def test_asking_about_one_parity_matches_the_pure_game(box):
    box.controls["kind"].value = "parity"
    box.controls["subset"].value = "0, 2, 5"
    box.controls["ask"].click()
    reference = adversary.AdversaryGame.parities(6, 0.3)
    answer = reference.query(parity_on_cube((0, 2, 5), 6))
    assert box.state.last_answer == answer == 0.0
    assert np.array_equal(box.state.game.consistent, reference.consistent)
    assert box.state.last_removed == 1
    assert not box.state.game.consistent[0b100101]


def test_bent_mixture_removes_four_to_the_k_while_two_to_the_minus_k_beats_tau(box):
    """2^{-1} > 0.3 removes 4 parities; 2^{-2} = 0.25 ≤ 0.3 removes none (lesson 3 text)."""
    box.controls["kind"].value = "bent"
    box.controls["subset"].value = "5"
    box.controls["half_width"].value = 1
    box.controls["ask"].click()
    assert box.state.last_removed == 4
    box.controls["half_width"].value = 2
    box.controls["ask"].click()
    assert box.state.last_removed == 0
    reference = adversary.AdversaryGame.parities(6, 0.3)
    for half_width in (1, 2):
        reference.query(adversary.bent_coset_query(reference, 0b100000, half_width))
    assert np.array_equal(box.state.game.consistent, reference.consistent)
    assert all(r.n_consistent >= r.guaranteed for r in box.state.game.history)


def test_random_queries_follow_the_seeded_scripted_learner(box):
    box.controls["kind"].value = "random"
    for _ in range(5):
        box.controls["ask"].click()
    reference = adversary.AdversaryGame.parities(6, 0.3)
    reference.play(adversary.random_bounded_queries(seed=0), max_queries=5)
    assert [r.answer for r in box.state.game.history] == [r.answer for r in reference.history]
    assert np.array_equal(box.state.game.consistent, reference.consistent)


def test_changing_n_or_tolerance_starts_a_new_game(box):
    box.controls["ask"].click()
    box.controls["n"].value = 4
    assert (box.state.game.m, box.state.game.n_queries) == (16, 0)
    assert box.controls["half_width"].max == 2
    box.controls["tolerance"].value = 0.4
    assert box.state.game.tolerance == pytest.approx(0.4)
    assert box.state.game.bound.per_query == pytest.approx(2 / 0.4**2)
    box.controls["ask"].click()
    box.controls["reset"].click()
    assert box.state.game.n_queries == 0


def test_a_bad_subset_is_reported_not_raised(box):
    box.controls["subset"].value = "0, 9"
    box.controls["ask"].click()
    assert "cannot build that query" in box.state.message
    assert box.state.game.n_queries == 0
    box.controls["subset"].value = "a"
    box.controls["ask"].click()
    assert "comma-separated" in box.state.message


def test_parse_subset_accepts_spaces_and_the_empty_set():
    assert parse_subset(" 0, 3 ,5", 6) == 0b101001
    assert parse_subset("", 6) == 0
