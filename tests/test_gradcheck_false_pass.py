"""Hunting false PASSes: a wrong formula must FAIL, however it reaches check_gradient.

SymPy derives every gradient independently; the formula is then made wrong at one random
element by a random relative amount of at least 1e-2, and the check must say FAIL and blame
the formula at that element, in float32 and float64, for arguments, captured tf.Variables and
captured constants, in full and fast mode.
"""

import os

import numpy as np
import pytest
import sympy
import tensorflow as tf
from conftest import slow_but
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import CONSTANTS, build, trees

from tfbasics import check_gradient


@st.composite
def problems(draw):
    """A random smooth function of one vector w of 1 to 5 elements, a point, a dtype."""
    count = draw(st.integers(1, 5))
    tree = draw(trees(count))
    point = draw(st.lists(st.floats(-1.5, 1.5, allow_nan=False).map(lambda v: round(v, 3)),
                          min_size=count, max_size=count))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return count, tree, np.array(point, dtype=dtype)


def sympy_gradient(tree, count, point):
    """The gradient SymPy derives, in float64, at the point (every element connected)."""
    symbols = sympy.symbols(f"x0:{count}")
    expression = build(tree, symbols, 1) + sum(symbols) * 0
    values = dict(zip(symbols, map(float, point), strict=True))
    return np.array([float(sympy.diff(expression, s).subs(values)) for s in symbols])


def wrong_at(gradient, data):
    """Return (the gradient made wrong at one element by ≥ 1% of its size, that element)."""
    element = data.draw(st.integers(0, gradient.size - 1), label="element")
    relative = data.draw(st.floats(1e-2, 10.0), label="relative error")
    sign = data.draw(st.sampled_from([-1.0, 1.0]), label="sign")
    # Relative to the element, but never below 1e-3 of the gradient's largest element (an
    # element that is zero by cancellation has no size of its own to be 1% wrong about).
    size = max(abs(gradient[element]), 1e-3 * np.max(np.abs(gradient)), 1e-12)
    wrong = gradient.copy()
    wrong[element] += sign * relative * size
    return wrong, element


def function_of(tree, count, how, point):
    """Return (f, args) that reach the expression through `how`."""
    dtype = tf.as_dtype(point.dtype)
    if how == "argument":
        return (lambda w: build(tree, [w[i] for i in range(count)], 0,
                                lambda c: tf.constant(c, dtype)) + 0.0 * tf.reduce_sum(w),
                [point])
    if how == "variable":
        w = tf.Variable(point)
        return (lambda: build(tree, [w[i] for i in range(count)], 0,
                              lambda c: tf.constant(c, dtype)) + 0.0 * tf.reduce_sum(w), [w])
    # Captured constants of the point's dtype: float32 ones pin f to float32, so finite
    # differences cannot move to float64.
    constants = {c: tf.constant(c, dtype) for c in CONSTANTS}
    return (lambda w: build(tree, [w[i] for i in range(count)], 0,
                            lambda c: constants[c]) + 0.0 * tf.reduce_sum(w), [point])


