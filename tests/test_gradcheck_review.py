"""Found by a second adversarial review of check_gradient; each answer is derived by hand or
with mpmath (50 digits), never by tfbasics.

Wrong formulas that passed: small elements beside a large one (a shared tolerance), a point
far from 0 or near a minimum (an allowance for w's rounding added to every comparison), a
custom gradient in a tf.function over tf.Variables (finite differences excused), a tie in
max. Right formulas that failed: a kink where TF takes the curved side's slope, a saturated
sigmoid, a function whose constants depend on its dtype. And the blame where the tape is the
wrong leg.
"""

import re

import mpmath
import numpy as np
import pytest
import tensorflow as tf
from conftest import slow_but

from tfbasics import check_gradient

mpmath.mp.dps = 50


def square_with_gradient_times(factor):
    """x² whose backward pass is factor·2x (a bug unless factor is 1)."""
    @tf.custom_gradient
    def square(x):
        return x * x, lambda upstream: upstream * 2 * factor * x
    return square


# --- wrong formulas that passed -------------------------------------------------------------

@pytest.mark.parametrize("dtype", slow_but([np.float32, np.float64], 0))
def test_small_elements_are_checked_beside_a_large_one(dtype):
    # L = ½ Σ s·w²: dL/dw = s·w = [1e7, 0.5, -2, 3] (float64: [1e11, 1, -2, 3])
    big = 1e7 if dtype == np.float32 else 1e11
    s = np.array([big, 1.0, 1.0, 1.0], dtype)
    w = np.array([1.0, 0.5, -2.0, 3.0], dtype)
    f = lambda w: 0.5 * tf.reduce_sum(s * w**2)  # noqa: E731
    assert check_gradient(f, w, analytic=lambda w: s * w).passed
    for wrong in ([big, -0.5, -2.0, 3.0], [big, 0.5, 0.0, 3.0], [big, 0.5, -2.0, 5.7]):
        check = check_gradient(f, w, analytic=np.array(wrong, dtype))
        assert not check.passed and check.culprit == "analytic", (wrong, str(check))


@pytest.mark.slow
def test_fast_mode_checks_small_elements_beside_a_large_one():
    # an embedding-like gradient: one element 2e6·w, the rest 1·w; the formula halves the rest
    n = 10_000
    counts = np.ones(n, np.float32)
    counts[0] = 2e6
    w = np.random.default_rng(0).uniform(0.5, 1.5, n).astype(np.float32)
    f = lambda w: 0.5 * tf.reduce_sum(counts * w**2)  # noqa: E731
    assert check_gradient(f, w, analytic=lambda w: counts * w).passed
    half = np.where(np.arange(n) == 0, counts * w, 0.5 * counts * w).astype(np.float32)
    check = check_gradient(f, w, analytic=half)
    assert check.mode == "fast" and not check.passed and check.culprit == "analytic"


def test_far_from_zero_a_one_percent_error_fails():
    # d Σ sin(w)/dw = cos(w) at |w| ~ 1e5: TF's cos is right to 4e-8 there
    w = np.array([30000.0, 120000.0, -70000.0], np.float32)
    exact = np.array([float(mpmath.cos(mpmath.mpf(float(x)))) for x in w])
    f = lambda w: tf.reduce_sum(tf.sin(w))  # noqa: E731
    assert check_gradient(f, w, analytic=exact.astype(np.float32)).passed
    check = check_gradient(f, w, analytic=(exact * [1, 1.01, 1]).astype(np.float32))
    assert not check.passed and check.worst == "w[1]"


