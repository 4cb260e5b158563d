"""Every mistake a learner can make gets a clear error: its type, the problem and the fix."""

from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from conftest import run_cli, slow_but

import tfbasics
from tfbasics import (
    check_gradient,
    check_raises,
    choose_device,
    compiled_gradient,
    derivatives,
    explain_none,
    gradient,
    plot_curves,
    plot_derivatives,
    plot_fit,
    plot_matrix,
    plot_sensitivity,
    plot_series,
    sweep,
)

PACKAGE = Path(tfbasics.__file__).resolve().parent
square = lambda w: w**2  # noqa: E731

# (what the learner did, the call, the error type, words the message must hold)
CASES = [
    ("f is not callable", lambda: gradient(3.0, 1.0), TypeError, "f must be a function"),
    ("f returns a string", lambda: gradient(lambda w: "hello", 1.0), TypeError,
     "f returned a string"),
    ("f returns a Python number", lambda: gradient(lambda w: 3.0, 1.0), TypeError,
     "not a tensor: compute it with TF ops"),
    ("f returns None", lambda: gradient(lambda w: None, 1.0), TypeError,
     "f returned None: end f with `return`"),
    ("f returns an int tensor", lambda: gradient(lambda w: tf.constant(3), 1.0), TypeError,
     "f returned a tensor of dtype int32: it has no gradient"),
    ("an int argument", lambda: gradient(lambda w: w * 2.0, 1), TypeError,
     "w is an integer (1)"),
    ("a string argument", lambda: gradient(lambda w: w * 2.0, "one"), TypeError,
     "w is a string"),
    ("a bool argument", lambda: gradient(lambda w: w * 2.0, True), TypeError,
     "w has dtype bool"),
    ("a dict argument", lambda: gradient(lambda w: w * 2.0, {"w": 1.0}), TypeError,
     "w is a dict: pass a number"),
    ("an int tensor argument", lambda: gradient(lambda w: w * 2, tf.constant([1, 2])),
     TypeError, "w is a tensor of dtype int32"),
    ("a ragged list", lambda: gradient(lambda w: tf.reduce_sum(w), [[1.0, 2.0], [3.0]]),
     ValueError, "w is a ragged list (its rows have different lengths)"),
    ("NaN in the input", lambda: gradient(square, [1.0, float("nan")]), ValueError,
     "w holds nan at w[1]"),
    ("Inf in the input", lambda: check_gradient(square, np.inf), ValueError,
     "w holds inf at w"),
    ("NaN in the result",
     lambda: check_gradient(lambda w: tf.math.log(w), [1.0, -1.0]), ValueError,
     "f returned nan at f[1] for w = [1.0, -1.0]"),
    ("Inf in a swept result", lambda: sweep(lambda x: 1 / x, -1.0, 1.0, num=3), ValueError,
     "f returned inf at f[1] for x in [-1.0, 1.0]"),
    ("Inf in the gradient", lambda: check_gradient(tf.sqrt, 0.0), ValueError,
     "the tape's gradient is inf at x"),
    ("an empty array", lambda: gradient(lambda w: tf.reduce_sum(w), np.array([])), ValueError,
     "w is empty"),
    ("no arguments at all", lambda: gradient(lambda w: w), TypeError,
     "no arguments to differentiate"),
    ("mixed float dtypes in gradient",
     lambda: gradient(lambda a, b: a * b, np.float32(1.0), np.float64(2.0)), TypeError,
     "f failed on arguments of different dtypes (float32, float64): cast them to one"),
    ("mixed float dtypes in a check",
     lambda: check_gradient(lambda a, b: a * b, np.float32(1.0), np.float64(2.0)), TypeError,
     "the arguments have different dtypes (float32, float64): cast them to one"),
    ("bfloat16 in a check",
     lambda: check_gradient(square, tf.constant(1.0, tf.bfloat16)), TypeError,
     "not bfloat16: cast the arguments, e.g. tf.cast(w, tf.float32)"),
    ("a random f", lambda: check_gradient(lambda w: w * tf.random.uniform([]), 1.0),
     ValueError, "f gives different results for the same input"),
    ("analytic of the wrong shape",
     lambda: check_gradient(lambda w: tf.reduce_sum(w**2), [1.0, 2.0], analytic=[1.0]),
     ValueError, "has shape (1,), but w has shape (2,)"),
    ("analytic as one value for two arguments",
     lambda: check_gradient(lambda a, b: a * b, 1.0, 2.0, analytic=2.0), TypeError,
     "analytic gives one value for 2 arguments (a, b): return a tuple"),
    ("analytic as a dict",
     lambda: check_gradient(lambda a, b: a * b, 1.0, 2.0, analytic={"a": 2.0, "b": 1.0}),
     TypeError, "analytic gave a dict: return a tuple with one gradient per argument"),
    ("a negative rtol", lambda: check_gradient(square, 1.0, rtol=-1e-3), ValueError,
     "rtol must be a finite number >= 0, got -0.001"),
    ("a NaN atol", lambda: check_gradient(square, 1.0, atol=float("nan")), ValueError,
     "atol must be a finite number >= 0, got nan"),
    ("an unknown mode", lambda: check_gradient(square, 1.0, mode="quick"), ValueError,
     "mode must be one of auto, full, fast, got 'quick'"),
    ("a None gradient in a strict check",
     lambda: check_gradient(lambda w, u: w**2, 1.0, 2.0, analytic=(2.0, 0.0), strict=True),
     AssertionError, "d/du is None: f's result does not depend on u"),
    ("check_raises given a value", lambda: check_raises("x", 3.0, TypeError), TypeError,
     "check_raises needs a function to call, got float 3.0: wrap the code in a lambda"),
    ("explain_none with a tape and too little",
     lambda: explain_none(tf.GradientTape(), 1.0), TypeError,
     "explain_none(tape, target, sources): pass the tape, the target"),
    ("sweep with start >= stop", lambda: sweep(tf.tanh, 1.0, 1.0), ValueError,
     "sweep needs start < stop"),
    ("sweep with num < 2", lambda: sweep(tf.tanh, 0.0, 1.0, num=1), ValueError,
     "sweep needs num >= 2"),
    ("sweep with a float num", lambda: sweep(tf.tanh, 0.0, 1.0, num=1e3), TypeError,
     "num must be a whole number of points, got 1000.0: e.g. num=129 (or num=1000)"),
    ("sweep with a string start", lambda: sweep(tf.tanh, "0", 1.0), TypeError,
     "start must be a number, got '0'"),
    ("sweep of a reduction", lambda: sweep(tf.reduce_sum, 0.0, 1.0), ValueError,
     "needs an elementwise f"),
    ("sweep of cumsum", lambda: sweep(tf.math.cumsum, 0.0, 1.0, num=5), ValueError,
     "f gives other values when the points come in another order"),
    ("sweep of softmax", lambda: sweep(tf.nn.softmax, 0.0, 1.0, num=5), ValueError,
     "f gives other values when the points come in another order"),
    ("derivatives through x**2 at 0",
     lambda: derivatives(lambda x: x**2, -1.0, 1.0, num=5, order=3), ValueError,
     "derivative 3 of f is nan at x = 0, where f is finite"),
    ("compiled_gradient of f returning None",
     lambda: compiled_gradient(lambda w: None)(1.0), TypeError, "f returned None"),
    ("compiled_gradient of f returning an int",
     lambda: compiled_gradient(lambda w: tf.constant(3))(1.0), TypeError,
     "f returned a tensor of dtype int32"),
    ("compiled_gradient of f calling .numpy()",
     lambda: compiled_gradient(lambda w: w.numpy())(1.0), TypeError,
     "f turns a tensor into NumPy"),
    ("a plot into a missing folder",
     lambda: plot_sensitivity(tf.tanh, -1.0, 1.0, path="/no/such/folder/x.png"),
     FileNotFoundError, "folder /no/such/folder does not exist"),
    ("a plot into an unwritable folder",
     lambda: plot_sensitivity(tf.tanh, -1.0, 1.0, path="/sys/x.png"), PermissionError,
     "folder /sys is not writable"),
    ("a plot to a .pdf path",
     lambda: plot_sensitivity(tf.tanh, -1.0, 1.0, path="/tmp/x.pdf"), ValueError,
     "figures are written as PNG: end the path with .png"),
    ("a closed form of the wrong length",
     lambda: plot_sensitivity(tf.tanh, -1.0, 1.0, num=5, analytic=lambda w: np.ones(3),
                              path="/tmp/x.png"), ValueError,
     "analytic gave 3 values for 5 points: make it elementwise"),
    ("closed forms not in a list",
     lambda: plot_derivatives(tf.sin, -1.0, 1.0, analytic=np.cos, path="/tmp/x.png"),
     ValueError, "analytic must be a list of at most 2 closed forms"),
    ("plot_matrix with too few labels",
     lambda: plot_matrix(np.eye(3), labels=["a", "b"], path="/tmp/x.png"), ValueError,
     "labels: 2 rows and 2 columns named for a 3×3 matrix"),
    ("plot_matrix of NaN only",
     lambda: plot_matrix(np.full((2, 2), np.nan), path="/tmp/x.png"), ValueError,
     "plot_matrix got only NaN: nothing to draw"),
    ("plot_fit with a list of curves",
     lambda: plot_fit([1.0, 2.0], [1.0, 2.0], [[1.0, 2.0]], path="/tmp/x.png"), TypeError,
     "curves must be a dict of label: values at x"),
    ("plot_curves with no curves",
     lambda: plot_curves([1.0, 2.0], {}, path="/tmp/x.png"), TypeError,
     "curves must be a non-empty dict of label: values at x"),
    ("plot_curves with a curve of the wrong length",
     lambda: plot_curves([1.0, 2.0, 3.0], {"y": [1.0, 2.0]}, path="/tmp/x.png"), ValueError,
     "curve 'y' has 2 values for 3 points: give one value per x"),
    ("plot_series of zeros on a log axis",
     lambda: plot_series([3.0, 1.0, 0.0], path="/tmp/x.png"), ValueError,
     "a log scale needs positive values, but step 2 is 0.0: pass log=False"),
    ("an unknown device name", lambda: choose_device("tpu"), ValueError,
     "unknown device 'tpu': choose one of auto, cpu, gpu"),
]


