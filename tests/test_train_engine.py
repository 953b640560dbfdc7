"""Lessons 8–11 (the experiments of the paper's results, protocol ours): csqlab.experiments and csqlab.training (online loop, students).

Second routes: the seeds trained at once (stacked parameters, hand-batched forward, one
backward of the summed losses) against a plain loop of autograd calls; the written-out Adam, alone and inside the shared
online loop train_online, against torch.optim.Adam; the precomputed-frame student against
FrameAveragedMLP itself; the trivial baseline against
the labels' mean square; the cache against a fresh run; an interrupted sweep (an exception
injected after k runs, and a subprocess killed after its first runs are stored) against
the count of runs executed and loaded on resumption. (Sweeps on a Dask cluster:
tests/test_dask_sweeps.py.)
"""

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from csqlab import experiments, groups
from csqlab.experiments import frames as experiment_frames
from csqlab.models import MLP, FrameAveragedMLP
from csqlab.training import members, students
from csqlab.training import online as online_loop

REPO = Path(__file__).resolve().parents[1]


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/conftest.py


def tiny(family: str, **changes) -> experiments.Experiment:
    """A few steps of each family at a small size (float64: the comparisons are tight)."""
    spec = experiments.FAMILIES[family]
    base = {
        "degree-parity": dict(size=6, width=8, degree=2, group="symmetric"),
        "gnn-planes": dict(size=5, width=6, degree=4, group="symmetric"),
        "cnn-planes": dict(size=6, width=6, degree=4, group="cyclic"),
        "frame-parities": dict(size=6, width=16, degree=2, group="cyclic"),
        "set-monomials": dict(size=5, width=8, degree=2, group="symmetric"),
        "sparse-parity": dict(size=8, width=16, degree=2, group="trivial"),
    }[family]
    values = dict(model=spec.model, family=family, lr=3e-3, batch=16, steps=6, n_test=64,
                  seeds=(0, 1, 2), eval_every=3, dtype="float64", **base)
    values.update(changes)
    return experiments.Experiment(**values)


def losses(records, column="test_loss"):
    return np.array([r[column] for r in records])


# --------------------------------------------------------------------------- batched == looped


@pytest.mark.parametrize("family", sorted(experiments.FAMILIES))
def test_batched_seeds_equal_the_looped_run(family):
    """Our experiment protocol: training every seed at once (stacked parameters, the
    architecture's forward written for the stack, one backward of the summed losses) gives
    the numbers of one plain autograd run per seed, in float64 to ~1e-12 relative (the
    two routes sum in different orders, so they agree to round-off, not bit for bit)."""
    config = tiny(family)
    batched = experiments.run(config, device="cpu")
    looped = experiments.run(config, device="cpu", method="loop")
    assert len(batched) == len(looped) == len(config.seeds) * 3  # steps 0, 3, 6
    for column in ("test_loss", "train_loss", "trivial_loss"):
        np.testing.assert_allclose(losses(batched, column), losses(looped, column),
                                   rtol=1e-12, atol=1e-15)
    assert [r["member"] for r in batched] == [r["member"] for r in looped]


@pytest.mark.parametrize("family", sorted(experiments.FAMILIES))
def test_batched_equals_looped_in_float32_with_a_fixed_training_set(family):
    """The float32 default agrees to float32 round-off (a few hundred ulps after 8 Adam
    steps), online and with a fixed training set."""
    for n_train in (None, 40):
        config = tiny(family, dtype="float32", n_train=n_train, steps=8, eval_every=4)
        batched = experiments.run(config, device="cpu")
        looped = experiments.run(config, device="cpu", method="loop")
        for column in ("test_loss", "train_loss"):
            np.testing.assert_allclose(losses(batched, column), losses(looped, column),
                                       rtol=2e-5, atol=1e-7)


