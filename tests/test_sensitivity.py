"""Gradient fields, input sensitivity and integrated gradients, against answers known in
advance: gradients derived by hand and evaluated in NumPy, a linear model's exact
attributions, quadrature rules written out in NumPy, and their known orders of convergence."""

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

import tfbasics
from tfbasics import (
    GradientField,
    IntegratedGradients,
    gradient_field,
    gradient_times_input,
    input_sensitivity,
    integrated_gradients,
    plot_attributions,
    plot_completeness,
    plot_gradient_field,
)

PACKAGE = Path(tfbasics.__file__).resolve().parent

# The linear-fit loss of the modules lesson, on fixed data: L(a, b) = mean((a·x + b - y)²).
DATA_X = np.linspace(-2.0, 2.0, 17)
DATA_Y = 3.0 * DATA_X + 2.0 + 0.3 * np.sin(5 * DATA_X)


def fit_loss(a, b):
    x, y = tf.constant(DATA_X, a.dtype), tf.constant(DATA_Y, a.dtype)
    return tf.reduce_mean((a[..., None] * x + b[..., None] - y) ** 2, axis=-1)


def fit_loss_by_hand(a, b):
    """L, dL/da = 2·mean(r·x), dL/db = 2·mean(r), with r = a·x + b - y, in float64 NumPy."""
    r = a[..., None] * DATA_X + b[..., None] - DATA_Y
    return np.mean(r**2, -1), 2 * np.mean(r * DATA_X, -1), 2 * np.mean(r, -1)


# --- gradient_field ----------------------------------------------------------------------

@pytest.mark.parametrize("dtype, rtol", [(tf.float32, 2e-5), (tf.float64, 1e-12)])
def test_the_field_matches_the_hand_derived_gradient_on_the_whole_grid(dtype, rtol):
    field = gradient_field(fit_loss, (-1.0, 5.0), (-3.0, 4.0), num=(31, 23), dtype=dtype)
    assert isinstance(field, GradientField) and field.L.shape == (23, 31)
    a, b = np.meshgrid(np.linspace(-1.0, 5.0, 31), np.linspace(-3.0, 4.0, 23))
    np.testing.assert_allclose(field.w0, a, rtol=1e-6)
    np.testing.assert_allclose(field.w1, b, rtol=1e-6)
    L, dL_da, dL_db = fit_loss_by_hand(a, b)
    scale = np.max(np.abs(dL_da))  # gradients cross zero: compare against the field's scale
    np.testing.assert_allclose(field.L, L, rtol=rtol, atol=rtol * np.max(L))
    np.testing.assert_allclose(field.dL_dw0, dL_da, rtol=rtol, atol=rtol * scale)
    np.testing.assert_allclose(field.dL_dw1, dL_db, rtol=rtol, atol=rtol * scale)


def test_a_wrong_hand_gradient_does_not_match_the_field():
    # the must-fail twin: dL/da without its factor 2 is far off the tape's field
    field = gradient_field(fit_loss, (-1.0, 5.0), (-3.0, 4.0), num=11)
    _, dL_da, _ = fit_loss_by_hand(field.w0.astype(float), field.w1.astype(float))
    assert not np.allclose(field.dL_dw0, dL_da / 2, rtol=1e-3)


def test_the_field_is_one_batched_call_whatever_the_grid_size():
    calls = []

    def f(a, b):
        calls.append(tuple(a.shape))
        return a**2 + a * b

    for num in (3, 40):
        calls.clear()
        field = gradient_field(f, (0.0, 1.0), (0.0, 1.0), num=num)
        # one call under the tape on the whole grid, one on a shuffled sample (the check)
        assert calls == [(num, num), (1, min(61, num * num - 1))]
        np.testing.assert_allclose(field.dL_dw0, 2 * field.w0 + field.w1, rtol=1e-6)


def test_a_gradient_descent_path_follows_the_field():
    # steps of gradient descent read off the field agree with steps taken by hand
    field = gradient_field(fit_loss, (-1.0, 5.0), (-3.0, 4.0), num=7, dtype=tf.float64)
    a, b = field.w0[3, 3], field.w1[3, 3]
    _, dL_da, dL_db = fit_loss_by_hand(np.array(a), np.array(b))
    assert field.dL_dw0[3, 3] == pytest.approx(float(dL_da), rel=1e-12)
    assert field.dL_dw1[3, 3] == pytest.approx(float(dL_db), rel=1e-12)


