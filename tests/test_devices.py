"""The devices lesson, from the course run (it needs its own process: it splits the CPU in two).

`lesson_checks` holds the checks of `python -m tfbasics.lessons --json`, run once in a
subprocess; each test reads checks by name and compares their values with numbers written
here (from the guide or a hand derivation) or computed in NumPy from the same seeded data.
GPU-only behaviour is tested only when the course run saw a GPU. The worker processes run the
examples' shown code itself, which the last tests check.
"""

import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pytest
import tensorflow as tf

from tfbasics.course import workers
from tfbasics.course.lesson import outline
from tfbasics.lessons import devices

SIN_2A = [0.9092974, -0.7568025, -0.2794155]  # sin(2·[1, 2, 3]) = sin([2, 4, 6])


@pytest.fixture(scope="module")
def checks(lesson_checks):
    """Return {check name: check dict} of the devices lesson; every check must have passed."""
    by_name = {check["name"]: check for check in lesson_checks["devices"]}
    assert len(by_name) == len(lesson_checks["devices"]), "check names must be unique"
    failed = [name for name, check in by_name.items() if not check["passed"]]
    assert not failed, failed
    assert all(check["by"] or check["computed"] == check["expected"]  # check_raises: a type
               for check in by_name.values())
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


def test_placement_in_the_course_and_in_a_fresh_program(checks):
    assert checks["the devices of b and c"]["computed"] == ["CPU:0", "CPU:1"]
    np.testing.assert_allclose(checks["c = sin(2a)"]["computed"], SIN_2A, rtol=1e-6)
    log = checks["as a fresh program, the log's devices of Mul and Sin"]
    assert log["computed"] == ["CPU:0", "CPU:1"]
    assert "Sin: (Sin): /job:localhost/replica:0/task:0/device:CPU:1" in log["note"]
    np.testing.assert_allclose(checks["and its c"]["computed"], SIN_2A, rtol=1e-6)


def test_logical_devices(checks, sees_a_gpu):
    assert checks["the physical CPUs"]["computed"] == ["CPU:0"]
    kind = "GPU" if sees_a_gpu else "CPU"
    assert checks["replica_devices()"]["computed"] == [f"{kind}:0", f"{kind}:1"]


def test_memory_growth_without_a_gpu(checks, sees_a_gpu):
    if sees_a_gpu:
        pytest.skip("TF sees a GPU")
    assert "set_memory_growth on a GPU TF has started" not in checks  # nothing to show
    cpu = checks["set_memory_growth on the CPU"]
    # the lesson split the CPU into logical devices, which TF checks first
    assert cpu["computed"] == "ValueError" and "memory growth" in cpu["note"]


def test_memory_growth_on_a_started_gpu(checks, sees_a_gpu):
    if not sees_a_gpu:
        pytest.skip("TF sees no GPU")
    # RuntimeError once TF has started the GPU; ValueError if configure() split it
    assert checks["set_memory_growth on a GPU TF has started"]["computed"] in (
        "RuntimeError", "ValueError")
    assert checks["set_memory_growth on the CPU"]["computed"] == "ValueError"


def test_soft_device_placement(checks, sees_a_gpu):
    assert checks["soft device placement"]["computed"] is True
    kind = "GPU" if sees_a_gpu else "CPU"
    assert checks["the device of c"]["computed"] == f"{kind}:0"
    # the guide's a @ b, by hand: [1·1 + 2·3 + 3·5, 1·2 + 2·4 + 3·6], [4 + 15 + 30, 8 + 20 + 36]
    np.testing.assert_allclose(checks["c = a @ b"]["computed"], [[22, 28], [49, 64]])
    strict = checks["with soft placement off, the matmul on GPU:7"]
    assert strict["computed"] == "InvalidArgumentError"
    assert "Could not satisfy device specification" in strict["note"]


def test_manual_replication_with_add_n(checks, sees_a_gpu):
    kind = "GPU" if sees_a_gpu else "CPU"
    assert checks["the devices of the matmuls"]["computed"] == [f"{kind}:0", f"{kind}:1"]
    assert checks["tf.add_n's device"]["computed"] == "CPU:0"
    # two devices, each [[22, 28], [49, 64]]
    np.testing.assert_allclose(checks["the sum"]["computed"], [[44, 56], [98, 128]])


def test_mirrored_strategy_gradient(checks):
    x, y = regression_data()
    w = np.array([0.5, -0.5])
    assert checks["replicas in sync"]["computed"] == 2
    assert checks["the devices of w's copies"]["computed"] == \
        checks["replica_devices()"]["computed"]
    halves = np.asarray(checks["each part"]["computed"])
    np.testing.assert_allclose(halves[0], mse_gradient(w, x[:4], y[:4]) / 2, rtol=1e-5)
    np.testing.assert_allclose(halves[1], mse_gradient(w, x[4:], y[4:]) / 2, rtol=1e-5)
    np.testing.assert_allclose(checks["their sum dL/dw"]["computed"], mse_gradient(w, x, y),
                               rtol=1e-5)