def test_near_a_minimum_zero_is_not_the_gradient():
    # (w - c)² two float32 steps from its minimum at 1000: dL/dw = 2(w - c) = -2⁻¹², exactly
    c = np.float32(1000.0) + np.float32(2 * 2.0**-14)
    w = np.float32(1000.0)
    exact = float(2 * (mpmath.mpf(float(w)) - mpmath.mpf(float(c))))
    assert exact == -(2.0**-12)
    assert check_gradient(lambda w: (w - c) ** 2, w, analytic=exact).passed
    assert not check_gradient(lambda w: (w - c) ** 2, w, analytic=0.0).passed
    # float64, one step from the minimum at 1e8: 2(1e8 - next) = -2.98e-8
    c64 = np.nextafter(1e8, 2e8)
    exact = float(2 * (mpmath.mpf(1e8) - mpmath.mpf(float(c64))))
    assert check_gradient(lambda w: (w - c64) ** 2, np.float64(1e8), analytic=exact).passed
    for wrong in (0.0, 2 * exact):
        assert not check_gradient(lambda w: (w - c64) ** 2, np.float64(1e8),
                                  analytic=wrong).passed


def test_next_to_the_edge_of_acos_a_wrong_formula_fails():
    w = np.array([1 - 2.0**-23], np.float32)
    x = mpmath.mpf(float(w[0]))
    exact = float(-1 / mpmath.sqrt(1 - x * x))  # -2048.0001
    f = lambda w: tf.reduce_sum(tf.acos(w))  # noqa: E731
    assert check_gradient(f, w, analytic=np.array([exact], np.float32)).passed
    assert not check_gradient(f, w, analytic=np.array([1.3 * exact], np.float32)).passed


def test_a_wrong_custom_gradient_in_a_tf_function_over_variables_fails():
    # forward mode cannot run there, and finite differences run in float32: they still speak
    square = square_with_gradient_times(1.005)
    loss = tf.function(lambda w: tf.reduce_sum(square(w)))
    w = tf.Variable([0.5, 1.5, -1.0])
    assert not check_gradient(loss, w).passed
    assert not check_gradient(loss, w, analytic=lambda w: 2.01 * w).passed  # repeats the bug


def test_at_a_tie_in_max_a_gradient_must_sum_to_one():
    # max(w + t) = max(w) + t, so every subgradient g at a tie has Σg = 1
    w = np.array([1.0, 3.0, 3.0, 2.0])
    for valid in ([0, 0.5, 0.5, 0], [0, 1, 0, 0], [0, 0.25, 0.75, 0]):
        assert check_gradient(tf.reduce_max, w, analytic=np.array(valid, float)).passed
    for invalid in ([0, 0, 0, 0], [0, 1, 1, 0]):
        check = check_gradient(tf.reduce_max, w, analytic=np.array(invalid, float))
        assert not check.passed, invalid


def test_float16_takes_four_in_a_thousand():
    # d Σ sin(w)/dw = cos(w); a formula 0.9% off fails, 0.2% passes (float16 has 3 digits)
    w = np.array([0.3, 0.7, 1.1], np.float16)
    exact = np.cos(w.astype(np.float64))
    f = lambda w: tf.reduce_sum(tf.sin(w))  # noqa: E731
    assert check_gradient(f, w, analytic=(exact * [1, 1.002, 1]).astype(np.float16)).passed
    assert not check_gradient(f, w, analytic=(exact * [1, 1.009, 1]).astype(np.float16)).passed


# --- right formulas that failed -------------------------------------------------------------

@pytest.mark.slow
def test_a_kink_where_tf_takes_the_curved_sides_slope():
    # clip(w, -1, 1)² at 1: one-sided slopes 2 (left, 2w) and 0 (right): anything in [0, 2]
    f = lambda w: tf.reduce_sum(tf.clip_by_value(w, -1.0, 1.0) ** 2)  # noqa: E731
    w = np.array([1.0, 0.5])
    for first in (2.0, 1.0, 0.0):
        assert check_gradient(f, w, analytic=np.array([first, 1.0])).passed, first
    assert not check_gradient(f, w, analytic=np.array([2.5, 1.0])).passed
    # min(w, 1)·e^w at 1: slopes 2e (left, (1 + w)e^w) and e (right)
    g = lambda w: tf.reduce_sum(tf.minimum(w, 1.0) * tf.exp(w))  # noqa: E731
    assert check_gradient(g, np.array([1.0]), analytic=np.array([2 * np.e])).passed
    assert not check_gradient(g, np.array([1.0]), analytic=np.array([3 * np.e])).passed


