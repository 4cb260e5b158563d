"""The verifier's last false verdicts, each with its own answer (a hand derivation or a
closed form), in float32 and float64, through tensors and tf.Variables.

Grouped by the guarantee in docs/verifier.md they defend: a kink is reported only when it is
confirmed at both shrinks; finite differences stand aside where they cannot resolve the slope
and never outvote agreeing exact legs; legs that agree within rounding pass; the rounding
hint appears only where rounding explains the disagreement. Every PASS has a must-FAIL twin
that names the leg to blame.
"""

import numpy as np
import pytest
import tensorflow as tf
from conftest import slow_but

from tfbasics.gradcheck import check_gradient

MAKERS = {"tensor": tf.constant, "variable": tf.Variable, "captured variable": tf.Variable}
# The inner loop checks the captured Variable, the one checked in its own dtype.
KINDS = slow_but(sorted(MAKERS), 0)


def checked(kind: str, f, at, **options):
    """check_gradient of f at `at` passed as a tensor or a tf.Variable, or with f capturing
    the Variable (a function of no arguments): a Variable f only reads is checked as a
    tensor of its value, a captured one in its own dtype, and each keeps every guarantee."""
    source = MAKERS[kind](at)
    if kind == "captured variable":
        return check_gradient(lambda: f(source), source, **options)
    return check_gradient(f, source, **options)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# --- a kink is confirmed at both shrinks, or it is not a kink ---------------------------------

