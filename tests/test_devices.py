"""The devices lesson, from the course run (it needs its own process: it splits the CPU in two).

`lesson_checks` holds the checks of `python -m tfbasics.lessons --json`, run once in a
subprocess; each test reads checks by name and compares their values with numbers written
here (from the guide or a hand derivation) or computed in NumPy from the same seeded data.
GPU-only behaviour is tested only when the course run saw a GPU.
"""

import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pytest
import tensorflow as tf

from tfbasics.lessons import devices, devices_helpers


@pytest.fixture(scope="module")
def checks(lesson_checks):
    """Return {check name: check dict} of the devices lesson; every check must have passed."""
    by_name = {check["name"]: check for check in lesson_checks["devices"]}
    assert len(by_name) == len(lesson_checks["devices"]), "check names must be unique"
    failed = [name for name, check in by_name.items() if not check["passed"]]
    assert not failed, failed
    return by_name


@pytest.fixture(scope="module")
def sees_a_gpu(course):
    """Tell whether the course run's TF saw a GPU (the runner's header lists its devices)."""
    return any("GPU" in device for device in course[0]["devices"])


def regression_data():
    """The lesson's seeded batch, in float64: x of shape (8, 2), y of shape (8,)."""
    x = tf.random.stateless_normal([8, 2], seed=[7, 7]).numpy().astype(np.float64)
    y = tf.random.stateless_normal([8], seed=[8, 8]).numpy().astype(np.float64)
    return x, y


def mse_gradient(w, x, y):
    """d/dw mean((x·w - y)²), written per component: 2·mean(residual · x_j)."""
    residual = x @ w - y
    return np.array([2 * np.mean(residual * x[:, j]) for j in range(x.shape[1])])


def test_every_example_ran_in_order(course):
    [lesson] = [lesson for lesson in course[0]["lessons"] if lesson["name"] == "devices"]
    assert lesson["error"] is None
    assert [e["name"] for e in lesson["examples"]] == [f.__name__ for f in devices.EXAMPLES]
    assert all(e["error"] is None and e["checks"] > 0 for e in lesson["examples"])


def test_logical_devices(checks, sees_a_gpu):
    assert checks["one physical CPU"]["computed"] == ["CPU:0"]
    kind = "GPU" if sees_a_gpu else "CPU"
    assert checks["two logical devices to spread work over"]["computed"] == [f"{kind}:0",
                                                                              f"{kind}:1"]


def test_placement_log_from_a_fresh_process(checks):
    log = checks["the log places Mul on CPU:0 and Sin on CPU:1"]
    assert log["computed"] == ["CPU:0", "CPU:1"]
    assert "Sin: (Sin): /job:localhost/replica:0/task:0/device:CPU:1" in log["note"]
    # sin(2·[1, 2, 3]) = sin([2, 4, 6])
    np.testing.assert_allclose(checks["the logging process computed sin(2a)"]["computed"],
                               [0.9092974, -0.7568025, -0.2794155], rtol=1e-6)


def test_manual_placement(checks, sees_a_gpu):
    kind = "GPU" if sees_a_gpu else "CPU"
    assert checks["a * 2 ran on the first device"]["computed"] == f"{kind}:0"
    assert checks["sin(b) ran on the second device"]["computed"] == f"{kind}:1"
    np.testing.assert_allclose(checks["sin(2a)"]["computed"],
                               [0.9092974, -0.7568025, -0.2794155], rtol=1e-6)


def test_memory_growth_without_a_gpu(checks, sees_a_gpu):
    if sees_a_gpu:
        pytest.skip("TF sees a GPU")
    assert "set_memory_growth on a GPU TF has started raises" not in checks  # nothing to show
    cpu = checks["set_memory_growth on the CPU raises ValueError"]
    # the lesson split the CPU into logical devices, which TF checks first
    assert cpu["computed"] == "ValueError" and "memory growth" in cpu["note"]


def test_memory_growth_on_a_started_gpu(checks, sees_a_gpu):
    if not sees_a_gpu:
        pytest.skip("TF sees no GPU")
    # RuntimeError once TF has started the GPU; ValueError if configure() split it
    assert checks["set_memory_growth on a GPU TF has started raises"]["computed"] in (
        "RuntimeError", "ValueError")
    assert checks["set_memory_growth on the CPU raises ValueError"]["computed"] == "ValueError"


def test_soft_device_placement(checks, sees_a_gpu):
    assert checks["soft device placement is on (TF 2's default)"]["computed"] is True
    kind = "GPU" if sees_a_gpu else "CPU"
    assert checks["the matmul on GPU:7 ran on the first device"]["computed"] == f"{kind}:0"
    # the guide's a @ b, by hand: [1·1 + 2·3 + 3·5, 1·2 + 2·4 + 3·6], [4 + 15 + 30, 8 + 20 + 36]
    np.testing.assert_allclose(checks["and computed a @ b"]["computed"], [[22, 28], [49, 64]])
    strict = checks["with soft placement off, the matmul on GPU:7 raises"]
    assert strict["computed"] == "InvalidArgumentError"
    assert "Could not satisfy device specification" in strict["note"]


def test_manual_replication_with_add_n(checks, sees_a_gpu):
    kind = "GPU" if sees_a_gpu else "CPU"
    assert checks["a matmul ran on each device"]["computed"] == [f"{kind}:0", f"{kind}:1"]
    assert checks["tf.add_n ran on CPU:0"]["computed"] == "CPU:0"
    # two devices, each [[22, 28], [49, 64]]
    np.testing.assert_allclose(checks["the sum is a @ b once per device"]["computed"],
                               [[44, 56], [98, 128]])


