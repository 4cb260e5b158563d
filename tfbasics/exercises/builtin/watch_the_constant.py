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


def _why(compute, x):
    """Say why the tape did not record x, from what x is and compute's source: a variable made
    not trainable, never watched, or watched only after y was computed (the diagnosis, not the
    fix); None when neither says."""
    import tensorflow as tf

    if isinstance(x, tf.Variable) and not x.trainable:
        return ("x is a tf.Variable made with trainable=False, and by itself a tape records "
                "operations only on trainable tf.Variables")
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
        made = "made by tf.constant" if "constant" in {getattr(node, "attr", "") for node in
                                                       ast.walk(tree)} else "a tf.Tensor"
        made = f"a tf.Tensor {made}" if made.startswith("made") else made
        return (f"x is {made}, not a tf.Variable, and by itself a tape records operations "
                f"only on trainable tf.Variables")
    if made and min(watches) > min(made):
        return ("the tape watches x only after y is computed, and it records operations on "
                "x from the moment it watches it: the ones that made y went unrecorded")
    return None


def grade(student, rng):
    """Run compute at three random points; the gradient must be 3x² + 2, not None."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.doctor import explain_none
    from tfbasics.exercises.grading import Feedback, Problem, call, compare, points, require

    compute = require(student, "compute", "compute(x_value)")
    for point in points(rng, (), count=3):
        value = float(point)
        result = call(compute, value)
        if not (isinstance(result, tuple) and len(result) == 3):
            raise Problem("compute should return (tape, y, x), as in the starting file")
        tape, y, x = result
        at = f"at x = {value:g}"
        def kind(value):  # "a tf.Tensor", "a NumPy float32", "a list"
            if tf.is_tensor(value):
                return "a tf.Tensor"
            numpy = type(value).__module__ == "numpy"
            return f"a {'NumPy ' if numpy else ''}{type(value).__name__}"

        if not isinstance(tape, tf.GradientTape):
            raise Problem(f"{at} compute returns {kind(tape)} where the tape should be: "
                          f"return (tape, y, x), as in the starting file")
        for name, got in (("y", y), ("x", x)):
            if not (tf.is_tensor(got) or isinstance(got, tf.Variable)):
                raise Problem(f"{at} compute returns {name} as {kind(got)}, not "
                              f"the tf.Tensor the tape recorded: a tape gives gradients of the "
                              f"tensors it computed, so return {name} itself")
        try:
            dy_dx = tape.gradient(y, x)
        except RuntimeError as error:
            if "only be used to compute one set of gradients" not in str(error):
                raise
            raise Problem(f"{at} compute already asked the tape for a gradient, and a tape "
                          f"that is not persistent answers once: the check cannot ask it for "
                          f"dy/dx; return the tape unasked, as in the starting file") from None
        if dy_dx is None:
            raise Problem(f"{at} tape.gradient(y, x) is still None: "
                          f"{_why(compute, x) or explain_none(tape, y, {'x': x})['x']}")
        compare(dy_dx, np.float64(3 * value**2 + 2), "dy/dx", f"x = {value:g}")
    return Feedback.ok()
