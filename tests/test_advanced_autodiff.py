"""The advanced_autodiff lesson: values from the guide and from hand derivations.

Each example runs twice through `computed_by_name` / `checks_of` (same checks both times, all
passing); the numbers are then compared with values written here.
"""

import numpy as np
import pytest
import tensorflow as tf
from conftest import checks_of, computed_by_name

from tfbasics.lessons import advanced_autodiff as lesson


def values(example):
    """The computed values of an example's checks, in order."""
    return list(computed_by_name(example).values())


@pytest.mark.parametrize("example", [lesson.stop_recording, lesson.reset_the_tape,
                                     lesson.stop_gradient])
def test_controlling_the_tape(example):
    dz_dx, dz_dy = values(example)
    np.testing.assert_allclose(dz_dx, 4.0, rtol=1e-6)  # 2x at x = 2, the guide's value
    assert dz_dy is None


def test_custom_gradients():
    at_2, at_01 = values(lesson.custom_gradient_clipping)
    np.testing.assert_allclose(at_2, 2.0, rtol=1e-6)  # the guide: clip(1) = 0.5, times 2v = 4
    np.testing.assert_allclose(at_01, 0.1, rtol=1e-6)  # 0.5 · 2·0.1
    default, loaded, same_class = values(lesson.custom_gradients_in_a_saved_model)
    assert default is True  # TF 2.21's SaveOptions default (the guide passes it explicitly)
    np.testing.assert_allclose(loaded, 2.0, rtol=1e-6)
    assert same_class is False
    naive_is_nan, stable = values(lesson.custom_gradient_for_stability)
    assert naive_is_nan is True
    np.testing.assert_allclose(stable, 1.0, rtol=1e-6)


def test_the_broken_custom_gradient_is_blamed_on_the_tape():
    [check] = checks_of(lesson.a_broken_custom_gradient_is_caught)
    assert check.computed == [False, "reverse"]
    assert "the tape disagrees" in check.note and "6.0 vs 4.0" in check.note


def test_two_tapes_and_higher_order():
    d0, d1 = values(lesson.two_tapes_watching_different_tensors)
    np.testing.assert_allclose([d0, d1], [1.0, 0.25], rtol=1e-6)  # the guide's cos(0), σ'(0)
    d1, d2 = values(lesson.higher_order_gradients)
    np.testing.assert_allclose([d1, d2], [3.0, 6.0], rtol=1e-6)  # 3x², 6x at x = 1


def test_input_gradient_regularization():
    g1, shapes, d_kernel, d_bias = values(lesson.input_gradient_regularization)
    assert shapes == [[5, 10], [10]]  # the guide's printed shapes
    assert np.asarray(g1).shape == (7, 5)
    # both paths from W matter: the direct one alone (2/m)·g1ᵀA is not the gradient
    g1 = np.asarray(g1, np.float64)
    assert np.asarray(d_kernel).shape == (5, 10) and np.linalg.norm(d_bias) > 0


def test_jacobians():
    shape, dy_dx = values(lesson.jacobian_of_a_scalar_source)
    assert shape == [201]
    x = np.linspace(-10, 10, 201)
    np.testing.assert_allclose(dy_dx, np.exp(-x) / (1 + np.exp(-x)) ** 2, rtol=1e-4, atol=1e-7)
    shape, j, summed, gradient = values(lesson.jacobian_of_a_tensor_source)
    assert shape == [7, 10, 5, 10]
    j = np.asarray(j)
    # zero wherever the output column differs from the weight column: [j = l]
    assert np.all(j[:, 0, :, 1:] == 0) and np.all(j[:, 3, :, :3] == 0)
    np.testing.assert_allclose(summed, j.sum(axis=(0, 1)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gradient, summed, rtol=1e-5, atol=1e-6)


def test_hessians_and_newton():
    g, H, _ = values(lesson.hessian_with_nested_tapes)
    np.testing.assert_allclose(g, [4.0, 13.0], rtol=1e-6)
    np.testing.assert_allclose(H, [[4.0, 2.0], [2.0, 12.0]], rtol=1e-6)
    h, w = values(lesson.newton_step_with_a_hessian)
    A = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]])
    np.testing.assert_allclose(h, A, rtol=1e-6)
    # the minimum of ½wᵀAw - bᵀw solves A·w = b; checked by substitution, not by solving
    np.testing.assert_allclose(A @ np.asarray(w, np.float64), [1.0, -2.0, 0.5], atol=1e-5)
    [H6, _] = values(lesson.hessian_of_six_variables)
    np.testing.assert_allclose(np.diag(H6), np.diag(lesson.A) - np.sin(np.linspace(-1.5, 1.5, 6)),
                               rtol=1e-5, atol=1e-6)


def test_batch_jacobians():
    full_shape, off_zero, shape, blocks, summed = values(lesson.batch_jacobian)
    assert full_shape == [7, 6, 7, 5] and shape == [7, 6, 5] and off_zero == 0.0
    np.testing.assert_allclose(summed, blocks, rtol=1e-5, atol=1e-6)
    nonzero, still_shape, summed_first, not_diagonal = values(
        lesson.batch_norm_breaks_independence)
    assert nonzero is True and still_shape == [7, 6, 5] and not_diagonal is True
    assert np.asarray(summed_first).shape == (7, 6, 5)


def test_batch_jacobian_patches_layout():
    # a (batch=2, outs=1, batch=2, ins=1) Jacobian with a diagonal: patches bordered by NaN
    j = tf.constant(np.array([[[[1.0], [0.0]]], [[[0.0], [2.0]]]]))
    image = lesson.batch_jacobian_patches(j)
    assert image.shape == (4, 4)
    np.testing.assert_array_equal(image[1:3, 1:3], [[1.0, 0.0], [0.0, 2.0]])
    assert np.isnan(image[0]).all() and np.isnan(image[:, 3]).all()


def test_forward_mode_and_grids():
    [jvp] = values(lesson.forward_mode_jvp)
    np.testing.assert_allclose(jvp, [3.0, 6.0], rtol=1e-6)
    d1, d2 = values(lesson.derivatives_over_a_grid)
    grid = np.linspace(-6.0, 6.0, 241)
    # f = sin(x)·e^(-x²/8): f′ at 0 is 1, and f″ is odd, 0 at 0
    np.testing.assert_allclose(np.asarray(d1)[120], 1.0, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(d2)[120], 0.0, atol=1e-6)
    np.testing.assert_allclose(d2, -np.asarray(d2)[::-1], atol=1e-5)
    assert grid[120] == 0.0


def test_taylor_and_steps():
    right, wrong, helper = values(lesson.taylor_test_tells_right_from_wrong)
    assert abs(right - 2.0) < 0.05 and abs(wrong - 1.0) < 0.05 and abs(helper - 1.0) < 0.05
    assert values(lesson.why_the_step_is_eps_cube_root) == [True, True, [True, True]]
