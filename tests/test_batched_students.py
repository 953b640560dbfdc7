"""Our experiment protocol (lessons 8–11): the hand-batched students of csqlab.training.students.

Second route: one module per seed with plain autograd (``_LoopedStudents``). The
message-passing student (degree parities, DeepSets) merges the node MLP's last affine
layer into the head's first when the width is below the batch, and the frame-averaged
student skips the weighted sum when every input has a one-element frame; both branches of
each are checked, outputs and every parameter's gradient, in float64. (Whole runs, every
family: tests/test_train_engine.py.)
"""

import pytest
import torch

from csqlab.experiments.setup import _message_passing_student
from csqlab.training import students

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


def assert_batched_equals_looped(modules, inputs, labels, compare_losses=False):
    """Predictions (and the losses) to 1e-12 relative, every gradient to 1e-10, batched
    students against one module per seed."""
    batched, looped = students._BatchedStudents(modules), students._LoopedStudents(modules)
    torch.testing.assert_close(batched.predict(inputs), looped.predict(inputs),
                               rtol=1e-12, atol=1e-14)
    flat, batched_losses = batched.gradients(inputs, labels)
    per_seed, looped_losses = looped.gradients(inputs, labels)
    if compare_losses:
        torch.testing.assert_close(batched_losses, looped_losses, rtol=1e-12, atol=1e-14)
    expected = torch.cat([torch.stack([gradients[name] for gradients in per_seed]).reshape(-1)
                          for name in batched.named])
    torch.testing.assert_close(flat["all"], expected, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("width", [4, 40])  # below and above the batch of 24
def test_batched_message_passing_student_equals_one_module_per_seed(width):
    modules = [_message_passing_student(3, width, seed, torch.float64) for seed in range(3)]
    generator = torch.Generator().manual_seed(5)
    features = torch.randn(24, 5, 3, generator=generator, dtype=torch.float64)
    inputs = (torch.eye(5, dtype=torch.float64).expand(24, 5, 5), features)
    labels = torch.randn(3, 24, generator=generator, dtype=torch.float64)
    assert_batched_equals_looped(modules, inputs, labels, compare_losses=True)


@pytest.mark.parametrize("distribution", ["gaussian", "cube"])  # frames of one / many elements
def test_batched_frame_averaged_student_equals_one_module_per_seed(distribution):
    from csqlab import groups
    from csqlab.experiments.frames import _frame_inputs
    from csqlab.models import FrameAveragedMLP

    frame = groups.canonical_frame(groups.cyclic(6))
    modules = [students._FramedStudent(FrameAveragedMLP(frame, hidden=(8,), dtype=torch.float64,
                                                        seed=seed)) for seed in range(3)]
    generator = torch.Generator().manual_seed(2)
    x = torch.randn(20, 6, generator=generator, dtype=torch.float64)
    if distribution == "cube":
        x = torch.sign(x)
    inputs = _frame_inputs(frame, x)
    assert (len(inputs[0]) > 20) == (distribution == "cube")
    labels = torch.randn(3, 20, generator=generator, dtype=torch.float64)
    assert_batched_equals_looped(modules, inputs, labels)