# TFBASICS_EXAMPLES=1000 pytest ... tries more expressions than CI's suite has time for.
SETTINGS = settings(max_examples=int(os.environ.get("TFBASICS_EXAMPLES", 60)),
                    derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@SETTINGS
@given(problems(), st.sampled_from(["argument", "variable", "captured constant"]),
       st.sampled_from(["full", "fast"]), st.data())
def test_a_wrong_formula_never_passes(problem, how, mode, data):
    count, tree, point = problem
    expected = sympy_gradient(tree, count, point)
    f, args = function_of(tree, count, how, point)
    right = check_gradient(f, *args, analytic=expected.astype(point.dtype), mode=mode)
    assert right.passed, f"the right formula failed: {tree} at {point}: {right}"
    wrong, element = wrong_at(expected, data)
    check = check_gradient(f, *args, analytic=wrong.astype(point.dtype), mode=mode)
    assert not check.passed, f"FALSE PASS: {tree} at {point}, {wrong} vs {expected}"
    assert check.culprit == "analytic", check.note
    assert check.worst.endswith(f"[{element}]"), (check.worst, element)


@pytest.mark.parametrize("c", slow_but([1e-6, 1.0, 1e6], 0))
@pytest.mark.parametrize("dtype", slow_but([np.float32, np.float64], 0))
def test_the_verdict_does_not_change_when_f_is_scaled(c, dtype):
    # L = c·Σ w² sin(w): dL/dw = c·(2w sin w + w² cos w); each wrong formula misses by ≥ 1%.
    w = np.array([0.3, -1.2, 0.7], dtype)
    exact = c * (2 * w * np.sin(w) + w**2 * np.cos(w))

    def f(w):
        return c * tf.reduce_sum(w**2 * tf.sin(w))

    assert check_gradient(f, w, analytic=exact).passed
    for wrong in (exact * [1, 1.01, 1], exact * 2, exact + [0, 0, 0.01 * exact[2]],
                  c * 2 * w * np.sin(w)):
        check = check_gradient(f, w, analytic=wrong.astype(dtype))
        assert not check.passed, f"c = {c}: {check}"


@pytest.mark.parametrize("make", slow_but([lambda v: tf.Variable(v), lambda v: v,
                                           lambda v: np.float64(v), lambda v: np.float16(v)],
                                          0))
@pytest.mark.parametrize("c", slow_but([0.5, 50.0, 5000.0], 1))
def test_quadratic_bowls_at_and_near_their_minimum(make, c):
    # L = c·(w - 1)²: dL/dw = 2c(w - 1), zero at the minimum. A formula off by 0.2 there,
    # or by 1% near it, must fail; the right one must pass. (float16 resolves 1.001 as one
    # step from 1, where its gradient is rounding: it is checked at and away from the bowl.)
    half = isinstance(make(1.0), np.float16)
    for at in (1.0, 1.0 - 0.25) if half else (1.0, 1.0 + 1e-3, 1.0 - 0.25):
        w = make(at)
        value = float(np.asarray(w.numpy() if hasattr(w, "numpy") else w))
        slope = 2 * c * (value - 1.0)

        def f(w):
            return c * (w - 1.0) ** 2

        assert check_gradient(f, w, analytic=slope).passed, (c, at)
        # 0.2 off where the slope is small (at the minimum it is 0), 1% off everywhere
        relative = 0.05 if half else 0.01  # float16 carries 3 significant digits
        wrongs = [slope * (1 + relative) + (relative * c if slope == 0 else 0.0)]
        wrongs += [slope + 0.2] if abs(slope) < 2 and not half else []
        for wrong in wrongs:
            check = check_gradient(f, w, analytic=wrong)
            assert not check.passed, (c, at, wrong, str(check))


def test_the_issue_s_false_passes_fail():
    k = tf.constant(100.0)
    cases = [
        (lambda w: 50.0 * (w - 1.0) ** 2, [tf.Variable(1.0)], lambda w: 0.2),
        (lambda w: tf.sin(k * w), [0.3], lambda w: 100 * np.cos(100 * w) + 20),
        (lambda a, b: a**2, [1.0, 2.0], lambda a, b: (999.0, None)),
        (lambda w: 1e-6 * tf.reduce_sum(w**2), [[1.0, 2.0]], lambda w: 1e-6 * w),
        (lambda z: tf.math.real(z * tf.math.conj(z)), [tf.constant(1 + 2j)], 2 + 999j),
    ]
    for f, args, analytic in cases:
        check = check_gradient(f, *args, analytic=analytic)
        assert not check.passed, str(check)


@pytest.mark.slow
@pytest.mark.parametrize("k", [30.0, 100.0, 300.0])
def test_high_frequency_functions(k):
    # d sin(k·w)/dw = k·cos(k·w); k = 300 moves by 1.5 rad over the float32 step.
    constant = tf.constant(k)
    for w in (0.3, -0.77):
        exact = k * np.cos(k * w)
        f = lambda w: tf.sin(constant * w)  # noqa: E731
        assert check_gradient(f, w, analytic=exact).passed
        assert check_gradient(f, w).passed  # TF's gradient is right: no formula, PASS
        assert not check_gradient(f, w, analytic=exact + 0.02 * k).passed


@pytest.mark.parametrize("f, at, analytic, valid", slow_but([
    (tf.nn.relu, 0.0, 0.0, True), (tf.nn.relu, 0.0, 1.0, True), (tf.nn.relu, 0.0, 0.5, True),
    (tf.nn.relu, 0.0, 1.5, False), (tf.nn.relu, 0.0, -0.1, False),
    (tf.abs, 0.0, -1.0, True), (tf.abs, 0.0, 0.3, True), (tf.abs, 0.0, 1.2, False),
    (lambda w: tf.maximum(w, 2.0 - w), 1.0, 0.0, True),  # max(w, 2 - w): slopes -1, 1 at 1
    (lambda w: tf.maximum(w, 2.0 - w), 1.0, -2.0, False),
    # near a kink, but not at it: the derivative is the one-sided one, nothing else
    (tf.nn.relu, 1e-3, 1.0, True), (tf.nn.relu, 1e-3, 0.5, False),
    (tf.abs, -2e-4, -1.0, True), (tf.abs, -2e-4, 0.0, False),
], 1, 3, 10, 11))
@pytest.mark.parametrize("make", slow_but([lambda v: v, lambda v: tf.Variable(v), np.float64],
                                          0, 1))
def test_true_kinks_accept_subgradients_and_nothing_else(f, at, analytic, valid, make):
    check = check_gradient(f, make(at), analytic=analytic)
    assert check.passed is valid, str(check)
    assert bool(check.kinks) is (at == 0.0 or at == 1.0), check.note


@pytest.mark.slow
def test_smooth_functions_are_never_called_kinks():
    for f in (tf.nn.softplus, tf.nn.sigmoid, tf.tanh, lambda w: 1000.0 * w**2,
              lambda w: tf.exp(10.0 * w)):
        for w in (0.0, np.float16(0.5), tf.Variable(-0.3), np.float64(1e-4)):
            check = check_gradient(f, w)
            assert check.passed and not check.kinks, str(check)
            assert "not differentiable" not in check.note
    # its twin: a true kink is named (|w| at 0: one-sided slopes -1 and 1, by hand)
    assert check_gradient(lambda w: tf.abs(w), 0.0).kinks == ["w"]


def test_a_random_f_is_refused_with_what_to_do():
    with pytest.raises(ValueError, match="different results for the same input.*seed it"):
        check_gradient(lambda w: w**2 * tf.random.uniform([]), 1.0)
    seeded = lambda w: w**2 * tf.random.stateless_uniform([], seed=[1, 2])  # noqa: E731
    assert check_gradient(seeded, 1.0).passed


def test_every_argument_is_compared_whatever_the_others_give():
    f = lambda a, b: a**2  # noqa: E731 - d/da = 2a = 2 at a = 1; d/db is None
    assert check_gradient(f, 1.0, 2.0, analytic=(2.0, None)).passed
    wrong = check_gradient(f, 1.0, 2.0, analytic=(999.0, None))
    assert not wrong.passed and wrong.worst == "a" and wrong.culprit == "analytic"
    zero = check_gradient(f, 1.0, 2.0, analytic=(2.0, 0.0))  # None is not zero
    assert not zero.passed and "a None gradient is not zero" in zero.note
    g = lambda a, b: a * b  # noqa: E731 - both have gradients; the formula says None for b
    missing = check_gradient(g, 1.0, 2.0, analytic=(2.0, None))
    assert not missing.passed and "says d/db is None" in missing.note
    both = check_gradient(g, 1.0, 2.0, analytic=(3.0, None))  # and a is wrong as well
    assert not both.passed and both.culprit == "analytic" and both.worst == "a"


def test_complex_gradients_are_compared_in_full():
    # TF's convention for real L of z = x + iy: ∂L/∂x + i·∂L/∂y. For L = |z|² that is 2z.
    z = tf.constant(1 + 2j)
    f = lambda z: tf.math.real(z * tf.math.conj(z))  # noqa: E731
    assert check_gradient(f, z, analytic=2 + 4j).passed
    for wrong in (2 + 999j, 2 - 4j, 2.0, 2.04 + 4j):
        check = check_gradient(f, z, analytic=wrong)
        assert not check.passed, (wrong, str(check))
    # A complex L: TF differentiates its real part. L = z·conj(z)² + 3i·z at 1 + 2i:
    # Re L = (x² + y²)·x - 3y, so ∂/∂x = 3x² + y² = 7 and ∂/∂y = 2xy - 3 = 1.
    g = lambda z: z * tf.math.conj(z) ** 2 + 3j * z  # noqa: E731
    assert check_gradient(g, 1 + 2j, analytic=7 + 1j).passed
    assert not check_gradient(g, 1 + 2j, analytic=7 - 1j).passed
    assert check_gradient(g, 1 + 2j).passed  # no formula: the tape agrees with the others


@pytest.mark.slow
def test_fast_mode_names_the_element_at_a_million():
    n = 10**6
    w = np.linspace(-1.0, 1.0, n).astype(np.float32)

    def f(w):
        return tf.reduce_sum(tf.sin(w) * w)

    def exact(w):  # d(w·sin w)/dw = sin w + w·cos w
        return np.sin(w) + w * np.cos(w)

    right = check_gradient(f, w, analytic=exact)
    assert right.passed and right.mode == "fast", str(right)
    wrong = exact(w)
    wrong[654321] *= 1.02
    check = check_gradient(f, w, analytic=lambda w: wrong)
    assert not check.passed and check.worst == "w[654321]" and check.culprit == "analytic"


# --- found by an adversarial review; each case's answer is derived by hand -------------------

@tf.custom_gradient
def sine_10_percent_off(x):
    """sin(x) with a backward pass 10% too large: 1.1·cos(x) instead of cos(x)."""
    return tf.sin(x), lambda upstream: upstream * 1.10 * tf.cos(x)


@tf.custom_gradient
def sine_one_sign_flipped(x):
    """sin(x) whose backward pass flips the sign of element 7's cos."""
    return tf.sin(x), lambda upstream: upstream * tf.where(
        tf.range(tf.size(x)) == 7, -tf.cos(x), tf.cos(x))


def test_an_infinite_formula_never_passes():
    for mode in ("full", "fast"):
        check = check_gradient(lambda w: tf.reduce_sum(w**2), np.array([1.0, 2.0, 3.0]),
                               analytic=lambda w: np.array([2.0, np.inf, 6.0]), mode=mode)
        assert not check.passed and check.culprit == "analytic", (mode, str(check))


def test_fast_mode_catches_a_wrong_custom_gradient_at_scale():
    # d sin/dx = cos: the tape's 1.1·cos is wrong everywhere; forward mode and finite
    # differences follow sin itself. A formula that repeats the tape's mistake fails too.
    x = np.random.default_rng(0).uniform(-1.0, 1.0, 10**5).astype(np.float32)
    check = check_gradient(lambda w: tf.reduce_sum(sine_10_percent_off(w)), x)
    assert not check.passed and check.culprit == "reverse", str(check)
    check = check_gradient(lambda w: tf.reduce_sum(sine_10_percent_off(w)), x,
                           analytic=lambda w: 1.10 * np.cos(w))
    assert not check.passed and check.culprit == "reverse", str(check)
    assert not check_gradient(lambda w: tf.reduce_sum(sine_one_sign_flipped(w)), x).passed


def test_a_small_argument_is_checked_beside_a_large_one():
    # d/da = 2e6·a, d/db = 2b: the sign of b's formula is wrong, however large a's gradient
    f = lambda a, b: 1e6 * tf.reduce_sum(a**2) + tf.reduce_sum(b**2)  # noqa: E731
    check = check_gradient(f, [1.0, 2.0], [1.0, -1.0], analytic=lambda a, b: (2e6 * a, -2 * b))
    assert not check.passed and check.worst.startswith("b"), str(check)
    assert check_gradient(f, [1.0, 2.0], [1.0, -1.0],
                          analytic=lambda a, b: (2e6 * a, 2 * b)).passed


@pytest.mark.parametrize("f, args, wrong, right", slow_but([
    (lambda w: tf.abs(w - 1e-9), (np.float64(0.0),), 0.7, -1.0),  # 1e-9 from the kink
    (lambda w: tf.nn.softplus(1e9 * w) / 1e9, (np.float64(0.0),), 0.9, 0.5),  # smooth, steep
    (lambda a, b: tf.maximum(a, b), (np.float64(1.0), np.float64(1.0 + 1e-10)), (0.5, 0.5),
     (0.0, 1.0)),
], 0))
def test_a_point_just_off_a_kink_is_differentiable(f, args, wrong, right):
    check = check_gradient(f, *args, analytic=wrong)
    assert not check.passed and not check.kinks, str(check)
    assert check_gradient(f, *args, analytic=right).passed


@pytest.mark.slow
def test_relus_with_float32_variables_pass_their_true_gradient():
    # f = Σ relu(X W): df/dW = Xᵀ·[X W > 0], in float64 from the same float32 values
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 4)).astype(np.float32)
    W = tf.Variable(rng.normal(size=(4, 8)).astype(np.float32))
    exact = X.astype(np.float64).T @ (X.astype(np.float64) @ W.numpy() > 0)
    check = check_gradient(lambda: tf.reduce_sum(tf.nn.relu(X @ W)), W, analytic=exact)
    assert check.passed, str(check)
    # its twin: the mask dropped (Xᵀ·1, as if every unit were active) fails
    wrong = X.astype(np.float64).T @ np.ones((32, 8))
    bad = check_gradient(lambda: tf.reduce_sum(tf.nn.relu(X @ W)), W, analytic=wrong)
    assert not bad.passed and bad.culprit == "analytic", bad.note


