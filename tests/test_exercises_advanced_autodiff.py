"""The advanced_autodiff exercises: each solution passes; the stub, typical wrong answers and a
hard-coded answer fail with a diagnosis that names where, never the answer."""

import pytest
from conftest import fails, solution, stub, with_body

from tfbasics import exercises
from tfbasics.exercises.run import grade_source

NAMES = ["stable_log1pexp", "softmax_cross_entropy", "nested_tape_hessian"]


def test_they_belong_to_the_lesson_in_order():
    chosen = [e.name for e in exercises.catalogue() if e.lesson == "advanced_autodiff"]
    assert chosen == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_passes_and_the_stub_fails_helpfully(name):
    for seed in (0, 1):
        assert grade_source(name, solution(name), seed)["passed"]
    fails(name, stub(name), "still returns ... as the exercise gave it")


GRAD = "return upstream * (1 - 1 / (1 + e))  # eˣ/(1 + eˣ) without inf/inf: 1 - 0 at e = inf"


def test_stable_log1pexp_wrong_answers():
    # e/(1 + e) is the derivative, but past x ≈ 88.7 it is inf/inf in float32 (and
    # upstream·e overflows a little before that)
    for naive in ("return upstream * e / (1 + e)",
                  "return upstream * tf.exp(x) / (1 + tf.exp(x))"):
        message = fails("stable_log1pexp", with_body("stable_log1pexp", GRAD, naive),
                        "(float32) the gradient of", "your grad turns it into")
        assert "sigmoid" not in message and "1 - 1" not in message
    # right for log1pexp(x) alone, wrong as soon as anything is computed from it
    fails("stable_log1pexp", with_body("stable_log1pexp", GRAD, "return 1 - 1 / (1 + e)"),
          "·log1pexp(x) is the gradient of log1pexp(x) alone", "ignores upstream")
    fails("stable_log1pexp", with_body("stable_log1pexp", GRAD, "return upstream / (1 + e)"),
          "the gradient of log1pexp(x) is wrong in x[", "where the slope of log(1 + eˣ) is")
    fails("stable_log1pexp", with_body("stable_log1pexp", GRAD, "return None"),
          "the gradient of log1pexp(x) is None")
    # no custom gradient at all: the tape's own gradient is the NaN the exercise is about
    fails("stable_log1pexp", with_body("stable_log1pexp", "@tf.custom_gradient\n", ""),
          "log1pexp has no @tf.custom_gradient")
    # another right answer
    sigmoid = with_body("stable_log1pexp", GRAD, "return upstream * tf.sigmoid(x)")
    assert grade_source("stable_log1pexp", sigmoid)["passed"]
    # right at x = 100 only: the slope there is 1
    fails("stable_log1pexp", with_body("stable_log1pexp", GRAD,
                                       "return upstream * tf.ones_like(x)"), "is wrong in x[")
    # right wherever a random point falls, wrong just past 5: only the edges catch it
    fails("stable_log1pexp", with_body("stable_log1pexp", GRAD,
                                       "return upstream * tf.where(x > 5.0, 1.0, e / (1 + e))"),
          "at x = 5.12 (float32)")


SOFTMAX = "return softmax - y  # -y + softmax·Σy, and Σy = 1"


def test_softmax_cross_entropy_wrong_answers():
    for wrong in ("return y - softmax",  # sign
                  "return softmax * y - y",  # each class's y only on its own term
                  "return 1 / (1 + np.exp(-z)) - y",  # the sigmoid, not the softmax
                  "return -y"):  # the normaliser forgotten
        message = fails("softmax_cross_entropy", with_body("softmax_cross_entropy", SOFTMAX,
                                                           wrong),
                        "your formula is wrong in z[", "where the tape gives", ", y = [")
        assert "softmax" not in message
    fails("softmax_cross_entropy", with_body("softmax_cross_entropy", SOFTMAX,
                                             "return np.sum(softmax - y)"), "shape")
    # right at z = 0 only, where the softmax is 1/k everywhere
    fails("softmax_cross_entropy", with_body("softmax_cross_entropy", SOFTMAX,
                                             "return np.full_like(z, 1 / len(z)) - y"),
          "your formula is wrong in z[")


TAPES = """\
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            L = 0.5 * tf.tensordot(w, tf.linalg.matvec(A, w), 1) + tf.reduce_sum(tf.sin(w))
        g = t1.gradient(L, w)  # recorded by t2: Aw + cos(w)
    return t2.jacobian(g, w)  # A - diag(sin w)
"""


@pytest.mark.slow
def test_nested_tape_hessian_wrong_answers():
    one_tape = with_body("nested_tape_hessian", TAPES, """\
    with tf.GradientTape() as t:
        L = 0.5 * tf.tensordot(w, tf.linalg.matvec(A, w), 1) + tf.reduce_sum(tf.sin(w))
    g = t.gradient(L, w)
    return t.jacobian(g, w)
""")
    line = next(i for i, row in enumerate(one_tape.splitlines(), 1) if "t.jacobian" in row)
    fails("nested_tape_hessian", one_tape, f"RuntimeError at line {line}", "non-persistent")
    fails("nested_tape_hessian", with_body("nested_tape_hessian", "return t2.jacobian(g, w)",
                                           "return t2.gradient(g, w)"),
          "the Hessian has shape (", "the gradient of the gradient's sum")
    outside = with_body("nested_tape_hessian", TAPES, """\
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            L = 0.5 * tf.tensordot(w, tf.linalg.matvec(A, w), 1) + tf.reduce_sum(tf.sin(w))
    g = t1.gradient(L, w)
    return t2.jacobian(g, w)
""")
    fails("nested_tape_hessian", outside, "hessian returned None", "never saw the gradient")
    fails("nested_tape_hessian", with_body("nested_tape_hessian", "L = 0.5 * tf.tensordot",
                                           "L = tf.tensordot"),
          "the Hessian is wrong in H[", "random symmetric")
    persistent = with_body("nested_tape_hessian", TAPES, """\
    with tf.GradientTape(persistent=True) as t:
        L = 0.5 * tf.tensordot(w, tf.linalg.matvec(A, w), 1) + tf.reduce_sum(tf.sin(w))
        g = t.gradient(L, w)
    return t.jacobian(g, w)
""")
    assert grade_source("nested_tape_hessian", persistent)["passed"]  # another right answer
    # the Hessian at one point, hard-coded
    fails("nested_tape_hessian", with_body("nested_tape_hessian", TAPES,
                                           "    return tf.constant([[1.0, 0.5], [0.5, 2.0]])\n"),
          "the Hessian")


def test_nested_tape_hessian_closed_form_fails():
    closed = with_body("nested_tape_hessian", "def hessian(w, A):",
                       "def hessian(w, A):\n    return A - tf.linalg.diag(tf.sin(w))\n\n\n"
                       "def unused(w, A):")
    closed = closed.replace("with tf.GradientTape() as t2:", "if True:").replace(
        "with tf.GradientTape() as t1:", "if True:").replace(
        "g = t1.gradient(L, w)", "g = L").replace("return t2.jacobian(g, w)", "return g")
    result = grade_source("nested_tape_hessian", closed)
    assert not result["passed"]
    assert "computes it with nested tf.GradientTape blocks" in result["message"]


def test_nested_tape_hessian_with_an_unused_tape_fails():
    unused = with_body("nested_tape_hessian", "    return t2.jacobian(g, w)  # A - diag(sin w)",
                       "    return A - tf.linalg.diag(tf.sin(w))")
    result = grade_source("nested_tape_hessian", unused)
    assert not result["passed"] and "each asked once" in result["message"]
