"""The autodiff exercises: each solution passes; the stub, typical wrong answers and a
hard-coded answer fail with a diagnosis that names where, never the answer."""

import pytest
from conftest import solution, stub, with_body

from tfbasics.exercises.run import grade_source

NAMES = ["cubic_derivative", "product_rule", "watch_the_constant", "linear_layer_gradients"]


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_passes_and_the_stub_fails_helpfully(name):
    for seed in (0, 1):
        assert grade_source(name, solution(name), seed)["passed"]
    result = grade_source(name, stub(name), 0)
    assert not result["passed"]
    assert "Traceback" not in result["message"] and "\n" not in result["message"]
    assert "..." in result["message"] or "None" in result["message"], result["message"]


def test_cubic_derivative_wrong_answers():
    for wrong in ("4 + 2 * w**2", "4 * w + 3 * w**2", "3 * w**2"):  # power rule, extra w, no 4
        result = grade_source("cubic_derivative", with_body(
            "cubic_derivative", "return 4 + 3 * w**2", f"return {wrong}"))
        assert not result["passed"]
        assert "your formula is wrong in w[" in result["message"]
        assert "where the tape gives" in result["message"]
        assert "3 * w" not in result["message"] and "w**2" not in result["message"]
    # right at w = 1 only: 7 everywhere
    hard = with_body("cubic_derivative", "return 4 + 3 * w**2", "return 7.0 + 0 * w")
    assert not grade_source("cubic_derivative", hard)["passed"]


def test_product_rule_wrong_answers():
    line = "return 2 * w * np.sin(w) + w**2 * np.cos(w)  # (uv)' = u'v + uv'"
    for wrong in ("return w**2 * np.cos(w)", "return 2 * w * np.cos(w)",
                  "return 2 * w * np.sin(w) - w**2 * np.cos(w)"):
        result = grade_source("product_rule", with_body("product_rule", line, wrong))
        assert not result["passed"] and "your formula is wrong in w[" in result["message"]
    shape = grade_source("product_rule", with_body("product_rule", line, "return w.sum()"))
    assert not shape["passed"] and "shape" in shape["message"]


def test_watch_the_constant_diagnoses_the_none():
    result = grade_source("watch_the_constant", stub("watch_the_constant"))
    assert "still None" in result["message"] and "a tape records operations only on " \
        "trainable tf.Variables" in result["message"]
    assert "tape.watch" not in result["message"]  # the diagnosis, not the fix
    # watched, but after y was computed: the tape did not record y's operations
    late = with_body("watch_the_constant", "        tape.watch(x)  # a tf.Tensor is recorded "
                     "only once watched\n        y = x**3 + 2 * x\n",
                     "        y = x**3 + 2 * x\n        tape.watch(x)\n")
    message = grade_source("watch_the_constant", late)["message"]
    assert "watches x only after y is computed" in message, message
    variable = with_body("watch_the_constant", "        tape.watch(x)  # a tf.Tensor is recorded "
                         "only once watched\n", "")
    variable = variable.replace("x = tf.constant(x_value)", "x = tf.Variable(x_value)")
    assert grade_source("watch_the_constant", variable)["passed"]  # another right answer
    wrong = with_body("watch_the_constant", "y = x**3 + 2 * x", "y = x**3 + 2 * x * x")
    result = grade_source("watch_the_constant", wrong)
    assert not result["passed"] and "dy/dx is " in result["message"]


def test_linear_layer_gradients_wrong_answers():
    outside = with_body("linear_layer_gradients",
                        "    with tf.GradientTape() as tape:\n        y = x @ w + b\n"
                        "        L = tf.reduce_mean(y**2)\n",
                        "    y = x @ w + b\n    L = tf.reduce_mean(y**2)\n"
                        "    with tf.GradientTape() as tape:\n        pass\n")
    result = grade_source("linear_layer_gradients", outside)
    assert not result["passed"] and "None" in result["message"]
    summed = with_body("linear_layer_gradients", "L = tf.reduce_mean(y**2)",
                       "L = tf.reduce_sum(y**2)")
    result = grade_source("linear_layer_gradients", summed)
    assert not result["passed"] and "dL/dw is wrong in dL_dw[" in result["message"]
    swapped = with_body("linear_layer_gradients", "return dL_dw, dL_db", "return dL_db, dL_dw")
    result = grade_source("linear_layer_gradients", swapped)
    assert not result["passed"] and "shape" in result["message"]


def test_a_file_that_raises_or_does_not_parse_gets_its_line():
    def line_of(text, words):
        return next(i for i, line in enumerate(text.splitlines(), 1) if words in line)

    broken = solution("product_rule").replace("return 2 * w", "return 2 * v")
    result = grade_source("product_rule", broken)
    assert not result["passed"]
    line = line_of(broken, "return 2 * v")
    assert result["message"].startswith(f"your code raised NameError at line {line}: name 'v'")
    syntax = solution("product_rule").replace("def dL_dw_product(w):", "def dL_dw_product(w)")
    result = grade_source("product_rule", syntax)
    where = line_of(syntax, "def dL_dw_product(w)")
    assert result["message"].startswith(f"line {where}: Python cannot read it")
    printing = solution("product_rule").replace("def dL_dw_product(w):",
                                                "print('hello')\n\n\ndef dL_dw_product(w):")
    result = grade_source("product_rule", printing)
    assert result["passed"] and result["printed"] == "hello"


