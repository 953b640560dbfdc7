"""Formatting helpers that keep printed lesson outputs reproducible across machines."""

import math

import numpy as np
import pytest
import torch

from csqlab import groups, models
from csqlab.teach import roundoff


def test_roundoff_hides_only_round_off_digits():
    assert roundoff(2.942091015256665e-15) == "< 1e-12"
    assert roundoff(0.0) == "< 1e-12"
    assert roundoff(-3e-13) == "< 1e-12"
    assert roundoff(3.6e-15, floor=1e-16) == "= 3.60e-15"
    assert roundoff(0.48897998366551104) == "= 0.489"
    assert roundoff(1.5e-12) == "= 1.50e-12"
    assert roundoff(np.float64(2.0)) == "= 2"
    assert roundoff(torch.tensor(0.25)) == "= 0.25"
    assert roundoff(math.inf) == "= inf"


@pytest.mark.parametrize("value", ["0.1", 1j, True, None, [0.1]])
def test_roundoff_rejects_what_is_not_a_real_number(value):
    with pytest.raises(TypeError, match="value"):
        roundoff(value)


@pytest.mark.parametrize("floor", [0, -1e-12, math.inf, math.nan, "1e-12", True])
def test_roundoff_rejects_a_bad_floor(floor):
    with pytest.raises(ValueError, match="floor"):
        roundoff(1.0, floor=floor)


def test_roundoff_rejects_nan():
    with pytest.raises(ValueError, match="NaN"):
        roundoff(math.nan)


def test_equivariance_result_repr_shows_round_off_as_a_bound_and_real_errors_as_numbers():
    tiny = models.EquivarianceResult(max_error=2.942091015256665e-15, tolerance=1.640699393035018e-10,
                                     n_elements=16)
    assert repr(tiny) == "EquivarianceResult(max_error < 2e-12, tolerance=1.6e-10, n_elements=16, ok=True)"
    big = models.EquivarianceResult(max_error=0.48897998366551104, tolerance=1e-10, n_elements=16)
    assert repr(big) == "EquivarianceResult(max_error=0.489, tolerance=1e-10, n_elements=16, ok=False)"


def test_equivariance_result_repr_of_a_real_check():
    x = np.random.default_rng(0).standard_normal((4, 5))
    result = models.equivariance_error(lambda z: z.sum(axis=-1), groups.cyclic(5), x)
    assert result.ok and "max_error < " in repr(result)
    broken = models.equivariance_error(lambda z: z[..., 0], groups.cyclic(5), x)
    assert not broken.ok and f"max_error={broken.max_error:.3g}" in repr(broken)
