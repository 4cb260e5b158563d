"""The graphs exercises: each solution passes; the stub, typical wrong answers and a hard-coded
answer fail with a diagnosis that names where and why, never the answer."""

import pytest
from conftest import fails, solution, stub, with_body

from tfbasics import exercises
from tfbasics.exercises.run import grade_source


def line_of(text, words):
    return next(i for i, line in enumerate(text.splitlines(), 1) if words in line)


NAMES = ["trace_once", "count_calls", "collatz_while_loop"]


def test_they_belong_to_the_lesson_in_order():
    assert [e.name for e in exercises.catalogue() if e.lesson == "graphs"] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_passes_at_two_seeds(name):
    for seed in (0, 1):
        result = grade_source(name, solution(name), seed)
        assert result["passed"], result["message"]


SIGNATURE = """\
@tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.float32),  # any length
                              tf.TensorSpec(shape=[], dtype=tf.float32)))  # slope: a tensor
"""


def test_trace_once_diagnoses_each_retrace():
    # the stub: right values, but each new Python float slope is a new graph
    message = fails("trace_once", stub("trace_once"), "leaky_relu traced a new graph",
                    "each new Python float was baked into a graph of its own")
    assert "input_signature" not in message and "TensorSpec" not in message
    # reduce_retracing generalises shapes, not Python values
    fails("trace_once", with_body("trace_once", SIGNATURE, "@tf.function(reduce_retracing=True)\n"),
          "each new Python float")
    # a fixed length in the signature refuses the other lengths
    fails("trace_once", with_body("trace_once", "shape=[None]", "shape=[3]"),
          "leaky_relu's input_signature refused the check's inputs",
          "it asks for a float32 tensor of shape (3,)")
    # a signature for x alone: Python says so as the file runs, with the line
    only_x = with_body("trace_once", SIGNATURE, "@tf.function(input_signature=(tf.TensorSpec("
                       "shape=[None], dtype=tf.float32),))\n")
    fails("trace_once", only_x, f"at line {line_of(only_x, 'input_signature')}",
          "missing type constraint for slope")
    # an error while tracing names the student's line, not "in user code:"
    float64 = with_body("trace_once", "shape=[], dtype=tf.float32", "shape=[], dtype=tf.float64")
    fails("trace_once", float64, f"TypeError at line {line_of(float64, 'return tf.where')} "
          f"while TF traced it", "does not match type float64")
    fails("trace_once", with_body("trace_once", SIGNATURE, ""), "plain Python function")
    # the stub called in the file once already: the check's first call is a second graph
    fails("trace_once", stub("trace_once") + "\n\nleaky_relu(tf.constant([1.0, -2.0]), 0.3)\n",
          "besides the 1 your file traced")
    assert grade_source("trace_once", solution("trace_once")
                        + "\n\nleaky_relu(tf.constant([1.0, -2.0]), 0.3)\n")["passed"]
    # right values at slope 0 only
    fails("trace_once", with_body("trace_once", "slope * x)", "0 * x)"),
          "leaky_relu(x, slope) is wrong in y[")


COUNT = "    calls.assign_add(1)  # an operation in the graph: it runs on every call\n"


def test_count_calls_diagnoses_the_counter():
    fails("count_calls", stub("count_calls"), "calls (a Python int) went up by 1",
          "runs only while TF traces it")
    rebound = with_body("count_calls", COUNT, "    global calls\n    calls = calls + 1\n")
    fails("count_calls", rebound, "calls is a SymbolicTensor, not a counter",
          "replaced it with a value from the graph")
    inside = with_body("count_calls", COUNT, "    counter = tf.Variable(0)\n"
                       "    counter.assign_add(1)\n")
    line = line_of(inside, "counter = tf.Variable(0)")
    fails("count_calls", inside, f"ValueError at line {line}", "singleton tf.Variables")
    # without tf.function a Python counter would count: the exercise is about graphs
    fails("count_calls", with_body("count_calls", "@tf.function\n", "", stub("count_calls")),
          "squared_norm is a plain Python function")
    fails("count_calls", with_body("count_calls", COUNT, COUNT + COUNT),
          "calls (a tf.Variable) went up by", "one on every run of the graph")
    # another right answer: assign instead of assign_add
    assert grade_source("count_calls", with_body(
        "count_calls", COUNT, "    calls.assign(calls + 1)\n"))["passed"]
    # a float counter: a count of calls is a whole number
    fails("count_calls", solution("count_calls").replace(
        "tf.Variable(0)", "tf.Variable(0.0)").replace("assign_add(1)", "assign_add(1.0)"),
        "calls is a float32 tf.Variable", "integer dtype")
    # a count hard-coded to one number of calls: the check calls a random number of times
    fails("count_calls", with_body("count_calls", COUNT, "").replace(
        "calls = tf.Variable(0)", "calls = tf.Variable(6)"),
        "calls is 6: a count of calls starts at 0")
    fails("count_calls", with_body("count_calls", "tf.reduce_sum(x**2)", "tf.norm(x)"),
          "squared_norm(x) is ", "where it should be")


