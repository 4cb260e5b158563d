"""The sensitivity exercises, graded on student-style answers: several right ways pass, and
each typical wrong answer fails in one line that says where and why, never the answer.
The graders' answers come from derivatives worked out by hand in NumPy."""

import pytest
from conftest import fails, solution, stub, with_body

from tfbasics.exercises.run import grade_source

NAMES = ["saliency_map", "integrated_gradients_by_hand", "gradient_field_of_a_loss"]


def passes(name, text):
    for seed in (0, 1, 2):
        result = grade_source(name, text, seed)
        assert result["passed"], (seed, result["message"])


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_passes_and_the_stub_fails_helpfully(name):
    passes(name, solution(name))
    assert "still returns ... as the exercise gave it" in fails(name, stub(name))


# --- saliency_map --------------------------------------------------------------------------

SALIENCY_TAPE = ("    with tf.GradientTape() as tape:\n"
                 "        tape.watch(x)  # x is a tf.Tensor: the tape records it only when asked\n"
                 "        y = model(x)\n")


def test_saliency_right_answers():
    name = "saliency_map"
    variable = with_body(name, SALIENCY_TAPE, "    x = tf.Variable(x)\n"
                         "    with tf.GradientTape() as tape:\n        y = model(x)\n")
    passes(name, variable)
    summed = with_body(name, "y = model(x)", "y = tf.reduce_sum(model(x))").replace(
        "return tf.abs(dy_dx)", "return tf.math.abs(dy_dx)")
    passes(name, summed)
    squared = with_body(name, "return tf.abs(dy_dx)", "return tf.sqrt(tf.square(dy_dx))")
    passes(name, squared)


def test_saliency_wrong_answers():
    name = "saliency_map"
    unwatched = with_body(name, "        tape.watch(x)  # x is a tf.Tensor: the tape records it "
                          "only when asked\n", "")
    fails(name, unwatched, "only after tape.watch(x)")
    signed = with_body(name, "return tf.abs(dy_dx)", "return dy_dx")
    fails(name, signed, "negative values, the signed dy/dx")
    averaged = with_body(name, "y = model(x)", "y = tf.reduce_mean(model(x))")
    fails(name, averaged, "times too small, the batch size")
    outside = with_body(name, "dy_dx = tape.gradient(y, x)",
                        "dy_dx = tape.gradient(tf.reduce_sum(y), x)")
    fails(name, outside, "the tape gave None, since it records only what runs inside "
          "its with block")
    times_input = with_body(name, "return tf.abs(dy_dx)", "return tf.abs(x * dy_dx)")
    fails(name, times_input, "gradient times input")
    squared_output = with_body(name, "y = model(x)", "y = model(x) ** 2")
    message = fails(name, squared_output, "saliency(model, x) is wrong in s[")
    assert "should be" in message
    one_by_one = with_body(name, SALIENCY_TAPE + "    dy_dx = tape.gradient(y, x)  # of Σy: each "
                           "input's output depends on that input only\n",
                           "    rows = []\n"
                           "    for i in range(x.shape[0]):\n"
                           "        row = x[i:i + 1]\n"
                           "        with tf.GradientTape() as tape:\n"
                           "            tape.watch(row)\n"
                           "            y = model(row)\n"
                           "        rows.append(tape.gradient(y, row))\n"
                           "    dy_dx = tf.concat(rows, axis=0)\n")
    fails(name, one_by_one, "asked a tape for a gradient 4 times for a batch of 4")
    helper = ("import tensorflow as tf\nfrom tfbasics import input_sensitivity\n\n\n"
              "def saliency(model, x):\n    return abs(input_sensitivity(model, x))\n")
    fails(name, helper, "not with tfbasics' helpers")


def test_saliency_hard_coded_answer_fails():
    fails("saliency_map", "import tensorflow as tf\n\n\ndef saliency(model, x):\n"
          "    return tf.ones_like(x)\n", "is wrong in s[")


# --- integrated_gradients_by_hand ------------------------------------------------------------

IG = "integrated_gradients_by_hand"
TRAPEZOID = "mean_gradient = tf.reduce_mean((dy_dx[:-1] + dy_dx[1:]) / 2, axis=0)"


def test_integrated_gradients_right_answers():
    passes(IG, solution(IG))
    weights = with_body(IG, TRAPEZOID,
                        "w = tf.concat([[0.5], tf.ones(steps - 1), [0.5]], 0) / steps\n"
                        "    mean_gradient = tf.tensordot(w, dy_dx, 1)")
    passes(IG, weights)
    ends_from_the_batch = with_body(IG, "    change = model(x) - model(baseline)  # what the "
                                    "attributions should add up to\n",
                                    "    y = tf.reshape(y, [steps + 1, count])\n"
                                    "    change = y[-1] - y[0]  # the path's two ends\n")
    passes(IG, ends_from_the_batch)


