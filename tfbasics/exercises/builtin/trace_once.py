"""Fix the retracing: a tf.function that traces one graph for vectors of any length.

leaky_relu(x, slope) gives right answers, but it traces a new graph for each new length of x
and for each new slope. Change how it is declared, not what it computes, so that one graph
serves every call: the check calls it with float32 vectors of several lengths and a new
Python float slope each time, then counts its traces.
"""

LESSON = "graphs"
ORDER = 1
KIND = "fix the retracing"

STUB = '''\
"""Exercise trace_once: one graph for every call of leaky_relu.

leaky_relu(x, slope) returns x where x > 0 and slope·x elsewhere. The check calls it with
float32 vectors x of several lengths and a new Python float slope each time; afterwards
leaky_relu.experimental_get_tracing_count() must be 1. As written, it is not. Why?
Check it: python -m tfbasics.exercises check trace_once
"""
import tensorflow as tf


@tf.function
def leaky_relu(x, slope):
    return tf.where(x > 0, x, slope * x)
'''

SOLUTION = '''\
"""Exercise trace_once: one graph for every call of leaky_relu.

leaky_relu(x, slope) returns x where x > 0 and slope·x elsewhere. The check calls it with
float32 vectors x of several lengths and a new Python float slope each time; afterwards
leaky_relu.experimental_get_tracing_count() must be 1. As written, it is not. Why?
Check it: python -m tfbasics.exercises check trace_once
"""
import tensorflow as tf


@tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.float32),  # any length
                              tf.TensorSpec(shape=[], dtype=tf.float32)))  # slope: a tensor
def leaky_relu(x, slope):
    return tf.where(x > 0, x, slope * x)
'''

HINTS = [
    "A graph is specialised to its inputs: a tensor's dtype and shape, and a Python number's "
    "value. Which of these change from call to call here?",
    "An input_signature fixes the graph's inputs once: a None in a TensorSpec's shape means "
    "any length.",
    "Give both arguments a tf.TensorSpec: x a float32 vector of shape [None], slope a float32 "
    "scalar (shape []); a Python float passed for it then becomes a tensor.",
]


def grade(student, rng):
    """Call leaky_relu with x of one length and three slopes, then with three other lengths
    (each x of both signs, one element between 1e-4 and 1e-3); compare each result with NumPy
    and require one trace in all (a file run again in a notebook keeps its graph: still one)."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import Feedback, Problem, at_point, call, compare, require

    leaky_relu = require(student, "leaky_relu", "leaky_relu(x, slope)")
    if not hasattr(leaky_relu, "experimental_get_tracing_count"):
        raise Problem("leaky_relu is a plain Python function: keep it a tf.function (the check "
                      "counts the graphs it traces)")
    lengths = [int(n) for n in rng.choice(np.arange(2, 12), 4, replace=False)]
    # any slope, as the task says: one in (0, 1), one above 1 and one below 0 at every run
    # (tf.maximum(x, slope·x) is leaky_relu only for slopes in [0, 1])
    slopes = [float(np.round(rng.uniform(low, high), 2)) for low, high in
              ((0.01, 0.99), (1.1, 3.0), (-2.0, -0.1), (0.01, 0.99), (1.1, 3.0), (-2.0, -0.1))]
    slopes = [slopes[i] for i in rng.permutation(3)] + [slopes[3 + i]
                                                         for i in rng.permutation(3)]
    calls = [(lengths[0], slope) for slope in slopes[:3]]  # one length, three slopes
    calls += list(zip(lengths[1:], slopes[3:], strict=True))  # then three other lengths
    for number, (n, slope) in enumerate(calls):
        x = np.round(rng.uniform(0.01, 2.0, n), 2) * np.where(np.arange(n) % 2, 1, -1)
        # a small positive x at every call: a threshold a little above 0 (x > 1e-3) gives
        # slope·x there instead of x
        x[1] = np.round(rng.uniform(1e-4, 1e-3), 6)
        x = x[rng.permutation(n)].astype(np.float32)  # both signs, in a random order
        before = leaky_relu.experimental_get_tracing_count()
        y = call(leaky_relu, tf.constant(x), slope, what="leaky_relu")
        compare(y, np.where(x > 0, x, slope * x.astype(np.float64)), "leaky_relu(x, slope)",
                at_point(["x", "slope"], [x, slope]), "y")
        traces = leaky_relu.experimental_get_tracing_count()
        if traces == 1 or traces == before:
            continue
        if number == 0:
            raise Problem(f"leaky_relu traced a new graph when the check first called it (x of "
                          f"length {n}, slope = {slope:g}), besides the {before} your file "
                          f"traced: one graph should serve every call")
        if number < 3:
            raise Problem(f"leaky_relu traced a new graph (its graph number {traces}) for "
                          f"slope = {slope:g} with x of the same length as the call before: "
                          f"each new Python float was baked into a graph of its own")
        raise Problem(f"leaky_relu traced a new graph (its graph number {traces}) for x of "
                      f"length {n}, after length {calls[number - 1][0]}: each graph was made "
                      f"for one shape of x")
    return Feedback.ok()