# --- input_sensitivity and gradient_times_input -------------------------------------------

def dense_model(outputs, seed=0, activation=None):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(outputs,
                                                                    activation=activation)])
    return model


def test_a_linear_keras_model_is_sensitive_by_its_kernel():
    model = dense_model(3)
    kernel = model.layers[0].kernel.numpy()
    x = np.random.default_rng(21).normal(size=(5, 4)).astype(np.float32)
    for target in (0, 2):
        s = input_sensitivity(model, x, target=target)
        np.testing.assert_allclose(s, np.tile(kernel[:, target], (5, 1)), rtol=1e-6)
    per_input = np.array([0, 1, 2, 1, 0])
    s = input_sensitivity(model, x, target=per_input)
    np.testing.assert_allclose(s, kernel[:, per_input].T, rtol=1e-6)
    assert not np.allclose(s, np.tile(kernel[:, 0], (5, 1)))  # the targets do matter


def test_a_nonlinear_function_against_its_derivative():
    # y = Σ sin(x)·w  →  dy/dx = cos(x)·w, and gradient × input = x·cos(x)·w
    w = np.array([0.5, -1.0, 2.0])
    x = np.random.default_rng(21).uniform(-2, 2, size=(6, 3))
    f = lambda x: tf.reduce_sum(tf.sin(x) * w, axis=-1)  # noqa: E731
    np.testing.assert_allclose(input_sensitivity(f, x), np.cos(x) * w, rtol=1e-12)
    np.testing.assert_allclose(gradient_times_input(f, x), x * np.cos(x) * w, rtol=1e-12)


def test_each_input_gets_its_own_gradient_in_a_batch():
    # the batch's gradients equal the gradients of each input alone
    model = dense_model(1, activation="tanh")
    x = np.random.default_rng(21).normal(size=(4, 4)).astype(np.float32)
    batch = input_sensitivity(model, x)
    alone = np.concatenate([input_sensitivity(model, x[i:i + 1]) for i in range(4)])
    kernel, bias = (v.numpy() for v in model.layers[0].weights)
    by_hand = (1 - np.tanh(x @ kernel + bias) ** 2) * kernel[:, 0]  # d tanh(x·k + b)/dx
    np.testing.assert_allclose(batch, alone, rtol=1e-6)
    np.testing.assert_allclose(batch, by_hand, rtol=1e-5, atol=1e-7)


# --- integrated_gradients ------------------------------------------------------------------

@pytest.mark.parametrize("method", ["trapezoid", "riemann_left", "riemann_right",
                                    "riemann_middle", "gauss_legendre"])
