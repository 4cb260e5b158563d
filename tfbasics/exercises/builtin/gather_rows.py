"""Pick a matrix's rows by a vector of row numbers, with one TF op.

Write pick_rows(matrix, index): for a (n, k) matrix and an int32 vector of m row numbers (in
any order, repeats allowed), return the (m, k) tensor whose row r is matrix[index[r]]. The
lesson's indexing takes one integer or slice per axis, so matrix[index] does not work; no
Python loops either. The check compares your rows with NumPy's on random matrices.
"""

LESSON = "tensors"
ORDER = 3
KIND = "indexing puzzle"

STUB = '''\
"""Exercise gather_rows: pick a matrix's rows by a vector of row numbers.

matrix has shape (n, k); index is an int32 vector of m row numbers, in any order and with
repeats. Return the (m, k) tensor whose row r is matrix[index[r]].
No Python loops: one TF op picks them all.
Check it: python -m tfbasics.exercises check gather_rows
"""
import tensorflow as tf


def pick_rows(matrix, index):
    return ...  # row r is matrix[index[r]]
'''

SOLUTION = '''\
"""Exercise gather_rows: pick a matrix's rows by a vector of row numbers.

matrix has shape (n, k); index is an int32 vector of m row numbers, in any order and with
repeats. Return the (m, k) tensor whose row r is matrix[index[r]].
No Python loops: one TF op picks them all.
Check it: python -m tfbasics.exercises check gather_rows
"""
import tensorflow as tf


def pick_rows(matrix, index):
    return tf.gather(matrix, index)  # along axis 0: whole rows
'''

HINTS = [
    "matrix[index] raises: a tensor's [] takes one integer or slice per axis, as in the "
    "lesson, not a vector of positions.",
    "TF has an op that collects the slices of a tensor found at a list of positions: "
    "tf.gather.",
    "tf.gather(params, indices, axis=...) picks along the axis you name; rows lie along "
    "axis 0.",
]


def grade(student, rng):
    """Run pick_rows on three random matrices and index vectors; compare with NumPy."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import (
        Feedback,
        Problem,
        as_array,
        call,
        no_python_loops,
        require,
        require_tensor,
    )

    pick_rows = require(student, "pick_rows", "pick_rows(matrix, index)")
    for _ in range(3):
        n = int(rng.integers(3, 6))
        k = n + int(rng.integers(1, 3))  # wider than tall, so every row number is a column too
        m = n + int(rng.integers(1, 4))  # more picks than rows: some repeat
        # all values differ, so a row of the result says which row of matrix it is
        matrix = rng.choice(np.arange(1, 1000), n * k, replace=False).reshape(n, k) / 10
        index = rng.integers(0, n, m)
        at = f"a ({n}, {k}) matrix and index = {index.tolist()}"
        result = call(pick_rows, tf.constant(matrix, tf.float32),
                      tf.constant(index, tf.int32))
        require_tensor(result, f"for {at} pick_rows", "pick the rows with a TF op")
        if tuple(result.shape) == (n, m):
            raise Problem(f"for {at} your result has shape ({n}, {m}), one column per row "
                          f"number: it picked columns of matrix, not rows")
        got = as_array(result, f"for {at} your result", (m, k))
        expected = matrix[index]
        for r in np.flatnonzero(~np.all(np.isclose(got, expected), axis=1)):
            same = np.flatnonzero(np.all(np.isclose(matrix, got[r]), axis=1))
            holds = f"matrix row {same[0]}" if len(same) else "no row of matrix"
            raise Problem(f"for {at} row {r} of your result is {holds}, where it should be "
                          f"row index[{r}] = {index[r]}")
    no_python_loops(pick_rows, "pick_rows")
    return Feedback.ok()