def test_a_saturated_sigmoid():
    # σ'(20) = e⁻²⁰/(1 + e⁻²⁰)² = 2.06e-9, where TF's float32 y·(1 - y) is 0
    exact = float(mpmath.exp(-20) / (1 + mpmath.exp(-20)) ** 2)
    f = lambda w: tf.reduce_sum(tf.sigmoid(w))  # noqa: E731
    assert check_gradient(f, np.array([20.0], np.float32),
                          analytic=np.array([exact])).passed
    exact40 = float(mpmath.exp(-40) / (1 + mpmath.exp(-40)) ** 2)
    assert check_gradient(f, np.array([40.0]), analytic=np.array([exact40])).passed
    # a Variable that f only reads is checked as a tensor of its value: it passes too
    v = tf.Variable([20.0])
    assert check_gradient(f, v, analytic=np.array([exact])).passed
    # a Variable f captures is checked in float32, where every leg sees 0: a FAIL that says so
    check = check_gradient(lambda: tf.reduce_sum(tf.sigmoid(v)), v, analytic=np.array([exact]))
    assert not check.passed and "below what f's float32 rounding resolves" in check.blame


@pytest.mark.slow
def test_constants_that_depend_on_the_dtype():
    # a safe norm with the dtype's own eps: in float64 it is another function
    def f(w):
        return tf.reduce_sum(tf.sqrt(w**2 + np.finfo(w.dtype.as_numpy_dtype).eps))

    w = np.array([1e-4, -3e-4, 0.5], np.float32)
    eps = float(np.finfo(np.float32).eps)
    exact = w.astype(np.float64) / np.sqrt(w.astype(np.float64) ** 2 + eps)
    assert check_gradient(f, w, analytic=exact.astype(np.float32)).passed
    assert check_gradient(f, tf.Variable(w), analytic=exact.astype(np.float32)).passed
    # f's value hides the difference (100 dominates it): the check fails and says why
    w = np.array([1e-4, 100.0], np.float32)
    exact = w.astype(np.float64) / np.sqrt(w.astype(np.float64) ** 2 + eps)
    check = check_gradient(f, w, analytic=exact.astype(np.float32))
    assert not check.passed and "another function in float64" in check.blame
    assert not check_gradient(f, w, analytic=(exact * [1.2, 1]).astype(np.float32)).passed


def test_at_float32s_minimum_of_a_float64_constant():
    # (w - 0.1)² at float32's 0.1: 0 in float32, 2(0.1f - 0.1) = 3e-9 in float64: both right
    f = lambda w: (w - 0.1) ** 2  # noqa: E731
    w = np.float32(0.1)
    assert check_gradient(f, w, analytic=0.0).passed
    assert check_gradient(f, w, analytic=2 * (float(w) - 0.1)).passed
    assert not check_gradient(f, w, analytic=0.05).passed


# --- the blame, when the tape is the wrong leg ------------------------------------------------

def test_a_custom_gradient_is_blamed_not_finite_differences():
    # tf.function: forward mode reuses the custom gradient, the formula repeats it (0.1%)
    square = square_with_gradient_times(1.001)
    f = tf.function(lambda w: tf.reduce_sum(square(w)))
    w = np.array([0.5, 1.5, -1.0], np.float32)
    check = check_gradient(f, w, analytic=lambda w: 2.002 * w)
    assert not check.passed and check.culprit == "reverse", str(check)
    assert "tf.custom_gradient" in check.blame and "precision" not in check.blame


def test_forward_mode_alone_disagreeing_points_at_the_custom_gradient():
    square = square_with_gradient_times(1.0003)
    check = check_gradient(lambda w: tf.reduce_sum(square(w)),
                           tf.Variable([0.5, 1.5, -1.0]), analytic=lambda w: 2.0006 * w)
    assert not check.passed and "tf.custom_gradient" in check.blame


