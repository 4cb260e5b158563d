"""The variables exercises: each solution passes; the stub, typical wrong answers and a
hard-coded answer fail with a diagnosis that names where and why, never the answer."""

import pytest
from conftest import solution, stub, with_body

from tfbasics import exercises
from tfbasics.exercises.run import grade_source


def failed(name, text, seed=0):
    """Grade a wrong answer; assert it fails in one line without a traceback; its message."""
    result = grade_source(name, text, seed)
    assert not result["passed"], result
    assert "Traceback" not in result["message"] and "\n" not in result["message"]
    return result["message"]


NAMES = ["update_in_place", "nontrainable_counter", "swap_variables"]


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_passes_and_the_stub_fails(name):
    for seed in (0, 1):
        assert grade_source(name, solution(name), seed)["passed"]
    failed(name, stub(name))
    exercise = exercises.find(name)
    assert exercise.lesson == "variables" and exercise.order == NAMES.index(name) + 1


UPDATE = "        w.assign_sub(lr * dL_dw)  # in place: w stays the Variable the tape watches"


def test_update_in_place_stub_gets_the_diagnosis_not_the_fix():
    message = failed("update_in_place", stub("update_in_place"))
    assert "from the second step on, tape.gradient(L, w) is None: after the first step w is " \
           "no longer the tf.Variable train was given but a new tf.Tensor" in message
    # found by a student review: it said "watch it" (the wrong fix) and gave the right one
    assert "watch" not in message and "assign" not in message


def test_update_in_place_other_right_answers_pass():
    for right in ("        w.assign(w - lr * dL_dw)",
                  "        w.assign_add(-lr * dL_dw)"):
        assert grade_source("update_in_place", with_body("update_in_place", UPDATE,
                                                         right))["passed"]


def test_update_in_place_wrong_answers():
    # a new Variable each step: gradients work, but the caller's w never changes
    message = failed("update_in_place", with_body("update_in_place", UPDATE,
                                                  "        w = tf.Variable(w - lr * dL_dw)"))
    assert "train returns a new tf.Variable, not the tf.Variable it was given, which still " \
           "holds its starting value" in message
    # watching the Tensor: the steps are right, but w is a Tensor now
    watched = with_body("update_in_place", UPDATE, "        w = w - lr * dL_dw")
    watched = watched.replace("            L = tf.reduce_mean",
                              "            tape.watch(w)\n            L = tf.reduce_mean")
    message = failed("update_in_place", watched)
    assert "train returns a tf.Tensor, not the tf.Variable it was given" in message
    assert "the loop replaced w instead of changing it" in message
    # the sign: gradient ascent
    message = failed("update_in_place", with_body("update_in_place", UPDATE,
                                                  "        w.assign_add(lr * dL_dw)"))
    assert "w is wrong in w[" in message and "where NumPy's steps give" in message
    # a raise that is not a None gradient is reported as itself, with its line
    typo = with_body("update_in_place", UPDATE, "        w.assign_sub(lr * dl_dw)")
    line = typo.splitlines().index("        w.assign_sub(lr * dl_dw)") + 1
    assert failed("update_in_place", typo).startswith(
        f"your code raised NameError at line {line}: name 'dl_dw' is not defined")


def test_update_in_place_hard_coded_fails():
    # one step only: right when num_steps is 1, which the check never uses
    one = with_body("update_in_place", "    for _ in range(num_steps):", "    for _ in range(1):")
    assert "w is wrong in w[" in failed("update_in_place", one)


COUNTER = "    return tf.Variable(0, trainable=False)  # an int32 that tapes do not watch"
COUNT = "    counter.assign_add(1)"


def test_nontrainable_counter_stub_names_the_dots():
    message = failed("nontrainable_counter", stub("nontrainable_counter"))
    assert "make_counter still returns ... as the exercise gave it" in message
    half = stub("nontrainable_counter").replace("    return ...  # a step counter", COUNTER)
    message = failed("nontrainable_counter", half)  # the counter made, the count not written
    assert "your counter holds 0: train_step did not change the variable it was given" \
        in message


def test_nontrainable_counter_wrong_answers():
    message = failed("nontrainable_counter", with_body(
        "nontrainable_counter", COUNTER, "    return tf.Variable(0)"))
    assert "a tf.GradientTape around train_step watched your counter" in message
    assert "trainable variable" in message
    message = failed("nontrainable_counter", with_body(
        "nontrainable_counter", COUNTER, "    return tf.Variable(0.0, trainable=False)"))
    assert "float32 variable: a step count is a whole number" in message
    message = failed("nontrainable_counter", with_body(
        "nontrainable_counter", COUNT, "    counter = counter + 1"))
    assert "your counter holds 0: train_step did not change the variable" in message
    message = failed("nontrainable_counter", with_body(
        "nontrainable_counter", COUNTER, "    return tf.constant(0)"))
    assert "gives a tf.Tensor, not a tf.Variable" in message
    message = failed("nontrainable_counter", with_body(  # the lesson's counter starts at 1
        "nontrainable_counter", COUNTER, "    return tf.Variable(1, trainable=False)"))
    assert "holding 1: it should be the single number 0" in message


def test_nontrainable_counter_hard_coded_fails():
    # right after exactly 3 steps only
    message = failed("nontrainable_counter", with_body(
        "nontrainable_counter", COUNT, "    counter.assign(3)"))
    assert "your counter holds 3" in message


SWAP = "    old_a = tf.convert_to_tensor(a)  # a's value now, as a tensor: it will not change\n"


def test_swap_variables_wrong_answers():
    message = failed("swap_variables", stub("swap_variables"))
    assert "both variables still hold their starting values" in message
    # `old_a = a` keeps the variable, which the first assign overwrites
    message = failed("swap_variables", with_body("swap_variables", SWAP, "    old_a = a\n"))
    assert "a and b both hold what b held" in message and "overwritten" in message
    rebound = with_body("swap_variables", SWAP + "    a.assign(b)\n    b.assign(old_a)\n",
                        "    a, b = b, a\n")
    assert "still hold their starting values" in failed("swap_variables", rebound)
    new = with_body("swap_variables", SWAP + "    a.assign(b)\n    b.assign(old_a)\n",
                    "    a, b = tf.Variable(b), tf.Variable(a)\n")
    assert "still hold their starting values" in failed("swap_variables", new)
    half = with_body("swap_variables", "    b.assign(old_a)\n", "    b.assign(old_a + 1)\n")
    message = failed("swap_variables", half)
    assert "b is wrong in b[" in message and "where a held" in message
    other = with_body("swap_variables", SWAP, "    old_a = a.read_value()\n")
    assert grade_source("swap_variables", other)["passed"]  # another right answer


def test_swap_variables_hard_coded_fails():
    hard = with_body("swap_variables", SWAP + "    a.assign(b)\n    b.assign(old_a)\n",
                     "    a.assign(tf.zeros_like(a))\n    b.assign(tf.ones_like(b))\n")
    assert "a is wrong in a[" in failed("swap_variables", hard)
