"""Put the slices of a 3-axis tensor side by side: (a, b, c) becomes (b, a·c).

Write side_by_side(x): for x of shape (a, b, c), return the (b, a·c) tensor whose first c
columns are the slice x[0], the next c are x[1], and so on. A plain reshape gives the right
shape but scrambles the values, as the lesson's bad reshapes show. Use TF ops on the whole
tensor, no Python loops; the check compares your result with NumPy on random shapes.
"""

LESSON = "tensors"
ORDER = 1
KIND = "reshape puzzle"

STUB = '''\
"""Exercise slices_side_by_side: put the slices x[0], x[1], ... of x side by side.

x has shape (a, b, c). Return the (b, a·c) tensor whose row j is x[0, j], x[1, j], ...,
x[a - 1, j] joined end to end: its first c columns are x[0], the next c are x[1], and so on.
No Python loops: use TF ops on the whole tensor.
Check it: python -m tfbasics.exercises check slices_side_by_side
"""
import tensorflow as tf


def side_by_side(x):
    return ...  # (a, b, c) -> (b, a·c)
'''

SOLUTION = '''\
"""Exercise slices_side_by_side: put the slices x[0], x[1], ... of x side by side.

x has shape (a, b, c). Return the (b, a·c) tensor whose row j is x[0, j], x[1, j], ...,
x[a - 1, j] joined end to end: its first c columns are x[0], the next c are x[1], and so on.
No Python loops: use TF ops on the whole tensor.
Check it: python -m tfbasics.exercises check slices_side_by_side
"""
import tensorflow as tf


def side_by_side(x):
    a, b, c = x.shape
    return tf.reshape(tf.transpose(x, [1, 0, 2]), [b, a * c])  # (b, a, c), then merge a, c
'''

HINTS = [
    "Try tf.reshape(x, [b, -1]) on a small x, say tf.reshape(tf.range(12), [2, 3, 2]), and "
    "look at its first row: which slices do its values come from?",
    "A reshape never moves values: it reads x in memory order. So first move the axis that "
    "should become the rows to the front.",
    "tf.transpose(x, [1, 0, 2]) has shape (b, a, c): each row's values now lie next to each "
    "other in memory, and merging the last two axes keeps them together.",
]


def grade(student, rng):
    """Run side_by_side on three x of random shape (a, b, c), a different a each time;
    compare with NumPy's answer."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import (
        Feedback,
        Problem,
        as_array,
        call,
        label,
        mentions,
        no_python_loops,
        require,
        require_tensor,
    )

    side_by_side = require(student, "side_by_side", "side_by_side(x)")
    named = mentions(side_by_side) or set()
    for a in rng.choice(np.arange(2, 6), 3, replace=False):  # three numbers of slices
        a, b, c = int(a), *(int(n) for n in rng.integers(2, 5, 2))
        # all values differ, so each value in the result says where in x it came from
        x = rng.choice(np.arange(1, 1000), a * b * c, replace=False).reshape(a, b, c) / 10
        result = call(side_by_side, tf.constant(x, tf.float32))
        at = f"x of shape {(a, b, c)}"
        require_tensor(result, f"for {at} side_by_side", "build the result with TF ops")
        got = as_array(result, f"for {at} your result", (b, a * c))
        expected = x.transpose(1, 0, 2).reshape(b, a * c)
        wrong = np.argwhere(~np.isclose(got, expected))
        if len(wrong) == 0:
            continue
        i, j = (int(n) for n in wrong[0])
        source = np.argwhere(np.isclose(x, got[i, j]))
        holds = label("x", tuple(int(n) for n in source[0])) if len(source) else \
            f"{got[i, j]:g}, which is not in x"
        why = " (a reshape alone keeps x's memory order, which is not this order)" \
            if np.allclose(got, x.reshape(b, a * c)) and "reshape" in named else ""
        raise Problem(f"for {at} your result[{i}, {j}] holds {holds} where it should hold "
                      f"{label('x', (j // c, i, j % c))}{why}")
    no_python_loops(side_by_side, "side_by_side")
    return Feedback.ok()