def test_batched_students_refuse_an_architecture_they_do_not_know():
    """Only the engine's students have a batched forward; anything else is named."""
    with pytest.raises(TypeError, match="no batched forward for a Linear student"):
        students._BatchedStudents([torch.nn.Linear(3, 1)])
    with pytest.raises(TypeError, match="out_features=1"):
        students._BatchedStudents([MLP(3, (4,), out_features=2)])


def test_written_out_adam_matches_torch_optim():
    """The elementwise Adam step of the engine equals torch.optim.Adam (second route)."""
    generator = torch.Generator().manual_seed(0)
    start = torch.randn(3, 4, generator=generator, dtype=torch.float64)
    gradients = [torch.randn(3, 4, generator=generator, dtype=torch.float64) for _ in range(5)]
    ours = {"w": start.clone()}
    state = {}
    reference = torch.nn.Parameter(start.clone())
    optimiser = torch.optim.Adam([reference], lr=0.01)
    for step, gradient in enumerate(gradients, start=1):
        online_loop._adam(ours, {"w": gradient}, state, step, 0.01)
        reference.grad = gradient.clone()
        optimiser.step()
    np.testing.assert_allclose(ours["w"].numpy(), reference.detach().numpy(), rtol=1e-12,
                               atol=1e-14)


def _linear_teacher_sample(size, generator):
    """Inputs N(0, I_3), targets a fixed linear function plus a cosine (a toy teacher)."""
    x = generator.standard_normal((size, 3))
    return x, x @ np.array([1.0, -2.0, 0.5]) + np.cos(x[:, 0])


def _small_student():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(),
                               torch.nn.Linear(5, 1)).double()


def test_shared_online_loop_equals_torch_optim_adam():
    """Lessons 8–10, 12: train_online (fresh batch per step, square loss, the engine's _adam)
    equals the same loop written with torch.optim.Adam on the same data stream (second
    route), and its test MSE and trivial level equal numpy's on the same test set."""
    student = _small_student()
    reference = _small_student()
    lr, steps, batch, n_test = 0.05, 7, 16, 64
    curve = online_loop.train_online(student, _linear_teacher_sample, steps, lr=lr, batch_size=batch,
                               n_test=n_test, record_every=3, seed=4)
    generator = np.random.default_rng(4)
    x_test, y_test = map(torch.as_tensor, _linear_teacher_sample(n_test, generator))
    optimiser = torch.optim.Adam(reference.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    with torch.no_grad():
        expected = [float(((reference(x_test).reshape(-1) - y_test) ** 2).mean())]
    for step in range(1, steps + 1):
        x, y = map(torch.as_tensor, _linear_teacher_sample(batch, generator))
        optimiser.zero_grad()
        (0.5 * ((reference(x).reshape(-1) - y) ** 2).mean()).backward()
        optimiser.step()
        if step % 3 == 0 or step == steps:
            with torch.no_grad():
                expected.append(float(((reference(x_test).reshape(-1) - y_test) ** 2).mean()))
    np.testing.assert_array_equal(curve.steps, [0, 3, 6, 7])
    np.testing.assert_allclose(curve.test_mse, expected, rtol=1e-10)
    for ours, theirs in zip(student.parameters(), reference.parameters(), strict=True):
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10,
                                   atol=1e-13)
    assert curve.trivial_mse == pytest.approx(float(np.mean(y_test.numpy() ** 2)), rel=1e-14)
    assert curve.test_mse[-1] < curve.test_mse[0]  # Adam learns this easy teacher


