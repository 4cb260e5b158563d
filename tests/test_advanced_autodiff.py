"""The advanced_autodiff lesson: values from the guide, hand derivations and NumPy.

Each example runs twice through `computed_by_name` / `checks_of` (same checks both times, all
passing); the numbers are then compared with values written here, or with NumPy differences
that do not share the lesson's hand derivations.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import checks_of, computed_by_name

from tfbasics import check_gradient
from tfbasics.checks import check_close
from tfbasics.lessons import advanced_autodiff as lesson


def test_controlling_the_tape():
    got = computed_by_name(lesson.controlling_the_tape)
    for way in ("with stop_recording", "after the reset", "with stop_gradient"):
        np.testing.assert_allclose(got[f"dz/dx at x = 2 {way}"], 4.0, rtol=1e-6)  # the guide's 2x
        assert got[f"dz/dy {way}"] is None


def test_custom_gradients():
    got = computed_by_name(lesson.custom_gradient_clipping)
    np.testing.assert_allclose(got["the clipped gradient at v = 2"], 2.0, rtol=1e-6)  # guide
    np.testing.assert_allclose(got["the clipped gradient at v = 0.1"], 0.1, rtol=1e-6)
    got = computed_by_name(lesson.custom_gradient_for_stability)
    assert got["isnan(the plain gradient at x = 100)"] is True
    np.testing.assert_allclose(got["the custom gradient at x = 100"], 1.0, rtol=1e-6)


@pytest.mark.slow
def test_custom_gradients_in_a_saved_model():
    got = computed_by_name(lesson.custom_gradients_in_a_saved_model)
    np.testing.assert_allclose(got["the loaded gradient here"], 2.0, rtol=1e-6)  # the guide
    assert got["loaded in a fresh process"] == 2.0
    assert got["saved without the option, loaded in a fresh process"] == "LookupError"
    assert got["SaveOptions' default"] is True  # TF 2.21's API docs


class GuideModule(tf.Module):
    """The guide's module, whose traced function uses the clipping custom gradient."""

    @tf.function(input_signature=[tf.TensorSpec(None)])
    def call_custom_grad(self, x):
        return lesson.clip_gradients(x)


@pytest.mark.slow
def test_only_a_fresh_process_tells_the_option_apart(tmp_path):
    # The must-FAIL twin of "loaded in a fresh process": saved without the option, the
    # lesson's check fails there, while the saving process sees 2.0 either way.
    model, paths = GuideModule(), {}
    for keep in (False, True):
        paths[keep] = str(tmp_path / f"custom_gradients_{keep}")
        tf.saved_model.save(model, paths[keep], options=tf.saved_model.SaveOptions(
            experimental_custom_gradients=keep))
    here = []
    for keep in (False, True):
        v = tf.Variable(2.0)
        with tf.GradientTape() as tape:
            output = tf.saved_model.load(paths[keep]).call_custom_grad(v * v)
        here.append(float(tape.gradient(output, v)))
    assert here == [2.0, 2.0]  # the registry of the saving process knows clip_gradients
    fresh = lesson._gradients_in_a_fresh_process([paths[False], paths[True]])
    assert fresh == ["LookupError", 2.0]
    assert not check_close("loaded in a fresh process", fresh[0], 2.0, by="by hand").passed


def test_the_broken_custom_gradient_is_blamed_on_the_tape():
    got = computed_by_name(lesson.a_broken_custom_gradient_is_caught)
    np.testing.assert_allclose(got["the tape's gradient at x = 2"], 6.0, rtol=1e-6)  # 3x
    assert got["check_gradient's verdict and culprit"] == [False, "reverse"]


def test_a_right_custom_gradient_passes_check_gradient():
    # the twin: the verdict is not False for every custom gradient
    @tf.custom_gradient
    def square(x):
        return x * x, lambda upstream: upstream * 2 * x

    verdict = check_gradient(square, 2.0, analytic=lambda x: 2 * x)
    assert verdict.passed and not verdict.culprit


