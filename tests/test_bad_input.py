"""Every mistake a learner can make gets a clear error: its type, the problem and the fix."""

import numpy as np
import pytest
import tensorflow as tf
from conftest import run_cli

from tfbasics import check_gradient, choose_device, gradient, plot_sensitivity, sweep

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
     "int32 tensor: integers have no gradient"),
    ("an int argument", lambda: gradient(lambda w: w * 2.0, 1), TypeError,
     "w is an integer (1)"),
    ("a string argument", lambda: gradient(lambda w: w * 2.0, "one"), TypeError,
     "w is a string"),
    ("a bool argument", lambda: gradient(lambda w: w * 2.0, True), TypeError,
     "w has dtype bool"),
    ("an int tensor argument", lambda: gradient(lambda w: w * 2, tf.constant([1, 2])),
     TypeError, "w is a int32 tensor"),
    ("NaN in the input", lambda: gradient(lambda w: w**2, [1.0, float("nan")]), ValueError,
     "w holds nan at w[1]"),
    ("Inf in the input", lambda: check_gradient(lambda w: w**2, np.inf), ValueError,
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
    ("analytic of the wrong shape",
     lambda: check_gradient(lambda w: tf.reduce_sum(w**2), [1.0, 2.0], analytic=[1.0]),
     ValueError, "has shape (1,), but w has shape (2,)"),
    ("a None gradient in a strict check",
     lambda: check_gradient(lambda w, u: w**2, 1.0, 2.0, analytic=(2.0, 0.0), strict=True),
     AssertionError, "d/du is None: f's result does not depend on u"),
    ("sweep with start >= stop", lambda: sweep(tf.tanh, 1.0, 1.0), ValueError,
     "sweep needs start < stop"),
    ("sweep with num < 2", lambda: sweep(tf.tanh, 0.0, 1.0, num=1), ValueError,
     "sweep needs num >= 2"),
    ("sweep of a non-elementwise f", lambda: sweep(tf.reduce_sum, 0.0, 1.0), ValueError,
     "needs an elementwise f"),
    ("a plot into a missing folder",
     lambda: plot_sensitivity(tf.tanh, -1.0, 1.0, path="/no/such/folder/x.png"),
     FileNotFoundError, "folder /no/such/folder does not exist"),
    ("a plot into an unwritable folder",
     lambda: plot_sensitivity(tf.tanh, -1.0, 1.0, path="/sys/x.png"), PermissionError,
     "folder /sys is not writable"),
    ("an unknown device name", lambda: choose_device("tpu"), ValueError,
     "unknown device 'tpu': choose one of auto, cpu, gpu"),
]


@pytest.mark.parametrize("call, error, words", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_a_clear_error(call, error, words):
    with pytest.raises(error) as raised:
        call()
    assert words in str(raised.value)


def test_the_table_is_long_enough():
    assert len(CASES) >= 15


def test_no_partial_figure_is_left_behind(tmp_path):
    with pytest.raises(ValueError):
        plot_sensitivity(tf.math.log, -1.0, 1.0, path=tmp_path / "log.png")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, words", [
    (["no_such_lesson"], "unknown lesson 'no_such_lesson'"),
    (["--figures", "README.md"], "README.md is a file, not a folder"),
    (["--figures", "README.md/figs"], "README.md is a file, not a folder"),
    (["--device", "tpu"], "invalid choice: 'tpu'"),
    (["--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["--export-notebooks", "README.md"], "README.md is a file, not a folder"),
])
def test_cli_mistakes_get_one_line_and_exit_2(args, words):
    from pathlib import Path

    process = run_cli(*args, cwd=Path(__file__).resolve().parent.parent)
    assert process.returncode == 2
    assert "Traceback" not in process.stderr
    [line] = process.stderr.strip().splitlines()
    assert words in line and line.startswith("python -m tfbasics.lessons: error:")