def test_mirrored_strategy_gradient(checks):
    x, y = regression_data()
    w = np.array([0.5, -0.5])
    assert checks["replicas in sync"]["computed"] == 2
    assert checks["w has a copy on each device"]["computed"] == \
        checks["two logical devices to spread work over"]["computed"]
    halves = np.asarray(checks["each replica's gradient is half its half's gradient"]["computed"])
    np.testing.assert_allclose(halves[0], mse_gradient(w, x[:4], y[:4]) / 2, rtol=1e-5)
    np.testing.assert_allclose(halves[1], mse_gradient(w, x[4:], y[4:]) / 2, rtol=1e-5)
    for name in ("the all-reduced (summed) gradient equals the whole batch's",
                 "and the closed form (2/N)·xᵀ(xw - y)"):
        np.testing.assert_allclose(checks[name]["computed"], mse_gradient(w, x, y), rtol=1e-5)


def test_multi_worker_gradient(checks):
    x, y = regression_data()
    assert checks["two workers, one replica each: replicas in sync"]["computed"] == [2, 2]
    assert checks["the workers are tasks 0 and 1 of the job 'worker'"]["computed"] == [
        "/job:worker/replica:0/task:0", "/job:worker/replica:0/task:1"]
    for name in ("worker 0's all-reduced gradient is the whole batch's",
                 "worker 1 holds the same all-reduced gradient"):
        np.testing.assert_allclose(checks[name]["computed"],
                                   mse_gradient(np.array([0.5, -0.5]), x, y), rtol=1e-5)


def test_default_strategy(checks):
    assert checks["the default strategy has 1 replica in sync"]["computed"] == 1
    assert checks["tf.distribute.has_strategy() is False outside a scope"]["computed"] is False
    assert checks["its SUM of 1.0 over one replica is 1.0"]["computed"] == 1.0
    assert checks["inside MirroredStrategy.scope(), get_strategy() is that strategy"][
        "computed"] is True


def test_keras_fit_in_a_mirrored_scope(checks):
    x, y = regression_data()
    w, b = np.array([0.5, -0.5]), 0.0
    for step in range(4):  # SGD with lr 0.1 on batches of 2, in order, of mean(r²)
        x_part, y_part = x[2 * step:2 * step + 2], y[2 * step:2 * step + 2]
        residual = x_part @ w + b - y_part  # r = xw + b - y
        dw = np.array([2 * np.mean(residual * x_part[:, j]) for j in range(2)])  # 2·mean(r·x_j)
        w, b = w - 0.1 * dw, b - 0.1 * 2 * np.mean(residual)  # d/db = 2·mean(r)
    assert checks["the kernel has a copy on each device"]["computed"] == \
        checks["two logical devices to spread work over"]["computed"]
    fitted = checks["mirrored fit's kernel and bias equal the one-device fit's"]
    for weights in (fitted["computed"], fitted["expected"]):  # mirrored, then one device
        np.testing.assert_allclose(np.ravel(weights[0]), w, rtol=1e-5)
        np.testing.assert_allclose(weights[1], [b], rtol=1e-5)
    np.testing.assert_allclose(checks["and 4 SGD steps in NumPy"]["computed"][0], w, rtol=1e-5)


def test_distributed_dataset_with_compute_average_loss(checks):
    x, y = regression_data()
    w = np.array([0.5, -0.5])
    assert checks["each replica got 4 of the 8 examples"]["computed"] == [4, 4]
    np.testing.assert_allclose(
        checks["the summed loss is the whole batch's mean((xw - y)²)"]["computed"],
        np.mean((x @ w - y) ** 2), rtol=1e-5)
    np.testing.assert_allclose(
        checks["the summed gradient is the whole batch's (2/N)·xᵀ(xw - y)"]["computed"],
        mse_gradient(w, x, y), rtol=1e-5)


def test_a_failing_helper_stops_its_partner_at_once(monkeypatch):
    """A helper that exits with an error raises, and its partner is killed, not waited for."""
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    sleeper = devices_helpers._Helper(subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], stdout=out, stderr=err), out, err)
    monkeypatch.setitem(devices_helpers._STARTERS, "pair",
                        lambda: [sleeper, devices_helpers._spawn("no-such-mode")])
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"pair \[1\] exited with 1: usage"):
        devices_helpers.helper_results("pair")
    assert time.monotonic() - start < 20  # not the 60 s the partner would sleep
    assert sleeper.process.poll() is not None


def test_a_helper_that_runs_too_long_is_killed(monkeypatch):
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    sleeper = devices_helpers._Helper(subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], stdout=out, stderr=err), out, err)
    monkeypatch.setitem(devices_helpers._STARTERS, "slow", lambda: [sleeper])
    monkeypatch.setattr(devices_helpers, "TIMEOUT", 0.5)
    with pytest.raises(RuntimeError, match=r"slow \[0\] timed out after 0.5 s"):
        devices_helpers.helper_results("slow")
    assert sleeper.process.poll() is not None


def test_helpers_started_early_are_killed_at_exit():
    """A process that started the helpers and exits without waiting for them leaves none behind."""
    script = ("from tfbasics.lessons import devices_helpers as h; h.start_helpers(); "
              "print(*[helper.process.pid for group in h._STARTED.values() for helper in group])")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    pids = [int(pid) for pid in done.stdout.split()]
    assert done.returncode == 0 and len(pids) == 3  # the placement log and two workers
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # gone, not orphaned