def test_two_tapes_and_higher_order():
    got = computed_by_name(lesson.two_tapes_watching_different_tensors)
    np.testing.assert_allclose([got["tape0's dys/dx0 at 0"], got["tape1's dys/dx1 at 0"]],
                               [1.0, 0.25], rtol=1e-6)  # the guide's cos(0), σ'(0)
    got = computed_by_name(lesson.higher_order_gradients)
    np.testing.assert_allclose([got["dy/dx of x³ at x = 1"], got["d²y/dx² at x = 1"]],
                               [3.0, 6.0], rtol=1e-6)  # 3x², 6x at x = 1


def test_input_gradient_regularization_against_numpy_differences():
    got = computed_by_name(lesson.higher_order_gradients)
    keras.utils.set_random_seed(1)  # the lesson's x and layer, made again
    x = tf.random.normal([7, 5])
    layer = keras.layers.Dense(10)
    layer.build(x.shape)
    x = x.numpy().astype(np.float64)
    W, b = (v.numpy().astype(np.float64) for v in (layer.kernel, layer.bias))

    def magnitude(W, b):
        return np.linalg.norm(2 * np.maximum(x @ W + b, 0) @ W.T)  # ‖dout/dx‖

    def central(f, v, h=1e-6):
        steps = np.eye(v.size).reshape(v.size, *v.shape) * h
        return np.array([(f(v + s) - f(v - s)) / (2 * h) for s in steps]).reshape(v.shape)

    np.testing.assert_allclose(got["d‖g1‖/dW"], central(lambda W: magnitude(W, b), W),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got["d‖g1‖/db"], central(lambda b: magnitude(W, b), b),
                               rtol=1e-4, atol=1e-5)


def test_jacobians():
    got = computed_by_name(lesson.jacobians)
    x = np.linspace(-10, 10, 201)
    np.testing.assert_allclose(got["dy/dδ"], np.exp(-x) / (1 + np.exp(-x)) ** 2, rtol=1e-4,
                               atol=1e-7)
    j = np.asarray(got["dy[i, j]/dw[k, l]"])
    assert j.shape == (7, 10, 5, 10)  # the target's shape, then the source's
    # zero wherever the output column differs from the weight column: [j = l]
    assert np.all(j[:, 0, :, 1:] == 0) and np.all(j[:, 3, :, :3] == 0)
    # the gradient of the sum is the Jacobian summed over the target's axes (the guide)
    np.testing.assert_allclose(got["tape.gradient(y, w)"], j.sum(axis=(0, 1)), rtol=1e-5,
                               atol=1e-6)