@pytest.mark.parametrize("call, error, words", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_a_clear_error_from_tfbasics(call, error, words):
    with pytest.raises(error) as raised:
        call()
    message = str(raised.value)
    assert words in message
    assert "\n" not in message and "in user code" not in message, message
    # raised by tfbasics itself, not from deep inside TF, NumPy or matplotlib
    assert Path(raised.traceback[-1].path).resolve().is_relative_to(PACKAGE), \
        raised.traceback[-1].path


def test_what_used_to_be_errors_now_works(tmp_path):
    # Python numbers beside NumPy float64 take float64: the package's defaults agree
    dx, dy = gradient(lambda x, y: x * y, 1.0, np.float64(2.0))
    assert dx.dtype == tf.float64 and float(dx) == pytest.approx(2.0)
    assert explain_none(lambda w: w**2, 1.0) is None  # a plain number, with a gradient
    assert plot_matrix(np.ones((2, 3)), path=tmp_path / "m.png").stat().st_size > 1000
    assert plot_series((v for v in (3.0, 2.0, 1.0)), path=tmp_path / "s.png").exists()
    x, (y, dy, d2y) = derivatives(lambda x: 2.0 * x, -1.0, 1.0, num=5)  # d² of 2x is 0
    np.testing.assert_allclose(d2y, np.zeros(5), atol=0)
    np.testing.assert_allclose(dy, np.full(5, 2.0), rtol=1e-6)


def test_no_partial_figure_is_left_behind(tmp_path):
    with pytest.raises(ValueError):
        plot_sensitivity(tf.math.log, -1.0, 1.0, path=tmp_path / "log.png")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, words", slow_but([  # each a fresh process
    (["no_such_lesson"], "unknown lesson 'no_such_lesson'"),
    (["--figures", "README.md"], "README.md is a file, not a folder"),
    (["--figures", "README.md/figs"], "README.md is a file, not a folder"),
    (["--device", "tpu"], "invalid choice: 'tpu'"),
    (["--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["--export-notebooks", "README.md"], "README.md is a file, not a folder"),
], 0, 1))
def test_cli_mistakes_get_one_line_and_exit_2(args, words):
    process = run_cli(*args, cwd=Path(__file__).resolve().parent.parent)
    assert process.returncode == 2
    assert "Traceback" not in process.stderr
    [line] = process.stderr.strip().splitlines()
    assert words in line and line.startswith("python -m tfbasics.lessons: error:")