OFFSET_KINKS = [
    # f, point, dtype, right slope (by hand), a wrong one
    # |w| + c at w > 0: slope sign(w) = 1; c makes rounding stop the 256-fold shrink.
    (lambda w: tf.abs(w) + 5.0, 1e-4, np.float32, 1.0, 0.0),
    (lambda w: tf.abs(w) + 1e7, 1e-8, np.float64, 1.0, 0.0),
    # softplus(1e4·w)/1e4 + c at 0: slope sigmoid(0) = 1/2.
    (lambda w: tf.nn.softplus(1e4 * w) / 1e4 + 2.0, 0.0, np.float32, 0.5, 0.3),
    (lambda w: tf.nn.softplus(1e4 * w) / 1e4 + 1e6, 0.0, np.float64, 0.5, 0.3),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("f, at, dtype, right, wrong", slow_but(OFFSET_KINKS, 0, 3))
def test_a_smooth_point_beside_an_offset_is_not_a_kink(f, at, dtype, right, wrong, kind):
    bad = checked(kind, f, dtype(at), analytic=lambda w: wrong)
    assert not bad.passed, bad.note
    assert bad.culprit == "analytic", bad.note
    assert bad.kinks == [], bad.note
    good = checked(kind, f, dtype(at), analytic=lambda w: right)
    assert good.passed, good.note
    assert good.kinks == [], good.note


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", slow_but([np.float32, np.float64], 0))
def test_l1_regularised_least_squares_that_drops_sign_near_zero_fails(kind, dtype):
    # L(w) = ½‖Aw - b‖² + λ‖w‖₁: dL/dw = Aᵀ(Aw - b) + λ·sign(w). A formula that drops
    # sign(w) for |w| < 1e-3 is wrong by λ at those elements.
    rng = np.random.default_rng(3)
    A, b = rng.normal(size=(6, 4)), rng.normal(size=6)
    lam = 0.5
    at = np.array([4e-4, -0.7, 2e-4, 1.3])

    def f(w):
        r = tf.linalg.matvec(tf.constant(A, w.dtype), w) - tf.constant(b, w.dtype)
        return 0.5 * tf.reduce_sum(r * r) + lam * tf.reduce_sum(tf.abs(w)) + 100.0

    def right(w):
        w = w.astype(np.float64)
        return A.T @ (A @ w - b) + lam * np.sign(w)

    def wrong(w):
        w64 = w.astype(np.float64)
        return A.T @ (A @ w64 - b) + lam * np.where(np.abs(w64) < 1e-3, 0.0, np.sign(w64))

    bad = checked(kind, f, at.astype(dtype), analytic=wrong)
    assert not bad.passed and bad.culprit == "analytic", bad.note
    assert bad.kinks == [], bad.note
    good = checked(kind, f, at.astype(dtype), analytic=right)
    assert good.passed, good.note


# --- finite differences stand aside where they cannot resolve the slope ----------------------

@pytest.mark.parametrize("kind", KINDS)
def test_a_larger_step_that_saturates_does_not_outvote_the_exact_legs(kind):
    # tanh(w - a)² + 8 with w - a = -0.005: slope 2·tanh(x)·(1 - tanh²x) ≈ -0.0099997.
    # Steps large enough to see past f's float32 rounding reach where tanh saturates.
    w0 = np.float32(1.6224171)
    a = np.float32(w0 + np.float32(0.005))

    def f(w):
        return tf.tanh(w - a) ** 2 + 8.0

    def right(w):
        t = np.tanh(np.float64(w) - np.float64(a))
        return 2 * t * (1 - t * t)

    good = checked(kind, f, w0, analytic=right)
    assert good.passed, good.note
    bad = checked(kind, f, w0, analytic=lambda w: 0.0)
    assert not bad.passed and bad.culprit == "analytic", bad.note


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", slow_but([np.float32, np.float64], 0))
def test_a_direction_across_a_singularity_stands_aside(kind, dtype):
    # Σ log|w| has slope 1/w; a step along a random direction crosses w = 0.
    at = np.array([1e-8, 3e-8, -2e-8], dtype)

    def f(w):
        return tf.reduce_sum(tf.math.log(tf.abs(w)))

    good = checked(kind, f, at, analytic=lambda w: 1.0 / w.astype(np.float64))
    assert good.passed, good.note
    bad = checked(kind, f, at, analytic=lambda w: 0.5 / w.astype(np.float64))
    assert not bad.passed and bad.culprit == "analytic", bad.note


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("k", slow_but([1e3, 1e4], 0))
def test_high_frequency_float32_variables(kind, k):
    # Σ sin(k·v): slope k·cos(k·v), the product k·v rounded to float32 as f rounds it.
    at = np.array([0.31, -0.77, 1.23], np.float32)

    def f(v):
        return tf.reduce_sum(tf.sin(k * v))

    def right(v):
        return k * np.cos((np.float32(k) * v).astype(np.float64))

    good = checked(kind, f, at, analytic=right)
    assert good.passed, good.note
    assert good.kinks == [], good.note
    assert checked(kind, f, at).passed
    bad = checked(kind, f, at, analytic=lambda v: 0.5 * right(v))
    assert not bad.passed and bad.culprit == "analytic", bad.note


# --- legs that agree within rounding pass; the hint only where rounding explains ---------------

@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("offset", [0.0, 10.0])
def test_at_a_float32_minimum_a_right_formula_passes(kind, offset):
    # Σ (w - 0.3)² + c: slope 2(w - 0.3), with 0.3 in float64 while f holds float32's 0.3.
    at = np.float32([0.3, 0.3000001, 0.29999998])

    def f(w):
        return tf.reduce_sum((w - 0.3) ** 2) + offset

    good = checked(kind, f, at, analytic=lambda w: 2 * (w.astype(np.float64) - 0.3))
    assert good.passed, good.note
    # its twin: a formula off by 1 per element, far beyond rounding
    bad = checked(kind, f, at,
                         analytic=lambda w: 2 * (w.astype(np.float64) - 0.3) + 1.0)
    assert not bad.passed and bad.culprit == "analytic", bad.note
    assert "rounding resolves" not in bad.note


@pytest.mark.parametrize("case", ["float16 3%", "zero formula", "keras 0.1%"])
def test_the_rounding_hint_appears_only_where_rounding_explains(case):
    def sinw(w):
        return tf.reduce_sum(tf.sin(w) * w)

    def slope(w):
        w = np.asarray(w, np.float64)
        return np.cos(w) * w + np.sin(w)

    if case == "float16 3%":
        result = check_gradient(sinw, np.float16([0.3, 0.7, 1.1]),
                                analytic=lambda w: 1.03 * slope(w))
        tape = slope([0.3, 0.7, 1.1])
    elif case == "zero formula":
        at = np.float32([0.3, 0.7, 1.1])
        result = check_gradient(lambda w: sinw(w) + 1e4, tf.Variable(at),
                                analytic=lambda w: slope(w) * np.array([0.0, 1.0, 1.0]))
        tape = slope(at)
        # the value printed beside the formula is the tape's, 0.3cos(0.3) + sin(0.3)
        assert f"{tape[0]:.4f}"[:5] in result.note, result.note
    else:
        import keras

        x = np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32)
        layer = keras.layers.Dense(3, kernel_initializer=keras.initializers.GlorotUniform(seed=1))
        layer.build((None, 5))
        kernel = np.asarray(layer.kernel.numpy(), np.float64)
        # L = Σ (xK + b)²: dL/dK = 2·xᵀ(xK + b), b = 0 at initialisation
        right = 2 * x.astype(np.float64).T @ (x.astype(np.float64) @ kernel)
        result = check_gradient(lambda: tf.reduce_sum(layer(x) ** 2), layer.kernel,
                                analytic=1.001 * right)
        tape = right
    assert not result.passed and result.culprit == "analytic", result.note
    assert "rounding resolves" not in result.note, result.note
    assert np.all(np.isfinite(tape))