def test_hessians_and_newton():
    got = computed_by_name(lesson.hessian_with_nested_tapes)
    np.testing.assert_allclose(got["the gradient at (1, 2)"], [4.0, 13.0], rtol=1e-6)
    np.testing.assert_allclose(got["the Hessian at (1, 2)"], [[4.0, 2.0], [2.0, 12.0]],
                               rtol=1e-6)
    Q = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]])
    np.testing.assert_allclose(got["the Hessian of ½wᵀQw - bᵀw"], Q, rtol=1e-6)
    # the minimum of ½wᵀQw - bᵀw solves Q·w = b; checked by substitution, not by solving
    np.testing.assert_allclose(Q @ np.asarray(got["w after one Newton step"], np.float64),
                               [1.0, -2.0, 0.5], atol=1e-5)
    got = computed_by_name(lesson.hessian_of_six_variables)
    H = np.asarray(got["the Hessian"])
    np.testing.assert_allclose(np.diag(H), np.diag(lesson.A) - np.sin(np.linspace(-1.5, 1.5, 6)),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(H - np.diag(np.diag(H)), lesson.A - np.diag(np.diag(lesson.A)))
    assert got["its largest asymmetry |H - Hᵀ|"] == 0.0
    # and against NumPy second differences of L = ½wᵀAw + Σ sin(w), in float64
    w, h, A = np.linspace(-1.5, 1.5, 6), 1e-4, lesson.A.astype(np.float64)

    def L(w):
        return 0.5 * w @ A @ w + np.sin(w).sum()

    steps = np.eye(6) * h
    numeric = [[(L(w + a + b) - L(w + a - b) - L(w - a + b) + L(w - a - b)) / (4 * h * h)
                for b in steps] for a in steps]
    np.testing.assert_allclose(H, numeric, rtol=1e-5, atol=1e-5)


@pytest.mark.slow
def test_batch_jacobians():
    got = computed_by_name(lesson.batch_jacobian)
    assert got["the largest entry between different examples"] == 0.0
    assert np.asarray(got["batch_jacobian"]).shape == (7, 6, 5)  # (batch, outs, ins)
    assert np.asarray(got["the full Jacobian with BatchNorm"]).shape == (7, 6, 7, 5)
    assert got["its largest entry between different examples"] > 0.1  # the guide: not diagonal
    assert np.asarray(got["batch_jacobian under BatchNorm"]).shape == (7, 6, 5)  # still fits
    assert got["its largest gap to each example's own block"] > 0.1


def test_the_batch_norm_jacobian_against_numpy_differences():
    # the lesson's hand derivation of BatchNormalization's Jacobian, against differences
    a = np.random.default_rng(0).normal(size=(7, 3))
    gamma, epsilon, h = np.array([1.0, 0.5, 2.0]), 1e-3, 1e-6

    def bn(a):
        return gamma * (a - a.mean(axis=0)) / np.sqrt(a.var(axis=0) + epsilon)

    numeric = np.zeros((7, 7, 3))  # d bn[b, f] / d a[c, f]
    for c in range(7):
        step = np.zeros_like(a)
        step[c] = h
        numeric[:, c, :] = (bn(a + step) - bn(a - step)) / (2 * h)
    np.testing.assert_allclose(lesson._batch_norm_jacobian(a, gamma, epsilon), numeric,
                               rtol=1e-6, atol=1e-8)


def test_batch_jacobian_patches_layout():
    # a (batch=2, outs=1, batch=2, ins=1) Jacobian with a diagonal: patches bordered by NaN
    j = tf.constant(np.array([[[[1.0], [0.0]]], [[[0.0], [2.0]]]]))
    image = lesson.batch_jacobian_patches(j)
    assert image.shape == (4, 4)
    np.testing.assert_array_equal(image[1:3, 1:3], [[1.0, 0.0], [0.0, 2.0]])
    assert np.isnan(image[0]).all() and np.isnan(image[:, 3]).all()


def test_forward_mode_and_grids():
    got = computed_by_name(lesson.forward_mode_jvp)
    np.testing.assert_allclose(got["J·v of y = x³ at [1, 2] along [1, 0.5]"], [3.0, 6.0],
                               rtol=1e-6)
    got = computed_by_name(lesson.derivatives_over_a_grid)
    d1, d2 = np.asarray(got["f′ of sin(x)·exp(-x²/8)"]), np.asarray(got["f″"])
    # f = sin(x)·e^(-x²/8): f′ at 0 is 1, and f″ is odd, 0 at 0 (grid point 120 is x = 0)
    np.testing.assert_allclose(d1[120], 1.0, rtol=1e-6)
    np.testing.assert_allclose(d2[120], 0.0, atol=1e-6)
    np.testing.assert_allclose(d2, -d2[::-1], atol=1e-5)


def test_taylor_and_steps():
    got = computed_by_name(lesson.taylor_test_tells_right_from_wrong)
    assert abs(got["the right gradient's order"] - 2.0) < 0.05
    assert abs(got["the wrong gradient's order"] - 1.0) < 0.05
    assert abs(got["taylor_test's order for the wrong one"] - 1.0) < 0.05
    got = computed_by_name(lesson.why_the_step_is_eps_cube_root)
    # eps^(1/3): 4.9e-3 in float32, 6.1e-6 in float64
    np.testing.assert_allclose(got["log10 of the best steps"],
                               np.log10([4.9e-3, 6.1e-6]), atol=1)
    assert got["the smallest errors < 10·eps^(2/3)"] == [True, True]


# The saved model's fresh processes take seconds, the batch Jacobians one: the inner loop
# runs the other examples.
HEAVY = {"custom_gradients_in_a_saved_model", "batch_jacobian"}


@pytest.mark.parametrize("example", [
    pytest.param(e, marks=pytest.mark.slow) if e.__name__ in HEAVY else e
    for e in lesson.EXAMPLES if "figures_dir" not in e.__code__.co_varnames],
    ids=lambda example: example.__name__)
def test_every_check_says_where_its_answer_comes_from(example):
    for check in checks_of(example):
        assert check.by, f"{example.__name__}: {check.name}"