def test_digits_enough_to_see_the_difference():
    # a float64 formula 1e-7 off: the message shows the digits where the two differ
    f = lambda w: tf.reduce_sum(tf.sin(w))  # noqa: E731
    w = np.array([0.2, 0.7])
    wrong = np.cos(w) * [1, 1 + 1e-7]
    check = check_gradient(f, w, analytic=wrong)
    assert not check.passed
    shown = check.blame.split(": ")[1].split(" — ")[0]
    first, second = shown.split(" vs ")
    assert first != second, check.blame


# --- notes that mislead ---------------------------------------------------------------------

def test_at_a_kink_the_blame_gives_the_one_sided_slopes():
    # relu at 0: one-sided slopes 0 and 1, so any value in [0, 1] is right; 2.0 is not
    check = check_gradient(tf.nn.relu, 0.0, analytic=2.0)
    assert not check.passed and check.culprit == "analytic"
    assert "any slope from 0.0 to 1.0" in check.blame, check.blame


def test_a_flat_region_is_not_called_noisy():
    # relu(-1), relu(-2) are flat: finite differences give exactly 0 there
    check = check_gradient(lambda w: tf.reduce_sum(tf.nn.relu(w)), np.array([-1.0, -2.0, 3.0]),
                           analytic=np.array([0.0, 0.0, 1.0]))
    assert check.passed and "too noisy" not in check.note, check.note
    # its twin: a slope of 0.1 on the flat part fails there
    bad = check_gradient(lambda w: tf.reduce_sum(tf.nn.relu(w)), np.array([-1.0, -2.0, 3.0]),
                         analytic=np.array([0.1, 0.0, 1.0]))
    assert not bad.passed and bad.culprit == "analytic" and bad.worst == "w[0]", bad.note


def test_a_none_note_is_said_once():
    check = check_gradient(lambda a, b: a**2, 1.0, 2.0, analytic=(2.0, 0.0))
    assert not check.passed and check.note.count("a None gradient is not zero") == 1


@pytest.mark.slow
def test_checks_in_a_row_do_not_warn_of_retracing():
    import logging

    records = []
    handler = logging.Handler()
    handler.emit = records.append
    tf.get_logger().addHandler(handler)
    try:
        for k in range(7):  # a new f each time, as a teacher's loop over exercises makes
            check_gradient(lambda w, k=k: tf.reduce_sum(tf.sin(w) * (k + 1)),
                           np.linspace(0.1, 1.0, 20))
    finally:
        tf.get_logger().removeHandler(handler)
    assert not [r for r in records if "retracing" in r.getMessage()]


@pytest.mark.slow
@pytest.mark.parametrize("make", [lambda v: v, tf.Variable])
def test_a_large_value_of_f_does_not_hide_a_wrong_float64_formula(make):
    # f = Σw² + 1e14 (a normalising constant): the gradient 2w rounds as any 2w does, so a
    # formula 10% or 1% off at w[1] fails; the constant only limits finite differences
    w = np.array([1.0, 2.0, -0.5])
    right = 2 * w  # by hand
    assert check_gradient(lambda v: tf.reduce_sum(v**2) + 1e14, make(w), analytic=right).passed
    for factor in (1.1, 1.01):
        wrong = right * [1.0, factor, 1.0]
        check = check_gradient(lambda v: tf.reduce_sum(v**2) + 1e14, make(w), analytic=wrong)
        assert not check.passed and check.culprit == "analytic", str(check)
    # least squares with large residuals at its optimum: Σ(w - c)² + (w + c)², gradient 4w
    c = 1e6
    for factor in (1.01, 1.003):
        check = check_gradient(lambda v: tf.reduce_sum((v - c) ** 2 + (v + c) ** 2), w,
                               analytic=4 * w * [1.0, factor, 1.0])
        assert not check.passed, str(check)


def test_near_a_float32_minimum_a_stub_fails():
    # (w - 1000.0001)² at w = 1000: the true slope -0.0002 (by hand); float32 rounds the
    # constant, so the tape says -0.000244, and the check allows that much, not 0 or 3×
    f = lambda v: tf.reduce_sum((v - 1000.0001) ** 2)  # noqa: E731
    assert check_gradient(f, np.float32([1000.0]), analytic=[-0.0002]).passed
    for wrong in ([0.0], [-0.0006]):
        assert not check_gradient(f, np.float32([1000.0]), analytic=wrong).passed, wrong