@pytest.mark.parametrize("changes, error, match", [
    ({"steps": 0}, ValueError, "steps"),
    ({"lr": -1.0}, ValueError, "lr"),
    ({"lr": float("nan")}, ValueError, "lr"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"n_test": 0}, ValueError, "n_test"),
    ({"record_every": 2.5}, TypeError, "record_every"),
    ({"seed": -1}, ValueError, "seed"),
    ({"sample": "not callable"}, TypeError, "sample"),
    ({"sample": lambda size, g: (np.zeros((size, 3)), np.zeros((size, 2)))}, ValueError,
     "targets"),
    ({"sample": lambda size, g: (np.zeros((size, 3)), np.full(size, np.nan))}, ValueError,
     "finite"),
    ({"forward": lambda student, x: student(x)}, ValueError, "forward"),
    ({"student": "a model"}, TypeError, "student"),
])
def test_shared_online_loop_validates_its_arguments(changes, error, match):
    arguments = {"student": _small_student(), "sample": _linear_teacher_sample, "steps": 2,
                 "lr": 0.01, "n_test": 8, "batch_size": 4}
    arguments.update(changes)
    with pytest.raises(error, match=match):
        online_loop.train_online(arguments.pop("student"), arguments.pop("sample"),
                           arguments.pop("steps"), **arguments)


def test_lesson_wrappers_of_the_shared_loop_validate_their_inputs():
    """members.train_gnn_student, train_cnn_student and train_member are thin wrappers
    over online_loop.train_online: bad inputs still raise errors naming the argument."""
    from csqlab.hard import cnn, gnn
    from csqlab.hard import polynomials as P

    graph = np.roll(np.eye(5), 1, axis=1) + np.roll(np.eye(5), -1, axis=1)
    gnn_family = gnn.gnn_hidden_plane_family(graph, 16, 4, n_planes=1, seed=0)
    cnn_family = cnn.group_averaged_plane_family(8, 4, n_planes=1, seed=13)
    set_family = P.set_monomial_family(2, 6, 3, subsets=[(0, 2, 4)])
    with pytest.raises(TypeError, match="gnn_hidden_plane_family"):
        members.train_gnn_student(cnn_family)
    with pytest.raises(ValueError, match="member"):
        members.train_gnn_student(gnn_family, member=len(gnn_family))
    with pytest.raises(ValueError, match="lr"):
        members.train_gnn_student(gnn_family, lr=0.0, steps=1)
    with pytest.raises(ValueError, match="steps"):
        members.train_cnn_student(cnn_family, steps=0)
    with pytest.raises(TypeError, match="group_averaged_plane_family"):
        members.train_cnn_student(gnn_family)
    with pytest.raises(ValueError, match="test_size"):
        members.train_member(P.deepsets_student(6, 4), set_family, 0, 2, test_size=0)
    with pytest.raises(ValueError, match="eval_every"):
        members.train_member(P.deepsets_student(6, 4), set_family, 0, 2, eval_every=0)
    with pytest.raises(ValueError, match="member"):
        members.train_member(P.deepsets_student(6, 4), set_family, 5, 2)
    with pytest.raises(TypeError, match="family"):
        members.train_member(P.deepsets_student(6, 4), "a family", 0, 2)
    with pytest.raises(TypeError, match="student"):
        members.train_member("a network", set_family, 0, 2)


