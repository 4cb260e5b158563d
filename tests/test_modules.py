"""The modules lesson: the fits against NumPy's least squares, export round trips."""

import numpy as np
import tensorflow as tf
from conftest import computed

from tfbasics.lessons import modules


def lstsq_oracle():
    """The least-squares coefficients, solved here with the normal equations."""
    x = np.linspace(-2.0, 2.0, 201).astype(np.float32)
    noise = tf.random.stateless_normal([201], seed=[42, 0]).numpy()
    y = (x**2 + 2 * x - 5 + noise).astype(np.float64)
    X = np.stack([x**2, x, np.ones_like(x)], 1).astype(np.float64)
    return np.linalg.solve(X.T @ X, X.T @ y)


def test_simple_module():
    value, trainable, everything = computed(modules.a_module_with_variables)
    np.testing.assert_allclose(value, 30.0)
    assert trainable == ["train_me:0"] and len(everything) == 2


def test_nested_modules():
    _, counts = computed(modules.modules_inside_modules)
    assert counts == [4, 2]


def test_gradient_descent_reaches_least_squares():
    coefficients, _ = computed(modules.fit_with_gradient_descent)
    np.testing.assert_allclose([float(c) for c in coefficients], lstsq_oracle(), atol=1e-4)
    # and the data really came from about 1·x² + 2·x - 5
    np.testing.assert_allclose(lstsq_oracle(), [1.0, 2.0, -5.0], atol=0.1)


def test_keras():
    raw, shapes, is_module = computed(modules.keras_tracks_add_weight_only)
    assert raw == 0 and is_module is False
    [coefficients] = computed(modules.fit_with_keras)
    np.testing.assert_allclose(np.asarray(coefficients), lstsq_oracle(), atol=1e-4)


def test_export_round_trips():
    [reloaded] = computed(modules.save_and_reload)
    np.testing.assert_allclose(reloaded, np.polyval(lstsq_oracle(), [-1.0, 0.0, 0.5, 3.0]),
                               atol=1e-3)
    [restored] = computed(modules.checkpoint_round_trip)
    np.testing.assert_allclose([float(v) for v in restored], lstsq_oracle(), atol=1e-4)


def test_figures(tmp_path):
    for example in (modules.plot_the_fit, modules.plot_the_loss):
        data = example(tmp_path).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["modules_fit.png", "modules_loss.png"]