def test_a_linear_model_gets_exactly_its_weights_times_the_difference(method):
    w = np.array([1.5, -2.0, 0.25, 4.0])
    x = np.random.default_rng(21).normal(size=(3, 4))
    x0 = np.random.default_rng(22).normal(size=4)
    f = lambda x: tf.reduce_sum(x * w, axis=-1) + 7.0  # noqa: E731
    ig = integrated_gradients(f, x, baseline=x0, steps=3, method=method)
    assert isinstance(ig, IntegratedGradients) and ig.steps == 3 and ig.method == method
    np.testing.assert_allclose(ig.attributions, (x - x0) * w, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(ig.completeness_error, 0.0, atol=1e-13)
    np.testing.assert_allclose(ig.outputs, x @ w + 7.0, rtol=1e-14)
    np.testing.assert_allclose(ig.baseline_outputs, x0 @ w + 7.0, rtol=1e-14)


def test_a_float32_keras_linear_model_is_exact_to_rounding():
    model = dense_model(1)
    kernel = model.layers[0].kernel.numpy()[:, 0].astype(np.float64)
    x = np.random.default_rng(21).normal(size=(8, 4)).astype(np.float32)
    ig = integrated_gradients(model, x, steps=1)
    np.testing.assert_allclose(ig.attributions, x * kernel, rtol=1e-6, atol=1e-7)
    assert np.all(ig.completeness_error < 1e-5)


def test_a_float32_keras_model_takes_float64_inputs():
    model = dense_model(2)
    kernel = model.layers[0].kernel.numpy().astype(np.float64)
    x = np.random.default_rng(4).normal(size=(3, 4))  # float64
    np.testing.assert_allclose(input_sensitivity(model, x, target=1),
                               np.tile(kernel[:, 1], (3, 1)), rtol=1e-6)
    ig = integrated_gradients(model, x, target=0, steps=2)
    np.testing.assert_allclose(ig.attributions, x * kernel[:, 0], rtol=1e-6, atol=1e-7)
    assert ig.attributions.dtype == np.float64 and np.all(ig.completeness_error < 1e-5)


W1 = np.random.default_rng(1).normal(size=(5, 6)) / 2
W2 = np.random.default_rng(2).normal(size=6)


def smooth(x):
    return tf.reduce_sum(tf.tanh(x @ W1) * W2, axis=-1)


def smooth_by_hand(x):
    """F(x) = Σ tanh(x·W1)·w2 and dF/dx = W1·((1 - tanh²(x·W1))·w2), in NumPy."""
    t = np.tanh(x @ W1)
    return t @ W2, ((1 - t**2) * W2) @ W1.T


def quadrature_by_hand(x, x0, alphas, weights):
    """Integrated gradients written out in NumPy: Σ_k weight_k·dF/dx(x0 + α_k(x - x0))."""
    mean = sum(wk * smooth_by_hand(x0 + ak * (x - x0))[1] for ak, wk in zip(alphas, weights,
                                                                         strict=True))
    return (x - x0) * mean


def test_the_trapezoid_rule_matches_one_written_out_in_numpy():
    rng = np.random.default_rng(21)
    x, x0 = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    steps = 7
    weights = np.full(steps + 1, 1 / steps)
    weights[[0, -1]] /= 2
    expected = quadrature_by_hand(x, x0, np.linspace(0, 1, steps + 1), weights)
    ig = integrated_gradients(smooth, x, baseline=x0, steps=steps)
    np.testing.assert_allclose(ig.attributions, expected, rtol=1e-12, atol=1e-14)
    middle = quadrature_by_hand(x, x0, (np.arange(steps) + 0.5) / steps,
                                np.full(steps, 1 / steps))
    got = integrated_gradients(smooth, x, baseline=x0, steps=steps, method="riemann_middle")
    np.testing.assert_allclose(got.attributions, middle, rtol=1e-12, atol=1e-14)
    assert not np.allclose(got.attributions, expected, rtol=1e-6)  # the rules do differ


def measured_order(method, x, x0):
    """Return the slope of log(completeness error) against log(steps), F known in NumPy."""
    exact = smooth_by_hand(x)[0] - smooth_by_hand(x0)[0]
    steps = np.array([8, 16, 32, 64, 128])
    errors = [np.max(np.abs(integrated_gradients(smooth, x, x0, int(n), method)
                            .attributions.sum(axis=1) - exact)) for n in steps]
    return -np.polyfit(np.log(steps), np.log(errors), 1)[0], errors


def test_completeness_error_falls_as_the_rules_order():
    x, x0 = np.random.default_rng(21).normal(size=(1, 5)) * 1.5, np.zeros((1, 5))
    order, errors = measured_order("trapezoid", x, x0)
    assert order == pytest.approx(2.0, abs=0.1), errors
    assert measured_order("riemann_middle", x, x0)[0] == pytest.approx(2.0, abs=0.1)
    # the must-fail twin: a first-order rule shows order 1, not 2
    assert measured_order("riemann_left", x, x0)[0] == pytest.approx(1.0, abs=0.15)
    # and the helper's own completeness error agrees with the one computed from NumPy's F
    ig = integrated_gradients(smooth, x, x0, steps=16)
    exact = smooth_by_hand(x)[0] - smooth_by_hand(x0)[0]
    np.testing.assert_allclose(ig.completeness_error,
                               np.abs(ig.attributions.sum(axis=1) - exact), rtol=1e-6)


def test_integrated_gradients_is_one_batched_model_call():
    shapes = []

    def f(x):
        shapes.append(tuple(x.shape))
        return tf.reduce_sum(x**3, axis=-1)

    integrated_gradients(f, np.ones((4, 3)), steps=10)
    assert shapes == [((10 + 1 + 2) * 4, 3)]  # 11 trapezoid points and both ends, 4 inputs


def test_a_saturated_unit_has_zero_saliency_but_its_integrated_gradient_is_not_zero():
    # y = tanh(10·x0) + 0.1·x1 at x = (3, 1): tanh'(30) rounds to 0 in float32, yet moving
    # x0 from 0 to 3 changes y by tanh(30) ≈ 1, all of which IG gives to x0.
    f = lambda x: tf.tanh(10 * x[:, 0]) + 0.1 * x[:, 1]  # noqa: E731
    x = np.array([[3.0, 1.0]], dtype=np.float32)
    saliency = np.abs(input_sensitivity(f, x))
    ig = integrated_gradients(f, x, steps=64, method="gauss_legendre")
    assert saliency[0, 0] == 0.0 and saliency[0, 1] == pytest.approx(0.1)
    np.testing.assert_allclose(ig.attributions[0], [np.tanh(30.0), 0.1], rtol=1e-4)
    assert ig.completeness_error[0] < 1e-4


def test_a_baseline_for_one_input_is_shared_by_the_batch():
    w = np.array([1.0, 2.0])
    f = lambda x: tf.reduce_sum(x * w, axis=-1)  # noqa: E731
    x = np.array([[1.0, 1.0], [2.0, 3.0]])
    ig = integrated_gradients(f, x, baseline=[1.0, 0.0], steps=2)
    np.testing.assert_allclose(ig.attributions, (x - [1.0, 0.0]) * w)


@pytest.mark.skipif(not tf.config.list_logical_devices("GPU"), reason="TF sees no GPU")
def test_the_gpu_gives_the_cpu_answer():
    x = np.random.default_rng(21).normal(size=(4, 5)).astype(np.float32)
    with tf.device("/GPU:0"):
        on_gpu = integrated_gradients(smooth, x.astype(np.float64), steps=8).attributions
    with tf.device("/CPU:0"):
        on_cpu = integrated_gradients(smooth, x.astype(np.float64), steps=8).attributions
    np.testing.assert_allclose(on_gpu, on_cpu, rtol=1e-10)


# --- figures -------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_figures_are_reproducible_byte_for_byte(tmp_path):
    analytic = lambda a, b: fit_loss_by_hand(a, b)[1:]  # noqa: E731
    path = [(0.0, 0.0), (1.0, 0.5), (2.0, 1.5)]
    first = plot_gradient_field(fit_loss, (-1.0, 5.0), (-3.0, 4.0), path=tmp_path / "a.png",
                                analytic=analytic, points=path).read_bytes()
    again = plot_gradient_field(fit_loss, (-1.0, 5.0), (-3.0, 4.0), path=tmp_path / "b.png",
                                analytic=analytic, points=path).read_bytes()
    other = plot_gradient_field(fit_loss, (-1.0, 5.0), (-3.0, 4.0), path=tmp_path / "c.png",
                                analytic=analytic, points=path[:2]).read_bytes()
    assert first == again and first != other and len(first) > 20_000
    image = np.random.default_rng(21).uniform(size=(8, 8))
    mask = image > 0.8
    maps = {"saliency": image - 0.5, "integrated gradients": image**2}
    one = plot_attributions(image, maps, tmp_path / "i1.png", marked=mask).read_bytes()
    two = plot_attributions(image, maps, tmp_path / "i2.png", marked=mask).read_bytes()
    three = plot_attributions(image, maps, tmp_path / "i3.png", marked=~mask).read_bytes()
    assert one == two and one != three
    bars = plot_attributions(image[0], image[1] - 0.5, tmp_path / "bars.png", marked=mask[0],
                             labels=list("abcdefgh"))
    assert bars.stat().st_size > 10_000
    x = np.random.default_rng(3).normal(size=(2, 5))
    one = plot_completeness(smooth, x, path=tmp_path / "c1.png").read_bytes()
    two = plot_completeness(smooth, x, path=tmp_path / "c2.png").read_bytes()
    three = plot_completeness(smooth, x, path=tmp_path / "c3.png",
                              methods=("trapezoid",)).read_bytes()
    assert one == two and one != three


# --- bad input -----------------------------------------------------------------------------

two_outputs = lambda x: tf.stack([x[:, 0], x[:, 1]], axis=1)  # noqa: E731
square = lambda x: tf.reduce_sum(x**2, axis=-1)  # noqa: E731
ONE = [[1.0, 2.0]]

CASES = [
    ("baseline shape", lambda: integrated_gradients(square, ONE, baseline=[1.0, 2.0, 3.0]),
     ValueError, "baseline has shape (3,) but x has shape (1, 2): give one input's shape (2,)"),
    ("steps < 1", lambda: integrated_gradients(square, ONE, steps=0), ValueError,
     "steps must be at least 1, got 0"),
    ("steps not whole", lambda: integrated_gradients(square, ONE, steps=2.5), TypeError,
     "steps must be a whole number"),
    ("unknown method", lambda: integrated_gradients(square, ONE, method="simpson"), ValueError,
     "unknown method 'simpson': choose one of trapezoid, riemann_left"),
    ("several outputs, no target", lambda: integrated_gradients(two_outputs, ONE), ValueError,
     "the model gives 2 outputs per input: pass target="),
    ("several outputs, no target (sensitivity)", lambda: input_sensitivity(two_outputs, ONE),
     ValueError, "the model gives 2 outputs per input: pass target="),
    ("target out of range", lambda: input_sensitivity(two_outputs, ONE, target=2), ValueError,
     "target must be an output index in 0 ... 1"),
    ("one number, not a batch", lambda: input_sensitivity(square, 1.0), ValueError,
     "x must be a batch of inputs"),
    ("a model that sums the batch", lambda: input_sensitivity(tf.reduce_sum, ONE), ValueError,
     "it must give one output (or one row) per input"),
    ("a model returning a list", lambda: input_sensitivity(lambda x: [x, x], ONE), TypeError,
     "the model returned 2 tensors"),
    ("integer inputs", lambda: gradient_times_input(square, [[1, 2]]), TypeError,
     "x is an integer"),
    ("not a model", lambda: integrated_gradients("model", ONE), TypeError,
     "f must be a function"),
    ("input ignored", lambda: input_sensitivity(lambda x: tf.ones([1]), ONE), ValueError,
     "does not depend on x"),
    ("field range", lambda: gradient_field(fit_loss, (1.0, -1.0), (0.0, 1.0)), ValueError,
     "w0_range must run from a smaller finite number to a larger one"),
    ("field range type", lambda: gradient_field(fit_loss, 1.0, (0.0, 1.0)), TypeError,
     "w0_range must be a pair of numbers"),
    ("field num", lambda: gradient_field(fit_loss, (0.0, 1.0), (0.0, 1.0), num=1), ValueError,
     "num must be at least 2"),
    ("field mixes points",
     lambda: gradient_field(lambda a, b: a + tf.reduce_mean(b), (0.0, 1.0), (0.0, 1.0)),
     ValueError, "f(w0, w1) mixes grid points"),
    ("field reduces the grid",
     lambda: gradient_field(lambda a, b: tf.reduce_sum(a * b), (0.0, 1.0), (0.0, 1.0)),
     ValueError, "f(w0, w1) must give one L per grid point"),
    ("field ignores a weight", lambda: gradient_field(lambda a, b: a**2, (0., 1.), (0., 1.)),
     ValueError, "dL/dw1 is None"),
    ("points shape", lambda: plot_gradient_field(fit_loss, (0.0, 1.0), (0.0, 1.0),
                                                 path="/tmp/x.png", points=[1.0, 2.0]),
     ValueError, "points must be a list of (w0, w1) pairs"),
    ("attribution shape", lambda: plot_attributions(np.ones((8, 8)), np.ones((8, 7)),
                                                    path="/tmp/x.png"),
     ValueError, "attributions 'attribution' have shape (8, 7) but x has shape (8, 8)"),
    ("a batch to plot", lambda: plot_attributions(np.ones((2, 8, 8)), np.ones((2, 8, 8)),
                                                  path="/tmp/x.png"),
     ValueError, "pass one input"),
    ("marked shape", lambda: plot_attributions(np.ones(4), np.ones(4), path="/tmp/x.png",
                                               marked=[True]),
     ValueError, "marked has shape (1,)"),
    ("completeness steps", lambda: plot_completeness(square, ONE, steps=(4, 2, 8),
                                                     path="/tmp/x.png"),
     ValueError, "steps must be at least 3 growing whole numbers"),
    ("completeness method", lambda: plot_completeness(square, ONE, methods=("simpson",),
                                                      path="/tmp/x.png"),
     ValueError, "methods must be a list of quadrature rules from trapezoid"),
    ("not a png", lambda: plot_attributions(np.ones(4), np.ones(4), path="/tmp/x.jpg"),
     ValueError, "end the path with .png"),
]


@pytest.mark.parametrize("call, error, words", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_a_clear_one_line_error_from_tfbasics(call, error, words):
    with pytest.raises(error) as raised:
        call()
    message = str(raised.value)
    assert words in message, message
    assert "\n" not in message, message
    assert Path(raised.traceback[-1].path).resolve().is_relative_to(PACKAGE), \
        raised.traceback[-1].path