def test_multi_worker_gradient(checks):
    x, y = regression_data()
    whole = mse_gradient(np.array([0.5, -0.5]), x, y)
    assert checks["replicas without TF_CONFIG"]["computed"] == 1
    np.testing.assert_allclose(checks["its dL/dw"]["computed"], whole, rtol=1e-5)
    assert checks["two workers' replicas in sync"]["computed"] == [2, 2]
    assert checks["their tasks"]["computed"] == [["worker", 0], ["worker", 1]]
    for name in ("worker 0's dL/dw", "worker 1's dL/dw"):
        np.testing.assert_allclose(checks[name]["computed"], whole, rtol=1e-5)


def test_default_strategy(checks):
    assert checks["the default strategy's replicas"]["computed"] == 1
    assert checks["has_strategy() outside a scope"]["computed"] is False
    assert checks["its SUM of 1.0 over one replica"]["computed"] == 1.0
    assert checks["(get_strategy() is mirrored) inside its scope"]["computed"] is True


def test_keras_fit_in_a_mirrored_scope(checks):
    x, y = regression_data()
    w, b = np.array([0.5, -0.5]), 0.0
    for step in range(4):  # SGD with lr 0.1 on batches of 2, in order, of mean(r²)
        x_part, y_part = x[2 * step:2 * step + 2], y[2 * step:2 * step + 2]
        residual = x_part @ w + b - y_part  # r = xw + b - y
        dw = np.array([2 * np.mean(residual * x_part[:, j]) for j in range(2)])  # 2·mean(r·x_j)
        w, b = w - 0.1 * dw, b - 0.1 * 2 * np.mean(residual)  # d/db = 2·mean(r)
    assert checks["the devices of the kernel's copies"]["computed"] == \
        checks["replica_devices()"]["computed"]
    fitted = checks["mirrored kernel, bias"]
    for weights in (fitted["computed"], fitted["expected"]):  # mirrored, then one device
        np.testing.assert_allclose(np.ravel(weights[0]), w, rtol=1e-5)
        np.testing.assert_allclose(weights[1], [b], rtol=1e-5)
    np.testing.assert_allclose(checks["its kernel column and bias"]["computed"][0], w, rtol=1e-5)


def test_distributed_dataset_with_compute_average_loss(checks):
    x, y = regression_data()
    w = np.array([0.5, -0.5])
    assert checks["each replica's examples"]["computed"] == [4, 4]
    np.testing.assert_allclose(checks["the summed loss"]["computed"], np.mean((x @ w - y) ** 2),
                               rtol=1e-5)
    np.testing.assert_allclose(checks["the summed dL/dw"]["computed"], mse_gradient(w, x, y),
                               rtol=1e-5)


@pytest.mark.slow
def test_the_placement_worker_runs_the_shown_code_as_a_program():
    """What the worker runs is the example's shown code: it prints what that code prints, and
    its placement log, because logging is on before TF starts its devices."""
    code = outline("devices").examples[0].code
    assert code.startswith("tf.debugging.set_log_device_placement(True)")
    done = subprocess.run([sys.executable, "-m", "tfbasics.course.worker",
                           "device_placement_log"], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "CUDA_VISIBLE_DEVICES": "-1"})
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert "Sin: (Sin): /job:localhost/replica:0/task:0/device:CPU:1" in lines
    assert "tf.Tensor([ 0.9092974 -0.7568025 -0.2794155], shape=(3,), dtype=float32)" in lines
    assert "/job:localhost/replica:0/task:0/device:CPU:1" in lines  # print(c.device)


def test_the_multi_worker_example_is_what_the_workers_run():
    shown = next(e for e in outline("devices").examples if e.name == "multi_worker_strategy")
    assert "tf.distribute.MultiWorkerMirroredStrategy()" in shown.code
    assert {name for name, _ in shown.helpers} == {"regression_batch", "batch_share",
                                                   "replica_gradient"}
    assert "helper_results" not in shown.code and "check_close" not in shown.code


def test_a_failing_helper_stops_its_partner_at_once(monkeypatch):
    """A helper that exits with an error raises, and its partner is killed, not waited for."""
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    sleeper = workers._Helper(subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], stdout=out, stderr=err), out, err)
    monkeypatch.setitem(workers._STARTERS, "pair",
                        lambda: [sleeper, workers._spawn("no-such-example")])
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"pair \[1\] exited with 1: usage"):
        workers.helper_results("pair")
    assert time.monotonic() - start < 20  # not the 60 s the partner would sleep
    assert sleeper.process.poll() is not None


def test_a_helper_that_runs_too_long_is_killed(monkeypatch):
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    sleeper = workers._Helper(subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], stdout=out, stderr=err), out, err)
    monkeypatch.setitem(workers._STARTERS, "slow", lambda: [sleeper])
    monkeypatch.setattr(workers, "TIMEOUT", 0.5)
    with pytest.raises(RuntimeError, match=r"slow \[0\] timed out after 0.5 s"):
        workers.helper_results("slow")
    assert sleeper.process.poll() is not None


def test_helpers_started_early_are_killed_at_exit():
    """A process that started the helpers and exits without waiting for them leaves none behind."""
    script = ("from tfbasics.course import workers as h; h.start_helpers(); "
              "print(*[helper.process.pid for group in h._STARTED.values() for helper in group])")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    pids = [int(pid) for pid in done.stdout.split()]
    assert done.returncode == 0 and len(pids) == 3  # the placement log and two workers
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # gone, not orphaned
