"""Fixtures shared by the library tests."""

import pytest
import torch


@pytest.fixture(scope="module")
def one_torch_thread():
    """One thread, as csqlab.setup() gives the lessons: small tensors on a shared machine run
    much faster without thread hand-offs, and the sums are reproducible."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