def test_precomputed_frame_student_equals_frame_averaged_mlp():
    """The student the engine trains for Theorem D is FrameAveragedMLP, evaluated with the
    frame computed once per batch, outside the student."""
    group = groups.cyclic(7)
    network = FrameAveragedMLP(groups.canonical_frame(group), hidden=(12,), seed=3)
    x = torch.randn(50, 7, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    x[0] = x[0].roll(1)  # nothing special; ties are covered below
    x[1] = torch.ones(7, dtype=torch.float64)  # a tie: |F(x)| = 7
    student = experiment_frames._FramedStudent(network)
    inputs = experiment_frames._frame_inputs(network.frame, x)
    np.testing.assert_allclose(student(*inputs).detach().numpy(), network(x).detach().numpy(),
                               rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------- records


def test_records_are_tidy_and_the_trivial_line_is_the_labels_mean_square():
    """One row per seed and checkpoint; predicting 0 scores mean(y²) on the test set, ≈ 1
    for a teacher normalised to E[f*²] = 1 (exactly 1 for ±1 parities)."""
    config = tiny("sparse-parity", steps=7, eval_every=3)
    records = experiments.run(config, device="cpu")
    assert sorted({r["step"] for r in records}) == [0, 3, 6, 7]
    assert len(records) == 4 * len(config.seeds)
    for row in records:
        assert row["trivial_loss"] == pytest.approx(1.0, abs=1e-12)
        assert row["variant"] == "online" and row["device"] == "cpu"
        assert row["config_hash"] == experiments.config_hash(config)
        assert row["wall_time"] >= 0
    # Gaussian families: the trivial loss is the empirical E[f*²] of the test sample
    records = experiments.run(tiny("gnn-planes", n_test=4000), device="cpu")
    trivial = losses(records, "trivial_loss")
    assert np.all(np.abs(trivial - 1.0) < 0.25)


def test_same_config_same_numbers_and_seeds_pick_teachers():
    """Deterministic: the same configuration reproduces every number; seed s picks the
    student's initialisation and the teacher, shared inputs come from data_seed."""
    config = tiny("set-monomials")
    first, second = experiments.run(config, device="cpu"), experiments.run(config, device="cpu")
    assert losses(first).tolist() == losses(second).tolist()
    other = experiments.run(replace(config, data_seed=1), device="cpu")
    assert losses(first).tolist() != losses(other).tolist()
    members = {r["seed"]: r["member"] for r in first}
    assert len(set(members.values())) == len(config.seeds)


def test_fixed_training_set_reports_the_training_set_loss():
    """Fixed-set variant: train_loss is the MSE on the whole training set; online it is the
    mean batch MSE since the last checkpoint (both finite at every checkpoint)."""
    fixed = experiments.run(tiny("sparse-parity", n_train=32), device="cpu")
    assert {r["variant"] for r in fixed} == {"fixed"}
    assert np.all(np.isfinite(losses(fixed, "train_loss")))
    online = experiments.run(tiny("sparse-parity"), device="cpu")
    assert np.all(np.isfinite(losses(online, "train_loss")))


def test_summaries_pick_the_best_learning_rate():
    """best_over_learning_rates keeps, per size and variant, the lr with the lowest final
    mean test MSE (checked against a direct computation)."""
    records = []
    for lr in (1e-3, 1e-2):
        records += experiments.run(tiny("sparse-parity", lr=lr, steps=30, eval_every=30), device="cpu")
    summary = experiments.final_losses(records)
    assert len(summary) == 2 and all(row["n_seeds"] == 3 for row in summary)
    means = {lr: np.mean([r["test_loss"] for r in records if r["lr"] == lr and r["step"] == 30])
             for lr in (1e-3, 1e-2)}
    (best,) = experiments.best_over_learning_rates(records)
    assert best["lr"] == min(means, key=means.get)
    assert best["test_mean"] == pytest.approx(min(means.values()))


# --------------------------------------------------------------------------- validation


def test_experiment_validation_names_the_argument():
    """Bad configurations raise errors that name the field and what was expected."""
    good = tiny("sparse-parity")
    with pytest.raises(ValueError, match="family must be one of"):
        replace(good, family="nope")
    with pytest.raises(ValueError, match="model must be 'mlp'"):
        replace(good, model="gnn")
    with pytest.raises(ValueError, match="lr must be a positive"):
        replace(good, lr=-1.0)
    with pytest.raises(ValueError, match="optimiser must be one of"):
        replace(good, optimiser="lbfgs")
    with pytest.raises(ValueError, match="seeds must be distinct"):
        replace(good, seeds=(1, 1))
    with pytest.raises(TypeError, match="seeds must be a non-empty tuple"):
        replace(good, seeds=[0, 1])
    with pytest.raises(ValueError, match="group must be one of"):
        replace(good, group="klein")
    with pytest.raises(ValueError, match="steps must be an integer >= 0"):
        replace(good, steps=-1)
    with pytest.raises(ValueError, match="method must be"):
        experiments.run(good, method="fast")
    with pytest.raises(TypeError, match="config must be"):
        experiments.run({"family": "sparse-parity"})
    with pytest.raises(ValueError, match="mode must be one of"):
        experiments.experiment_configs("sparse-parity", "huge")
    with pytest.raises(ValueError, match="name must be one of"):
        experiments.experiment_configs("nope")
    with pytest.raises(ValueError, match="workers must be"):
        experiments.sweep([good], workers=0)


def test_device_auto_is_cuda_when_available_else_cpu():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert online_loop.resolve_device("auto").type == expected
    assert online_loop.resolve_device("cpu").type == "cpu"
    with pytest.raises(ValueError, match="device must be"):
        online_loop.resolve_device("abacus")


def test_sgd_step_rule_runs_and_differs_from_adam():
    adam = experiments.run(tiny("sparse-parity"), device="cpu")
    sgd = experiments.run(tiny("sparse-parity", optimiser="sgd", lr=0.05), device="cpu")
    assert losses(adam)[:3].tolist() == losses(sgd)[:3].tolist()  # same start
    assert losses(adam)[-3:].tolist() != losses(sgd)[-3:].tolist()


# --------------------------------------------------------------------------- hashes and cache


def test_config_hash_is_canonical_and_the_cache_key_adds_the_version(monkeypatch):
    config = tiny("sparse-parity")
    assert experiments.config_hash(config) == experiments.config_hash(replace(config))
    assert experiments.config_hash(config) != experiments.config_hash(replace(config, lr=1e-3))
    key = experiments.cache_key(config)
    import csqlab

    monkeypatch.setattr(csqlab, "__version__", "9.9.9")
    assert experiments.cache_key(config) != key
    assert experiments.config_hash(config) == experiments.config_hash(replace(config))


def test_cache_round_trip_is_atomic_and_checked(tmp_path):
    """Stored records load back identical; a file for another configuration, or a truncated
    one, is reported and refused; no temporary file is left behind. (Every kind of damaged
    entry: tests/test_cache_integrity.py.)"""
    config = tiny("sparse-parity")
    records = experiments.run(config, device="cpu")
    cache = experiments.ResultCache(tmp_path)
    assert config not in cache and cache.load(config) is None
    path = cache.store(config, records)
    assert config in cache and cache.load(config) == records
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    other = replace(config, lr=1e-3)
    content = json.loads(path.read_text())
    cache.path(other).write_text(json.dumps(content))  # someone copied the wrong file
    with pytest.warns(experiments.CacheCorruptionWarning, match="another configuration"):
        assert cache.load(other) is None
    cache.path(other).write_text("{ truncated")
    with pytest.warns(experiments.CacheCorruptionWarning, match="not valid JSON"):
        assert cache.load(other) is None


def test_interrupted_sweep_resumes_without_losing_finished_runs(tmp_path):
    """A sweep that fails after k finished runs keeps them: the rerun loads k and executes
    the rest, and its records equal an uninterrupted sweep's."""
    configs = [tiny("sparse-parity", lr=lr, steps=3, eval_every=3) for lr in (1e-3, 2e-3, 3e-3, 4e-3)]
    executed = []

    def fail_after_two(config, records):
        executed.append(config)
        if len(executed) == 2:
            raise KeyboardInterrupt("interrupted after two runs")

    with pytest.raises(KeyboardInterrupt):
        experiments.sweep(configs, cache_dir=tmp_path, progress=False, after_run=fail_after_two)
    assert len(list(tmp_path.glob("*.json"))) == 2
    resumed = experiments.sweep(configs, cache_dir=tmp_path, progress=False)
    assert (resumed.executed, resumed.loaded) == (2, 2)
    again = experiments.sweep(configs, cache_dir=tmp_path, progress=False)
    assert (again.executed, again.loaded) == (0, 4)
    fresh = experiments.sweep(configs, progress=False)
    assert losses(resumed.records).tolist() == losses(fresh.records).tolist()
    assert losses(again.records).tolist() == losses(fresh.records).tolist()


def test_killed_sweep_subprocess_resumes(tmp_path):
    """A sweep process killed (SIGKILL) after its first runs reached the cache: rerunning
    executes only the missing runs (no finished run lost, no half-written file read)."""
    script = tmp_path / "sweep.py"
    cache_dir = tmp_path / "cache"
    script.write_text(
        "import sys, time\n"
        "from dataclasses import replace\n"
        "from csqlab import experiments\n"
        "base = experiments.Experiment('mlp', 'sparse-parity', 'trivial', 8, 16, degree=2, batch=16,\n"
        "                        steps=3, n_test=32, eval_every=3, dtype='float64')\n"
        "configs = [replace(base, lr=lr) for lr in (1e-3, 2e-3, 3e-3, 4e-3, 5e-3, 6e-3)]\n"
        "def slow(config, records):\n"
        "    print('stored', flush=True)\n"
        "    time.sleep(30)\n"
        f"experiments.sweep(configs, cache_dir={str(cache_dir)!r}, progress=False, after_run=slow)\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                               env=env, cwd=REPO)
    try:
        assert process.stdout.readline().strip() == "stored"
    finally:
        process.kill()
        process.wait()
    assert len(list(cache_dir.glob("*.json"))) == 1
    base = experiments.Experiment("mlp", "sparse-parity", "trivial", 8, 16, degree=2, batch=16,
                            steps=3, n_test=32, eval_every=3, dtype="float64")
    configs = [replace(base, lr=lr) for lr in (1e-3, 2e-3, 3e-3, 4e-3, 5e-3, 6e-3)]
    resumed = experiments.sweep(configs, cache_dir=cache_dir, progress=False)
    assert (resumed.executed, resumed.loaded) == (5, 1)


# --------------------------------------------------------------------------- the named experiments


def test_every_experiment_follows_the_protocol():
    """Our experiment protocol: quick sizes {8, 16, 32} for the size sweeps, Adam with
    learning rates from {1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2} (the fixed-set comparison: the
    first four), >= 3 seeds; on the cube the step budget stays below 2^n; the
    steps-to-success experiment has budgets that grow with the size in every series."""
    assert experiments.FULL_LEARNING_RATES == (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2)
    for name in experiments.EXPERIMENTS:
        for mode in experiments.MODES:
            configs = experiments.experiment_configs(name, mode)
            assert configs and len({experiments.config_hash(c) for c in configs}) == len(configs)
            for config in configs:
                assert config.optimiser == "adam" and len(config.seeds) >= 3
                if config.family == "sparse-parity":
                    assert config.steps < 2**config.size
                if name == "steps-to-success":
                    assert config.lr in (1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1)
                elif config.family != "sparse-parity":
                    assert config.lr in experiments.FULL_LEARNING_RATES
        quick = experiments.experiment_configs(name, "quick")
        if name not in ("sparse-parity", "steps-to-success"):
            assert sorted({c.size for c in quick}) == [8, 16, 32]
    for name in ("gnn-degree-parity", "gnn-hidden-planes", "cnn-hidden-planes",
                 "frame-averaged-parities", "invariant-polynomials"):
        full = experiments.experiment_configs(name, "full")
        assert {c.lr for c in full} == set(experiments.FULL_LEARNING_RATES)
    full = experiments.experiment_configs("frame-averaged-parities", "full")
    assert all(c.width == 2 * c.size * 2**c.degree for c in full)  # twice the teacher's units
    planes = experiments.experiment_configs("gnn-hidden-planes", "quick")
    assert all(c.width == 2 * (2 * c.degree) for c in planes)
    fixed = experiments.experiment_configs("fixed-train-set", "full")
    assert {c.online for c in fixed} == {True, False}
    assert {c.lr for c in fixed} == {1e-4, 3e-4, 1e-3, 3e-3}
    scaling = experiments.experiment_configs("steps-to-success", "full")
    for family in {c.family for c in scaling}:
        budgets = sorted({(c.degree if c.family == "sparse-parity" else 0, c.size, c.steps)
                          for c in scaling if c.family == family})
        for (k1, n1, t1), (k2, n2, t2) in zip(budgets, budgets[1:], strict=False):
            assert k1 != k2 or (n1 < n2 and t1 < t2)


@pytest.mark.parametrize("name", sorted(experiments.EXPERIMENTS))
def test_each_quick_experiment_runs_at_a_reduced_size(name, tmp_path):
    """Smoke test of every registered experiment: its first quick configuration, shortened
    to a few steps, trains and its figure draws (the full quick runs take 10–30 s)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    configs = experiments.experiment_configs(name, "quick")
    small = sorted({c.size for c in configs})[:2]
    short = [replace(c, steps=4, eval_every=2, n_test=64, batch=16,
                     n_train=None if c.n_train is None else 32)
             for c in configs if c.size in small]
    records = experiments.sweep(short, progress=False).records
    assert records and all(np.isfinite(r["test_loss"]) for r in records)
    figure = experiments.experiment_figure(name, records)
    figure.savefig(tmp_path / "figure.png")
    plt.close(figure)
    assert (tmp_path / "figure.png").stat().st_size > 1000


@pytest.mark.parametrize("name", sorted(experiments.EXPERIMENTS))
def test_students_and_inputs_follow_the_device(name):
    """What the CUDA path needs, checked on the CPU: every tensor a student holds is a
    registered parameter or buffer (so ``.to(device)`` moves all of it), and the student's
    inputs are built on the device (and in the dtype) of the batch they come from."""
    config = experiments.experiment_configs(name, "quick")[0]
    setup = experiments.FAMILIES[config.family].build(config)
    student = setup.student(0, torch.float32)
    registered = {id(t) for t in [*student.parameters(), *student.buffers()]}
    for module_name, module in student.named_modules():
        for attribute, value in vars(module).items():
            assert not (isinstance(value, torch.Tensor) and id(value) not in registered), (
                f"{name}: {module_name or 'student'}.{attribute} is a tensor that .to() "
                "would not move")
    x = torch.as_tensor(setup.sample(8, np.random.default_rng(0)), dtype=torch.float32)
    parts = setup.inputs(x)
    for part in parts:
        assert part.device == x.device
        assert not part.is_floating_point() or part.dtype == x.dtype
    assert student(*parts).reshape(-1).shape == (8,)


def test_steps_to_success_finds_the_first_checkpoint_below_the_level():
    records = [{"size": 8, "lr": 1e-3, "seed": 0, "step": s, "test_loss": v}
               for s, v in ((0, 1.0), (10, 0.5), (20, 0.05), (30, 0.01))]
    records += [{"size": 8, "lr": 1e-3, "seed": 1, "step": s, "test_loss": 1.0} for s in (0, 10)]
    result = experiments.steps_to_success(records, level=0.1)
    assert result[0]["steps"] == 20.0 and np.isnan(result[1]["steps"])


def test_sweep_timing_is_reported():
    start = time.perf_counter()
    result = experiments.sweep([tiny("sparse-parity", steps=2, eval_every=2)], progress=False)
    assert 0 < result.seconds <= time.perf_counter() - start + 1e-6


def test_freed_memory_is_kept_for_reuse_on_glibc():
    """The training loops ask glibc to keep freed blocks (no mmap below 32 MiB, no trimming
    below 1 GiB): accepted on Linux with glibc, asked once per process, a no-op elsewhere."""
    import platform
    import sys

    kept = online_loop._keep_freed_memory()
    assert online_loop._keep_freed_memory() is kept and len(online_loop._KEPT_MEMORY) == 1
    if sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc":
        assert kept is True
    else:
        assert kept is False
