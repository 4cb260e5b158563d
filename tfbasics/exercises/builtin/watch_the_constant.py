"""Fix a None: get dy/dx for y = x³ + 2x where x is a tf.constant.

The starting file records y on a tape, but tape.gradient(y, x) gives None. Change the code, not
the function y, so that the tape gives the gradient; the check runs it at random points.
"""

LESSON = "autodiff"
ORDER = 3
KIND = "fix a None"

STUB = '''\
"""Exercise watch_the_constant: tape.gradient(y, x) is None here. Why? Fix it.

compute(x_value) records y = x³ + 2x on a tape and returns (tape, y, x); the check asks
tape.gradient(y, x) and compares it with the derivative.
Check it: python -m tfbasics.exercises check watch_the_constant
"""
import tensorflow as tf


def compute(x_value):
    x = tf.constant(x_value)
    with tf.GradientTape() as tape:
        y = x**3 + 2 * x
    return tape, y, x
'''

SOLUTION = '''\
"""Exercise watch_the_constant: tape.gradient(y, x) is None here. Why? Fix it.

compute(x_value) records y = x³ + 2x on a tape and returns (tape, y, x); the check asks
tape.gradient(y, x) and compares it with the derivative.
Check it: python -m tfbasics.exercises check watch_the_constant
"""
import tensorflow as tf


def compute(x_value):
    x = tf.constant(x_value)
    with tf.GradientTape() as tape:
        tape.watch(x)  # a tf.Tensor is recorded only once watched
        y = x**3 + 2 * x
    return tape, y, x
'''

HINTS = [
    "What does the tape watch by default? Compare a tf.Variable with a tf.constant.",
    "A tape follows a tf.Tensor only after tape.watch(...) inside the with block.",
]


def _why(compute):
    """Say why the tape did not record x, from compute's source: never watched, or watched
    only after y was computed (the diagnosis, not the fix); None when the source says no."""
    import ast
    import inspect
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(compute)))
    except (OSError, TypeError, SyntaxError):
        return None
    watches = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
               and isinstance(node.func, ast.Attribute) and node.func.attr == "watch"]
    made = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "y" for t in node.targets)]
    if not watches:
        return ("x is a tf.Tensor made by tf.constant, not a tf.Variable, and by itself a "
                "tape records operations only on trainable tf.Variables")
    if made and min(watches) > min(made):
        return ("the tape watches x only after y is computed, and it records operations on "
                "x from the moment it watches it: the ones that made y went unrecorded")
    return None


def grade(student, rng):
    """Run compute at three random points; the gradient must be 3x² + 2, not None."""
    import numpy as np

    from tfbasics.doctor import explain_none
    from tfbasics.exercises.grading import Feedback, Problem, call, compare, points, require

    compute = require(student, "compute", "compute(x_value)")
    for point in points(rng, (), count=3):
        value = float(point)
        result = call(compute, value)
        if not (isinstance(result, tuple) and len(result) == 3):
            raise Problem("compute should return (tape, y, x), as in the starting file")
        tape, y, x = result
        dy_dx = tape.gradient(y, x)
        if dy_dx is None:
            raise Problem(f"at x = {value:g} tape.gradient(y, x) is still None: "
                          f"{_why(compute) or explain_none(tape, y, {'x': x})['x']}")
        compare(dy_dx, np.float64(3 * value**2 + 2), "dy/dx", f"x = {value:g}")
    return Feedback.ok()