@pytest.mark.slow
def test_collatz_while_loop_diagnoses_the_loop():
    fails("collatz_while_loop", stub("collatz_while_loop"),
          "collatz_steps still returns ... as the exercise gave it")
    divided = with_body("collatz_while_loop", "n = n // 2  #", "n = n / 2  #")
    fails("collatz_while_loop", divided, "TypeError at line", "while TF traced it",
          "'n' has dtype float64")
    python = with_body("collatz_while_loop", "    steps = 0\n",
                       "    n = int(n.numpy())\n    steps = 0\n")
    fails("collatz_while_loop", python,
          f"AttributeError at line {line_of(python, 'n.numpy()')}", "no attribute 'numpy'")
    no_autograph = with_body("collatz_while_loop", "@tf.function\n",
                             "@tf.function(autograph=False)\n")
    message = fails("collatz_while_loop", no_autograph,
                    f"at line {line_of(no_autograph, 'while n != 1')}", "as a Python `bool`")
    assert len(message) < 200  # TF's paragraph cut to its first sentence
    fails("collatz_while_loop", with_body("collatz_while_loop", "@tf.function\n", ""),
          "collatz_steps is a plain Python function")
    # a Python for loop with a break on a tensor condition: TF's own sentence, not its link
    body = solution("collatz_while_loop").split("    steps = 0\n")[1]
    broken = with_body("collatz_while_loop", body, """\
    for _ in range(1000):
        if n == 1:
            break
        n = tf.where(n % 2 == 0, n // 2, 3 * n + 1)
        steps += 1
    return steps
""")
    message = fails("collatz_while_loop", broken, "NotImplementedError at line",
                    "break and return statements which depend on a TF condition")
    assert "See https" not in message
    # the loop unrolled in Python at trace time: right for these n, but no loop in the graph
    body = solution("collatz_while_loop").split("    steps = 0\n")[1]
    unrolled = with_body("collatz_while_loop", body, """\
    for _ in range(200):
        steps += tf.cast(n != 1, tf.int32)
        n = tf.where(n == 1, n, tf.where(n % 2 == 0, n // 2, 3 * n + 1))
    return steps
""")
    fails("collatz_while_loop", unrolled, "graph holds no loop", "ran in Python while TF traced")
    fails("collatz_while_loop", with_body("collatz_while_loop", "    return steps\n",
                                          "    return steps + 1\n"),
          "collatz_steps(n) is ", "where it should be", "at n = ")
    # the answer for n = 5, hard-coded
    fails("collatz_while_loop", with_body("collatz_while_loop", body, "    return 5\n"),
          "collatz_steps(n) is ", "where it should be")


def test_running_functions_eagerly_does_not_pass_a_stub():
    # tf.config.run_functions_eagerly(True), the lesson's debugging switch, makes every
    # tf.function trace nothing: set by the student's file, or left on by an earlier one, it
    # must not pass an unchanged stub (the check runs as in a fresh process)
    import tensorflow as tf

    cheat = stub("trace_once").replace("import tensorflow as tf\n", "import tensorflow as tf\n"
                                       "\ntf.config.run_functions_eagerly(True)\n")
    fails("trace_once", cheat, "traced")
    tf.config.run_functions_eagerly(True)  # left on, as an earlier notebook cell may
    try:
        for name in ("trace_once", "count_calls"):
            assert not grade_source(name, stub(name))["passed"], name
        assert tf.config.functions_run_eagerly()  # and given back as it was
    finally:
        tf.config.run_functions_eagerly(False)
