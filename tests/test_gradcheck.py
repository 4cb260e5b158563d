"""check_gradient's four legs, blame and kinks, on cases derived by hand."""

import numpy as np
import pytest
import tensorflow as tf

from tfbasics import GradientCheck, check_gradient


@tf.custom_gradient
def clipped_square(x):
    """x² with a deliberately wrong gradient: 3x instead of 2x."""
    def grad(upstream):
        return upstream * 3.0 * x
    return x * x, grad


def test_the_seed_passes_on_every_leg():
    check = check_gradient(lambda w: 4 * w + w**3, 1.0, analytic=lambda w: 4 + 3 * w**2)
    assert isinstance(check, GradientCheck) and check.passed
    assert set(check.legs) == {"analytic", "reverse", "forward", "finite_difference"}
    for values in check.legs.values():
        np.testing.assert_allclose(values, [7.0], rtol=1e-4)
    assert check.blame == ""
    # its twin: 4 + 2w² (6 vs 7 by hand at w = 1) fails, blaming the formula
    wrong = check_gradient(lambda w: 4 * w + w**3, 1.0, analytic=lambda w: 4 + 2 * w**2)
    assert not wrong.passed and wrong.culprit == "analytic", wrong.note


def test_a_wrong_formula_is_blamed_with_the_element():
    # d(Σ w³)/dw = 3w² = [3, 12]; the formula says 13 for w[1]
    check = check_gradient(lambda w: tf.reduce_sum(w**3), [1.0, 2.0],
                           analytic=lambda w: 3 * w**2 + np.array([0.0, 1.0]))
    assert not check.passed
    assert check.worst == "w[1]"
    assert check.blame == ("your analytic formula disagrees with the tape, forward mode and "
                           "finite differences at w[1]: 13.0 vs 12.0 — check the formula")
    np.testing.assert_allclose(check.max_abs_error, 1.0, rtol=1e-5)


def test_a_broken_custom_gradient_is_blamed_on_the_tape():
    check = check_gradient(clipped_square, 2.0, analytic=lambda x: 2 * x)  # d(x²)/dx = 4
    assert not check.passed
    assert check.blame.startswith("the tape disagrees with your analytic formula, forward mode "
                                  "and finite differences at x: 6.0 vs 4.0")
    np.testing.assert_allclose(check.legs["forward"], [4.0], rtol=1e-6)


def test_without_a_formula_the_tape_is_still_caught():
    check = check_gradient(clipped_square, 2.0)
    assert not check.passed and check.blame.startswith("the tape disagrees with forward mode")
    np.testing.assert_allclose(check.expected, 4.0, rtol=1e-4)  # finite differences stand in


@pytest.mark.parametrize("f, at, slopes", [
    (tf.nn.relu, 0.0, (0.0, 1.0)),
    (tf.abs, 0.0, (-1.0, 1.0)),
])
def test_kinks_are_named_not_failed(f, at, slopes):
    check = check_gradient(f, at)
    assert check.passed, str(check)
    assert len(check.kinks) == 1
    assert "not differentiable" in check.note
    left, right = slopes
    assert f"one-sided slopes {left} and {right}" in check.note


@pytest.mark.parametrize("f, analytic, valid", [
    (tf.nn.relu, 1.0, True),  # H(0) = 1 is as valid a choice as TF's 0
    (tf.abs, 0.5, True),  # any slope in [-1, 1] is a subgradient of |w| at 0
    (tf.abs, 2.0, False),  # 2 is not
])
def test_at_a_kink_any_subgradient_is_accepted(f, analytic, valid):
    check = check_gradient(f, 0.0, analytic=analytic)
    assert check.passed is valid, str(check)
    assert len(check.kinks) == 1


def test_a_kink_does_not_hide_a_wrong_formula_elsewhere():
    check = check_gradient(lambda w: tf.reduce_sum(tf.abs(w)), [0.0, 2.0],
                           analytic=lambda w: np.array([0.0, -1.0]))  # sign(2) is 1, not -1
    assert not check.passed and check.worst == "w[1]"