TAPE_FORMULA = '''import tensorflow as tf


def dL_dw(w):
    w = tf.Variable(w, dtype=tf.float64)
    with tf.GradientTape() as tape:
        L = tf.reduce_sum(4 * w + w**3)
    return tape.gradient(L, w).numpy()
'''

HELPER_FORMULA = '''from tfbasics import gradient


def dL_dw(w):
    return gradient(lambda v: v**3 + 4 * v, w).numpy()
'''


def test_a_formula_may_not_ask_the_tape():
    # right values, but not a derivation: the check would compare the tape with itself
    for text in (TAPE_FORMULA, HELPER_FORMULA):
        result = grade_source("cubic_derivative", text)
        assert not result["passed"], text
        assert "is your own derivation" in result["message"]
        assert "4 + 3" not in result["message"]  # the diagnosis, never the formula
    # TF's math is allowed in a derivation: it is the same formula written with tf.sin
    tf_math = ("import tensorflow as tf\n\n\ndef dL_dw_product(w):\n"
               "    return 2 * w * tf.sin(w) + w**2 * tf.cos(w)\n")
    assert grade_source("product_rule", tf_math)["passed"]


def test_linear_layer_gradients_without_a_tape_fails():
    # the closed form 2xᵀy/N, 2Σy/N gives the right numbers, without the tape the task asks for
    by_hand = with_body("linear_layer_gradients",
                        "    with tf.GradientTape() as tape:\n        y = x @ w + b\n"
                        "        L = tf.reduce_mean(y**2)\n"
                        "    dL_dw, dL_db = tape.gradient(L, [w, b])\n",
                        "    y = x @ w + b\n    n = tf.cast(tf.size(y), y.dtype)\n"
                        "    dL_dw = 2 * tf.transpose(x) @ y / n\n"
                        "    dL_db = 2 * tf.reduce_sum(y, axis=0) / n\n")
    result = grade_source("linear_layer_gradients", by_hand)
    assert not result["passed"]
    assert "records the loss on a tf.GradientTape; yours gives its result another way" in \
        result["message"]
    # a helper of the student's own that holds the tape counts as using it
    helper = with_body("linear_layer_gradients", "def gradients(x, w, b):",
                       "def gradients(x, w, b):\n    return taped(x, w, b)\n\n\n"
                       "def taped(x, w, b):")
    assert grade_source("linear_layer_gradients", helper)["passed"]


LAYER_TAPE = ("    with tf.GradientTape() as tape:\n        y = x @ w + b\n"
              "        L = tf.reduce_mean(y**2)\n")


def test_linear_layer_gradients_other_right_answers_pass():
    # the tape under another name, and a tf.function whose helper holds the tape
    alias = with_body("linear_layer_gradients", LAYER_TAPE,
                      "    with Tape() as tape:\n        y = x @ w + b\n"
                      "        L = tf.reduce_mean(y**2)\n").replace(
        "import tensorflow as tf\n", "import tensorflow as tf\n\nTape = tf.GradientTape\n", 1)
    assert grade_source("linear_layer_gradients", alias)["passed"], alias
    traced = with_body("linear_layer_gradients", "def gradients(x, w, b):",
                       "@tf.function\ndef gradients(x, w, b):\n    return taped(x, w, b)\n\n\n"
                       "def taped(x, w, b):")
    assert grade_source("linear_layer_gradients", traced)["passed"]


def test_a_tape_that_is_never_asked_does_not_count():
    # the closed form, beside a tape that records nothing anyone asks for
    unused = with_body("linear_layer_gradients", "    dL_dw, dL_db = tape.gradient(L, [w, b])\n",
                       "    n = tf.cast(tf.size(y), y.dtype)\n"
                       "    dL_dw = 2 * tf.transpose(x) @ y / n\n"
                       "    dL_db = 2 * tf.reduce_sum(y, axis=0) / n\n")
    result = grade_source("linear_layer_gradients", unused)
    assert not result["passed"] and "never asks a tape" in result["message"]


def test_a_file_cannot_replace_the_grading_helpers():
    # assigning over a helper the check uses changes nothing: 0·w is still wrong
    patched = ("import numpy as np\nfrom tfbasics.exercises import grading\n\n"
               "grading.grade_formula = lambda *args, **kwargs: None\n\n\n"
               "def dL_dw(w):\n    return 0 * w\n")
    result = grade_source("cubic_derivative", patched)
    assert not result["passed"] and "your formula is wrong" in result["message"]


def test_a_derivation_may_not_ask_a_tape_in_softmax_cross_entropy():
    taped = ("import tensorflow as tf\n\n\ndef dL_dz(z, y):\n    z = tf.Variable(z)\n"
             "    with tf.GradientTape() as tape:\n"
             "        L = -tf.reduce_sum(y * tf.nn.log_softmax(z))\n"
             "    return tape.gradient(L, z).numpy()\n")
    result = grade_source("softmax_cross_entropy", taped)
    assert not result["passed"] and "is your own derivation" in result["message"]
