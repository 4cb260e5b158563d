"""The devices lesson, run by the runner in its own process (it splits the CPU in two)."""

import numpy as np
import tensorflow as tf


def by_name(checks):
    """Return {check name: check dict}."""
    return {check["name"]: check for check in checks}


def regression_gradient():
    """The whole batch's gradient of the mean squared error, in NumPy from the same data."""
    x = tf.random.stateless_normal([8, 2], seed=[7, 7]).numpy().astype(np.float64)
    y = tf.random.stateless_normal([8], seed=[8, 8]).numpy().astype(np.float64)
    w = np.array([0.5, -0.5])
    residual = x @ w - y
    return np.array([2 * np.mean(residual * x[:, 0]), 2 * np.mean(residual * x[:, 1])])


def test_two_logical_devices_and_placement(lesson_checks):
    checks = by_name(lesson_checks["devices"])
    assert checks["two logical devices to spread work over"]["computed"] == 2
    assert checks["a * 2 ran on the first device"]["computed"].endswith(":0")
    assert checks["sin(b) ran on the second device"]["computed"].endswith(":1")
    log = checks["the log places Mul on CPU:0 and Sin on CPU:1"]
    assert log["computed"] == ["CPU:0", "CPU:1"] and "Sin: (Sin)" in log["note"]


def test_mirrored_strategy_gradient(lesson_checks):
    checks = by_name(lesson_checks["devices"])
    assert checks["replicas in sync"]["computed"] == 2
    np.testing.assert_allclose(
        checks["all-reduced (summed) gradient equals the whole batch's"]["computed"],
        regression_gradient(), rtol=1e-5)
    halves = np.asarray(checks["each replica's gradient is its half's share"]["computed"])
    np.testing.assert_allclose(halves.sum(axis=0), regression_gradient(), rtol=1e-5)
    assert not np.allclose(halves[0], halves[1])  # the replicas really saw different data


def test_multi_worker_gradient(lesson_checks):
    checks = by_name(lesson_checks["devices"])
    assert checks["two workers, one replica each: replicas in sync"]["computed"] == [2, 2]
    for name in ("worker 0's all-reduced gradient is the whole batch's",
                 "worker 1 holds the same all-reduced gradient"):
        np.testing.assert_allclose(checks[name]["computed"], regression_gradient(), rtol=1e-5)
