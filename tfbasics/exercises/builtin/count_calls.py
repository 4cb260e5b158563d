"""Fix the counter: count how many times a tf.function runs, not how many times it traces.

squared_norm(x) should add 1 to `calls` on every call, but its Python counter stops at 1.
Make `calls` count every call, with squared_norm still a tf.function. The check calls it a
random number of times with new values and compares `calls` and each result.
"""

LESSON = "graphs"
ORDER = 2
KIND = "fix a side effect"

STUB = '''\
"""Exercise count_calls: count the calls of a tf.function, not its traces.

squared_norm(x) returns Σx² and should add 1 to `calls` each time it is called. The check
calls it several times with new float32 vectors x and then reads `calls`. As written, calls
stops at 1. Why? Fix it, keeping squared_norm a tf.function.
Check it: python -m tfbasics.exercises check count_calls
"""
import tensorflow as tf

calls = 0


@tf.function
def squared_norm(x):
    global calls
    calls += 1
    return tf.reduce_sum(x**2)
'''

SOLUTION = '''\
"""Exercise count_calls: count the calls of a tf.function, not its traces.

squared_norm(x) returns Σx² and should add 1 to `calls` each time it is called. The check
calls it several times with new float32 vectors x and then reads `calls`. As written, calls
stops at 1. Why? Fix it, keeping squared_norm a tf.function.
Check it: python -m tfbasics.exercises check count_calls
"""
import tensorflow as tf

calls = tf.Variable(0)


@tf.function
def squared_norm(x):
    calls.assign_add(1)  # an operation in the graph: it runs on every call
    return tf.reduce_sum(x**2)
'''

HINTS = [
    "When does Python code inside a tf.function run: on every call, or only while TF traces "
    "the function into a graph?",
    "The count has to change inside the graph, so it must be TF state that the graph can "
    "update, not a Python number.",
    "Make calls a tf.Variable created outside the function, and add to it with the "
    "variable's assign_add method inside.",
]


def grade(student, rng):
    """Call squared_norm 4 to 8 times (one random length, new values), compare each result
    with NumPy, then require that calls went up by exactly the number of calls."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import Feedback, Problem, at_point, call, compare, require

    squared_norm = require(student, "squared_norm", "squared_norm(x)")
    if not hasattr(squared_norm, "experimental_get_tracing_count"):
        raise Problem("squared_norm is a plain Python function: keep it a tf.function (the "
                      "point is counting the runs of its graph)")
    if "calls" not in student:
        raise Problem("define calls, the counter, in your file (it is missing)")

    def count(when):
        counter = student["calls"]
        try:
            return float(counter.numpy() if hasattr(counter, "numpy") else counter)
        except Exception:  # noqa: BLE001 - e.g. a graph tensor left in the name
            raise Problem(f"{when}, calls is a {type(counter).__name__}, not a counter" + (
                "" if when.startswith("before") else ": assigning to the name calls inside "
                "the function replaced it with a value from the graph being traced")) from None

    counter = student["calls"]
    dtype = getattr(counter, "dtype", None)
    integer = isinstance(counter, int) if dtype is None else tf.as_dtype(dtype).is_integer
    if not integer:
        kind = f"a {tf.as_dtype(dtype).name} tf.Variable" if isinstance(
            counter, tf.Variable) else f"a {type(counter).__name__}"
        raise Problem(f"calls is {kind}: a count of calls is a whole number, so give it an "
                      f"integer dtype")
    start = count("before the check")
    if squared_norm.experimental_get_tracing_count() == 0 and start != 0:
        raise Problem(f"before any call of squared_norm, calls is {start:g}: a count of calls "
                      f"starts at 0")
    number, n = int(rng.integers(4, 9)), int(rng.integers(2, 7))
    for _ in range(number):  # one shape: one graph, so a count of traces stays at most 1
        x = np.round(rng.uniform(-2.0, 2.0, n), 2).astype(np.float32)
        compare(call(squared_norm, tf.constant(x), what="squared_norm"),
                np.sum(x.astype(np.float64) ** 2), "squared_norm(x)", at_point(["x"], [x]),
                "its value")
    counted = count(f"after {number} calls") - start
    if counted != number:
        counter = student["calls"]
        kind = "a tf.Variable" if isinstance(counter, tf.Variable) else (
            f"a Python {type(counter).__name__}" if isinstance(counter, (int, float))
            else f"a {type(counter).__name__}")
        why = ("Python code in a tf.function runs only while TF traces it, not each time its "
               "graph runs" if not isinstance(counter, tf.Variable) else
               "it should go up by one on every run of the graph")
        raise Problem(f"after {number} calls of squared_norm, calls ({kind}) went up by "
                      f"{counted:g}: {why}")
    return Feedback.ok()
