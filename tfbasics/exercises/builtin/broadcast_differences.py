"""Broadcast two vectors into the matrix of their differences D[i, j] = x[i] − y[j].

Write differences(x, y): for x of n elements and y of m, return the (n, m) matrix of every
difference x[i] − y[j], with one subtraction and no Python loops. Broadcasting stretches an
axis of length 1, as in the lesson's outer product; the check compares your matrix with
NumPy's for random vectors of different lengths.
"""

LESSON = "tensors"
ORDER = 2
KIND = "broadcasting puzzle"

STUB = '''\
"""Exercise broadcast_differences: every difference x[i] − y[j] at once, by broadcasting.

x has n elements and y has m. Return the (n, m) matrix D with D[i, j] = x[i] − y[j].
No Python loops: let broadcasting stretch x and y for you.
Check it: python -m tfbasics.exercises check broadcast_differences
"""
import tensorflow as tf


def differences(x, y):
    return ...  # D[i, j] = x[i] - y[j]
'''

SOLUTION = '''\
"""Exercise broadcast_differences: every difference x[i] − y[j] at once, by broadcasting.

x has n elements and y has m. Return the (n, m) matrix D with D[i, j] = x[i] − y[j].
No Python loops: let broadcasting stretch x and y for you.
Check it: python -m tfbasics.exercises check broadcast_differences
"""
import tensorflow as tf


def differences(x, y):
    return tf.reshape(x, [-1, 1]) - y  # (n, 1) - (m,) broadcasts to (n, m)
'''

HINTS = [
    "x - y works only when n = m, and then it pairs x[i] with y[i]: one difference per "
    "position, not one per pair.",
    "Broadcasting stretches an axis of length 1. Which shape should x have so that it "
    "stretches across the m columns?",
    "Make x a column of shape (n, 1), as the lesson does with tf.reshape(x, [3, 1]); y's "
    "shape (m,) then acts as (1, m).",
]


def grade(student, rng):
    """Run differences on three pairs of random vectors (n ≠ m); compare with NumPy."""
    import re

    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import (
        Feedback,
        Problem,
        as_array,
        at_point,
        call,
        compare,
        no_python_loops,
        require,
        require_tensor,
    )

    differences = require(student, "differences", "differences(x, y)")
    for _ in range(3):
        n = int(rng.integers(2, 6))
        m = n + int(rng.integers(1, 3))  # lengths differ, so the axes cannot be mixed up
        if rng.random() < 0.5:
            n, m = m, n
        x = np.round(rng.uniform(-2, 2, n), 2)
        y = np.round(rng.uniform(-2, 2, m), 2)
        at = f"x of {n} and y of {m} elements"
        try:
            D = call(differences, tf.constant(x, tf.float32), tf.constant(y, tf.float32))
        except Problem as problem:
            if "Incompatible shapes" not in str(problem):
                raise
            head = re.sub(r":.*", "", str(problem))  # 'your code raised ... at line 12'
            raise Problem(f"{head}: for {at}, shapes ({n},) and ({m},) do not broadcast, "
                          f"since their lengths differ and neither is 1") from None
        require_tensor(D, f"for {at} differences", "build it with TF ops")
        expected = x[:, None] - y[None, :]
        if tuple(D.shape) == (m, n):
            raise Problem(f"for {at} D has shape ({m}, {n}), one row per element of y: "
                          f"its rows should follow x and its columns y")
        got = as_array(D, f"for {at} D", (n, m))
        if np.allclose(got, -expected, rtol=1e-4, atol=1e-5):
            raise Problem(f"for {at} every D[i, j] has the opposite sign: it should be x[i] "
                          f"minus y[j]")
        compare(got, expected, "D", at_point(["x", "y"], [x, y]), "D")
    no_python_loops(differences, "differences")
    return Feedback.ok()