@pytest.mark.slow
def test_stationary_points_pass():
    # least squares at its exact optimum: the gradient 2Aᵀ(Aw - b) is 0 up to rounding
    rng = np.random.default_rng(0)
    A, b = rng.normal(size=(6, 3)), rng.normal(size=6)
    w = np.linalg.lstsq(A, b, rcond=None)[0]
    def loss(w):
        return tf.reduce_sum((tf.linalg.matvec(tf.constant(A), w) - b) ** 2)

    check = check_gradient(loss, w, analytic=lambda w: 2 * A.T @ (A @ w - b))
    assert check.passed, str(check)
    # (w - 0.1)² at float32's 0.1, whose float64 twin is 1.5e-9 away from 0.1
    assert check_gradient(lambda w: (w - 0.1) ** 2, np.float32(0.1), analytic=0.0).passed
    # its twins: at the optimum a gradient of 1e-2 per element, or 1, is no rounding
    for off in (1e-2, 1.0):
        bad = check_gradient(loss, w, analytic=lambda w, off=off: 2 * A.T @ (A @ w - b) + off)
        assert not bad.passed and bad.culprit == "analytic", bad.note
    bad = check_gradient(lambda w: (w - 0.1) ** 2, np.float32(0.1), analytic=1e-2)
    assert not bad.passed and bad.culprit == "analytic", bad.note