# --- a Variable f only reads costs and judges what a tensor does --------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_variable_f_also_reads_by_name_keeps_its_whole_gradient(dtype):
    # f(w) = Σ w·v with v the Variable passed as w: f(v) = Σ v², so d/dv = 2v by hand
    v = tf.Variable(np.array([1.0, 2.0, -0.5], dtype))

    def f(w):
        return tf.reduce_sum(w * v)

    good = check_gradient(f, v, analytic=lambda w: 2 * w)
    assert good.passed, good.note
    bad = check_gradient(f, v, analytic=lambda w: w)  # only the argument's path
    assert not bad.passed and bad.culprit == "analytic", bad.note


SAME_AS_A_TENSOR = [
    # f, point, the slope by hand
    (lambda w: tf.reduce_sum(tf.tanh(w - 1.6274171) ** 2 + 8.0), [1.6224171],
     lambda w: 2 * np.tanh(w - 1.6274171) / np.cosh(w - 1.6274171) ** 2),
    (lambda w: tf.reduce_sum(tf.sin(w) * w), np.linspace(-1, 1, 7),
     lambda w: np.sin(w) + w * np.cos(w)),
    (lambda w: tf.reduce_sum(tf.exp(w) / (1 + w**2)), [0.3, -1.2],
     lambda w: np.exp(w) * (1 - w) ** 2 / (1 + w**2) ** 2),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("f, at, slope", SAME_AS_A_TENSOR)
def test_a_variable_f_only_reads_gets_a_tensors_verdict(f, at, slope, dtype):
    at = np.asarray(at, dtype)
    for analytic, passes in ((slope, True), (lambda w: 1.05 * slope(w), False)):
        as_tensor = check_gradient(f, tf.constant(at), analytic=analytic)
        as_variable = check_gradient(f, tf.Variable(at), analytic=analytic)
        assert as_variable.passed is passes and as_tensor.passed is passes, as_variable.note
        assert (as_variable.culprit, as_variable.blame, as_variable.note) == (
            as_tensor.culprit, as_tensor.blame, as_tensor.note)


def test_a_variable_f_captures_or_assigns_is_moved_by_assign_and_restored():
    # Σ v³ at v: slope 3v² by hand; f captures v, or assigns its argument to v first
    v = tf.Variable([0.5, -1.0, 2.0])

    def assigning(w):
        v.assign(w)
        return tf.reduce_sum(v**3)

    before = v.numpy().copy()
    for f in (lambda: tf.reduce_sum(v**3), assigning):
        good = check_gradient(f, v, analytic=lambda w: 3 * w**2)
        assert good.passed, good.note
        bad = check_gradient(f, v, analytic=lambda w: 2 * w**2)
        assert not bad.passed and bad.culprit == "analytic", bad.note
        np.testing.assert_array_equal(v.numpy(), before)


# --- quiet and clear ---------------------------------------------------------------------------

@pytest.mark.slow
def test_f_with_tf_cond_prints_no_tf_log_lines():
    import subprocess
    import sys

    code = ("import numpy as np, tensorflow as tf\n"
            "from tfbasics.gradcheck import check_gradient\n"
            "f = lambda w: tf.reduce_sum(tf.cond(tf.reduce_sum(w) > 0, lambda: w**2, "
            "lambda: -w))\n"
            "r = check_gradient(f, np.linspace(0.1, 1, 20).astype(np.float32), "
            "analytic=lambda w: 2 * w)\n"
            "bad = check_gradient(f, np.linspace(0.1, 1, 20).astype(np.float32), "
            "analytic=lambda w: 3 * w)\n"
            "print('VERDICTS', r.passed, bad.passed)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert "VERDICTS True False" in run.stdout, run.stdout + run.stderr
    assert "pfor" not in run.stderr and "pfor" not in run.stdout, run.stderr[-2000:]
    assert "ERROR:tensorflow" not in run.stderr, run.stderr[-2000:]


@pytest.mark.parametrize("value, dtype", [(1e39, "float32"), ([1.0, -1e39], "float32")])
def test_a_number_that_overflows_its_dtype_is_a_clear_error(value, dtype):
    from tfbasics.gradients import gradient

    with pytest.raises(ValueError, match=rf"(?s)1e\+39.*{dtype}"):
        gradient(lambda w: 2 * w, value)
    with pytest.raises(ValueError, match=rf"(?s)1e\+39.*{dtype}"):
        check_gradient(lambda w: 2 * w, value)
    # its twin: the largest float32 number is fine, and so is 1e39 in float64
    assert float(np.max(gradient(lambda w: 2 * w, 3e38))) == 2.0
    assert float(np.max(gradient(lambda w: 2 * w, np.float64(1e39)))) == 2.0


# --- the verdict's words: your formula and the tape, never "expected" ---------------------------

def test_the_verdict_names_your_formula_and_the_tape():
    # d/dw Σ w³ = 3w² = [3, 12] at [1, 2] (by hand); the formula is off by 1 at w[1]
    wrong = check_gradient(lambda w: tf.reduce_sum(w**3), [1.0, 2.0],
                           analytic=lambda w: 3 * w**2 + np.array([0.0, 1.0]))
    text = str(wrong)
    assert text.startswith("✗ ") and "expected" not in text, text
    assert "the tape [3.0, 12.0]" in text and "your formula [3.0, 13.0]" in text, text
    right = check_gradient(lambda w: tf.reduce_sum(w**3), [1.0, 2.0],
                           analytic=lambda w: 3 * w**2)
    assert str(right).startswith("✓ ") and "your formula [3.0, 12.0]" in str(right)
    bare = str(check_gradient(lambda w: tf.reduce_sum(w**3), [1.0, 2.0]))
    assert "the tape [3.0, 12.0]" in bare and "finite differences" in bare, bare
    assert "expected" not in bare and "your formula" not in bare, bare


# --- the blame follows the evidence ------------------------------------------------------------

def _doubled(f):
    """f whose tape gradient is twice f's own (a broken tf.custom_gradient)."""
    @tf.custom_gradient
    def g(w):
        def grad(dy):
            with tf.GradientTape() as tape:
                tape.watch(w)
                inner = f(w)
            return 2.0 * dy * tape.gradient(inner, w)
        return f(w), grad
    return g


def test_without_evidence_neither_your_formula_nor_the_tape_is_blamed():
    # |w| + 1e5 at 0.454 in float32: slope 1 (by hand), the tape says 2; forward mode cannot
    # run through this custom gradient, and f's rounding (about 0.008) drowns finite
    # differences in float32 (f captures its Variable, so f runs in float32 only): nothing
    # that follows f itself can tell which of 1 and 2 is right.
    def f(w):
        return tf.abs(w) + 1e5

    v = tf.Variable(np.float32(0.454))
    broken = _doubled(f)
    check = check_gradient(lambda: broken(v), v, analytic=1.0)
    assert not check.passed and check.culprit == "", check.note
    assert "too imprecise here to tell which" in check.note, check.note
    # its twins: without the constant, finite differences see slope 1 and blame the tape; so
    # they do in float64 where the Variable is an argument f only reads
    bare = check_gradient(_doubled(tf.abs), tf.Variable(np.float32(0.454)), analytic=1.0)
    assert not bare.passed and bare.culprit == "reverse", bare.note
    read = check_gradient(broken, tf.Variable(np.float32(0.454)), analytic=1.0)
    assert not read.passed and read.culprit == "reverse", read.note