def test_several_sources_and_float64():
    # d(x·sin y)/dx = sin y, d/dy = x·cos y
    x, y = np.float64(1.5), np.float64(0.3)
    check = check_gradient(lambda x, y: x * tf.sin(y), x, y,
                           analytic=lambda x, y: (np.sin(y), x * np.cos(y)))
    assert check.passed
    assert check.errors["analytic/reverse"][0] < 1e-12
    assert check.errors["analytic/finite_difference"][0] < 1e-7  # float64 differences
    # its twin: cos y for d/dy (x missing) fails at y
    wrong = check_gradient(lambda x, y: x * tf.sin(y), x, y,
                           analytic=lambda x, y: (np.sin(y), np.cos(y)))
    assert not wrong.passed and wrong.culprit == "analytic" and wrong.worst == "y", wrong.note


def test_captured_variables_are_perturbed_and_restored_exactly():
    w = tf.Variable([0.1, -0.7, 2.3])
    before = w.numpy().copy()
    check = check_gradient(lambda: tf.reduce_sum(tf.sin(w) * w), w,
                           analytic=lambda w: np.cos(w) * w + np.sin(w))
    assert check.passed, str(check)
    assert w.numpy().tobytes() == before.tobytes()


def test_variables_are_restored_even_when_f_fails():
    w = tf.Variable([1.0, 2.0])
    before = w.numpy().copy()
    calls = []

    def f():
        calls.append(1)
        if len(calls) > 4:  # fail part-way through the finite differences
            raise RuntimeError("boom")
        return tf.reduce_sum(w**2)

    with pytest.raises(RuntimeError, match="boom"):
        check_gradient(f, w, analytic=lambda w: 2 * w)
    assert w.numpy().tobytes() == before.tobytes()


def test_a_none_gradient_is_never_zero():
    check = check_gradient(lambda w1, w2: w1**2, 1.0, 2.0, analytic=(2.0, 0.0))
    assert not check.passed
    assert check.computed[1] is None
    assert "d/dw2 is None" in check.note and "does not depend on w2" in check.note


def test_strict_raises_on_failure():
    with pytest.raises(AssertionError, match="check the formula"):
        check_gradient(lambda w: w**2, 3.0, analytic=lambda w: 3 * w, strict=True)
    with pytest.raises(AssertionError, match="is None"):
        check_gradient(lambda w1, w2: w1**2, 1.0, 2.0, analytic=(2.0, 0.0), strict=True)


def test_large_sources_batch_their_finite_differences():
    w = np.linspace(-1.0, 1.0, 40)  # ≥ 16 elements: one vectorised call per leg
    check = check_gradient(lambda w: tf.reduce_sum(tf.tanh(w) ** 2), w,
                           analytic=lambda w: 2 * np.tanh(w) / np.cosh(w) ** 2)
    assert check.passed, str(check)
    assert check.errors["analytic/finite_difference"][0] < 1e-7
    # its twin: the same formula 1% off at element 7 fails there
    wrong = check_gradient(lambda w: tf.reduce_sum(tf.tanh(w) ** 2), w,
                           analytic=lambda w: 2 * np.tanh(w) / np.cosh(w) ** 2
                           * np.where(np.arange(w.size) == 7, 1.01, 1.0))
    assert not wrong.passed and wrong.culprit == "analytic" and wrong.worst == "w[7]", wrong.note


def test_analytic_of_the_wrong_shape_is_a_clear_error():
    with pytest.raises(ValueError, match=r"has shape \(3,\), but w has shape \(2,\)"):
        check_gradient(lambda w: tf.reduce_sum(w**2), [1.0, 2.0],
                       analytic=lambda w: np.array([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="gives 3 gradients for 2 arguments"):
        check_gradient(lambda x, y: x * y, 1.0, 2.0, analytic=(2.0, 1.0, 0.0))