@pytest.mark.slow
def test_many_kinks_in_fast_mode_accept_subgradients_like_full_mode():
    w = np.zeros(300, np.float32)
    w[::2] = 0.5  # 150 elements exactly at relu's kink, where (w >= 0) is a valid choice
    for mode in ("fast", "full"):
        check = check_gradient(lambda w: tf.reduce_sum(tf.nn.relu(w)), w,
                               analytic=lambda w: (w >= 0) * 1.0, mode=mode)
        assert check.passed, (mode, str(check))
        # its twin: a slope of 2 at the kinks is outside [0, 1]
        bad = check_gradient(lambda w: tf.reduce_sum(tf.nn.relu(w)), w,
                             analytic=lambda w: np.where(w == 0, 2.0, 1.0), mode=mode)
        assert not bad.passed and bad.culprit == "analytic", (mode, bad.note)


@pytest.mark.slow
def test_high_frequency_in_float64():
    # d Σ sin(1e6·w)/dw = 1e6·cos(1e6·w); the base step is 6 radians of the sine
    w = np.array([0.1234567, 0.7654321])
    assert check_gradient(lambda w: tf.reduce_sum(tf.sin(1e6 * w)), w,
                          analytic=lambda w: 1e6 * np.cos(1e6 * w)).passed
    # its twin: 1% off fails, blaming the formula
    bad = check_gradient(lambda w: tf.reduce_sum(tf.sin(1e6 * w)), w,
                         analytic=lambda w: 1.01e6 * np.cos(1e6 * w))
    assert not bad.passed and bad.culprit == "analytic", bad.note


def test_only_a_none_disagreeing_is_said_first():
    check = check_gradient(lambda a, b: tf.reduce_sum(a**2), [1.0, 2.0], [3.0],
                           analytic=lambda a, b: (2 * a, np.zeros(1)))
    assert not check.passed and check.worst == "b" and check.culprit == "analytic"
    assert check.blame.startswith("d/db is None") and "a None gradient is not zero" in check.blame


@pytest.mark.slow
def test_the_taylor_test_looks_in_more_than_one_direction():
    from tfbasics import taylor_test

    f = lambda w: tf.reduce_sum(tf.sin(w) * w)  # noqa: E731
    w = np.array([0.3, 0.9, -0.5, 0.7])
    exact = np.cos(w) * w + np.sin(w)
    assert taylor_test(f, w, gradient=exact).passed
    assert not taylor_test(f, w, gradient=exact[[1, 0, 2, 3]]).passed  # two swapped
    nan = taylor_test(f, w, gradient=np.array([np.nan, 1.0, 1.0, 1.0]))
    assert not nan.passed and "not finite" in nan.note