def test_integrated_gradients_wrong_answers():
    left = with_body(IG, TRAPEZOID, "mean_gradient = tf.reduce_mean(dy_dx[:-1], axis=0)")
    fails(IG, left, "a left Riemann sum")
    right = with_body(IG, TRAPEZOID, "mean_gradient = tf.reduce_mean(dy_dx[1:], axis=0)")
    fails(IG, right, "a right Riemann sum")
    flat_mean = with_body(IG, TRAPEZOID, "mean_gradient = tf.reduce_mean(dy_dx, axis=0)")
    fails(IG, flat_mean, "a mean over all steps + 1 points")
    unscaled = with_body(IG, "attributions = (x - baseline) * mean_gradient",
                         "attributions = mean_gradient")
    fails(IG, unscaled, "not yet multiplied by how far each input moves")
    times_x = with_body(IG, "attributions = (x - baseline) * mean_gradient",
                        "attributions = x * mean_gradient")
    fails(IG, times_x, "the average gradient times x")
    reversed_path = with_body(IG, "attributions = (x - baseline) * mean_gradient",
                              "attributions = (baseline - x) * mean_gradient")
    fails(IG, reversed_path, "the right size with the wrong sign")
    no_check = with_body(IG, "completeness_error = tf.abs(tf.reduce_sum(attributions, axis=1) "
                         "- change)", "completeness_error = tf.zeros([count])")
    fails(IG, no_check, "completeness_error[", "should be")
    signed = with_body(IG, "completeness_error = tf.abs(tf.reduce_sum(attributions, axis=1) "
                       "- change)", "completeness_error = change - tf.reduce_sum(attributions, "
                       "axis=1)")
    fails(IG, signed, "completeness_error has negative values")


def test_integrated_gradients_one_tape_per_point_fails():
    loop = with_body(IG, "    points = tf.reshape(path, [-1, features])  # one batch of (steps + "
                     "1)·N inputs\n    with tf.GradientTape() as tape:\n"
                     "        tape.watch(points)\n        y = model(points)\n"
                     "    dy_dx = tf.reshape(tape.gradient(y, points), path.shape)\n",
                     "    grads = []\n    for k in range(steps + 1):\n"
                     "        point = path[k]\n"
                     "        with tf.GradientTape() as tape:\n"
                     "            tape.watch(point)\n            y = model(point)\n"
                     "        grads.append(tape.gradient(y, point))\n"
                     "    dy_dx = tf.stack(grads)\n")
    fails(IG, loop, "asked a tape for a gradient 6 times for 2 inputs and 5 steps")


# --- gradient_field_of_a_loss -----------------------------------------------------------------

FIELD = "gradient_field_of_a_loss"
MEAN = "L = tf.reduce_mean(r**2, axis=-1)"


def test_gradient_field_right_answers():
    passes(FIELD, solution(FIELD))
    variables = with_body(FIELD, "        tape.watch([a, b])  # tensors, not variables: watch "
                          "them\n", "").replace("    with tf.GradientTape() as tape:\n",
                                                "    a, b = tf.Variable(a), tf.Variable(b)\n"
                                                "    with tf.GradientTape() as tape:\n")
    passes(FIELD, variables)
    expanded = with_body(FIELD, "r = a[..., None] * x + b[..., None] - y",
                         "r = tf.expand_dims(a, -1) * x + tf.expand_dims(b, -1) - y").replace(
        MEAN, "L = tf.reduce_mean(tf.square(r), axis=2)")
    passes(FIELD, expanded)


def test_gradient_field_wrong_answers():
    unwatched = with_body(FIELD, "        tape.watch([a, b])  # tensors, not variables: watch "
                          "them\n", "")
    fails(FIELD, unwatched, "only after tape.watch")
    everything = with_body(FIELD, MEAN, "L = tf.reduce_mean(r**2)")
    fails(FIELD, everything, "L has shape (), but it should have the grid's shape")
    summed = with_body(FIELD, MEAN, "L = tf.reduce_sum(r**2, axis=-1)")
    fails(FIELD, summed, "times too large, the number of data points")
    swapped = with_body(FIELD, "return L, dL_da, dL_db", "return L, dL_db, dL_da")
    fails(FIELD, swapped, "dL_da and dL_db are swapped")
    grid_mean = with_body(FIELD, MEAN, MEAN + "\n        total = tf.reduce_mean(L)").replace(
        "tape.gradient(L, [a, b])", "tape.gradient(total, [a, b])")
    fails(FIELD, grid_mean, "times too small, the number of grid points")
    outside = with_body(FIELD, "tape.gradient(L, [a, b])",
                        "tape.gradient(tf.reduce_sum(L), [a, b])")
    fails(FIELD, outside, "only what runs inside its with block")
    no_data_axis = with_body(FIELD, "r = a[..., None] * x + b[..., None] - y",
                             "r = a * x + b - y")
    fails(FIELD, no_data_axis, "your code raised InvalidArgumentError at line")


def test_gradient_field_asked_twice_fails():
    persistent = with_body(FIELD, "with tf.GradientTape() as tape:",
                           "with tf.GradientTape(persistent=True) as tape:").replace(
        "dL_da, dL_db = tape.gradient(L, [a, b])",
        "dL_da = tape.gradient(L, a)\n    dL_db = tape.gradient(L, b)")
    fails(FIELD, persistent, "asked a tape for a gradient 2 times")