@tf.custom_gradient
def _square_doubled(x):  # the bug: 4x where d(x²)/dx = 2x
    return x * x, lambda dy: dy * 4.0 * x


@tf.custom_gradient
def _square_right(x):
    return x * x, lambda dy: dy * 2.0 * x


_REST = tf.constant(np.full(100, 10.0, np.float32))  # the rest of a loss: Σ 10² = 1e4


@tf.function
def _loss_doubled(w):
    return tf.reduce_sum(_square_doubled(w)) + tf.reduce_sum(_REST**2)


@tf.function
def _loss_right(w):
    return tf.reduce_sum(_square_right(w)) + tf.reduce_sum(_REST**2)


@pytest.mark.slow
@pytest.mark.parametrize("make", [tf.Variable, lambda v: __import__("keras").Variable(v)])
def test_a_doubled_custom_gradient_in_a_tf_function_over_variables_fails(make):
    # the standard setup: tf.function, variables, a custom gradient, a loss of 1e4 beside
    # slopes of about 1. Forward mode cannot run there and float32 differences at the usual
    # step drown in f's rounding, so larger steps decide: d(w² + 1e4)/dw = 2w, by hand.
    w = [0.5, 1.5, -1.0]
    alone = check_gradient(_loss_doubled, make(w))  # tape against finite differences: FAIL
    assert not alone.passed and alone.culprit == "reverse", str(alone)
    shown = re.search(r"finite differences \[([^\]]*)\]", str(alone)).group(1)
    np.testing.assert_allclose([float(x) for x in shown.split(",")], 2 * np.array(w), rtol=1e-3)
    repeated = check_gradient(_loss_doubled, make(w), analytic=lambda v: 4 * v)  # the bug again
    assert not repeated.passed and repeated.culprit == "reverse", str(repeated)
    assert "tf.custom_gradient" in repeated.blame
    right = check_gradient(_loss_right, make(w), analytic=lambda v: 2 * v)
    assert right.passed, str(right)


def test_forward_mode_is_not_blamed_for_the_tapes_custom_gradient():
    # eager, float32 variables, a custom gradient 0.03% too large and a formula repeating it:
    # forward mode follows f's own ops (2w), so it is the tape that is blamed
    @tf.custom_gradient
    def square(x):
        return x * x, lambda dy: dy * 2 * 1.0003 * x

    v = tf.Variable([0.5, 1.5, -1.0])
    check = check_gradient(lambda w: tf.reduce_sum(square(w)), v, analytic=lambda w: 2.0006 * w)
    assert not check.passed and check.culprit == "reverse", str(check)
    # f only reads v, so finite differences run in float64 and see the 0.03% too
    assert "forward mode and finite differences, which follow f itself" in check.blame
    # f captures v: f runs in float32 only, where forward mode alone resolves 0.03%
    check = check_gradient(lambda: tf.reduce_sum(square(v)), v, analytic=lambda w: 2.0006 * w)
    assert not check.passed and check.culprit == "reverse", str(check)
    assert "forward mode, which follows f's own ops" in check.blame


@pytest.mark.parametrize("analytic", [None, lambda w: np.array([0.0, 2 * w[1]])])
def test_a_zero_tape_beside_a_slope_too_small_for_the_usual_step_fails(analytic):
    # f = 1e4 + 5e-8·w0 (hidden from the tape) + w1²: by hand df/dw0 = 5e-8, the tape says
    # 0, and at the usual step f does not change at all (5e-8·h is below f's rounding); only
    # larger steps see the slope, so they must be tried even though the estimate there is 0
    def f(w):
        return 1e4 + tf.stop_gradient(5e-8 * w[0]) + w[1] ** 2

    check = check_gradient(f, tf.constant([0.5, 0.3]), analytic=analytic)
    assert not check.passed and check.culprit == "reverse", str(check)
    assert check.worst == "w[0]", str(check)
