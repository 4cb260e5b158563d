"""Write the tape code: a loss of two weights and its gradient over a whole grid at once.

Write field(a, b, x, y): a and b are tensors of one grid's shape (rows, columns) holding the
weights of the line a·x + b at every grid point; x and y are data of shape (K,). Return (L,
dL/da, dL/db), each of the grid's shape, for L = mean((a·x + b - y)²) over the data: one tape
asked once for the whole grid, no Python loop over its points. The check compares them with
the gradient derived by hand, on random grids and data.
"""

LESSON = "sensitivity"
ORDER = 3
KIND = "write the tape code"

STUB = '''\
"""Exercise gradient_field_of_a_loss: L(a, b) = mean((a·x + b - y)²) on a whole grid.

a and b have the grid's shape (rows, columns); x and y have shape (K,). Return (L, dL_da,
dL_db), each of the grid's shape: one tape, asked once, no Python loop over grid points.
Check it: python -m tfbasics.exercises check gradient_field_of_a_loss
"""
import tensorflow as tf


def field(a, b, x, y):
    L = ...  # one L per grid point, recorded on a tape
    dL_da, dL_db = ..., ...  # from one tape.gradient call
    return L, dL_da, dL_db
'''

SOLUTION = '''\
"""Exercise gradient_field_of_a_loss: L(a, b) = mean((a·x + b - y)²) on a whole grid.

a and b have the grid's shape (rows, columns); x and y have shape (K,). Return (L, dL_da,
dL_db), each of the grid's shape: one tape, asked once, no Python loop over grid points.
Check it: python -m tfbasics.exercises check gradient_field_of_a_loss
"""
import tensorflow as tf


def field(a, b, x, y):
    with tf.GradientTape() as tape:
        tape.watch([a, b])  # tensors, not variables: watch them
        r = a[..., None] * x + b[..., None] - y  # (rows, columns, K)
        L = tf.reduce_mean(r**2, axis=-1)  # over the data only: one L per grid point
    dL_da, dL_db = tape.gradient(L, [a, b])  # of ΣL: each point's own gradient
    return L, dL_da, dL_db
'''

HINTS = [
    "Give a and b a last axis for the data, a[..., None] * x + b[..., None] - y, so the "
    "residuals have shape (rows, columns, K); average over that last axis only.",
    "a and b are tf.Tensors: call tape.watch([a, b]) inside the tape's with block.",
    "tape.gradient(L, [a, b]) differentiates the sum of L over the grid. Each point's L "
    "depends on its own a and b only, so that sum gives every point's own gradient at once.",
]


def _why_none(field):
    """Say why the tape gave None: a and b unwatched, or L computed outside the with block."""
    from tfbasics.exercises.grading import Problem, uses

    try:
        uses(field, "field", ["watch"], "")
    except Problem:  # no tape.watch anywhere (tf.Variables would not need one)
        return "records tf.Tensors such as a and b only after tape.watch"
    return ("records only what runs inside its with block: compute the value you "
            "differentiate there")


def grade(student, rng):
    """Two random grids and data sets; compare with L, 2·mean(r·x) and 2·mean(r) by hand."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import (
        Feedback,
        Problem,
        as_array,
        avoids,
        call,
        compare,
        no_python_loops,
        require,
        tape_calls,
        uses,
    )

    field = require(student, "field", "field(a, b, x, y)")
    for _ in range(2):
        # more data points than columns: a missing data axis fails to broadcast
        rows, columns, count = (int(n) for n in rng.integers([3, 4, 7], [6, 7, 12]))
        a, b = np.meshgrid(np.round(np.linspace(*np.sort(rng.uniform(-3, 3, 2)), columns), 3),
                           np.round(np.linspace(*np.sort(rng.uniform(-3, 3, 2)), rows), 3))
        x = np.round(rng.uniform(-2, 2, count), 2)
        y = np.round(rng.uniform(-1, 3) * x + rng.normal(0, 0.5, count), 2)
        args = [tf.constant(v, tf.float32) for v in (a, b, x, y)]
        try:
            result = call(field, *args)
        except Problem as problem:
            if "NoneType" in str(problem) or "None values not supported" in str(problem):
                raise Problem(f"{str(problem).rstrip('.')}: a gradient was None, since the "
                              f"tape {_why_none(field)}") from None
            raise
        if not (isinstance(result, (tuple, list)) and len(result) == 3):
            raise Problem("field should return three values: (L, dL_da, dL_db)")
        a, b, x, y = (v.numpy().astype(np.float64) for v in args)
        r = a[..., None] * x + b[..., None] - y
        L, dL_da, dL_db = np.mean(r**2, -1), 2 * np.mean(r * x, -1), 2 * np.mean(r, -1)
        at = f"a {rows}×{columns} grid and {count} points"
        for name, value in zip(("L", "dL_da", "dL_db"), result, strict=True):
            if value is None:
                raise Problem(f"for {at} {name} is None, since the tape {_why_none(field)}")
        got_L = as_array(result[0], "L", None)
        if got_L.shape != L.shape:
            raise Problem(f"for {at} L has shape {got_L.shape}, but it should have the "
                          f"grid's shape {L.shape}: one L per grid point, averaged over the "
                          f"data's axis only")
        if np.allclose(got_L, L * count, rtol=1e-4):
            raise Problem(f"for {at} L is {count} times too large, the number of data "
                          f"points: L is a mean over the data, not a sum")
        compare(got_L, L, "L", at, "L", rtol=1e-4, atol=1e-5)
        got_a = as_array(result[1], "dL_da", L.shape)
        got_b = as_array(result[2], "dL_db", L.shape)
        scale = max(1.0, float(np.max(np.abs(dL_da))), float(np.max(np.abs(dL_db))))
        close = lambda p, q, s=scale: np.allclose(p, q, rtol=1e-4, atol=1e-5 * s)  # noqa: E731
        if close(got_a, dL_db) and close(got_b, dL_da):
            raise Problem(f"for {at} dL_da and dL_db are swapped: return them in the order "
                          f"you list the sources")
        if close(got_a, dL_da / L.size) and close(got_b, dL_db / L.size):
            raise Problem(f"for {at} both gradients are {L.size} times too small, the number "
                          f"of grid points: the tape already sums L over the grid, and each "
                          f"point's L depends on that point only; a mean over the grid "
                          f"divides every gradient")
        compare(got_a, dL_da, "dL_da", at, "dL_da", rtol=1e-4, atol=1e-5 * scale)
        compare(got_b, dL_db, "dL_db", at, "dL_db", rtol=1e-4, atol=1e-5 * scale)
    avoids(field, "field", ["tfbasics"], "computes the field with a tape of its own, not "
           "with tfbasics' helpers")
    uses(field, "field", ["GradientTape"], "records L on a tf.GradientTape")
    asked = tape_calls(field, *args)
    if asked != 1:
        raise Problem(f"field asked a tape for a gradient {asked} times for a {rows}×"
                      f"{columns} grid: one call gives every grid point's gradient, so ask "
                      f"once")
    no_python_loops(field, "field")
    return Feedback.ok()
